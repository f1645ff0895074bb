// SPDX-License-Identifier: GPL-2.0
/*
 * primedisp_color_test.c - KUnit tests of primedisp's colour arithmetic:
 * the named curves of the plane colour pipelines (primedisp_curve.c), the
 * CRTC's degamma/CTM/gamma and the pipeline stages (primedisp_color.c).
 *
 * Built as primedisp_kunit.ko on kernels with CONFIG_KUNIT (primedisp's
 * debug kernel), loaded by igt-tests' kunit_pd.  The references are the
 * published formulas in double precision (scripts/gen-curve-ref.py) or
 * values worked out by hand in the comments, never the driver's own code.
 *
 * Copyright (C) 2026 The primedisp authors
 */

#include <kunit/test.h>
#include <kunit/test-bug.h>

#include <linux/module.h>
#include <linux/slab.h>

#include <drm/drm_color_mgmt.h>
#include <drm/drm_mode.h>
#include <drm/drm_property.h>

#include "primedisp_drv.h"
#include "primedisp_curve_ref.h"

/* 1.0 in S31.32 sign-magnitude (CTM and colorop blobs). */
#define S3132_ONE	BIT_ULL(32)
#define S3132_NEG	BIT_ULL(63)

/* 1.0 in Q16, as struct pd_stage holds matrices and multipliers. */
#define Q16_ONE		65536

/* The driver dropped a blob's last reference: never, the test holds one. */
static void pd_test_blob_free(struct kref *kref)
{
	kunit_fail_current_test("a test blob lost its last reference");
}

/* A property blob that lives as long as the test, with @size bytes of data. */
static struct drm_property_blob *pd_test_blob(struct kunit *test, size_t size)
{
	struct drm_property_blob *blob;

	blob = kunit_kzalloc(test, sizeof(*blob) + size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, blob);
	blob->data = blob + 1;
	blob->length = size;
	/*
	 * Counted like the core's blobs (a mode object is counted only when
	 * it has a free_cb), with the test's own reference.
	 */
	kref_init(&blob->base.refcount);
	blob->base.free_cb = pd_test_blob_free;
	return blob;
}

static u32 *pd_test_curve(struct kunit *test, enum pd_curve c)
{
	u32 *t = kunit_kmalloc_array(test, PD_CURVE_POINTS + PD_CURVE_TOE,
				     sizeof(*t), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, t);
	pd_curve_fill(c, t);
	return t;
}

/* ---- the named curves ---------------------------------------------------- */

/* @num / @den in Q32; constant, so usable in initializers. */
#define Q32(num, den)	(((u64)(num) << 32) / (den))

/* pd_pow() against powers whose results are exact. */
static void pd_test_pow(struct kunit *test)
{
	static const struct {
		u64 x;
		u32 num, den;
		u64 want;
	} cases[] = {
		{ Q32(1, 4), 1, 2, Q32(1, 2) },
		{ Q32(1, 2), 2, 1, Q32(1, 4) },
		{ Q32(1, 8), 1, 3, Q32(1, 2) },
		{ Q32(1, 1024), 3, 10, Q32(1, 8) },
		{ Q32(9, 16), 3, 2, Q32(27, 64) },
		{ Q32(3, 5), 1, 1, Q32(3, 5) },
		{ Q32(1, 65536), 5, 4, Q32(1, 1048576) },
		{ 0, 12, 5, 0 },
		{ BIT_ULL(32), 12, 5, BIT_ULL(32) },
		{ BIT_ULL(33), 5, 12, BIT_ULL(32) },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		u64 got = pd_pow(cases[i].x, cases[i].num, cases[i].den);
		s64 err = (s64)(got - cases[i].want);

		/* 2^-24 of 1.0: far below one 16-bit step (2^-16). */
		KUNIT_EXPECT_LE_MSG(test, abs(err), 256,
				    "%llu^(%u/%u): %llu, want %llu (Q32)", cases[i].x,
				    cases[i].num, cases[i].den, got, cases[i].want);
	}
}

struct pd_curve_case {
	enum pd_curve curve;
	const char *name;
	/* The largest error allowed, in 1/256 of a 16-bit step. */
	u32 tolerance;
};

