// SPDX-License-Identifier: GPL-2.0
/*
 * primedisp_formats.c - the pixel formats primedisp scans out and writes
 * back, and their conversion to and from the composer's working format.
 *
 * The composer works on lines of struct pd_px: 16 bits per channel, alpha
 * included, so that 10- and 16-bit formats keep their precision until the
 * output is written.  Each format has a line reader (n pixels of one row,
 * from any column) and the writeback formats have a line writer.  Readers
 * switch on the format once per call, never per pixel.
 *
 * The arithmetic is part of primedisp's contract, because CRCs and
 * writeback output are compared bit for bit against frames userspace
 * renders itself (igt-tests/lib/pd_ref.c implements the same rules):
 *
 * - An n-bit channel widens to 16 bits as round(v * 65535 / (2^n - 1));
 *   8-bit values become v * 257.  A format without alpha is opaque.
 * - A 16-bit channel narrows to n bits as round(v * (2^n - 1) / 65535).
 * - YCbCr (8-bit, any encoding and range) converts with the integer
 *   matrices in pd_yuv_coeffs (Q8 fixed point, 16-bit results, clamped);
 *   chroma is taken from the sample that covers the pixel (no filtering).
 *
 * Copyright (C) 2026 The primedisp authors
 */

#include <linux/kernel.h>
#include <linux/string.h>

#include <drm/drm_color_mgmt.h>
#include <drm/drm_fourcc.h>

#include <kunit/visibility.h>

#include "primedisp_drv.h"

/* Everything a plane can scan out.  Writeback has its own list below. */
const u32 pd_plane_formats[] = {
	DRM_FORMAT_XRGB8888,
	DRM_FORMAT_ARGB8888,
	DRM_FORMAT_XBGR8888,
	DRM_FORMAT_ABGR8888,
	DRM_FORMAT_RGBX8888,
	DRM_FORMAT_RGBA8888,
	DRM_FORMAT_BGRX8888,
	DRM_FORMAT_BGRA8888,
	DRM_FORMAT_RGB565,
	DRM_FORMAT_BGR565,
	DRM_FORMAT_XRGB1555,
	DRM_FORMAT_ARGB1555,
	DRM_FORMAT_XRGB4444,
	DRM_FORMAT_ARGB4444,
	DRM_FORMAT_RGB888,
	DRM_FORMAT_BGR888,
	DRM_FORMAT_XRGB2101010,
	DRM_FORMAT_ARGB2101010,
	DRM_FORMAT_XBGR2101010,
	DRM_FORMAT_ABGR2101010,
	DRM_FORMAT_XRGB16161616,
	DRM_FORMAT_ARGB16161616,
	DRM_FORMAT_XBGR16161616,
	DRM_FORMAT_ABGR16161616,
	DRM_FORMAT_YUYV,
	DRM_FORMAT_YVYU,
	DRM_FORMAT_UYVY,
	DRM_FORMAT_VYUY,
	DRM_FORMAT_NV12,
	DRM_FORMAT_NV21,
	DRM_FORMAT_NV16,
	DRM_FORMAT_NV61,
	DRM_FORMAT_NV24,
	DRM_FORMAT_NV42,
	DRM_FORMAT_YUV420,
	DRM_FORMAT_YVU420,
	DRM_FORMAT_YUV422,
	DRM_FORMAT_YVU422,
	DRM_FORMAT_YUV444,
	DRM_FORMAT_YVU444,
};

const unsigned int pd_num_plane_formats = ARRAY_SIZE(pd_plane_formats);

const u32 pd_writeback_formats[] = {
	DRM_FORMAT_XRGB8888,
	DRM_FORMAT_ARGB8888,
	DRM_FORMAT_XBGR8888,
	DRM_FORMAT_ABGR8888,
	DRM_FORMAT_RGB565,
	DRM_FORMAT_RGB888,
	DRM_FORMAT_XRGB2101010,
	DRM_FORMAT_ARGB2101010,
	DRM_FORMAT_XRGB16161616,
	DRM_FORMAT_ARGB16161616,
};
EXPORT_SYMBOL_IF_KUNIT(pd_writeback_formats);

const unsigned int pd_num_writeback_formats = ARRAY_SIZE(pd_writeback_formats);
EXPORT_SYMBOL_IF_KUNIT(pd_num_writeback_formats);

/**
 * pd_format_supported - whether primedisp's planes scan out a format
 * @format: DRM fourcc
 *
 * Return: true if buffers of @format can be shown.
 */
bool pd_format_supported(u32 format)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(pd_plane_formats); i++)
		if (pd_plane_formats[i] == format)
			return true;
	return false;
}

