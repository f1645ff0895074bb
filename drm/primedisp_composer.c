// SPDX-License-Identifier: GPL-2.0
/*
 * primedisp_composer.c - compose what an output shows, for CRCs and
 * writeback.
 *
 * primedisp scans buffers out without touching their pixels.  Only when a
 * consumer needs the composed frame (a CRC reader through DRM's debugfs CRC
 * interface, or a writeback job) does this composer read the planes'
 * buffers, on a worker, row by row: each visible plane's pixels for the row
 * are fetched (nearest-neighbour scaling, rotation and reflection applied),
 * converted to 16 bits per channel (primedisp_formats.c) and blended in
 * zpos order over a black background with the plane's alpha and blend mode.
 * The composed row then feeds the CRC and the writeback buffer.
 *
 * CRC values are the frame checksum (pd_fsum_line()) of the composed
 * frame, row by row, as XRGB8888 with the X byte of every pixel zeroed, so
 * they depend on the visible colours only.
 * The frame number of each CRC is the vblank count of the frame it
 * describes; if the worker falls behind, the missed frames get the same
 * value, so userspace sees every frame number.
 *
 * Copyright (C) 2026 The primedisp authors
 */

#include <linux/bitops.h>
#include <linux/iosys-map.h>
#include <linux/kref.h>
#include <linux/ktime.h>
#include <linux/minmax.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include <drm/drm_atomic.h>
#include <drm/drm_blend.h>
#include <drm/drm_debugfs_crc.h>
#include <drm/drm_drv.h>
#include <drm/drm_fourcc.h>
#include <drm/drm_framebuffer.h>
#include <drm/drm_gem_framebuffer_helper.h>
#include <drm/drm_managed.h>
#include <drm/drm_modeset_lock.h>
#include <drm/drm_print.h>
#include <drm/drm_rect.h>
#include <drm/drm_vblank.h>
#include <drm/drm_writeback.h>

#include <kunit/visibility.h>

#include "primedisp_drv.h"
#include "primedisp_trace.h"

/*
 * The direction of every CPU access to a framebuffer, read or written.
 * An exporter may map its buffer once, with the direction of the first
 * access, and sync later ones on that mapping (udmabuf of 6.12 does):
 * reads and writeback with two directions on one buffer would sync it in
 * a direction it was not mapped for, which the DMA-API debugger reports.
 * Only imported buffers are concerned; for primedisp's own the calls do
 * nothing.
 */
#define PD_CPU_ACCESS	DMA_BIDIRECTIONAL

/**
 * struct pd_layer - one visible plane, mapped and ready to be composed
 * @fb: its framebuffer
 * @map: the framebuffer's GEM objects, mapped
 * @data: the colour planes' addresses (offsets applied)
 * @src: what the format readers need
 * @dst: where the plane lands on the CRTC (clipped)
 * @rsrc: the source rectangle in rotated space, 16.16 fixed point
 * @rot: framebuffer pixel of each rotated-space pixel (pd_rotation_map())
 * @ucol: rotated-space source column of each destination column
 * @alpha: plane alpha, 16 bits
 * @blend: blend mode (DRM_MODE_BLEND_*)
 * @zpos: normalized zpos
 * @cx1: first CRTC column the layer shows (clipped to the CRTC)
 * @cx2: CRTC column after the last one it shows
 * @pipe: the plane's colour pipeline, or NULL if it has no enabled stage
 * @opaque: nothing under the layer shows through it (see pd_layer_setup())
 * @xrgb: a destination row is a plain run of a source row of
 *	XRGB8888/ARGB8888 pixels (unscaled, not rotated, not reflected)
 * @mapped: @map holds mappings to undo
 */
struct pd_layer {
	struct drm_framebuffer *fb;
	struct iosys_map map[DRM_FORMAT_MAX_PLANES];
	struct iosys_map data[DRM_FORMAT_MAX_PLANES];
	struct pd_src src;
	struct drm_rect dst;
	struct drm_rect rsrc;
	struct pd_rot rot;
	int *ucol;
	u16 alpha;
	u16 blend;
	unsigned int zpos;
	int cx1, cx2;
	const struct pd_pipeline *pipe;
	bool opaque;
	bool xrgb;
	bool mapped;
};

/**
 * pd_sample - nearest-neighbour sampling
 * @s1: start of the source span, 16.16
 * @s2: its end (excluded), 16.16
 * @i: destination pixel
 * @n: destination pixels in the span
 *
 * Return: the source pixel whose area holds the centre of destination
 * pixel @i of @n, within [@s1, @s2).
 */
VISIBLE_IF_KUNIT int pd_sample(int s1, int s2, unsigned int i, unsigned int n)
{
	s64 pos = s1 + div_u64((u64)(2 * i + 1) * (s64)(s2 - s1), 2 * n);

	return clamp_t(s64, pos >> 16, s1 >> 16, (s2 - 1) >> 16);
}
EXPORT_SYMBOL_IF_KUNIT(pd_sample);

