// SPDX-License-Identifier: GPL-2.0
/*
 * pd_ref - a userspace reference renderer for primedisp's composer.
 *
 * Tests describe the planes of a CRTC the way they commit them and render
 * the expected frame here, independently of the driver, then compare its
 * CRC or writeback output with primedisp's.  The arithmetic follows the
 * contract in Documentation (and drm/primedisp_formats.c): channels widen
 * to 16 bits with rounding, YCbCr converts with fixed Q8 matrices, blending
 * is done in 16 bits, CRCs are over XRGB8888 with channels narrowed with
 * rounding.
 */
#ifndef PD_REF_H
#define PD_REF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <drm_mode.h>	/* struct drm_color_lut, struct drm_color_ctm */

/* One pixel of a composed frame, 16 bits per channel. */
struct pd_ref_px {
	uint16_t a, r, g, b;
};

/* A framebuffer in memory (the test's own copy of what it committed). */
struct pd_ref_fb {
	uint32_t format;
	uint32_t width, height;
	const uint8_t *data[4];		/* first byte of each colour plane */
	uint32_t pitch[4];
};

/* DRM plane property values (enum values as the kernel defines them). */
enum { PD_REF_ENC_BT601, PD_REF_ENC_BT709, PD_REF_ENC_BT2020 };
enum { PD_REF_RANGE_LIMITED, PD_REF_RANGE_FULL };
enum { PD_REF_BLEND_NONE, PD_REF_BLEND_PREMULTI, PD_REF_BLEND_COVERAGE };

struct pd_ref_plane {
	const struct pd_ref_fb *fb;
	/* Source rectangle in 16.16 fixed point, framebuffer coordinates. */
	uint32_t src_x, src_y, src_w, src_h;
	/* Destination on the CRTC (may be partly off screen if unscaled). */
	int32_t crtc_x, crtc_y;
	uint32_t crtc_w, crtc_h;
	uint32_t rotation;		/* DRM_MODE_ROTATE_* | DRM_MODE_REFLECT_* */
	uint16_t alpha;			/* 0xffff: opaque */
	int blend;			/* PD_REF_BLEND_* */
	int encoding, range;		/* PD_REF_ENC_*, PD_REF_RANGE_* */
	unsigned int zpos;
};

/* Does pd_ref know @format? */
bool pd_ref_format_known(uint32_t format);
/* Bytes per pixel of colour plane @plane, and its subsampling. */
int pd_ref_format_layout(uint32_t format, int *num_planes, int cpp[4],
			 int *hsub, int *vsub);

/* Read pixel (@x, @y) of @fb with the given YCbCr settings. */
struct pd_ref_px pd_ref_read(const struct pd_ref_fb *fb, uint32_t x, uint32_t y,
			     int encoding, int range);

/*
 * Compose @n planes (any order; zpos decides) onto a @w x @h black CRTC.
 * @frame receives w * h pixels.
 */
void pd_ref_compose(const struct pd_ref_plane *planes, int n, uint32_t w,
		    uint32_t h, struct pd_ref_px *frame);

/*
 * A CRTC's colour management as committed: a NULL member is a stage that
 * is off.  Applied after blending: degamma, CTM, gamma.
 */
struct pd_ref_color {
	const struct drm_color_lut *degamma;
	unsigned int degamma_n;
	const struct drm_color_ctm *ctm;
	const struct drm_color_lut *gamma;
	unsigned int gamma_n;
};

/* Pass @n composed pixels through @c's stages, in place. */
void pd_ref_color_apply(const struct pd_ref_color *c, struct pd_ref_px *px,
			size_t n);
/* The 16-bit output of the @n-entry @lut for input @x, channel @ch (0 r, 1 g, 2 b). */
uint16_t pd_ref_lut(const struct drm_color_lut *lut, unsigned int n, int ch,
		    uint16_t x);
/* A CTM coefficient in S31.32 sign-magnitude from a double. */
uint64_t pd_ref_ctm_coeff(double v);

/* CRC of a composed frame as primedisp's CRC interface reports it. */
uint32_t pd_ref_frame_crc(const struct pd_ref_px *frame, uint32_t w, uint32_t h);

/*
 * Write a composed frame in writeback @format (pitch @pitch) to @dst.
 * Returns false for a format pd_ref cannot write.
 */
bool pd_ref_write(const struct pd_ref_px *frame, uint32_t w, uint32_t h,
		  uint32_t format, uint8_t *dst, uint32_t pitch);

/* Fill @n bytes with a reproducible pseudo-random sequence from @seed. */
void pd_ref_random_fill(uint8_t *p, size_t n, uint32_t seed);

#endif