static const struct pd_curve_case pd_curve_cases[] = {
	{ PD_CURVE_SRGB_EOTF, "srgb-eotf", 384 },
	{ PD_CURVE_SRGB_INV_EOTF, "srgb-inv-eotf", 384 },
	/* 32 steps of the 125.0 PQ produces at 10000 cd/m2: 2e-6 of it. */
	{ PD_CURVE_PQ_125_EOTF, "pq-125-eotf", 32 * 256 },
	{ PD_CURVE_BT2020_INV_OETF, "bt2020-inv-oetf", 384 },
	{ PD_CURVE_BT2020_OETF, "bt2020-oetf", 384 },
	{ PD_CURVE_GAMMA22, "gamma22", 384 },
	{ PD_CURVE_GAMMA22_INV, "gamma22-inv", 384 },
	{ PD_CURVE_PQ_125_INV_EOTF, "pq-125-inv-eotf", 384 },
};

static void pd_curve_case_desc(const struct pd_curve_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(pd_curve, pd_curve_cases, pd_curve_case_desc);

/* Curve @c's table at input @v, read as the composer reads it. */
static s32 pd_test_eval(enum pd_curve c, const u32 *t, u32 v)
{
	return pd_curve_is_wide(c) ? pd_stage_curve_wide(t, v) : pd_stage_curve(t, v);
}

/*
 * The sampled table, interpolated as the composer does (pd_stage_curve(),
 * pd_stage_curve_wide()), against the formula at the reference inputs:
 * within 1.5/65535 (PQ: 32/65535 of an output that reaches 125 * 65535).
 */
static void pd_test_curve_reference(struct kunit *test)
{
	const struct pd_curve_case *c = test->param_value;
	const u32 *t = pd_test_curve(test, c->curve);
	bool wide = pd_curve_is_wide(c->curve);
	unsigned int i, n = wide ? PD_REF_WIDE_POINTS : PD_REF_POINTS, worst = 0;
	s64 worst_err = 0;

	for (i = 0; i < n; i++) {
		u32 in = wide ? pd_ref_wide_in[i] : pd_ref_in[i];
		u32 ref = wide ? pd_ref_wide_out[c->curve][i] : pd_ref_out[c->curve][i];
		s64 err = (s64)pd_test_eval(c->curve, t, in) * 256 - ref;

		if (abs(err) > abs(worst_err)) {
			worst_err = err;
			worst = i;
		}
	}
	i = worst;
	KUNIT_EXPECT_LE_MSG(test, abs(worst_err), c->tolerance,
			    "%s(%u/65535) is off by %lld/256 of a step (reference %u/256)",
			    c->name, wide ? pd_ref_wide_in[i] : pd_ref_in[i], worst_err,
			    wide ? pd_ref_wide_out[c->curve][i] : pd_ref_out[c->curve][i]);
	kunit_info(test, "%s: largest error %lld/256 of a 16-bit step, at input %u",
		   c->name, worst_err, wide ? pd_ref_wide_in[i] : pd_ref_in[i]);
}

/*
 * Over every 16-bit input the curve never goes down, starts at 0 and ends
 * at its full scale; between two inputs it moves by at most what the
 * steepest slope of the formula allows (so no table seam jumps).
 */
static void pd_test_curve_monotonic(struct kunit *test)
{
	const struct pd_curve_case *c = test->param_value;
	const u32 *t = pd_test_curve(test, c->curve);
	const s32 full = c->curve == PD_CURVE_PQ_125_EOTF ? 125 * 65535 : 65535;
	/* A wide curve's inputs: every one to 1.0, then every 61st. */
	const u32 top = pd_curve_is_wide(c->curve) ? PD_CURVE_WIDE_MAX : 65535;
	s32 prev = pd_test_eval(c->curve, t, 0), v;
	u32 x;

	/* PQ's inverse is 7.3e-7 at 0: 0.05 of a 16-bit step. */
	KUNIT_EXPECT_EQ(test, prev, 0);
	for (x = 1; x <= top; x += x < 65536 ? 1 : 61) {
		v = pd_test_eval(c->curve, t, x);
		if (v < prev) {
			KUNIT_FAIL(test, "%s goes down from %d to %d at input %u",
				   c->name, prev, v, x);
			return;
		}
		prev = v;
	}
	KUNIT_EXPECT_EQ(test, pd_test_eval(c->curve, t, top), full);
	/* Inputs outside the curve's domain are clamped. */
	KUNIT_EXPECT_EQ(test, pd_test_eval(c->curve, t, -5000), 0);
	KUNIT_EXPECT_EQ(test, pd_test_eval(c->curve, t, top + 3 * 65535), full);
}

/* ---- the CRTC: DEGAMMA_LUT, CTM, GAMMA_LUT -------------------------------- */

static void pd_test_ctm_coeff(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, pd_ctm_coeff(S3132_ONE), Q16_ONE);
	KUNIT_EXPECT_EQ(test, pd_ctm_coeff(S3132_NEG | S3132_ONE / 2), -Q16_ONE / 2);
	KUNIT_EXPECT_EQ(test, pd_ctm_coeff(S3132_NEG), 0);
	KUNIT_EXPECT_EQ(test, pd_ctm_coeff(0), 0);
	/* Half of a Q16 step rounds up; just below it, down. */
	KUNIT_EXPECT_EQ(test, pd_ctm_coeff(BIT_ULL(15)), 1);
	KUNIT_EXPECT_EQ(test, pd_ctm_coeff(BIT_ULL(15) - 1), 0);
	KUNIT_EXPECT_EQ(test, pd_ctm_coeff(S3132_NEG | BIT_ULL(15)), -1);
	/* 2.75 */
	KUNIT_EXPECT_EQ(test, pd_ctm_coeff(11 * S3132_ONE / 4), 11 * Q16_ONE / 4);
	/* Huge coefficients stop at what the composer's sums hold. */
	KUNIT_EXPECT_EQ(test, pd_ctm_coeff(GENMASK_ULL(62, 0)), PD_CTM_MAX);
	KUNIT_EXPECT_EQ(test, pd_ctm_coeff(U64_MAX), -PD_CTM_MAX);
}