/* Framebuffer pixel of rotated-space pixel (@u, @v). */
static void pd_rotated_to_fb(unsigned int width, unsigned int height,
			     unsigned int rotation, int u, int v,
			     int *x, int *y)
{
	struct drm_rect r = DRM_RECT_INIT(u, v, 1, 1);

	drm_rect_rotate_inv(&r, width, height, rotation);
	*x = r.x1;
	*y = r.y1;
}

/**
 * pd_rotation_map - how rotated-space pixels map to framebuffer pixels
 * @width: framebuffer width
 * @height: framebuffer height
 * @rotation: DRM_MODE_ROTATE_* with DRM_MODE_REFLECT_* (reflection in
 *	framebuffer space, then a counter-clockwise rotation, as
 *	drm_rect_rotate() does)
 * @m: filled in
 *
 * Rotation and reflection are affine: rotated-space pixel (u, v) shows
 * framebuffer pixel (@m->x0 + @m->xu * u + @m->xv * v, @m->y0 + @m->yu * u +
 * @m->yv * v), with each step -1, 0 or 1.  The composer walks a plane with
 * these steps instead of rotating every pixel.
 */
VISIBLE_IF_KUNIT void pd_rotation_map(unsigned int width, unsigned int height,
				      unsigned int rotation, struct pd_rot *m)
{
	int x1, y1;

	pd_rotated_to_fb(width, height, rotation, 0, 0, &m->x0, &m->y0);
	pd_rotated_to_fb(width, height, rotation, 1, 0, &x1, &y1);
	m->xu = x1 - m->x0;
	m->yu = y1 - m->y0;
	pd_rotated_to_fb(width, height, rotation, 0, 1, &x1, &y1);
	m->xv = x1 - m->x0;
	m->yv = y1 - m->y0;
}
EXPORT_SYMBOL_IF_KUNIT(pd_rotation_map);

static int pd_layer_setup(struct pd_layer *l, const struct pd_snap_plane *ps,
			  int width)
{
	struct drm_framebuffer *fb = ps->fb;
	unsigned int i, w = drm_rect_width(&ps->dst);
	int ret;

	l->fb = fb;
	l->dst = ps->dst;
	l->alpha = ps->alpha;
	l->blend = ps->blend;
	l->zpos = ps->zpos;
	l->pipe = ps->pipe.n ? &ps->pipe : NULL;

	/* Rotation maps framebuffer pixels to CRTC pixels affinely. */
	l->rsrc = ps->src;
	drm_rect_rotate(&l->rsrc, fb->width << 16, fb->height << 16,
			ps->rotation);
	pd_rotation_map(fb->width, fb->height, ps->rotation, &l->rot);

	l->ucol = kvmalloc_array(w, sizeof(*l->ucol), GFP_KERNEL);
	if (!l->ucol)
		return -ENOMEM;
	for (i = 0; i < w; i++)
		l->ucol[i] = pd_sample(l->rsrc.x1, l->rsrc.x2, i, w);

	l->cx1 = max(l->dst.x1, 0);
	l->cx2 = min(l->dst.x2, width);
	/*
	 * Full plane alpha and no pixel alpha (or pixel alpha ignored): the
	 * blend copies the layer's colours whatever is below.
	 */
	l->opaque = l->alpha == 0xffff &&
		    (!fb->format->has_alpha || l->blend == DRM_MODE_BLEND_PIXEL_NONE);
	l->xrgb = (fb->format->format == DRM_FORMAT_XRGB8888 ||
		   fb->format->format == DRM_FORMAT_ARGB8888) &&
		  l->rot.yu == 0 && l->rot.xu == 1 && l->ucol[w - 1] - l->ucol[0] + 1 == w;

	ret = drm_gem_fb_vmap(fb, l->map, l->data);
	if (ret) {
		kvfree(l->ucol);
		return ret;
	}
	l->mapped = true;
	drm_gem_fb_begin_cpu_access(fb, PD_CPU_ACCESS);

	l->src.info = fb->format;
	l->src.encoding = ps->encoding;
	l->src.range = ps->range;
	for (i = 0; i < fb->format->num_planes; i++) {
		l->src.vaddr[i] = l->data[i].vaddr;
		l->src.pitch[i] = fb->pitches[i];
	}
	return 0;
}

static void pd_layer_release(struct pd_layer *l)
{
	if (l->mapped) {
		drm_gem_fb_end_cpu_access(l->fb, PD_CPU_ACCESS);
		drm_gem_fb_vunmap(l->fb, l->map);
	}
	kvfree(l->ucol);
}

/* Framebuffer column and row of layer @l's pixel (0, @y): *fxv, *fyv. */
static void pd_layer_row(const struct pd_layer *l, int y, int *fxv, int *fyv)
{
	int v = pd_sample(l->rsrc.y1, l->rsrc.y2, y - l->dst.y1,
			  drm_rect_height(&l->dst));

	*fxv = l->rot.x0 + l->rot.xv * v;
	*fyv = l->rot.y0 + l->rot.yv * v;
}

/*
 * Fetch the pixels destination row @y shows of layer @l at CRTC columns
 * @x1 to @x2 (exclusive, within the layer) into @px.  @tmp holds a source
 * row.
 */
