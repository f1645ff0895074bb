// SPDX-License-Identifier: GPL-2.0
/*
 * pd-gamma - load a colour calibration or a night-light curve into the
 * GAMMA_LUT of a display's CRTCs, as a compositor's colour settings would.
 *
 * The curve is built from, in this order: a calibration file (ArgyllCMS
 * .cal, as dispcal and dispwin write, or "R G B" lines), a power curve
 * (--gamma), a white point (--temperature, the night light) and a
 * brightness scale.  It is sampled at the CRTC's GAMMA_LUT_SIZE entries
 * and committed atomically; drivers without GAMMA_LUT get the legacy gamma
 * table.  --plot draws what was loaded as a PNG.
 *
 * Works with any KMS driver; primedisp applies the LUT to what its CRCs and
 * writeback see (Documentation/overview.rst, "Colour management").
 *
 * Copyright (C) 2026 The primedisp authors
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xf86drm.h>
#include <xf86drmMode.h>

#include "pd-common.h"
#include "pd-png.h"

#define TOOL "pd-gamma"
#define MAX_POINTS 65536
#define PLOT 256

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: " TOOL " [OPTIONS]\n"
		"Load a colour calibration or night-light curve into a display's GAMMA_LUT.\n"
		"\n"
		"  -d, --device PATH       DRM card node (default: the first primedisp card)\n"
		"  -c, --crtc N            CRTC index (default: every active CRTC)\n"
		"  -f, --file FILE         calibration: an ArgyllCMS .cal file (dispcal, dispwin)\n"
		"                          or lines of \"R G B\" (0..1, or 0..65535), evenly\n"
		"                          spaced from black to white\n"
		"  -g, --gamma G[:G:G]     raise the curve to 1/G (per channel with three values;\n"
		"                          1.0 leaves it alone)\n"
		"  -t, --temperature K     white point as a colour temperature, 1700..25000 K;\n"
		"                          6500 is neutral, 3400 a typical night light\n"
		"  -b, --brightness B      scale the curve, 0.1..1.0\n"
		"  -r, --reset             remove the curve (GAMMA_LUT off)\n"
		"  -s, --show              print the CRTCs' current curves and change nothing\n"
		"  -p, --plot FILE.png     draw the curve loaded (or shown) as a %dx%d PNG\n"
		"  -h, --help              this text\n"
		"\n"
		"Setting a curve is an atomic commit and needs DRM master: run it where no\n"
		"compositor holds the device (compositors have colour settings of their own).\n"
		"Exit status: 0 done, 1 failed, 2 bad usage.\n", PLOT, PLOT);
}

/* A curve: @n points per channel, evenly spaced inputs from 0 to 1. */
struct curve {
	int n;
	double *v[3];
};

static bool curve_alloc(struct curve *c, int n)
{
	c->n = n;
	for (int ch = 0; ch < 3; ch++) {
		c->v[ch] = calloc((size_t)n, sizeof(double));
		if (!c->v[ch])
			return false;
	}
	return true;
}

static void curve_free(struct curve *c)
{
	for (int ch = 0; ch < 3; ch++)
		free(c->v[ch]);
}

/* Linear interpolation of points (@x[i], @y[i]), @x increasing, at @t. */
static double interp(const double *x, const double *y, int n, double t)
{
	int i = 0;

	if (t <= x[0])
		return y[0];
	if (t >= x[n - 1])
		return y[n - 1];
	while (i < n - 2 && x[i + 1] < t)
		i++;
	if (x[i + 1] == x[i])
		return y[i + 1];
	return y[i] + (t - x[i]) * (y[i + 1] - y[i]) / (x[i + 1] - x[i]);
}

/*
 * Read a calibration into @x (inputs) and @y[3] (outputs), up to MAX_POINTS
 * rows; the number of rows, or -1 after printing why.
 */
