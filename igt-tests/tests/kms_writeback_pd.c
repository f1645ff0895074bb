// SPDX-License-Identifier: GPL-2.0
/*
 * kms_writeback_pd - primedisp's writeback connectors.
 *
 * Each CRTC has a writeback connector that captures the composed frame into
 * a framebuffer the client attaches with WRITEBACK_FB_ID; the out-fence
 * from WRITEBACK_OUT_FENCE_PTR signals when the capture is complete.  The
 * captured bytes must equal, bit for bit, the frame this test renders
 * itself (lib/pd_ref.c) written in the writeback format.  Invalid requests
 * fail the way IGT's kms_writeback expects.
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <drm_fourcc.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include "pd_atomic.h"
#include "pdtest.h"

#define T_CONN DRM_MODE_OBJECT_CONNECTOR

struct scene {
	struct pd_display d;
	struct pd_test_fb bg, ov;
	struct pd_plane_cfg cfgs[2];
};

static void scene_setup(struct scene *s)
{
	pd_display_open(&s->d);
	pd_require(s->d.wb_conn, "CRTC %d has no writeback connector", s->d.out.crtc_index);
	pd_display_use_mode(&s->d, 640, 480);
	pd_assert_eq(pd_test_fb_create(s->d.fd, DRM_FORMAT_XRGB8888, 640, 480, 11, &s->bg), 0);
	pd_assert_eq(pd_test_fb_create(s->d.fd, DRM_FORMAT_ARGB8888, 200, 120, 12, &s->ov), 0);
	s->cfgs[0] = pd_plane_cfg(&s->bg, 0, 0);
	s->cfgs[1] = pd_plane_cfg(&s->ov, 100, 80);
	s->cfgs[1].alpha = 0x9000;
	pd_assert_eq(pd_apply(&s->d, s->cfgs, 2, true, 0), 0);
}

static void scene_teardown(struct scene *s)
{
	pd_test_fb_destroy(&s->ov);
	pd_test_fb_destroy(&s->bg);
	pd_display_close(&s->d);
}

/*
 * One commit: the scene's planes plus writeback into @wb (0: none) with an
 * out-fence if @fence; the connector is attached to the CRTC unless
 * @no_crtc.  Returns 0 or -errno; *fence receives the fence fd.
 */
static int wb_commit(struct scene *s, uint32_t wb, int32_t *fence, bool no_crtc,
		     uint32_t flags)
{
	drmModeAtomicReqPtr req = drmModeAtomicAlloc();
	int ret;

	pd_assert(req);
	for (int i = 0; i < 2; i++) {
		struct pd_plane_cfg c = s->cfgs[i];

		c.zpos = (uint64_t)i;
		pd_req_plane(&s->d, req, pd_plane_slot(&s->d, i), &c);
	}
	pd_req_add(req, s->d.fd, s->d.wb_conn, T_CONN, "CRTC_ID", no_crtc ? 0 : s->d.out.crtc);
	pd_req_add(req, s->d.fd, s->d.wb_conn, T_CONN, "WRITEBACK_FB_ID", wb);
	if (fence) {
		*fence = -1;
		pd_req_add(req, s->d.fd, s->d.wb_conn, T_CONN, "WRITEBACK_OUT_FENCE_PTR",
			   (uint64_t)(uintptr_t)fence);
	}
	ret = pd_commit(&s->d, req, flags | DRM_MODE_ATOMIC_ALLOW_MODESET);
	drmModeAtomicFree(req);
	return ret;
}

static void wait_fence(int fence)
{
	struct pollfd pfd = { .fd = fence, .events = POLLIN };

	pd_assert_f(fence >= 0, "no out-fence returned");
	pd_assert_f(poll(&pfd, 1, 10000) == 1, "writeback out-fence not signalled within 10 s");
	close(fence);
}

