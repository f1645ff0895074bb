// SPDX-License-Identifier: GPL-2.0
/*
 * kms_cursor_crc_pd - primedisp's cursor plane: the sizes DRM_CAP_CURSOR_*
 * announce, positions on and partly off screen, atomic and legacy cursor
 * ioctls, checked by CRC against a userspace reference (lib/pd_ref.c);
 * legacy cursor updates that never wait for a pending page flip, and that
 * a flip's commit never brings an older cursor back.
 */
#include <poll.h>
#include <stdio.h>
#include <sys/mman.h>

#include <drm_fourcc.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include "pd_atomic.h"
#include "pd_crc.h"
#include "pdtest.h"

static void setup(struct pd_display *d, struct pd_test_fb *bg)
{
	struct pd_plane_cfg c;

	pd_display_open(d);
	pd_require(d->cursor, "no cursor plane");
	pd_display_use_mode(d, 640, 480);
	pd_assert_eq(pd_test_fb_create(d->fd, DRM_FORMAT_XRGB8888, 640, 480, 41, bg), 0);
	c = pd_plane_cfg(bg, 0, 0);
	pd_assert_eq(pd_apply(d, &c, 1, true, 0), 0);
}

static uint32_t crc_now(struct pd_display *d)
{
	uint32_t crc;

	pd_require(pd_crtc_crc(d->fd, d->out.crtc_index, &crc), "no CRC interface (debugfs)");
	return crc;
}

/* Every square size from 32 to the cap, and some rectangles, at awkward places. */
static void test_sizes(void)
{
	struct pd_display d;
	struct pd_test_fb bg;
	uint64_t cap = 0;
	int bad = 0, slot;
	char what[64];

	setup(&d, &bg);
	pd_assert(drmGetCap(d.fd, DRM_CAP_CURSOR_WIDTH, &cap) == 0);
	pd_assert_f(cap >= 256, "cursor cap %llu", (unsigned long long)cap);
	slot = d.noverlays + 1;
	const uint32_t sizes[][2] = {
		{ 32, 32 }, { 64, 64 }, { 128, 128 }, { 256, 256 }, { (uint32_t)cap, (uint32_t)cap },
		{ 64, 21 }, { 32, 10 }, { 128, 42 },
	};
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		struct pd_test_fb cur;
		const int pos[][2] = { { 5, 7 }, { -(int)sizes[i][0] / 2, 100 },
				       { 640 - (int)sizes[i][0] / 3, 480 - 10 } };

		pd_assert_eq(pd_test_fb_create(d.fd, DRM_FORMAT_ARGB8888, sizes[i][0], sizes[i][1],
					       50 + i, &cur), 0);
		for (size_t p = 0; p < 3; p++) {
			struct pd_plane_cfg cfgs[8] = { pd_plane_cfg(&bg, 0, 0) };
			uint32_t got, want;
			int ret;

			cfgs[slot] = pd_plane_cfg(&cur, pos[p][0], pos[p][1]);
			ret = pd_apply(&d, cfgs, slot + 1, false, 0);
			pd_assert_f(ret == 0, "cursor %ux%u: %s", sizes[i][0], sizes[i][1],
				    strerror(-ret));
			got = crc_now(&d);
			want = pd_expected_crc(&d, cfgs, slot + 1);
			snprintf(what, sizeof(what), "cursor %ux%u at %d,%d", sizes[i][0],
				 sizes[i][1], pos[p][0], pos[p][1]);
			if (got != want) {
				pd_info("%s: CRC 0x%08x, reference 0x%08x", what, got, want);
				bad++;
			}
		}
		pd_test_fb_destroy(&cur);
	}
	/*
	 * Larger than the cap: the cap is advice, and generic clients put a
	 * full-screen buffer on the cursor plane; it must show as any other.
	 */
	{
		struct pd_test_fb big;
		struct pd_plane_cfg cfgs[8] = { pd_plane_cfg(&bg, 0, 0) };
		uint32_t got, want;

		pd_assert_eq(pd_test_fb_create(d.fd, DRM_FORMAT_ARGB8888, cap + 1, 8, 9, &big), 0);
		cfgs[slot] = pd_plane_cfg(&big, 0, 0);
		pd_assert_eq(pd_apply(&d, cfgs, slot + 1, false, 0), 0);
		got = crc_now(&d);
		want = pd_expected_crc(&d, cfgs, slot + 1);
		if (got != want) {
			pd_info("cursor %llux8: CRC 0x%08x, reference 0x%08x",
				(unsigned long long)cap + 1, got, want);
			bad++;
		}
		pd_test_fb_destroy(&big);
	}
	pd_assert_f(bad == 0, "%d cursor placements differ from the reference", bad);
	pd_test_fb_destroy(&bg);
	pd_display_close(&d);
}

