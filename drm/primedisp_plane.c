// SPDX-License-Identifier: GPL-2.0
/*
 * primedisp_plane.c - planes of primedisp.
 *
 * Copyright (C) 2026 The primedisp authors
 */

#include <drm/drm_atomic.h>
#include <drm/drm_atomic_helper.h>
#include <drm/drm_fourcc.h>
#include <drm/drm_plane.h>

#include "primedisp_drv.h"

static const u32 pd_primary_formats[] = {
	DRM_FORMAT_XRGB8888,
	DRM_FORMAT_ARGB8888,
	DRM_FORMAT_XBGR8888,
	DRM_FORMAT_ABGR8888,
	DRM_FORMAT_RGB565,
	DRM_FORMAT_RGB888,
	DRM_FORMAT_BGR888,
};

/**
 * pd_format_supported - whether some primedisp plane scans out a format
 * @format: DRM fourcc
 *
 * Return: true if buffers of @format can be shown.
 */
bool pd_format_supported(u32 format)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(pd_primary_formats); i++)
		if (pd_primary_formats[i] == format)
			return true;
	return false;
}

static const u64 pd_modifiers[] = {
	DRM_FORMAT_MOD_LINEAR,
	DRM_FORMAT_MOD_INVALID,
};

static bool pd_plane_format_mod_supported(struct drm_plane *plane,
					  u32 format, u64 modifier)
{
	return modifier == DRM_FORMAT_MOD_LINEAR;
}

static int pd_plane_atomic_check(struct drm_plane *plane,
				 struct drm_atomic_state *state)
{
	struct drm_plane_state *new_state =
		drm_atomic_get_new_plane_state(state, plane);
	struct drm_crtc_state *crtc_state = NULL;

	if (new_state->crtc)
		crtc_state = drm_atomic_get_new_crtc_state(state,
							   new_state->crtc);

	/* The primary plane covers the whole CRTC, unscaled. */
	return drm_atomic_helper_check_plane_state(new_state, crtc_state,
						   DRM_PLANE_NO_SCALING,
						   DRM_PLANE_NO_SCALING,
						   false, true);
}

static void pd_plane_atomic_update(struct drm_plane *plane,
				   struct drm_atomic_state *state)
{
	/*
	 * Nothing to program: the new framebuffer is what the output shows
	 * from the next vblank on.  Its GEM objects stay referenced by the
	 * plane state for as long as it is on screen.  Implicit fences of the
	 * buffer were waited for by the GEM helpers' default prepare_fb.
	 */
}

static const struct drm_plane_helper_funcs pd_plane_helper_funcs = {
	.atomic_check = pd_plane_atomic_check,
	.atomic_update = pd_plane_atomic_update,
};

static const struct drm_plane_funcs pd_plane_funcs = {
	.update_plane = drm_atomic_helper_update_plane,
	.disable_plane = drm_atomic_helper_disable_plane,
	.reset = drm_atomic_helper_plane_reset,
	.atomic_duplicate_state = drm_atomic_helper_plane_duplicate_state,
	.atomic_destroy_state = drm_atomic_helper_plane_destroy_state,
	.format_mod_supported = pd_plane_format_mod_supported,
};

/**
 * pd_plane_create - create one plane of an output
 * @pd: the primedisp device
 * @type: primary, overlay or cursor
 * @index: index of the output (CRTC) the plane belongs to
 *
 * Return: the plane, or an ERR_PTR.
 */
struct drm_plane *pd_plane_create(struct pd_device *pd,
				  enum drm_plane_type type,
				  unsigned int index)
{
	struct drm_plane *plane;

	plane = __drmm_universal_plane_alloc(&pd->drm, sizeof(*plane), 0,
					     BIT(index), &pd_plane_funcs,
					     pd_primary_formats,
					     ARRAY_SIZE(pd_primary_formats),
					     pd_modifiers, type,
					     "primedisp-plane-%u-%d", index,
					     type);
	if (IS_ERR(plane))
		return plane;

	drm_plane_helper_add(plane, &pd_plane_helper_funcs);
	return plane;
}
