// SPDX-License-Identifier: GPL-2.0
/*
 * compose.c - composer throughput with CRCs on, and the memcpy yardstick.
 *
 * pdbench compose DRIVER WxH CASE SECONDS RUNS [FUNCTION]
 *   Sets a WxH 60 Hz mode on DRIVER's first output with the planes of
 *   CASE: "one" (XRGB8888 primary), "three" (XRGB8888 primary, an ARGB8888
 *   overlay of half the size and a 64x64 ARGB8888 cursor, both with
 *   partial alpha), "nv12" (NV12 primary), "gamma" ("one" with a
 *   GAMMA_LUT of the CRTC's GAMMA_LUT_SIZE) or "gamma-ctm" ("gamma" and a
 *   CTM; a driver without CTM prints no result for it).  Every case sets
 *   GAMMA_LUT and CTM, off where it does not use them, since they outlive
 *   the process that set them.  Each run reads the CRTC's
 *   CRCs for SECONDS, so the driver composes a frame at every vblank (or
 *   back to back when it cannot keep up).  Per-frame time comes from:
 *    - primedisp's tracepoint primedisp_compose (ns of each frame),
 *    - function_graph tracing of FUNCTION, the driver's composer work
 *      function, if given: the same yardstick for every driver.
 *
 * pdbench memcpy WxH RUNS
 *   memcpy of a WxH XRGB8888 frame between two buffers in this process.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <drm_fourcc.h>

#include "bench.h"
#include "../igt-tests/lib/pd_fsum.h"

#define TRACEFS "/sys/kernel/tracing"
#define MAX_RUNS 32

static bool trace_write(const char *file, const char *val)
{
	char path[128];
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), TRACEFS "/%s", file);
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = write(fd, val, strlen(val));
	close(fd);
	return n == (ssize_t)strlen(val);
}

static bool trace_setup(const char *func)
{
	trace_write("tracing_on", "0");
	trace_write("current_tracer", "nop");
	if (!trace_write("set_ftrace_filter", func)) {
		fprintf(stderr, "pdbench: cannot trace %s (tracefs, or not a traceable function)\n",
			func);
		return false;
	}
	return trace_write("current_tracer", "function_graph") &&
	       trace_write("trace", "");
}

static void trace_teardown(void)
{
	trace_write("tracing_on", "0");
	trace_write("current_tracer", "nop");
	trace_write("set_ftrace_filter", "");
}

/* Mean duration (ms) of the traced calls since the last clear; 0 if none. */
static double trace_collect(int *calls)
{
	FILE *f = fopen(TRACEFS "/trace", "re");
	char line[512];
	double sum = 0;

	*calls = 0;
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		char *us = strstr(line, " us "), *p;

		if (!us || line[0] == '#')
			continue;
		/* "DURATION us   |": the number right before " us " */
		for (p = us + 3; *p == ' '; p++)
			;
		if (*p != '|')
			continue;
		p = us;
		while (p > line && (p[-1] == '.' || (p[-1] >= '0' && p[-1] <= '9')))
			p--;
		sum += strtod(p, NULL);
		(*calls)++;
	}
	fclose(f);
	trace_write("trace", "");
	return *calls ? sum / *calls / 1000.0 : 0;
}

/* Read CRC entries of CRTC @idx for @seconds; returns the entries read. */
static int read_crcs(struct bench_dev *d, int idx, double seconds)
{
	char path[160], buf[256];
	double end;
	int ctl, data, n = 0;

	snprintf(path, sizeof(path), "%s/crtc-%d/crc/control", d->debugfs, idx);
	ctl = open(path, O_WRONLY | O_CLOEXEC);
	if (ctl < 0 || write(ctl, "auto", 4) != 4)
		bench_die("cannot select CRC source auto in %s: %s", path, strerror(errno));
	snprintf(path, sizeof(path), "%s/crtc-%d/crc/data", d->debugfs, idx);
	data = open(path, O_RDONLY | O_CLOEXEC);
	if (data < 0)
		bench_die("cannot open %s: %s", path, strerror(errno));
	end = bench_now() + seconds;
	while (bench_now() < end) {
		struct pollfd pfd = { .fd = data, .events = POLLIN };

		if (poll(&pfd, 1, 100) == 1) {
			ssize_t r = read(data, buf, sizeof(buf));

			if (r <= 0)
				bench_die("reading %s: %s", path, strerror(errno));
			n++;
		}
	}
	close(data);
	close(ctl);
	return n;
}

