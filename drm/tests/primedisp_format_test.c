// SPDX-License-Identifier: GPL-2.0
/*
 * primedisp_format_test.c - KUnit tests of the arithmetic that decides
 * every composed pixel: the format readers and writers
 * (primedisp_formats.c), YCbCr to RGB for each encoding and range,
 * chroma subsampling, blending, nearest-neighbour scaling and the
 * coordinates of rotated and reflected planes (primedisp_composer.c).
 *
 * The expected values come from the formats' definitions in
 * <drm/drm_fourcc.h> and from the standards' Kr/Kb, computed here with
 * exact rational arithmetic, not from the driver's tables.  Part of
 * primedisp_kunit.ko (see primedisp_color_test.c).
 *
 * Copyright (C) 2026 The primedisp authors
 */

#include <kunit/test.h>

#include <linux/math64.h>
#include <linux/slab.h>

#include <drm/drm_blend.h>
#include <drm/drm_color_mgmt.h>
#include <drm/drm_fourcc.h>

#include "primedisp_drv.h"

/* ---- RGB formats ---------------------------------------------------------- */

/* A channel of a packed RGB format: its first bit and its width (0: none). */
struct pd_chan {
	u8 shift, bits;
};

/*
 * The RGB formats primedisp's planes take, as <drm/drm_fourcc.h> defines
 * them: one little-endian word of @cpp bytes per pixel.
 */
static const struct pd_rgb_case {
	u32 format;
	u8 cpp;
	struct pd_chan r, g, b, a;
	const char *name;
} pd_rgb_cases[] = {
	{ DRM_FORMAT_XRGB8888, 4, { 16, 8 }, { 8, 8 }, { 0, 8 }, { 0, 0 }, "XRGB8888" },
	{ DRM_FORMAT_ARGB8888, 4, { 16, 8 }, { 8, 8 }, { 0, 8 }, { 24, 8 }, "ARGB8888" },
	{ DRM_FORMAT_XBGR8888, 4, { 0, 8 }, { 8, 8 }, { 16, 8 }, { 0, 0 }, "XBGR8888" },
	{ DRM_FORMAT_ABGR8888, 4, { 0, 8 }, { 8, 8 }, { 16, 8 }, { 24, 8 }, "ABGR8888" },
	{ DRM_FORMAT_RGBX8888, 4, { 24, 8 }, { 16, 8 }, { 8, 8 }, { 0, 0 }, "RGBX8888" },
	{ DRM_FORMAT_RGBA8888, 4, { 24, 8 }, { 16, 8 }, { 8, 8 }, { 0, 8 }, "RGBA8888" },
	{ DRM_FORMAT_BGRX8888, 4, { 8, 8 }, { 16, 8 }, { 24, 8 }, { 0, 0 }, "BGRX8888" },
	{ DRM_FORMAT_BGRA8888, 4, { 8, 8 }, { 16, 8 }, { 24, 8 }, { 0, 8 }, "BGRA8888" },
	{ DRM_FORMAT_RGB565, 2, { 11, 5 }, { 5, 6 }, { 0, 5 }, { 0, 0 }, "RGB565" },
	{ DRM_FORMAT_BGR565, 2, { 0, 5 }, { 5, 6 }, { 11, 5 }, { 0, 0 }, "BGR565" },
	{ DRM_FORMAT_XRGB1555, 2, { 10, 5 }, { 5, 5 }, { 0, 5 }, { 0, 0 }, "XRGB1555" },
	{ DRM_FORMAT_ARGB1555, 2, { 10, 5 }, { 5, 5 }, { 0, 5 }, { 15, 1 }, "ARGB1555" },
	{ DRM_FORMAT_XRGB4444, 2, { 8, 4 }, { 4, 4 }, { 0, 4 }, { 0, 0 }, "XRGB4444" },
	{ DRM_FORMAT_ARGB4444, 2, { 8, 4 }, { 4, 4 }, { 0, 4 }, { 12, 4 }, "ARGB4444" },
	{ DRM_FORMAT_RGB888, 3, { 16, 8 }, { 8, 8 }, { 0, 8 }, { 0, 0 }, "RGB888" },
	{ DRM_FORMAT_BGR888, 3, { 0, 8 }, { 8, 8 }, { 16, 8 }, { 0, 0 }, "BGR888" },
	{ DRM_FORMAT_XRGB2101010, 4, { 20, 10 }, { 10, 10 }, { 0, 10 }, { 0, 0 }, "XRGB2101010" },
	{ DRM_FORMAT_ARGB2101010, 4, { 20, 10 }, { 10, 10 }, { 0, 10 }, { 30, 2 }, "ARGB2101010" },
	{ DRM_FORMAT_XBGR2101010, 4, { 0, 10 }, { 10, 10 }, { 20, 10 }, { 0, 0 }, "XBGR2101010" },
	{ DRM_FORMAT_ABGR2101010, 4, { 0, 10 }, { 10, 10 }, { 20, 10 }, { 30, 2 }, "ABGR2101010" },
	{ DRM_FORMAT_XRGB16161616, 8, { 32, 16 }, { 16, 16 }, { 0, 16 }, { 0, 0 },
	  "XRGB16161616" },
	{ DRM_FORMAT_ARGB16161616, 8, { 32, 16 }, { 16, 16 }, { 0, 16 }, { 48, 16 },
	  "ARGB16161616" },
	{ DRM_FORMAT_XBGR16161616, 8, { 0, 16 }, { 16, 16 }, { 32, 16 }, { 0, 0 },
	  "XBGR16161616" },
	{ DRM_FORMAT_ABGR16161616, 8, { 0, 16 }, { 16, 16 }, { 32, 16 }, { 48, 16 },
	  "ABGR16161616" },
};