static int read_calibration(const char *path, double *x, double *y[3])
{
	int col[4] = { -1, -1, -1, -1 }, nfields = 0, n = 0, line = 0;
	bool cgats = false, in_format = false, in_data = false, any_big = false;
	char buf[1024];
	FILE *f = fopen(path, "r");

	if (!f) {
		fprintf(stderr, TOOL ": cannot open %s: %s\n", path, strerror(errno));
		return -1;
	}
	while (fgets(buf, sizeof(buf), f)) {
		char *tok, *save;
		double v[8];
		int k = 0;

		line++;
		if (line == 1 && !strncmp(buf, "CAL", 3)) {
			cgats = true;
			continue;
		}
		if (cgats && !in_data) {
			if (!strncmp(buf, "BEGIN_DATA_FORMAT", 17)) {
				in_format = true;
			} else if (!strncmp(buf, "END_DATA_FORMAT", 15)) {
				in_format = false;
			} else if (!strncmp(buf, "BEGIN_DATA", 10)) {
				in_data = true;
			} else if (in_format) {
				for (tok = strtok_r(buf, " \t\r\n", &save); tok;
				     tok = strtok_r(NULL, " \t\r\n", &save), nfields++) {
					static const char *const names[4] = {
						"RGB_I", "RGB_R", "RGB_G", "RGB_B" };

					for (int c = 0; c < 4; c++)
						if (!strcmp(tok, names[c]))
							col[c] = nfields;
				}
			}
			continue;
		}
		if (cgats && !strncmp(buf, "END_DATA", 8))
			break;
		if (buf[0] == '#' || strspn(buf, " \t\r\n") == strlen(buf))
			continue;
		for (tok = strtok_r(buf, " \t\r\n", &save); tok && k < 8;
		     tok = strtok_r(NULL, " \t\r\n", &save)) {
			char *end;

			v[k++] = strtod(tok, &end);
			if (*end) {
				fprintf(stderr, TOOL ": %s:%d: \"%s\" is not a number\n", path,
					line, tok);
				fclose(f);
				return -1;
			}
		}
		if (n == MAX_POINTS) {
			fprintf(stderr, TOOL ": %s: more than %d points\n", path, MAX_POINTS);
			fclose(f);
			return -1;
		}
		if (cgats) {
			if (col[0] < 0 || col[1] < 0 || col[2] < 0 || col[3] < 0 ||
			    k < nfields) {
				fprintf(stderr, TOOL ": %s:%d: a .cal file needs the fields RGB_I "
					"RGB_R RGB_G RGB_B\n", path, line);
				fclose(f);
				return -1;
			}
			x[n] = v[col[0]];
			for (int c = 0; c < 3; c++)
				y[c][n] = v[col[c + 1]];
		} else {
			if (k != 3) {
				fprintf(stderr, TOOL ": %s:%d: expected three numbers, R G B\n",
					path, line);
				fclose(f);
				return -1;
			}
			for (int c = 0; c < 3; c++) {
				y[c][n] = v[c];
				any_big |= v[c] > 1.0;
			}
		}
		n++;
	}
	fclose(f);
	if (n < 2) {
		fprintf(stderr, TOOL ": %s: fewer than two points\n", path);
		return -1;
	}
	for (int i = 0; i < n; i++) {
		if (!cgats)
			x[i] = (double)i / (n - 1);
		for (int c = 0; c < 3; c++)
			y[c][i] /= any_big ? 65535.0 : 1.0;
		if (i && x[i] < x[i - 1]) {
			fprintf(stderr, TOOL ": %s: the inputs (RGB_I) must not decrease\n", path);
			return -1;
		}
	}
	return n;
}

/*
 * The colour of a black body at @kelvin in linear sRGB (unnormalised): the
 * Planckian locus in CIE 1931 xy (the cubic fits of Kim et al., 2002, valid
 * from 1667 K to 25000 K), to XYZ at Y = 1, to linear sRGB.
 */