/*
 * A CRTC snapshot whose LUTs and matrix are blobs of the test (on the heap:
 * a snapshot has room for every plane, too much for a kernel stack).
 */
static struct pd_snapshot *pd_test_snapshot(struct kunit *test)
{
	struct pd_snapshot *snap = kunit_kzalloc(test, sizeof(*snap), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, snap);
	return snap;
}

static struct drm_color_lut *pd_test_lut(struct kunit *test,
					 struct drm_property_blob **blob,
					 unsigned int n)
{
	*blob = pd_test_blob(test, n * sizeof(struct drm_color_lut));
	return (*blob)->data;
}

static void pd_lut_set(struct drm_color_lut *e, u16 v)
{
	e->red = v;
	e->green = v;
	e->blue = v;
}

static struct drm_color_ctm *pd_test_ctm(struct kunit *test,
					 struct drm_property_blob **blob)
{
	*blob = pd_test_blob(test, sizeof(struct drm_color_ctm));
	return (*blob)->data;
}

/* A two-entry LUT from 65535 to 0 inverts every input exactly. */
static void pd_test_lut_invert(struct kunit *test)
{
	struct pd_snapshot *snap = pd_test_snapshot(test);
	struct drm_color_lut *lut = pd_test_lut(test, &snap->gamma_lut, 2);
	struct pd_color c;
	struct pd_px p;
	u32 x;

	pd_lut_set(&lut[0], 65535);
	pd_lut_set(&lut[1], 0);
	KUNIT_ASSERT_TRUE(test, pd_color_prepare(&c, snap));
	for (x = 0; x <= 65535; x++) {
		p = (struct pd_px){ .a = 1234, .r = x, .g = x, .b = 65535 - x };
		pd_color_apply(&c, &p, 1);
		if (p.r != 65535 - x || p.g != 65535 - x || p.b != x || p.a != 1234) {
			KUNIT_FAIL(test, "input %u: got %u/%u/%u alpha %u", x, p.r, p.g,
				   p.b, p.a);
			return;
		}
	}
}

/*
 * Linear interpolation rounds half up: between entries 0 and 1 of a
 * two-entry LUT, 32767/65535 of the way gives 0, 32768/65535 gives 1.
 * An identity of 256 entries (257 * i) is exact everywhere.
 */
static void pd_test_lut_rounding(struct kunit *test)
{
	struct pd_snapshot *snap = pd_test_snapshot(test);
	struct drm_color_lut *lut = pd_test_lut(test, &snap->degamma_lut, 2);
	struct pd_color c;
	struct pd_px p = { .r = 32767, .g = 32768, .b = 65535 };
	unsigned int i;
	u32 x;

	pd_lut_set(&lut[0], 0);
	pd_lut_set(&lut[1], 1);
	KUNIT_ASSERT_TRUE(test, pd_color_prepare(&c, snap));
	pd_color_apply(&c, &p, 1);
	KUNIT_EXPECT_EQ(test, p.r, 0);
	KUNIT_EXPECT_EQ(test, p.g, 1);
	KUNIT_EXPECT_EQ(test, p.b, 1);

	lut = pd_test_lut(test, &snap->degamma_lut, 256);
	for (i = 0; i < 256; i++)
		pd_lut_set(&lut[i], 257 * i);
	KUNIT_ASSERT_TRUE(test, pd_color_prepare(&c, snap));
	for (x = 0; x <= 65535; x++) {
		p = (struct pd_px){ .r = x, .g = x, .b = x };
		pd_color_apply(&c, &p, 1);
		if (p.r != x || p.g != x || p.b != x) {
			KUNIT_FAIL(test, "identity LUT: %u became %u/%u/%u", x, p.r, p.g, p.b);
			return;
		}
	}
}

