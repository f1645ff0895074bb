// SPDX-License-Identifier: GPL-2.0
/*
 * core_hotunplug_pd - primedisp removed under its clients, IGT core_hotunplug
 * style, with the platform device's sysfs unbind/bind standing for PCI
 * remove/rescan.
 *
 * A client holds the card and render nodes open with buffers created,
 * mapped and exported, a frame on screen, a page flip, a writeback capture
 * and a CRC reader pending; then the device is unbound.  Every ioctl on the
 * old fds must fail with ENODEV (not crash, hang or WARN), mappings and
 * dma-bufs stay readable, closing everything late is fine, and the device
 * that comes back on bind works: modeset, CRC, PRIME.  Nothing leaks.
 */
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include <drm_fourcc.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include <drm/primedisp_drm.h>

#include "pd_atomic.h"
#include "pd_bind.h"
#include "pd_crc.h"
#include "pd_prime.h"
#include "pdtest.h"

/* Everything a busy client holds. */
struct client {
	struct pd_display d;
	struct pd_test_fb a, b, wb;
	int render, dmabuf, crc_ctl, crc_data;
	uint32_t rhandle;
	uint64_t rsize;
	uint8_t *rmap, *dmap;
};

static void client_start(struct client *c)
{
	struct pd_plane_cfg cfg;
	char dir[128], path[256];
	drmModeAtomicReqPtr req;
	int32_t fence = -1;

	pd_ensure_bound();
	pd_display_open(&c->d);
	pd_display_use_mode(&c->d, 640, 480);
	pd_assert_eq(pd_test_fb_create(c->d.fd, DRM_FORMAT_XRGB8888, 640, 480, 1, &c->a), 0);
	pd_assert_eq(pd_test_fb_create(c->d.fd, DRM_FORMAT_XRGB8888, 640, 480, 2, &c->b), 0);
	cfg = pd_plane_cfg(&c->a, 0, 0);
	pd_assert_eq(pd_apply(&c->d, &cfg, 1, true, 0), 0);

	/* A render-node buffer, mapped, exported and mapped through the dma-buf. */
	c->render = pd_try_open_render_of(c->d.fd, NULL, 0);
	pd_assert_f(c->render >= 0, "no render node");
	c->rsize = 1 << 20;
	c->rhandle = pd_gem_create(c->render, &c->rsize, 0);
	c->rmap = pd_gem_map(c->render, c->rhandle, c->rsize, PROT_READ | PROT_WRITE);
	pd_fill_pattern(c->rmap, c->rsize, 5);
	c->dmabuf = pd_prime_handle_to_fd(c->render, c->rhandle);
	c->dmap = pd_dmabuf_map(c->dmabuf, c->rsize, PROT_READ);

	/* A CRC reader. */
	c->crc_ctl = c->crc_data = -1;
	if (pd_debugfs_dir(c->d.fd, dir, sizeof(dir))) {
		snprintf(path, sizeof(path), "%s/crtc-%d/crc/control", dir, c->d.out.crtc_index);
		c->crc_ctl = open(path, O_WRONLY);
		if (c->crc_ctl >= 0 && write(c->crc_ctl, "auto", 4) == 4) {
			snprintf(path, sizeof(path), "%s/crtc-%d/crc/data", dir,
				 c->d.out.crtc_index);
			c->crc_data = open(path, O_RDONLY);
		}
	}

	/* A pending flip with a writeback capture, left unread. */
	pd_assert_eq(pd_test_fb_create(c->d.fd, DRM_FORMAT_XRGB8888, 640, 480, 3, &c->wb), 0);
	req = drmModeAtomicAlloc();
	pd_req_add(req, c->d.fd, c->d.primary, DRM_MODE_OBJECT_PLANE, "FB_ID", c->b.id);
	if (c->d.wb_conn) {
		pd_req_add(req, c->d.fd, c->d.wb_conn, DRM_MODE_OBJECT_CONNECTOR, "CRTC_ID",
			   c->d.out.crtc);
		pd_req_add(req, c->d.fd, c->d.wb_conn, DRM_MODE_OBJECT_CONNECTOR,
			   "WRITEBACK_FB_ID", c->wb.id);
		pd_req_add(req, c->d.fd, c->d.wb_conn, DRM_MODE_OBJECT_CONNECTOR,
			   "WRITEBACK_OUT_FENCE_PTR", (uint64_t)(uintptr_t)&fence);
	}
	pd_assert_eq(pd_commit(&c->d, req, DRM_MODE_ATOMIC_NONBLOCK | DRM_MODE_PAGE_FLIP_EVENT |
			       DRM_MODE_ATOMIC_ALLOW_MODESET), 0);
	drmModeAtomicFree(req);
	if (fence >= 0)
		close(fence);
}

