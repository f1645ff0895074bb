// SPDX-License-Identifier: GPL-2.0
/*
 * kms_plane_pd - primedisp's planes: every pixel format on every plane type,
 * positions (also partly off screen), scaling, YCbCr encodings and ranges,
 * alpha and blend modes, zpos, rotation and reflection.
 *
 * Every framebuffer is filled with pseudo-random bytes, so each pixel of
 * each format exercises arbitrary channel values (and alpha).  The test
 * renders the expected frame itself (lib/pd_ref.c) and compares the CRC
 * primedisp reports for the composed frame with the CRC of that reference.
 */
#include <stdio.h>
#include <stdlib.h>

#include <drm_fourcc.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include "pd_atomic.h"
#include "pd_crc.h"
#include "pdtest.h"

#define BG_SEED 0x1234

/* Open, set the mode with a random XRGB8888 background on the primary. */
static void setup(struct pd_display *d, struct pd_test_fb *bg)
{
	struct pd_plane_cfg c;

	pd_display_open(d);
	/* A small mode keeps composing and the reference quick under TCG. */
	pd_display_use_mode(d, 640, 480);
	pd_assert_eq(pd_test_fb_create(d->fd, DRM_FORMAT_XRGB8888, d->out.mode.hdisplay,
				       d->out.mode.vdisplay, BG_SEED, bg), 0);
	c = pd_plane_cfg(bg, 0, 0);
	pd_assert_eq(pd_apply(d, &c, 1, true, 0), 0);
}

static uint32_t screen_crc(struct pd_display *d)
{
	uint32_t crc;

	pd_require(pd_crtc_crc(d->fd, d->out.crtc_index, &crc), "no CRC interface (debugfs)");
	return crc;
}

/* Commit @cfgs and compare the screen's CRC with the reference; true if equal. */
static bool check(struct pd_display *d, const struct pd_plane_cfg *cfgs, int n,
		  const char *what)
{
	uint32_t got, want;
	int ret = pd_apply(d, cfgs, n, false, 0);

	pd_assert_f(ret == 0, "%s: commit failed: %s", what, strerror(-ret));
	got = screen_crc(d);
	want = pd_expected_crc(d, cfgs, n);
	if (got != want)
		pd_info("%s: CRC 0x%08x, reference 0x%08x", what, got, want);
	return got == want;
}

static drmModePlanePtr get_plane(struct pd_display *d, uint32_t id)
{
	drmModePlanePtr p = drmModeGetPlane(d->fd, id);

	pd_assert(p);
	return p;
}

/* Every format a plane type lists, on that plane, against the reference. */
static void pixel_formats(int type)
{
	struct pd_display d;
	struct pd_test_fb bg;
	int bad = 0, tried = 0;
	char name[8], what[96];

	setup(&d, &bg);
	for (int slot = 0; slot < d.noverlays + 2; slot++) {
		uint32_t id = pd_plane_slot(&d, slot);
		drmModePlanePtr p;

		int slot_type = slot == 0 ? DRM_PLANE_TYPE_PRIMARY :
				slot <= d.noverlays ? DRM_PLANE_TYPE_OVERLAY : DRM_PLANE_TYPE_CURSOR;

		if (!id || slot_type != type)
			continue;
		p = get_plane(&d, id);
		for (uint32_t f = 0; f < p->count_formats; f++) {
			uint32_t fmt = p->formats[f];
			struct pd_plane_cfg cfgs[4] = { pd_plane_cfg(&bg, 0, 0) };
			struct pd_test_fb fb;
			/* Odd positions and sizes where the format allows. */
			uint32_t w = slot ? 94 : 130, h = slot ? 62 : 90;

			pd_assert_f(pd_ref_format_known(fmt), "plane %u lists %s, unknown to the test",
				    id, pd_fourcc_str(fmt, name));
			pd_assert_eq(pd_test_fb_create(d.fd, fmt, w, h, 77 + f, &fb), 0);
			cfgs[slot] = pd_plane_cfg(&fb, 37 + slot * 60, 21 + slot * 40);
			if (slot == 0)
				cfgs[0].crtc_x = cfgs[0].crtc_y = 0;
			snprintf(what, sizeof(what), "plane %u (slot %d) format %s", id, slot,
				 pd_fourcc_str(fmt, name));
			tried++;
			if (!check(&d, cfgs, slot + 1, what))
				bad++;
			pd_test_fb_destroy(&fb);
		}
		drmModeFreePlane(p);
		if (type == DRM_PLANE_TYPE_OVERLAY)
			break;	/* the overlays are alike: the first one stands for all */
	}
	pd_require(tried, "no plane of type %d", type);
	pd_assert_f(bad == 0, "%d of %d plane/format combinations differ from the reference",
		    bad, tried);
	pd_test_fb_destroy(&bg);
	pd_display_close(&d);
}

