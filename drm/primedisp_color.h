/* SPDX-License-Identifier: GPL-2.0 */
/*
 * primedisp_color.h - colour management: the CRTC's degamma, CTM and gamma
 * (primedisp_color.c), the planes' colour pipelines (primedisp_colorop.c)
 * and the named curves they sample (primedisp_curve.c).
 *
 * Copyright (C) 2026 The primedisp authors
 */
#ifndef PRIMEDISP_COLOR_H
#define PRIMEDISP_COLOR_H

#include <linux/bits.h>
#include <linux/types.h>

#include <drm/drm_color_mgmt.h>
#include <drm/drm_crtc.h>
#include <drm/drm_property.h>

#include "primedisp_formats.h"

struct pd_snapshot;

/*
 * Colour management: entries of the degamma and gamma LUTs, and of the
 * legacy gamma table (a GAMMA_LUT of that size is accepted too).
 */
#define PD_DEGAMMA_LUT_SIZE	1024
#define PD_GAMMA_LUT_SIZE	1024
#define PD_LEGACY_GAMMA_SIZE	256

/*
 * Plane colour pipelines (kernels with COLOR_PIPELINE): the most stages a
 * pipeline has, the entries of its 1D LUT and the points per axis of its
 * 3D LUT.
 */
#define PD_MAX_STAGES		8
#define PD_STAGE_LUT1D_SIZE	4096
#define PD_STAGE_LUT3D_SIZE	17

/**
 * enum pd_stage_kind - what one stage of a plane's colour pipeline does
 * @PD_STAGE_CURVE: a named 1D curve, through a table (&pd_stage.curve)
 * @PD_STAGE_LUT1D: a 1D LUT of struct drm_color_lut32, interpolated
 *	linearly
 * @PD_STAGE_CTM: a 3x4 matrix (&pd_stage.m, Q16)
 * @PD_STAGE_MULT: a multiplier (the first of &pd_stage.m, Q16)
 * @PD_STAGE_LUT3D: a 3D LUT of struct drm_color_lut32, interpolated
 *	tetrahedrally
 * @PD_STAGE_CURVE_WIDE: a named 1D curve of inputs from 0 to 125.0,
 *	through a log-spaced table (&pd_stage.curve, see PD_CURVE_WIDE_POINTS)
 */
enum pd_stage_kind {
	PD_STAGE_CURVE,
	PD_STAGE_LUT1D,
	PD_STAGE_CTM,
	PD_STAGE_MULT,
	PD_STAGE_LUT3D,
	PD_STAGE_CURVE_WIDE,
};

/*
 * A sampled 1D curve: PD_CURVE_POINTS outputs (65535 is 1.0, and may be
 * above) for the inputs i * 65535 / 4096, then PD_CURVE_TOE outputs for
 * the inputs 0 to PD_CURVE_TOE - 1 themselves (the first 16 intervals),
 * where a curve with no linear toe (gamma 2.2's inverse) is too steep to
 * interpolate: with 16 there, it was off by 26/65535 at input 23.
 */
#define PD_CURVE_POINTS		4097
#define PD_CURVE_TOE		256

/*
 * A sampled 1D curve of inputs from 0 to PD_CURVE_WIDE_MAX (125.0, PQ's
 * range): the outputs for the inputs 0 to 63 themselves, then 64 evenly
 * spaced points per octave, [2^k, 2^(k+1)) for k = 6 to 22, then the
 * output at 2^23.  Evenly spaced points over the whole range would miss
 * PQ's inverse near 0, which is steep there.
 */
#define PD_CURVE_WIDE_SEG	64
#define PD_CURVE_WIDE_OCT0	6
#define PD_CURVE_WIDE_OCTS	17
#define PD_CURVE_WIDE_POINTS	(BIT(PD_CURVE_WIDE_OCT0) + \
				 PD_CURVE_WIDE_OCTS * PD_CURVE_WIDE_SEG + 1)
#define PD_CURVE_WIDE_MAX	(125 * 65535)

/**
 * enum pd_curve - the named 1D curves primedisp_curve.c samples
 * @PD_CURVE_SRGB_EOTF: sRGB, encoded to linear
 * @PD_CURVE_SRGB_INV_EOTF: sRGB, linear to encoded
 * @PD_CURVE_PQ_125_EOTF: SMPTE ST 2084, output 0 to 125.0
 * @PD_CURVE_BT2020_INV_OETF: BT.2020 (and BT.709), encoded to linear
 * @PD_CURVE_BT2020_OETF: BT.2020, linear to encoded
 * @PD_CURVE_GAMMA22: x^2.2
 * @PD_CURVE_GAMMA22_INV: x^(1/2.2)
 * @PD_CURVE_PQ_125_INV_EOTF: SMPTE ST 2084's inverse, input 0 to 125.0 (a
 *	wide curve: see PD_CURVE_WIDE_POINTS)
 * @PD_CURVE_COUNT: how many there are
 */
