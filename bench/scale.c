// SPDX-License-Identifier: GPL-2.0
/*
 * scale.c - what objects cost in memory, and commits with more outputs.
 *
 * pdbench memory gem DRIVER COUNT RUNS
 *   Kernel memory per GEM object: the drop of MemFree (/proc/meminfo)
 *   while COUNT 4 KiB dumb buffers exist on DRIVER, divided by COUNT.
 *   No page of them is touched, so this is the object itself (GEM object,
 *   shmem file, handle, mmap offset node).
 *
 * pdbench memory import DRIVER EXPORTER COUNT RUNS
 *   Kernel memory per imported buffer: COUNT 4 KiB dumb buffers of
 *   EXPORTER, their page touched and exported, are imported into DRIVER;
 *   the drop of MemFree over the imports, divided by COUNT (the GEM
 *   object, the attachment and its mapped sg_table).
 *
 * pdbench commit DRIVER FLIPS RUNS
 *   A 1024x768 mode on every output of DRIVER (primedisp: num_outputs),
 *   then per run: the time of a blocking mode set of all outputs at once,
 *   and FLIPS page flips of every output in one nonblocking commit each
 *   (median time of the commit ioctl, and of commit to the last event).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include <drm_fourcc.h>

#include "bench.h"

#define MAX_RUNS 16

static long long mem_free_kib(void)
{
	FILE *f;
	char line[128];
	long long v = -1;

	sync();
	usleep(200000);		/* let deferred frees (RCU, workers) settle */
	f = fopen("/proc/meminfo", "re");
	if (!f)
		bench_die("/proc/meminfo: %s", strerror(errno));
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemFree: %lld kB", &v) == 1)
			break;
	fclose(f);
	return v;
}

static uint32_t create4k(int fd)
{
	struct drm_mode_create_dumb cd = { .width = 1024, .height = 1, .bpp = 32 };

	if (drmIoctl(fd, DRM_IOCTL_MODE_CREATE_DUMB, &cd))
		bench_die("CREATE_DUMB: %s", strerror(errno));
	return cd.handle;
}

static void touch(int fd, uint32_t handle)
{
	struct drm_mode_map_dumb md = { .handle = handle };
	volatile uint8_t *p;

	if (drmIoctl(fd, DRM_IOCTL_MODE_MAP_DUMB, &md))
		bench_die("MAP_DUMB: %s", strerror(errno));
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, md.offset);
	if (p == MAP_FAILED)
		bench_die("mmap: %s", strerror(errno));
	p[0] = 1;
	munmap((void *)p, 4096);
}

int bench_memory(int argc, char **argv)
{
	double per[MAX_RUNS];
	bool import;
	int fd, efd = -1, count, runs, a = 3;
	uint32_t *h, *h2;
	int *bufs;
	char name[128];
	struct rlimit rl;

	import = argc > 1 && !strcmp(argv[1], "import");
	if (argc < (import ? 6 : 5))
		bench_die("usage: memory gem DRIVER COUNT RUNS | memory import DRIVER EXPORTER COUNT RUNS");
	fd = bench_open_fd(argv[2]);
	if (import)
		efd = bench_open_fd(argv[a++]);
	count = atoi(argv[a]);
	runs = atoi(argv[a + 1]);
	if (fd < 0 || (import && efd < 0))
		bench_die("memory: a device is missing");
	if (count < 1 || runs < 1 || runs > MAX_RUNS)
		bench_die("memory: bad COUNT or RUNS");
	getrlimit(RLIMIT_NOFILE, &rl);
	rl.rlim_cur = rl.rlim_max;
	setrlimit(RLIMIT_NOFILE, &rl);
	h = calloc(count, sizeof(*h));
	h2 = calloc(count, sizeof(*h2));
	bufs = calloc(count, sizeof(*bufs));
	if (!h || !h2 || !bufs)
		bench_die("out of memory");

	for (int r = 0; r < runs; r++) {
		long long before, after;

		if (import) {
			for (int i = 0; i < count; i++) {
				h[i] = create4k(efd);
				touch(efd, h[i]);
				if (drmPrimeHandleToFD(efd, h[i], DRM_CLOEXEC | DRM_RDWR, &bufs[i]))
					bench_die("export %d: %s", i, strerror(errno));
			}
		}
		before = mem_free_kib();
		for (int i = 0; i < count; i++) {
			if (!import)
				h2[i] = create4k(fd);
			else if (drmPrimeFDToHandle(fd, bufs[i], &h2[i]))
				bench_die("import %d: %s", i, strerror(errno));
		}
		after = mem_free_kib();
		per[r] = (before - after) * 1024.0 / count;
		for (int i = 0; i < count; i++) {
			drmCloseBufferHandle(fd, h2[i]);
			if (import) {
				close(bufs[i]);
				drmCloseBufferHandle(efd, h[i]);
			}
		}
	}
	if (import)
		snprintf(name, sizeof(name), "memory.import.%s-%s", argv[3], argv[2]);
	else
		snprintf(name, sizeof(name), "memory.gem.%s", argv[2]);
	bench_result(name, "bytes", per, runs);
	free(h);
	free(h2);
	free(bufs);
	close(fd);
	if (efd >= 0)
		close(efd);
	return 0;
}