/**
 * pd_format_width_ok - whether a buffer of a format can be @width wide
 * @info: the format
 * @width: width in pixels
 *
 * Packed 4:2:2 formats (YUYV and friends) store pixel pairs, so their
 * width must be even: an odd width would leave the last pair half outside
 * a buffer sized for width * 2 bytes per row.
 *
 * Return: true if @width is fine for @info.
 */
bool pd_format_width_ok(const struct drm_format_info *info, u32 width)
{
	return info->num_planes > 1 || width % info->hsub == 0;
}

/* n-bit channel value to 16 bits, rounded. */
static inline u16 pd_widen(u32 v, unsigned int bits)
{
	u32 max = (1u << bits) - 1;

	return (v * 65535u + max / 2) / max;
}

/* 16-bit channel value to n bits, rounded. */
#define PD_NARROW(v, bits) \
	(((u32)(v) * ((1u << (bits)) - 1) + 32767u) / 65535u)

static inline u32 pd_le16(const u8 *p)
{
	return p[0] | p[1] << 8;
}

static inline u32 pd_le32(const u8 *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (u32)p[3] << 24;
}

/*
 * YCbCr to RGB in Q8: R = cy*y + crv*v, G = cy*y - cgu*u - cgv*v,
 * B = cy*y + cbu*u with y = Y - yoff, u = Cb - 128, v = Cr - 128, giving
 * 16-bit channels.  Columns: yoff, cy, crv, cgu, cgv, cbu.  Derived from
 * each standard's Kr/Kb with limited range scaling Y by 255/219 and C by
 * 255/224.
 */
static const s32 pd_yuv_coeffs[3][2][6] = {
	[DRM_COLOR_YCBCR_BT601] = {
		[DRM_COLOR_YCBCR_LIMITED_RANGE] = { 16, 76607, 105006, 25775, 53487, 132718 },
		[DRM_COLOR_YCBCR_FULL_RANGE] = { 0, 65792, 92240, 22641, 46984, 116583 },
	},
	[DRM_COLOR_YCBCR_BT709] = {
		[DRM_COLOR_YCBCR_LIMITED_RANGE] = { 16, 76607, 117948, 14030, 35061, 138979 },
		[DRM_COLOR_YCBCR_FULL_RANGE] = { 0, 65792, 103609, 12324, 30799, 122084 },
	},
	[DRM_COLOR_YCBCR_BT2020] = {
		[DRM_COLOR_YCBCR_LIMITED_RANGE] = { 16, 76607, 110443, 12325, 42793, 140911 },
		[DRM_COLOR_YCBCR_FULL_RANGE] = { 0, 65792, 97017, 10826, 37590, 123781 },
	},
};

static inline u16 pd_clamp16(s32 v)
{
	v = (v + 128) >> 8;
	return clamp(v, 0, 65535);
}

static inline void pd_yuv_to_px(const s32 *k, u8 luma, u8 cb, u8 cr,
				struct pd_px *px)
{
	s32 y = ((s32)luma - k[0]) * k[1];
	s32 u = (s32)cb - 128, v = (s32)cr - 128;

	px->a = 0xffff;
	px->r = pd_clamp16(y + k[2] * v);
	px->g = pd_clamp16(y - k[3] * u - k[4] * v);
	px->b = pd_clamp16(y + k[5] * u);
}

static inline const u8 *pd_src_at(const struct pd_src *s, unsigned int plane,
				  unsigned int x, unsigned int y)
{
	return s->vaddr[plane] + (size_t)y * s->pitch[plane] +
	       (size_t)x * s->info->cpp[plane];
}

/* Packed 4:2:2: byte offsets of Y0, Cb and Cr within a 4-byte pair. */
static void pd_read_packed_yuv(const struct pd_src *s, const s32 *k,
			       unsigned int x, unsigned int y, unsigned int n,
			       struct pd_px *out, int oy, int ou, int ov)
{
	const u8 *row = s->vaddr[0] + (size_t)y * s->pitch[0];
	unsigned int i;

	for (i = 0; i < n; i++, x++) {
		const u8 *m = row + (x & ~1u) * 2;

		pd_yuv_to_px(k, m[oy + (x & 1) * 2], m[ou], m[ov], out + i);
	}
}

/*
 * Subsampling factors are 1, 2 or 4: a shift instead of a division per
 * pixel (a division is the slowest instruction of these loops).
 */
static inline unsigned int pd_sub_shift(u8 sub)
{
	return sub == 4 ? 2 : sub == 2 ? 1 : 0;
}