/* DRM_IOCTL_MODE_CURSOR2 / MOVECURSOR with a dumb buffer, as X and fbcon-era clients do. */
static void test_legacy(void)
{
	struct pd_display d;
	struct pd_test_fb bg;
	struct pd_test_fb ref_fb;
	uint32_t handle, pitch;
	uint64_t size;
	uint8_t *p;
	int slot, bad = 0;

	setup(&d, &bg);
	slot = d.noverlays + 1;
	/* Blending state the legacy ioctls leave alone: set it to the defaults. */
	{
		struct pd_plane_cfg cfgs[8] = { pd_plane_cfg(&bg, 0, 0) };

		pd_assert_eq(pd_test_fb_create(d.fd, DRM_FORMAT_ARGB8888, 64, 64, 61, &ref_fb), 0);
		cfgs[slot] = pd_plane_cfg(&ref_fb, 0, 0);
		pd_assert_eq(pd_apply(&d, cfgs, slot + 1, false, 0), 0);
	}
	handle = pd_dumb_create(d.fd, 64, 64, 32, &pitch, &size);
	pd_assert_eq(pitch, 256);
	p = pd_dumb_map(d.fd, handle, size, PROT_READ | PROT_WRITE);
	memcpy(p, ref_fb.map, 64 * 64 * 4);	/* same rows: ref_fb's pitch is 256 too */
	munmap(p, size);
	pd_assert_eq(drmModeSetCursor2(d.fd, d.out.crtc, handle, 64, 64, 0, 0), 0);
	const int pos[][2] = { { 0, 0 }, { 300, 200 }, { -20, 450 }, { 620, -30 } };
	for (size_t i = 0; i < 4; i++) {
		struct pd_plane_cfg cfgs[8] = { pd_plane_cfg(&bg, 0, 0) };
		uint32_t got, want;

		pd_assert_eq(drmModeMoveCursor(d.fd, d.out.crtc, pos[i][0], pos[i][1]), 0);
		cfgs[slot] = pd_plane_cfg(&ref_fb, pos[i][0], pos[i][1]);
		got = crc_now(&d);
		want = pd_expected_crc(&d, cfgs, slot + 1);
		if (got != want) {
			pd_info("legacy cursor at %d,%d: CRC 0x%08x, reference 0x%08x",
				pos[i][0], pos[i][1], got, want);
			bad++;
		}
	}
	/* Hide it: the background alone. */
	pd_assert_eq(drmModeSetCursor(d.fd, d.out.crtc, 0, 0, 0), 0);
	{
		struct pd_plane_cfg c = pd_plane_cfg(&bg, 0, 0);

		pd_assert_eq(crc_now(&d), pd_expected_crc(&d, &c, 1));
	}
	pd_assert_f(bad == 0, "%d legacy cursor positions differ from the reference", bad);
	pd_dumb_destroy(d.fd, handle);
	pd_test_fb_destroy(&ref_fb);
	pd_test_fb_destroy(&bg);
	pd_display_close(&d);
}

