// SPDX-License-Identifier: GPL-2.0
/*
 * primedisp_colorop.c - plane colour pipelines (COLOR_PIPELINE), on the
 * kernels that have them (drm/primedisp_compat.h; Kbuild builds this file
 * from 7.0 on).
 *
 * Every primary and overlay plane offers one pipeline of seven stages, each
 * of which can be bypassed (all are, until a client that set
 * DRM_CLIENT_CAP_PLANE_COLOR_PIPELINE says otherwise):
 *
 *	1D curve -> 1D LUT -> 3x4 matrix -> multiplier -> 3x4 matrix ->
 *	3D LUT -> 1D curve
 *
 * That holds vkms' pipeline (curve, matrix, matrix, curve) and adds what
 * display hardware has beside it: a 4096-entry 1D LUT, a multiplier and a
 * 17x17x17 3D LUT.  The curves are the named curves the core knows but
 * PQ's inverse (see there): sRGB, BT.2020 and gamma 2.2, each with its
 * inverse, and PQ (0 to 125.0).
 *
 * Here the committed stage states become the snapshot's struct pd_pipeline;
 * primedisp_color.c applies it (see "Plane colour pipelines" in
 * Documentation/overview.rst for the arithmetic).  The named curves are
 * sampled once into tables, with integer arithmetic: the kernel has no
 * floating point.
 *
 * Copyright (C) 2026 The primedisp authors
 */

#include <linux/bits.h>
#include <linux/math.h>
#include <linux/math64.h>
#include <linux/once.h>
#include <linux/slab.h>

#include <drm/drm_colorop.h>
#include <drm/drm_plane.h>
#include <drm/drm_print.h>
#include <drm/drm_property.h>

#include "primedisp_drv.h"

/*
 * The curve arithmetic is in unsigned Q32 (1.0 is 2^32) for values in
 * [0, 1], with base-2 logarithms in signed Q28.
 */
#define Q32_ONE		BIT_ULL(32)
#define Q28_ONE		((s64)BIT_ULL(28))
#define Q32(num, den)	div_u64((u64)(num) << 32, den)

/* 2^(2^-j) in Q30, for j = 0 to 28. */
static u32 pd_exp2_k[29];

/* log2(@x / 2^32) in Q28, for @x in (0, 2^32]: by repeated squaring. */
static s64 pd_log2(u64 x)
{
	int e = fls64(x) - 1, i;
	s64 r = (s64)(e - 32) * Q28_ONE;
	/* The mantissa in Q28, in [1, 2). */
	u64 m = e >= 28 ? x >> (e - 28) : x << (28 - e);

	for (i = 27; i >= 0; i--) {
		m = (m * m) >> 28;
		if (m >= 2 * Q28_ONE) {
			m >>= 1;
			r += 1LL << i;
		}
	}
	return r;
}

/* 2^@y in Q32, for @y <= 0 in Q28. */
static u64 pd_exp2(s64 y)
{
	s64 ip = y >> 28;
	u64 f = y - ip * Q28_ONE, r = BIT_ULL(30);
	int j;

	if (ip < -34)
		return 0;
	for (j = 1; j <= 28; j++)
		if (f & BIT_ULL(28 - j))
			r = (r * pd_exp2_k[j] + BIT_ULL(29)) >> 30;
	return (r << 2) >> -ip;
}

/* @x ^ (@num / @den) in Q32, for @x in [0, 2^32] and a positive exponent. */
static u64 pd_pow(u64 x, u32 num, u32 den)
{
	if (!x)
		return 0;
	if (x >= Q32_ONE)
		return Q32_ONE;
	return pd_exp2(div_s64(pd_log2(x) * num, den));
}

/* @a * @b and @a / @b of Q32 values, without overflow. */
static u64 pd_mul(u64 a, u64 b)
{
	return mul_u64_u64_shr(a, b, 32);
}

static u64 pd_div(u64 a, u64 b)
{
	return mul_u64_u64_div_u64(a, Q32_ONE, b);
}

