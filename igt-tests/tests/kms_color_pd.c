// SPDX-License-Identifier: GPL-2.0
/*
 * kms_color_pd - primedisp's CRTC colour management: DEGAMMA_LUT, CTM and
 * GAMMA_LUT (and the legacy gamma ioctl), applied by the composer after
 * blending, in that order, to what CRCs and writeback see.
 *
 * Named _pd so that it does not collide with upstream IGT's kms_color: the
 * expected frames here are rendered bit-exactly by lib/pd_ref.c with the
 * arithmetic of Documentation/overview.rst ("Colour management"), so CRCs
 * and writeback bytes are compared for equality, without tolerance.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <poll.h>
#include <unistd.h>

#include <drm_fourcc.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include "pd_atomic.h"
#include "pd_client.h"
#include "pd_crc.h"
#include "pd_ref.h"
#include "pdtest.h"

#define T_CRTC		DRM_MODE_OBJECT_CRTC
#define LUT_SIZE	1024	/* GAMMA_LUT_SIZE and DEGAMMA_LUT_SIZE */
#define LEGACY_SIZE	256	/* the legacy gamma table */
#define MODETEST	"/usr/bin/modetest"

struct scene {
	struct pd_display d;
	struct pd_test_fb bg, ov;
	struct pd_plane_cfg cfgs[2];
};

/* 640x480: a random XRGB8888 background and a translucent ARGB8888 overlay. */
static void scene_setup_fmt(struct scene *s, uint32_t bg_format)
{
	pd_display_open(&s->d);
	pd_require(pd_prop_id(s->d.fd, s->d.out.crtc, T_CRTC, "GAMMA_LUT"),
		   "CRTC has no GAMMA_LUT");
	pd_display_use_mode(&s->d, 640, 480);
	pd_assert_eq(pd_test_fb_create(s->d.fd, bg_format, 640, 480, 31, &s->bg), 0);
	pd_assert_eq(pd_test_fb_create(s->d.fd, DRM_FORMAT_ARGB8888, 256, 160, 32, &s->ov), 0);
	s->cfgs[0] = pd_plane_cfg(&s->bg, 0, 0);
	s->cfgs[1] = pd_plane_cfg(&s->ov, 120, 90);
	s->cfgs[1].alpha = 0xa000;
	/* The mode set turns colour management off (pd_req_modeset()). */
	pd_assert_eq(pd_apply(&s->d, s->cfgs, s->d.noverlays ? 2 : 1, true, 0), 0);
}

static void scene_setup(struct scene *s)
{
	scene_setup_fmt(s, DRM_FORMAT_XRGB8888);
}

static int scene_planes(struct scene *s)
{
	return s->d.noverlays ? 2 : 1;
}

/*
 * Commit the colour stages (NULL: off) with @flags; 0 or -errno.  @n_* are
 * entry counts; @ctm_bytes lets a test pass a blob of the wrong size.
 */
static int set_color_raw(struct scene *s, const struct drm_color_lut *degamma, int n_degamma,
			 const void *ctm, size_t ctm_bytes, const struct drm_color_lut *gamma,
			 int n_gamma, uint32_t flags)
{
	uint32_t ids[3] = { 0 };
	drmModeAtomicReqPtr req = drmModeAtomicAlloc();
	int ret;

	pd_assert(req);
	if (degamma)
		pd_assert(drmModeCreatePropertyBlob(s->d.fd, degamma, sizeof(*degamma) * n_degamma,
						    &ids[0]) == 0);
	if (ctm)
		pd_assert(drmModeCreatePropertyBlob(s->d.fd, ctm, ctm_bytes, &ids[1]) == 0);
	if (gamma)
		pd_assert(drmModeCreatePropertyBlob(s->d.fd, gamma, sizeof(*gamma) * n_gamma,
						    &ids[2]) == 0);
	pd_req_add(req, s->d.fd, s->d.out.crtc, T_CRTC, "DEGAMMA_LUT", ids[0]);
	pd_req_add(req, s->d.fd, s->d.out.crtc, T_CRTC, "CTM", ids[1]);
	pd_req_add(req, s->d.fd, s->d.out.crtc, T_CRTC, "GAMMA_LUT", ids[2]);
	ret = pd_commit(&s->d, req, flags);
	drmModeAtomicFree(req);
	for (int i = 0; i < 3; i++)
		if (ids[i])
			drmModeDestroyPropertyBlob(s->d.fd, ids[i]);
	return ret;
}

