// SPDX-License-Identifier: GPL-2.0
/*
 * pd_ref - a userspace reference renderer for primedisp's composer.
 * See pd_ref.h.  Written for clarity, pixel by pixel; speed does not
 * matter here.
 */
#include <drm_fourcc.h>
#include <drm_mode.h>
#include <stdlib.h>
#include <string.h>

#include "pd_crc.h"
#include "pd_ref.h"

struct fmt {
	uint32_t format;
	int planes, cpp[3], hsub, vsub;
	bool yuv;
};

static const struct fmt fmts[] = {
	{ DRM_FORMAT_XRGB8888, 1, { 4 }, 1, 1, false },
	{ DRM_FORMAT_ARGB8888, 1, { 4 }, 1, 1, false },
	{ DRM_FORMAT_XBGR8888, 1, { 4 }, 1, 1, false },
	{ DRM_FORMAT_ABGR8888, 1, { 4 }, 1, 1, false },
	{ DRM_FORMAT_RGBX8888, 1, { 4 }, 1, 1, false },
	{ DRM_FORMAT_RGBA8888, 1, { 4 }, 1, 1, false },
	{ DRM_FORMAT_BGRX8888, 1, { 4 }, 1, 1, false },
	{ DRM_FORMAT_BGRA8888, 1, { 4 }, 1, 1, false },
	{ DRM_FORMAT_RGB565, 1, { 2 }, 1, 1, false },
	{ DRM_FORMAT_BGR565, 1, { 2 }, 1, 1, false },
	{ DRM_FORMAT_XRGB1555, 1, { 2 }, 1, 1, false },
	{ DRM_FORMAT_ARGB1555, 1, { 2 }, 1, 1, false },
	{ DRM_FORMAT_XRGB4444, 1, { 2 }, 1, 1, false },
	{ DRM_FORMAT_ARGB4444, 1, { 2 }, 1, 1, false },
	{ DRM_FORMAT_RGB888, 1, { 3 }, 1, 1, false },
	{ DRM_FORMAT_BGR888, 1, { 3 }, 1, 1, false },
	{ DRM_FORMAT_XRGB2101010, 1, { 4 }, 1, 1, false },
	{ DRM_FORMAT_ARGB2101010, 1, { 4 }, 1, 1, false },
	{ DRM_FORMAT_XBGR2101010, 1, { 4 }, 1, 1, false },
	{ DRM_FORMAT_ABGR2101010, 1, { 4 }, 1, 1, false },
	{ DRM_FORMAT_XRGB16161616, 1, { 8 }, 1, 1, false },
	{ DRM_FORMAT_ARGB16161616, 1, { 8 }, 1, 1, false },
	{ DRM_FORMAT_XBGR16161616, 1, { 8 }, 1, 1, false },
	{ DRM_FORMAT_ABGR16161616, 1, { 8 }, 1, 1, false },
	{ DRM_FORMAT_YUYV, 1, { 2 }, 2, 1, true },
	{ DRM_FORMAT_YVYU, 1, { 2 }, 2, 1, true },
	{ DRM_FORMAT_UYVY, 1, { 2 }, 2, 1, true },
	{ DRM_FORMAT_VYUY, 1, { 2 }, 2, 1, true },
	{ DRM_FORMAT_NV12, 2, { 1, 2 }, 2, 2, true },
	{ DRM_FORMAT_NV21, 2, { 1, 2 }, 2, 2, true },
	{ DRM_FORMAT_NV16, 2, { 1, 2 }, 2, 1, true },
	{ DRM_FORMAT_NV61, 2, { 1, 2 }, 2, 1, true },
	{ DRM_FORMAT_NV24, 2, { 1, 2 }, 1, 1, true },
	{ DRM_FORMAT_NV42, 2, { 1, 2 }, 1, 1, true },
	{ DRM_FORMAT_YUV420, 3, { 1, 1, 1 }, 2, 2, true },
	{ DRM_FORMAT_YVU420, 3, { 1, 1, 1 }, 2, 2, true },
	{ DRM_FORMAT_YUV422, 3, { 1, 1, 1 }, 2, 1, true },
	{ DRM_FORMAT_YVU422, 3, { 1, 1, 1 }, 2, 1, true },
	{ DRM_FORMAT_YUV444, 3, { 1, 1, 1 }, 1, 1, true },
	{ DRM_FORMAT_YVU444, 3, { 1, 1, 1 }, 1, 1, true },
};

