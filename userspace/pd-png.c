// SPDX-License-Identifier: GPL-2.0
/*
 * pd-png.c - saving frames as PNG files.  See pd-png.h.
 *
 * Copyright (C) 2026 The primedisp authors
 */
#include <errno.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
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

int pd_png_read_xrgb8888(const char *tool, const char *path, uint32_t **px,
			 uint32_t *w, uint32_t *h)
{
	png_structp png;
	png_infop info;
	uint32_t *volatile img = NULL;
	FILE *f = fopen(path, "rb");

	if (!f) {
		fprintf(stderr, "%s: cannot read %s: %s\n", tool, path, strerror(errno));
		return -1;
	}
	png = png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	info = png ? png_create_info_struct(png) : NULL;
	if (!png || !info || setjmp(png_jmpbuf(png))) {
		fprintf(stderr, "%s: %s is not a PNG libpng can read\n", tool, path);
		png_destroy_read_struct(&png, &info, NULL);
		free(img);
		fclose(f);
		return -1;
	}
	png_init_io(png, f);
	png_read_info(png, info);
	/* Whatever is stored, deliver 8-bit B, G, R, X per pixel. */
	png_set_expand(png);
	png_set_strip_16(png);
	png_set_gray_to_rgb(png);
	png_set_strip_alpha(png);
	png_set_bgr(png);
	png_set_filler(png, 0, PNG_FILLER_AFTER);
	png_read_update_info(png, info);
	*w = png_get_image_width(png, info);
	*h = png_get_image_height(png, info);
	img = calloc((size_t)*w * *h, 4);
	if (!img) {
		fprintf(stderr, "%s: no memory for the %ux%u image %s\n", tool, *w, *h, path);
		png_destroy_read_struct(&png, &info, NULL);
		fclose(f);
		return -1;
	}
	for (uint32_t y = 0; y < *h; y++)
		png_read_row(png, (png_bytep)(img + (size_t)y * *w), NULL);
	png_read_end(png, NULL);
	png_destroy_read_struct(&png, &info, NULL);
	fclose(f);
	*px = img;
	return 0;
}
