// SPDX-License-Identifier: GPL-2.0
/*
 * primedisp_plane.c - planes of primedisp.
 *
 * Every output has a primary plane, PD_NUM_OVERLAYS overlays and a cursor.
 * All of them scan out every format in pd_plane_formats (LINEAR only), may
 * be positioned anywhere (partly off screen too), rotated and reflected,
 * and stacked in any zpos order.  Every plane blends in any of the three
 * blend modes; primary and overlays also with plane alpha.  The cursor, as
 * on most hardware, has no plane alpha: it is opaque as a plane (clients
 * that test every plane with alpha give it full-screen buffers, which a
 * cursor does not take).  Primary and overlays scale between 1/8 and 8 times
 * (nearest neighbour); out-of-range scaling is refused with ERANGE by the
 * atomic helper.  Nothing is programmed on a commit: what a plane state
 * describes is what the composer reads when a CRC or writeback consumer
 * asks for the frame.
 *
 * Copyright (C) 2026 The primedisp authors
 */

#include <linux/dma-resv.h>

#include <drm/drm_atomic.h>
#include <drm/drm_atomic_helper.h>
#include <drm/drm_blend.h>
#include <drm/drm_color_mgmt.h>
#include <drm/drm_damage_helper.h>
#include <drm/drm_fourcc.h>
#include <drm/drm_framebuffer.h>
#include <drm/drm_gem.h>
#include <drm/drm_gem_atomic_helper.h>
#include <drm/drm_gem_shmem_helper.h>
#include <drm/drm_plane.h>
#include <drm/drm_print.h>

#include "primedisp_drv.h"

static const u64 pd_modifiers[] = {
	DRM_FORMAT_MOD_LINEAR,
	DRM_FORMAT_MOD_INVALID,
};

static bool pd_plane_format_mod_supported(struct drm_plane *plane,
					  u32 format, u64 modifier)
{
	return modifier == DRM_FORMAT_MOD_LINEAR;
}

/*
 * Only the primary plane flips asynchronously (the core refuses the others
 * before asking), and any of its formats can: an asynchronous flip only
 * swaps the framebuffer the plane holds.  Kernels before 6.16 have no such
 * hook (see PD_COMPAT_PLANE_ASYNC_FORMATS).
 */
static bool __maybe_unused
pd_plane_format_mod_supported_async(struct drm_plane *plane, u32 format,
				    u64 modifier)
{
	return plane->type == DRM_PLANE_TYPE_PRIMARY &&
	       modifier == DRM_FORMAT_MOD_LINEAR;
}

static int pd_plane_atomic_check(struct drm_plane *plane,
				 struct drm_atomic_commit *state)
{
	struct drm_plane_state *new_state =
		drm_atomic_get_new_plane_state(state, plane);
	struct drm_crtc_state *crtc_state = NULL;
	bool cursor = plane->type == DRM_PLANE_TYPE_CURSOR;

	if (new_state->crtc)
		crtc_state = drm_atomic_get_new_crtc_state(state,
							   new_state->crtc);

	/*
	 * DRM core accepts IN_FENCE_FD on a plane without a framebuffer and
	 * then WARNs while waiting for it in the commit: nothing would ever be
	 * shown after that fence, so refuse the request here.
	 */
	if (new_state->fence && !new_state->fb)
		return -EINVAL;

	return drm_atomic_helper_check_plane_state(new_state, crtc_state,
						   cursor ? DRM_PLANE_NO_SCALING : PD_SCALE_MIN,
						   cursor ? DRM_PLANE_NO_SCALING : PD_SCALE_MAX,
						   true, true);
}

/* Unpin the first @n colour planes' objects of @fb (pd_plane_prepare_fb()). */
static void pd_fb_unpin(struct drm_framebuffer *fb, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (fb->obj[i] && !fb->obj[i]->import_attach)
			drm_gem_shmem_unpin(to_drm_gem_shmem_obj(fb->obj[i]));
}

/*
 * A framebuffer on a plane has its pages, as display hardware pins a
 * scanout buffer: they are allocated here, in the committing process,
 * and so charged to its memory cgroup, not to the composer's kworker
 * (which would otherwise be the first to touch a buffer nobody wrote to
 * when a CRC or writeback needs it).  Imported buffers belong to their
 * exporter and are left alone.  Then the GEM helpers' implicit fences.
 */
