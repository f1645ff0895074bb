// SPDX-License-Identifier: GPL-2.0
/*
 * prime.c - PRIME round trips per second between two DRM devices.
 *
 * pdbench prime EXPORTER IMPORTER SIZE fresh|reuse SECONDS RUNS
 *   One cycle:
 *    fresh  create a SIZE-byte dumb buffer on EXPORTER, export it
 *           (PRIME_HANDLE_TO_FD), import it into IMPORTER
 *           (PRIME_FD_TO_HANDLE: attach and map), then close everything:
 *           the importer's handle, the dma-buf fd and the buffer;
 *    reuse  the same with one buffer kept for the whole run (its pages are
 *           allocated once; the exporter hands out its cached dma-buf).
 *   Reports cycles per second (median, min, max over RUNS).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"

#define MAX_RUNS 32

static uint32_t create(int fd, uint64_t size)
{
	struct drm_mode_create_dumb cd = { .bpp = 32 };

	cd.width = size / 4 < 4096 ? size / 4 : 4096;
	cd.height = size / (cd.width * 4);
	if (drmIoctl(fd, DRM_IOCTL_MODE_CREATE_DUMB, &cd))
		bench_die("CREATE_DUMB of %llu bytes: %s", (unsigned long long)size,
			  strerror(errno));
	return cd.handle;
}

static void destroy(int fd, uint32_t handle)
{
	struct drm_mode_destroy_dumb dd = { .handle = handle };

	if (drmIoctl(fd, DRM_IOCTL_MODE_DESTROY_DUMB, &dd))
		bench_die("DESTROY_DUMB: %s", strerror(errno));
}

static void cycle(int exp, int imp, uint32_t handle)
{
	uint32_t h2;
	int dmabuf;

	if (drmPrimeHandleToFD(exp, handle, DRM_CLOEXEC | DRM_RDWR, &dmabuf))
		bench_die("PRIME_HANDLE_TO_FD: %s", strerror(errno));
	if (drmPrimeFDToHandle(imp, dmabuf, &h2))
		bench_die("PRIME_FD_TO_HANDLE: %s", strerror(errno));
	if (drmCloseBufferHandle(imp, h2))
		bench_die("GEM_CLOSE: %s", strerror(errno));
	close(dmabuf);
}

int bench_prime(int argc, char **argv)
{
	double rate[MAX_RUNS];
	int exp, imp, runs;
	uint64_t size;
	double seconds;
	bool fresh;
	char name[128], *end;
	uint32_t keep = 0;

	if (argc < 7)
		bench_die("usage: prime EXPORTER IMPORTER SIZE fresh|reuse SECONDS RUNS");
	size = strtoull(argv[3], &end, 0);
	if (*end == 'K' || *end == 'k')
		size <<= 10;
	else if (*end == 'M' || *end == 'm')
		size <<= 20;
	fresh = !strcmp(argv[4], "fresh");
	seconds = atof(argv[5]);
	runs = atoi(argv[6]);
	if (size < 4096 || runs < 1 || runs > MAX_RUNS)
		bench_die("prime: bad SIZE or RUNS");
	exp = bench_open_fd(argv[1]);
	imp = bench_open_fd(argv[2]);
	if (exp < 0 || imp < 0)
		bench_die("prime: no %s device", exp < 0 ? argv[1] : argv[2]);

	if (!fresh)
		keep = create(exp, size);
	for (int r = -1; r < runs; r++) {	/* run -1 warms up */
		double t0 = bench_now(), t;
		int n = 0;

		do {
			uint32_t h = fresh ? create(exp, size) : keep;

			cycle(exp, imp, h);
			if (fresh)
				destroy(exp, h);
			n++;
			t = bench_now() - t0;
		} while (t < (r < 0 ? seconds / 4 : seconds) || n < 3);
		if (r >= 0)
			rate[r] = n / t;
	}
	if (!fresh)
		destroy(exp, keep);
	snprintf(name, sizeof(name), "prime.%s.%s-%s.%s", argv[4], argv[1], argv[2], argv[3]);
	bench_result(name, "cycles/s", rate, runs);
	close(exp);
	close(imp);
	return 0;
}