static void test_formats_primary(void) { pixel_formats(DRM_PLANE_TYPE_PRIMARY); }
static void test_formats_overlay(void) { pixel_formats(DRM_PLANE_TYPE_OVERLAY); }
static void test_formats_cursor(void) { pixel_formats(DRM_PLANE_TYPE_CURSOR); }

/* The camera formats with each YCbCr encoding and range. */
static void test_yuv_color(void)
{
	static const uint32_t fmts[] = {
		DRM_FORMAT_YUYV, DRM_FORMAT_UYVY, DRM_FORMAT_NV12, DRM_FORMAT_NV21,
		DRM_FORMAT_NV16, DRM_FORMAT_YUV420, DRM_FORMAT_YVU420,
	};
	struct pd_display d;
	struct pd_test_fb bg;
	int bad = 0, tried = 0;
	char name[8], what[96];

	setup(&d, &bg);
	pd_require(d.noverlays, "no overlay plane");
	for (size_t f = 0; f < sizeof(fmts) / sizeof(fmts[0]); f++) {
		struct pd_test_fb fb;

		pd_assert_eq(pd_test_fb_create(d.fd, fmts[f], 160, 120, 300 + f, &fb), 0);
		for (int enc = 0; enc < 3; enc++) {
			for (int range = 0; range < 2; range++) {
				struct pd_plane_cfg cfgs[2] = {
					pd_plane_cfg(&bg, 0, 0), pd_plane_cfg(&fb, 200, 100),
				};

				cfgs[1].encoding = enc;
				cfgs[1].range = range;
				snprintf(what, sizeof(what), "%s encoding %d range %d",
					 pd_fourcc_str(fmts[f], name), enc, range);
				tried++;
				bad += !check(&d, cfgs, 2, what);
			}
		}
		pd_test_fb_destroy(&fb);
	}
	pd_assert_f(bad == 0, "%d of %d YCbCr settings differ from the reference", bad, tried);
	pd_test_fb_destroy(&bg);
	pd_display_close(&d);
}

/* Overlays partly off each edge and corner; reads must stay in the buffer. */
static void test_position_clipped(void)
{
	struct pd_display d;
	struct pd_test_fb bg, fb;
	int W, H, bad = 0;
	char what[64];

	setup(&d, &bg);
	pd_require(d.noverlays, "no overlay plane");
	W = d.out.mode.hdisplay;
	H = d.out.mode.vdisplay;
	pd_assert_eq(pd_test_fb_create(d.fd, DRM_FORMAT_ARGB8888, 200, 150, 99, &fb), 0);
	const int pos[][2] = {
		{ -100, -75 }, { W - 100, -75 }, { -100, H - 75 }, { W - 100, H - 75 },
		{ -199, 10 }, { W - 1, 10 }, { 10, -149 }, { 10, H - 1 }, { -100, 300 },
	};
	for (size_t i = 0; i < sizeof(pos) / sizeof(pos[0]); i++) {
		struct pd_plane_cfg cfgs[2] = {
			pd_plane_cfg(&bg, 0, 0), pd_plane_cfg(&fb, pos[i][0], pos[i][1]),
		};

		snprintf(what, sizeof(what), "overlay at %d,%d", pos[i][0], pos[i][1]);
		bad += !check(&d, cfgs, 2, what);
	}
	/* Entirely off screen: allowed, invisible. */
	struct pd_plane_cfg off[2] = { pd_plane_cfg(&bg, 0, 0), pd_plane_cfg(&fb, W + 10, 0) };

	pd_assert_eq(pd_apply(&d, off, 2, false, 0), 0);
	pd_assert_eq(screen_crc(&d), pd_expected_crc(&d, off, 1));
	pd_assert_f(bad == 0, "%d clipped positions differ from the reference", bad);
	pd_test_fb_destroy(&fb);
	pd_test_fb_destroy(&bg);
	pd_display_close(&d);
}

