// SPDX-License-Identifier: GPL-2.0
/*
 * primedisp_composer.c - compose what an output shows, for CRCs.
 *
 * primedisp scans buffers out without touching their pixels.  Only when a
 * consumer needs the composed frame (today: a CRC reader through DRM's
 * debugfs CRC interface) does this composer read the planes' buffers, on a
 * worker, line by line into an XRGB8888 line buffer, and checksum the
 * result.
 *
 * CRC values are CRC-32 over the composed frame, line by line, with the X
 * byte of every pixel zeroed, so they depend on the visible colours only.
 * The frame number of each CRC is the vblank count of the frame it
 * describes; if the worker falls behind, the missed frames get the same
 * value, so userspace sees every frame number.
 *
 * Copyright (C) 2026 The primedisp authors
 */

#include <linux/crc32.h>
#include <linux/iosys-map.h>
#include <linux/minmax.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include <drm/drm_atomic.h>
#include <drm/drm_debugfs_crc.h>
#include <drm/drm_drv.h>
#include <drm/drm_fourcc.h>
#include <drm/drm_framebuffer.h>
#include <drm/drm_gem_framebuffer_helper.h>
#include <drm/drm_managed.h>
#include <drm/drm_modeset_lock.h>
#include <drm/drm_print.h>
#include <drm/drm_vblank.h>

#include "primedisp_drv.h"

static const char *const pd_crc_sources[] = { "auto" };

/*
 * Read @n pixels of @format from @src into XRGB8888 (X zeroed) at @dst.
 * Pixels are read byte by byte: pitches need not be aligned, and the
 * little-endian layout of DRM formats holds on any CPU.
 */
static void pd_read_line(u32 format, const u8 *src, u32 *dst, unsigned int n)
{
	unsigned int i;

	switch (format) {
	case DRM_FORMAT_XRGB8888:
	case DRM_FORMAT_ARGB8888:
		/* Bytes B, G, R, X/A. */
		for (i = 0; i < n; i++, src += 4)
			dst[i] = src[2] << 16 | src[1] << 8 | src[0];
		break;
	case DRM_FORMAT_XBGR8888:
	case DRM_FORMAT_ABGR8888:
		/* Bytes R, G, B, X/A. */
		for (i = 0; i < n; i++, src += 4)
			dst[i] = src[0] << 16 | src[1] << 8 | src[2];
		break;
	case DRM_FORMAT_RGB565:
		for (i = 0; i < n; i++, src += 2) {
			u32 p = src[0] | src[1] << 8;
			u32 r = (p >> 11) & 0x1f, g = (p >> 5) & 0x3f, b = p & 0x1f;

			/* Replicate the high bits so that full scale is 0xff. */
			dst[i] = ((r << 3) | (r >> 2)) << 16 |
				 ((g << 2) | (g >> 4)) << 8 |
				 ((b << 3) | (b >> 2));
		}
		break;
	case DRM_FORMAT_RGB888:
		/* Bytes B, G, R. */
		for (i = 0; i < n; i++, src += 3)
			dst[i] = src[2] << 16 | src[1] << 8 | src[0];
		break;
	case DRM_FORMAT_BGR888:
		/* Bytes R, G, B. */
		for (i = 0; i < n; i++, src += 3)
			dst[i] = src[0] << 16 | src[1] << 8 | src[2];
		break;
	default:
		/* Planes only accept the formats above; show black. */
		memset(dst, 0, n * sizeof(*dst));
		break;
	}
}

/* One visible plane, mapped for the CPU. */
struct pd_compose_plane {
	struct drm_framebuffer *fb;
	struct iosys_map map[DRM_FORMAT_MAX_PLANES];
	struct iosys_map data[DRM_FORMAT_MAX_PLANES];
	struct drm_rect src;	/* in whole pixels */
	struct drm_rect dst;	/* clipped to the CRTC */
	bool mapped;
};

/*
 * Compose the frame of @out from the planes' current states and return its
 * CRC.  Called with all modeset locks held, so the states and their
 * framebuffers cannot change or go away meanwhile.
 */
