// SPDX-License-Identifier: GPL-2.0
/*
 * kms_atomic_pd - explicit fences, CRTC sequence ioctls, asynchronous flips
 * and TEST_ONLY predictions on primedisp.
 *
 * OUT_FENCE_PTR gives a sync_file that signals when the flip is on screen;
 * IN_FENCE_FD holds a flip back until the fence (here a vgem fence exported
 * as a sync_file) signals; CRTC_GET/QUEUE_SEQUENCE follow the vblank
 * counter; an ASYNC flip completes without waiting for a vblank; and a
 * TEST_ONLY commit predicts exactly what the real commit does.
 */
#include <fcntl.h>
#include <linux/dma-buf.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <drm_fourcc.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include "pd_atomic.h"
#include "pd_crc.h"
#include "pd_prime.h"
#include "pd_vgem.h"
#include "pdtest.h"

static void setup(struct pd_display *d, struct pd_test_fb *a, struct pd_test_fb *b)
{
	struct pd_plane_cfg c;

	pd_display_open(d);
	pd_display_use_mode(d, 640, 480);
	pd_assert_eq(pd_test_fb_create(d->fd, DRM_FORMAT_XRGB8888, 640, 480, 71, a), 0);
	pd_assert_eq(pd_test_fb_create(d->fd, DRM_FORMAT_XRGB8888, 640, 480, 72, b), 0);
	c = pd_plane_cfg(a, 0, 0);
	pd_assert_eq(pd_apply(d, &c, 1, true, 0), 0);
}

static bool fd_signalled(int fd, int ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	return poll(&pfd, 1, ms) == 1;
}

static bool event_pending(struct pd_display *d, int ms)
{
	return fd_signalled(d->fd, ms);
}

static void read_event(struct pd_display *d, unsigned int *seq)
{
	char buf[1024];
	ssize_t n;

	pd_assert_f(event_pending(d, 5000), "no event within 5 s");
	n = read(d->fd, buf, sizeof(buf));
	pd_assert((size_t)n >= sizeof(struct drm_event));
	if (seq) {
		const struct drm_event *e = (const void *)buf;

		pd_assert(e->type == DRM_EVENT_FLIP_COMPLETE || e->type == DRM_EVENT_VBLANK);
		*seq = ((const struct drm_event_vblank *)buf)->sequence;
	}
}

/* Flip the primary to @fb with extra CRTC/plane properties. */
static int flip(struct pd_display *d, const struct pd_test_fb *fb, int32_t *out_fence,
		int in_fence, uint32_t flags)
{
	drmModeAtomicReqPtr req = drmModeAtomicAlloc();
	int ret;

	pd_req_add(req, d->fd, d->primary, DRM_MODE_OBJECT_PLANE, "FB_ID", fb->id);
	if (in_fence >= 0)
		pd_req_add(req, d->fd, d->primary, DRM_MODE_OBJECT_PLANE, "IN_FENCE_FD",
			   (uint64_t)in_fence);
	if (out_fence)
		pd_req_add(req, d->fd, d->out.crtc, DRM_MODE_OBJECT_CRTC, "OUT_FENCE_PTR",
			   (uint64_t)(uintptr_t)out_fence);
	ret = pd_commit(d, req, flags);
	drmModeAtomicFree(req);
	return ret;
}

static void test_out_fence(void)
{
	struct pd_display d;
	struct pd_test_fb a, b;

	setup(&d, &a, &b);
	for (int i = 0; i < 5; i++) {
		int32_t fence = -1;

		pd_assert_eq(flip(&d, (i & 1) ? &a : &b, &fence, -1,
				  DRM_MODE_ATOMIC_NONBLOCK | DRM_MODE_PAGE_FLIP_EVENT), 0);
		pd_assert_f(fence >= 0, "no out-fence");
		read_event(&d, NULL);
		/* The fence signals with the flip event, not later. */
		pd_assert_f(fd_signalled(fence, 0), "out-fence unsignalled after the flip event");
		close(fence);
	}
	/* A pointer the kernel cannot write: EFAULT, and nothing is committed. */
	pd_assert_eq(flip(&d, &b, (int32_t *)8, -1, DRM_MODE_ATOMIC_NONBLOCK), -EFAULT);
	pd_test_fb_destroy(&b);
	pd_test_fb_destroy(&a);
	pd_display_close(&d);
}