static int set_color(struct scene *s, const struct pd_ref_color *c, uint32_t flags)
{
	return set_color_raw(s, c->degamma, (int)c->degamma_n, c->ctm,
			     c->ctm ? sizeof(*c->ctm) : 0, c->gamma, (int)c->gamma_n, flags);
}

static void scene_teardown(struct scene *s)
{
	/* Leave colour management off for whoever comes next. */
	set_color_raw(s, NULL, 0, NULL, 0, NULL, 0, 0);
	pd_test_fb_destroy(&s->ov);
	pd_test_fb_destroy(&s->bg);
	pd_display_close(&s->d);
}

/* The scene's frame as the reference renders it, through @c (NULL: none). */
static struct pd_ref_px *expected_frame(struct scene *s, const struct pd_ref_color *c)
{
	uint32_t w = s->d.out.mode.hdisplay, h = s->d.out.mode.vdisplay;
	struct pd_ref_plane planes[2];
	struct pd_ref_px *frame = malloc(sizeof(*frame) * w * h);
	int n = scene_planes(s);

	pd_assert(frame);
	for (int i = 0; i < n; i++)
		planes[i] = pd_ref_of(&s->cfgs[i], (unsigned int)i);
	pd_ref_compose(planes, n, w, h, frame);
	if (c)
		pd_ref_color_apply(c, frame, (size_t)w * h);
	return frame;
}

static uint32_t expected_crc(struct scene *s, const struct pd_ref_color *c)
{
	uint32_t w = s->d.out.mode.hdisplay, h = s->d.out.mode.vdisplay;
	struct pd_ref_px *frame = expected_frame(s, c);
	uint32_t crc = pd_ref_frame_crc(frame, w, h);

	free(frame);
	return crc;
}

static uint32_t screen_crc(struct scene *s)
{
	uint32_t crc;

	pd_require(pd_crtc_crc(s->d.fd, s->d.out.crtc_index, &crc), "no CRC interface (debugfs)");
	return crc;
}

/* Commit @c and check that the CRC equals the reference's. */
static void expect_color(struct scene *s, const struct pd_ref_color *c, const char *what)
{
	uint32_t plain = expected_crc(s, NULL), want = expected_crc(s, c), got;

	pd_assert_eq(set_color(s, c, 0), 0);
	got = screen_crc(s);
	pd_info("%s: CRC 0x%08x, reference 0x%08x (without colour management 0x%08x)",
		what, got, want, plain);
	pd_assert_f(got == want, "%s: CRC 0x%08x differs from the reference 0x%08x", what, got,
		    want);
}

/* ---- LUTs and matrices ---------------------------------------------------------- */

static struct drm_color_lut *lut_alloc(int n)
{
	struct drm_color_lut *l = calloc((size_t)n, sizeof(*l));

	pd_assert(l);
	return l;
}

/* Entry i = round(65535 * f(i / (n - 1))) per channel, f from [0, 1] to [0, 1]. */
static struct drm_color_lut *lut_curve(int n, double (*f)(double, int))
{
	struct drm_color_lut *l = lut_alloc(n);

	for (int i = 0; i < n; i++) {
		double x = (double)i / (n - 1);

		l[i].red = (uint16_t)lround(65535.0 * f(x, 0));
		l[i].green = (uint16_t)lround(65535.0 * f(x, 1));
		l[i].blue = (uint16_t)lround(65535.0 * f(x, 2));
	}
	return l;
}

static double f_linear(double x, int ch)
{
	(void)ch;
	return x;
}

static double f_inverted(double x, int ch)
{
	(void)ch;
	return 1.0 - x;
}

/* A different gamma curve per channel, like a calibration. */
static double f_ramp(double x, int ch)
{
	static const double g[3] = { 1 / 2.2, 1 / 1.8, 0.8 };

	return pow(x, g[ch]);
}

static double f_degamma(double x, int ch)
{
	(void)ch;
	return pow(x, 2.2);
}

static struct drm_color_ctm ctm_of(const double m[9])
{
	struct drm_color_ctm c;