static u32 pd_compose_crc(struct pd_output *out)
{
	struct drm_crtc *crtc = &out->crtc;
	struct drm_crtc_state *cstate = crtc->state;
	struct pd_compose_plane planes[PD_MAX_PLANES];
	unsigned int nplanes = 0, i, x, y;
	int width = cstate->mode.hdisplay, height = cstate->mode.vdisplay;
	struct drm_plane *plane;
	u32 crc = ~0U;
	__le32 *le;
	u32 *line;

	if (!cstate->active || width <= 0 || height <= 0)
		return 0;

	line = kvmalloc_array(width, sizeof(*line), GFP_KERNEL);
	le = kvmalloc_array(width, sizeof(*le), GFP_KERNEL);
	if (!line || !le) {
		kvfree(line);
		kvfree(le);
		return 0;
	}

	drm_for_each_plane_mask(plane, crtc->dev, cstate->plane_mask) {
		struct drm_plane_state *ps = plane->state;
		struct pd_compose_plane *cp;

		if (!ps->visible || !ps->fb || nplanes == ARRAY_SIZE(planes))
			continue;
		cp = &planes[nplanes];
		cp->fb = ps->fb;
		cp->src.x1 = ps->src.x1 >> 16;
		cp->src.y1 = ps->src.y1 >> 16;
		cp->dst = ps->dst;
		cp->mapped = !drm_gem_fb_vmap(ps->fb, cp->map, cp->data);
		if (!cp->mapped)
			continue;
		drm_gem_fb_begin_cpu_access(ps->fb, DMA_FROM_DEVICE);
		nplanes++;
	}

	for (y = 0; y < height; y++) {
		memset(line, 0, width * sizeof(*line));
		for (i = 0; i < nplanes; i++) {
			struct pd_compose_plane *cp = &planes[i];
			struct drm_framebuffer *fb = cp->fb;
			int x1 = max(cp->dst.x1, 0), x2 = min(cp->dst.x2, width);
			unsigned int sy, sx;
			const u8 *src;

			if ((int)y < cp->dst.y1 || (int)y >= cp->dst.y2 || x1 >= x2)
				continue;
			sy = cp->src.y1 + y - cp->dst.y1;
			sx = cp->src.x1 + x1 - cp->dst.x1;
			src = (const u8 *)cp->data[0].vaddr + fb->offsets[0] +
			      (size_t)sy * fb->pitches[0] +
			      (size_t)sx * fb->format->cpp[0];
			pd_read_line(fb->format->format, src, line + x1, x2 - x1);
		}
		/* The CRC is over little-endian pixels on any CPU. */
		for (x = 0; x < (unsigned int)width; x++)
			le[x] = cpu_to_le32(line[x]);
		crc = crc32_le(crc, (const u8 *)le, width * sizeof(*le));
	}

	for (i = 0; i < nplanes; i++) {
		drm_gem_fb_end_cpu_access(planes[i].fb, DMA_FROM_DEVICE);
		drm_gem_fb_vunmap(planes[i].fb, planes[i].map);
	}
	kvfree(line);
	kvfree(le);
	return ~crc;
}

static void pd_crc_work(struct work_struct *work)
{
	struct pd_output *out = container_of(work, struct pd_output, crc_work);
	struct drm_device *drm = out->crtc.dev;
	struct drm_modeset_acquire_ctx ctx;
	u64 frame, start, end;
	u32 crc = 0;
	int ret;

	spin_lock_irq(&out->lock);
	start = out->crc_frame_start;
	end = out->crc_frame_end;
	out->crc_pending = false;
	spin_unlock_irq(&out->lock);

	DRM_MODESET_LOCK_ALL_BEGIN(drm, ctx, 0, ret);
	crc = pd_compose_crc(out);
	DRM_MODESET_LOCK_ALL_END(drm, ctx, ret);
	if (ret)
		return;

	/* Every frame since the last report shows the same picture. */
	for (frame = start; frame <= end; frame++)
		drm_crtc_add_crc_entry(&out->crtc, true, frame, &crc);
}

/**
 * pd_composer_vblank - account a vblank for the CRC worker
 * @out: the output whose vblank just happened (timer context)
 *
 * Records the vblank's frame number and queues the worker if CRCs are
 * being read.
 */
void pd_composer_vblank(struct pd_output *out)
{
	u64 frame;

	if (!READ_ONCE(out->crc_enabled))
		return;

	frame = drm_crtc_accurate_vblank_count(&out->crtc);
	spin_lock(&out->lock);
	/*
	 * A late timer can account several vblanks at once; start at the
	 * first frame not reported yet so that no frame number is missing.
	 */
	if (!out->crc_pending)
		out->crc_frame_start = out->crc_frame_next &&
				       out->crc_frame_next <= frame ?
				       out->crc_frame_next : frame;
	out->crc_frame_end = frame;
	out->crc_frame_next = frame + 1;
	out->crc_pending = true;
	spin_unlock(&out->lock);
	queue_work(out->crc_wq, &out->crc_work);
}

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

static void pd_composer_release(struct drm_device *drm, void *data)
{
	struct pd_output *out = data;

	/* The vblank timer, which queues the work, is stopped already. */
	destroy_workqueue(out->crc_wq);
}

/**
 * pd_composer_init - set up the CRC worker of an output
 * @out: the output, whose CRTC is initialised
 *
 * Return: 0 or a negative errno.
 */
int pd_composer_init(struct pd_output *out)
{
	INIT_WORK(&out->crc_work, pd_crc_work);
	out->crc_wq = alloc_ordered_workqueue("primedisp-crc-%u", 0,
					      drm_crtc_index(&out->crtc));
	if (!out->crc_wq)
		return -ENOMEM;
	return drmm_add_action_or_reset(out->crtc.dev, pd_composer_release,
					out);
}
