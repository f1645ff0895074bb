// SPDX-License-Identifier: GPL-2.0
/*
 * pd-pngcheck - check the PNGs primedisp's tools save (pd-pattern,
 * pdcapture, the demo) against what they must show.
 *
 *   pd-pngcheck bars FILE...       each FILE is pd-pattern's colour bars at
 *                                  its own size, pixel for pixel
 *   pd-pngcheck same A B           A and B hold the same pixels
 *   pd-pngcheck colours N FILE...  each FILE has at least N distinct colours
 *                                  (a picture, not a blank screen)
 *
 * One line per file says what was found; the first pixel that differs is
 * named.  Exit status: 0 all good, 1 a check failed, 2 usage or I/O error.
 *
 * Copyright (C) 2026 The primedisp authors
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pd-common.h"
#include "pd-png.h"

#define TOOL "pd-pngcheck"

struct image {
	uint32_t *px;
	uint32_t w, h;
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: pd-pngcheck bars FILE...\n"
		"       pd-pngcheck same A.png B.png\n"
		"       pd-pngcheck colours N FILE...\n"
		"Check PNGs saved by primedisp's tools (pd-pattern, pdcapture, make demo).\n\n"
		"  bars      each FILE equals pd-pattern's colour bars at its size\n"
		"  same      A and B have the same size and pixels\n"
		"  colours   each FILE has at least N distinct colours\n"
		"  -h, --help  this text\n\n"
		"Exit status: 0 every check passed, 1 one failed, 2 bad usage or an\n"
		"unreadable file.\n");
}

static int load(const char *path, struct image *img)
{
	return pd_png_read_xrgb8888(TOOL, path, &img->px, &img->w, &img->h) ? 2 : 0;
}

/* 0 if @a and @b hold the same pixels, else 1 after naming the first difference. */
static int compare(const char *what, const struct image *a, const struct image *b)
{
	if (a->w != b->w || a->h != b->h) {
		printf("%s: %ux%u, expected %ux%u\n", what, a->w, a->h, b->w, b->h);
		return 1;
	}
	for (size_t i = 0; i < (size_t)a->w * a->h; i++) {
		if ((a->px[i] ^ b->px[i]) & 0xffffff) {
			size_t bad = 0;

			for (size_t j = i; j < (size_t)a->w * a->h; j++)
				bad += !!((a->px[j] ^ b->px[j]) & 0xffffff);
			printf("%s: differs at (%zu,%zu): %06x, expected %06x (%zu pixels differ)\n",
			       what, i % a->w, i / a->w, a->px[i] & 0xffffff,
			       b->px[i] & 0xffffff, bad);
			return 1;
		}
	}
	printf("%s: %ux%u, every pixel as expected\n", what, a->w, a->h);
	return 0;
}

static int check_bars(const char *path)
{
	struct image img, ref;
	int ret = load(path, &img);

	if (ret)
		return ret;
	ref = (struct image){ .w = img.w, .h = img.h, .px = calloc((size_t)img.w * img.h, 4) };
	if (!ref.px) {
		fprintf(stderr, TOOL ": out of memory\n");
		free(img.px);
		return 2;
	}
	pd_draw_bars(ref.px, ref.w, ref.h, ref.w * 4);
	ret = compare(path, &img, &ref);
	free(ref.px);
	free(img.px);
	return ret;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static int check_colours(const char *path, unsigned long min)
{
	struct image img;
	size_t n, distinct = 0;
	int ret = load(path, &img);

	if (ret)
		return ret;
	n = (size_t)img.w * img.h;
	for (size_t i = 0; i < n; i++)
		img.px[i] &= 0xffffff;
	qsort(img.px, n, sizeof(*img.px), cmp_u32);
	for (size_t i = 0; i < n; i++)
		distinct += !i || img.px[i] != img.px[i - 1];
	printf("%s: %ux%u, %zu distinct colours (at least %lu wanted)\n", path, img.w, img.h,
	       distinct, min);
	free(img.px);
	return distinct >= min ? 0 : 1;
}

int main(int argc, char **argv)
{
	int worst = 0;

	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (!strcmp(argv[1], "bars") && argc >= 3) {
		for (int i = 2; i < argc; i++) {
			int r = check_bars(argv[i]);

			worst = r > worst ? r : worst;
		}
	} else if (!strcmp(argv[1], "same") && argc == 4) {
		struct image a, b;
		char what[8192];

		if (load(argv[2], &a))
			return 2;
		if (load(argv[3], &b)) {
			free(a.px);
			return 2;
		}
		snprintf(what, sizeof(what), "%s against %s", argv[2], argv[3]);
		worst = compare(what, &a, &b);
		free(a.px);
		free(b.px);
	} else if (!strcmp(argv[1], "colours") && argc >= 4) {
		char *end;
		unsigned long min = strtoul(argv[2], &end, 10);

		if (*end || !*argv[2]) {
			fprintf(stderr, TOOL ": colours wants a number, not \"%s\"\n", argv[2]);
			return 2;
		}
		for (int i = 3; i < argc; i++) {
			int r = check_colours(argv[i], min);

			worst = r > worst ? r : worst;
		}
	} else {
		usage(stderr);
		return 2;
	}
	return worst;
}