static void white_point_xyz(double t, double rgb[3])
{
	double x, y, X, Z;

	if (t <= 4000)
		x = -0.2661239e9 / (t * t * t) - 0.2343589e6 / (t * t) + 0.8776956e3 / t +
		    0.179910;
	else
		x = -3.0258469e9 / (t * t * t) + 2.1070379e6 / (t * t) + 0.2226347e3 / t +
		    0.240390;
	if (t <= 2222)
		y = -1.1063814 * x * x * x - 1.34811020 * x * x + 2.18555832 * x - 0.20219683;
	else if (t <= 4000)
		y = -0.9549476 * x * x * x - 1.37418593 * x * x + 2.09137015 * x - 0.16748867;
	else
		y = 3.0817580 * x * x * x - 5.87338670 * x * x + 3.75112997 * x - 0.37001483;
	X = x / y;
	Z = (1 - x - y) / y;
	rgb[0] = fmax(3.2406 * X - 1.5372 - 0.4986 * Z, 0);
	rgb[1] = fmax(-0.9689 * X + 1.8758 + 0.0415 * Z, 0);
	rgb[2] = fmax(0.0557 * X - 0.2040 + 1.0570 * Z, 0);
}

/*
 * The white point at @kelvin as scales of sRGB-encoded channels: the
 * largest 1, 6500 K neutral.
 */
static void white_point(double kelvin, double scale[3])
{
	double ref[3], max = 0;

	white_point_xyz(kelvin, scale);
	white_point_xyz(6500, ref);
	for (int c = 0; c < 3; c++) {
		scale[c] /= ref[c];
		max = fmax(max, scale[c]);
	}
	/*
	 * The LUT maps encoded values: scale them by the white point encoded
	 * the same way (sRGB), as the night lights of desktops do.
	 */
	for (int c = 0; c < 3; c++) {
		double v = scale[c] / max;

		scale[c] = v <= 0.0031308 ? 12.92 * v : 1.055 * pow(v, 1 / 2.4) - 0.055;
	}
}

struct settings {
	const char *file;
	double gamma[3], kelvin, brightness;
};

/* The curve of @s at @n points into @out; -1 after printing why. */
static int build_curve(const struct settings *s, int n, struct curve *out)
{
	static double cx[MAX_POINTS], cy[3][MAX_POINTS];
	double *y[3] = { cy[0], cy[1], cy[2] }, wp[3] = { 1, 1, 1 };
	int m = 0;

	if (s->file) {
		m = read_calibration(s->file, cx, y);
		if (m < 0)
			return -1;
	}
	if (s->kelvin)
		white_point(s->kelvin, wp);
	if (!curve_alloc(out, n)) {
		fprintf(stderr, TOOL ": out of memory\n");
		return -1;
	}
	for (int i = 0; i < n; i++) {
		double t = (double)i / (n - 1);

		for (int c = 0; c < 3; c++) {
			double v = m ? interp(cx, cy[c], m, t) : t;

			v = pow(fmin(fmax(v, 0), 1), 1 / s->gamma[c]);
			out->v[c][i] = v * wp[c] * s->brightness;
		}
	}
	return 0;
}

/* The active CRTCs (or CRTC index @want) into @crtcs; how many. */
static int active_crtcs(int fd, int want, uint32_t *crtcs, int *index, int max)
{
	drmModeResPtr res = drmModeGetResources(fd);
	int n = 0;

	if (!res)
		return -1;
	for (int i = 0; i < res->count_crtcs && n < max; i++) {
		drmModeCrtcPtr c = drmModeGetCrtc(fd, res->crtcs[i]);

		if (c && (want >= 0 ? want == i : c->mode_valid)) {
			crtcs[n] = c->crtc_id;
			index[n++] = i;
		}
		drmModeFreeCrtc(c);
	}
	drmModeFreeResources(res);
	return n;
}

static const char *master_hint(int err)
{
	return err == EACCES || err == EPERM ?
	       " (another program, a compositor, is DRM master: stop it, or use its own "
	       "colour settings)" : "";
}