/*
 * With a page flip pending on a slow (4 Hz) mode, legacy cursor moves
 * complete before the flip does: they do not wait for the vblank.
 */
static void test_no_vblank_wait(void)
{
	struct pd_display d;
	struct pd_test_fb bg, bg2;
	drmModeModeInfo slow;
	uint32_t handle, pitch, blob;
	uint64_t size;
	struct pollfd pfd;
	drmModeAtomicReqPtr req;

	setup(&d, &bg);
	pd_assert_eq(pd_test_fb_create(d.fd, DRM_FORMAT_XRGB8888, 640, 480, 42, &bg2), 0);
	/* The 640x480 timings at a 4 Hz refresh. */
	slow = d.out.mode;
	slow.clock = slow.htotal * slow.vtotal * 4 / 1000;
	slow.vrefresh = 4;
	snprintf(slow.name, sizeof(slow.name), "640x480@4");
	pd_assert(drmModeCreatePropertyBlob(d.fd, &slow, sizeof(slow), &blob) == 0);
	req = drmModeAtomicAlloc();
	pd_req_add(req, d.fd, d.out.crtc, DRM_MODE_OBJECT_CRTC, "MODE_ID", blob);
	pd_assert_eq(pd_commit(&d, req, DRM_MODE_ATOMIC_ALLOW_MODESET), 0);
	drmModeAtomicFree(req);

	handle = pd_dumb_create(d.fd, 64, 64, 32, &pitch, &size);
	pd_assert_eq(drmModeSetCursor(d.fd, d.out.crtc, handle, 64, 64), 0);

	for (int round = 0; round < 3; round++) {
		drmEventContext ev = { .version = 2 };

		pd_assert_eq(drmModePageFlip(d.fd, d.out.crtc, (round & 1) ? bg.id : bg2.id,
					     DRM_MODE_PAGE_FLIP_EVENT, NULL), 0);
		for (int i = 0; i < 5; i++)
			pd_assert_eq(drmModeMoveCursor(d.fd, d.out.crtc, 10 * i + round, 20), 0);
		pd_assert_eq(drmModeSetCursor(d.fd, d.out.crtc, handle, 64, 64), 0);
		pfd = (struct pollfd){ .fd = d.fd, .events = POLLIN };
		pd_assert_f(poll(&pfd, 1, 0) == 0,
			    "the flip completed before 6 cursor updates returned: they waited for a vblank");
		pd_assert_f(poll(&pfd, 1, 2000) == 1, "flip event missing");
		drmHandleEvent(d.fd, &ev);
	}
	pd_assert_eq(drmModeSetCursor(d.fd, d.out.crtc, 0, 0, 0), 0);
	pd_dumb_destroy(d.fd, handle);
	drmModeDestroyPropertyBlob(d.fd, blob);
	pd_test_fb_destroy(&bg2);
	pd_test_fb_destroy(&bg);
	pd_display_close(&d);
}

/*
 * Legacy cursor moves right behind nonblocking page flips.  A flip's
 * commit tail records the planes it leaves alone (the cursor) from their
 * current state, which a cursor move rewrites in place from the ioctl:
 * the two must not interleave, or the flip can publish the cursor's old
 * position after the move published the new one, and the screen keeps
 * the old cursor.  Each round flips between two identical backgrounds,
 * moves the cursor back and forth at once (a burst, so that the moves
 * overlap the commit tail running on another CPU), waits for the flip and
 * then checks the CRC against the reference of the last position.
 */
