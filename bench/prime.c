// SPDX-License-Identifier: GPL-2.0
/*
 * prime.c - PRIME round trips per second between two DRM devices.
 *
 * pdbench prime SIZE fresh|reuse SECONDS RUNS EXPORTER:IMPORTER...
 *   Each pair of devices in turn, RUNS times.  One cycle:
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

struct pair {
	const char *exp_name, *imp_name;
	int exp, imp;
	uint32_t keep;
	double rate[MAX_RUNS];
};

/* Cycles per second of @pr for @seconds (at least 3 cycles). */
static double measure(struct pair *pr, uint64_t size, bool fresh, double seconds)
{
	double t0 = bench_now(), t;
	int n = 0;

	do {
		uint32_t h = fresh ? create(pr->exp, size) : pr->keep;

		cycle(pr->exp, pr->imp, h);
		if (fresh)
			destroy(pr->exp, h);
		n++;
		t = bench_now() - t0;
	} while (t < seconds || n < 3);
	return n / t;
}

int bench_prime(int argc, char **argv)
{
	struct pair pairs[8];
	int np = 0, runs;
	uint64_t size;
	double seconds;
	bool fresh;
	char name[128], *end;

	if (argc < 6)
		bench_die("usage: prime SIZE fresh|reuse SECONDS RUNS EXPORTER:IMPORTER...");
	size = strtoull(argv[1], &end, 0);
	if (*end == 'K' || *end == 'k')
		size <<= 10;
	else if (*end == 'M' || *end == 'm')
		size <<= 20;
	fresh = !strcmp(argv[2], "fresh");
	seconds = atof(argv[3]);
	runs = atoi(argv[4]);
	if (size < 4096 || runs < 1 || runs > MAX_RUNS)
		bench_die("prime: bad SIZE or RUNS");
	for (int a = 5; a < argc && np < 8; a++, np++) {
		struct pair *pr = &pairs[np];
		char *colon = strchr(argv[a], ':');

		if (!colon)
			bench_die("prime: %s is not EXPORTER:IMPORTER", argv[a]);
		*colon = '\0';
		pr->exp_name = argv[a];
		pr->imp_name = colon + 1;
		pr->exp = bench_open_fd(pr->exp_name);
		pr->imp = bench_open_fd(pr->imp_name);
		if (pr->exp < 0 || pr->imp < 0)
			bench_die("prime: no %s device", pr->exp < 0 ? pr->exp_name : pr->imp_name);
		pr->keep = fresh ? 0 : create(pr->exp, size);
		measure(pr, size, fresh, seconds / 4);	/* warm up */
	}
	/* The pairs take turns in each run, so that drift hits them alike. */
	for (int r = 0; r < runs; r++)
		for (int i = 0; i < np; i++)
			pairs[i].rate[r] = measure(&pairs[i], size, fresh, seconds);
	for (int i = 0; i < np; i++) {
		struct pair *pr = &pairs[i];

		snprintf(name, sizeof(name), "prime.%s.%s-%s.%s", argv[2], pr->exp_name,
			 pr->imp_name, argv[1]);
		bench_result(name, "cycles/s", pr->rate, runs);
		if (!fresh)
			destroy(pr->exp, pr->keep);
		close(pr->exp);
		close(pr->imp);
	}
	return 0;
}
