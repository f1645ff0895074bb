// SPDX-License-Identifier: GPL-2.0
/*
 * primedisp_config.c - what a primedisp device is configured with.
 *
 * Module parameters give every device its defaults; a device described by
 * firmware (dts/primedisp.yaml) may override the modes and the number of
 * outputs.  pd_config_read() merges and checks both once, at probe.
 *
 * Copyright (C) 2026 The primedisp authors
 */

#include <linux/device.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/property.h>
#include <linux/sizes.h>
#include <linux/string.h>

#include <drm/drm_connector.h>

#include "primedisp_drv.h"

static unsigned int pref_width = 1024;
module_param(pref_width, uint, 0444);
MODULE_PARM_DESC(pref_width, "Width of the preferred mode (default 1024)");

static unsigned int pref_height = 768;
module_param(pref_height, uint, 0444);
MODULE_PARM_DESC(pref_height, "Height of the preferred mode (default 768)");

static unsigned int max_width = 4096;
module_param(max_width, uint, 0444);
MODULE_PARM_DESC(max_width, "Widest mode offered, up to 8192 (default 4096)");

static unsigned int max_height = 2160;
module_param(max_height, uint, 0444);
MODULE_PARM_DESC(max_height, "Tallest mode offered, up to 8192 (default 2160)");

static unsigned int pref_refresh = 60;
module_param(pref_refresh, uint, 0444);
MODULE_PARM_DESC(pref_refresh, "Refresh rate of the preferred mode in Hz, 1..240 (default 60)");

static unsigned int num_outputs = 1;
module_param(num_outputs, uint, 0444);
MODULE_PARM_DESC(num_outputs, "Number of outputs (CRTC, encoder, connector, writeback), 1..4 (default 1)");

static char *connector_type = "Virtual";
module_param(connector_type, charp, 0444);
MODULE_PARM_DESC(connector_type, "Connector type: Virtual or HDMI-A (takes EDID overrides) (default Virtual)");

static bool fbdev = true;
module_param(fbdev, bool, 0444);
MODULE_PARM_DESC(fbdev, "Enable fbdev emulation on the first output (default true)");

static unsigned int client_budget_mb = PD_CLIENT_BUDGET_MB;
module_param(client_budget_mb, uint, 0444);
MODULE_PARM_DESC(client_budget_mb, "MiB of buffers all unprivileged clients (render node, non-master) may hold at once (default 65536)");

/**
 * pd_config_read - settings of a device, from firmware and module parameters
 * @dev: the platform device
 * @cfg: filled in
 *
 * A device described by firmware (the device tree binding in dts/) may set
 * its modes with "primedisp,*" properties, read through the firmware-node
 * API so that ACPI _DSD would work too; what it leaves out comes from the
 * module parameters.  The result is checked once, so that a bad value is
 * refused with a clear message instead of giving a device with no mode.
 *
 * Return: 0 or -EINVAL.
 */
int pd_config_read(struct device *dev, struct pd_config *cfg)
{
	cfg->pref_width = pref_width;
	cfg->pref_height = pref_height;
	cfg->max_width = max_width;
	cfg->max_height = max_height;
	cfg->pref_refresh = pref_refresh;
	cfg->num_outputs = num_outputs;
	cfg->fbdev = fbdev;
	cfg->client_budget = (u64)client_budget_mb * SZ_1M;

	/* Absent properties leave the values untouched. */
	device_property_read_u32(dev, "primedisp,preferred-width",
				 &cfg->pref_width);
	device_property_read_u32(dev, "primedisp,preferred-height",
				 &cfg->pref_height);
	device_property_read_u32(dev, "primedisp,max-width", &cfg->max_width);
	device_property_read_u32(dev, "primedisp,max-height",
				 &cfg->max_height);
	device_property_read_u32(dev, "primedisp,num-outputs",
				 &cfg->num_outputs);

	if (!strcasecmp(connector_type, "Virtual")) {
		cfg->connector_type = DRM_MODE_CONNECTOR_VIRTUAL;
	} else if (!strcasecmp(connector_type, "HDMI-A")) {
		cfg->connector_type = DRM_MODE_CONNECTOR_HDMIA;
	} else {
		dev_err(dev, "connector_type must be Virtual or HDMI-A, not %s\n",
			connector_type);
		return -EINVAL;
	}
	if (!cfg->num_outputs || cfg->num_outputs > PD_MAX_OUTPUTS) {
		dev_err(dev, "num_outputs must be within 1..%d\n",
			PD_MAX_OUTPUTS);
		return -EINVAL;
	}
	if (cfg->pref_refresh < PD_MIN_REFRESH_HZ ||
	    cfg->pref_refresh > PD_MAX_REFRESH_HZ) {
		dev_err(dev, "pref_refresh must be within %d..%d Hz\n",
			PD_MIN_REFRESH_HZ, PD_MAX_REFRESH_HZ);
		return -EINVAL;
	}

	if (client_budget_mb > PD_CLIENT_BUDGET_MAX_MB) {
		dev_err(dev, "client_budget_mb must be at most %u\n",
			PD_CLIENT_BUDGET_MAX_MB);
		return -EINVAL;
	}

	if (cfg->max_width < 64 || cfg->max_width > PD_MAX_FB_SIZE ||
	    cfg->max_height < 64 || cfg->max_height > PD_MAX_FB_SIZE) {
		dev_err(dev, "max_width/max_height must be within 64..%d\n",
			PD_MAX_FB_SIZE);
		return -EINVAL;
	}
	if (!cfg->pref_width || cfg->pref_width > cfg->max_width ||
	    !cfg->pref_height || cfg->pref_height > cfg->max_height) {
		dev_err(dev, "preferred mode %ux%u must fit in %ux%u\n",
			cfg->pref_width, cfg->pref_height,
			cfg->max_width, cfg->max_height);
		return -EINVAL;
	}
	return 0;
}