static void test_moves_vs_flips(void)
{
	const int pos[2][2] = { { 100, 100 }, { 300, 200 } };
	const int rounds = 200, moves = 16;
	struct pd_display d;
	struct pd_test_fb bg, bg2, ref_fb;
	uint32_t handle, pitch, want[2];
	uint64_t size;
	uint8_t *p;
	int slot, bad = 0;

	setup(&d, &bg);
	slot = d.noverlays + 1;
	pd_assert_eq(pd_test_fb_create(d.fd, DRM_FORMAT_XRGB8888, 640, 480, 41, &bg2), 0);
	pd_assert_eq(pd_test_fb_create(d.fd, DRM_FORMAT_ARGB8888, 64, 64, 61, &ref_fb), 0);
	for (int k = 0; k < 2; k++) {
		struct pd_plane_cfg cfgs[8] = { pd_plane_cfg(&bg, 0, 0) };

		cfgs[slot] = pd_plane_cfg(&ref_fb, pos[k][0], pos[k][1]);
		want[k] = pd_expected_crc(&d, cfgs, slot + 1);
		/* The blending defaults the legacy ioctls leave alone. */
		pd_assert_eq(pd_apply(&d, cfgs, slot + 1, false, 0), 0);
	}
	pd_assert(want[0] != want[1]);
	handle = pd_dumb_create(d.fd, 64, 64, 32, &pitch, &size);
	pd_assert_eq(pitch, 256);
	p = pd_dumb_map(d.fd, handle, size, PROT_READ | PROT_WRITE);
	memcpy(p, ref_fb.map, 64 * 64 * 4);
	munmap(p, size);
	pd_assert_eq(drmModeSetCursor2(d.fd, d.out.crtc, handle, 64, 64, 0, 0), 0);

	for (int r = 0; r < rounds; r++) {
		drmEventContext ev = { .version = 2 };
		struct pollfd pfd = { .fd = d.fd, .events = POLLIN };
		const int *at = pos[r & 1];
		uint32_t got;

		pd_assert_eq(drmModePageFlip(d.fd, d.out.crtc, (r & 1) ? bg.id : bg2.id,
					     DRM_MODE_PAGE_FLIP_EVENT, NULL), 0);
		/* A burst of moves while the flip's commit tail runs, the last to @at. */
		for (int m = moves - 1; m >= 0; m--)
			pd_assert_eq(drmModeMoveCursor(d.fd, d.out.crtc,
						       pos[(r + m) & 1][0], pos[(r + m) & 1][1]), 0);
		pd_assert_f(poll(&pfd, 1, 30000) == 1, "round %d: no flip event in 30 s", r);
		drmHandleEvent(d.fd, &ev);
		got = crc_now(&d);
		if (got != want[r & 1]) {
			pd_info("round %d: cursor moved to %d,%d but CRC 0x%08x is %s", r,
				at[0], at[1], got,
				got == want[!(r & 1)] ? "the previous position's" : "neither's");
			bad++;
		}
	}
	pd_info("%d rounds of a flip and %d cursor moves", rounds, moves);
	pd_assert_f(bad == 0, "%d of %d rounds show another cursor than the last one set",
		    bad, rounds);
	pd_assert_eq(drmModeSetCursor(d.fd, d.out.crtc, 0, 0, 0), 0);
	pd_dumb_destroy(d.fd, handle);
	pd_test_fb_destroy(&ref_fb);
	pd_test_fb_destroy(&bg2);
	pd_test_fb_destroy(&bg);
	pd_display_close(&d);
}

static const struct pd_subtest subtests[] = {
	{ "cursor-sizes", test_sizes, "sizes 32..cap+1 and rectangles, on and off screen, vs reference" },
	{ "cursor-legacy", test_legacy, "SETCURSOR2/MOVECURSOR with a dumb buffer vs reference" },
	{ "cursor-no-vblank-wait", test_no_vblank_wait, "legacy cursor updates do not wait for a pending flip" },
	{ "cursor-moves-vs-flips", test_moves_vs_flips,
	  "a cursor move right behind a nonblocking flip is what the screen shows after both" },
	{ }
};

PD_MAIN(subtests, "Cursor plane: sizes, positions, legacy ioctls, no vblank waits.");