/* Source windows and nearest-neighbour scaling, up and down. */
static void test_scaling(void)
{
	struct pd_display d;
	struct pd_test_fb bg, fb, nv;
	int bad = 0;
	char what[96];
	const struct { uint32_t sx, sy, sw, sh, cw, ch; } cases[] = {
		{ 0, 0, 160, 120, 320, 240 },	/* 2x up */
		{ 0, 0, 160, 120, 80, 60 },	/* 2x down */
		{ 10, 7, 100, 50, 333, 77 },	/* odd factors, window */
		{ 0, 0, 160, 120, 1000, 700 },	/* 6x up */
		{ 3, 5, 150, 110, 19, 14 },	/* ~8x down */
	};

	setup(&d, &bg);
	pd_require(d.noverlays, "no overlay plane");
	pd_assert_eq(pd_test_fb_create(d.fd, DRM_FORMAT_XRGB8888, 160, 120, 5, &fb), 0);
	pd_assert_eq(pd_test_fb_create(d.fd, DRM_FORMAT_NV12, 160, 120, 6, &nv), 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		for (int k = 0; k < 2; k++) {
			struct pd_plane_cfg cfgs[2] = {
				pd_plane_cfg(&bg, 0, 0), pd_plane_cfg(k ? &nv : &fb, 11, 13),
			};

			cfgs[1].src_x = cases[i].sx << 16;
			cfgs[1].src_y = cases[i].sy << 16;
			cfgs[1].src_w = cases[i].sw << 16;
			cfgs[1].src_h = cases[i].sh << 16;
			cfgs[1].crtc_w = cases[i].cw;
			cfgs[1].crtc_h = cases[i].ch;
			snprintf(what, sizeof(what), "%s %ux%u+%u+%u -> %ux%u", k ? "NV12" : "XR24",
				 cases[i].sw, cases[i].sh, cases[i].sx, cases[i].sy,
				 cases[i].cw, cases[i].ch);
			bad += !check(&d, cfgs, 2, what);
		}
	}
	/* The primary plane scales too. */
	struct pd_plane_cfg prim = pd_plane_cfg(&fb, 0, 0);

	prim.crtc_w = d.out.mode.hdisplay;
	prim.crtc_h = d.out.mode.vdisplay;
	bad += !check(&d, &prim, 1, "primary 160x120 stretched to the mode");
	pd_assert_f(bad == 0, "%d scaled planes differ from the reference", bad);

	/* Beyond 8x either way: ERANGE, in TEST_ONLY and for real. */
	struct pd_plane_cfg far[2] = { pd_plane_cfg(&bg, 0, 0), pd_plane_cfg(&fb, 0, 0) };

	far[1].crtc_w = 160 * 9;
	far[1].crtc_h = 120;
	pd_assert_eq(pd_apply(&d, far, 2, false, DRM_MODE_ATOMIC_TEST_ONLY), -ERANGE);
	far[1].crtc_w = 160 / 9;
	pd_assert_eq(pd_apply(&d, far, 2, false, 0), -ERANGE);
	pd_test_fb_destroy(&nv);
	pd_test_fb_destroy(&fb);
	pd_test_fb_destroy(&bg);
	pd_display_close(&d);
}

/* Plane alpha with blend mode @mode over a random background. */
static void alpha_blend(int mode)
{
	static const uint16_t alphas[] = { 0, 0x3000, 0xfedc, 0xffff };
	static const uint32_t fmts[] = {
		DRM_FORMAT_ARGB8888, DRM_FORMAT_ARGB2101010,
		DRM_FORMAT_ARGB16161616, DRM_FORMAT_ARGB1555,
	};
	struct pd_display d;
	struct pd_test_fb bg;
	int bad = 0, tried = 0;
	char what[96], name[8];

	setup(&d, &bg);
	pd_require(d.noverlays, "no overlay plane");
	for (size_t f = 0; f < sizeof(fmts) / sizeof(fmts[0]); f++) {
		struct pd_test_fb fb;

		pd_assert_eq(pd_test_fb_create(d.fd, fmts[f], 256, 160, 40 + f, &fb), 0);
		for (size_t a = 0; a < sizeof(alphas) / sizeof(alphas[0]); a++) {
			struct pd_plane_cfg cfgs[2] = {
				pd_plane_cfg(&bg, 0, 0), pd_plane_cfg(&fb, 100, 80),
			};

			cfgs[1].alpha = alphas[a];
			cfgs[1].blend = mode;
			snprintf(what, sizeof(what), "%s alpha 0x%04x mode %d",
				 pd_fourcc_str(fmts[f], name), alphas[a], mode);
			tried++;
			bad += !check(&d, cfgs, 2, what);
		}
		pd_test_fb_destroy(&fb);
	}
	pd_assert_f(bad == 0, "%d of %d alpha/blend settings differ from the reference", bad, tried);
	pd_test_fb_destroy(&bg);
	pd_display_close(&d);
}

