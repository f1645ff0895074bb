// SPDX-License-Identifier: GPL-2.0
/*
 * primedisp_output.c - one primedisp output, put together.
 *
 * An output is a CRTC (primedisp_crtc.c) with a primary plane, overlays and
 * a cursor (primedisp_plane.c), feeding an encoder and connector
 * (primedisp_connector.c) and a writeback connector (primedisp_writeback.c).
 *
 * Copyright (C) 2026 The primedisp authors
 */

#include <linux/err.h>

#include <drm/drm_plane.h>

#include "primedisp_drv.h"

static int pd_planes_init(struct pd_device *pd, struct pd_output *out,
			  unsigned int index)
{
	struct drm_plane *overlay;
	unsigned int i;

	out->primary = pd_plane_create(pd, DRM_PLANE_TYPE_PRIMARY, index, 0);
	if (IS_ERR(out->primary))
		return PTR_ERR(out->primary);
	/* drm_mode_config keeps the overlays: the output needs no pointer. */
	for (i = 0; i < PD_NUM_OVERLAYS; i++) {
		overlay = pd_plane_create(pd, DRM_PLANE_TYPE_OVERLAY, index, i + 1);
		if (IS_ERR(overlay))
			return PTR_ERR(overlay);
	}
	out->cursor = pd_plane_create(pd, DRM_PLANE_TYPE_CURSOR, index,
				      PD_NUM_OVERLAYS + 1);
	return PTR_ERR_OR_ZERO(out->cursor);
}

/**
 * pd_output_init - create the CRTC, planes, encoder and connector of one
 * output
 * @pd: the primedisp device
 * @out: the output to initialise (zeroed memory inside @pd)
 * @index: the output's index, which is also its CRTC index
 *
 * All objects are DRM-managed: they go away with the DRM device.
 *
 * Return: 0 or a negative errno.
 */
int pd_output_init(struct pd_device *pd, struct pd_output *out,
		   unsigned int index)
{
	int ret;

	ret = pd_planes_init(pd, out, index);
	if (ret)
		return ret;
	ret = pd_crtc_init(pd, out, index);
	if (ret)
		return ret;
	ret = pd_connector_init(pd, out);
	if (ret)
		return ret;
	return pd_writeback_init(pd, out);
}
