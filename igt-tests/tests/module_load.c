// SPDX-License-Identifier: GPL-2.0
/*
 * module_load - the driver module unloads cleanly after use and comes back.
 *
 * Needs root, the module loaded at the start, and PRIMEDISP_KO = path of the
 * .ko to insmod again.  Leaves the module loaded.  Run it last: it replaces
 * the device other tests use.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xf86drm.h>

#include "pdtest.h"

#define ITERATIONS	10

static const char *ko_path;

/* If a failure left the module unloaded, load it again for the next tests. */
static void reload_on_exit(void)
{
	if (ko_path && !pd_kmod_loaded(pd_driver_name())) {
		char *argv[] = { "insmod", (char *)ko_path, NULL };

		pd_info("cleanup: module %s is not loaded, insmod %s: exit %d",
			pd_driver_name(), ko_path, pd_run_argv(argv, NULL));
	}
}

/* Run @argv; its output without the trailing newline into *@out. */
static int run(char *const argv[], char **out)
{
	int rc = pd_run_argv(argv, out);
	size_t n = *out ? strlen(*out) : 0;

	while (n && (*out)[n - 1] == '\n')
		(*out)[--n] = '\0';
	return rc;
}

/* Create, map and fill a 4 MiB dumb buffer; leave it to close() to free it. */
static void use_device(int fd)
{
	uint32_t handle, pitch;
	uint64_t size;
	void *ptr;

	handle = pd_dumb_create(fd, 1024, 1024, 32, &pitch, &size);
	ptr = pd_dumb_map(fd, handle, size, PROT_READ | PROT_WRITE);
	memset(ptr, 0x5a, size);
	pd_assert(munmap(ptr, size) == 0);
}

static long shmem_settled(long limit)
{
	double end = pd_now() + 2.0;
	long now;

	for (;;) {
		now = pd_meminfo_kb("Shmem");
		if (now <= limit || pd_now() > end)
			return now;
		pd_msleep(50);
	}
}

static void test_reload(void)
{
	const char *mod = pd_driver_name();
	char sysdir[128], *out = NULL;
	long base, now;
	int fd, rc;

	ko_path = getenv("PRIMEDISP_KO");
	pd_require(ko_path && *ko_path,
		   "PRIMEDISP_KO is not set (path of the %s.ko to insmod)", mod);
	pd_require(geteuid() == 0, "needs root to unload and load modules");
	fd = pd_open_card(NULL);
	close(fd);
	pd_require(pd_kmod_loaded(mod),
		   "the %s device exists but module %s is not loaded (built in?)", mod, mod);
	pd_assert_f(access(ko_path, R_OK) == 0, "PRIMEDISP_KO=%s is not readable", ko_path);
	pd_path_add_sbin();
	atexit(reload_on_exit);
	snprintf(sysdir, sizeof(sysdir), "/sys/module/%s", mod);

	base = pd_meminfo_kb("Shmem");
	pd_assert_f(base >= 0, "Shmem missing from /proc/meminfo");

	for (int i = 1; i <= ITERATIONS; i++) {
		char *rmmod[] = { "rmmod", (char *)mod, NULL };
		char *insmod[] = { "insmod", (char *)ko_path, NULL };
		double t0, t_unload, t_load;

		fd = pd_try_open_card(NULL);
		pd_assert_f(fd >= 0, "iteration %d: no %s device", i, mod);
		use_device(fd);
		close(fd);

		t0 = pd_now();
		rc = run(rmmod, &out);
		pd_assert_f(rc == 0, "iteration %d: rmmod %s exited with %d: %s",
			    i, mod, rc, out ? out : "");
		free(out);
		out = NULL;
		t_unload = pd_now() - t0;
		pd_assert_f(access(sysdir, F_OK) != 0 && errno == ENOENT,
			    "iteration %d: %s still exists after rmmod", i, sysdir);
		fd = pd_try_open_card(NULL);
		pd_assert_f(fd < 0, "iteration %d: a card node still reports driver %s after rmmod",
			    i, mod);

		t0 = pd_now();
		rc = run(insmod, &out);
		pd_assert_f(rc == 0, "iteration %d: insmod %s exited with %d: %s",
			    i, ko_path, rc, out ? out : "");
		free(out);
		out = NULL;
		do {
			fd = pd_try_open_card(NULL);
			if (fd >= 0)
				break;
			pd_msleep(20);
		} while (pd_now() - t0 < 5.0);
		t_load = pd_now() - t0;
		pd_assert_f(fd >= 0, "iteration %d: no %s device within 5 s of insmod", i, mod);
		close(fd);
		pd_info("iteration %d: rmmod %.2f s, insmod until device %.2f s", i,
			t_unload, t_load);
	}

	now = shmem_settled(base + 4096);
	pd_info("Shmem: %ld kB before, %ld kB after %d reloads", base, now, ITERATIONS);
	pd_assert_f(now <= base + 4096, "Shmem grew by %ld kB over %d reloads (%ld -> %ld kB)",
		    now - base, ITERATIONS, base, now);
	pd_assert_f(pd_kmod_loaded(mod), "module %s is not loaded at the end", mod);
}

static const struct pd_subtest subtests[] = {
	{ "reload", test_reload, "use, rmmod and insmod the driver 10 times" },
	{ }
};

PD_MAIN(subtests, "Unloading and reloading the driver module.")