/* Semi-planar (NVxx): Y plane, then interleaved chroma pairs. */
static void pd_read_semiplanar(const struct pd_src *s, const s32 *k,
			       unsigned int x, unsigned int y, unsigned int n,
			       struct pd_px *out, bool swap)
{
	unsigned int hs = pd_sub_shift(s->info->hsub), vs = s->info->vsub, i;
	const u8 *luma = pd_src_at(s, 0, x, y);
	const u8 *chroma = s->vaddr[1] + (size_t)(y / vs) * s->pitch[1];

	for (i = 0; i < n; i++, x++) {
		const u8 *c = chroma + (x >> hs) * 2;

		pd_yuv_to_px(k, luma[i], c[swap], c[!swap], out + i);
	}
}

/* Fully planar: Y, then Cb and Cr planes (or Cr and Cb when swapped). */
static void pd_read_planar(const struct pd_src *s, const s32 *k,
			   unsigned int x, unsigned int y, unsigned int n,
			   struct pd_px *out, bool swap)
{
	unsigned int hs = pd_sub_shift(s->info->hsub), vs = s->info->vsub, i;
	const u8 *luma = pd_src_at(s, 0, x, y);
	const u8 *cb = s->vaddr[swap ? 2 : 1] + (size_t)(y / vs) * s->pitch[swap ? 2 : 1];
	const u8 *cr = s->vaddr[swap ? 1 : 2] + (size_t)(y / vs) * s->pitch[swap ? 1 : 2];

	for (i = 0; i < n; i++, x++)
		pd_yuv_to_px(k, luma[i], cb[x >> hs], cr[x >> hs], out + i);
}

/* 32-bit pixels with 8-bit channels at the given bit shifts (a < 0: none). */
static void pd_read_8888(const u8 *p, unsigned int n, struct pd_px *out,
			 int r, int g, int b, int a)
{
	unsigned int i;

	for (i = 0; i < n; i++, p += 4) {
		u32 v = pd_le32(p);

		out[i].r = ((v >> r) & 0xff) * 257;
		out[i].g = ((v >> g) & 0xff) * 257;
		out[i].b = ((v >> b) & 0xff) * 257;
		out[i].a = a < 0 ? 0xffff : ((v >> a) & 0xff) * 257;
	}
}

static void pd_read_2101010(const u8 *p, unsigned int n, struct pd_px *out,
			    bool bgr, bool alpha)
{
	unsigned int i;

	for (i = 0; i < n; i++, p += 4) {
		u32 v = pd_le32(p);
		u16 hi = pd_widen((v >> 20) & 0x3ff, 10);
		u16 lo = pd_widen(v & 0x3ff, 10);

		out[i].r = bgr ? lo : hi;
		out[i].g = pd_widen((v >> 10) & 0x3ff, 10);
		out[i].b = bgr ? hi : lo;
		out[i].a = alpha ? (v >> 30) * 0x5555 : 0xffff;
	}
}

static void pd_read_16161616(const u8 *p, unsigned int n, struct pd_px *out,
			     bool bgr, bool alpha)
{
	unsigned int i;

	for (i = 0; i < n; i++, p += 8) {
		u16 c0 = pd_le16(p), c1 = pd_le16(p + 2), c2 = pd_le16(p + 4);

		out[i].b = bgr ? c2 : c0;
		out[i].g = c1;
		out[i].r = bgr ? c0 : c2;
		out[i].a = alpha ? pd_le16(p + 6) : 0xffff;
	}
}

/* 16-bit pixels: three channels of (bits, shift), optional alpha. */
static void pd_read_16bpp(const u8 *p, unsigned int n, struct pd_px *out,
			  u32 format)
{
	unsigned int i;

	for (i = 0; i < n; i++, p += 2) {
		u32 v = pd_le16(p);
		struct pd_px *o = out + i;

		switch (format) {
		case DRM_FORMAT_RGB565:
		case DRM_FORMAT_BGR565: {
			u16 hi = pd_widen(v >> 11, 5), lo = pd_widen(v & 0x1f, 5);

			o->r = format == DRM_FORMAT_RGB565 ? hi : lo;
			o->b = format == DRM_FORMAT_RGB565 ? lo : hi;
			o->g = pd_widen((v >> 5) & 0x3f, 6);
			o->a = 0xffff;
			break;
		}
		case DRM_FORMAT_XRGB1555:
		case DRM_FORMAT_ARGB1555:
			o->r = pd_widen((v >> 10) & 0x1f, 5);
			o->g = pd_widen((v >> 5) & 0x1f, 5);
			o->b = pd_widen(v & 0x1f, 5);
			o->a = format == DRM_FORMAT_XRGB1555 || (v & 0x8000) ?
			       0xffff : 0;
			break;
		default:	/* XRGB4444, ARGB4444 */
			o->r = ((v >> 8) & 0xf) * 0x1111;
			o->g = ((v >> 4) & 0xf) * 0x1111;
			o->b = (v & 0xf) * 0x1111;
			o->a = format == DRM_FORMAT_XRGB4444 ? 0xffff :
			       (v >> 12) * 0x1111;
			break;
		}
	}
}