static void pd_layer_fetch(const struct pd_layer *l, int y, int x1, int x2,
			   struct pd_px *px, struct pd_px *tmp)
{
	unsigned int i0 = x1 - l->dst.x1, n = x2 - x1, i;
	const int *ucol = l->ucol + i0;
	int fxv, fyv;

	pd_layer_row(l, y, &fxv, &fyv);
	if (l->rot.yu == 0) {
		/* A destination row is (part of) one source row. */
		int a = fxv + l->rot.xu * ucol[0];
		int b = fxv + l->rot.xu * ucol[n - 1];
		int lo = min(a, b), hi = max(a, b);

		if (l->rot.xu == 1 && hi - lo + 1 == n) {
			/* Unscaled and unreflected: straight into place. */
			pd_read_pixels(&l->src, lo, fyv, n, px);
			return;
		}
		pd_read_pixels(&l->src, lo, fyv, hi - lo + 1, tmp);
		for (i = 0; i < n; i++)
			px[i] = tmp[fxv + l->rot.xu * ucol[i] - lo];
		return;
	}

	/* Rotated by 90 or 270 degrees: a row is a source column. */
	for (i = 0; i < n; i++)
		pd_read_pixels(&l->src, fxv, fyv + l->rot.yu * ucol[i], 1,
			       px + i);
}

static inline u16 pd_mul16(u32 a, u32 b)
{
	return (a * b + 32767) / 65535;
}

/**
 * pd_blend - blend pixels of a layer over the composed line
 * @acc: the composed line, changed in place
 * @px: @n pixels of the layer
 * @n: how many
 * @alpha: the plane's alpha (0 to 0xffff)
 * @mode: the plane's DRM_MODE_BLEND_*
 */
VISIBLE_IF_KUNIT void pd_blend(struct pd_px *acc, const struct pd_px *px,
			       unsigned int n, u16 alpha, u16 mode)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		const struct pd_px *s = px + i;
		struct pd_px *d = acc + i;
		u32 fa = mode == DRM_MODE_BLEND_PIXEL_NONE ? alpha :
			 pd_mul16(s->a, alpha);
		u32 ia = 65535 - fa;

		if (fa == 65535 && (mode != DRM_MODE_BLEND_PREMULTI ||
				    alpha == 65535)) {
			d->r = s->r;
			d->g = s->g;
			d->b = s->b;
			continue;
		}
		if (mode == DRM_MODE_BLEND_PREMULTI) {
			/* Colours already carry the pixel's alpha. */
			d->r = min_t(u32, pd_mul16(s->r, alpha) + pd_mul16(d->r, ia), 65535);
			d->g = min_t(u32, pd_mul16(s->g, alpha) + pd_mul16(d->g, ia), 65535);
			d->b = min_t(u32, pd_mul16(s->b, alpha) + pd_mul16(d->b, ia), 65535);
		} else {
			d->r = (s->r * fa + d->r * ia + 32767) / 65535;
			d->g = (s->g * fa + d->g * ia + 32767) / 65535;
			d->b = (s->b * fa + d->b * ia + 32767) / 65535;
		}
	}
}
EXPORT_SYMBOL_IF_KUNIT(pd_blend);

/*
 * The frame checksum that primedisp reports as the CRTC's CRC (see "The
 * frame checksum" in Documentation/overview.rst).  It is not a CRC: a CRC
 * is made to find burst errors on a wire, and the slice-by-8 CRC-32 of the
 * older kernels costs the composer more than composing (6 ms a 1024x768
 * frame under emulation, which made CRC readers miss frames).  Tests only
 * compare two values for equality, for which a 64-bit multiply-rotate
 * hash over two independent lanes is as good and several times faster.
 * Userspace computes the same function (igt-tests/lib/pd_fsum.h).
 */
#define PD_FSUM_K	0x9e3779b97f4a7c15ULL
#define PD_FSUM_K2	0xd6e8feb86659fd93ULL
/* Masks applied to each 64-bit word: all bytes, or XRGB with X zeroed. */
#define PD_FSUM_ALL	(~0ULL)
#define PD_FSUM_XRGB	0x00ffffff00ffffffULL

struct pd_fsum {
	u64 a, b;
};

static void pd_fsum_init(struct pd_fsum *s)
{
	s->a = 0x243f6a8885a308d3ULL;
	s->b = 0x13198a2e03707344ULL;
}

static inline u64 pd_fsum_step(u64 h, u64 w)
{
	return rol64((h ^ w) * PD_FSUM_K, 29);
}

/*
 * Add one row of the frame, @n bytes (a multiple of 4) at @p, each 64-bit
 * little-endian word masked with @mask: 16-byte chunks go to the two lanes
 * in turn, an 8-byte rest to lane a, a 4-byte rest to lane b.
 */
