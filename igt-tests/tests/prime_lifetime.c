// SPDX-License-Identifier: GPL-2.0
/*
 * prime_lifetime - primedisp's buffers outlive the handles, fds, device
 * binding and module references that led to them, and nothing leaks.
 *
 * Unbinding the driver (as IGT's core_hotunplug does through sysfs) while a
 * buffer is exported or scanned out must keep the exported pages readable,
 * make the old fd's ioctls fail with ENODEV, refuse module unload while a
 * dma-buf of primedisp exists, and leave a device that comes back usable.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xf86drm.h>
#include <xf86drmMode.h>
#include <drm_fourcc.h>

#include <drm/primedisp_drm.h>

#include "pd_bind.h"
#include "pd_kms.h"
#include "pd_prime.h"
#include "pdtest.h"

#define BUF_SIZE	(1024 * 1024)

static uint32_t gem_create(int fd, uint64_t size)
{
	struct drm_primedisp_gem_create c = { .size = size };

	pd_assert(drmIoctl(fd, DRM_IOCTL_PRIMEDISP_GEM_CREATE, &c) == 0);
	pd_assert(c.handle != 0);
	return c.handle;
}

static void *gem_mmap(int fd, uint32_t handle, size_t size)
{
	struct drm_primedisp_gem_mmap_offset m = { .handle = handle };
	void *p;

	pd_assert(drmIoctl(fd, DRM_IOCTL_PRIMEDISP_GEM_MMAP_OFFSET, &m) == 0);
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, m.offset);
	pd_assert(p != MAP_FAILED);
	return p;
}

static int export(int fd, uint32_t handle)
{
	int dmabuf = -1;

	pd_assert(drmPrimeHandleToFD(fd, handle, DRM_CLOEXEC | DRM_RDWR, &dmabuf) == 0);
	pd_assert(dmabuf >= 0);
	return dmabuf;
}

static void fill(uint32_t *p, size_t size, uint32_t seed)
{
	for (size_t i = 0; i < size / 4; i++)
		p[i] = seed ^ (uint32_t)(i * 2654435761u);
}

static void check(const uint32_t *p, size_t size, uint32_t seed)
{
	for (size_t i = 0; i < size / 4; i++)
		pd_assert_f(p[i] == (seed ^ (uint32_t)(i * 2654435761u)),
			    "word %zu is 0x%08x, expected 0x%08x", i, p[i],
			    seed ^ (uint32_t)(i * 2654435761u));
}

static int rmmod_primedisp(char **out)
{
	return pd_run_cmd(out, "rmmod primedisp 2>&1");
}

/*
 * Export a buffer, map the dma-buf, unbind primedisp: the mapping and the
 * dma-buf keep the pages; the old fd answers ENODEV; the module cannot be
 * removed while the dma-buf exists; bind brings a working device back.
 */
static void test_unbind_while_exported(void)
{
	int fd = pd_open_card(NULL), dmabuf, fd2;
	uint32_t handle, *cpu, *dmap;
	struct drm_primedisp_gem_info info = { 0 };
	char *out = NULL;

	handle = gem_create(fd, BUF_SIZE);
	cpu = gem_mmap(fd, handle, BUF_SIZE);
	fill(cpu, BUF_SIZE, 0x1234);
	dmabuf = export(fd, handle);
	dmap = mmap(NULL, BUF_SIZE, PROT_READ, MAP_SHARED, dmabuf, 0);
	pd_assert(dmap != MAP_FAILED);

	pd_unbind();
	info.handle = handle;
	pd_assert_errno(drmIoctl(fd, DRM_IOCTL_PRIMEDISP_GEM_INFO, &info), ENODEV);
	check(dmap, BUF_SIZE, 0x1234);
	check(cpu, BUF_SIZE, 0x1234);

	pd_assert_f(rmmod_primedisp(&out) != 0,
		    "rmmod succeeded while a dma-buf of primedisp exists: %s", out);
	free(out);
	pd_assert(pd_kmod_loaded("primedisp"));

	/* The old fd can still be closed, and the dma-buf still read. */
	munmap(cpu, BUF_SIZE);
	close(fd);
	check(dmap, BUF_SIZE, 0x1234);
	munmap(dmap, BUF_SIZE);
	close(dmabuf);

	fd2 = pd_rebind();
	handle = gem_create(fd2, BUF_SIZE);
	cpu = gem_mmap(fd2, handle, BUF_SIZE);
	fill(cpu, BUF_SIZE, 0x4321);
	check(cpu, BUF_SIZE, 0x4321);
	munmap(cpu, BUF_SIZE);
	close(fd2);
}

