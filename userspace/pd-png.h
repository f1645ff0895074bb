/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pd-png.h - saving frames as PNG files, for the tools that show people
 * what was on screen.
 *
 * Copyright (C) 2026 The primedisp authors
 */
#ifndef PD_PNG_H
#define PD_PNG_H

#include <stdint.h>

/*
 * Write a @w x @h XRGB8888 (little-endian B, G, R, X bytes) image with rows
 * @pitch bytes apart to @path as an 8-bit RGB PNG.  @tool prefixes error
 * messages.  Returns 0, or -1 after printing what went wrong.
 */
int pd_png_write_xrgb8888(const char *tool, const char *path, const void *data,
			  uint32_t w, uint32_t h, uint32_t pitch);

/*
 * Read the PNG @path (any bit depth and colour type libpng can turn into
 * 8-bit RGB) into a malloc'd XRGB8888 image, rows w * 4 bytes apart, X = 0:
 * *@px, *@w, *@h.  Returns 0, or -1 after printing what went wrong.
 */
int pd_png_read_xrgb8888(const char *tool, const char *path, uint32_t **px,
			 uint32_t *w, uint32_t *h);

#endif