/*
 * The number of entries CRTC @crtc takes: GAMMA_LUT_SIZE, or (*@legacy set)
 * the legacy table's size; 0 if it has no colour management.
 */
static int lut_size(int fd, uint32_t crtc, bool *legacy)
{
	uint64_t n = 0;
	drmModeCrtcPtr mc;

	*legacy = !pd_prop_id(fd, crtc, DRM_MODE_OBJECT_CRTC, "GAMMA_LUT");
	if (!*legacy) {
		pd_prop_lookup(fd, crtc, DRM_MODE_OBJECT_CRTC, "GAMMA_LUT_SIZE", &n);
		return n >= 2 && n <= MAX_POINTS ? (int)n : 0;
	}
	mc = drmModeGetCrtc(fd, crtc);
	if (mc && mc->gamma_size >= 2 && mc->gamma_size <= MAX_POINTS)
		n = (uint64_t)mc->gamma_size;
	drmModeFreeCrtc(mc);
	return (int)n;
}

static uint16_t u16_of(double v)
{
	return (uint16_t)lround(65535 * fmin(fmax(v, 0), 1));
}

/*
 * Commit @c (NULL: off) as CRTC @crtc's GAMMA_LUT, or as its legacy table
 * (@c then has the table's size; NULL loads the identity).
 */
static int load(int fd, uint32_t crtc, int index, bool legacy, const struct curve *c,
		int size)
{
	uint32_t prop = pd_prop_id(fd, crtc, DRM_MODE_OBJECT_CRTC, "GAMMA_LUT"), blob = 0;
	drmModeAtomicReqPtr req;
	int ret;

	if (legacy) {
		uint16_t *t = calloc((size_t)size * 3, sizeof(*t));

		if (!t)
			return -1;
		for (int i = 0; i < size; i++)
			for (int ch = 0; ch < 3; ch++)
				t[ch * size + i] = u16_of(c ? c->v[ch][i] : (double)i / (size - 1));
		ret = drmModeCrtcSetGamma(fd, crtc, (uint32_t)size, t, t + size, t + 2 * size);
		free(t);
		if (ret) {
			fprintf(stderr, TOOL ": CRTC %d: setting the legacy gamma table failed: "
				"%s%s\n", index, strerror(errno), master_hint(errno));
			return -1;
		}
		printf(TOOL ": CRTC %d: legacy gamma table of %d entries %s\n", index, size,
		       c ? "loaded" : "reset");
		return 0;
	}

	if (c) {
		struct drm_color_lut *lut = calloc((size_t)c->n, sizeof(*lut));

		if (!lut)
			return -1;
		for (int i = 0; i < c->n; i++) {
			lut[i].red = u16_of(c->v[0][i]);
			lut[i].green = u16_of(c->v[1][i]);
			lut[i].blue = u16_of(c->v[2][i]);
		}
		ret = drmModeCreatePropertyBlob(fd, lut, sizeof(*lut) * c->n, &blob);
		free(lut);
		if (ret) {
			fprintf(stderr, TOOL ": creating the LUT blob failed: %s\n", strerror(errno));
			return -1;
		}
	}
	req = drmModeAtomicAlloc();
	ret = req && drmModeAtomicAddProperty(req, crtc, prop, blob) > 0 ?
	      drmModeAtomicCommit(fd, req, 0, NULL) : -1;
	drmModeAtomicFree(req);
	if (blob)
		drmModeDestroyPropertyBlob(fd, blob);
	if (ret) {
		fprintf(stderr, TOOL ": CRTC %d: setting GAMMA_LUT failed: %s%s\n", index,
			strerror(errno), master_hint(errno));
		return -1;
	}
	if (c)
		printf(TOOL ": CRTC %d: GAMMA_LUT of %d entries loaded\n", index, c->n);
	else
		printf(TOOL ": CRTC %d: GAMMA_LUT removed\n", index);
	return 0;
}

