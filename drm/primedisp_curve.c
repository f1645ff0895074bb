// SPDX-License-Identifier: GPL-2.0
/*
 * primedisp_curve.c - the named transfer curves of the plane colour
 * pipelines (sRGB, PQ, BT.2020, gamma 2.2), computed with integer
 * arithmetic and sampled into the tables the composer interpolates.
 *
 * The kernel has no floating point, so each curve is evaluated once per
 * table point in fixed point: values in [0, 1] in unsigned Q32 (1.0 is
 * 2^32), base-2 logarithms in signed Q28, and x^y as 2^(y * log2(x)).
 * Only primedisp_colorop.c (7.0 on) uses the tables in the driver; the
 * file is built on every kernel so that the unit tests
 * (drm/tests/primedisp_color_test.c) reach it wherever KUnit is.
 *
 * Precision (Documentation/overview.rst, "Plane colour pipelines"): over
 * all 65536 inputs, a table interpolated as pd_pipeline_apply() does is
 * within 1.5/65535 of the curve's formula, PQ within 32/65535 of its
 * 125.0 scale; PQ's inverse within 1.5/65535 over its 0 to 125.0.
 *
 * Copyright (C) 2026 The primedisp authors
 */

#include <linux/bits.h>
#include <linux/math.h>
#include <linux/math64.h>
#include <linux/minmax.h>

#include <kunit/visibility.h>

#include "primedisp_drv.h"

#define Q32_ONE		BIT_ULL(32)
#define Q28_ONE		((s64)BIT_ULL(28))
#define Q32(num, den)	div_u64((u64)(num) << 32, den)

/*
 * 2^(2^-j) in Q30, rounded, for j = 0 to 28 (computed to 60 digits; the
 * square-root chain this replaced lost up to 2 units per step, which left
 * PQ's EOTF off by 1.9e-5 instead of 3.3e-6).
 */
static const u32 pd_exp2_k[29] = {
	2147483648, 1518500250, 1276901417, 1170923762,
	1121280436, 1097253708, 1085434106, 1079572136,
	1076653033, 1075196443, 1074468888, 1074105294,
	1073923544, 1073832680, 1073787251, 1073764537,
	1073753181, 1073747502, 1073744663, 1073743244,
	1073742534, 1073742179, 1073742001, 1073741913,
	1073741868, 1073741846, 1073741835, 1073741830,
	1073741827,
};

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

/**
 * pd_pow - a power of a value in [0, 1], in fixed point
 * @x: the base, Q32 (clamped to 1.0)
 * @num: numerator of the exponent
 * @den: denominator of the exponent (not 0)
 *
 * Return: @x ^ (@num / @den) in Q32, within about 2^-28 relative.
 */
VISIBLE_IF_KUNIT u64 pd_pow(u64 x, u32 num, u32 den)
{
	if (!x)
		return 0;
	if (x >= Q32_ONE)
		return Q32_ONE;
	return pd_exp2(div_s64(pd_log2(x) * num, den));
}
EXPORT_SYMBOL_IF_KUNIT(pd_pow);

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
 * m2 = 2523/32, c1 = 107/128, c2 = 2413/128, c3 = 2392/128.  The inverse
 * is so steep near 0 that a table of evenly spaced points over its input
 * range (0 to 125.0) would be off by up to 19/255 there: it is a wide
 * curve, sampled at log-spaced points (PD_CURVE_WIDE_POINTS).
 */
static u64 pd_pq_eotf(u64 x)
{
	u64 e = pd_pow(x, 32, 2523);
	u64 num = e > Q32(107, 128) ? e - Q32(107, 128) : 0;
	u64 den = Q32(2413, 128) - div_u64(e * 2392, 128);

	return pd_pow(pd_div(num, den), 8192, 1305);
}

/* Its inverse, for @y in [0, 1.0] (1.0 is 10000 cd/m2, PQ's 125.0). */
static u64 pd_pq_inv_eotf(u64 y)
{
	u64 p = pd_pow(y, 1305, 8192);
	u64 num = Q32(107, 128) + div_u64(p * 2413, 128);
	u64 den = Q32_ONE + div_u64(p * 2392, 128);

	return pd_pow(pd_div(num, den), 2523, 32);
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

static const struct {
	u64 (*f)(u64 x);
	u32 scale;
} pd_curve_defs[PD_CURVE_COUNT] = {
	[PD_CURVE_SRGB_EOTF] = { pd_srgb_eotf, 1 },
	[PD_CURVE_SRGB_INV_EOTF] = { pd_srgb_inv_eotf, 1 },
	[PD_CURVE_PQ_125_EOTF] = { pd_pq_eotf, PD_PQ_SCALE },
	[PD_CURVE_BT2020_INV_OETF] = { pd_bt2020_inv_oetf, 1 },
	[PD_CURVE_BT2020_OETF] = { pd_bt2020_oetf, 1 },
	[PD_CURVE_GAMMA22] = { pd_gamma22, 1 },
	[PD_CURVE_GAMMA22_INV] = { pd_gamma22_inv, 1 },
	[PD_CURVE_PQ_125_INV_EOTF] = { pd_pq_inv_eotf, 1 },
};

/* Curve @c at @x (Q32) where 65535 is 1.0, rounded. */
static u32 pd_curve_sample(enum pd_curve c, u64 x)
{
	return (pd_curve_defs[c].f(x) * 65535 * pd_curve_defs[c].scale +
		BIT_ULL(31)) >> 32;
}

/* Wide curve @c at input @v, 0 to PD_CURVE_WIDE_MAX (clamped). */
static u32 pd_curve_sample_wide(enum pd_curve c, u32 v)
{
	return pd_curve_sample(c, div_u64((u64)min_t(u32, v, PD_CURVE_WIDE_MAX) << 32,
					  PD_CURVE_WIDE_MAX));
}

/**
 * pd_curve_fill - sample a named curve into a table
 * @c: the curve
 * @t: PD_CURVE_POINTS + PD_CURVE_TOE entries, or PD_CURVE_WIDE_POINTS
 *	for a wide curve (pd_curve_is_wide()), filled in (see those for the
 *	layouts)
 */
void pd_curve_fill(enum pd_curve c, u32 *t)
{
	unsigned int i, k, j;

	if (pd_curve_is_wide(c)) {
		for (i = 0; i < BIT(PD_CURVE_WIDE_OCT0); i++)
			*t++ = pd_curve_sample_wide(c, i);
		for (k = PD_CURVE_WIDE_OCT0; k < PD_CURVE_WIDE_OCT0 + PD_CURVE_WIDE_OCTS; k++)
			for (j = 0; j < PD_CURVE_WIDE_SEG; j++)
				*t++ = pd_curve_sample_wide(c, BIT(k) +
							    (j << (k - PD_CURVE_WIDE_OCT0)));
		*t = pd_curve_sample_wide(c, BIT(k));
		return;
	}
	for (i = 0; i < PD_CURVE_POINTS; i++)
		t[i] = pd_curve_sample(c, div_u64((u64)i << 32, PD_CURVE_POINTS - 1));
	for (i = 0; i < PD_CURVE_TOE; i++)
		t[PD_CURVE_POINTS + i] = pd_curve_sample(c, Q32(i, 65535));
}
EXPORT_SYMBOL_IF_KUNIT(pd_curve_fill);