/* IEC 61966-2-1: sRGB, encoded to linear and back. */
static u64 pd_srgb_eotf(u64 x)
{
	if (x <= Q32(4045, 100000))
		return div_u64(x * 100, 1292);
	return pd_pow(div_u64(x * 1000 + Q32(55, 1), 1055), 12, 5);
}

static u64 pd_srgb_inv_eotf(u64 x)
{
	u64 p;

	if (x <= Q32(31308, 10000000))
		return div_u64(x * 1292, 100);
	p = pd_pow(x, 5, 12) * 1055;
	return p > Q32(55, 1) ? div_u64(p - Q32(55, 1), 1000) : 0;
}

/*
 * SMPTE ST 2084 (PQ), where 1.0 is 10000 cd/m2: m1 = 1305/8192,
 * m2 = 2523/32, c1 = 107/128, c2 = 2413/128, c3 = 2392/128.  Its inverse
 * is not offered: it is so steep near 0 that a table of evenly spaced
 * points over its input range (0 to 125.0) is off by up to 19/255 there.
 */
static u64 pd_pq_eotf(u64 x)
{
	u64 e = pd_pow(x, 32, 2523);
	u64 num = e > Q32(107, 128) ? e - Q32(107, 128) : 0;
	u64 den = Q32(2413, 128) - div_u64(e * 2392, 128);

	return pd_pow(pd_div(num, den), 8192, 1305);
}

/*
 * ITU-R BT.2020 (and BT.709): alpha = 1.09929682680944,
 * beta = 0.018053968510807, in Q32.
 */
#define PD_BT_ALPHA	4721443920ULL
#define PD_BT_BETA	77541204ULL

static u64 pd_bt2020_oetf(u64 x)
{
	u64 p;

	if (x < PD_BT_BETA)
		return div_u64(x * 9, 2);
	p = pd_mul(PD_BT_ALPHA, pd_pow(x, 9, 20));
	return p > PD_BT_ALPHA - Q32_ONE ? p - (PD_BT_ALPHA - Q32_ONE) : 0;
}

static u64 pd_bt2020_inv_oetf(u64 x)
{
	if (x < div_u64(PD_BT_BETA * 9, 2))
		return div_u64(x * 2, 9);
	return pd_pow(pd_div(x + PD_BT_ALPHA - Q32_ONE, PD_BT_ALPHA), 20, 9);
}

static u64 pd_gamma22(u64 x)
{
	return pd_pow(x, 11, 5);
}

static u64 pd_gamma22_inv(u64 x)
{
	return pd_pow(x, 5, 11);
}

/* PQ's scale: 1.0 of the PQ EOTF's output is 125.0 (10000 / 80 cd/m2). */
#define PD_PQ_SCALE	125

static const struct pd_curve_def {
	enum drm_colorop_curve_1d_type type;
	u64 (*f)(u64 x);
	u32 scale;
} pd_curve_defs[] = {
	{ DRM_COLOROP_1D_CURVE_SRGB_EOTF, pd_srgb_eotf, 1 },
	{ DRM_COLOROP_1D_CURVE_SRGB_INV_EOTF, pd_srgb_inv_eotf, 1 },
	{ DRM_COLOROP_1D_CURVE_PQ_125_EOTF, pd_pq_eotf, PD_PQ_SCALE },
	{ DRM_COLOROP_1D_CURVE_BT2020_INV_OETF, pd_bt2020_inv_oetf, 1 },
	{ DRM_COLOROP_1D_CURVE_BT2020_OETF, pd_bt2020_oetf, 1 },
	{ DRM_COLOROP_1D_CURVE_GAMMA22, pd_gamma22, 1 },
	{ DRM_COLOROP_1D_CURVE_GAMMA22_INV, pd_gamma22_inv, 1 },
};

static u32 pd_curve_tables[ARRAY_SIZE(pd_curve_defs)][PD_CURVE_POINTS + PD_CURVE_TOE];

static u32 pd_curve_sample(const struct pd_curve_def *d, u64 x)
{
	return (d->f(x) * 65535 * d->scale + BIT_ULL(31)) >> 32;
}