static int pd_plane_prepare_fb(struct drm_plane *plane,
			       struct drm_plane_state *state)
{
	struct drm_framebuffer *fb = state->fb;
	unsigned int i;
	int ret;

	if (!fb)
		return 0;
	for (i = 0; i < fb->format->num_planes; i++) {
		if (!fb->obj[i] || fb->obj[i]->import_attach)
			continue;
		ret = drm_gem_shmem_pin(to_drm_gem_shmem_obj(fb->obj[i]));
		if (ret) {
			pd_fb_unpin(fb, i);
			return ret;
		}
	}
	ret = drm_gem_plane_helper_prepare_fb(plane, state);
	if (ret)
		pd_fb_unpin(fb, fb->format->num_planes);
	return ret;
}

static void pd_plane_cleanup_fb(struct drm_plane *plane,
				struct drm_plane_state *state)
{
	if (state->fb)
		pd_fb_unpin(state->fb, state->fb->format->num_planes);
}

static void pd_plane_atomic_update(struct drm_plane *plane,
				   struct drm_atomic_commit *state)
{
	/*
	 * Nothing to program: the new framebuffer is what the output shows
	 * from the next vblank on.  Its GEM objects stay referenced by the
	 * plane state for as long as it is on screen, and pinned
	 * (pd_plane_prepare_fb(), which also waited for its implicit fences).
	 */
}

/*
 * Legacy cursor updates (DRM_IOCTL_MODE_CURSOR and friends) are applied at
 * once instead of at the next vblank, so that moving the cursor never waits
 * for a pending page flip.  A buffer that still has an unsignalled implicit
 * write fence takes the normal, fenced path instead: the async path does
 * not wait for fences.  In an asynchronous page flip (@flip) only the
 * primary plane may change, which the core checks without asking us: any
 * other plane is refused here.
 */
static int pd_plane_atomic_async_check(struct drm_plane *plane,
				       struct drm_atomic_commit *state,
				       bool flip)
{
	struct drm_plane_state *new_state =
		drm_atomic_get_new_plane_state(state, plane);
	struct drm_framebuffer *fb = new_state->fb;
	unsigned int i;

	if (flip)
		return -EINVAL;
	if (plane->type != DRM_PLANE_TYPE_CURSOR || !plane->state->fb || !fb)
		return -EINVAL;
	for (i = 0; i < fb->format->num_planes; i++)
		if (fb->obj[i] &&
		    !dma_resv_test_signaled(fb->obj[i]->resv,
					    DMA_RESV_USAGE_WRITE))
			return -EBUSY;
	return 0;
}

PD_COMPAT_ASYNC_CHECK_SHIM(pd_plane_atomic_async_check);

static void pd_plane_atomic_async_update(struct drm_plane *plane,
					 struct drm_atomic_commit *state)
{
	struct drm_plane_state *new_state =
		drm_atomic_get_new_plane_state(state, plane);
	struct drm_plane_state *cur = plane->state;
	struct pd_output *out = cur->crtc ? crtc_to_pd_output(cur->crtc) : NULL;

	/*
	 * The state is rewritten in place: not while a commit tail builds a
	 * snapshot from it (pd_composer_commit()).  A cursor always has a
	 * CRTC here (async_check wants a framebuffer on it), and its planes
	 * belong to one output.
	 */
	if (drm_WARN_ON_ONCE(plane->dev, !out))
		return;
	mutex_lock(&out->snap_lock);
	/* The old framebuffer is released with the new state. */
	swap(cur->fb, new_state->fb);
	cur->crtc_x = new_state->crtc_x;
	cur->crtc_y = new_state->crtc_y;
	cur->crtc_w = new_state->crtc_w;
	cur->crtc_h = new_state->crtc_h;
	cur->src_x = new_state->src_x;
	cur->src_y = new_state->src_y;
	cur->src_w = new_state->src_w;
	cur->src_h = new_state->src_h;
	cur->src = new_state->src;
	cur->dst = new_state->dst;
	cur->visible = new_state->visible;
	pd_composer_plane_update(out, plane, state);
	mutex_unlock(&out->snap_lock);
}