static void test_blend_none(void) { alpha_blend(PD_REF_BLEND_NONE); }
static void test_blend_premulti(void) { alpha_blend(PD_REF_BLEND_PREMULTI); }
static void test_blend_coverage(void) { alpha_blend(PD_REF_BLEND_COVERAGE); }

/* Overlapping planes in every zpos order. */
static void test_zpos(void)
{
	static const int orders[][4] = {
		{ 0, 1, 2, 3 }, { 0, 2, 1, 3 }, { 0, 3, 2, 1 }, { 3, 2, 1, 0 }, { 1, 0, 3, 2 },
	};
	struct pd_display d;
	struct pd_test_fb fbs[4];
	int bad = 0, n;
	char what[64];

	pd_display_open(&d);
	pd_display_use_mode(&d, 640, 480);
	n = d.noverlays + (d.cursor ? 2 : 1);
	pd_require(n >= 3, "fewer than 3 planes");
	for (int i = 0; i < n; i++)
		pd_assert_eq(pd_test_fb_create(d.fd, i ? DRM_FORMAT_ARGB8888 : DRM_FORMAT_XRGB8888,
					       i ? 128 : d.out.mode.hdisplay,
					       i ? 128 : d.out.mode.vdisplay, 500 + i, &fbs[i]), 0);
	for (size_t o = 0; o < sizeof(orders) / sizeof(orders[0]); o++) {
		struct pd_plane_cfg cfgs[4];

		for (int i = 0; i < n; i++) {
			cfgs[i] = pd_plane_cfg(&fbs[i], i ? 40 + 50 * i : 0, i ? 30 + 40 * i : 0);
			cfgs[i].zpos = orders[o][i] % n;
		}
		if (n < 4 && o > 0)
			continue;
		snprintf(what, sizeof(what), "zpos order %zu", o);
		/* The primary may sit above others: planes blend with what is below. */
		{
			int ret = pd_apply(&d, cfgs, n, o == 0, 0);

			pd_assert_f(ret == 0, "%s: %s", what, strerror(-ret));
		}
		{
			uint32_t got = screen_crc(&d), want = pd_expected_crc(&d, cfgs, n);

			if (got != want) {
				pd_info("%s: CRC 0x%08x, reference 0x%08x", what, got, want);
				bad++;
			}
		}
	}
	pd_assert_f(bad == 0, "%d zpos orders differ from the reference", bad);
	for (int i = 0; i < n; i++)
		pd_test_fb_destroy(&fbs[i]);
	pd_display_close(&d);
}

/* The properties a compositor looks for, with the values they must offer. */
static void test_properties(void)
{
	struct pd_display d;
	uint64_t cw = 0, ch = 0;

	pd_display_open(&d);
	pd_assert_f(d.noverlays >= 2, "%d overlay planes, want at least 2", d.noverlays);
	pd_assert_f(d.cursor, "no cursor plane");
	for (int i = 0; i < d.nplanes; i++) {
		static const char *const names[] = {
			"zpos", "rotation", "IN_FORMATS", "FB_DAMAGE_CLIPS", "COLOR_ENCODING",
			"COLOR_RANGE", "alpha", "pixel blend mode",
		};
		/*
		 * The cursor has no plane alpha (as on most hardware), but a blend
		 * mode, as every plane with ARGB formats should.
		 */
		bool cursor = d.planes[i] == d.cursor;

		for (size_t n = 0; n < sizeof(names) / sizeof(names[0]); n++) {
			bool alpha = n == 6;
			uint32_t id = pd_prop_id(d.fd, d.planes[i], DRM_MODE_OBJECT_PLANE, names[n]);

			if (cursor && alpha)
				pd_assert_f(!id, "the cursor plane %u has \"%s\"", d.planes[i], names[n]);
			else
				pd_assert_f(id, "plane %u has no \"%s\"", d.planes[i], names[n]);
		}
	}
	pd_assert(drmGetCap(d.fd, DRM_CAP_CURSOR_WIDTH, &cw) == 0);
	pd_assert(drmGetCap(d.fd, DRM_CAP_CURSOR_HEIGHT, &ch) == 0);
	pd_assert_eq(cw, 512);
	pd_assert_eq(ch, 512);
	pd_display_close(&d);
}