/* Capture the scene into @fmt and compare with the reference, byte for byte. */
static bool capture_matches(struct scene *s, uint32_t fmt)
{
	uint32_t w = s->d.out.mode.hdisplay, h = s->d.out.mode.vdisplay;
	struct pd_ref_plane planes[2] = { pd_ref_of(&s->cfgs[0], 0), pd_ref_of(&s->cfgs[1], 1) };
	struct pd_ref_px *frame = malloc(sizeof(*frame) * w * h);
	struct pd_test_fb wb;
	uint8_t *want;
	int32_t fence;
	size_t bad = 0, first = 0;
	int np, cpp[4], hs, vs;
	char name[8];

	pd_assert(frame);
	pd_assert_eq(pd_test_fb_create(s->d.fd, fmt, w, h, 0xdead, &wb), 0);
	want = calloc(1, wb.size);
	pd_assert(want);
	pd_ref_compose(planes, 2, w, h, frame);
	pd_assert(pd_ref_write(frame, w, h, fmt, want, wb.ref.pitch[0]));

	pd_assert_eq(wb_commit(s, wb.id, &fence, false, 0), 0);
	wait_fence(fence);
	pd_ref_format_layout(fmt, &np, cpp, &hs, &vs);
	for (uint32_t y = 0; y < h; y++) {
		const uint8_t *a = wb.map + (size_t)y * wb.ref.pitch[0];
		const uint8_t *b = want + (size_t)y * wb.ref.pitch[0];

		for (size_t x = 0; x < (size_t)w * cpp[0]; x++)
			if (a[x] != b[x] && !bad++)
				first = (size_t)y * w + x / cpp[0];
	}
	if (bad)
		pd_info("%s: %zu bytes differ, first at pixel %zu,%zu", pd_fourcc_str(fmt, name),
			bad, first % w, first / w);
	pd_test_fb_destroy(&wb);
	free(want);
	free(frame);
	return bad == 0;
}

static void test_formats(void)
{
	struct scene s;
	drmModePropertyBlobPtr blob;
	int bad = 0, n;
	char name[8];

	scene_setup(&s);
	blob = drmModeGetPropertyBlob(s.d.fd, (uint32_t)pd_prop_get(s.d.fd, s.d.wb_conn, T_CONN,
								      "WRITEBACK_PIXEL_FORMATS"));
	pd_assert(blob);
	n = blob->length / 4;
	pd_assert_f(n >= 3, "only %d writeback formats", n);
	for (int i = 0; i < n; i++) {
		uint32_t fmt = ((const uint32_t *)blob->data)[i];

		pd_assert_f(pd_ref_format_known(fmt), "writeback format %s unknown to the test",
			    pd_fourcc_str(fmt, name));
		if (!capture_matches(&s, fmt))
			bad++;
	}
	drmModeFreePropertyBlob(blob);
	pd_assert_f(bad == 0, "%d of %d writeback formats differ from the reference", bad, n);
	scene_teardown(&s);
}

/* Consecutive captures follow the picture as it changes. */
static void test_sequence(void)
{
	struct scene s;

	scene_setup(&s);
	for (int i = 0; i < 6; i++) {
		s.cfgs[1].crtc_x = 20 + 70 * i;
		s.cfgs[1].crtc_y = 10 + 50 * i;
		s.cfgs[1].blend = i % 3;
		pd_assert_f(capture_matches(&s, DRM_FORMAT_XRGB8888),
			    "capture %d differs from the reference", i);
	}
	scene_teardown(&s);
}

/* After a capture, WRITEBACK_FB_ID reads back as 0: the job is one-shot. */
static void test_fb_id(void)
{
	struct scene s;
	struct pd_test_fb wb;
	int32_t fence;

	scene_setup(&s);
	pd_assert_eq(pd_test_fb_create(s.d.fd, DRM_FORMAT_XRGB8888, 640, 480, 1, &wb), 0);
	pd_assert_eq(wb_commit(&s, wb.id, &fence, false, 0), 0);
	wait_fence(fence);
	pd_assert_eq(pd_prop_get(s.d.fd, s.d.wb_conn, T_CONN, "WRITEBACK_FB_ID"), 0);
	/* A commit without a writeback buffer captures nothing and succeeds. */
	pd_assert_eq(wb_commit(&s, 0, NULL, false, 0), 0);
	pd_test_fb_destroy(&wb);
	scene_teardown(&s);
}

