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
 * 17x17x17 3D LUT.  The curves are the named curves the core knows: sRGB,
 * BT.2020, gamma 2.2 and PQ (0 to 125.0), each with its inverse.
 *
 * Here the committed stage states become the snapshot's struct pd_pipeline;
 * primedisp_color.c applies it (see "Plane colour pipelines" in
 * Documentation/overview.rst for the arithmetic).  The named curves are
 * sampled once into tables by primedisp_curve.c.
 *
 * Copyright (C) 2026 The primedisp authors
 */

#include <linux/bits.h>
#include <linux/once.h>
#include <linux/slab.h>

#include <drm/drm_colorop.h>
#include <drm/drm_plane.h>
#include <drm/drm_print.h>
#include <drm/drm_property.h>

#include "primedisp_drv.h"

/* The curves offered, as the core names them and as primedisp_curve.c does. */
static const struct {
	enum drm_colorop_curve_1d_type type;
	enum pd_curve curve;
} pd_curve_types[] = {
	{ DRM_COLOROP_1D_CURVE_SRGB_EOTF, PD_CURVE_SRGB_EOTF },
	{ DRM_COLOROP_1D_CURVE_SRGB_INV_EOTF, PD_CURVE_SRGB_INV_EOTF },
	{ DRM_COLOROP_1D_CURVE_PQ_125_EOTF, PD_CURVE_PQ_125_EOTF },
	{ DRM_COLOROP_1D_CURVE_BT2020_INV_OETF, PD_CURVE_BT2020_INV_OETF },
	{ DRM_COLOROP_1D_CURVE_BT2020_OETF, PD_CURVE_BT2020_OETF },
	{ DRM_COLOROP_1D_CURVE_GAMMA22, PD_CURVE_GAMMA22 },
	{ DRM_COLOROP_1D_CURVE_GAMMA22_INV, PD_CURVE_GAMMA22_INV },
	{ DRM_COLOROP_1D_CURVE_PQ_125_INV_EOTF, PD_CURVE_PQ_125_INV_EOTF },
};

/* Room for either layout (PD_CURVE_POINTS, PD_CURVE_WIDE_POINTS). */
#define PD_CURVE_TABLE_SIZE	(PD_CURVE_POINTS + PD_CURVE_TOE)
static_assert(PD_CURVE_WIDE_POINTS <= PD_CURVE_TABLE_SIZE);

static u32 pd_curve_tables[PD_CURVE_COUNT][PD_CURVE_TABLE_SIZE];

/* Sample every curve once, for every device. */
static void pd_curves_build(void)
{
	unsigned int c;

	for (c = 0; c < PD_CURVE_COUNT; c++)
		pd_curve_fill(c, pd_curve_tables[c]);
}

/* Make @st the stage of curve @t; false if it is not one offered. */
static bool pd_curve_stage(struct pd_stage *st, enum drm_colorop_curve_1d_type t)
{
	unsigned int c;

	for (c = 0; c < ARRAY_SIZE(pd_curve_types); c++) {
		enum pd_curve curve = pd_curve_types[c].curve;

		if (pd_curve_types[c].type != t)
			continue;
		st->kind = pd_curve_is_wide(curve) ? PD_STAGE_CURVE_WIDE : PD_STAGE_CURVE;
		st->curve = pd_curve_tables[curve];
		return true;
	}
	return false;
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
		for (c = 0; c < ARRAY_SIZE(pd_curve_types); c++)
			curves |= BIT_ULL(pd_curve_types[c].type);
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
		return pd_curve_stage(st, cs->curve_1d_type);
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