/* CRTC @crtc's GAMMA_LUT as a curve (none: false, and the identity). */
static bool current_curve(int fd, uint32_t crtc, struct curve *c)
{
	drmModePropertyBlobPtr b = NULL;
	uint64_t id = 0;
	int n;

	if (pd_prop_lookup(fd, crtc, DRM_MODE_OBJECT_CRTC, "GAMMA_LUT", &id) && id)
		b = drmModeGetPropertyBlob(fd, (uint32_t)id);
	n = b ? (int)(b->length / sizeof(struct drm_color_lut)) : 0;
	if (n < 2) {
		drmModeFreePropertyBlob(b);
		if (!curve_alloc(c, 2))
			return false;
		for (int ch = 0; ch < 3; ch++)
			c->v[ch][1] = 1;
		return false;
	}
	if (curve_alloc(c, n)) {
		const struct drm_color_lut *lut = b->data;

		for (int i = 0; i < n; i++) {
			c->v[0][i] = lut[i].red / 65535.0;
			c->v[1][i] = lut[i].green / 65535.0;
			c->v[2][i] = lut[i].blue / 65535.0;
		}
	}
	drmModeFreePropertyBlob(b);
	return true;
}

/* Print a curve's value at five inputs. */
static void print_curve(int index, const struct curve *c, bool set)
{
	static const char *const names[3] = { "red", "green", "blue" };

	printf(TOOL ": CRTC %d: %s (%d entries)\n", index,
	       set ? "GAMMA_LUT" : "no GAMMA_LUT, identity", c->n);
	for (int ch = 0; ch < 3; ch++) {
		printf("  %-5s", names[ch]);
		for (int k = 0; k <= 4; k++)
			printf("  %.3f->%.4f", k / 4.0, c->v[ch][(c->n - 1) * k / 4]);
		printf("\n");
	}
}

/*
 * Draw @c as a PLOT x PLOT picture: a grey grid and diagonal (the
 * identity), and the red, green and blue curves.
 */
static int plot(const char *path, const struct curve *c)
{
	static uint32_t px[PLOT * PLOT];
	static const uint32_t colour[3] = { 0xd02020, 0x20a020, 0x2040e0 };

	for (int y = 0; y < PLOT; y++)
		for (int x = 0; x < PLOT; x++)
			px[y * PLOT + x] = x % 64 == 0 || y % 64 == 63 || x == PLOT - 1 ||
					   y == 0 ? 0xd8d8d8 : x == PLOT - 1 - y ? 0xb0b0b0 :
					   0xffffff;
	for (int ch = 0; ch < 3; ch++) {
		int last = -1;

		for (int x = 0; x < PLOT; x++) {
			double t = (double)x / (PLOT - 1) * (c->n - 1);
			int i = (int)t < c->n - 1 ? (int)t : c->n - 2;
			double v = c->v[ch][i] + (t - i) * (c->v[ch][i + 1] - c->v[ch][i]);
			int y = PLOT - 1 - (int)lround(fmin(fmax(v, 0), 1) * (PLOT - 1));
			int a = last < 0 ? y : last, lo = a < y ? a : y, hi = a < y ? y : a;

			/* A vertical run joins this column to the last: no gaps. */
			for (int yy = lo; yy <= hi; yy++)
				px[yy * PLOT + x] = colour[ch];
			last = y;
		}
	}
	if (pd_png_write_xrgb8888(TOOL, path, px, PLOT, PLOT, PLOT * 4))
		return -1;
	printf(TOOL ": curve drawn in %s\n", path);
	return 0;
}

