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
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/slab.h>

#include <kunit/visibility.h>

#include <drm/drm_color_mgmt.h>
#include <drm/drm_crtc.h>
#include <drm/drm_print.h>
#include <drm/drm_property.h>

#include "primedisp_drv.h"

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

/**
 * pd_ctm_coeff - an S31.32 sign-magnitude coefficient in Q16
 * @v: the coefficient as userspace gave it (CTM, 3x4 matrix, multiplier)
 *
 * Return: @v * 65536, rounded, clamped to what 32 bits hold.
 */
s64 pd_ctm_coeff(u64 v)
{
	u64 mag = v & GENMASK_ULL(62, 0);
	s64 q = min_t(u64, (mag + BIT_ULL(15)) >> 16, PD_CTM_MAX);

	return v & BIT_ULL(63) ? -q : q;
}
EXPORT_SYMBOL_IF_KUNIT(pd_ctm_coeff);

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
EXPORT_SYMBOL_IF_KUNIT(pd_color_prepare);

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

static void pd_lut_table_release(struct pd_lut_table *tab)
{
	drm_property_blob_put(tab->blob);
	kvfree(tab->t);
	*tab = (struct pd_lut_table){ };
}

/*
 * Make @tab the table of the @n-entry @lut of @blob, unless it is already;
 * *@out is the table, or NULL where there is none (no LUT, no memory: the
 * LUT is then interpolated per pixel).  No LUT releases the table and its
 * blob: they are kept only for as long as the blob is set.
 */
static void pd_lut_expand(struct pd_lut_table *tab, struct drm_property_blob *blob,
			  const struct drm_color_lut *lut, unsigned int n,
			  const u16 **out)
{
	unsigned int ch, x;

	*out = NULL;
	if (!lut) {
		pd_lut_table_release(tab);
		return;
	}
	/*
	 * A blob never changes, and the reference held keeps its address
	 * from being reused: the same pointer is the same LUT.
	 */
	if (tab->blob != blob) {
		drm_property_blob_put(tab->blob);
		tab->blob = NULL;
		if (!tab->t)
			tab->t = kvmalloc_array(3 * 65536, sizeof(*tab->t), GFP_KERNEL);
		if (!tab->t)
			return;
		for (ch = 0; ch < 3; ch++)
			for (x = 0; x < 65536; x++)
				tab->t[ch * 65536 + x] = pd_lut_lookup(lut, n, ch, x);
		tab->blob = drm_property_blob_get(blob);
	}
	*out = tab->t;
}

/**
 * pd_color_expand - look the CRTC's LUTs up in tables
 * @c: the prepared colour state (pd_color_prepare())
 * @snap: the snapshot @c was prepared from
 * @tables: the output's degamma and gamma tables, kept between frames
 *
 * A LUT is interpolated once for each of the 65536 inputs, when a frame
 * first shows it; every frame then costs a table look-up per channel
 * instead of an interpolation (1080p: 2 million pixels, against 65536
 * inputs).  The values are pd_color_apply()'s without tables, bit for bit.
 */
void pd_color_expand(struct pd_color *c, const struct pd_snapshot *snap,
		     struct pd_lut_table *tables)
{
	pd_lut_expand(&tables[0], snap->degamma_lut, c->degamma, c->degamma_n,
		      &c->degamma_t);
	pd_lut_expand(&tables[1], snap->gamma_lut, c->gamma, c->gamma_n, &c->gamma_t);
}
EXPORT_SYMBOL_IF_KUNIT(pd_color_expand);

/**
 * pd_color_tables_release - free an output's LUT tables
 * @tables: the two tables of pd_color_expand()
 */
void pd_color_tables_release(struct pd_lut_table *tables)
{
	pd_lut_table_release(&tables[0]);
	pd_lut_table_release(&tables[1]);
}
EXPORT_SYMBOL_IF_KUNIT(pd_color_tables_release);

static void pd_lut_table_apply(const u16 *t, struct pd_px *p)
{
	p->r = t[p->r];
	p->g = t[65536 + p->g];
	p->b = t[2 * 65536 + p->b];
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

		if (c->degamma_t)
			pd_lut_table_apply(c->degamma_t, p);
		else if (c->degamma)
			pd_lut_apply(c->degamma, c->degamma_n, p);
		if (c->has_ctm) {
			struct pd_px in = *p;

			p->r = pd_ctm_row(&c->ctm[0], &in);
			p->g = pd_ctm_row(&c->ctm[3], &in);
			p->b = pd_ctm_row(&c->ctm[6], &in);
		}
		if (c->gamma_t)
			pd_lut_table_apply(c->gamma_t, p);
		else if (c->gamma)
			pd_lut_apply(c->gamma, c->gamma_n, p);
	}
}
EXPORT_SYMBOL_IF_KUNIT(pd_color_apply);

