// SPDX-License-Identifier: GPL-2.0
/*
 * primedisp_color.c - the CRTC's colour management: DEGAMMA_LUT, CTM and
 * GAMMA_LUT.
 *
 * After blending, the composer passes each composed pixel through the
 * CRTC's degamma LUT, colour transformation matrix and gamma LUT, in that
 * order, as display hardware does, in its 16-bit working format.  Each
 * stage is optional.  The arithmetic (see "Colour management" in
 * Documentation/overview.rst) is part of the contract: igt-tests/lib/pd_ref.c
 * repeats it bit for bit.
 *
 * The commit's snapshot holds references to the blobs, so the composer
 * never looks at the CRTC's state.
 *
 * Copyright (C) 2026 The primedisp authors
 */

#include <linux/bits.h>
#include <linux/minmax.h>

#include <drm/drm_color_mgmt.h>
#include <drm/drm_crtc.h>
#include <drm/drm_print.h>
#include <drm/drm_property.h>

#include "primedisp_drv.h"

/* Largest CTM coefficient magnitude, in the composer's Q16 (< 32768.0). */
#define PD_CTM_MAX	0x7fffffffLL

/**
 * pd_color_init - give a CRTC its colour management properties
 * @crtc: the CRTC, initialised
 *
 * DEGAMMA_LUT (PD_DEGAMMA_LUT_SIZE entries), CTM and GAMMA_LUT
 * (PD_GAMMA_LUT_SIZE entries), and a legacy gamma table of
 * PD_LEGACY_GAMMA_SIZE entries, which the core implements through
 * GAMMA_LUT.
 *
 * Return: 0 or a negative errno.
 */
int pd_color_init(struct drm_crtc *crtc)
{
	drm_crtc_enable_color_mgmt(crtc, PD_DEGAMMA_LUT_SIZE, true,
				   PD_GAMMA_LUT_SIZE);
	return drm_mode_crtc_set_gamma_size(crtc, PD_LEGACY_GAMMA_SIZE);
}

/**
 * pd_color_check - check the colour management blobs of a CRTC state
 * @state: the new CRTC state
 *
 * A degamma LUT must have PD_DEGAMMA_LUT_SIZE entries that never decrease
 * (it linearises an encoded signal); a gamma LUT PD_GAMMA_LUT_SIZE or
 * PD_LEGACY_GAMMA_SIZE entries (what the legacy gamma ioctl sets), with
 * any values.  The core has checked the blobs' element size and the CTM's
 * size.
 *
 * Return: 0 or -EINVAL.
 */
int pd_color_check(struct drm_crtc_state *state)
{
	struct drm_device *drm = state->crtc->dev;
	int n;

	if (state->degamma_lut) {
		n = drm_color_lut_size(state->degamma_lut);
		if (n != PD_DEGAMMA_LUT_SIZE) {
			drm_dbg_kms(drm, "DEGAMMA_LUT with %d entries\n", n);
			return -EINVAL;
		}
		if (drm_color_lut_check(state->degamma_lut,
					DRM_COLOR_LUT_NON_DECREASING))
			return -EINVAL;
	}
	if (state->gamma_lut) {
		n = drm_color_lut_size(state->gamma_lut);
		if (n != PD_GAMMA_LUT_SIZE && n != PD_LEGACY_GAMMA_SIZE) {
			drm_dbg_kms(drm, "GAMMA_LUT with %d entries\n", n);
			return -EINVAL;
		}
	}
	return 0;
}

/* drm_property_blob_get() does not take NULL. */
static struct drm_property_blob *pd_blob_get(struct drm_property_blob *blob)
{
	return blob ? drm_property_blob_get(blob) : NULL;
}

/**
 * pd_color_snapshot - record a committed CRTC state's colour blobs
 * @snap: the snapshot being filled (holds no blobs yet)
 * @state: the committed CRTC state
 *
 * References are taken on the blobs; pd_color_snapshot_release() drops
 * them.
 */
void pd_color_snapshot(struct pd_snapshot *snap,
		       const struct drm_crtc_state *state)
{
	snap->degamma_lut = pd_blob_get(state->degamma_lut);
	snap->ctm = pd_blob_get(state->ctm);
	snap->gamma_lut = pd_blob_get(state->gamma_lut);
}

/**
 * pd_color_snapshot_copy - give a snapshot another one's colour blobs
 * @snap: the snapshot being filled (holds no blobs yet)
 * @src: the snapshot it replaces
 */
