/* SPDX-License-Identifier: GPL-2.0 */
/*
 * primedisp_composer.h - the composer: snapshots of what an output shows and
 * their composition for CRCs and writeback (primedisp_composer.c).
 *
 * Copyright (C) 2026 The primedisp authors
 */
#ifndef PRIMEDISP_COMPOSER_H
#define PRIMEDISP_COMPOSER_H

#include <linux/kref.h>
#include <linux/types.h>

#include <drm/drm_atomic.h>
#include <drm/drm_rect.h>

#include "primedisp_color.h"
#include "primedisp_compat.h"
#include "primedisp_formats.h"

struct pd_output;

/* Most planes one CRTC composes. */
#define PD_MAX_PLANES		8

/**
 * struct pd_snap_plane - a visible plane as a commit left it
 * @plane: the plane
 * @fb: its framebuffer (a reference is held)
 * @src: source rectangle, 16.16, framebuffer coordinates
 * @dst: destination on the CRTC, clipped
 * @rotation: DRM_MODE_ROTATE_* | DRM_MODE_REFLECT_*
 * @alpha: plane alpha
 * @blend: DRM_MODE_BLEND_*
 * @zpos: normalized zpos
 * @encoding: enum drm_color_encoding
 * @range: enum drm_color_range
 * @pipe: its colour pipeline (no stages if none is selected)
 */
struct pd_snap_plane {
	struct drm_plane *plane;
	struct drm_framebuffer *fb;
	struct drm_rect src, dst;
	unsigned int rotation;
	u16 alpha, blend;
	unsigned int zpos, encoding, range;
	struct pd_pipeline pipe;
};

/**
 * struct pd_snapshot - what an output shows, for the composer
 * @ref: the output and running compositions hold references
 * @active: the CRTC is on
 * @width: mode width
 * @height: mode height
 * @nplanes: number of entries in @planes
 * @planes: the visible planes, sorted by zpos, bottom first
 * @degamma_lut: the CRTC's DEGAMMA_LUT blob (a reference), or NULL
 * @ctm: its CTM blob (a reference), or NULL
 * @gamma_lut: its GAMMA_LUT blob (a reference), or NULL
 */
struct pd_snapshot {
	struct kref ref;
	bool active;
	int width, height;
	unsigned int nplanes;
	struct pd_snap_plane planes[PD_MAX_PLANES];
	struct drm_property_blob *degamma_lut;
	struct drm_property_blob *ctm;
	struct drm_property_blob *gamma_lut;
};

/**
 * struct pd_rot - framebuffer pixel of rotated-space pixel (u, v):
 * (@x0 + @xu * u + @xv * v, @y0 + @yu * u + @yv * v), see pd_rotation_map()
 * @x0: framebuffer column of (0, 0)
 * @y0: framebuffer row of (0, 0)
 * @xu: column step per rotated-space column
 * @yu: row step per rotated-space column
 * @xv: column step per rotated-space row
 * @yv: row step per rotated-space row
 */
struct pd_rot {
	int x0, y0, xu, yu, xv, yv;
};

int pd_composer_init(struct pd_output *out);
void pd_composer_vblank(struct pd_output *out);
void pd_composer_wait(struct pd_output *out);
int pd_composer_check(struct drm_crtc_state *state);
void pd_composer_commit(struct pd_output *out, struct drm_atomic_commit *state);
void pd_composer_plane_update(struct pd_output *out, struct drm_plane *plane,
			      struct drm_atomic_commit *state);
#if IS_ENABLED(CONFIG_KUNIT)
/* Visible to the unit tests alone (drm/tests/). */
int pd_sample(int s1, int s2, unsigned int i, unsigned int n);
void pd_rotation_map(unsigned int width, unsigned int height,
		     unsigned int rotation, struct pd_rot *m);
void pd_blend(struct pd_px *acc, const struct pd_px *px, unsigned int n,
	      u16 alpha, u16 mode);
#endif

#endif /* PRIMEDISP_COMPOSER_H */