static void pd_fsum_line(struct pd_fsum *s, const u8 *p, size_t n, u64 mask)
{
	u64 a = s->a, b = s->b;

	for (; n >= 16; n -= 16, p += 16) {
		a = pd_fsum_step(a, get_unaligned_le64(p) & mask);
		b = pd_fsum_step(b, get_unaligned_le64(p + 8) & mask);
	}
	if (n >= 8) {
		a = pd_fsum_step(a, get_unaligned_le64(p) & mask);
		n -= 8;
		p += 8;
	}
	if (n >= 4)
		b = pd_fsum_step(b, get_unaligned_le32(p) & (u32)mask);
	s->a = a;
	s->b = b;
}

static u32 pd_fsum_final(const struct pd_fsum *s)
{
	u64 x = s->a ^ rol64(s->b, 31);

	x ^= x >> 32;
	x *= PD_FSUM_K2;
	x ^= x >> 29;
	x *= PD_FSUM_K;
	x ^= x >> 32;
	return (u32)x;
}

/*
 * Where column @x of row @y of an XRGB8888/ARGB8888 layer (l->xrgb: one
 * source pixel per CRTC column, left to right) is in its buffer.
 */
static const u8 *pd_layer_xrgb_row(const struct pd_layer *l, int y, int x)
{
	int fxv, fyv;

	pd_layer_row(l, y, &fxv, &fyv);
	return l->src.vaddr[0] + (size_t)fyv * l->src.pitch[0] +
	       (size_t)(fxv + l->ucol[x - l->dst.x1]) * 4;
}

/**
 * struct pd_crc_color - the CRTC's colour stages, for the CRC-only path
 * @c: the prepared stages, or NULL if none is on
 * @grey: if the stages act on each channel alone (no CTM), the CRC bytes
 *	(pd_crc_line()) of the 256 greys v * 257 through them: channel value
 *	v of an 8-bit pixel becomes byte 4 * v (blue), 4 * v + 1 (green) or
 *	4 * v + 2 (red) of it; NULL otherwise
 */
struct pd_crc_color {
	const struct pd_color *c;
	const u8 *grey;
};

/*
 * CRC bytes (pd_crc_line()) of an opaque layer's pixels at CRTC columns
 * @x1 to @x2 of row @y, where nothing covers it: its colours are the
 * frame's, through the CRTC's colour stages @cc.  XRGB8888 and ARGB8888
 * runs are their own CRC bytes with the top byte zeroed (an 8-bit channel
 * widened to 16 bits and narrowed back is itself), or with stages that
 * keep channels apart, bytes of @cc's table: either way they skip the
 * 16-bit working format.
 */
static void pd_layer_crc(const struct pd_layer *l, int y, int x1, int x2,
			 struct pd_px *px, struct pd_px *tmp, u8 *bytes,
			 const struct pd_crc_color *cc)
{
	int i;

	if (x1 >= x2)
		return;
	if (l->xrgb && !cc->c) {
		const u8 *s = pd_layer_xrgb_row(l, y, x1);

		for (i = x1; i < x2; i++, s += 4) {
			__le32 v;

			memcpy(&v, s, 4);
			v &= cpu_to_le32(0x00ffffff);
			memcpy(bytes + 4 * i, &v, 4);
		}
		return;
	}
	if (l->xrgb && cc->grey) {
		const u8 *s = pd_layer_xrgb_row(l, y, x1);
		u8 *d = bytes + 4 * x1;

		for (i = x1; i < x2; i++, s += 4, d += 4) {
			d[0] = cc->grey[4 * s[0]];
			d[1] = cc->grey[4 * s[1] + 1];
			d[2] = cc->grey[4 * s[2] + 2];
			d[3] = 0;
		}
		return;
	}
	pd_layer_fetch(l, y, x1, x2, px, tmp);
	if (cc->c)
		pd_color_apply(cc->c, px, x2 - x1);
	pd_crc_line(px, x2 - x1, bytes + 4 * x1);
}

static bool pd_layer_on_row(const struct pd_layer *l, int y)
{
	return y >= l->dst.y1 && y < l->dst.y2 && l->cx1 < l->cx2;
}

/*
 * CRC bytes of row @y of the frame, when nothing else needs the row.  The
 * topmost opaque layer that covers the whole row hides every layer below
 * it; where no layer above it reaches, its pixels are the frame's
 * (pd_layer_crc()).  Only the columns the layers above it span go through
 * the 16-bit blend, from that layer up.  The arithmetic per pixel is the
 * blend's, and the CRTC's colour stages (@cc) act on each pixel alone, so
 * the values equal those of a full blend.
 */
static void pd_compose_crc_row(struct pd_layer *layers, unsigned int nl,
			       int y, int width, struct pd_px *acc,
			       struct pd_px *px, struct pd_px *tmp, u8 *bytes,
			       struct pd_fsum *sum, const struct pd_crc_color *cc)
{
	int base = -1, s1 = width, s2 = 0, x;
	unsigned int i;