static void test_invalid(void)
{
	struct scene s;
	struct pd_test_fb small, yuv, ok;
	int32_t fence;

	scene_setup(&s);
	pd_assert_eq(pd_test_fb_create(s.d.fd, DRM_FORMAT_XRGB8888, 320, 240, 1, &small), 0);
	pd_assert_eq(pd_test_fb_create(s.d.fd, DRM_FORMAT_YUYV, 640, 480, 1, &yuv), 0);
	pd_assert_eq(pd_test_fb_create(s.d.fd, DRM_FORMAT_XRGB8888, 640, 480, 1, &ok), 0);

	/* Buffer of the wrong size, in TEST_ONLY and for real. */
	pd_assert_eq(wb_commit(&s, small.id, &fence, false, DRM_MODE_ATOMIC_TEST_ONLY), -EINVAL);
	pd_assert_eq(wb_commit(&s, small.id, &fence, false, 0), -EINVAL);
	/* A format writeback does not write. */
	pd_assert_eq(wb_commit(&s, yuv.id, &fence, false, 0), -EINVAL);
	/* An out-fence without a buffer. */
	pd_assert_eq(wb_commit(&s, 0, &fence, false, 0), -EINVAL);
	/* A buffer without a CRTC. */
	pd_assert_eq(wb_commit(&s, ok.id, NULL, true, 0), -EINVAL);
	/* A framebuffer id that does not exist. */
	pd_assert_eq(wb_commit(&s, 0x7fffffff, NULL, false, 0), -EINVAL);
	/* And a valid one still works afterwards. */
	pd_assert_eq(wb_commit(&s, ok.id, &fence, false, 0), 0);
	wait_fence(fence);

	pd_test_fb_destroy(&ok);
	pd_test_fb_destroy(&yuv);
	pd_test_fb_destroy(&small);
	scene_teardown(&s);
}

/* Capture requested, then the CRTC turned off at once: the fence still signals. */
static void test_disable_pending(void)
{
	struct scene s;
	struct pd_test_fb wb;
	drmModeAtomicReqPtr req;
	int32_t fence;

	scene_setup(&s);
	pd_assert_eq(pd_test_fb_create(s.d.fd, DRM_FORMAT_XRGB8888, 640, 480, 1, &wb), 0);
	pd_assert_eq(wb_commit(&s, wb.id, &fence, false, DRM_MODE_ATOMIC_NONBLOCK), 0);
	req = drmModeAtomicAlloc();
	pd_req_add(req, s.d.fd, s.d.out.crtc, DRM_MODE_OBJECT_CRTC, "ACTIVE", 0);
	/* The previous commit may still be pending: retry while busy. */
	for (int i = 0; i < 100; i++) {
		int ret = pd_commit(&s.d, req, DRM_MODE_ATOMIC_ALLOW_MODESET);

		if (ret != -EBUSY) {
			pd_assert_eq(ret, 0);
			break;
		}
		pd_msleep(10);
	}
	drmModeAtomicFree(req);
	wait_fence(fence);
	pd_test_fb_destroy(&wb);
	scene_teardown(&s);
}

static const struct pd_subtest subtests[] = {
	{ "writeback-pixel-formats", test_formats, "every writeback format equals the reference frame" },
	{ "writeback-check-output", test_sequence, "consecutive captures of a changing picture" },
	{ "writeback-fb-id", test_fb_id, "WRITEBACK_FB_ID is one-shot" },
	{ "writeback-invalid-parameters", test_invalid, "bad buffers, fences and CRTCs are EINVAL" },
	{ "writeback-disable-pending", test_disable_pending, "CRTC off with a capture pending: fence signals" },
	{ }
};

PD_MAIN(subtests, "Writeback connectors: captured frames match the reference bit for bit.");