static void pd_rgb_case_desc(const struct pd_rgb_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(pd_rgb, pd_rgb_cases, pd_rgb_case_desc);

/* An @bits-bit value as 16 bits: v * 65535 / (2^bits - 1), rounded. */
static u16 pd_expect16(u32 v, unsigned int bits)
{
	u32 max = BIT(bits) - 1;

	return DIV_ROUND_CLOSEST((u64)v * 65535, max);
}

/* A 16-bit value as @bits bits, rounded. */
static u32 pd_expect_narrow(u16 v, unsigned int bits)
{
	return DIV_ROUND_CLOSEST((u64)v * (BIT(bits) - 1), 65535);
}

static u64 pd_field(u32 v, struct pd_chan c)
{
	return c.bits ? (u64)(v & (BIT(c.bits) - 1)) << c.shift : 0;
}

static void pd_put_le(u8 *p, u64 v, unsigned int bytes)
{
	unsigned int i;

	for (i = 0; i < bytes; i++)
		p[i] = v >> (8 * i);
}

static u64 pd_get_le(const u8 *p, unsigned int bytes)
{
	u64 v = 0;
	unsigned int i;

	for (i = 0; i < bytes; i++)
		v |= (u64)p[i] << (8 * i);
	return v;
}

#define PD_TEST_PIXELS	1024

/*
 * Every channel value (for channels of up to 10 bits; a spread of 1024
 * values for 16 bits), in varied combinations, with the unused X bits set:
 * read back as v * 65535 / max, rounded; no alpha reads as opaque.  The
 * row is read from several first columns, in pieces.
 */
static void pd_test_rgb_read(struct kunit *test)
{
	const struct pd_rgb_case *c = test->param_value;
	u8 *buf = kunit_kzalloc(test, PD_TEST_PIXELS * c->cpp, GFP_KERNEL);
	struct pd_px *px = kunit_kcalloc(test, PD_TEST_PIXELS, sizeof(*px), GFP_KERNEL);
	struct pd_src src = { .info = drm_format_info(c->format) };
	unsigned int i, x0;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_NOT_NULL(test, px);
	KUNIT_ASSERT_NOT_NULL(test, src.info);
	src.vaddr[0] = buf;
	src.pitch[0] = PD_TEST_PIXELS * c->cpp;
	for (i = 0; i < PD_TEST_PIXELS; i++) {
		u64 all = c->cpp == 8 ? U64_MAX : BIT_ULL(8 * c->cpp) - 1;
		u64 used = pd_field(~0u, c->r) | pd_field(~0u, c->g) |
			   pd_field(~0u, c->b) | pd_field(~0u, c->a);
		u64 v = pd_field(i * 64 + i, c->r) | pd_field(i * 3 + 1, c->g) |
			pd_field(i * 7 + 2, c->b) | pd_field(i * 5 + 3, c->a);

		/* X bits: a pattern the reader must ignore. */
		pd_put_le(buf + i * c->cpp, v | (0xa5a5a5a5a5a5a5a5ULL & all & ~used), c->cpp);
	}
	for (x0 = 0; x0 < 4; x0++) {
		pd_read_pixels(&src, x0, 0, PD_TEST_PIXELS - x0, px);
		for (i = x0; i < PD_TEST_PIXELS; i++) {
			const struct pd_px *p = &px[i - x0];
			u16 r = pd_expect16((i * 64 + i) & (BIT(c->r.bits) - 1), c->r.bits);
			u16 g = pd_expect16((i * 3 + 1) & (BIT(c->g.bits) - 1), c->g.bits);
			u16 b = pd_expect16((i * 7 + 2) & (BIT(c->b.bits) - 1), c->b.bits);
			u16 a = c->a.bits ?
				pd_expect16((i * 5 + 3) & (BIT(c->a.bits) - 1), c->a.bits) : 0xffff;

			if (p->r != r || p->g != g || p->b != b || p->a != a) {
				KUNIT_FAIL(test,
					   "%s pixel %u (from x %u): %04x/%04x/%04x/%04x, want %04x/%04x/%04x/%04x",
					   c->name, i, x0, p->r, p->g, p->b, p->a, r, g, b, a);
				return;
			}
		}
	}
}

/*
 * Every writeback format: a composed line, written, is the line narrowed
 * to the format's channels (rounded), with full alpha and zero X bits.
 */
static void pd_test_rgb_write(struct kunit *test)
{
	struct pd_px *px = kunit_kcalloc(test, PD_TEST_PIXELS, sizeof(*px), GFP_KERNEL);
	u8 *buf = kunit_kzalloc(test, PD_TEST_PIXELS * 8, GFP_KERNEL);
	unsigned int i, k, checked = 0;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_NOT_NULL(test, px);
	for (i = 0; i < PD_TEST_PIXELS; i++)
		px[i] = (struct pd_px){ .a = 0x1234, .r = i * 64 + 13, .g = 65535 - i * 61,
					.b = i * 37 };
	for (k = 0; k < ARRAY_SIZE(pd_rgb_cases); k++) {
		const struct pd_rgb_case *c = &pd_rgb_cases[k];
		bool wb = false;
		unsigned int w;

		for (w = 0; w < pd_num_writeback_formats; w++)
			wb |= pd_writeback_formats[w] == c->format;
		if (!wb)
			continue;
		checked++;
		memset(buf, 0x5a, PD_TEST_PIXELS * 8);
		pd_write_pixels(c->format, px, PD_TEST_PIXELS, buf);
		for (i = 0; i < PD_TEST_PIXELS; i++) {
			u64 got = pd_get_le(buf + i * c->cpp, c->cpp);
			u64 want = pd_field(pd_expect_narrow(px[i].r, c->r.bits), c->r) |
				   pd_field(pd_expect_narrow(px[i].g, c->g.bits), c->g) |
				   pd_field(pd_expect_narrow(px[i].b, c->b.bits), c->b) |
				   pd_field(~0u, c->a);

			if (got != want) {
				KUNIT_FAIL(test, "%s pixel %u: %llx, want %llx", c->name, i,
					   got, want);
				return;
			}
		}
	}
	/* Each writeback format has its layout above. */
	KUNIT_EXPECT_EQ(test, checked, pd_num_writeback_formats);
}

/* ---- YCbCr ------------------------------------------------------------------ */

/* Kr and Kb of each encoding, in 1/10000. */
static const u32 pd_kr_kb[][2] = {
	[DRM_COLOR_YCBCR_BT601] = { 2990, 1140 },
	[DRM_COLOR_YCBCR_BT709] = { 2126, 722 },
	[DRM_COLOR_YCBCR_BT2020] = { 2627, 593 },
};

static u16 pd_round_clamp(s64 num, s64 den)
{
	if (num <= 0)
		return 0;
	return min_t(s64, div64_s64(num + den / 2, den), 65535);
}

/*
 * What (Y, Cb, Cr) is in 16-bit RGB, from the encoding's Kr and Kb: full
 * range, or limited range (Y from 16 to 235, Cb and Cr from 16 to 240),
 * with the exact rationals of the standards.
 */
static void pd_yuv_reference(unsigned int enc, unsigned int range, int y, int cb, int cr,
			     u16 *r, u16 *g, u16 *b)
{
	const s64 kr = pd_kr_kb[enc][0], kb = pd_kr_kb[enc][1], kg = 10000 - kr - kb;
	bool lim = range == DRM_COLOR_YCBCR_LIMITED_RANGE;
	const s64 yn = lim ? 255 : 1, yd = lim ? 219 : 1, cn = lim ? 255 : 1, cd = lim ? 224 : 1;
	const s64 den = yd * cd * 10000 * kg;
	const s64 u = cb - 128, v = cr - 128;
	s64 yy = (s64)(y - (lim ? 16 : 0)) * yn * cd * 10000 * kg;

	*r = pd_round_clamp(257 * (yy + 2 * (10000 - kr) * v * cn * yd * kg), den);
	*b = pd_round_clamp(257 * (yy + 2 * (10000 - kb) * u * cn * yd * kg), den);
	*g = pd_round_clamp(257 * (yy - 2 * kb * (10000 - kb) * u * cn * yd -
				   2 * kr * (10000 - kr) * v * cn * yd), den);
}

/* The converted pixel is within this of the exact value (16-bit steps). */
#define PD_YUV_TOLERANCE	2

/*
 * One row of a YUV444 picture: Y 0 to 255, Cb and Cr constant.  False
 * (and a failure) if a pixel is off by more than PD_YUV_TOLERANCE.
 */
static bool pd_check_yuv_row(struct kunit *test, const struct pd_src *src, u8 *planes,
			     struct pd_px *px, unsigned int cb, unsigned int cr)
{
	unsigned int i;
	u16 r, g, b;

	for (i = 0; i < 256; i++) {
		planes[i] = i;
		planes[256 + i] = cb;
		planes[512 + i] = cr;
	}
	pd_read_pixels(src, 0, 0, 256, px);
	for (i = 0; i < 256; i++) {
		pd_yuv_reference(src->encoding, src->range, i, cb, cr, &r, &g, &b);
		if (abs(px[i].r - r) > PD_YUV_TOLERANCE || abs(px[i].g - g) > PD_YUV_TOLERANCE ||
		    abs(px[i].b - b) > PD_YUV_TOLERANCE || px[i].a != 0xffff) {
			KUNIT_FAIL(test, "encoding %u range %u (%u, %u, %u): %u/%u/%u",
				   src->encoding, src->range, i, cb, cr, px[i].r, px[i].g,
				   px[i].b);
			KUNIT_FAIL(test, "want %u/%u/%u", r, g, b);
			return false;
		}
	}
	return true;
}

/*
 * Every encoding and range, every Y and a grid of Cb and Cr, through a
 * YUV444 plane (no subsampling): within PD_YUV_TOLERANCE of the exact
 * conversion; black and white exact.
 */
static void pd_test_yuv_convert(struct kunit *test)
{
	const struct drm_format_info *info = drm_format_info(DRM_FORMAT_YUV444);
	u8 *planes = kunit_kzalloc(test, 3 * 256, GFP_KERNEL);
	struct pd_px *px = kunit_kcalloc(test, 256, sizeof(*px), GFP_KERNEL);
	struct pd_src src = { .info = info };
	unsigned int enc, range, i, cb, cr;
	bool full;

	KUNIT_ASSERT_NOT_NULL(test, planes);
	KUNIT_ASSERT_NOT_NULL(test, px);
	for (i = 0; i < 3; i++) {
		src.vaddr[i] = planes + 256 * i;
		src.pitch[i] = 256;
	}
	for (enc = DRM_COLOR_YCBCR_BT601; enc <= DRM_COLOR_YCBCR_BT2020; enc++) {
		for (range = 0; range <= DRM_COLOR_YCBCR_FULL_RANGE; range++) {
			src.encoding = enc;
			src.range = range;
			for (cb = 0; cb < 256; cb += 15)
				for (cr = 0; cr < 256; cr += 15)
					if (!pd_check_yuv_row(test, &src, planes, px, cb, cr))
						return;
			/* Black and white are exact. */
			full = range == DRM_COLOR_YCBCR_FULL_RANGE;
			planes[0] = full ? 0 : 16;
			planes[1] = full ? 255 : 235;
			memset(planes + 256, 128, 2);
			memset(planes + 512, 128, 2);
			pd_read_pixels(&src, 0, 0, 2, px);
			KUNIT_EXPECT_EQ(test, px[0].r | px[0].g | px[0].b, 0);
			KUNIT_EXPECT_EQ(test, px[1].r & px[1].g & px[1].b, 65535);
		}
	}
}

/* The YCbCr formats primedisp's planes take. */
static const struct pd_yuv_case {
	u32 format;
	const char *name;
} pd_yuv_cases[] = {
	{ DRM_FORMAT_YUYV, "YUYV" }, { DRM_FORMAT_YVYU, "YVYU" },
	{ DRM_FORMAT_UYVY, "UYVY" }, { DRM_FORMAT_VYUY, "VYUY" },
	{ DRM_FORMAT_NV12, "NV12" }, { DRM_FORMAT_NV21, "NV21" },
	{ DRM_FORMAT_NV16, "NV16" }, { DRM_FORMAT_NV61, "NV61" },
	{ DRM_FORMAT_NV24, "NV24" }, { DRM_FORMAT_NV42, "NV42" },
	{ DRM_FORMAT_YUV420, "YUV420" }, { DRM_FORMAT_YVU420, "YVU420" },
	{ DRM_FORMAT_YUV422, "YUV422" }, { DRM_FORMAT_YVU422, "YVU422" },
	{ DRM_FORMAT_YUV444, "YUV444" }, { DRM_FORMAT_YVU444, "YVU444" },
};

static void pd_yuv_case_desc(const struct pd_yuv_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(pd_yuv, pd_yuv_cases, pd_yuv_case_desc);

#define PD_YW	8
#define PD_YH	4

/* The picture the subsampling test stores: Y per pixel, chroma per block. */
static u8 pd_luma(unsigned int x, unsigned int y)
{
	return 20 + 25 * x + 7 * y;
}

static u8 pd_cb(unsigned int bx, unsigned int by)
{
	return 40 + 45 * bx + 30 * by;
}

static u8 pd_cr(unsigned int bx, unsigned int by)
{
	return 230 - 35 * bx - 50 * by;
}

/*
 * An 8x4 picture in the format, laid out as <drm/drm_fourcc.h> says
 * (packed 4:2:2 byte orders, NV chroma pairs, planar Cb/Cr order): every
 * row read from every first column gives each pixel its own Y and its
 * block's Cb and Cr (BT.709 limited range, against the exact conversion).
 */
static void pd_test_yuv_layout(struct kunit *test)
{
	const struct pd_yuv_case *c = test->param_value;
	const struct drm_format_info *info = drm_format_info(c->format);
	struct pd_src src = { .info = info, .encoding = DRM_COLOR_YCBCR_BT709,
			      .range = DRM_COLOR_YCBCR_LIMITED_RANGE };
	struct pd_px px[PD_YW];
	unsigned int x, y, x0, hs, vs, i;
	bool packed = info->num_planes == 1;
	bool swap;
	u8 *mem;

	KUNIT_ASSERT_NOT_NULL(test, info);
	hs = info->hsub;
	vs = info->vsub;
	mem = kunit_kzalloc(test, 3 * PD_YW * PD_YH * 2, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, mem);
	for (i = 0; i < info->num_planes; i++) {
		src.vaddr[i] = mem + i * PD_YW * PD_YH * 2;
		src.pitch[i] = (i ? PD_YW / hs : PD_YW) * info->cpp[i];
	}
	switch (c->format) {
	case DRM_FORMAT_NV21: case DRM_FORMAT_NV61: case DRM_FORMAT_NV42:
	case DRM_FORMAT_YVU420: case DRM_FORMAT_YVU422: case DRM_FORMAT_YVU444:
		swap = true;
		break;
	default:
		swap = false;
	}
	for (y = 0; y < PD_YH; y++) {
		for (x = 0; x < PD_YW; x++) {
			u8 *row0 = (u8 *)src.vaddr[0] + y * src.pitch[0];
			u8 cb = pd_cb(x / hs, y / vs), cr = pd_cr(x / hs, y / vs);

			if (packed) {
				/* Y0 Cb Y1 Cr, Y0 Cr Y1 Cb, Cb Y0 Cr Y1, Cr Y0 Cb Y1 */
				u8 *m = row0 + (x & ~1u) * 2;
				bool yfirst = c->format == DRM_FORMAT_YUYV ||
					      c->format == DRM_FORMAT_YVYU;
				bool cbfirst = c->format == DRM_FORMAT_YUYV ||
					       c->format == DRM_FORMAT_UYVY;

				m[(yfirst ? 0 : 1) + (x & 1) * 2] = pd_luma(x, y);
				m[yfirst ? 1 : 0] = cbfirst ? cb : cr;
				m[yfirst ? 3 : 2] = cbfirst ? cr : cb;
				continue;
			}
			row0[x] = pd_luma(x, y);
			if (info->num_planes == 2) {
				u8 *pair = (u8 *)src.vaddr[1] + (y / vs) * src.pitch[1] +
					   (x / hs) * 2;

				pair[0] = swap ? cr : cb;
				pair[1] = swap ? cb : cr;
			} else {
				u8 *p1 = (u8 *)src.vaddr[1] + (y / vs) * src.pitch[1] + x / hs;
				u8 *p2 = (u8 *)src.vaddr[2] + (y / vs) * src.pitch[2] + x / hs;

				*p1 = swap ? cr : cb;
				*p2 = swap ? cb : cr;
			}
		}
	}
	for (y = 0; y < PD_YH; y++) {
		for (x0 = 0; x0 < PD_YW; x0++) {
			pd_read_pixels(&src, x0, y, PD_YW - x0, px);
			for (x = x0; x < PD_YW; x++) {
				const struct pd_px *p = &px[x - x0];
				u16 r, g, b;

				pd_yuv_reference(src.encoding, src.range, pd_luma(x, y),
						 pd_cb(x / hs, y / vs), pd_cr(x / hs, y / vs),
						 &r, &g, &b);
				if (abs(p->r - r) > PD_YUV_TOLERANCE ||
				    abs(p->g - g) > PD_YUV_TOLERANCE ||
				    abs(p->b - b) > PD_YUV_TOLERANCE) {
					KUNIT_FAIL(test,
						   "%s (%u, %u) read from x %u: %u/%u/%u, want %u/%u/%u",
						   c->name, x, y, x0, p->r, p->g, p->b, r, g, b);
					return;
				}
			}
		}
	}
}

/* ---- blending and scaling --------------------------------------------------- */

static struct pd_px pd_blend1(struct pd_px dst, struct pd_px src, u16 alpha, u16 mode)
{
	pd_blend(&dst, &src, 1, alpha, mode);
	return dst;
}

/*
 * The three blend modes against their definitions in drm_blend.c, with
 * values whose results are exact (1.0 is 65535; halves round up):
 *   None:            out = alpha * src + (1 - alpha) * dst
 *   Pre-multiplied:  out = alpha * src + (1 - alpha * src.a) * dst
 *   Coverage:        out = alpha * src.a * src + (1 - alpha * src.a) * dst
 */
static void pd_test_blend(struct kunit *test)
{
	const struct pd_px white = { .a = 65535, .r = 65535, .g = 65535, .b = 65535 };
	const struct pd_px black = { .a = 65535 };
	struct pd_px half_red = { .a = 32768, .r = 65535 };
	struct pd_px pm_half_red = { .a = 32768, .r = 32768 };
	struct pd_px o;

	/* Coverage: half-transparent red over white. */
	o = pd_blend1(white, half_red, 65535, DRM_MODE_BLEND_COVERAGE);
	KUNIT_EXPECT_EQ(test, o.r, 65535);
	KUNIT_EXPECT_EQ(test, o.g, 32767);
	/* ... over black: 65535 * 32768 / 65535 */
	o = pd_blend1(black, half_red, 65535, DRM_MODE_BLEND_COVERAGE);
	KUNIT_EXPECT_EQ(test, o.r, 32768);
	KUNIT_EXPECT_EQ(test, o.g, 0);
	/* Pre-multiplied: the same colour, already multiplied. */
	o = pd_blend1(white, pm_half_red, 65535, DRM_MODE_BLEND_PREMULTI);
	KUNIT_EXPECT_EQ(test, o.r, 65535);
	KUNIT_EXPECT_EQ(test, o.g, 32767);
	o = pd_blend1(black, pm_half_red, 65535, DRM_MODE_BLEND_PREMULTI);
	KUNIT_EXPECT_EQ(test, o.r, 32768);
	/* None: the pixel's alpha is ignored, the plane's is not. */
	o = pd_blend1(white, half_red, 65535, DRM_MODE_BLEND_PIXEL_NONE);
	KUNIT_EXPECT_EQ(test, o.r, 65535);
	KUNIT_EXPECT_EQ(test, o.g, 0);
	o = pd_blend1(white, half_red, 13107, DRM_MODE_BLEND_PIXEL_NONE);
	KUNIT_EXPECT_EQ(test, o.g, 52428);
	/* Plane alpha 0.2 over a coverage pixel of 0.5: 0.1 of red. */
	o = pd_blend1(black, half_red, 13107, DRM_MODE_BLEND_COVERAGE);
	KUNIT_EXPECT_EQ(test, o.r, 6554);
	/* Plane alpha 0: nothing changes, in every mode. */
	KUNIT_EXPECT_EQ(test, pd_blend1(white, half_red, 0, DRM_MODE_BLEND_COVERAGE).g, 65535);
	KUNIT_EXPECT_EQ(test, pd_blend1(white, pm_half_red, 0, DRM_MODE_BLEND_PREMULTI).g,
			65535);
	KUNIT_EXPECT_EQ(test, pd_blend1(white, half_red, 0, DRM_MODE_BLEND_PIXEL_NONE).g,
			65535);
	/* A pre-multiplied colour brighter than its alpha is clamped, not wrapped. */
	pm_half_red.r = 65535;
	KUNIT_EXPECT_EQ(test, pd_blend1(white, pm_half_red, 65535, DRM_MODE_BLEND_PREMULTI).r,
			65535);
}

/*
 * Nearest-neighbour sampling: each destination pixel takes the source
 * pixel under its centre.  Up by 2 repeats each source pixel twice, down
 * by 2 takes every second one starting with the second, a 16.16 start
 * inside a pixel shifts the grid, and nothing falls outside the span.
 */
static void pd_test_sample(struct kunit *test)
{
	static const int up[8] = { 0, 0, 1, 1, 2, 2, 3, 3 };
	unsigned int i;
	int s;

	for (i = 0; i < 8; i++)
		KUNIT_EXPECT_EQ(test, pd_sample(0, 4 << 16, i, 8), up[i]);
	for (i = 0; i < 2; i++)
		KUNIT_EXPECT_EQ(test, pd_sample(0, 4 << 16, i, 2), 2 * i + 1);
	/* Same size: the identity, also from an offset. */
	for (i = 0; i < 100; i++)
		KUNIT_EXPECT_EQ(test, pd_sample(50 << 16, 150 << 16, i, 100), 50 + i);
	/* Source from 0.5 to 2.5, two pixels: centres at 1.0 and 2.0. */
	KUNIT_EXPECT_EQ(test, pd_sample(1 << 15, 5 << 15, 0, 2), 1);
	KUNIT_EXPECT_EQ(test, pd_sample(1 << 15, 5 << 15, 1, 2), 2);
	/* 3 source pixels onto 1000 destination pixels, in order, inside the span. */
	for (i = 0; i < 1000; i++) {
		s = pd_sample(7 << 16, 10 << 16, i, 1000);
		KUNIT_EXPECT_TRUE(test, s >= 7 && s <= 9);
		KUNIT_EXPECT_EQ(test, s, 7 + (int)((2 * i + 1) * 3 / 2000));
	}
}

/* ---- rotation and reflection ----------------------------------------------- */

/*
 * The framebuffer pixel that rotated-space pixel (@u, @v) shows, in the
 * uapi's words: the framebuffer is reflected (DRM_MODE_REFLECT_X mirrors
 * its columns, _Y its rows), then rotated counter-clockwise; undo the
 * rotation, then the reflection.
 */
static void pd_ref_unrotate(int w, int h, unsigned int rotation, int u, int v,
			    int *x, int *y)
{
	int rx, ry;

	switch (rotation & DRM_MODE_ROTATE_MASK) {
	case DRM_MODE_ROTATE_90:	/* the right column is the top row */
		rx = w - 1 - v;
		ry = u;
		break;
	case DRM_MODE_ROTATE_180:
		rx = w - 1 - u;
		ry = h - 1 - v;
		break;
	case DRM_MODE_ROTATE_270:	/* the left column, bottom up, is the top row */
		rx = v;
		ry = h - 1 - u;
		break;
	default:
		rx = u;
		ry = v;
		break;
	}
	*x = rotation & DRM_MODE_REFLECT_X ? w - 1 - rx : rx;
	*y = rotation & DRM_MODE_REFLECT_Y ? h - 1 - ry : ry;
}

/* One framebuffer size and rotation: see pd_test_rotation_map(). */
static void pd_check_rotation(struct kunit *test, int w, int h,
			      unsigned int rot, u8 *seen)
{
	bool swap = rot & (DRM_MODE_ROTATE_90 | DRM_MODE_ROTATE_270);
	int rw = swap ? h : w, rh = swap ? w : h;
	int u, v, x, y, ex, ey, i;
	struct pd_rot m;

	pd_rotation_map(w, h, rot, &m);
	memset(seen, 0, w * h);
	for (v = 0; v < rh; v++) {
		for (u = 0; u < rw; u++) {
			x = m.x0 + m.xu * u + m.xv * v;
			y = m.y0 + m.yu * u + m.yv * v;
			pd_ref_unrotate(w, h, rot, u, v, &ex, &ey);
			KUNIT_EXPECT_EQ_MSG(test, x, ex, "%dx%d rotation 0x%x, (%d,%d)",
					    w, h, rot, u, v);
			KUNIT_EXPECT_EQ_MSG(test, y, ey, "%dx%d rotation 0x%x, (%d,%d)",
					    w, h, rot, u, v);
			if (x >= 0 && x < w && y >= 0 && y < h)
				seen[y * w + x]++;
		}
	}
	for (i = 0; i < w * h; i++)
		KUNIT_EXPECT_EQ_MSG(test, seen[i], 1,
				    "%dx%d rotation 0x%x: pixel %d shown %u times",
				    w, h, rot, i, seen[i]);
}

/*
 * pd_rotation_map()'s affine steps give, for every rotation with every
 * reflection and framebuffers of odd, even, square and one-pixel sizes,
 * the pixel the definition gives, and every framebuffer pixel exactly once.
 */
static void pd_test_rotation_map(struct kunit *test)
{
	static const unsigned int rots[] = {
		DRM_MODE_ROTATE_0, DRM_MODE_ROTATE_90,
		DRM_MODE_ROTATE_180, DRM_MODE_ROTATE_270,
	};
	static const unsigned int refl[] = {
		0, DRM_MODE_REFLECT_X, DRM_MODE_REFLECT_Y,
		DRM_MODE_REFLECT_X | DRM_MODE_REFLECT_Y,
	};
	static const int sizes[][2] = { { 1, 1 }, { 4, 3 }, { 3, 5 }, { 8, 2 }, { 6, 6 } };
	unsigned int r, f, z;
	u8 *seen;

	seen = kunit_kzalloc(test, 64, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, seen);
	for (z = 0; z < ARRAY_SIZE(sizes); z++)
		for (r = 0; r < ARRAY_SIZE(rots); r++)
			for (f = 0; f < ARRAY_SIZE(refl); f++)
				pd_check_rotation(test, sizes[z][0], sizes[z][1],
						  rots[r] | refl[f], seen);
}

static struct kunit_case pd_format_test_cases[] = {
	KUNIT_CASE_PARAM(pd_test_rgb_read, pd_rgb_gen_params),
	KUNIT_CASE(pd_test_rgb_write),
	KUNIT_CASE(pd_test_yuv_convert),
	KUNIT_CASE_PARAM(pd_test_yuv_layout, pd_yuv_gen_params),
	{}
};

static struct kunit_suite pd_format_test_suite = {
	.name = "primedisp_formats",
	.test_cases = pd_format_test_cases,
};

static struct kunit_case pd_blend_test_cases[] = {
	KUNIT_CASE(pd_test_blend),
	KUNIT_CASE(pd_test_sample),
	KUNIT_CASE(pd_test_rotation_map),
	{}
};

static struct kunit_suite pd_blend_test_suite = {
	.name = "primedisp_blend",
	.test_cases = pd_blend_test_cases,
};

kunit_test_suites(&pd_format_test_suite, &pd_blend_test_suite);