	for (int i = 0; i < 9; i++)
		c.matrix[i] = pd_ref_ctm_coeff(m[i]);
	return c;
}

/* ---- subtests -------------------------------------------------------------------- */

static void test_properties(void)
{
	struct scene s;
	drmModeCrtcPtr crtc;

	scene_setup(&s);
	pd_assert_eq(pd_prop_get(s.d.fd, s.d.out.crtc, T_CRTC, "GAMMA_LUT_SIZE"), LUT_SIZE);
	pd_assert_eq(pd_prop_get(s.d.fd, s.d.out.crtc, T_CRTC, "DEGAMMA_LUT_SIZE"), LUT_SIZE);
	pd_assert(pd_prop_id(s.d.fd, s.d.out.crtc, T_CRTC, "CTM"));
	pd_assert_eq(pd_prop_get(s.d.fd, s.d.out.crtc, T_CRTC, "GAMMA_LUT"), 0);
	crtc = drmModeGetCrtc(s.d.fd, s.d.out.crtc);
	pd_assert(crtc);
	pd_assert_eq(crtc->gamma_size, LEGACY_SIZE);
	drmModeFreeCrtc(crtc);
	scene_teardown(&s);
}

/*
 * A linear 256-entry LUT (entry i = i * 257) maps every 16-bit value to
 * itself exactly: the CRC is the one without colour management.  A linear
 * 1024-entry one equals the reference.
 */
static void test_gamma_identity(void)
{
	struct drm_color_lut *lin = lut_alloc(LEGACY_SIZE), *lin1k = lut_curve(LUT_SIZE, f_linear);
	struct pd_ref_color c = { .gamma = lin, .gamma_n = LEGACY_SIZE };
	struct scene s;
	uint32_t got;

	for (int i = 0; i < LEGACY_SIZE; i++)
		lin[i].red = lin[i].green = lin[i].blue = (uint16_t)(i * 257);
	scene_setup(&s);
	pd_assert_eq(set_color(&s, &c, 0), 0);
	got = screen_crc(&s);
	pd_assert_f(got == expected_crc(&s, NULL),
		    "identity gamma: CRC 0x%08x, without gamma 0x%08x", got, expected_crc(&s, NULL));
	c = (struct pd_ref_color){ .gamma = lin1k, .gamma_n = LUT_SIZE };
	expect_color(&s, &c, "linear 1024-entry gamma");
	scene_teardown(&s);
	free(lin);
	free(lin1k);
}

static void test_gamma_inverted(void)
{
	struct drm_color_lut *inv = lut_curve(LUT_SIZE, f_inverted);
	struct pd_ref_color c = { .gamma = inv, .gamma_n = LUT_SIZE };
	struct scene s;

	scene_setup(&s);
	expect_color(&s, &c, "inverted gamma");
	pd_assert_f(expected_crc(&s, &c) != expected_crc(&s, NULL), "the test's LUT changes nothing");
	scene_teardown(&s);
	free(inv);
}

static void test_gamma_ramp(void)
{
	struct drm_color_lut *ramp = lut_curve(LUT_SIZE, f_ramp);
	struct pd_ref_color c = { .gamma = ramp, .gamma_n = LUT_SIZE };
	struct scene s;

	scene_setup(&s);
	expect_color(&s, &c, "per-channel gamma ramp");
	scene_teardown(&s);
	free(ramp);
}

static void test_degamma(void)
{
	struct drm_color_lut *dg = lut_curve(LUT_SIZE, f_degamma);
	struct pd_ref_color c = { .degamma = dg, .degamma_n = LUT_SIZE };
	struct scene s;

	scene_setup(&s);
	expect_color(&s, &c, "degamma 2.2");
	scene_teardown(&s);
	free(dg);
}