	for (i = nl; i-- > 0;) {
		const struct pd_layer *l = &layers[i];

		if (!pd_layer_on_row(l, y))
			continue;
		if (l->opaque && l->cx1 == 0 && l->cx2 == width) {
			base = i;
			break;
		}
		s1 = min(s1, l->cx1);
		s2 = max(s2, l->cx2);
	}
	if (base >= 0 && s1 >= s2) {
		/* One layer shows alone: an XRGB row is summed in place. */
		if (layers[base].xrgb && !cc->c) {
			pd_fsum_line(sum, pd_layer_xrgb_row(&layers[base], y, 0),
				     (size_t)width * 4, PD_FSUM_XRGB);
			return;
		}
		pd_layer_crc(&layers[base], y, 0, width, px, tmp, bytes, cc);
		pd_fsum_line(sum, bytes, (size_t)width * 4, PD_FSUM_ALL);
		return;
	}
	if (base < 0) {
		s1 = 0;
		s2 = width;
	} else {
		pd_layer_crc(&layers[base], y, 0, s1, px, tmp, bytes, cc);
		pd_layer_crc(&layers[base], y, s2, width, px, tmp, bytes, cc);
	}

	for (x = s1; x < s2; x++)
		acc[x] = (struct pd_px){ .a = 0xffff };
	for (i = base < 0 ? 0 : base; i < nl; i++) {
		const struct pd_layer *l = &layers[i];
		int x1 = max(l->cx1, s1), x2 = min(l->cx2, s2);

		if (!pd_layer_on_row(l, y) || x1 >= x2)
			continue;
		pd_layer_fetch(l, y, x1, x2, px, tmp);
		pd_blend(acc + x1, px, x2 - x1, l->alpha, l->blend);
	}
	if (cc->c)
		pd_color_apply(cc->c, acc + s1, s2 - s1);
	pd_crc_line(acc + s1, s2 - s1, bytes + 4 * s1);
	pd_fsum_line(sum, bytes, (size_t)width * 4, PD_FSUM_ALL);
}

/**
 * struct pd_target - where a composed frame goes
 * @crc: accumulate the frame checksum reported as the CRC
 * @sum: the checksum so far
 * @wb_fb: writeback framebuffer, or NULL
 * @wb_data: its data addresses (mapped when its commit was prepared)
 * @wb_status: what the writeback job is completed with if composing works
 */
struct pd_target {
	bool crc;
	struct pd_fsum sum;
	int wb_status;
	struct drm_framebuffer *wb_fb;
	const struct iosys_map *wb_data;
};

/*
 * Compose the frame a snapshot describes into @t.  The snapshot holds
 * references to its framebuffers, so no modeset lock is needed.  Layers are
 * composed row by row, from the bottom of the zpos stack up, over an opaque
 * black background.
 *
 * Return: 0 or a negative errno.
 */
static int pd_compose(struct pd_output *out, const struct pd_snapshot *snap,
		      struct pd_target *t)
{
	struct pd_layer *layers;
	unsigned int nl = 0, i, y;
	int width = snap->width, height = snap->height;
	struct pd_px *acc = NULL, *px = NULL, *tmp = NULL;
	/* The clock and the byte count only for the tracepoint's reader. */
	bool traced = trace_primedisp_compose_enabled();
	u64 t0 = traced ? ktime_get_ns() : 0, read = 0;
	struct pd_crc_color cc = { };
	struct pd_color color;
	bool pipes = false, crc_only;
	u8 *bytes = NULL;
	int ret = -ENOMEM;

	if (!snap->active || width <= 0 || height <= 0)
		return -EINVAL;
	if (pd_color_prepare(&color, snap)) {
		pd_color_expand(&color, snap, out->luts);
		cc.c = &color;
	} else {
		/* No CRTC colour: no table kept for a LUT that is gone. */
		pd_color_tables_release(out->luts);
	}

	layers = kcalloc(PD_MAX_PLANES, sizeof(*layers), GFP_KERNEL);
	acc = kvmalloc_array(width, sizeof(*acc), GFP_KERNEL);
	px = kvmalloc_array(width, sizeof(*px), GFP_KERNEL);
	tmp = kvmalloc_array(PD_MAX_FB_SIZE, sizeof(*tmp), GFP_KERNEL);
	/* Room for a row's CRC bytes and the 256 greys of cc.grey. */
	bytes = kvmalloc_array(max(width, 256) + 256, 8, GFP_KERNEL);
	if (!layers || !acc || !px || !tmp || !bytes)
		goto out;
	if (cc.c && !color.has_ctm) {
		/* Degamma and gamma act on each channel alone. */
		u8 *grey = bytes + (size_t)max(width, 256) * 8;

		for (i = 0; i < 256; i++)
			tmp[i] = (struct pd_px){ .a = 0xffff, .r = i * 257,
						 .g = i * 257, .b = i * 257 };
		pd_color_apply(&color, tmp, 256);
		pd_crc_line(tmp, 256, grey);
		cc.grey = grey;
	}

	/* The snapshot's planes are sorted by zpos, bottom first. */
	for (i = 0; i < snap->nplanes; i++) {
		const struct pd_snap_plane *sp = &snap->planes[i];

		ret = pd_layer_setup(&layers[nl], sp, width);
		if (ret)
			goto out;
		if (layers[nl].pipe)
			pipes = true;
		nl++;
		read += (u64)drm_rect_width(&sp->dst) * drm_rect_height(&sp->dst) *
			sp->fb->format->cpp[0];
	}