enum pd_curve {
	PD_CURVE_SRGB_EOTF,
	PD_CURVE_SRGB_INV_EOTF,
	PD_CURVE_PQ_125_EOTF,
	PD_CURVE_BT2020_INV_OETF,
	PD_CURVE_BT2020_OETF,
	PD_CURVE_GAMMA22,
	PD_CURVE_GAMMA22_INV,
	PD_CURVE_PQ_125_INV_EOTF,
	PD_CURVE_COUNT
};

/* Is @c sampled as a wide curve (PD_CURVE_WIDE_POINTS)? */
static inline bool pd_curve_is_wide(enum pd_curve c)
{
	return c == PD_CURVE_PQ_125_INV_EOTF;
}

/**
 * struct pd_stage - an enabled stage of a plane's colour pipeline, as a
 * commit left it
 * @kind: enum pd_stage_kind
 * @size: LUT entries (1D) or points per axis (3D)
 * @curve: the sampled curve (PD_STAGE_CURVE, see PD_CURVE_POINTS; or
 *	PD_STAGE_CURVE_WIDE, see PD_CURVE_WIDE_POINTS)
 * @data: the LUT blob (a reference), or NULL
 * @m: matrix rows (PD_STAGE_CTM) or the multiplier (first), signed Q16,
 *	clamped
 */
struct pd_stage {
	u8 kind;
	u32 size;
	const u32 *curve;
	struct drm_property_blob *data;
	s32 m[12];
};

/**
 * struct pd_pipeline - the enabled stages of a plane's colour pipeline
 * @n: number of stages in @st
 * @st: the stages, in order
 */
struct pd_pipeline {
	unsigned int n;
	struct pd_stage st[PD_MAX_STAGES];
};

/* Largest CTM coefficient magnitude, in the composer's Q16 (< 32768.0). */
#define PD_CTM_MAX	0x7fffffffLL

/**
 * struct pd_lut_table - a CRTC LUT looked up once for every 16-bit input
 * @blob: the LUT blob the table was made from (a reference), or NULL
 * @t: 3 * 65536 outputs, red's, green's and blue's, or NULL
 */
struct pd_lut_table {
	struct drm_property_blob *blob;
	u16 *t;
};

/**
 * struct pd_color - a snapshot's colour stages, ready for the composer
 * @degamma: degamma LUT entries, or NULL
 * @degamma_n: number of @degamma entries
 * @gamma: gamma LUT entries, or NULL
 * @gamma_n: number of @gamma entries
 * @degamma_t: @degamma as a table (struct pd_lut_table), or NULL
 * @gamma_t: @gamma as a table, or NULL
 * @ctm: CTM coefficients, row-major, signed Q16 (clamped)
 * @has_ctm: apply @ctm
 * @active: any stage is on
 */
struct pd_color {
	const struct drm_color_lut *degamma;
	unsigned int degamma_n;
	const struct drm_color_lut *gamma;
	unsigned int gamma_n;
	const u16 *degamma_t;
	const u16 *gamma_t;
	s64 ctm[9];
	bool has_ctm;
	bool active;
};

int pd_color_init(struct drm_crtc *crtc);
int pd_color_check(struct drm_crtc_state *state);
void pd_color_snapshot(struct pd_snapshot *snap,
		       const struct drm_crtc_state *state);
void pd_color_snapshot_copy(struct pd_snapshot *snap,
			    const struct pd_snapshot *src);
void pd_color_snapshot_release(struct pd_snapshot *snap);
bool pd_color_prepare(struct pd_color *c, const struct pd_snapshot *snap);
void pd_color_apply(const struct pd_color *c, struct pd_px *px, unsigned int n);
void pd_color_expand(struct pd_color *c, const struct pd_snapshot *snap,
		     struct pd_lut_table *tables);
void pd_color_tables_release(struct pd_lut_table *tables);
s64 pd_ctm_coeff(u64 v);
void pd_pipeline_copy(struct pd_pipeline *dst, const struct pd_pipeline *src);
void pd_pipeline_release(struct pd_pipeline *pipe);
void pd_pipeline_apply(const struct pd_pipeline *pipe, struct pd_px *px,
		       unsigned int n);
void pd_curve_fill(enum pd_curve c, u32 *t);
#if IS_ENABLED(CONFIG_KUNIT)
/* Visible to the unit tests alone (drm/tests/). */
u64 pd_pow(u64 x, u32 num, u32 den);
s32 pd_stage_curve(const u32 *t, s32 v);
s32 pd_stage_curve_wide(const u32 *t, s32 v);
#endif

#endif /* PRIMEDISP_COLOR_H */