/* After unbind: every kind of ioctl on the old fds is ENODEV. */
static void client_check_gone(struct client *c)
{
	struct drm_mode_create_dumb dumb = { .width = 64, .height = 64, .bpp = 32 };
	struct drm_primedisp_gem_create gc = { .size = 4096 };
	struct drm_mode_card_res res = { 0 };
	uint32_t h;
	int fd;

	pd_assert_errno(drmIoctl(c->d.fd, DRM_IOCTL_MODE_GETRESOURCES, &res), ENODEV);
	pd_assert_errno(drmIoctl(c->d.fd, DRM_IOCTL_MODE_CREATE_DUMB, &dumb), ENODEV);
	pd_assert_errno(drmIoctl(c->render, DRM_IOCTL_PRIMEDISP_GEM_CREATE, &gc), ENODEV);
	pd_assert_errno(drmIoctl(c->d.fd, DRM_IOCTL_PRIMEDISP_GEM_CREATE, &gc), ENODEV);
	pd_assert(drmPrimeFDToHandle(c->render, c->dmabuf, &h) != 0);
	pd_assert(drmPrimeHandleToFD(c->render, c->rhandle, 0, &fd) != 0);
	{
		/* (libdrm skips the ioctl for an empty request.) */
		drmModeAtomicReqPtr req = drmModeAtomicAlloc();

		pd_assert(drmModeAtomicAddProperty(req, c->d.out.crtc, 1, 0) >= 0);
		pd_assert_eq(drmModeAtomicCommit(c->d.fd, req, 0, NULL), -ENODEV);
		drmModeAtomicFree(req);
	}
	pd_assert(drmModePageFlip(c->d.fd, c->d.out.crtc, c->a.id, 0, NULL) != 0);
	/* What was mapped stays readable, through the DRM fd and the dma-buf. */
	for (size_t off = 0; off < c->rsize; off += 4096) {
		pd_assert_f(*(uint32_t *)(c->rmap + off) == pd_pattern_word(off, 5),
			    "GEM mapping at %zu changed after unbind", off);
		pd_assert_f(*(uint32_t *)(c->dmap + off) == pd_pattern_word(off, 5),
			    "dma-buf mapping at %zu changed after unbind", off);
	}
	/* A CRC reader gets end of data or an error, never hangs. */
	if (c->crc_data >= 0) {
		struct pollfd pfd = { .fd = c->crc_data, .events = POLLIN };
		char line[64];

		if (poll(&pfd, 1, 1000) == 1)
			(void)!read(c->crc_data, line, sizeof(line));
	}
}

static void client_close(struct client *c)
{
	if (c->crc_data >= 0)
		close(c->crc_data);
	if (c->crc_ctl >= 0)
		close(c->crc_ctl);
	munmap(c->dmap, c->rsize);
	munmap(c->rmap, c->rsize);
	close(c->dmabuf);
	close(c->render);
	/* The framebuffers die with the fd; their maps are ours to drop. */
	munmap(c->a.map, c->a.size);
	munmap(c->b.map, c->b.size);
	munmap(c->wb.map, c->wb.size);
	close(c->d.fd);
}

/* The device that came back works: modeset, CRC of a known frame, PRIME. */
static void check_usable(void)
{
	struct pd_display d;
	struct pd_test_fb fb;
	struct pd_plane_cfg cfg;
	uint32_t crc, h;
	uint64_t size = 65536;
	int dmabuf;

	pd_display_open(&d);
	pd_display_use_mode(&d, 640, 480);
	pd_assert_eq(pd_test_fb_create(d.fd, DRM_FORMAT_XRGB8888, 640, 480, 9, &fb), 0);
	cfg = pd_plane_cfg(&fb, 0, 0);
	pd_assert_eq(pd_apply(&d, &cfg, 1, true, 0), 0);
	if (pd_crtc_crc(d.fd, d.out.crtc_index, &crc))
		pd_assert_eq(crc, pd_expected_crc(&d, &cfg, 1));
	h = pd_gem_create(d.fd, &size, 0);
	dmabuf = pd_prime_handle_to_fd(d.fd, h);
	pd_assert_eq(pd_prime_fd_to_handle(d.fd, dmabuf), h);
	close(dmabuf);
	pd_test_fb_destroy(&fb);
	pd_display_close(&d);
}

static void test_unbind_rebind(void)
{
	int objs = pd_gem_objects();

	pd_ensure_bound();
	pd_unbind();
	close(pd_rebind());
	check_usable();
	pd_assert_eq(pd_gem_objects(), objs);
}

/* Unbind under a busy client, close it, then bind. */
static void test_hotunbind_rebind(void)
{
	struct client c;
	int bufs = pd_dmabuf_count();

	client_start(&c);
	pd_unbind();
	client_check_gone(&c);
	client_close(&c);
	close(pd_rebind());
	check_usable();
	pd_assert_eq(pd_dmabuf_count(), bufs);
}

/* Unbind under a busy client and bind while it still holds everything. */
static void test_hotrebind(bool late_close)
{
	struct client c;
	int bufs = pd_dmabuf_count();

	client_start(&c);
	pd_unbind();
	close(pd_rebind());
	/* The old fds still belong to the removed device. */
	client_check_gone(&c);
	if (!late_close)
		client_close(&c);
	check_usable();
	if (late_close)
		client_close(&c);
	pd_assert_eq(pd_dmabuf_count(), bufs);
}

static void test_hotrebind_early(void) { test_hotrebind(false); }
static void test_hotrebind_lateclose(void) { test_hotrebind(true); }

/* Several unbind/bind cycles under busy clients. */
static void test_cycles(void)
{
	for (int i = 0; i < 5; i++) {
		struct client c;

		client_start(&c);
		pd_unbind();
		client_check_gone(&c);
		close(pd_rebind());
		client_close(&c);
	}
	check_usable();
}

static const struct pd_subtest subtests[] = {
	{ "unbind-rebind", test_unbind_rebind, "idle unbind and bind; the device works again" },
	{ "hotunbind-rebind", test_hotunbind_rebind,
	  "unbind under a busy client: ENODEV, mappings readable; close; bind" },
	{ "hotrebind", test_hotrebind_early, "bind while the old client is still open" },
	{ "hotrebind-lateclose", test_hotrebind_lateclose,
	  "the old client closes after the new device is in use" },
	{ "hotunbind-cycles", test_cycles, "five busy unbind/bind cycles" },
	{ }
};

PD_MAIN(subtests, "The device removed under busy clients (sysfs unbind/bind).");