void pd_color_snapshot_copy(struct pd_snapshot *snap,
			    const struct pd_snapshot *src)
{
	snap->degamma_lut = pd_blob_get(src->degamma_lut);
	snap->ctm = pd_blob_get(src->ctm);
	snap->gamma_lut = pd_blob_get(src->gamma_lut);
}

/**
 * pd_color_snapshot_release - drop a snapshot's colour blobs
 * @snap: the snapshot
 */
void pd_color_snapshot_release(struct pd_snapshot *snap)
{
	drm_property_blob_put(snap->degamma_lut);
	drm_property_blob_put(snap->ctm);
	drm_property_blob_put(snap->gamma_lut);
}

/* An S31.32 sign-magnitude coefficient in Q16, rounded and clamped. */
static s64 pd_ctm_coeff(u64 v)
{
	u64 mag = v & GENMASK_ULL(62, 0);
	s64 q = min_t(u64, (mag + BIT_ULL(15)) >> 16, PD_CTM_MAX);

	return v & BIT_ULL(63) ? -q : q;
}

/**
 * pd_color_prepare - what the composer needs of a snapshot's colour state
 * @c: filled in
 * @snap: the snapshot
 *
 * Return: whether any stage is on (if not, pixels pass unchanged and the
 * composer's fast paths may be used).
 */
bool pd_color_prepare(struct pd_color *c, const struct pd_snapshot *snap)
{
	unsigned int i;

	memset(c, 0, sizeof(*c));
	if (snap->degamma_lut) {
		c->degamma = snap->degamma_lut->data;
		c->degamma_n = drm_color_lut_size(snap->degamma_lut);
	}
	if (snap->gamma_lut) {
		c->gamma = snap->gamma_lut->data;
		c->gamma_n = drm_color_lut_size(snap->gamma_lut);
	}
	if (snap->ctm) {
		const struct drm_color_ctm *ctm = snap->ctm->data;

		for (i = 0; i < 9; i++)
			c->ctm[i] = pd_ctm_coeff(ctm->matrix[i]);
		c->has_ctm = true;
	}
	/* A LUT of fewer than two entries cannot be interpolated. */
	if (c->degamma_n < 2)
		c->degamma = NULL;
	if (c->gamma_n < 2)
		c->gamma = NULL;
	c->active = c->degamma || c->gamma || c->has_ctm;
	return c->active;
}

static u16 pd_lut_value(const struct drm_color_lut *e, unsigned int ch)
{
	return ch == 0 ? e->red : ch == 1 ? e->green : e->blue;
}

/*
 * Look @x up in channel @ch of the @n-entry @lut: entry i stands for input
 * i * 65535 / (n - 1); between two entries the output is interpolated
 * linearly and rounded half up.
 */
static u16 pd_lut_lookup(const struct drm_color_lut *lut, unsigned int n,
			 unsigned int ch, u16 x)
{
	u32 pos = (u32)x * (n - 1);
	u32 i = pos / 65535, f = pos % 65535;
	u32 lo, hi;

	lo = pd_lut_value(&lut[i], ch);
	if (!f)
		return lo;
	hi = pd_lut_value(&lut[i + 1], ch);
	/* At most 65535 * 65535 + 32767: fits in 32 bits. */
	return (lo * (65535 - f) + hi * f + 32767) / 65535;
}

static void pd_lut_apply(const struct drm_color_lut *lut, unsigned int n,
			 struct pd_px *p)
{
	p->r = pd_lut_lookup(lut, n, 0, p->r);
	p->g = pd_lut_lookup(lut, n, 1, p->g);
	p->b = pd_lut_lookup(lut, n, 2, p->b);
}

static u16 pd_ctm_row(const s64 *m, const struct pd_px *p)
{
	s64 acc = m[0] * p->r + m[1] * p->g + m[2] * p->b;

	if (acc <= 0)
		return 0;
	return min_t(s64, (acc + BIT(15)) >> 16, 65535);
}

/**
 * pd_color_apply - pass composed pixels through the colour stages
 * @c: the prepared colour state (pd_color_prepare())
 * @px: the pixels, changed in place (alpha is left alone)
 * @n: how many
 */
void pd_color_apply(const struct pd_color *c, struct pd_px *px, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		struct pd_px *p = &px[i];

		if (c->degamma)
			pd_lut_apply(c->degamma, c->degamma_n, p);
		if (c->has_ctm) {
			struct pd_px in = *p;

			p->r = pd_ctm_row(&c->ctm[0], &in);
			p->g = pd_ctm_row(&c->ctm[3], &in);
			p->b = pd_ctm_row(&c->ctm[6], &in);
		}
		if (c->gamma)
			pd_lut_apply(c->gamma, c->gamma_n, p);
	}
}