/*
 * Degamma, then the CTM, then gamma, as display hardware does.  With an
 * inverting degamma, a CTM that halves red and an inverting gamma, red
 * 40000 becomes 25535, then 12767.5 (rounded up: 12768), then 52767.  In
 * any other order it would not (CTM first: 20000, 45535, 20000).
 */
static void pd_test_order(struct kunit *test)
{
	struct pd_snapshot *snap = pd_test_snapshot(test);
	struct drm_color_lut *degamma = pd_test_lut(test, &snap->degamma_lut, 2);
	struct drm_color_lut *gamma = pd_test_lut(test, &snap->gamma_lut, 2);
	struct drm_color_ctm *ctm = pd_test_ctm(test, &snap->ctm);
	struct pd_color c;
	struct pd_px p = { .a = 65535, .r = 40000, .g = 40000, .b = 0 };

	pd_lut_set(&degamma[0], 65535);
	pd_lut_set(&degamma[1], 0);
	gamma[0] = degamma[0];
	gamma[1] = degamma[1];
	ctm->matrix[0] = S3132_ONE / 2;
	ctm->matrix[4] = S3132_ONE;
	ctm->matrix[8] = S3132_ONE;
	KUNIT_ASSERT_TRUE(test, pd_color_prepare(&c, snap));
	pd_color_apply(&c, &p, 1);
	KUNIT_EXPECT_EQ(test, p.r, 52767);
	KUNIT_EXPECT_EQ(test, p.g, 40000);
	KUNIT_EXPECT_EQ(test, p.b, 0);
	KUNIT_EXPECT_EQ(test, p.a, 65535);
}

/* CTM rows that go below 0 or above 1.0 are clamped; channels mix. */
static void pd_test_ctm_clamp(struct kunit *test)
{
	struct pd_snapshot *snap = pd_test_snapshot(test);
	struct drm_color_ctm *ctm = pd_test_ctm(test, &snap->ctm);
	struct pd_color c;
	struct pd_px p = { .r = 30000, .g = 20000, .b = 10000 };

	/* red = -r + g, green = 2r + g + b, blue = 0.25 r + 0.5 g + 0.25 b */
	ctm->matrix[0] = S3132_NEG | S3132_ONE;
	ctm->matrix[1] = S3132_ONE;
	ctm->matrix[3] = 2 * S3132_ONE;
	ctm->matrix[4] = S3132_ONE;
	ctm->matrix[5] = S3132_ONE;
	ctm->matrix[6] = S3132_ONE / 4;
	ctm->matrix[7] = S3132_ONE / 2;
	ctm->matrix[8] = S3132_ONE / 4;
	KUNIT_ASSERT_TRUE(test, pd_color_prepare(&c, snap));
	pd_color_apply(&c, &p, 1);
	KUNIT_EXPECT_EQ(test, p.r, 0);
	KUNIT_EXPECT_EQ(test, p.g, 65535);
	KUNIT_EXPECT_EQ(test, p.b, 20000);
}

/* No blob, or LUTs too short to interpolate: nothing to do. */
static void pd_test_prepare_inactive(struct kunit *test)
{
	struct pd_snapshot *snap = pd_test_snapshot(test);
	struct pd_color c;

	KUNIT_EXPECT_FALSE(test, pd_color_prepare(&c, snap));
	pd_test_lut(test, &snap->gamma_lut, 1);
	pd_test_lut(test, &snap->degamma_lut, 1);
	KUNIT_EXPECT_FALSE(test, pd_color_prepare(&c, snap));
	KUNIT_EXPECT_NULL(test, c.gamma);
	KUNIT_EXPECT_NULL(test, c.degamma);
	pd_test_ctm(test, &snap->ctm);
	KUNIT_EXPECT_TRUE(test, pd_color_prepare(&c, snap));
}