/**
 * pd_read_pixels - read pixels of one row of a framebuffer
 * @s: the mapped framebuffer and its colour settings
 * @x: first column (in pixels; within the framebuffer)
 * @y: row (within the framebuffer)
 * @n: number of pixels, all within the framebuffer
 * @out: receives @n pixels
 *
 * Pixels are read byte by byte in little-endian order (the layout of DRM
 * formats), so unaligned pitches and offsets are fine on any CPU.
 */
void pd_read_pixels(const struct pd_src *s, unsigned int x, unsigned int y,
		    unsigned int n, struct pd_px *out)
{
	const s32 *k = pd_yuv_coeffs[s->encoding][s->range];
	const u8 *p = pd_src_at(s, 0, x, y);
	unsigned int i;

	switch (s->info->format) {
	case DRM_FORMAT_XRGB8888:
		return pd_read_8888(p, n, out, 16, 8, 0, -1);
	case DRM_FORMAT_ARGB8888:
		return pd_read_8888(p, n, out, 16, 8, 0, 24);
	case DRM_FORMAT_XBGR8888:
		return pd_read_8888(p, n, out, 0, 8, 16, -1);
	case DRM_FORMAT_ABGR8888:
		return pd_read_8888(p, n, out, 0, 8, 16, 24);
	case DRM_FORMAT_RGBX8888:
		return pd_read_8888(p, n, out, 24, 16, 8, -1);
	case DRM_FORMAT_RGBA8888:
		return pd_read_8888(p, n, out, 24, 16, 8, 0);
	case DRM_FORMAT_BGRX8888:
		return pd_read_8888(p, n, out, 8, 16, 24, -1);
	case DRM_FORMAT_BGRA8888:
		return pd_read_8888(p, n, out, 8, 16, 24, 0);
	case DRM_FORMAT_RGB565:
	case DRM_FORMAT_BGR565:
	case DRM_FORMAT_XRGB1555:
	case DRM_FORMAT_ARGB1555:
	case DRM_FORMAT_XRGB4444:
	case DRM_FORMAT_ARGB4444:
		return pd_read_16bpp(p, n, out, s->info->format);
	case DRM_FORMAT_RGB888:		/* bytes B, G, R */
	case DRM_FORMAT_BGR888:		/* bytes R, G, B */
		for (i = 0; i < n; i++, p += 3) {
			bool rgb = s->info->format == DRM_FORMAT_RGB888;

			out[i].r = p[rgb ? 2 : 0] * 257;
			out[i].g = p[1] * 257;
			out[i].b = p[rgb ? 0 : 2] * 257;
			out[i].a = 0xffff;
		}
		return;
	case DRM_FORMAT_XRGB2101010:
		return pd_read_2101010(p, n, out, false, false);
	case DRM_FORMAT_ARGB2101010:
		return pd_read_2101010(p, n, out, false, true);
	case DRM_FORMAT_XBGR2101010:
		return pd_read_2101010(p, n, out, true, false);
	case DRM_FORMAT_ABGR2101010:
		return pd_read_2101010(p, n, out, true, true);
	case DRM_FORMAT_XRGB16161616:
		return pd_read_16161616(p, n, out, false, false);
	case DRM_FORMAT_ARGB16161616:
		return pd_read_16161616(p, n, out, false, true);
	case DRM_FORMAT_XBGR16161616:
		return pd_read_16161616(p, n, out, true, false);
	case DRM_FORMAT_ABGR16161616:
		return pd_read_16161616(p, n, out, true, true);
	case DRM_FORMAT_YUYV:
		return pd_read_packed_yuv(s, k, x, y, n, out, 0, 1, 3);
	case DRM_FORMAT_YVYU:
		return pd_read_packed_yuv(s, k, x, y, n, out, 0, 3, 1);
	case DRM_FORMAT_UYVY:
		return pd_read_packed_yuv(s, k, x, y, n, out, 1, 0, 2);
	case DRM_FORMAT_VYUY:
		return pd_read_packed_yuv(s, k, x, y, n, out, 1, 2, 0);
	case DRM_FORMAT_NV12:
	case DRM_FORMAT_NV16:
	case DRM_FORMAT_NV24:
		return pd_read_semiplanar(s, k, x, y, n, out, false);
	case DRM_FORMAT_NV21:
	case DRM_FORMAT_NV61:
	case DRM_FORMAT_NV42:
		return pd_read_semiplanar(s, k, x, y, n, out, true);
	case DRM_FORMAT_YUV420:
	case DRM_FORMAT_YUV422:
	case DRM_FORMAT_YUV444:
		return pd_read_planar(s, k, x, y, n, out, false);
	case DRM_FORMAT_YVU420:
	case DRM_FORMAT_YVU422:
	case DRM_FORMAT_YVU444:
		return pd_read_planar(s, k, x, y, n, out, true);
	default:
		/* Planes accept only the formats above. */
		memset(out, 0, n * sizeof(*out));
		return;
	}
}
EXPORT_SYMBOL_IF_KUNIT(pd_read_pixels);