	/*
	 * A job was checked against the mode of the commit that queued it; a
	 * modeset committed before this worker ran may have replaced the
	 * snapshot by one of another size.  That frame is gone: the job fails
	 * instead of being written past the end of its buffer.
	 */
	if (t->wb_fb && (t->wb_fb->width != width || t->wb_fb->height != height)) {
		t->wb_status = -ESTALE;
		t->wb_fb = NULL;
	}
	if (t->wb_fb)
		drm_gem_fb_begin_cpu_access(t->wb_fb, PD_CPU_ACCESS);

	/*
	 * A plane's colour pipeline changes its pixels before blending: no
	 * CRC-only shortcut then.
	 */
	crc_only = !t->wb_fb && !pipes;
	for (y = 0; y < height; y++) {
		if (crc_only) {
			/* Only the CRC needs the row. */
			pd_compose_crc_row(layers, nl, y, width, acc, px, tmp,
					   bytes, &t->sum, &cc);
			continue;
		}
		for (i = 0; i < width; i++)
			acc[i] = (struct pd_px){ .a = 0xffff };
		for (i = 0; i < nl; i++) {
			struct pd_layer *l = &layers[i];

			if (!pd_layer_on_row(l, y))
				continue;
			pd_layer_fetch(l, y, l->cx1, l->cx2, px, tmp);
			if (l->pipe)
				pd_pipeline_apply(l->pipe, px, l->cx2 - l->cx1);
			pd_blend(acc + l->cx1, px, l->cx2 - l->cx1, l->alpha,
				 l->blend);
		}
		if (color.active)
			pd_color_apply(&color, acc, width);
		if (t->crc) {
			pd_crc_line(acc, width, bytes);
			pd_fsum_line(&t->sum, bytes, (size_t)width * 4,
				     PD_FSUM_ALL);
		}
		if (t->wb_fb)
			pd_write_pixels(t->wb_fb->format->format, acc, width,
					(u8 *)t->wb_data[0].vaddr +
					(size_t)y * t->wb_fb->pitches[0]);
	}
	ret = 0;

	if (t->wb_fb)
		drm_gem_fb_end_cpu_access(t->wb_fb, PD_CPU_ACCESS);
out:
	for (i = 0; i < nl; i++)
		pd_layer_release(&layers[i]);
	kfree(layers);
	kvfree(acc);
	kvfree(px);
	kvfree(tmp);
	kvfree(bytes);
	if (traced && !ret)
		trace_primedisp_compose(drm_crtc_index(&out->crtc), width, height,
					nl, read, ktime_get_ns() - t0);
	return ret;
}

static void pd_snapshot_release(struct kref *ref)
{
	struct pd_snapshot *snap = container_of(ref, struct pd_snapshot, ref);
	unsigned int i;

	for (i = 0; i < snap->nplanes; i++) {
		drm_framebuffer_put(snap->planes[i].fb);
		pd_pipeline_release(&snap->planes[i].pipe);
	}
	pd_color_snapshot_release(snap);
	kfree(snap);
}

static void pd_snapshot_put(struct pd_snapshot *snap)
{
	if (snap)
		kref_put(&snap->ref, pd_snapshot_release);
}

/*
 * Add a visible plane to @snap, keeping the planes sorted by zpos; @state is
 * the commit that gave the plane state @ps, for the states of the plane's
 * colour pipeline stages it changed.
 */
static void pd_snapshot_add(struct pd_snapshot *snap, struct drm_plane *plane,
			    const struct drm_plane_state *ps,
			    struct drm_atomic_commit *state)
{
	struct pd_snap_plane *sp;
	unsigned int j;

	if (!ps->visible || !ps->fb || snap->nplanes == PD_MAX_PLANES)
		return;
	sp = &snap->planes[snap->nplanes];
	sp->plane = plane;
	sp->fb = ps->fb;
	drm_framebuffer_get(sp->fb);
	sp->src = ps->src;
	sp->dst = ps->dst;
	sp->rotation = ps->rotation;
	sp->alpha = ps->alpha;
	sp->blend = ps->pixel_blend_mode;
	sp->zpos = ps->normalized_zpos;
	sp->encoding = ps->color_encoding;
	sp->range = ps->color_range;
	pd_colorop_snapshot(&sp->pipe, ps, state);
	for (j = snap->nplanes; j > 0 && snap->planes[j - 1].zpos > snap->planes[j].zpos; j--)
		swap(snap->planes[j - 1], snap->planes[j]);
	snap->nplanes++;
}

/* Make @snap what the composer uses from now on. */
static void pd_snapshot_publish(struct pd_output *out, struct pd_snapshot *snap)
{
	struct pd_snapshot *old;

	spin_lock_irq(&out->lock);
	old = out->snap;
	out->snap = snap;
	spin_unlock_irq(&out->lock);
	pd_snapshot_put(old);
}

static struct pd_snapshot *pd_snapshot_get(struct pd_output *out)
{
	struct pd_snapshot *snap;

	spin_lock_irq(&out->lock);
	snap = out->snap;
	if (snap)
		kref_get(&snap->ref);
	spin_unlock_irq(&out->lock);
	return snap;
}