static bool prop_value(int fd, uint32_t obj, uint32_t type, const char *name, uint64_t *v)
{
	drmModeObjectPropertiesPtr props = drmModeObjectGetProperties(fd, obj, type);
	bool found = false;

	for (uint32_t i = 0; props && i < props->count_props && !found; i++) {
		drmModePropertyPtr p = drmModeGetProperty(fd, props->props[i]);

		if (p && !strcmp(p->name, name)) {
			*v = props->prop_values[i];
			found = true;
		}
		drmModeFreeProperty(p);
	}
	drmModeFreeObjectProperties(props);
	return found;
}

/*
 * Add CASE's colour management to @req: a gamma curve (2.2's inverse) and,
 * for "gamma-ctm", a colour-mixing CTM; both off for the other cases.
 * Returns false if the driver lacks what the case needs.  Blob ids go to
 * @blobs[2] (0: none).
 */
static bool req_color(struct bench_dev *d, drmModeAtomicReqPtr req, const char *cas,
		      uint32_t *blobs)
{
	/* S31.32 sign-magnitude: 0.8 0.2 0 / 0.1 0.8 0.1 / 0 0.2 0.8 */
	static const uint64_t ctm[9] = {
		0xccccccccull, 0x33333333ull, 0, 0x19999999ull, 0xccccccccull,
		0x19999999ull, 0, 0x33333333ull, 0xccccccccull,
	};
	const uint32_t crtc = d->out[0].crtc, t = DRM_MODE_OBJECT_CRTC;
	bool gamma = !strcmp(cas, "gamma") || !strcmp(cas, "gamma-ctm");
	bool want_ctm = !strcmp(cas, "gamma-ctm");
	uint64_t n = 0, unused;
	bool has_ctm = prop_value(d->fd, crtc, t, "CTM", &unused);
	struct drm_color_lut *lut;

	blobs[0] = blobs[1] = 0;
	if (!prop_value(d->fd, crtc, t, "GAMMA_LUT", &unused))
		return !gamma;
	if (want_ctm && !has_ctm)
		return false;
	if (gamma) {
		if (!prop_value(d->fd, crtc, t, "GAMMA_LUT_SIZE", &n) || n < 2 || n > 65536)
			bench_die("%s: GAMMA_LUT_SIZE missing or odd", d->driver);
		lut = calloc(n, sizeof(*lut));
		if (!lut)
			bench_die("out of memory");
		for (uint64_t i = 0; i < n; i++) {
			uint16_t v = (uint16_t)(65535.0 * pow((double)i / (n - 1), 1 / 2.2) + 0.5);

			lut[i].red = lut[i].green = lut[i].blue = v;
		}
		if (drmModeCreatePropertyBlob(d->fd, lut, n * sizeof(*lut), &blobs[0]))
			bench_die("GAMMA_LUT blob: %s", strerror(errno));
		free(lut);
	}
	if (want_ctm && drmModeCreatePropertyBlob(d->fd, ctm, sizeof(ctm), &blobs[1]))
		bench_die("CTM blob: %s", strerror(errno));
	bench_add(req, d->fd, crtc, t, "GAMMA_LUT", blobs[0]);
	if (has_ctm)
		bench_add(req, d->fd, crtc, t, "CTM", blobs[1]);
	return true;
}