static void test_in_fence(void)
{
	struct pd_display d;
	struct pd_test_fb a, b;
	struct dma_buf_export_sync_file sf = { .flags = DMA_BUF_SYNC_READ, .fd = -1 };
	int vgem, dmabuf, fence_id;
	uint32_t handle, crc, want_b;
	struct pd_plane_cfg cb;

	setup(&d, &a, &b);
	vgem = pd_vgem_open();
	handle = pd_vgem_create(vgem, 64, 64, 32, NULL, NULL);
	fence_id = pd_vgem_fence_attach(vgem, handle, true);
	dmabuf = pd_prime_handle_to_fd(vgem, handle);
	if (ioctl(dmabuf, DMA_BUF_IOCTL_EXPORT_SYNC_FILE, &sf) == -1) {
		pd_require(errno != ENOTTY, "this kernel has no DMA_BUF_IOCTL_EXPORT_SYNC_FILE");
		pd_fail("DMA_BUF_IOCTL_EXPORT_SYNC_FILE failed");
	}
	pd_assert(!fd_signalled(sf.fd, 0));

	pd_assert_eq(flip(&d, &b, NULL, sf.fd, DRM_MODE_ATOMIC_NONBLOCK | DRM_MODE_PAGE_FLIP_EVENT), 0);
	/* Held back by the fence: no event, and the old picture on screen. */
	pd_assert_f(!event_pending(&d, 400), "the flip completed with its in-fence unsignalled");
	cb = pd_plane_cfg(&a, 0, 0);
	pd_require(pd_crtc_crc(d.fd, d.out.crtc_index, &crc), "no CRC interface (debugfs)");
	pd_assert_f(crc == pd_expected_crc(&d, &cb, 1), "screen changed before the in-fence signalled");
	pd_vgem_fence_signal(vgem, fence_id);
	read_event(&d, NULL);
	cb = pd_plane_cfg(&b, 0, 0);
	want_b = pd_expected_crc(&d, &cb, 1);
	pd_assert(pd_crtc_crc(d.fd, d.out.crtc_index, &crc));
	pd_assert_eq(crc, want_b);

	/* A descriptor that is not a sync_file: EINVAL. */
	pd_assert_eq(flip(&d, &a, NULL, dmabuf, 0), -EINVAL);
	pd_assert_eq(flip(&d, &a, NULL, 9999, 0), -EINVAL);
	close(sf.fd);
	close(dmabuf);
	close(vgem);
	pd_test_fb_destroy(&b);
	pd_test_fb_destroy(&a);
	pd_display_close(&d);
}

/*
 * IN_FENCE_FD on a plane without a framebuffer: EINVAL (the DRM core would
 * accept it and WARN while waiting for the fence), and the screen and the
 * next flip are unaffected.
 */
static void test_in_fence_without_fb(void)
{
	struct pd_display d;
	struct pd_test_fb a, b;
	struct dma_buf_export_sync_file sf = { .flags = DMA_BUF_SYNC_READ, .fd = -1 };
	drmModeAtomicReqPtr req;
	struct pd_plane_cfg ca;
	uint32_t crc;
	int dmabuf;

	setup(&d, &a, &b);
	pd_require(d.noverlays, "no overlay plane");
	dmabuf = pd_prime_handle_to_fd(d.fd, a.handle);
	if (ioctl(dmabuf, DMA_BUF_IOCTL_EXPORT_SYNC_FILE, &sf) == -1) {
		pd_require(errno != ENOTTY, "this kernel has no DMA_BUF_IOCTL_EXPORT_SYNC_FILE");
		pd_fail("DMA_BUF_IOCTL_EXPORT_SYNC_FILE failed");
	}
	for (int nonblock = 0; nonblock < 2; nonblock++) {
		req = drmModeAtomicAlloc();
		pd_req_add(req, d.fd, d.overlays[0], DRM_MODE_OBJECT_PLANE, "IN_FENCE_FD",
			   (uint64_t)sf.fd);
		pd_assert_eq(pd_commit(&d, req, nonblock ? DRM_MODE_ATOMIC_NONBLOCK : 0), -EINVAL);
		pd_assert_eq(pd_commit(&d, req, DRM_MODE_ATOMIC_TEST_ONLY), -EINVAL);
		drmModeAtomicFree(req);
	}
	ca = pd_plane_cfg(&a, 0, 0);
	pd_require(pd_crtc_crc(d.fd, d.out.crtc_index, &crc), "no CRC interface (debugfs)");
	pd_assert_eq(crc, pd_expected_crc(&d, &ca, 1));
	/* The same fence on a plane with a framebuffer is fine. */
	pd_assert_eq(flip(&d, &b, NULL, sf.fd, DRM_MODE_PAGE_FLIP_EVENT), 0);
	read_event(&d, NULL);
	close(sf.fd);
	close(dmabuf);
	pd_test_fb_destroy(&b);
	pd_test_fb_destroy(&a);
	pd_display_close(&d);
}