static void test_ctm(void)
{
	static const double swap[9] = { 0, 1, 0, 0, 0, 1, 1, 0, 0 };
	static const double red_gray[9] = { 1, 0, 0, 1, 0, 0, 1, 0, 0 };
	static const double luma[9] = { 0.299, 0.587, 0.114, 0.299, 0.587, 0.114,
					0.299, 0.587, 0.114 };
	/* Negative results clamp to 0, large ones to 1; 40000 clamps to < 32768. */
	static const double clamp[9] = { 2.5, -1.25, 0.5, -0.75, 1.5, -2.0, 40000.0, 0, -40000.0 };
	static const double ident[9] = { 1, 0, 0, 0, 1, 0, 0, 0, 1 };
	struct drm_color_ctm m;
	struct pd_ref_color c = { .ctm = &m };
	struct scene s;
	uint32_t got;

	scene_setup(&s);
	m = ctm_of(ident);
	pd_assert_eq(set_color(&s, &c, 0), 0);
	got = screen_crc(&s);
	pd_assert_f(got == expected_crc(&s, NULL), "identity CTM: CRC 0x%08x, without 0x%08x",
		    got, expected_crc(&s, NULL));
	m = ctm_of(swap);
	expect_color(&s, &c, "CTM channel swap");
	m = ctm_of(red_gray);
	expect_color(&s, &c, "CTM red to gray");
	m = ctm_of(luma);
	expect_color(&s, &c, "CTM luma");
	m = ctm_of(clamp);
	expect_color(&s, &c, "CTM negative and clamped");
	/* Negative zero is zero. */
	m = ctm_of(ident);
	m.matrix[1] = 1ull << 63;
	expect_color(&s, &c, "CTM with -0");
	scene_teardown(&s);
}

static void test_all(void)
{
	static const double mix[9] = { 0.8, 0.3, -0.1, 0.1, 0.7, 0.2, -0.2, 0.25, 1.1 };
	struct drm_color_lut *dg = lut_curve(LUT_SIZE, f_degamma);
	struct drm_color_lut *g = lut_curve(LUT_SIZE, f_ramp);
	struct drm_color_ctm m = ctm_of(mix);
	struct pd_ref_color c = { dg, LUT_SIZE, &m, g, LUT_SIZE };
	struct scene s;

	scene_setup(&s);
	expect_color(&s, &c, "degamma + CTM + gamma");
	/* Changing only the planes keeps the colour stages. */
	s.cfgs[1].crtc_x = 300;
	pd_assert_eq(pd_apply(&s.d, s.cfgs, scene_planes(&s), false, 0), 0);
	pd_assert_eq(screen_crc(&s), expected_crc(&s, &c));
	scene_teardown(&s);
	free(dg);
	free(g);
}

/* drmModeCrtcSetGamma: the core turns it into a GAMMA_LUT blob. */
static void test_legacy_gamma(void)
{
	uint16_t r[LEGACY_SIZE], g[LEGACY_SIZE], b[LEGACY_SIZE];
	uint16_t r2[LEGACY_SIZE], g2[LEGACY_SIZE], b2[LEGACY_SIZE];
	struct drm_color_lut lut[LEGACY_SIZE];
	struct pd_ref_color c = { .gamma = lut, .gamma_n = LEGACY_SIZE };
	drmModePropertyBlobPtr blob;
	struct scene s;
	uint32_t got, want;
	uint64_t id;

	for (int i = 0; i < LEGACY_SIZE; i++) {
		r[i] = (uint16_t)(65535 - i * 257);
		g[i] = (uint16_t)lround(65535.0 * pow(i / 255.0, 0.5));
		b[i] = (uint16_t)(i * 128);
		lut[i] = (struct drm_color_lut){ .red = r[i], .green = g[i], .blue = b[i] };
	}
	scene_setup(&s);
	pd_assert_eq(drmModeCrtcSetGamma(s.d.fd, s.d.out.crtc, LEGACY_SIZE, r, g, b), 0);
	/* The wrong size is refused by the core. */
	pd_assert(drmModeCrtcSetGamma(s.d.fd, s.d.out.crtc, LUT_SIZE / 2, r, g, b) != 0);

	id = pd_prop_get(s.d.fd, s.d.out.crtc, T_CRTC, "GAMMA_LUT");
	pd_assert_f(id, "legacy gamma set, GAMMA_LUT is still 0");
	blob = drmModeGetPropertyBlob(s.d.fd, (uint32_t)id);
	pd_assert(blob);
	pd_assert_eq(blob->length, sizeof(lut));
	pd_assert_f(!memcmp(blob->data, lut, sizeof(lut)), "GAMMA_LUT differs from the legacy table");
	drmModeFreePropertyBlob(blob);
	pd_assert_eq(drmModeCrtcGetGamma(s.d.fd, s.d.out.crtc, LEGACY_SIZE, r2, g2, b2), 0);
	pd_assert(!memcmp(r, r2, sizeof(r)) && !memcmp(g, g2, sizeof(g)) &&
		  !memcmp(b, b2, sizeof(b)));

	got = screen_crc(&s);
	want = expected_crc(&s, &c);
	pd_info("legacy gamma: CRC 0x%08x, reference 0x%08x", got, want);
	pd_assert_eq(got, want);
	scene_teardown(&s);
}