int bench_commit(int argc, char **argv)
{
	double modeset[MAX_RUNS], ioctl_t[MAX_RUNS], done_t[MAX_RUNS];
	struct bench_fb fb[BENCH_MAX_OUTPUTS][2];
	struct bench_event ev = { 0 };
	uint32_t fbprop[BENCH_MAX_OUTPUTS], blob;
	drmModeAtomicReqPtr req;
	struct bench_dev d;
	int flips, runs;
	double *ti, *td;
	char name[128];

	if (argc < 4)
		bench_die("usage: commit DRIVER FLIPS RUNS");
	flips = atoi(argv[2]);
	runs = atoi(argv[3]);
	if (flips < 1 || runs < 1 || runs > MAX_RUNS)
		bench_die("commit: bad FLIPS or RUNS");
	if (!bench_open(&d, argv[1]))
		bench_die("no %s device", argv[1]);
	ti = calloc(flips, sizeof(*ti));
	td = calloc(flips, sizeof(*td));
	if (!ti || !td)
		bench_die("out of memory");
	blob = bench_mode_blob(d.fd, 1024, 768, 60);
	for (int o = 0; o < d.nout; o++) {
		bench_fb_create(d.fd, DRM_FORMAT_XRGB8888, 1024, 768, 2 * o + 1, &fb[o][0]);
		bench_fb_create(d.fd, DRM_FORMAT_XRGB8888, 1024, 768, 2 * o + 2, &fb[o][1]);
		fbprop[o] = bench_prop(d.fd, d.out[o].primary, DRM_MODE_OBJECT_PLANE, "FB_ID");
	}

	for (int r = 0; r < runs; r++) {
		double t0;

		/* all off, then all on in one blocking commit */
		req = drmModeAtomicAlloc();
		for (int o = 0; o < d.nout; o++) {
			bench_add(req, d.fd, d.out[o].conn, DRM_MODE_OBJECT_CONNECTOR, "CRTC_ID", 0);
			bench_add(req, d.fd, d.out[o].crtc, DRM_MODE_OBJECT_CRTC, "MODE_ID", 0);
			bench_add(req, d.fd, d.out[o].crtc, DRM_MODE_OBJECT_CRTC, "ACTIVE", 0);
			bench_req_plane(&d, req, o, d.out[o].primary, NULL, 0, 0);
		}
		if (drmModeAtomicCommit(d.fd, req, DRM_MODE_ATOMIC_ALLOW_MODESET, NULL))
			bench_die("disabling the outputs: %s", strerror(errno));
		drmModeAtomicFree(req);
		req = drmModeAtomicAlloc();
		for (int o = 0; o < d.nout; o++) {
			bench_req_modeset(&d, req, o, blob);
			bench_req_plane(&d, req, o, d.out[o].primary, &fb[o][0], 0, 0);
		}
		t0 = bench_now();
		if (drmModeAtomicCommit(d.fd, req, DRM_MODE_ATOMIC_ALLOW_MODESET, NULL))
			bench_die("mode set of %d outputs: %s", d.nout, strerror(errno));
		modeset[r] = (bench_now() - t0) * 1e3;
		drmModeAtomicFree(req);

		for (int i = 0; i < flips; i++) {
			double t1;

			req = drmModeAtomicAlloc();
			for (int o = 0; o < d.nout; o++)
				drmModeAtomicAddProperty(req, d.out[o].primary, fbprop[o],
							 fb[o][(i + 1) % 2].id);
			ev.pending = d.nout;
			t0 = bench_now();
			if (drmModeAtomicCommit(d.fd, req, DRM_MODE_ATOMIC_NONBLOCK |
						DRM_MODE_PAGE_FLIP_EVENT, &ev))
				bench_die("flip of %d outputs: %s", d.nout, strerror(errno));
			t1 = bench_now();
			drmModeAtomicFree(req);
			bench_wait_events(d.fd, &ev);
			ti[i] = (t1 - t0) * 1e3;
			td[i] = (bench_now() - t0) * 1e3;
		}
		ioctl_t[r] = bench_stats(ti, flips).median;
		done_t[r] = bench_stats(td, flips).median;
	}
	snprintf(name, sizeof(name), "commit.%s.%d.modeset", argv[1], d.nout);
	bench_result(name, "ms", modeset, runs);
	snprintf(name, sizeof(name), "commit.%s.%d.flip_ioctl", argv[1], d.nout);
	bench_result(name, "ms", ioctl_t, runs);
	snprintf(name, sizeof(name), "commit.%s.%d.flip_done", argv[1], d.nout);
	bench_result(name, "ms", done_t, runs);
	for (int o = 0; o < d.nout; o++) {
		bench_fb_destroy(d.fd, &fb[o][0]);
		bench_fb_destroy(d.fd, &fb[o][1]);
	}
	free(ti);
	free(td);
	bench_close(&d);
	return 0;
}