/* Sample every curve once, for every device. */
static void pd_curves_build(void)
{
	unsigned int c, i, j;

	pd_exp2_k[0] = 2U << 30;
	for (j = 1; j < ARRAY_SIZE(pd_exp2_k); j++)
		pd_exp2_k[j] = int_sqrt64((u64)pd_exp2_k[j - 1] << 30);

	for (c = 0; c < ARRAY_SIZE(pd_curve_defs); c++) {
		const struct pd_curve_def *d = &pd_curve_defs[c];

		for (i = 0; i < PD_CURVE_POINTS; i++)
			pd_curve_tables[c][i] =
				pd_curve_sample(d, div_u64((u64)i << 32, PD_CURVE_POINTS - 1));
		for (i = 0; i < PD_CURVE_TOE; i++)
			pd_curve_tables[c][PD_CURVE_POINTS + i] =
				pd_curve_sample(d, Q32(i, 65535));
	}
}

static const u32 *pd_curve_of(enum drm_colorop_curve_1d_type t)
{
	unsigned int c;

	for (c = 0; c < ARRAY_SIZE(pd_curve_defs); c++)
		if (pd_curve_defs[c].type == t)
			return pd_curve_tables[c];
	return NULL;
}

static const struct drm_colorop_funcs pd_colorop_funcs = {
	.destroy = drm_colorop_destroy,
};

/* The pipeline's stages, in order. */
static const u8 pd_pipeline_stages[] = {
	PD_STAGE_CURVE, PD_STAGE_LUT1D, PD_STAGE_CTM, PD_STAGE_MULT,
	PD_STAGE_CTM, PD_STAGE_LUT3D, PD_STAGE_CURVE,
};

static_assert(ARRAY_SIZE(pd_pipeline_stages) <= PD_MAX_STAGES);

static int pd_colorop_create(struct drm_plane *plane, u8 kind,
			     struct drm_colorop **out)
{
	const u32 flags = DRM_COLOROP_FLAG_ALLOW_BYPASS;
	struct drm_device *drm = plane->dev;
	struct drm_colorop *op;
	u64 curves = 0;
	unsigned int c;
	int ret;

	op = kzalloc(sizeof(*op), GFP_KERNEL);
	if (!op)
		return -ENOMEM;
	switch (kind) {
	case PD_STAGE_CURVE:
		for (c = 0; c < ARRAY_SIZE(pd_curve_defs); c++)
			curves |= BIT_ULL(pd_curve_defs[c].type);
		ret = drm_plane_colorop_curve_1d_init(drm, op, plane,
						      &pd_colorop_funcs,
						      curves, flags);
		break;
	case PD_STAGE_LUT1D:
		ret = drm_plane_colorop_curve_1d_lut_init(drm, op, plane,
							  &pd_colorop_funcs,
							  PD_STAGE_LUT1D_SIZE,
							  DRM_COLOROP_LUT1D_INTERPOLATION_LINEAR,
							  flags);
		break;
	case PD_STAGE_CTM:
		ret = drm_plane_colorop_ctm_3x4_init(drm, op, plane,
						     &pd_colorop_funcs, flags);
		break;
	case PD_STAGE_MULT:
		ret = drm_plane_colorop_mult_init(drm, op, plane,
						  &pd_colorop_funcs, flags);
		break;
	default:
		ret = drm_plane_colorop_3dlut_init(drm, op, plane,
						   &pd_colorop_funcs,
						   PD_STAGE_LUT3D_SIZE,
						   DRM_COLOROP_LUT3D_INTERPOLATION_TETRAHEDRAL,
						   flags);
		break;
	}
	if (ret) {
		kfree(op);
		return ret;
	}
	/* From here on drm_mode_config_cleanup() destroys it. */
	*out = op;
	return 0;
}

/**
 * pd_colorop_init - give a plane its colour pipeline
 * @plane: a primary or overlay plane, initialised
 *
 * Return: 0 or a negative errno.
 */