/*
 * Plane colour pipelines (on kernels with COLOR_PIPELINE, set up by
 * primedisp_colorop.c): each enabled stage of a plane's pipeline, in
 * order, on the plane's pixels after they were read (and converted from
 * YCbCr) and before they are blended.  Between stages a channel is a
 * signed value where 65535 is 1.0, so a matrix or a multiplier may take it
 * above 1.0 or below 0 and a later stage bring it back; curves and LUTs
 * clamp their input to their domain, and the pipeline's output is clamped
 * to [0, 65535].
 */

/* Bound of a channel between stages: +-256.0. */
#define PD_PIPE_MAX	(256 * 65535)

/**
 * pd_pipeline_copy - give a snapshot plane another one's pipeline
 * @dst: filled in (holds no blobs yet)
 * @src: the pipeline copied; its LUT blobs get another reference
 */
void pd_pipeline_copy(struct pd_pipeline *dst, const struct pd_pipeline *src)
{
	unsigned int i;

	*dst = *src;
	for (i = 0; i < dst->n; i++)
		dst->st[i].data = pd_blob_get(dst->st[i].data);
}

/**
 * pd_pipeline_release - drop a pipeline's LUT blobs
 * @pipe: the pipeline
 */
void pd_pipeline_release(struct pd_pipeline *pipe)
{
	unsigned int i;

	for (i = 0; i < pipe->n; i++)
		drm_property_blob_put(pipe->st[i].data);
	pipe->n = 0;
}

/* A 32-bit LUT value (0xffffffff is 1.0) where 65535 is 1.0, rounded. */
static s32 pd_lut32_to16(u64 v)
{
	return div_u64(v + 32768, 65537);
}

static u32 pd_lut32_value(const struct drm_color_lut32 *e, unsigned int ch)
{
	return ch == 0 ? e->red : ch == 1 ? e->green : e->blue;
}

/*
 * Where @v (clamped to [0, @dom]) falls among @n evenly spaced points:
 * the index of the point at or below it and the fraction (of @dom) to the
 * next.  At @dom itself, the last interval with fraction @dom.
 */
static void pd_lut_pos(s32 v, u32 dom, unsigned int n, u32 *i, u32 *f)
{
	u64 pos = (u64)clamp_t(s32, v, 0, dom) * (n - 1);

	*i = div_u64_rem(pos, dom, f);
	if (*i == n - 1) {
		*i = n - 2;
		*f = dom;
	}
}

/**
 * pd_stage_curve - a sampled named curve at one channel value
 * @t: the curve's table (see PD_CURVE_POINTS)
 * @v: the value, 65535 being 1.0; clamped to [0, 1.0]
 *
 * Return: the curve's value there, interpolated linearly between the
 * table's points and rounded half up (65535 is 1.0).
 */
VISIBLE_IF_KUNIT s32 pd_stage_curve(const u32 *t, s32 v)
{
	u32 i, f;

	if (v < PD_CURVE_TOE)
		return t[PD_CURVE_POINTS + max(v, 0)];
	pd_lut_pos(v, 65535, PD_CURVE_POINTS, &i, &f);
	return div_u64((u64)t[i] * (65535 - f) + (u64)t[i + 1] * f + 32767,
		       65535);
}
EXPORT_SYMBOL_IF_KUNIT(pd_stage_curve);

/**
 * pd_stage_curve_wide - a sampled wide curve at one channel value
 * @t: the curve's table (see PD_CURVE_WIDE_POINTS)
 * @v: the value, 65535 being 1.0; clamped to [0, 125.0]
 *
 * Return: the curve's value there, interpolated linearly between the
 * points of @v's octave and rounded half up (65535 is 1.0).
 */
VISIBLE_IF_KUNIT s32 pd_stage_curve_wide(const u32 *t, s32 v)
{
	u32 x = clamp_t(s32, v, 0, PD_CURVE_WIDE_MAX), off, f;
	unsigned int k, sh, i;

	if (x < BIT(PD_CURVE_WIDE_OCT0))
		return t[x];
	k = fls(x) - 1;
	sh = k - PD_CURVE_WIDE_OCT0;
	off = x - BIT(k);
	i = BIT(PD_CURVE_WIDE_OCT0) + sh * PD_CURVE_WIDE_SEG + (off >> sh);
	f = off & (BIT(sh) - 1);
	if (!f)
		return t[i];
	return ((u64)t[i] * (BIT(sh) - f) + (u64)t[i + 1] * f + BIT(sh - 1)) >> sh;
}
EXPORT_SYMBOL_IF_KUNIT(pd_stage_curve_wide);