int bench_compose(int argc, char **argv)
{
	double counter[MAX_RUNS], traced[MAX_RUNS], fps[MAX_RUNS];
	int w, h, runs, nc = 0, nt = 0;
	struct bench_fb prim, ov = { 0 }, cur = { 0 };
	const char *driver, *cas, *func;
	drmModeAtomicReqPtr req;
	struct bench_dev d;
	char name[160];
	double seconds;
	bool three, tracing = false;
	uint32_t color_blobs[2];

	if (argc < 6 || sscanf(argv[2], "%dx%d", &w, &h) != 2)
		bench_die("usage: compose DRIVER WxH one|three|nv12|gamma|gamma-ctm SECONDS RUNS "
			  "[FUNCTION]");
	driver = argv[1];
	cas = argv[3];
	seconds = atof(argv[4]);
	runs = atoi(argv[5]);
	func = argc > 6 ? argv[6] : NULL;
	if (runs < 1 || runs > MAX_RUNS)
		bench_die("RUNS must be 1..%d", MAX_RUNS);
	three = !strcmp(cas, "three");
	if (!three && strcmp(cas, "one") && strcmp(cas, "nv12") && strcmp(cas, "gamma") &&
	    strcmp(cas, "gamma-ctm"))
		bench_die("unknown case %s", cas);
	if (!bench_open(&d, driver))
		bench_die("no %s device", driver);

	bench_fb_create(d.fd, strcmp(cas, "nv12") ? DRM_FORMAT_XRGB8888 : DRM_FORMAT_NV12,
			w, h, 1, &prim);
	req = drmModeAtomicAlloc();
	bench_req_modeset(&d, req, 0, bench_mode_blob(d.fd, w, h, 60));
	bench_req_plane(&d, req, 0, d.out[0].primary, &prim, 0, 0);
	if (three) {
		if (!d.overlay || !d.cursor)
			bench_die("%s has no overlay or cursor plane", driver);
		bench_fb_create(d.fd, DRM_FORMAT_ARGB8888, w / 2, h / 2, 2, &ov);
		bench_fb_create(d.fd, DRM_FORMAT_ARGB8888, 64, 64, 3, &cur);
		bench_req_plane(&d, req, 0, d.overlay, &ov, w / 4, h / 4);
		bench_req_plane(&d, req, 0, d.cursor, &cur, w / 3, h / 3);
	} else {
		if (d.overlay)
			bench_req_plane(&d, req, 0, d.overlay, NULL, 0, 0);
		if (d.cursor)
			bench_req_plane(&d, req, 0, d.cursor, NULL, 0, 0);
	}
	if (!req_color(&d, req, cas, color_blobs)) {
		printf("INFO compose.%s.%s: not supported by %s\n", driver, cas, driver);
		drmModeAtomicFree(req);
		bench_fb_destroy(d.fd, &prim);
		bench_close(&d);
		return 0;
	}
	if (drmModeAtomicCommit(d.fd, req, DRM_MODE_ATOMIC_ALLOW_MODESET, NULL))
		bench_die("%s: mode set %dx%d %s: %s", driver, w, h, cas, strerror(errno));
	drmModeAtomicFree(req);
	for (int i = 0; i < 2; i++)
		if (color_blobs[i])
			drmModeDestroyPropertyBlob(d.fd, color_blobs[i]);

	if (func)
		tracing = trace_setup(func);
	read_crcs(&d, d.out[0].crtc_index, 0.3);	/* warm up: caches, first maps */
	for (int r = 0; r < runs; r++) {
		long long f0, b0, n0, f1, b1, n1;
		bool have = bench_composer_counters(&d, &f0, &b0, &n0);
		double t0 = bench_now();
		int calls;

		if (tracing) {
			trace_collect(&calls);
			trace_write("tracing_on", "1");
		}
		read_crcs(&d, d.out[0].crtc_index, seconds);
		if (tracing) {
			trace_write("tracing_on", "0");
			traced[nt] = trace_collect(&calls);
			if (calls)
				fps[nt++] = calls / (bench_now() - t0);
		}
		if (have && bench_composer_counters(&d, &f1, &b1, &n1) && f1 > f0 && n1 > n0) {
			counter[nc] = (n1 - n0) / 1e6 / (f1 - f0);
			if (!tracing)
				fps[nc] = (f1 - f0) / (bench_now() - t0);
			nc++;
		}
	}
	if (tracing)
		trace_teardown();

	snprintf(name, sizeof(name), "compose.%s.%s.%dx%d", driver, cas, w, h);
	if (nc) {
		char n2[200];

		snprintf(n2, sizeof(n2), "%s.counter", name);
		bench_result(n2, "ms", counter, nc);
	}
	if (nt) {
		char n2[200];

		snprintf(n2, sizeof(n2), "%s.trace", name);
		bench_result(n2, "ms", traced, nt);
	}
	if (nt || nc) {
		char n2[200];

		snprintf(n2, sizeof(n2), "%s.fps", name);
		bench_result(n2, "frames/s", fps, nt ? nt : nc);
	}
	bench_fb_destroy(d.fd, &prim);
	if (three) {
		bench_fb_destroy(d.fd, &ov);
		bench_fb_destroy(d.fd, &cur);
	}
	bench_close(&d);
	return 0;
}

