// SPDX-License-Identifier: GPL-2.0
/*
 * pd-png.c - saving frames as PNG files.  See pd-png.h.
 *
 * Copyright (C) 2026 The primedisp authors
 */
#include <errno.h>
#include <png.h>
#include <stdio.h>
#include <string.h>

#include "pd-png.h"

int pd_png_write_xrgb8888(const char *tool, const char *path, const void *data,
			  uint32_t w, uint32_t h, uint32_t pitch)
{
	png_structp png;
	png_infop info;
	FILE *f = fopen(path, "wb");

	if (!f) {
		fprintf(stderr, "%s: cannot write %s: %s\n", tool, path, strerror(errno));
		return -1;
	}
	png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	info = png ? png_create_info_struct(png) : NULL;
	if (!png || !info || setjmp(png_jmpbuf(png))) {
		fprintf(stderr, "%s: libpng failed writing %s\n", tool, path);
		png_destroy_write_struct(&png, &info);
		fclose(f);
		return -1;
	}
	png_init_io(png, f);
	png_set_IHDR(png, info, w, h, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
		     PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	png_write_info(png, info);
	/* XRGB8888 little-endian is B, G, R, X in memory. */
	png_set_filler(png, 0, PNG_FILLER_AFTER);
	png_set_bgr(png);
	for (uint32_t y = 0; y < h; y++)
		png_write_row(png, (png_const_bytep)data + (size_t)y * pitch);
	png_write_end(png, NULL);
	png_destroy_write_struct(&png, &info);
	if (fclose(f)) {
		fprintf(stderr, "%s: writing %s failed: %s\n", tool, path, strerror(errno));
		return -1;
	}
	return 0;
}