/* @c and @t give the same pixels for every grey and a spread of colours. */
static bool pd_same_pixels(struct kunit *test, const struct pd_color *c,
			   const struct pd_color *t)
{
	struct pd_px a, b;
	u32 x;

	for (x = 0; x <= 65535; x++) {
		a = (struct pd_px){ .a = 7, .r = x, .g = (x * 7) & 0xffff, .b = 65535 - x };
		b = a;
		pd_color_apply(c, &a, 1);
		pd_color_apply(t, &b, 1);
		if (memcmp(&a, &b, sizeof(a))) {
			KUNIT_FAIL(test, "input %u: %u/%u/%u interpolated, %u/%u/%u from tables",
				   x, a.r, a.g, a.b, b.r, b.g, b.b);
			return false;
		}
	}
	return true;
}

/*
 * LUTs looked up in tables (pd_color_expand()) give the interpolated
 * values bit for bit; a new blob rebuilds its table, the same blob does
 * not; a LUT cleared and releasing the tables drop the blob references.
 */
static void pd_test_lut_tables(struct kunit *test)
{
	struct pd_snapshot *snap = pd_test_snapshot(test);
	struct drm_color_lut *de = pd_test_lut(test, &snap->degamma_lut, 17);
	struct drm_color_lut *ga = pd_test_lut(test, &snap->gamma_lut, 1024);
	struct drm_property_blob *first = snap->gamma_lut;
	struct pd_lut_table tables[2] = { };
	struct pd_color plain, fast;
	const u16 *t;
	unsigned int i;

	for (i = 0; i < 17; i++) {
		de[i].red = i * i * 65535 / 256;
		de[i].green = 65535 - i * 4096 + (i == 16);
		de[i].blue = i * 4095;
	}
	for (i = 0; i < 1024; i++) {
		ga[i].red = i * 64;
		ga[i].green = (i * 37) & 0xffff;
		ga[i].blue = 65535 - i * 64;
	}
	KUNIT_ASSERT_TRUE(test, pd_color_prepare(&plain, snap));
	fast = plain;
	pd_color_expand(&fast, snap, tables);
	KUNIT_ASSERT_NOT_NULL(test, fast.degamma_t);
	KUNIT_ASSERT_NOT_NULL(test, fast.gamma_t);
	KUNIT_EXPECT_EQ(test, kref_read(&first->base.refcount), 2);
	if (!pd_same_pixels(test, &plain, &fast))
		goto out;

	/* The same blob: the table is kept as it is. */
	t = fast.gamma_t;
	fast = plain;
	pd_color_expand(&fast, snap, tables);
	KUNIT_EXPECT_PTR_EQ(test, fast.gamma_t, t);
	KUNIT_EXPECT_EQ(test, kref_read(&first->base.refcount), 2);

	/* Another gamma LUT: rebuilt, the old blob let go. */
	ga = pd_test_lut(test, &snap->gamma_lut, 2);
	pd_lut_set(&ga[0], 65535);
	pd_lut_set(&ga[1], 0);
	KUNIT_ASSERT_TRUE(test, pd_color_prepare(&plain, snap));
	fast = plain;
	pd_color_expand(&fast, snap, tables);
	KUNIT_EXPECT_EQ(test, kref_read(&first->base.refcount), 1);
	KUNIT_EXPECT_EQ(test, kref_read(&snap->gamma_lut->base.refcount), 2);
	pd_same_pixels(test, &plain, &fast);

	/* The gamma LUT cleared: its table and blob let go, degamma's kept. */
	first = snap->gamma_lut;
	snap->gamma_lut = NULL;
	KUNIT_ASSERT_TRUE(test, pd_color_prepare(&plain, snap));
	fast = plain;
	pd_color_expand(&fast, snap, tables);
	KUNIT_EXPECT_NULL(test, fast.gamma_t);
	KUNIT_EXPECT_NULL(test, tables[1].t);
	KUNIT_EXPECT_NULL(test, tables[1].blob);
	KUNIT_EXPECT_EQ(test, kref_read(&first->base.refcount), 1);
	KUNIT_EXPECT_NOT_NULL(test, fast.degamma_t);
	pd_same_pixels(test, &plain, &fast);
	snap->gamma_lut = first;
out:
	pd_color_tables_release(tables);
	KUNIT_EXPECT_EQ(test, kref_read(&snap->gamma_lut->base.refcount), 1);
	KUNIT_EXPECT_EQ(test, kref_read(&snap->degamma_lut->base.refcount), 1);
}