static const struct drm_plane_helper_funcs pd_plane_helper_funcs = {
	.prepare_fb = pd_plane_prepare_fb,
	.cleanup_fb = pd_plane_cleanup_fb,
	.atomic_check = pd_plane_atomic_check,
	.atomic_update = pd_plane_atomic_update,
	.atomic_async_check = PD_COMPAT_ASYNC_CHECK(pd_plane_atomic_async_check),
	.atomic_async_update = pd_plane_atomic_async_update,
};

static const struct drm_plane_funcs pd_plane_funcs = {
	.update_plane = drm_atomic_helper_update_plane,
	.disable_plane = drm_atomic_helper_disable_plane,
	.reset = drm_atomic_helper_plane_reset,
	.atomic_duplicate_state = drm_atomic_helper_plane_duplicate_state,
	.atomic_destroy_state = drm_atomic_helper_plane_destroy_state,
	.format_mod_supported = pd_plane_format_mod_supported,
	PD_COMPAT_PLANE_ASYNC_FORMATS
};

static int pd_plane_add_properties(struct drm_plane *plane,
				   unsigned int zpos)
{
	int ret;

	ret = drm_plane_create_zpos_property(plane, zpos, 0,
					     PD_NUM_OVERLAYS + 1);
	if (ret)
		return ret;
	/*
	 * Every plane offers ARGB formats, so every plane, the cursor too, has
	 * the blend mode (the core warns about planes without it since 7.x).
	 */
	ret = drm_plane_create_blend_mode_property(plane,
						   BIT(DRM_MODE_BLEND_PIXEL_NONE) |
						   BIT(DRM_MODE_BLEND_PREMULTI) |
						   BIT(DRM_MODE_BLEND_COVERAGE));
	if (ret)
		return ret;
	if (plane->type != DRM_PLANE_TYPE_CURSOR) {
		ret = drm_plane_create_alpha_property(plane);
		if (ret)
			return ret;
		ret = pd_colorop_init(plane);
		if (ret)
			return ret;
	}
	ret = drm_plane_create_rotation_property(plane, DRM_MODE_ROTATE_0,
						 DRM_MODE_ROTATE_MASK |
						 DRM_MODE_REFLECT_MASK);
	if (ret)
		return ret;
	ret = drm_plane_create_color_properties(plane,
						BIT(DRM_COLOR_YCBCR_BT601) |
						BIT(DRM_COLOR_YCBCR_BT709) |
						BIT(DRM_COLOR_YCBCR_BT2020),
						BIT(DRM_COLOR_YCBCR_LIMITED_RANGE) |
						BIT(DRM_COLOR_YCBCR_FULL_RANGE),
						DRM_COLOR_YCBCR_BT601,
						DRM_COLOR_YCBCR_LIMITED_RANGE);
	if (ret)
		return ret;
	drm_plane_enable_fb_damage_clips(plane);
	return 0;
}

/**
 * pd_plane_create - create one plane of an output
 * @pd: the primedisp device
 * @type: primary, overlay or cursor
 * @index: index of the output (CRTC) the plane belongs to
 * @zpos: the plane's default position in the stack (0 is the bottom)
 *
 * Return: the plane, or an ERR_PTR.
 */
struct drm_plane *pd_plane_create(struct pd_device *pd,
				  enum drm_plane_type type,
				  unsigned int index, unsigned int zpos)
{
	struct drm_plane *plane;
	int ret;

	plane = __drmm_universal_plane_alloc(&pd->drm, sizeof(*plane), 0,
					     BIT(index), &pd_plane_funcs,
					     pd_plane_formats,
					     pd_num_plane_formats,
					     pd_modifiers, type,
					     "primedisp-plane-%u-%u", index,
					     zpos);
	if (IS_ERR(plane))
		return plane;

	drm_plane_helper_add(plane, &pd_plane_helper_funcs);
	ret = pd_plane_add_properties(plane, zpos);
	if (ret)
		return ERR_PTR(ret);
	return plane;
}