static inline void pd_put32(u8 *d, u32 v)
{
	d[0] = v;
	d[1] = v >> 8;
	d[2] = v >> 16;
	d[3] = v >> 24;
}

/**
 * pd_write_pixels - write a composed line in a writeback format
 * @format: one of pd_writeback_formats
 * @in: @n composed pixels
 * @n: number of pixels
 * @dst: where the first pixel goes
 *
 * The composed frame is opaque: formats with alpha get full alpha.
 */
void pd_write_pixels(u32 format, const struct pd_px *in, unsigned int n,
		     u8 *dst)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		u32 r8 = PD_NARROW(in[i].r, 8), g8 = PD_NARROW(in[i].g, 8);
		u32 b8 = PD_NARROW(in[i].b, 8);
		u32 v;

		switch (format) {
		case DRM_FORMAT_XRGB8888:
		case DRM_FORMAT_ARGB8888:
			v = r8 << 16 | g8 << 8 | b8;
			if (format == DRM_FORMAT_ARGB8888)
				v |= 0xffu << 24;
			pd_put32(dst + 4 * i, v);
			break;
		case DRM_FORMAT_XBGR8888:
		case DRM_FORMAT_ABGR8888:
			v = b8 << 16 | g8 << 8 | r8;
			if (format == DRM_FORMAT_ABGR8888)
				v |= 0xffu << 24;
			pd_put32(dst + 4 * i, v);
			break;
		case DRM_FORMAT_RGB565:
			v = PD_NARROW(in[i].r, 5) << 11 |
			    PD_NARROW(in[i].g, 6) << 5 | PD_NARROW(in[i].b, 5);
			dst[2 * i] = v;
			dst[2 * i + 1] = v >> 8;
			break;
		case DRM_FORMAT_RGB888:
			dst[3 * i] = b8;
			dst[3 * i + 1] = g8;
			dst[3 * i + 2] = r8;
			break;
		case DRM_FORMAT_XRGB2101010:
		case DRM_FORMAT_ARGB2101010:
			v = PD_NARROW(in[i].r, 10) << 20 |
			    PD_NARROW(in[i].g, 10) << 10 | PD_NARROW(in[i].b, 10);
			if (format == DRM_FORMAT_ARGB2101010)
				v |= 3u << 30;
			pd_put32(dst + 4 * i, v);
			break;
		case DRM_FORMAT_XRGB16161616:
		case DRM_FORMAT_ARGB16161616:
			pd_put32(dst + 8 * i, in[i].g << 16 | in[i].b);
			pd_put32(dst + 8 * i + 4,
				 (format == DRM_FORMAT_ARGB16161616 ? 0xffffu : 0) << 16 |
				 in[i].r);
			break;
		}
	}
}
EXPORT_SYMBOL_IF_KUNIT(pd_write_pixels);

/**
 * pd_crc_line - CRC-ready bytes of a composed line
 * @in: @n composed pixels
 * @n: number of pixels
 * @dst: 4 * @n bytes: XRGB8888 little-endian with X zero
 *
 * CRCs describe the frame as an 8-bit-per-channel display shows it.
 */
void pd_crc_line(const struct pd_px *in, unsigned int n, u8 *dst)
{
	unsigned int i;

	for (i = 0; i < n; i++, dst += 4) {
		dst[0] = PD_NARROW(in[i].b, 8);
		dst[1] = PD_NARROW(in[i].g, 8);
		dst[2] = PD_NARROW(in[i].r, 8);
		dst[3] = 0;
	}
}