/**
 * pd_composer_check - allocate the snapshot a CRTC state's commit publishes
 * @state: the new state of a primedisp CRTC, being checked
 *
 * Every commit that changes anything on a CRTC publishes a new snapshot
 * (pd_composer_commit()), and so does an asynchronous plane update
 * (pd_composer_plane_update()).  Both run after the commit was accepted,
 * where a failure cannot be reported: the memory is taken here, while the
 * commit can still fail, and only filled in there.
 *
 * Return: 0 or -ENOMEM.
 */
int pd_composer_check(struct drm_crtc_state *state)
{
	struct pd_crtc_state *s = to_pd_crtc_state(state);

	if (!s->snap)
		s->snap = kzalloc(sizeof(*s->snap), GFP_KERNEL);
	return s->snap ? 0 : -ENOMEM;
}

/*
 * The empty snapshot pd_composer_check() allocated for @crtc's new state
 * in @state, now owned by the caller.  Every path to a commit checks the
 * state first; should one not, the snapshot is allocated here, and if that
 * fails NULL is returned: what the output showed before stays.
 */
static struct pd_snapshot *pd_snapshot_take(struct drm_crtc *crtc,
					    struct drm_atomic_commit *state)
{
	struct drm_crtc_state *cs = drm_atomic_get_new_crtc_state(state, crtc);
	struct pd_snapshot *snap = NULL;

	if (cs) {
		snap = to_pd_crtc_state(cs)->snap;
		to_pd_crtc_state(cs)->snap = NULL;
	}
	if (!snap)
		snap = kzalloc(sizeof(*snap), GFP_KERNEL);
	if (snap)
		kref_init(&snap->ref);
	return snap;
}

/**
 * pd_composer_commit - record what a commit puts on screen
 * @out: the output
 * @state: the commit, in its commit tail (its fences have signalled)
 *
 * The composer must show a commit's planes from the moment the commit is
 * applied, not from the moment its states were swapped in (which, for a
 * nonblocking commit waiting for fences, is earlier).  So each commit
 * leaves a snapshot of its planes, with references to their framebuffers,
 * that CRCs and writeback compose from until the next one.  Planes on the
 * CRTC that the commit leaves alone contribute their current state: it is
 * not freed before this commit's flip is done, since any commit replacing
 * it waits for that (adding every plane to every commit instead would make
 * each flip a dependency of the next cursor move).
 */
void pd_composer_commit(struct pd_output *out, struct drm_atomic_commit *state)
{
	struct drm_crtc *crtc = &out->crtc;
	struct drm_crtc_state *cs = drm_atomic_get_new_crtc_state(state, crtc);
	struct pd_snapshot *snap;
	struct drm_plane *plane;

	snap = pd_snapshot_take(crtc, state);
	if (!snap)
		return;
	snap->active = cs->active;
	snap->width = cs->mode.hdisplay;
	snap->height = cs->mode.vdisplay;
	pd_color_snapshot(snap, cs);
	/*
	 * A plane's state, this commit's or the current one of a plane it
	 * leaves alone, may be rewritten in place by an asynchronous update
	 * (the cursor) once this commit's hardware work is done or at any
	 * time: read them and publish under the lock those updates take.
	 */
	mutex_lock(&out->snap_lock);
	drm_for_each_plane_mask(plane, crtc->dev, cs->plane_mask) {
		struct drm_plane_state *ps =
			drm_atomic_get_new_plane_state(state, plane);

		pd_snapshot_add(snap, plane, ps ? ps : plane->state, state);
	}
	pd_snapshot_publish(out, snap);
	mutex_unlock(&out->snap_lock);
}

/**
 * pd_composer_plane_update - record an asynchronous plane update
 * @out: the output
 * @plane: the plane whose current state changed in place
 * @state: the update, with the new state of @out's CRTC
 *
 * The latest snapshot with @plane's entry replaced by its current state.
 * Called with &pd_output.snap_lock held, as the state was rewritten.
 */
void pd_composer_plane_update(struct pd_output *out, struct drm_plane *plane,
			      struct drm_atomic_commit *state)
{
	struct pd_snapshot *cur = pd_snapshot_get(out), *snap;
	unsigned int i;

	lockdep_assert_held(&out->snap_lock);
	snap = pd_snapshot_take(&out->crtc, state);
	if (!cur) {
		kfree(snap);
		return;
	}
	if (snap) {
		snap->active = cur->active;
		snap->width = cur->width;
		snap->height = cur->height;
		pd_color_snapshot_copy(snap, cur);
		for (i = 0; i < cur->nplanes; i++) {
			const struct pd_snap_plane *sp = &cur->planes[i];
			struct pd_snap_plane *np = &snap->planes[snap->nplanes++];

			if (sp->plane == plane) {
				snap->nplanes--;
				continue;
			}
			*np = *sp;
			drm_framebuffer_get(np->fb);
			pd_pipeline_copy(&np->pipe, &sp->pipe);
		}
		pd_snapshot_add(snap, plane, plane->state, state);
		pd_snapshot_publish(out, snap);
	}
	pd_snapshot_put(cur);
}

