// SPDX-License-Identifier: GPL-2.0
/*
 * flips.c - page-flip timing at 60 Hz.
 *
 * pdbench flips DRIVER FLIPS RUNS
 *   Sets a 1024x768 60 Hz mode on DRIVER's first output and flips between
 *   two framebuffers FLIPS times per run, each flip committed (nonblocking,
 *   with an event) as soon as the previous one completed, as a client
 *   that renders nothing would.  From the page-flip events' timestamps and
 *   sequence numbers: the mean period, the jitter (standard deviation of
 *   the periods, and the largest distance of one from the nominal period)
 *   and the vblanks missed (sequence steps beyond one per flip).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <drm_fourcc.h>

#include "bench.h"

#define MAX_RUNS 16

int bench_flips(int argc, char **argv)
{
	double mean[MAX_RUNS], sd[MAX_RUNS], worst[MAX_RUNS], missed[MAX_RUNS];
	const double nominal = 1e6 / 60;	/* us */
	struct bench_event ev = { 0 };
	struct bench_fb fb[2];
	struct bench_dev d;
	drmModeAtomicReqPtr req;
	int flips, runs;
	uint32_t fbprop;
	double *t;
	char name[128];

	if (argc < 4)
		bench_die("usage: flips DRIVER FLIPS RUNS");
	flips = atoi(argv[2]);
	runs = atoi(argv[3]);
	if (flips < 3 || runs < 1 || runs > MAX_RUNS)
		bench_die("flips: bad FLIPS or RUNS");
	if (!bench_open(&d, argv[1]))
		bench_die("no %s device", argv[1]);
	t = calloc(flips, sizeof(*t));
	if (!t)
		bench_die("out of memory");
	bench_fb_create(d.fd, DRM_FORMAT_XRGB8888, 1024, 768, 1, &fb[0]);
	bench_fb_create(d.fd, DRM_FORMAT_XRGB8888, 1024, 768, 2, &fb[1]);
	req = drmModeAtomicAlloc();
	bench_req_modeset(&d, req, 0, bench_mode_blob(d.fd, 1024, 768, 60));
	bench_req_plane(&d, req, 0, d.out[0].primary, &fb[0], 0, 0);
	if (d.overlay)
		bench_req_plane(&d, req, 0, d.overlay, NULL, 0, 0);
	if (d.cursor)
		bench_req_plane(&d, req, 0, d.cursor, NULL, 0, 0);
	if (drmModeAtomicCommit(d.fd, req, DRM_MODE_ATOMIC_ALLOW_MODESET, NULL))
		bench_die("mode set: %s", strerror(errno));
	drmModeAtomicFree(req);
	fbprop = bench_prop(d.fd, d.out[0].primary, DRM_MODE_OBJECT_PLANE, "FB_ID");

	for (int r = 0; r < runs; r++) {
		unsigned int seq0 = 0;
		double sum = 0, sq = 0, w = 0;
		long miss = 0;

		for (int i = 0; i < flips; i++) {
			req = drmModeAtomicAlloc();
			drmModeAtomicAddProperty(req, d.out[0].primary, fbprop, fb[(i + 1) % 2].id);
			ev.pending = 1;
			if (drmModeAtomicCommit(d.fd, req, DRM_MODE_ATOMIC_NONBLOCK |
						DRM_MODE_PAGE_FLIP_EVENT, &ev))
				bench_die("flip %d: %s", i, strerror(errno));
			drmModeAtomicFree(req);
			bench_wait_events(d.fd, &ev);
			t[i] = ev.sec * 1e6 + ev.usec;
			if (i > 0)
				miss += (long)(ev.seq - seq0) - 1;
			seq0 = ev.seq;
		}
		for (int i = 1; i < flips; i++) {
			double p = t[i] - t[i - 1];

			sum += p;
			sq += p * p;
			if (fabs(p - nominal) > w)
				w = fabs(p - nominal);
		}
		mean[r] = sum / (flips - 1) / 1e3;
		sd[r] = sqrt(fmax(0, sq / (flips - 1) - (sum / (flips - 1)) * (sum / (flips - 1)))) / 1e3;
		worst[r] = w / 1e3;
		missed[r] = miss;
	}
	snprintf(name, sizeof(name), "flips.%s.period", argv[1]);
	bench_result(name, "ms", mean, runs);
	snprintf(name, sizeof(name), "flips.%s.jitter", argv[1]);
	bench_result(name, "ms", sd, runs);
	snprintf(name, sizeof(name), "flips.%s.worst", argv[1]);
	bench_result(name, "ms", worst, runs);
	snprintf(name, sizeof(name), "flips.%s.missed", argv[1]);
	bench_result(name, "vblanks", missed, runs);
	free(t);
	bench_fb_destroy(d.fd, &fb[0]);
	bench_fb_destroy(d.fd, &fb[1]);
	bench_close(&d);
	return 0;
}