static void test_crtc_sequence(void)
{
	struct pd_display d;
	struct pd_test_fb a, b;
	uint64_t seq, seq2, ns, ns2, queued;

	setup(&d, &a, &b);
	pd_assert_eq(drmCrtcGetSequence(d.fd, d.out.crtc, &seq, &ns), 0);
	pd_msleep(100);
	pd_assert_eq(drmCrtcGetSequence(d.fd, d.out.crtc, &seq2, &ns2), 0);
	pd_assert_f(seq2 > seq && ns2 > ns, "sequence %llu -> %llu did not advance",
		    (unsigned long long)seq, (unsigned long long)seq2);
	/*
	 * Timestamps and counts agree with the mode's frame period: the
	 * counts differ by the number of frame periods between the stamps.
	 */
	{
		double period = (double)d.out.mode.htotal * d.out.mode.vtotal /
				(d.out.mode.clock * 1000.0);
		double frames = (ns2 - ns) / 1e9 / period;

		pd_assert_f(frames > (seq2 - seq) - 0.5 && frames < (seq2 - seq) + 0.5,
			    "%llu frames in %.6f s at %.6f s per frame",
			    (unsigned long long)(seq2 - seq), (ns2 - ns) / 1e9, period);
	}
	pd_assert_eq(drmCrtcQueueSequence(d.fd, d.out.crtc, DRM_CRTC_SEQUENCE_RELATIVE, 3,
					  &queued, 0x1234), 0);
	{
		char buf[256];
		const struct drm_event_crtc_sequence *e = (const void *)buf;

		pd_assert_f(event_pending(&d, 5000), "no sequence event");
		pd_assert(read(d.fd, buf, sizeof(buf)) >= (ssize_t)sizeof(*e));
		pd_assert_eq(e->base.type, DRM_EVENT_CRTC_SEQUENCE);
		pd_assert_eq(e->user_data, 0x1234);
		/* Delivered at the queued vblank, or later if the machine lagged. */
		pd_assert_f(e->sequence >= queued && e->sequence < queued + 120,
			    "event for vblank %llu delivered at %llu",
			    (unsigned long long)queued, (unsigned long long)e->sequence);
	}
	/* Unknown flags and a CRTC that does not exist are refused. */
	pd_assert_errno(drmCrtcQueueSequence(d.fd, d.out.crtc, 0x80, 1, NULL, 0), EINVAL);
	pd_assert(drmCrtcGetSequence(d.fd, 0x7ffffff, &seq, &ns) != 0);
	pd_test_fb_destroy(&b);
	pd_test_fb_destroy(&a);
	pd_display_close(&d);
}