/*
 * The composer's worker: composes the current frame once for the CRC of
 * the frames since the last run and for each writeback job the vblank
 * handed over, then reports the CRCs and completes the jobs.
 */
static void pd_compose_work(struct work_struct *work)
{
	struct pd_output *out = container_of(work, struct pd_output, crc_work);
	struct drm_writeback_connector *wb = &out->writeback;
	struct pd_snapshot *snap = pd_snapshot_get(out);
	struct pd_target t = { };
	unsigned int jobs, refs = 0;
	u64 frame, start, end;
	int ret;

	spin_lock_irq(&out->lock);
	t.crc = out->crc_pending;
	start = out->crc_frame_start;
	end = out->crc_frame_end;
	out->crc_pending = false;
	jobs = out->wb_active;
	spin_unlock_irq(&out->lock);

	do {
		struct pd_wb_job *job = NULL;

		if (jobs) {
			/*
			 * Jobs leave the list only here: the first one stays
			 * valid until this worker completes it.
			 */
			spin_lock_irq(&out->lock);
			job = list_first_entry_or_null(&out->wb_jobs,
						       struct pd_wb_job, node);
			spin_unlock_irq(&out->lock);
		}
		t.wb_fb = job ? job->fb : NULL;
		t.wb_data = job ? job->data : NULL;
		t.wb_status = 0;
		pd_fsum_init(&t.sum);

		ret = snap ? pd_compose(out, snap, &t) : -EINVAL;

		if (t.crc && !ret) {
			u32 crc = pd_fsum_final(&t.sum);

			/* Every frame since the last report shows this. */
			for (frame = start; frame <= end; frame++)
				drm_crtc_add_crc_entry(&out->crtc, true, frame,
						       &crc);
		}
		t.crc = false;
		if (!jobs)
			break;
		if (job) {
			/* The core frees the job once it is completed. */
			spin_lock_irq(&out->lock);
			list_del(&job->node);
			spin_unlock_irq(&out->lock);
			drm_writeback_signal_completion(wb, ret ?: t.wb_status);
		}
		spin_lock_irq(&out->lock);
		out->wb_active--;
		if (!out->wb_active && !out->wb_queued) {
			refs = out->wb_vblank_refs;
			out->wb_vblank_refs = 0;
		}
		spin_unlock_irq(&out->lock);
	} while (--jobs);

	pd_snapshot_put(snap);
	while (refs--)
		drm_crtc_vblank_put(&out->crtc);
}

/**
 * pd_composer_vblank - account a vblank for the composer
 * @out: the output whose vblank just happened (timer context)
 *
 * Records the vblank's frame number if CRCs are being read, hands one
 * queued writeback job to the composer, and queues the worker if it has
 * something to do.
 */
void pd_composer_vblank(struct pd_output *out)
{
	bool crc = READ_ONCE(out->crc_enabled), run = false;
	u64 frame = 0;

	if (crc)
		frame = drm_crtc_accurate_vblank_count(&out->crtc);

	spin_lock(&out->lock);
	if (crc) {
		/*
		 * A late timer can account several vblanks at once; start at
		 * the first frame not reported yet so that no frame number
		 * is missing.
		 */
		if (!out->crc_pending)
			out->crc_frame_start = out->crc_frame_next &&
					       out->crc_frame_next <= frame ?
					       out->crc_frame_next : frame;
		out->crc_frame_end = frame;
		out->crc_frame_next = frame + 1;
		out->crc_pending = true;
		run = true;
	}
	if (out->wb_queued) {
		out->wb_queued--;
		out->wb_active++;
		run = true;
	}
	spin_unlock(&out->lock);
	if (run)
		queue_work(out->crc_wq, &out->crc_work);
}

/**
 * pd_composer_wait - wait for a composition under way to finish
 * @out: the output
 *
 * A composition takes a reference to the snapshot it starts with and reads
 * its framebuffers until it ends.  After a new snapshot was published, the
 * ones started before may still read the buffers it replaced; once this
 * returns, nothing reads them any more (compositions started later use the
 * new snapshot).  May sleep.
 */
void pd_composer_wait(struct pd_output *out)
{
	flush_work(&out->crc_work);
}

static void pd_composer_release(struct drm_device *drm, void *data)
{
	struct pd_output *out = data;

	/* The vblank timer, which queues the work, is stopped already. */
	destroy_workqueue(out->crc_wq);
	pd_color_tables_release(out->luts);
	pd_snapshot_put(out->snap);
	out->snap = NULL;
}

/**
 * pd_composer_init - set up the CRC worker of an output
 * @out: the output, whose CRTC is initialised
 *
 * Return: 0 or a negative errno.
 */
int pd_composer_init(struct pd_output *out)
{
	INIT_WORK(&out->crc_work, pd_compose_work);
	out->crc_wq = alloc_ordered_workqueue("primedisp-crc-%u", 0,
					      drm_crtc_index(&out->crtc));
	if (!out->crc_wq)
		return -ENOMEM;
	return drmm_add_action_or_reset(out->crtc.dev, pd_composer_release,
					out);
}