static void test_invalid(void)
{
	struct drm_color_lut *lut = lut_curve(LUT_SIZE + 1, f_linear);
	struct drm_color_lut *dec = lut_curve(LUT_SIZE, f_inverted);
	struct drm_color_ctm m = ctm_of((const double[9]){ 1, 0, 0, 0, 1, 0, 0, 0, 1 });
	const uint32_t t = DRM_MODE_ATOMIC_TEST_ONLY;
	drmModeAtomicReqPtr req;
	struct scene s;

	scene_setup(&s);
	/* Wrong numbers of entries. */
	pd_assert_eq(set_color_raw(&s, NULL, 0, NULL, 0, lut, 1, t), -EINVAL);
	pd_assert_eq(set_color_raw(&s, NULL, 0, NULL, 0, lut, LUT_SIZE - 1, t), -EINVAL);
	pd_assert_eq(set_color_raw(&s, NULL, 0, NULL, 0, lut, LUT_SIZE + 1, t), -EINVAL);
	pd_assert_eq(set_color_raw(&s, NULL, 0, NULL, 0, lut, 512, t), -EINVAL);
	pd_assert_eq(set_color_raw(&s, lut, 1, NULL, 0, NULL, 0, t), -EINVAL);
	pd_assert_eq(set_color_raw(&s, lut, LEGACY_SIZE, NULL, 0, NULL, 0, t), -EINVAL);
	pd_assert_eq(set_color_raw(&s, lut, LUT_SIZE + 1, NULL, 0, NULL, 0, t), -EINVAL);
	/* A decreasing degamma LUT is refused; a decreasing gamma LUT is fine. */
	pd_assert_eq(set_color_raw(&s, dec, LUT_SIZE, NULL, 0, NULL, 0, t), -EINVAL);
	pd_assert_eq(set_color_raw(&s, NULL, 0, NULL, 0, dec, LUT_SIZE, t), 0);
	/* Blobs of the wrong element or total size (the core's checks). */
	pd_assert_eq(set_color_raw(&s, NULL, 0, &m, sizeof(m) - 8, NULL, 0, t), -EINVAL);
	pd_assert_eq(set_color_raw(&s, NULL, 0, lut, sizeof(m) + 8, NULL, 0, t), -EINVAL);
	/* An id that is no blob. */
	req = drmModeAtomicAlloc();
	pd_req_add(req, s.d.fd, s.d.out.crtc, T_CRTC, "GAMMA_LUT", s.d.out.crtc);
	pd_assert_eq(pd_commit(&s.d, req, t), -EINVAL);
	drmModeAtomicFree(req);
	/* Valid ones pass, in TEST_ONLY and for real. */
	pd_assert_eq(set_color_raw(&s, lut, LUT_SIZE, &m, sizeof(m), lut, LUT_SIZE, t), 0);
	pd_assert_eq(set_color_raw(&s, lut, LUT_SIZE, &m, sizeof(m), lut, LEGACY_SIZE, 0), 0);
	scene_teardown(&s);
	free(lut);
	free(dec);
}