static bool parse_double(const char *s, double lo, double hi, double *v)
{
	char *end;

	*v = strtod(s, &end);
	return end != s && !*end && *v >= lo && *v <= hi;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "crtc", required_argument, NULL, 'c' },
		{ "file", required_argument, NULL, 'f' },
		{ "gamma", required_argument, NULL, 'g' },
		{ "temperature", required_argument, NULL, 't' },
		{ "brightness", required_argument, NULL, 'b' },
		{ "reset", no_argument, NULL, 'r' },
		{ "show", no_argument, NULL, 's' },
		{ "plot", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ }
	};
	struct settings set = { .gamma = { 1, 1, 1 }, .brightness = 1 };
	const char *device = NULL, *png = NULL;
	bool reset = false, show = false, changes = false, bad = false;
	uint32_t crtcs[16];
	int index[16], want = -1, n, fd, opt, rc = 0;

	while ((opt = getopt_long(argc, argv, "d:c:f:g:t:b:rsp:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'd':
			device = optarg;
			break;
		case 'c':
			want = (int)pd_parse_uint(TOOL, optarg, "--crtc", &bad);
			break;
		case 'f':
			set.file = optarg;
			changes = true;
			break;
		case 'g': {
			char *p = optarg, *tok, *save;
			int k = 0;

			for (tok = strtok_r(p, ":", &save); tok && k < 3;
			     tok = strtok_r(NULL, ":", &save))
				if (!parse_double(tok, 0.1, 10, &set.gamma[k++]))
					bad = true;
			if (tok || (k != 1 && k != 3)) {
				bad = true;
			} else if (k == 1) {
				set.gamma[1] = set.gamma[0];
				set.gamma[2] = set.gamma[0];
			}
			if (bad)
				fprintf(stderr, TOOL ": --gamma wants G or R:G:B, each 0.1..10\n");
			changes = true;
			break;
		}
		case 't':
			if (!parse_double(optarg, 1700, 25000, &set.kelvin)) {
				fprintf(stderr, TOOL ": --temperature wants 1700..25000 (kelvin)\n");
				bad = true;
			}
			changes = true;
			break;
		case 'b':
			if (!parse_double(optarg, 0.1, 1, &set.brightness)) {
				fprintf(stderr, TOOL ": --brightness wants 0.1..1.0\n");
				bad = true;
			}
			changes = true;
			break;
		case 'r':
			reset = true;
			break;
		case 's':
			show = true;
			break;
		case 'p':
			png = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, TOOL ": unexpected argument \"%s\"\n", argv[optind]);
		bad = true;
	}
	if (!bad && (int)show + (int)reset + (int)changes != 1) {
		fprintf(stderr, TOOL ": say what to do: a curve (--file, --gamma, --temperature, "
			"--brightness), --reset or --show; see --help\n");
		bad = true;
	}
	if (bad)
		return 2;

	fd = pd_open_device(device);
	if (fd < 0)
		return 1;
	if (drmSetClientCap(fd, DRM_CLIENT_CAP_ATOMIC, 1)) {
		fprintf(stderr, TOOL ": the driver has no atomic mode setting\n");
		close(fd);
		return 1;
	}
	n = active_crtcs(fd, want, crtcs, index, 16);
	if (n <= 0) {
		fprintf(stderr, TOOL ": %s\n", want >= 0 ? "no such CRTC" :
			"no active CRTC: set a mode first (any program that shows something)");
		close(fd);
		return 1;
	}
	for (int i = 0; i < n && !rc; i++) {
		struct curve c = { 0 };
		bool legacy;
		int size = lut_size(fd, crtcs[i], &legacy);

		if (show) {
			bool has = current_curve(fd, crtcs[i], &c);

			print_curve(index[i], &c, has);
		} else if (!size) {
			fprintf(stderr, TOOL ": CRTC %d has neither GAMMA_LUT nor a legacy gamma "
				"table: this driver has no colour management\n", index[i]);
			rc = 1;
		} else if (reset) {
			rc = load(fd, crtcs[i], index[i], legacy, NULL, size) ? 1 : 0;
		} else if (build_curve(&set, size, &c)) {
			rc = 1;
		} else {
			rc = load(fd, crtcs[i], index[i], legacy, &c, size) ? 1 : 0;
		}
		if (!rc && png && c.n)
			rc = plot(png, &c) ? 1 : 0;
		curve_free(&c);
	}
	close(fd);
	return rc;
}
