// SPDX-License-Identifier: GPL-2.0
/*
 * primedisp_crc.c - the CRC source of primedisp's CRTCs.
 *
 * DRM's debugfs CRC interface (crtc-N/crc/control and data) reads CRCs of
 * the source "auto": the frame checksum of each composed frame, made by
 * the composer (primedisp_composer.c, which says what the value covers).
 * While a reader is open the CRTC's vblank interrupt stays on, so that
 * every frame gets its CRC.
 *
 * Copyright (C) 2026 The primedisp authors
 */

#include <linux/string.h>
#include <linux/workqueue.h>

#include <drm/drm_crtc.h>
#include <drm/drm_vblank.h>

#include "primedisp_drv.h"

static const char *const pd_crc_sources[] = { "auto" };

static int pd_crc_parse_source(const char *source, bool *enabled)
{
	if (!source || !strcmp(source, "none")) {
		*enabled = false;
		return 0;
	}
	if (!strcmp(source, "auto")) {
		*enabled = true;
		return 0;
	}
	return -EINVAL;
}

/**
 * pd_crtc_verify_crc_source - .verify_crc_source of primedisp's CRTCs
 * @crtc: the CRTC
 * @source: "auto" (the composed frame), or NULL/"none" to stop
 * @values_cnt: number of values per CRC entry
 *
 * Return: 0 or -EINVAL for an unknown source.
 */
int pd_crtc_verify_crc_source(struct drm_crtc *crtc, const char *source,
			      size_t *values_cnt)
{
	bool enabled;

	if (pd_crc_parse_source(source, &enabled))
		return -EINVAL;
	*values_cnt = 1;
	return 0;
}

/**
 * pd_crtc_set_crc_source - .set_crc_source of primedisp's CRTCs
 * @crtc: the CRTC
 * @source: "auto", or NULL/"none" to stop
 *
 * While CRCs are on, the CRTC's vblank interrupt is kept enabled so that
 * every frame gets a CRC.
 *
 * Return: 0 or a negative errno.
 */
int pd_crtc_set_crc_source(struct drm_crtc *crtc, const char *source)
{
	struct pd_output *out = crtc_to_pd_output(crtc);
	bool enabled, was;
	int ret;

	ret = pd_crc_parse_source(source, &enabled);
	if (ret)
		return ret;

	was = READ_ONCE(out->crc_enabled);
	if (enabled && !was) {
		ret = drm_crtc_vblank_get(crtc);
		if (ret)
			return ret;
		spin_lock_irq(&out->lock);
		out->crc_frame_next = 0;	/* start at the next vblank */
		spin_unlock_irq(&out->lock);
	}
	WRITE_ONCE(out->crc_enabled, enabled);
	if (!enabled && was) {
		drm_crtc_vblank_put(crtc);
		flush_work(&out->crc_work);
	}
	return 0;
}

/**
 * pd_crtc_get_crc_sources - .get_crc_sources of primedisp's CRTCs
 * @crtc: the CRTC
 * @count: set to the number of sources
 *
 * Return: the list of source names.
 */
const char *const *pd_crtc_get_crc_sources(struct drm_crtc *crtc,
					   size_t *count)
{
	*count = ARRAY_SIZE(pd_crc_sources);
	return pd_crc_sources;
}