static const struct fmt *find(uint32_t format)
{
	static const struct fmt *last;	/* pixels come in runs of one format */

	if (last && last->format == format)
		return last;
	for (size_t i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++)
		if (fmts[i].format == format)
			return last = &fmts[i];
	return NULL;
}

bool pd_ref_format_known(uint32_t format)
{
	return find(format) != NULL;
}

int pd_ref_format_layout(uint32_t format, int *num_planes, int cpp[4],
			 int *hsub, int *vsub)
{
	const struct fmt *f = find(format);

	if (!f)
		return -1;
	*num_planes = f->planes;
	for (int i = 0; i < 4; i++)
		cpp[i] = i < 3 ? f->cpp[i] : 0;
	*hsub = f->hsub;
	*vsub = f->vsub;
	return 0;
}

/* n-bit value to 16 bits and back, rounding to nearest. */
static uint16_t widen(uint32_t v, int bits)
{
	uint32_t max = (1u << bits) - 1;

	return (uint16_t)((v * 65535u + max / 2) / max);
}

static uint32_t narrow(uint32_t v, int bits)
{
	return (v * ((1u << bits) - 1) + 32767u) / 65535u;
}

/*
 * Q8 YCbCr matrices, 16-bit results: yoff, Y gain, Cr->R, Cb->G, Cr->G,
 * Cb->B, for [encoding][range].  (Values: round(256 * gain) with the
 * standards' Kr/Kb; limited range scales Y by 65535/219 and C by 65535/224,
 * full range both by 65535/255.)
 */
static const int32_t yuv_k[3][2][6] = {
	{ { 16, 76607, 105006, 25775, 53487, 132718 },
	  { 0, 65792, 92240, 22641, 46984, 116583 } },
	{ { 16, 76607, 117948, 14030, 35061, 138979 },
	  { 0, 65792, 103609, 12324, 30799, 122084 } },
	{ { 16, 76607, 110443, 12325, 42793, 140911 },
	  { 0, 65792, 97017, 10826, 37590, 123781 } },
};

static uint16_t q8_to_16(int32_t v)
{
	v = (v + 128) >> 8;
	return v < 0 ? 0 : v > 65535 ? 65535 : (uint16_t)v;
}

static struct pd_ref_px yuv(int enc, int range, int Y, int Cb, int Cr)
{
	const int32_t *k = yuv_k[enc][range];
	int32_t y = (Y - k[0]) * k[1], u = Cb - 128, v = Cr - 128;

	return (struct pd_ref_px){
		.a = 0xffff,
		.r = q8_to_16(y + k[2] * v),
		.g = q8_to_16(y - k[3] * u - k[4] * v),
		.b = q8_to_16(y + k[5] * u),
	};
}