static bool first_output(int fd, uint32_t *conn_id, uint32_t *crtc_id,
			 drmModeModeInfo *mode)
{
	struct pd_kms_output k;

	pd_kms_find_output(fd, &k);
	*conn_id = k.conn;
	*crtc_id = k.crtc;
	*mode = k.mode;
	return true;
}

/*
 * Scan a buffer out, export it, and unbind with the frame on screen and a
 * page flip event pending: no crash, ENODEV afterwards, pixels readable
 * through the dma-buf, and a usable device after bind.
 */
static void test_unbind_while_scanout(void)
{
	int fd = pd_open_card(NULL), dmabuf, fd2;
	uint32_t conn, crtc, fb, fb2, handle, pitch, *cpu, *dmap;
	drmModeModeInfo mode;
	uint64_t size;

	pd_assert(first_output(fd, &conn, &crtc, &mode));
	handle = pd_dumb_create(fd, mode.hdisplay, mode.vdisplay, 32, &pitch, &size);
	cpu = pd_dumb_map(fd, handle, size, PROT_READ | PROT_WRITE);
	fill(cpu, size, 0xabcd);
	pd_assert(drmModeAddFB2(fd, mode.hdisplay, mode.vdisplay, DRM_FORMAT_XRGB8888,
				(uint32_t[4]){ handle }, (uint32_t[4]){ pitch },
				(uint32_t[4]){ 0 }, &fb, 0) == 0);
	pd_assert(drmModeAddFB2(fd, mode.hdisplay, mode.vdisplay, DRM_FORMAT_XRGB8888,
				(uint32_t[4]){ handle }, (uint32_t[4]){ pitch },
				(uint32_t[4]){ 0 }, &fb2, 0) == 0);
	pd_assert(drmModeSetCrtc(fd, crtc, fb, 0, 0, &conn, 1, &mode) == 0);
	dmabuf = export(fd, handle);
	/* A flip whose event is still pending when the device goes away. */
	pd_assert(drmModePageFlip(fd, crtc, fb2, DRM_MODE_PAGE_FLIP_EVENT, NULL) == 0);

	pd_unbind();
	/* libdrm's mode-setting wrappers return -errno. */
	pd_assert_eq(drmModeSetCrtc(fd, crtc, fb, 0, 0, &conn, 1, &mode), -ENODEV);
	dmap = mmap(NULL, size, PROT_READ, MAP_SHARED, dmabuf, 0);
	pd_assert(dmap != MAP_FAILED);
	check(dmap, size, 0xabcd);
	munmap(cpu, size);
	close(fd);
	check(dmap, size, 0xabcd);
	munmap(dmap, size);
	close(dmabuf);

	fd2 = pd_rebind();
	pd_assert(first_output(fd2, &conn, &crtc, &mode));
	handle = pd_dumb_create(fd2, mode.hdisplay, mode.vdisplay, 32, &pitch, &size);
	pd_assert(drmModeAddFB2(fd2, mode.hdisplay, mode.vdisplay, DRM_FORMAT_XRGB8888,
				(uint32_t[4]){ handle }, (uint32_t[4]){ pitch },
				(uint32_t[4]){ 0 }, &fb, 0) == 0);
	pd_assert(drmModeSetCrtc(fd2, crtc, fb, 0, 0, &conn, 1, &mode) == 0);
	close(fd2);
}

