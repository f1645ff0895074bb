// SPDX-License-Identifier: GPL-2.0
/*
 * zerocopy.c - what a flip costs when nothing needs the pixels.
 *
 * pdbench zerocopy WxH FLIPS RUNS
 *   FLIPS page flips between two WxH XRGB8888 framebuffers on primedisp's
 *   first output, no CRC reader and no writeback job: the bytes the
 *   composer read per flip (tracepoint primedisp_compose, must be 0) and
 *   this process's CPU time per flip (commit ioctl and event).
 *
 * pdbench cputime NAME FRAMES RUNS -- COMMAND [ARGS...]
 *   Runs COMMAND RUNS times and reports its CPU time (user + system, from
 *   wait4) per frame, FRAMES being the frames one run shows: set-up
 *   included.  If COMMAND prints "cpu_ms_per_frame=X" (cam2disp's result
 *   line: its CPU time per frame once every buffer was shown once), X is
 *   reported too, as NAME.steady.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <drm_fourcc.h>

#include "bench.h"

#define MAX_RUNS 32

int bench_zerocopy(int argc, char **argv)
{
	long long f0, b0, n0, f1, b1, n1;
	struct bench_event ev = { 0 };
	struct bench_fb fb[2];
	struct bench_dev d;
	uint32_t fbprop;
	char name[96];
	double cpu0, cpu[MAX_RUNS], bytes[MAX_RUNS], frames[MAX_RUNS];
	int w, h, flips, runs;
	drmModeAtomicReqPtr req;

	if (argc < 4 || sscanf(argv[1], "%dx%d", &w, &h) != 2)
		bench_die("usage: zerocopy WxH FLIPS RUNS");
	flips = atoi(argv[2]);
	runs = atoi(argv[3]);
	if (flips < 1 || runs < 1 || runs > MAX_RUNS)
		bench_die("zerocopy: bad FLIPS or RUNS");
	if (!bench_open(&d, "primedisp"))
		bench_die("no primedisp device");
	bench_fb_create(d.fd, DRM_FORMAT_XRGB8888, w, h, 1, &fb[0]);
	bench_fb_create(d.fd, DRM_FORMAT_XRGB8888, w, h, 2, &fb[1]);
	req = drmModeAtomicAlloc();
	bench_req_modeset(&d, req, 0, bench_mode_blob(d.fd, w, h, 60));
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
		if (!bench_composer_counters(&d, &f0, &b0, &n0))
			bench_die("no tracefs or no primedisp:primedisp_compose tracepoint");
		cpu0 = bench_cpu();
		for (int i = 0; i < flips; i++) {
			req = drmModeAtomicAlloc();
			drmModeAtomicAddProperty(req, d.out[0].primary, fbprop, fb[(i + 1) % 2].id);
			ev.pending = 1;
			if (drmModeAtomicCommit(d.fd, req, DRM_MODE_ATOMIC_NONBLOCK |
						DRM_MODE_PAGE_FLIP_EVENT, &ev))
				bench_die("flip: %s", strerror(errno));
			drmModeAtomicFree(req);
			bench_wait_events(d.fd, &ev);
		}
		cpu[r] = (bench_cpu() - cpu0) / flips * 1e3;
		bench_composer_counters(&d, &f1, &b1, &n1);
		bytes[r] = (double)(b1 - b0) / flips;
		frames[r] = f1 - f0;
	}

	snprintf(name, sizeof(name), "zerocopy.bytes_per_flip.%dx%d", w, h);
	bench_result(name, "bytes", bytes, runs);
	snprintf(name, sizeof(name), "zerocopy.frames_composed.%dx%d", w, h);
	bench_result(name, "frames", frames, runs);
	snprintf(name, sizeof(name), "zerocopy.flip_cpu.%dx%d", w, h);
	bench_result(name, "ms", cpu, runs);
	bench_fb_destroy(d.fd, &fb[0]);
	bench_fb_destroy(d.fd, &fb[1]);
	bench_close(&d);
	return 0;
}

int bench_cputime(int argc, char **argv)
{
	double per[MAX_RUNS], steady[MAX_RUNS];
	int frames, runs, first, nsteady = 0;
	char name[128];

	if (argc < 6 || strcmp(argv[4], "--"))
		bench_die("usage: cputime NAME FRAMES RUNS -- COMMAND [ARGS...]");
	frames = atoi(argv[2]);
	runs = atoi(argv[3]);
	first = 5;
	if (frames < 1 || runs < 1 || runs > MAX_RUNS)
		bench_die("cputime: bad FRAMES or RUNS");
	for (int r = 0; r < runs; r++) {
		struct rusage ru;
		char line[512];
		int status, pfd[2];
		double v = -1;
		FILE *out;
		pid_t pid;

		if (pipe(pfd))
			bench_die("pipe: %s", strerror(errno));
		pid = fork();
		if (pid < 0)
			bench_die("fork: %s", strerror(errno));
		if (!pid) {
			close(pfd[0]);
			dup2(pfd[1], STDOUT_FILENO);
			close(pfd[1]);
			execvp(argv[first], argv + first);
			fprintf(stderr, "pdbench: cannot run %s: %s\n", argv[first], strerror(errno));
			_exit(127);
		}
		close(pfd[1]);
		out = fdopen(pfd[0], "r");
		if (!out)
			bench_die("fdopen: %s", strerror(errno));
		/* The command's own steady-state figure, if it prints one. */
		while (fgets(line, sizeof(line), out)) {
			const char *p = strstr(line, "cpu_ms_per_frame=");

			if (p)
				v = strtod(p + strlen("cpu_ms_per_frame="), NULL);
		}
		fclose(out);
		if (wait4(pid, &status, 0, &ru) != pid)
			bench_die("wait4: %s", strerror(errno));
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			bench_die("%s failed (status %#x)", argv[first], status);
		per[r] = (ru.ru_utime.tv_sec + ru.ru_utime.tv_usec * 1e-6 +
			  ru.ru_stime.tv_sec + ru.ru_stime.tv_usec * 1e-6) / frames * 1e3;
		if (v >= 0)
			steady[nsteady++] = v;
	}
	bench_result(argv[1], "ms", per, runs);
	if (nsteady) {
		snprintf(name, sizeof(name), "%s.steady", argv[1]);
		bench_result(name, "ms", steady, nsteady);
	}
	return 0;
}