int pd_colorop_init(struct drm_plane *plane)
{
	struct drm_colorop *op, *prev = NULL, *first = NULL;
	struct drm_prop_enum_list pipeline;
	unsigned int i;
	int ret;

	DO_ONCE_SLEEPABLE(pd_curves_build);
	for (i = 0; i < ARRAY_SIZE(pd_pipeline_stages); i++) {
		ret = pd_colorop_create(plane, pd_pipeline_stages[i], &op);
		if (ret)
			return ret;
		if (prev)
			drm_colorop_set_next_property(prev, op);
		else
			first = op;
		prev = op;
	}
	pipeline.type = first->base.id;
	pipeline.name = kasprintf(GFP_KERNEL, "Color Pipeline %u",
				  first->base.id);
	if (!pipeline.name)
		return -ENOMEM;
	ret = drm_plane_create_color_pipeline_property(plane, &pipeline, 1);
	kfree(pipeline.name);
	return ret;
}

/* The blob of a LUT or matrix stage, if it has the size the stage takes. */
static struct drm_property_blob *pd_stage_blob(const struct drm_colorop_state *cs,
					       size_t size)
{
	return cs->data && cs->data->length == size ? cs->data : NULL;
}

/* Fill @st from stage @op's state @cs; false if it leaves pixels alone. */
static bool pd_stage_of(struct pd_stage *st, const struct drm_colorop *op,
			const struct drm_colorop_state *cs)
{
	const struct drm_color_ctm_3x4 *ctm;
	unsigned int i, n3 = PD_STAGE_LUT3D_SIZE;

	switch (op->type) {
	case DRM_COLOROP_1D_CURVE:
		st->kind = PD_STAGE_CURVE;
		st->curve = pd_curve_of(cs->curve_1d_type);
		return !!st->curve;
	case DRM_COLOROP_1D_LUT:
		st->kind = PD_STAGE_LUT1D;
		st->size = PD_STAGE_LUT1D_SIZE;
		st->data = pd_stage_blob(cs, st->size * sizeof(struct drm_color_lut32));
		return !!st->data;
	case DRM_COLOROP_CTM_3X4:
		st->kind = PD_STAGE_CTM;
		if (!pd_stage_blob(cs, sizeof(*ctm)))
			return false;
		ctm = cs->data->data;
		for (i = 0; i < ARRAY_SIZE(st->m); i++)
			st->m[i] = pd_ctm_coeff(ctm->matrix[i]);
		return true;
	case DRM_COLOROP_MULTIPLIER:
		st->kind = PD_STAGE_MULT;
		st->m[0] = pd_ctm_coeff(cs->multiplier);
		return true;
	case DRM_COLOROP_3D_LUT:
		st->kind = PD_STAGE_LUT3D;
		st->size = n3;
		st->data = pd_stage_blob(cs, n3 * n3 * n3 * sizeof(struct drm_color_lut32));
		return !!st->data;
	}
	return false;
}

/**
 * pd_colorop_snapshot - record the enabled stages of a plane's pipeline
 * @pipe: filled in (holds no blobs yet)
 * @ps: the plane's state, as the commit leaves it
 * @state: the commit, or NULL: the stage states it changed are its new
 *	ones, the others the current ones (see pd_composer_commit() for why
 *	those are stable)
 *
 * A bypassed stage, and a LUT or matrix stage with no data, leave pixels
 * alone and are left out.  LUT blobs are referenced.
 */
void pd_colorop_snapshot(struct pd_pipeline *pipe,
			 const struct drm_plane_state *ps,
			 struct drm_atomic_commit *state)
{
	struct drm_colorop *op;

	pipe->n = 0;
	for (op = ps->color_pipeline; op && pipe->n < PD_MAX_STAGES;
	     op = op->next) {
		const struct drm_colorop_state *cs = NULL;
		struct pd_stage *st = &pipe->st[pipe->n];

		if (state)
			cs = drm_atomic_get_new_colorop_state(state, op);
		if (!cs)
			cs = op->state;
		if (cs->bypass)
			continue;
		memset(st, 0, sizeof(*st));
		if (!pd_stage_of(st, op, cs))
			continue;
		if (st->data)
			drm_property_blob_get(st->data);
		pipe->n++;
	}
}
