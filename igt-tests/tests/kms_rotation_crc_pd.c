// SPDX-License-Identifier: GPL-2.0
/*
 * kms_rotation_crc_pd - plane rotation (0/90/180/270) and reflection (X, Y)
 * on primary and overlay planes, RGB and YCbCr, with and without scaling,
 * checked by CRC against frames this test renders itself (lib/pd_ref.c).
 */
#include <stdio.h>

#include <drm_fourcc.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include "pd_atomic.h"
#include "pd_crc.h"
#include "pdtest.h"

static const uint32_t rotations[] = {
	DRM_MODE_ROTATE_0, DRM_MODE_ROTATE_90, DRM_MODE_ROTATE_180, DRM_MODE_ROTATE_270,
};
static const uint32_t reflections[] = {
	0, DRM_MODE_REFLECT_X, DRM_MODE_REFLECT_Y, DRM_MODE_REFLECT_X | DRM_MODE_REFLECT_Y,
};

static void setup(struct pd_display *d, struct pd_test_fb *bg)
{
	struct pd_plane_cfg c;

	pd_display_open(d);
	pd_display_use_mode(d, 640, 480);
	pd_assert_eq(pd_test_fb_create(d->fd, DRM_FORMAT_XRGB8888, 640, 480, 21, bg), 0);
	c = pd_plane_cfg(bg, 0, 0);
	pd_assert_eq(pd_apply(d, &c, 1, true, 0), 0);
}

static bool check(struct pd_display *d, const struct pd_plane_cfg *cfgs, int n, const char *what)
{
	uint32_t got, want;
	int ret = pd_apply(d, cfgs, n, false, 0);

	pd_assert_f(ret == 0, "%s: commit failed: %s", what, strerror(-ret));
	pd_require(pd_crtc_crc(d->fd, d->out.crtc_index, &got), "no CRC interface (debugfs)");
	want = pd_expected_crc(d, cfgs, n);
	if (got != want)
		pd_info("%s: CRC 0x%08x, reference 0x%08x", what, got, want);
	return got == want;
}

/* All 16 rotation/reflection combinations of an overlay in @format. */
static void overlay_rotations(uint32_t format, bool scaled)
{
	struct pd_display d;
	struct pd_test_fb bg, fb;
	int bad = 0;
	char what[96], name[8];

	setup(&d, &bg);
	pd_require(d.noverlays, "no overlay plane");
	/* Not square, so that a wrong axis shows. */
	pd_assert_eq(pd_test_fb_create(d.fd, format, 160, 96, 22, &fb), 0);
	for (int r = 0; r < 4; r++) {
		for (int f = 0; f < 4; f++) {
			struct pd_plane_cfg cfgs[2] = {
				pd_plane_cfg(&bg, 0, 0), pd_plane_cfg(&fb, 61, 43),
			};

			cfgs[1].rotation = rotations[r] | reflections[f];
			if (scaled) {
				cfgs[1].src_x = 8 << 16;
				cfgs[1].src_y = 4 << 16;
				cfgs[1].src_w = 120 << 16;
				cfgs[1].src_h = 80 << 16;
				cfgs[1].crtc_w = 301;
				cfgs[1].crtc_h = 199;
			}
			snprintf(what, sizeof(what), "%s rotation 0x%02x%s", pd_fourcc_str(format, name),
				 (unsigned int)cfgs[1].rotation, scaled ? " scaled" : "");
			bad += !check(&d, cfgs, 2, what);
		}
	}
	pd_assert_f(bad == 0, "%d of 16 rotations differ from the reference", bad);
	pd_test_fb_destroy(&fb);
	pd_test_fb_destroy(&bg);
	pd_display_close(&d);
}

static void test_overlay_rgb(void) { overlay_rotations(DRM_FORMAT_XRGB8888, false); }
static void test_overlay_rgb565(void) { overlay_rotations(DRM_FORMAT_RGB565, false); }
static void test_overlay_nv12(void) { overlay_rotations(DRM_FORMAT_NV12, false); }
static void test_overlay_yuyv(void) { overlay_rotations(DRM_FORMAT_YUYV, false); }
static void test_overlay_scaled(void) { overlay_rotations(DRM_FORMAT_ARGB8888, true); }

/* The primary plane rotated to fill the screen (90/270 need a w<->h buffer). */
static void test_primary(void)
{
	struct pd_display d;
	struct pd_test_fb bg, land, port;
	int bad = 0;
	char what[64];

	setup(&d, &bg);
	pd_assert_eq(pd_test_fb_create(d.fd, DRM_FORMAT_XRGB8888, 640, 480, 31, &land), 0);
	pd_assert_eq(pd_test_fb_create(d.fd, DRM_FORMAT_XRGB8888, 480, 640, 32, &port), 0);
	for (int r = 0; r < 4; r++) {
		struct pd_plane_cfg c = pd_plane_cfg((r & 1) ? &port : &land, 0, 0);

		c.rotation = rotations[r] | (r == 2 ? DRM_MODE_REFLECT_X : 0);
		snprintf(what, sizeof(what), "primary rotation 0x%02x", (unsigned int)c.rotation);
		bad += !check(&d, &c, 1, what);
	}
	pd_assert_f(bad == 0, "%d primary rotations differ from the reference", bad);
	pd_test_fb_destroy(&port);
	pd_test_fb_destroy(&land);
	pd_test_fb_destroy(&bg);
	pd_display_close(&d);
}

/* Rotation values outside the property's bitmask are refused. */
static void test_bad_rotation(void)
{
	struct pd_display d;
	struct pd_test_fb bg;
	struct pd_plane_cfg c;

	setup(&d, &bg);
	c = pd_plane_cfg(&bg, 0, 0);
	/* Two rotations at once. */
	c.rotation = DRM_MODE_ROTATE_0 | DRM_MODE_ROTATE_90;
	pd_assert_eq(pd_apply(&d, &c, 1, false, DRM_MODE_ATOMIC_TEST_ONLY), -EINVAL);
	/* No rotation bit at all. */
	c.rotation = DRM_MODE_REFLECT_X;
	pd_assert_eq(pd_apply(&d, &c, 1, false, DRM_MODE_ATOMIC_TEST_ONLY), -EINVAL);
	/* A bit the property does not define. */
	c.rotation = DRM_MODE_ROTATE_0 | 0x100;
	pd_assert_eq(pd_apply(&d, &c, 1, false, DRM_MODE_ATOMIC_TEST_ONLY), -EINVAL);
	pd_test_fb_destroy(&bg);
	pd_display_close(&d);
}

static const struct pd_subtest subtests[] = {
	{ "overlay-rotation-xrgb8888", test_overlay_rgb, "16 rotations/reflections, XRGB8888" },
	{ "overlay-rotation-rgb565", test_overlay_rgb565, "16 rotations/reflections, RGB565" },
	{ "overlay-rotation-nv12", test_overlay_nv12, "16 rotations/reflections, NV12" },
	{ "overlay-rotation-yuyv", test_overlay_yuyv, "16 rotations/reflections, YUYV" },
	{ "overlay-rotation-scaled", test_overlay_scaled, "16 rotations/reflections with a window and scaling" },
	{ "primary-rotation", test_primary, "full-screen primary rotated 0/90/180/270" },
	{ "bad-rotation", test_bad_rotation, "invalid rotation values are EINVAL" },
	{ }
};

PD_MAIN(subtests, "Plane rotation and reflection, checked by CRC against a userspace reference.");
