/* SPDX-License-Identifier: GPL-2.0 */
/*
 * primedisp_formats.h - pixel formats: the composer's working pixel, and the
 * readers and writers of every plane and writeback format (primedisp_formats.c).
 *
 * Copyright (C) 2026 The primedisp authors
 */
#ifndef PRIMEDISP_FORMATS_H
#define PRIMEDISP_FORMATS_H

#include <linux/types.h>

#include <drm/drm_fourcc.h>

/**
 * struct pd_px - one pixel in the composer's working format
 * @a: alpha, 0 (transparent) to 0xffff (opaque)
 * @r: red, 16 bits
 * @g: green, 16 bits
 * @b: blue, 16 bits
 */
struct pd_px {
	u16 a, r, g, b;
};

/**
 * struct pd_src - a framebuffer mapped for the CPU, ready to be read
 * @vaddr: address of each colour plane's first pixel (offsets applied)
 * @pitch: bytes per row of each colour plane
 * @info: the framebuffer's format
 * @encoding: YCbCr encoding (enum drm_color_encoding) for YUV formats
 * @range: YCbCr range (enum drm_color_range) for YUV formats
 */
struct pd_src {
	const u8 *vaddr[DRM_FORMAT_MAX_PLANES];
	unsigned int pitch[DRM_FORMAT_MAX_PLANES];
	const struct drm_format_info *info;
	unsigned int encoding;
	unsigned int range;
};

extern const u32 pd_plane_formats[];
extern const unsigned int pd_num_plane_formats;
extern const u32 pd_writeback_formats[];
extern const unsigned int pd_num_writeback_formats;
bool pd_format_supported(u32 format);
bool pd_format_width_ok(const struct drm_format_info *info, u32 width);
void pd_read_pixels(const struct pd_src *s, unsigned int x, unsigned int y,
		    unsigned int n, struct pd_px *out);
void pd_write_pixels(u32 format, const struct pd_px *in, unsigned int n,
		     u8 *dst);
void pd_crc_line(const struct pd_px *in, unsigned int n, u8 *dst);

#endif /* PRIMEDISP_FORMATS_H */
