// SPDX-License-Identifier: GPL-2.0
/*
 * primedisp_connector.c - the encoder and connector of a primedisp output.
 *
 * Each output's CRTC feeds a virtual (or, with connector_type=HDMI-A, a
 * TMDS) encoder and its connector.  The connector offers the standard modes
 * up to max_width x max_height, or an EDID override's; it is connected
 * unless the hotplug interface (outputN_status in sysfs, below) says
 * otherwise.
 *
 * Copyright (C) 2026 The primedisp authors
 */

#include <linux/device.h>
#include <linux/sysfs.h>

#include <drm/drm_atomic_helper.h>
#include <drm/drm_drv.h>
#include <drm/drm_edid.h>
#include <drm/drm_encoder.h>
#include <drm/drm_managed.h>
#include <drm/drm_modes.h>
#include <drm/drm_probe_helper.h>

#include "primedisp_compat.h"
#include "primedisp_drv.h"

/**
 * pd_connector_get_modes - the modes primedisp offers on a connector
 * @connector: an output's connector or writeback connector
 *
 * The standard modes up to the largest size, with the preferred size marked.
 * A preferred size or refresh rate the standard list does not have gets a
 * CVT mode of its own.
 *
 * Return: the number of modes added.
 */
int pd_connector_get_modes(struct drm_connector *connector)
{
	struct pd_device *pd = to_pd_device(connector->dev);
	const struct pd_config *cfg = &pd->config;
	struct drm_display_mode *mode;
	bool found = false;
	int count;

	count = drm_add_modes_noedid(connector, cfg->max_width,
				     cfg->max_height);
	list_for_each_entry(mode, &connector->probed_modes, head)
		if (mode->hdisplay == cfg->pref_width &&
		    mode->vdisplay == cfg->pref_height &&
		    drm_mode_vrefresh(mode) == cfg->pref_refresh)
			found = true;
	if (found) {
		drm_set_preferred_mode(connector, cfg->pref_width,
				       cfg->pref_height);
		return count;
	}

	mode = drm_cvt_mode(connector->dev, cfg->pref_width, cfg->pref_height,
			    cfg->pref_refresh, false, false, false);
	if (!mode)
		return count;
	mode->type |= DRM_MODE_TYPE_DRIVER | DRM_MODE_TYPE_PREFERRED;
	drm_mode_probed_add(connector, mode);
	return count + 1;
}

/* An EDID override (HDMI-A connectors, debugfs edid_override) wins. */
static int pd_output_get_modes(struct drm_connector *connector)
{
	int count = pd_compat_edid_override_modes(connector);

	return count > 0 ? count : pd_connector_get_modes(connector);
}

static enum drm_connector_status pd_connector_detect(struct drm_connector *c,
						     bool force)
{
	return READ_ONCE(connector_to_pd_output(c)->connected) ?
	       connector_status_connected : connector_status_disconnected;
}

static const struct drm_connector_helper_funcs pd_connector_helper_funcs = {
	.get_modes = pd_output_get_modes,
};

static const struct drm_connector_funcs pd_connector_funcs = {
	.reset = drm_atomic_helper_connector_reset,
	.detect = pd_connector_detect,
	.fill_modes = drm_helper_probe_single_connector_modes,
	.atomic_duplicate_state = drm_atomic_helper_connector_duplicate_state,
	.atomic_destroy_state = drm_atomic_helper_connector_destroy_state,
};

static const struct drm_encoder_funcs pd_encoder_funcs = {
};

/**
 * pd_connector_init - create the encoder and connector of one output
 * @pd: the primedisp device
 * @out: the output, whose CRTC exists
 *
 * Return: 0 or a negative errno.
 */
int pd_connector_init(struct pd_device *pd, struct pd_output *out)
{
	struct drm_device *drm = &pd->drm;
	int ret;

	ret = drmm_encoder_init(drm, &out->encoder, &pd_encoder_funcs,
				pd->config.connector_type == DRM_MODE_CONNECTOR_HDMIA ?
				DRM_MODE_ENCODER_TMDS : DRM_MODE_ENCODER_VIRTUAL,
				NULL);
	if (ret)
		return ret;
	out->encoder.possible_crtcs = drm_crtc_mask(&out->crtc);

	ret = drmm_connector_init(drm, &out->connector, &pd_connector_funcs,
				  pd->config.connector_type, NULL);
	if (ret)
		return ret;
	drm_connector_helper_add(&out->connector, &pd_connector_helper_funcs);
	out->connected = true;
	out->connector.status = connector_status_connected;

	return drm_connector_attach_encoder(&out->connector, &out->encoder);
}

/*
 * Runtime connector control: /sys/devices/.../primedisp/outputN_status
 * reads "connected" or "disconnected"; writing either one simulates
 * plugging or unplugging the cable of output N and sends the hotplug
 * uevent compositors listen for.  (DRM's own debugfs "force" file changes
 * the state without an event.)
 */
struct pd_status_attr {
	struct device_attribute attr;
	unsigned int index;
};

static unsigned int pd_status_index(struct device_attribute *attr)
{
	return container_of(attr, struct pd_status_attr, attr)->index;
}

static ssize_t pd_status_show(struct device *dev,
			      struct device_attribute *attr, char *buf)
{
	struct pd_device *pd = dev_get_drvdata(dev);
	struct pd_output *out = &pd->outputs[pd_status_index(attr)];

	return sysfs_emit(buf, "%s\n", READ_ONCE(out->connected) ?
			  "connected" : "disconnected");
}

static ssize_t pd_status_store(struct device *dev,
			       struct device_attribute *attr,
			       const char *buf, size_t count)
{
	struct pd_device *pd = dev_get_drvdata(dev);
	struct pd_output *out = &pd->outputs[pd_status_index(attr)];
	bool connected;
	int idx;

	if (sysfs_streq(buf, "connected"))
		connected = true;
	else if (sysfs_streq(buf, "disconnected"))
		connected = false;
	else
		return -EINVAL;

	if (!drm_dev_enter(&pd->drm, &idx))
		return -ENODEV;
	if (READ_ONCE(out->connected) != connected) {
		WRITE_ONCE(out->connected, connected);
		drm_kms_helper_hotplug_event(&pd->drm);
	}
	drm_dev_exit(idx);
	return count;
}

static struct pd_status_attr pd_status_attrs[PD_MAX_OUTPUTS] = {
	{ __ATTR(output0_status, 0644, pd_status_show, pd_status_store), 0 },
	{ __ATTR(output1_status, 0644, pd_status_show, pd_status_store), 1 },
	{ __ATTR(output2_status, 0644, pd_status_show, pd_status_store), 2 },
	{ __ATTR(output3_status, 0644, pd_status_show, pd_status_store), 3 },
};

static struct attribute *pd_attrs[] = {
	&pd_status_attrs[0].attr.attr,
	&pd_status_attrs[1].attr.attr,
	&pd_status_attrs[2].attr.attr,
	&pd_status_attrs[3].attr.attr,
	NULL
};

/* Only the outputs the device has; called once drvdata is set. */
static umode_t pd_attr_visible(struct kobject *kobj, struct attribute *attr,
			       int n)
{
	struct pd_device *pd = dev_get_drvdata(kobj_to_dev(kobj));

	return pd && n < pd->config.num_outputs ? attr->mode : 0;
}

static const struct attribute_group pd_attr_group = {
	.attrs = pd_attrs,
	.is_visible = pd_attr_visible,
};

const struct attribute_group *pd_connector_groups[] = {
	&pd_attr_group,
	NULL
};