/* ---- plane colour pipelines: the stages ----------------------------------- */

static struct pd_stage *pd_add_stage(struct pd_pipeline *pipe, u8 kind)
{
	struct pd_stage *st = &pipe->st[pipe->n++];

	memset(st, 0, sizeof(*st));
	st->kind = kind;
	return st;
}

static struct drm_color_lut32 *pd_add_lut(struct kunit *test,
					  struct pd_pipeline *pipe, u8 kind,
					  unsigned int size, unsigned int entries)
{
	struct pd_stage *st = pd_add_stage(pipe, kind);

	st->size = size;
	st->data = pd_test_blob(test, entries * sizeof(struct drm_color_lut32));
	return st->data->data;
}

static void pd_apply1(const struct pd_pipeline *pipe, u16 *r, u16 *g, u16 *b)
{
	struct pd_px p = { .a = 4321, .r = *r, .g = *g, .b = *b };

	pd_pipeline_apply(pipe, &p, 1);
	*r = p.r;
	*g = p.g;
	*b = p.b;
}

/*
 * Between stages a channel may leave [0, 1.0]: times 4, then times 0.25,
 * gives the input back even where the first product was above 1.0.
 */
static void pd_test_mult_headroom(struct kunit *test)
{
	struct pd_pipeline pipe = {};
	u16 r = 60000, g = 1000, b = 65535;

	pd_add_stage(&pipe, PD_STAGE_MULT)->m[0] = 4 * Q16_ONE;
	pd_add_stage(&pipe, PD_STAGE_MULT)->m[0] = Q16_ONE / 4;
	pd_apply1(&pipe, &r, &g, &b);
	KUNIT_EXPECT_EQ(test, r, 60000);
	KUNIT_EXPECT_EQ(test, g, 1000);
	KUNIT_EXPECT_EQ(test, b, 65535);

	/* The pipeline's output is clamped to [0, 1.0]. */
	pipe.n = 1;
	r = 20000;
	pd_apply1(&pipe, &r, &g, &b);
	KUNIT_EXPECT_EQ(test, r, 65535);
	KUNIT_EXPECT_EQ(test, g, 4000);
}

/*
 * A 3x4 matrix with a negative coefficient and an offset: red becomes
 * 1.0 - red (a negative sum must not turn into a huge unsigned one), and
 * a negative intermediate survives to the next stage.
 */
static void pd_test_matrix_negative(struct kunit *test)
{
	struct pd_pipeline pipe = {};
	struct pd_stage *st;
	u16 r = 10000, g = 30000, b = 50000;

	st = pd_add_stage(&pipe, PD_STAGE_CTM);
	st->m[0] = -Q16_ONE;
	st->m[3] = Q16_ONE;
	st->m[5] = Q16_ONE;
	st->m[10] = -Q16_ONE;
	pd_apply1(&pipe, &r, &g, &b);
	KUNIT_EXPECT_EQ(test, r, 55535);
	KUNIT_EXPECT_EQ(test, g, 30000);
	/* -b, clamped at the end of the pipeline */
	KUNIT_EXPECT_EQ(test, b, 0);

	/* -b then -1 * (-b): the sign is kept between stages. */
	st = pd_add_stage(&pipe, PD_STAGE_MULT);
	st->m[0] = -Q16_ONE;
	r = 10000;
	g = 30000;
	b = 50000;
	pd_apply1(&pipe, &r, &g, &b);
	KUNIT_EXPECT_EQ(test, b, 50000);
	KUNIT_EXPECT_EQ(test, r, 0);
}

/* An identity 1D LUT of 4096 32-bit entries: within one 16-bit step. */
static void pd_test_lut1d(struct kunit *test)
{
	struct pd_pipeline pipe = {};
	struct drm_color_lut32 *lut;
	unsigned int i;
	u32 x;

	lut = pd_add_lut(test, &pipe, PD_STAGE_LUT1D, 4096, 4096);
	for (i = 0; i < 4096; i++) {
		u32 v = div_u64((u64)i * U32_MAX + 2047, 4095);

		lut[i].red = v;
		lut[i].green = v;
		lut[i].blue = U32_MAX - v;
	}
	for (x = 0; x <= 65535; x++) {
		u16 r = x, g = x, b = x;

		pd_apply1(&pipe, &r, &g, &b);
		if (abs((int)r - (int)x) > 1 || abs((int)b - (int)(65535 - x)) > 1) {
			KUNIT_FAIL(test, "input %u: red %u, blue %u (want %u, %u)", x, r,
				   b, x, 65535 - x);
			return;
		}
	}
}