/* A YCbCr plane goes through the same stages after its conversion. */
static void test_yuv(void)
{
	static const double mix[9] = { 0.9, 0.1, 0, 0.05, 0.9, 0.05, 0, 0.2, 0.8 };
	struct drm_color_lut *dg = lut_curve(LUT_SIZE, f_degamma);
	struct drm_color_lut *g = lut_curve(LUT_SIZE, f_ramp);
	struct drm_color_ctm m = ctm_of(mix);
	struct pd_ref_color c = { dg, LUT_SIZE, &m, g, LUT_SIZE };
	static const uint32_t formats[] = { DRM_FORMAT_NV12, DRM_FORMAT_YUYV };

	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		struct scene s;
		char name[8];

		scene_setup_fmt(&s, formats[i]);
		s.cfgs[0].encoding = 1;	/* BT.709 */
		s.cfgs[0].range = 0;	/* limited */
		pd_assert_eq(pd_apply(&s.d, s.cfgs, scene_planes(&s), false, 0), 0);
		expect_color(&s, &c, pd_fourcc_str(formats[i], name));
		scene_teardown(&s);
	}
	free(dg);
	free(g);
}

static void wait_fence(int fence)
{
	struct pollfd pfd = { .fd = fence, .events = POLLIN };

	pd_assert_f(fence >= 0, "no out-fence returned");
	pd_assert_f(poll(&pfd, 1, 10000) == 1, "writeback out-fence not signalled within 10 s");
	close(fence);
}

/* Writeback captures the corrected frame, byte for byte, in every format. */
static void test_writeback(void)
{
	static const double mix[9] = { 0.8, 0.3, -0.1, 0.1, 0.7, 0.2, -0.2, 0.25, 1.1 };
	struct drm_color_lut *g = lut_curve(LUT_SIZE, f_ramp);
	struct drm_color_ctm m = ctm_of(mix);
	struct pd_ref_color c = { NULL, 0, &m, g, LUT_SIZE };
	drmModePropertyBlobPtr formats;
	struct pd_ref_px *frame;
	struct scene s;
	uint32_t w, h;
	int bad = 0;

	scene_setup(&s);
	pd_require(s.d.wb_conn, "no writeback connector");
	w = s.d.out.mode.hdisplay;
	h = s.d.out.mode.vdisplay;
	pd_assert_eq(set_color(&s, &c, 0), 0);
	frame = expected_frame(&s, &c);
	formats = drmModeGetPropertyBlob(s.d.fd, (uint32_t)pd_prop_get(s.d.fd, s.d.wb_conn,
					 DRM_MODE_OBJECT_CONNECTOR, "WRITEBACK_PIXEL_FORMATS"));
	pd_assert(formats);
	for (uint32_t k = 0; k < formats->length / 4; k++) {
		uint32_t fmt = ((const uint32_t *)formats->data)[k];
		struct pd_test_fb wb;
		drmModeAtomicReqPtr req = drmModeAtomicAlloc();
		int32_t fence = -1;
		int np, cpp[4], hs, vs;
		size_t diff = 0;
		uint8_t *want;
		char name[8];

		pd_assert_eq(pd_test_fb_create(s.d.fd, fmt, w, h, 0xbeef, &wb), 0);
		want = calloc(1, wb.size);
		pd_assert(want);
		pd_assert(pd_ref_write(frame, w, h, fmt, want, wb.ref.pitch[0]));
		pd_req_add(req, s.d.fd, s.d.wb_conn, DRM_MODE_OBJECT_CONNECTOR, "CRTC_ID",
			   s.d.out.crtc);
		pd_req_add(req, s.d.fd, s.d.wb_conn, DRM_MODE_OBJECT_CONNECTOR, "WRITEBACK_FB_ID",
			   wb.id);
		pd_req_add(req, s.d.fd, s.d.wb_conn, DRM_MODE_OBJECT_CONNECTOR,
			   "WRITEBACK_OUT_FENCE_PTR", (uint64_t)(uintptr_t)&fence);
		pd_assert_eq(pd_commit(&s.d, req, DRM_MODE_ATOMIC_ALLOW_MODESET), 0);
		drmModeAtomicFree(req);
		wait_fence(fence);
		pd_ref_format_layout(fmt, &np, cpp, &hs, &vs);
		for (uint32_t y = 0; y < h; y++)
			if (memcmp(wb.map + (size_t)y * wb.ref.pitch[0],
				   want + (size_t)y * wb.ref.pitch[0], (size_t)w * cpp[0]))
				diff++;
		pd_info("writeback %s: %zu of %u rows differ from the reference",
			pd_fourcc_str(fmt, name), diff, h);
		if (diff)
			bad++;
		pd_test_fb_destroy(&wb);
		free(want);
	}
	drmModeFreePropertyBlob(formats);
	pd_assert_f(bad == 0, "%d writeback formats differ from the corrected reference", bad);
	free(frame);
	scene_teardown(&s);
	free(g);
}