/*
 * Without a CRC reader or writeback job, flipping planes makes the driver
 * read no pixel at all; with a CRC reader it composes every frame.
 */
static void test_zero_copy(void)
{
	struct pd_display d;
	struct pd_test_fb bg, bg2, ov;
	long long f0, b0, f1, b1;
	uint32_t crc;

	setup(&d, &bg);
	pd_require(d.noverlays, "no overlay plane");
	pd_assert_eq(pd_test_fb_create(d.fd, DRM_FORMAT_XRGB8888, 640, 480, 2, &bg2), 0);
	pd_assert_eq(pd_test_fb_create(d.fd, DRM_FORMAT_NV12, 320, 240, 3, &ov), 0);
	pd_composer_counters(d.fd, &f0, &b0);
	for (int i = 0; i < 30; i++) {
		struct pd_plane_cfg cfgs[2] = {
			pd_plane_cfg((i & 1) ? &bg : &bg2, 0, 0), pd_plane_cfg(&ov, 10 + i, 20),
		};

		pd_assert_eq(pd_apply(&d, cfgs, 2, false, 0), 0);
	}
	pd_composer_counters(d.fd, &f1, &b1);
	pd_assert_f(f1 == f0 && b1 == b0,
		    "30 flips with no CRC or writeback consumer: the composer ran %lld times "
		    "and read %lld bytes", f1 - f0, b1 - b0);
	pd_info("30 flips: 0 frames composed, 0 bytes read");

	pd_require(pd_crtc_crc(d.fd, d.out.crtc_index, &crc), "no CRC interface");
	pd_composer_counters(d.fd, &f1, &b1);
	pd_assert_f(f1 > f0 && b1 >= b0 + 640 * 480 * 4,
		    "a CRC was read but the composer counters did not move (%lld frames)",
		    f1 - f0);
	pd_test_fb_destroy(&ov);
	pd_test_fb_destroy(&bg2);
	pd_test_fb_destroy(&bg);
	pd_display_close(&d);
}

static const struct pd_subtest subtests[] = {
	{ "zero-copy-flips", test_zero_copy, "no CRC/writeback consumer: flips read no pixel" },
	{ "pixel-formats-primary", test_formats_primary, "every primary format vs the reference CRC" },
	{ "pixel-formats-overlay", test_formats_overlay, "every overlay format vs the reference CRC" },
	{ "pixel-formats-cursor", test_formats_cursor, "every cursor format vs the reference CRC" },
	{ "yuv-color-encoding", test_yuv_color, "YCbCr formats x BT.601/709/2020 x limited/full" },
	{ "plane-position-clipped", test_position_clipped, "overlays partly and fully off screen" },
	{ "plane-scaling", test_scaling, "source windows, nearest-neighbour scaling, ERANGE beyond 8x" },
	{ "alpha-blend-none", test_blend_none, "plane alpha, blend mode None, alpha formats" },
	{ "alpha-blend-premultiplied", test_blend_premulti, "plane alpha, Pre-multiplied, alpha formats" },
	{ "alpha-blend-coverage", test_blend_coverage, "plane alpha, Coverage, alpha formats" },
	{ "plane-zpos", test_zpos, "overlapping planes in several zpos orders" },
	{ "plane-properties", test_properties, "planes, cursor caps and the properties compositors use" },
	{ }
};

PD_MAIN(subtests, "Planes: formats, positions, scaling, colour, blending and zpos, checked by CRC.");