/* A 3D LUT of @n points per axis whose entry is f(red, green, blue). */
static struct drm_color_lut32 *pd_add_lut3d(struct kunit *test,
					    struct pd_pipeline *pipe,
					    unsigned int n)
{
	return pd_add_lut(test, pipe, PD_STAGE_LUT3D, n, n * n * n);
}

static u32 pd_grid(unsigned int i, unsigned int n)
{
	return div_u64((u64)i * U32_MAX + (n - 1) / 2, n - 1);
}

/*
 * Tetrahedral interpolation reproduces a linear function exactly: a
 * 2x2x2 LUT of red' = (2r + g + b) / 4, green' = b, blue' = r, at inputs
 * spread over the cube (every tetrahedron), within one 16-bit step.
 */
static void pd_test_lut3d_linear(struct kunit *test)
{
	struct pd_pipeline pipe = {};
	struct drm_color_lut32 *lut = pd_add_lut3d(test, &pipe, 2);
	unsigned int ri, gi, bi, k;
	u32 seed = 1;

	for (bi = 0; bi < 2; bi++)
		for (gi = 0; gi < 2; gi++)
			for (ri = 0; ri < 2; ri++) {
				struct drm_color_lut32 *e = &lut[ri + 2 * (gi + 2 * bi)];

				e->red = div_u64((u64)(2 * ri + gi + bi) * U32_MAX, 4);
				e->green = bi ? U32_MAX : 0;
				e->blue = ri ? U32_MAX : 0;
			}
	for (k = 0; k < 4096; k++) {
		u16 r, g, b, r0, g0, b0;
		s32 want;

		/* A small LCG: the same points on every run. */
		seed = seed * 1664525 + 1013904223;
		r0 = seed >> 16;
		seed = seed * 1664525 + 1013904223;
		g0 = seed >> 16;
		seed = seed * 1664525 + 1013904223;
		b0 = seed >> 16;
		r = r0;
		g = g0;
		b = b0;
		pd_apply1(&pipe, &r, &g, &b);
		want = DIV_ROUND_CLOSEST(2 * r0 + g0 + b0, 4);
		if (abs((s32)r - want) > 1 || abs((int)g - (int)b0) > 1 ||
		    abs((int)b - (int)r0) > 1) {
			KUNIT_FAIL(test, "(%u, %u, %u) gave (%u, %u, %u), want (%d, %u, %u)",
				   r0, g0, b0, r, g, b, want, b0, r0);
			return;
		}
	}
}

/*
 * The pipeline's own size, 17 points per axis: an identity keeps every
 * colour within one step, and a LUT that rotates the channels rotates
 * them.
 */
static void pd_test_lut3d_identity(struct kunit *test)
{
	const unsigned int n = 17;
	struct pd_pipeline id = {}, rot = {};
	struct drm_color_lut32 *a = pd_add_lut3d(test, &id, n);
	struct drm_color_lut32 *b = pd_add_lut3d(test, &rot, n);
	unsigned int ri, gi, bi, x;

	for (bi = 0; bi < n; bi++)
		for (gi = 0; gi < n; gi++)
			for (ri = 0; ri < n; ri++) {
				unsigned int i = ri + n * (gi + n * bi);

				a[i].red = pd_grid(ri, n);
				a[i].green = pd_grid(gi, n);
				a[i].blue = pd_grid(bi, n);
				b[i].red = a[i].green;
				b[i].green = a[i].blue;
				b[i].blue = a[i].red;
			}
	for (x = 0; x <= 65535; x += 97) {
		u16 r = x, g = 65535 - x, bl = (x * 7) & 0xffff;
		u16 r2 = r, g2 = g, b2 = bl;
		u16 r0 = r, g0 = g, b0 = bl;

		pd_apply1(&id, &r, &g, &bl);
		pd_apply1(&rot, &r2, &g2, &b2);
		if (abs((int)r - r0) > 1 || abs((int)g - g0) > 1 || abs((int)bl - b0) > 1 ||
		    abs((int)r2 - g0) > 1 || abs((int)g2 - b0) > 1 || abs((int)b2 - r0) > 1) {
			KUNIT_FAIL(test, "(%u, %u, %u): identity (%u, %u, %u)", r0, g0, b0,
				   r, g, bl);
			KUNIT_FAIL(test, "rotation (%u, %u, %u)", r2, g2, b2);
			return;
		}
	}
}