int bench_memcpy(int argc, char **argv)
{
	double per[MAX_RUNS];
	int w, h, runs;
	char name[64];
	size_t size;
	uint8_t *a, *b;

	if (argc < 3 || sscanf(argv[1], "%dx%d", &w, &h) != 2)
		bench_die("usage: memcpy WxH RUNS");
	runs = atoi(argv[2]);
	if (runs < 1 || runs > MAX_RUNS)
		bench_die("RUNS must be 1..%d", MAX_RUNS);
	size = (size_t)w * h * 4;
	a = malloc(size);
	b = malloc(size);
	if (!a || !b)
		bench_die("out of memory");
	memset(a, 0x5a, size);
	memset(b, 0xa5, size);
	for (int r = 0; r < runs; r++) {
		double t0 = bench_now(), t;
		int n = 0;

		do {
			memcpy(b, a, size);
			/* keep the copy from being optimised away */
			__asm__ __volatile__("" : : "r"(b) : "memory");
			n++;
			t = bench_now() - t0;
		} while (t < 0.3 || n < 3);
		per[r] = t / n * 1e3;
	}
	snprintf(name, sizeof(name), "memcpy.%dx%d", w, h);
	bench_result(name, "ms", per, runs);
	free(a);
	free(b);
	return 0;
}

/*
 * pdbench fsum WxH RUNS
 *   primedisp's frame checksum (igt-tests/lib/pd_fsum.h, the kernel's
 *   pd_fsum_line()) over a WxH XRGB8888 frame in this process, row by row
 *   as the composer feeds it: the floor of a composer that checksums every
 *   byte of the frame.
 */
int bench_fsum(int argc, char **argv)
{
	double per[MAX_RUNS];
	int w, h, runs;
	char name[64];
	size_t size;
	uint8_t *a;
	volatile uint32_t sink;

	if (argc < 3 || sscanf(argv[1], "%dx%d", &w, &h) != 2)
		bench_die("usage: fsum WxH RUNS");
	runs = atoi(argv[2]);
	if (runs < 1 || runs > MAX_RUNS)
		bench_die("RUNS must be 1..%d", MAX_RUNS);
	size = (size_t)w * h * 4;
	a = malloc(size);
	if (!a)
		bench_die("out of memory");
	memset(a, 0x5a, size);
	for (int r = 0; r < runs; r++) {
		double t0 = bench_now(), t;
		int n = 0;

		do {
			/* row by row, as the composer feeds it */
			sink = pd_fsum_xrgb(a, w, h, w * 4);
			n++;
			t = bench_now() - t0;
		} while (t < 0.3 || n < 3);
		per[r] = t / n * 1e3;
	}
	(void)sink;
	snprintf(name, sizeof(name), "fsum.%dx%d", w, h);
	bench_result(name, "ms", per, runs);
	free(a);
	return 0;
}