/*
 * Unbind with no dma-buf left: the module then unloads and reloads, and
 * the device works.  (module_load@reload covers plain reloads.)
 */
static void test_unbind_then_unload(void)
{
	const char *ko = getenv("PRIMEDISP_KO");
	int fd = pd_open_card(NULL), fd2;
	uint32_t handle;
	char *out = NULL;

	pd_require(ko && *ko, "PRIMEDISP_KO is not set (path of primedisp.ko to reload)");
	handle = gem_create(fd, BUF_SIZE);
	(void)handle;
	pd_unbind();
	/* The open fd holds the DRM device, not the module's users count
	 * through a dma-buf, so unload must wait for the close only. */
	close(fd);
	pd_assert_f(rmmod_primedisp(&out) == 0, "rmmod failed: %s", out);
	free(out);
	out = NULL;
	pd_assert_f(pd_run_cmd(&out, "insmod '%s' 2>&1", ko) == 0, "insmod failed: %s", out);
	free(out);
	fd2 = pd_rebind();
	close(fd2);
}

/*
 * 10 000 cycles of: export a primedisp buffer, import it into a second
 * DRM fd of primedisp (a different file: a new handle and an attachment-free
 * self-import), close everything.  Object and dma-buf counts return to
 * their starting values.
 */
static void test_cycles(void)
{
	int fd = pd_open_card(NULL), fd2 = pd_open_render(NULL);
	long objs0, bufs0;
	int i;
	double t0 = pd_now();

	objs0 = pd_gem_objects();
	bufs0 = pd_dmabuf_count();
	pd_require(objs0 >= 0 && bufs0 >= 0,
		   "no primedisp_objects or dma_buf/bufinfo in debugfs");
	for (i = 0; i < 10000; i++) {
		uint32_t handle = gem_create(fd, 4096), h2 = 0;
		int dmabuf = export(fd, handle);

		pd_assert(drmPrimeFDToHandle(fd2, dmabuf, &h2) == 0);
		pd_assert(h2 != 0);
		close(dmabuf);
		pd_assert(drmCloseBufferHandle(fd2, h2) == 0);
		pd_assert(drmCloseBufferHandle(fd, handle) == 0);
		if (i % 2500 == 2499)
			pd_info("%d cycles, %.1f s", i + 1, pd_now() - t0);
	}
	pd_assert_eq(pd_gem_objects(), objs0);
	pd_assert_eq(pd_dmabuf_count(), bufs0);
	close(fd2);
	close(fd);
}

static void run_bound(void (*fn)(void))
{
	/* A failure inside fn ends this process; the next subtest's
	 * pd_ensure_bound() call repairs the binding for the rest. */
	pd_ensure_bound();
	fn();
}

static void subtest_unbind_exported(void) { run_bound(test_unbind_while_exported); }
static void subtest_unbind_scanout(void) { run_bound(test_unbind_while_scanout); }
static void subtest_unbind_unload(void) { run_bound(test_unbind_then_unload); }
static void subtest_cycles(void) { run_bound(test_cycles); }

static const struct pd_subtest subtests[] = {
	{ "unbind-while-exported", subtest_unbind_exported,
	  "exported pages stay readable across unbind; rmmod refused; rebind works" },
	{ "unbind-while-scanout", subtest_unbind_scanout,
	  "unbind with a frame on screen and a flip pending; ENODEV; rebind works" },
	{ "unbind-then-unload", subtest_unbind_unload,
	  "after unbind and close the module unloads and reloads" },
	{ "export-import-cycles", subtest_cycles,
	  "10000 export/import/close cycles leave no object or dma-buf behind" },
	{ }
};

PD_MAIN(subtests, "Lifetime of primedisp buffers across close, unbind and unload.");