/* Colour management on, no CRC reader, no writeback: flips read no pixel. */
static void test_zero_copy(void)
{
	struct drm_color_lut *g = lut_curve(LUT_SIZE, f_ramp);
	struct pd_ref_color c = { .gamma = g, .gamma_n = LUT_SIZE };
	long long f0, b0, f1, b1;
	struct scene s;

	scene_setup(&s);
	pd_assert_eq(set_color(&s, &c, 0), 0);
	pd_composer_counters(s.d.fd, &f0, &b0);
	for (int i = 0; i < 20; i++) {
		s.cfgs[1].crtc_x = 10 + 10 * i;
		pd_assert_eq(pd_apply(&s.d, s.cfgs, scene_planes(&s), false, 0), 0);
	}
	pd_composer_counters(s.d.fd, &f1, &b1);
	pd_assert_f(f1 == f0 && b1 == b0,
		    "20 flips with gamma on and no consumer: %lld frames composed, %lld bytes read",
		    f1 - f0, b1 - b0);
	scene_teardown(&s);
	free(g);
}

/* modetest sets gamma (GAMMA_LUT to 0, or the legacy table) without an error. */
static void test_modetest(void)
{
	struct pd_screen scr;
	struct pd_crtc_view before, v;
	struct pd_proc p;
	char sarg[64];
	char *argv[] = { MODETEST, "-M", (char *)pd_driver_name(), "-s", sarg, NULL };
	char *out;
	int rc;

	pd_client_require(MODETEST, "libdrm-tests");
	pd_screen_open(&scr);
	snprintf(sarg, sizeof(sarg), "%u@%u:800x600", scr.conn, scr.crtc);
	before = pd_screen_view(&scr);
	pd_info("running: %s -M %s -s %s", MODETEST, pd_driver_name(), sarg);
	pd_proc_start(&p, argv);
	pd_assert_f(pd_screen_wait(&scr, 800, 600, before.fb, 20000, &p, &v),
		    "modetest did not set 800x600 within 20 s");
	pd_proc_close_stdin(&p);
	rc = pd_proc_wait(&p, 10000);
	out = pd_proc_output(&p);
	if (rc || strstr(out, "gamma"))
		pd_client_show("modetest", out, 30);
	pd_assert_f(rc == 0, "modetest exited with %d", rc);
	pd_assert_f(!strstr(out, "failed to set gamma"), "modetest: failed to set gamma");
	free(out);
	pd_proc_cleanup(&p);
	pd_screen_close(&scr);
}

static const struct pd_subtest subtests[] = {
	{ "properties", test_properties, "GAMMA_LUT(_SIZE), DEGAMMA_LUT(_SIZE), CTM, legacy size" },
	{ "gamma-identity", test_gamma_identity, "a linear gamma LUT changes nothing" },
	{ "gamma-inverted", test_gamma_inverted, "inverted gamma: CRC equals the reference" },
	{ "gamma-ramp", test_gamma_ramp, "per-channel gamma curves: CRC equals the reference" },
	{ "degamma", test_degamma, "a degamma LUT: CRC equals the reference" },
	{ "ctm", test_ctm, "identity, channel swap, red to gray, luma, negative and clamped" },
	{ "degamma-ctm-gamma", test_all, "all three stages, in order" },
	{ "legacy-gamma", test_legacy_gamma, "drmModeCrtcSetGamma shows in GAMMA_LUT and the CRC" },
	{ "invalid-blobs", test_invalid, "wrong sizes and decreasing degamma: EINVAL at TEST_ONLY" },
	{ "yuv-plane", test_yuv, "NV12 and YUYV planes through degamma, CTM and gamma" },
	{ "writeback", test_writeback, "writeback of a corrected frame equals the reference" },
	{ "zero-copy", test_zero_copy, "gamma on, no consumer: flips read no pixel" },
	{ "modetest-gamma", test_modetest, "modetest -s sets gamma without an error" },
	{ }
};

PD_MAIN(subtests, "CRTC colour management: degamma, CTM and gamma, bit-exact against the reference.");