/* Legacy page flips with DRM_MODE_PAGE_FLIP_ASYNC complete at once. */
static void test_async_flip(void)
{
	struct pd_display d;
	struct pd_test_fb a, b;
	uint64_t cap = 0;
	drmModeModeInfo slow;
	uint32_t blob;
	drmModeAtomicReqPtr req;

	setup(&d, &a, &b);
	pd_assert(drmGetCap(d.fd, DRM_CAP_ASYNC_PAGE_FLIP, &cap) == 0);
	pd_assert_eq(cap, 1);
	/* A 4 Hz mode: a flip that waited for a vblank would take 250 ms. */
	slow = d.out.mode;
	slow.clock = slow.htotal * slow.vtotal * 4 / 1000;
	slow.vrefresh = 4;
	pd_assert(drmModeCreatePropertyBlob(d.fd, &slow, sizeof(slow), &blob) == 0);
	req = drmModeAtomicAlloc();
	pd_req_add(req, d.fd, d.out.crtc, DRM_MODE_OBJECT_CRTC, "MODE_ID", blob);
	pd_assert_eq(pd_commit(&d, req, DRM_MODE_ATOMIC_ALLOW_MODESET), 0);
	drmModeAtomicFree(req);

	for (int i = 0; i < 4; i++) {
		drmVBlank v = { .request.type = DRM_VBLANK_RELATIVE };
		unsigned int seq;

		pd_assert(drmWaitVBlank(d.fd, &v) == 0);
		pd_assert_eq(drmModePageFlip(d.fd, d.out.crtc, (i & 1) ? a.id : b.id,
					     DRM_MODE_PAGE_FLIP_EVENT | DRM_MODE_PAGE_FLIP_ASYNC,
					     NULL), 0);
		read_event(&d, &seq);
		/* Completed within the frame it was issued in. */
		pd_assert_f(seq == v.reply.sequence,
			    "async flip issued in frame %u completed in frame %u", v.reply.sequence,
			    seq);
	}
	/* The screen shows the last buffer flipped. */
	{
		struct pd_plane_cfg c = pd_plane_cfg(&a, 0, 0);
		uint32_t crc;

		pd_require(pd_crtc_crc(d.fd, d.out.crtc_index, &crc), "no CRC interface");
		pd_assert_eq(crc, pd_expected_crc(&d, &c, 1));
	}
	drmModeDestroyPropertyBlob(d.fd, blob);
	pd_test_fb_destroy(&b);
	pd_test_fb_destroy(&a);
	pd_display_close(&d);
}

/* TEST_ONLY answers exactly what the real commit does, for good and bad states. */
static void test_test_only(void)
{
	struct pd_display d;
	struct pd_test_fb a, b, small;
	int agree = 0;

	setup(&d, &a, &b);
	pd_require(d.noverlays, "no overlay plane");
	pd_assert_eq(pd_test_fb_create(d.fd, DRM_FORMAT_ARGB8888, 64, 64, 3, &small), 0);
	for (int k = 0; k < 8; k++) {
		struct pd_plane_cfg cfgs[2] = { pd_plane_cfg(&a, 0, 0), pd_plane_cfg(&small, 10, 10) };
		int t, r;

		switch (k) {
		case 1: cfgs[1].crtc_w = 64 * 9; cfgs[1].crtc_h = 64; break;	/* scale > 8 */
		case 2: cfgs[1].rotation = DRM_MODE_ROTATE_0 | DRM_MODE_ROTATE_180; break;
		case 3: cfgs[1].crtc_x = 5000; break;				/* invisible: fine */
		case 4: cfgs[1].src_w = 65 << 16; cfgs[1].src_h = 64 << 16; break; /* beyond fb */
		case 5: cfgs[1].zpos = 9; break;					/* out of range */
		case 6: cfgs[1].alpha = 0x8000; cfgs[1].blend = PD_REF_BLEND_COVERAGE; break;
		case 7: cfgs[0].fb = &b; break;
		}
		t = pd_apply(&d, cfgs, 2, false, DRM_MODE_ATOMIC_TEST_ONLY);
		r = pd_apply(&d, cfgs, 2, false, 0);
		pd_assert_f(t == r, "case %d: TEST_ONLY said %d, the commit did %d", k, t, r);
		agree += t == 0;
	}
	pd_assert_f(agree >= 4 && agree <= 6, "%d of 8 cases committed", agree);
	pd_test_fb_destroy(&small);
	pd_test_fb_destroy(&b);
	pd_test_fb_destroy(&a);
	pd_display_close(&d);
}

static const struct pd_subtest subtests[] = {
	{ "out-fence", test_out_fence, "OUT_FENCE_PTR signals with the flip; bad pointer EFAULT" },
	{ "in-fence", test_in_fence, "IN_FENCE_FD (vgem fence as sync_file) holds the flip back" },
	{ "in-fence-without-fb", test_in_fence_without_fb,
	  "IN_FENCE_FD on a plane without FB_ID: EINVAL, no WARN" },
	{ "crtc-sequence", test_crtc_sequence, "CRTC_GET/QUEUE_SEQUENCE follow the vblank counter" },
	{ "async-flip", test_async_flip, "DRM_MODE_PAGE_FLIP_ASYNC flips complete in the same frame" },
	{ "test-only", test_test_only, "TEST_ONLY predicts the real commit exactly" },
	{ }
};

PD_MAIN(subtests, "Explicit fences, CRTC sequences, async flips and TEST_ONLY.");