static uint32_t le(const uint8_t *p, int bytes)
{
	uint32_t v = 0;

	for (int i = bytes - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static struct pd_ref_px rgb8(uint32_t v, int rs, int gs, int bs, int as)
{
	return (struct pd_ref_px){
		.r = ((v >> rs) & 0xff) * 257,
		.g = ((v >> gs) & 0xff) * 257,
		.b = ((v >> bs) & 0xff) * 257,
		.a = as < 0 ? 0xffff : ((v >> as) & 0xff) * 257,
	};
}

struct pd_ref_px pd_ref_read(const struct pd_ref_fb *fb, uint32_t x, uint32_t y,
			     int enc, int range)
{
	const struct fmt *f = find(fb->format);
	const uint8_t *p;
	uint32_t v;

	if (!f)
		return (struct pd_ref_px){ 0 };
	p = fb->data[0] + (size_t)y * fb->pitch[0] + (size_t)x * f->cpp[0];

	if (f->yuv) {
		int Y, Cb, Cr;

		if (f->planes == 1) {		/* packed pairs */
			const uint8_t *m = fb->data[0] + (size_t)y * fb->pitch[0] + (x & ~1u) * 2;
			int yo, cbo, cro;

			switch (fb->format) {
			case DRM_FORMAT_YUYV: yo = 0; cbo = 1; cro = 3; break;
			case DRM_FORMAT_YVYU: yo = 0; cbo = 3; cro = 1; break;
			case DRM_FORMAT_UYVY: yo = 1; cbo = 0; cro = 2; break;
			default: yo = 1; cbo = 2; cro = 0; break;	/* VYUY */
			}
			Y = m[yo + 2 * (x & 1)];
			Cb = m[cbo];
			Cr = m[cro];
		} else if (f->planes == 2) {
			const uint8_t *c = fb->data[1] + (size_t)(y / f->vsub) * fb->pitch[1] +
					   (x / f->hsub) * 2;
			bool swapped = fb->format == DRM_FORMAT_NV21 ||
				       fb->format == DRM_FORMAT_NV61 ||
				       fb->format == DRM_FORMAT_NV42;

			Y = p[0];
			Cb = c[swapped ? 1 : 0];
			Cr = c[swapped ? 0 : 1];
		} else {
			bool swapped = fb->format == DRM_FORMAT_YVU420 ||
				       fb->format == DRM_FORMAT_YVU422 ||
				       fb->format == DRM_FORMAT_YVU444;
			size_t off1 = (size_t)(y / f->vsub) * fb->pitch[1] + x / f->hsub;
			size_t off2 = (size_t)(y / f->vsub) * fb->pitch[2] + x / f->hsub;
			uint8_t c1 = fb->data[1][off1], c2 = fb->data[2][off2];

			Y = p[0];
			Cb = swapped ? c2 : c1;
			Cr = swapped ? c1 : c2;
		}
		return yuv(enc, range, Y, Cb, Cr);
	}

	switch (fb->format) {
	case DRM_FORMAT_XRGB8888: return rgb8(le(p, 4), 16, 8, 0, -1);
	case DRM_FORMAT_ARGB8888: return rgb8(le(p, 4), 16, 8, 0, 24);
	case DRM_FORMAT_XBGR8888: return rgb8(le(p, 4), 0, 8, 16, -1);
	case DRM_FORMAT_ABGR8888: return rgb8(le(p, 4), 0, 8, 16, 24);
	case DRM_FORMAT_RGBX8888: return rgb8(le(p, 4), 24, 16, 8, -1);
	case DRM_FORMAT_RGBA8888: return rgb8(le(p, 4), 24, 16, 8, 0);
	case DRM_FORMAT_BGRX8888: return rgb8(le(p, 4), 8, 16, 24, -1);
	case DRM_FORMAT_BGRA8888: return rgb8(le(p, 4), 8, 16, 24, 0);
	case DRM_FORMAT_RGB888: return rgb8(le(p, 3), 16, 8, 0, -1);
	case DRM_FORMAT_BGR888: return rgb8(le(p, 3), 0, 8, 16, -1);
	case DRM_FORMAT_RGB565:
	case DRM_FORMAT_BGR565: {
		uint16_t hi, lo;

		v = le(p, 2);
		hi = widen(v >> 11, 5);
		lo = widen(v & 31, 5);
		return (struct pd_ref_px){
			.a = 0xffff,
			.r = fb->format == DRM_FORMAT_RGB565 ? hi : lo,
			.g = widen((v >> 5) & 63, 6),
			.b = fb->format == DRM_FORMAT_RGB565 ? lo : hi,
		};
	}
	case DRM_FORMAT_XRGB1555:
	case DRM_FORMAT_ARGB1555:
		v = le(p, 2);
		return (struct pd_ref_px){
			.a = fb->format == DRM_FORMAT_XRGB1555 || (v >> 15) ? 0xffff : 0,
			.r = widen((v >> 10) & 31, 5),
			.g = widen((v >> 5) & 31, 5),
			.b = widen(v & 31, 5),
		};
	case DRM_FORMAT_XRGB4444:
	case DRM_FORMAT_ARGB4444:
		v = le(p, 2);
		return (struct pd_ref_px){
			.a = fb->format == DRM_FORMAT_XRGB4444 ? 0xffff : widen(v >> 12, 4),
			.r = widen((v >> 8) & 15, 4),
			.g = widen((v >> 4) & 15, 4),
			.b = widen(v & 15, 4),
		};
	case DRM_FORMAT_XRGB2101010:
	case DRM_FORMAT_ARGB2101010:
	case DRM_FORMAT_XBGR2101010:
	case DRM_FORMAT_ABGR2101010: {
		bool bgr = fb->format == DRM_FORMAT_XBGR2101010 ||
			   fb->format == DRM_FORMAT_ABGR2101010;
		bool alpha = fb->format == DRM_FORMAT_ARGB2101010 ||
			     fb->format == DRM_FORMAT_ABGR2101010;
		uint16_t hi, lo;

		v = le(p, 4);
		hi = widen((v >> 20) & 1023, 10);
		lo = widen(v & 1023, 10);
		return (struct pd_ref_px){
			.a = alpha ? widen(v >> 30, 2) : 0xffff,
			.r = bgr ? lo : hi,
			.g = widen((v >> 10) & 1023, 10),
			.b = bgr ? hi : lo,
		};
	}
	default: {	/* 16161616 variants */
		bool bgr = fb->format == DRM_FORMAT_XBGR16161616 ||
			   fb->format == DRM_FORMAT_ABGR16161616;
		bool alpha = fb->format == DRM_FORMAT_ARGB16161616 ||
			     fb->format == DRM_FORMAT_ABGR16161616;
		uint16_t c0 = le(p, 2), c1 = le(p + 2, 2), c2 = le(p + 4, 2);

		return (struct pd_ref_px){
			.a = alpha ? le(p + 6, 2) : 0xffff,
			.r = bgr ? c0 : c2,
			.g = c1,
			.b = bgr ? c2 : c0,
		};
	}
	}
}

/* Rectangles as x1, y1, x2, y2. */
struct rect {
	int64_t x1, y1, x2, y2;
};

static void reflect(struct rect *r, int64_t w, int64_t h, uint32_t rot)
{
	struct rect t = *r;

	if (rot & DRM_MODE_REFLECT_X) {
		r->x1 = w - t.x2;
		r->x2 = w - t.x1;
	}
	if (rot & DRM_MODE_REFLECT_Y) {
		r->y1 = h - t.y2;
		r->y2 = h - t.y1;
	}
}

/* Framebuffer space (size w x h) to the plane's rotated space. */
static void to_rotated(struct rect *r, int64_t w, int64_t h, uint32_t rot)
{
	struct rect t;

	reflect(r, w, h, rot);
	t = *r;
	switch (rot & 0xf) {
	case DRM_MODE_ROTATE_90:
		*r = (struct rect){ t.y1, w - t.x2, t.y2, w - t.x1 };
		break;
	case DRM_MODE_ROTATE_180:
		*r = (struct rect){ w - t.x2, h - t.y2, w - t.x1, h - t.y1 };
		break;
	case DRM_MODE_ROTATE_270:
		*r = (struct rect){ h - t.y2, t.x1, h - t.y1, t.x2 };
		break;
	}
}

/* And back: the inverse of to_rotated(). */
static void from_rotated(struct rect *r, int64_t w, int64_t h, uint32_t rot)
{
	struct rect t = *r;

	switch (rot & 0xf) {
	case DRM_MODE_ROTATE_90:
		*r = (struct rect){ w - t.y2, t.x1, w - t.y1, t.x2 };
		break;
	case DRM_MODE_ROTATE_180:
		*r = (struct rect){ w - t.x2, h - t.y2, w - t.x1, h - t.y1 };
		break;
	case DRM_MODE_ROTATE_270:
		*r = (struct rect){ t.y1, h - t.x2, t.y2, h - t.x1 };
		break;
	}
	reflect(r, w, h, rot);
}

/* Source pixel (nearest) for destination pixel @i of @n over [s1, s2). */
static int64_t sample(int64_t s1, int64_t s2, int64_t i, int64_t n)
{
	int64_t pos = (s1 + (2 * i + 1) * (s2 - s1) / (2 * n)) >> 16;
	int64_t lo = s1 >> 16, hi = (s2 - 1) >> 16;

	return pos < lo ? lo : pos > hi ? hi : pos;
}

static uint16_t mul16(uint32_t a, uint32_t b)
{
	return (uint16_t)((a * b + 32767) / 65535);
}

static void blend(struct pd_ref_px *d, struct pd_ref_px s, uint16_t alpha, int mode)
{
	uint32_t fa = mode == PD_REF_BLEND_NONE ? alpha : mul16(s.a, alpha);
	uint32_t ia = 65535 - fa;

	if (mode == PD_REF_BLEND_PREMULTI) {
		uint32_t r = mul16(s.r, alpha) + mul16(d->r, ia);
		uint32_t g = mul16(s.g, alpha) + mul16(d->g, ia);
		uint32_t b = mul16(s.b, alpha) + mul16(d->b, ia);

		d->r = r > 65535 ? 65535 : r;
		d->g = g > 65535 ? 65535 : g;
		d->b = b > 65535 ? 65535 : b;
	} else {
		d->r = (s.r * fa + d->r * ia + 32767) / 65535;
		d->g = (s.g * fa + d->g * ia + 32767) / 65535;
		d->b = (s.b * fa + d->b * ia + 32767) / 65535;
	}
}

static int by_zpos(const void *a, const void *b)
{
	const struct pd_ref_plane *pa = *(const struct pd_ref_plane *const *)a;
	const struct pd_ref_plane *pb = *(const struct pd_ref_plane *const *)b;

	return (int)pa->zpos - (int)pb->zpos;
}

void pd_ref_compose(const struct pd_ref_plane *planes, int n, uint32_t w,
		    uint32_t h, struct pd_ref_px *frame)
{
	const struct pd_ref_plane *order[16];

	if (n > 16)
		n = 16;
	for (int i = 0; i < n; i++)
		order[i] = &planes[i];
	qsort(order, n, sizeof(order[0]), by_zpos);

	for (size_t i = 0; i < (size_t)w * h; i++)
		frame[i] = (struct pd_ref_px){ .a = 0xffff };

	for (int k = 0; k < n; k++) {
		const struct pd_ref_plane *p = order[k];
		const struct pd_ref_fb *fb = p->fb;
		struct rect r = { p->src_x, p->src_y, (int64_t)p->src_x + p->src_w,
				  (int64_t)p->src_y + p->src_h };

		to_rotated(&r, (int64_t)fb->width << 16, (int64_t)fb->height << 16,
			   p->rotation);
		for (int64_t y = p->crtc_y; y < p->crtc_y + (int64_t)p->crtc_h; y++) {
			if (y < 0 || y >= h)
				continue;
			int64_t v = sample(r.y1, r.y2, y - p->crtc_y, p->crtc_h);

			for (int64_t x = p->crtc_x; x < p->crtc_x + (int64_t)p->crtc_w; x++) {
				if (x < 0 || x >= w)
					continue;
				int64_t u = sample(r.x1, r.x2, x - p->crtc_x, p->crtc_w);
				struct rect px = { u, v, u + 1, v + 1 };

				if (p->rotation != DRM_MODE_ROTATE_0)
					from_rotated(&px, fb->width, fb->height, p->rotation);
				blend(&frame[y * w + x],
				      pd_ref_read(fb, px.x1, px.y1, p->encoding, p->range),
				      p->alpha, p->blend);
			}
		}
	}
}

/*
 * Colour management, as Documentation/overview.rst defines it: entry i of
 * an n-entry LUT stands for input i * 65535 / (n - 1), inputs between two
 * entries interpolate linearly, rounded half up; CTM coefficients become
 * signed Q16 (magnitude rounded, at most 0x7fffffff), each output is the
 * row's sum of products, clamped to 0..65535 after rounding half up.
 */
uint16_t pd_ref_lut(const struct drm_color_lut *lut, unsigned int n, int ch,
		    uint16_t x)
{
	uint64_t pos = (uint64_t)x * (n - 1);
	uint64_t i = pos / 65535, f = pos % 65535;
	const uint16_t *e0 = ch == 0 ? &lut[i].red : ch == 1 ? &lut[i].green : &lut[i].blue;

	if (f == 0)
		return *e0;
	const uint16_t *e1 = ch == 0 ? &lut[i + 1].red : ch == 1 ? &lut[i + 1].green :
				       &lut[i + 1].blue;
	/* Exact rational interpolation, rounded half up. */
	return (uint16_t)(((uint64_t)*e0 * (65535 - f) + (uint64_t)*e1 * f + 32767) / 65535);
}

static int64_t ctm_q16(uint64_t v)
{
	uint64_t mag = v & ~(1ull << 63);
	int64_t q = (int64_t)((mag + (1u << 15)) >> 16);

	if (q > 0x7fffffff)
		q = 0x7fffffff;
	return (v >> 63) ? -q : q;
}

uint64_t pd_ref_ctm_coeff(double v)
{
	uint64_t sign = v < 0 ? 1ull << 63 : 0;

	if (v < 0)
		v = -v;
	return sign | (uint64_t)(v * 4294967296.0 + 0.5);
}

static uint16_t ctm_row(const int64_t *m, const struct pd_ref_px *p)
{
	int64_t acc = m[0] * p->r + m[1] * p->g + m[2] * p->b;

	if (acc <= 0)
		return 0;
	acc = (acc + 32768) >> 16;
	return acc > 65535 ? 65535 : (uint16_t)acc;
}

void pd_ref_color_apply(const struct pd_ref_color *c, struct pd_ref_px *px, size_t n)
{
	int64_t m[9];
	bool dg = c->degamma && c->degamma_n >= 2, g = c->gamma && c->gamma_n >= 2;

	if (c->ctm)
		for (int i = 0; i < 9; i++)
			m[i] = ctm_q16(c->ctm->matrix[i]);
	for (size_t k = 0; k < n; k++) {
		struct pd_ref_px *p = &px[k];

		if (dg) {
			p->r = pd_ref_lut(c->degamma, c->degamma_n, 0, p->r);
			p->g = pd_ref_lut(c->degamma, c->degamma_n, 1, p->g);
			p->b = pd_ref_lut(c->degamma, c->degamma_n, 2, p->b);
		}
		if (c->ctm) {
			struct pd_ref_px in = *p;

			p->r = ctm_row(&m[0], &in);
			p->g = ctm_row(&m[3], &in);
			p->b = ctm_row(&m[6], &in);
		}
		if (g) {
			p->r = pd_ref_lut(c->gamma, c->gamma_n, 0, p->r);
			p->g = pd_ref_lut(c->gamma, c->gamma_n, 1, p->g);
			p->b = pd_ref_lut(c->gamma, c->gamma_n, 2, p->b);
		}
	}
}

uint32_t pd_ref_frame_crc(const struct pd_ref_px *frame, uint32_t w, uint32_t h)
{
	uint8_t *line = malloc((size_t)w * 4);
	struct pd_fsum sum;

	if (!line)
		abort();
	pd_fsum_init(&sum);
	for (uint32_t y = 0; y < h; y++) {
		for (uint32_t x = 0; x < w; x++) {
			const struct pd_ref_px *q = &frame[(size_t)y * w + x];

			line[4 * x] = narrow(q->b, 8);
			line[4 * x + 1] = narrow(q->g, 8);
			line[4 * x + 2] = narrow(q->r, 8);
			line[4 * x + 3] = 0;
		}
		pd_fsum_line(&sum, line, (size_t)w * 4, PD_FSUM_ALL);
	}
	free(line);
	return pd_fsum_final(&sum);
}

static void put(uint8_t *d, uint64_t v, int bytes)
{
	for (int i = 0; i < bytes; i++)
		d[i] = v >> (8 * i);
}

bool pd_ref_write(const struct pd_ref_px *frame, uint32_t w, uint32_t h,
		  uint32_t format, uint8_t *dst, uint32_t pitch)
{
	for (uint32_t y = 0; y < h; y++) {
		uint8_t *d = dst + (size_t)y * pitch;

		for (uint32_t x = 0; x < w; x++) {
			const struct pd_ref_px *q = &frame[(size_t)y * w + x];
			uint64_t r8 = narrow(q->r, 8), g8 = narrow(q->g, 8), b8 = narrow(q->b, 8);

			switch (format) {
			case DRM_FORMAT_XRGB8888:
				put(d + 4 * x, r8 << 16 | g8 << 8 | b8, 4);
				break;
			case DRM_FORMAT_ARGB8888:
				put(d + 4 * x, 0xffu << 24 | r8 << 16 | g8 << 8 | b8, 4);
				break;
			case DRM_FORMAT_XBGR8888:
				put(d + 4 * x, b8 << 16 | g8 << 8 | r8, 4);
				break;
			case DRM_FORMAT_ABGR8888:
				put(d + 4 * x, 0xffu << 24 | b8 << 16 | g8 << 8 | r8, 4);
				break;
			case DRM_FORMAT_RGB565:
				put(d + 2 * x, narrow(q->r, 5) << 11 | narrow(q->g, 6) << 5 |
					       narrow(q->b, 5), 2);
				break;
			case DRM_FORMAT_RGB888:
				put(d + 3 * x, r8 << 16 | g8 << 8 | b8, 3);
				break;
			case DRM_FORMAT_XRGB2101010:
			case DRM_FORMAT_ARGB2101010:
				put(d + 4 * x, (format == DRM_FORMAT_ARGB2101010 ? 3ull << 30 : 0) |
					       (uint64_t)narrow(q->r, 10) << 20 |
					       narrow(q->g, 10) << 10 | narrow(q->b, 10), 4);
				break;
			case DRM_FORMAT_XRGB16161616:
			case DRM_FORMAT_ARGB16161616:
				put(d + 8 * x, (format == DRM_FORMAT_ARGB16161616 ? 0xffffull << 48 : 0) |
					       (uint64_t)q->r << 32 | (uint64_t)q->g << 16 | q->b, 8);
				break;
			default:
				return false;
			}
		}
	}
	return true;
}

void pd_ref_random_fill(uint8_t *p, size_t n, uint32_t seed)
{
	uint32_t s = seed ? seed : 0x9e3779b9u;

	for (size_t i = 0; i < n; i++) {
		s ^= s << 13;
		s ^= s >> 17;
		s ^= s << 5;
		p[i] = s >> 24;
	}
}