static s32 pd_stage_lut1d(const struct drm_color_lut32 *lut, unsigned int n,
			  unsigned int ch, s32 v)
{
	u32 i, f;

	pd_lut_pos(v, 65535, n, &i, &f);
	return pd_lut32_to16(div_u64((u64)pd_lut32_value(&lut[i], ch) * (65535 - f) +
				     (u64)pd_lut32_value(&lut[i + 1], ch) * f +
				     32767, 65535));
}

/*
 * The 3D LUT (@n points per axis, red varying fastest) at @c, interpolated
 * in the tetrahedron of the enclosing cube that holds @c: the one whose
 * path from the cube's low corner steps along the axes in decreasing order
 * of @c's fractions.
 */
static void pd_stage_lut3d(const struct drm_color_lut32 *lut, unsigned int n,
			   s32 *c)
{
	u32 idx[3], f[3], w[4], base;
	unsigned int ax[3] = { 0, 1, 2 }, v[4], k, ch;
	const u32 step[3] = { 1, n, n * n };

	for (k = 0; k < 3; k++)
		pd_lut_pos(c[k], 65535, n, &idx[k], &f[k]);
	if (f[ax[0]] < f[ax[1]])
		swap(ax[0], ax[1]);
	if (f[ax[1]] < f[ax[2]])
		swap(ax[1], ax[2]);
	if (f[ax[0]] < f[ax[1]])
		swap(ax[0], ax[1]);
	base = idx[0] + n * (idx[1] + n * idx[2]);
	v[0] = base;
	v[1] = v[0] + step[ax[0]];
	v[2] = v[1] + step[ax[1]];
	v[3] = v[2] + step[ax[2]];
	w[0] = 65535 - f[ax[0]];
	w[1] = f[ax[0]] - f[ax[1]];
	w[2] = f[ax[1]] - f[ax[2]];
	w[3] = f[ax[2]];
	for (ch = 0; ch < 3; ch++) {
		u64 acc = 32767;

		for (k = 0; k < 4; k++)
			acc += (u64)w[k] * pd_lut32_value(&lut[v[k]], ch);
		c[ch] = pd_lut32_to16(div_u64(acc, 65535));
	}
}

/* m * v in Q16, rounded, bounded to +-PD_PIPE_MAX. */
static s32 pd_stage_scale(s64 acc)
{
	return clamp_t(s64, (acc + (1 << 15)) >> 16, -PD_PIPE_MAX, PD_PIPE_MAX);
}

static void pd_stage_apply(const struct pd_stage *st, s32 *c)
{
	const struct drm_color_lut32 *lut = st->data ? st->data->data : NULL;
	s32 in[3] = { c[0], c[1], c[2] };
	unsigned int ch;

	switch (st->kind) {
	case PD_STAGE_CURVE:
		for (ch = 0; ch < 3; ch++)
			c[ch] = pd_stage_curve(st->curve, c[ch]);
		break;
	case PD_STAGE_CURVE_WIDE:
		for (ch = 0; ch < 3; ch++)
			c[ch] = pd_stage_curve_wide(st->curve, c[ch]);
		break;
	case PD_STAGE_LUT1D:
		for (ch = 0; ch < 3; ch++)
			c[ch] = pd_stage_lut1d(lut, st->size, ch, c[ch]);
		break;
	case PD_STAGE_CTM:
		for (ch = 0; ch < 3; ch++) {
			const s32 *m = &st->m[4 * ch];

			c[ch] = pd_stage_scale((s64)m[0] * in[0] + (s64)m[1] * in[1] +
					       (s64)m[2] * in[2] + (s64)m[3] * 65535);
		}
		break;
	case PD_STAGE_MULT:
		for (ch = 0; ch < 3; ch++)
			c[ch] = pd_stage_scale((s64)st->m[0] * in[ch]);
		break;
	case PD_STAGE_LUT3D:
		pd_stage_lut3d(lut, st->size, c);
		break;
	}
}

/**
 * pd_pipeline_apply - pass a plane's pixels through its colour pipeline
 * @pipe: the pipeline (at least one stage)
 * @px: the pixels, changed in place (alpha is left alone)
 * @n: how many
 */
void pd_pipeline_apply(const struct pd_pipeline *pipe, struct pd_px *px,
		       unsigned int n)
{
	unsigned int i, k;

	for (i = 0; i < n; i++) {
		s32 c[3] = { px[i].r, px[i].g, px[i].b };

		for (k = 0; k < pipe->n; k++)
			pd_stage_apply(&pipe->st[k], c);
		px[i].r = clamp_t(s32, c[0], 0, 65535);
		px[i].g = clamp_t(s32, c[1], 0, 65535);
		px[i].b = clamp_t(s32, c[2], 0, 65535);
	}
}
EXPORT_SYMBOL_IF_KUNIT(pd_pipeline_apply);