/*
 * A curve and then its inverse, through their tables as the pipeline
 * reads them: every input from @from on comes back within @tolerance.
 */
static void pd_round_trip(struct kunit *test, const char *name, u8 kind0, enum pd_curve c0,
			  u8 kind1, enum pd_curve c1, u32 from, int tolerance)
{
	struct pd_pipeline pipe = {};
	unsigned int worst = 0;
	int worst_err = 0;
	u32 x;

	pd_add_stage(&pipe, kind0)->curve = pd_test_curve(test, c0);
	pd_add_stage(&pipe, kind1)->curve = pd_test_curve(test, c1);
	for (x = from; x <= 65535; x++) {
		u16 r = x, g = x, b = x;
		int err;

		pd_apply1(&pipe, &r, &g, &b);
		err = (int)r - (int)x;
		if (abs(err) > abs(worst_err)) {
			worst_err = err;
			worst = x;
		}
	}
	KUNIT_EXPECT_LE_MSG(test, abs(worst_err), tolerance, "%s round trip: %u came back as %d",
			    name, worst, (int)worst + worst_err);
	kunit_info(test, "%s round trip: largest error %d, at %u", name, worst_err, worst);
}

/*
 * The sRGB EOTF and then its inverse: every 16-bit input comes back within
 * what 16 bits of linear light can hold (the EOTF flattens the dark end,
 * where one linear step spans up to 13 encoded ones).
 */
static void pd_test_curve_pipeline(struct kunit *test)
{
	pd_round_trip(test, "sRGB", PD_STAGE_CURVE, PD_CURVE_SRGB_EOTF, PD_STAGE_CURVE,
		      PD_CURVE_SRGB_INV_EOTF, 0, 13);
}

/*
 * PQ's EOTF (to 125.0) and then its inverse, a wide curve: every input
 * from 1/4 on (where PQ puts 5 cd/m2) comes back within 2 steps.  Below,
 * the EOTF's output is too dark for 16 bits to keep every input apart.
 */
static void pd_test_pq_round_trip(struct kunit *test)
{
	pd_round_trip(test, "PQ", PD_STAGE_CURVE, PD_CURVE_PQ_125_EOTF, PD_STAGE_CURVE_WIDE,
		      PD_CURVE_PQ_125_INV_EOTF, 16384, 2);
}

static struct kunit_case pd_curve_test_cases[] = {
	KUNIT_CASE(pd_test_pow),
	KUNIT_CASE_PARAM(pd_test_curve_reference, pd_curve_gen_params),
	KUNIT_CASE_PARAM(pd_test_curve_monotonic, pd_curve_gen_params),
	{}
};

static struct kunit_suite pd_curve_test_suite = {
	.name = "primedisp_curve",
	.test_cases = pd_curve_test_cases,
};

static struct kunit_case pd_crtc_color_test_cases[] = {
	KUNIT_CASE(pd_test_ctm_coeff),
	KUNIT_CASE(pd_test_lut_invert),
	KUNIT_CASE(pd_test_lut_rounding),
	KUNIT_CASE(pd_test_order),
	KUNIT_CASE(pd_test_ctm_clamp),
	KUNIT_CASE(pd_test_prepare_inactive),
	KUNIT_CASE(pd_test_lut_tables),
	{}
};

static struct kunit_suite pd_crtc_color_test_suite = {
	.name = "primedisp_crtc_color",
	.test_cases = pd_crtc_color_test_cases,
};

static struct kunit_case pd_pipeline_test_cases[] = {
	KUNIT_CASE(pd_test_mult_headroom),
	KUNIT_CASE(pd_test_matrix_negative),
	KUNIT_CASE(pd_test_lut1d),
	KUNIT_CASE(pd_test_lut3d_linear),
	KUNIT_CASE(pd_test_lut3d_identity),
	KUNIT_CASE(pd_test_curve_pipeline),
	KUNIT_CASE(pd_test_pq_round_trip),
	{}
};

static struct kunit_suite pd_pipeline_test_suite = {
	.name = "primedisp_pipeline",
	.test_cases = pd_pipeline_test_cases,
};

kunit_test_suites(&pd_curve_test_suite, &pd_crtc_color_test_suite,
		  &pd_pipeline_test_suite);

MODULE_DESCRIPTION("KUnit tests of primedisp's colour arithmetic");
MODULE_LICENSE("GPL");
PD_KUNIT_IMPORT_NS();
