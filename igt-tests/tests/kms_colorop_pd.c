// SPDX-License-Identifier: GPL-2.0
/*
 * kms_colorop_pd - plane colour pipelines (COLOR_PIPELINE and its colorop
 * stages), on kernels that have them (7.x; earlier ones skip).
 *
 * A full-screen XRGB8888 (or YUYV) plane goes through the pipeline and
 * writeback captures the frame.  Every pixel is compared with the same
 * stages computed here in double precision from the formulas (not from
 * the driver's tables): an 8-bit channel may differ by 1, no more.  The
 * upstream IGT this project builds has no colour pipeline test.
 */
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <drm_fourcc.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include "pd_atomic.h"
#include "pd_crc.h"
#include "pd_ref.h"
#include "pdtest.h"

/* uapi of 6.19, newer than bookworm's libdrm headers. */
#define CAP_PLANE_COLOR_PIPELINE	7
#define T_COLOROP			0xfafafafa
#define T_PLANE				DRM_MODE_OBJECT_PLANE
#define T_CONN				DRM_MODE_OBJECT_CONNECTOR

/* enum drm_colorop_type and enum drm_colorop_curve_1d_type. */
enum { OP_CURVE, OP_LUT1D, OP_CTM, OP_MULT, OP_LUT3D };
enum { SRGB_EOTF, SRGB_INV_EOTF, PQ_125_EOTF, PQ_125_INV_EOTF, BT2020_INV_OETF,
       BT2020_OETF, GAMMA22, GAMMA22_INV, NO_CURVE = -1 };

struct lut32 {
	uint32_t red, green, blue, reserved;
};

#define NSTAGES		7
#define LUT1D_N		4096
#define LUT3D_N		17
#define W		640
#define H		480

/* primedisp's pipeline, stage by stage. */
static const int stage_type[NSTAGES] = { OP_CURVE, OP_LUT1D, OP_CTM, OP_MULT, OP_CTM,
					 OP_LUT3D, OP_CURVE };

/* What a test puts in the pipeline; a stage left at its zero value is bypassed. */
struct pipe {
	int curve[2];			/* first and last stage, NO_CURVE: bypass */
	struct lut32 *lut1d;		/* LUT1D_N entries */
	bool has_ctm[2];
	double ctm[2][12];
	bool has_mult;
	double mult;
	struct lut32 *lut3d;		/* LUT3D_N^3 entries, red fastest */
};

static struct pipe pipe_none(void)
{
	return (struct pipe){ .curve = { NO_CURVE, NO_CURVE } };
}

struct scene {
	struct pd_display d;
	struct pd_test_fb fb;
	struct pd_plane_cfg cfg;
	uint32_t ops[NSTAGES];		/* colorop ids of the primary's pipeline */
};

/* ---- the formulas -------------------------------------------------------------- */

#define PQ_M1	(1305.0 / 8192)
#define PQ_M2	(2523.0 / 32)
#define PQ_C1	(107.0 / 128)
#define PQ_C2	(2413.0 / 128)
#define PQ_C3	(2392.0 / 128)
#define BT_A	1.09929682680944
#define BT_B	0.018053968510807

static double curve(int c, double x)
{
	double e;

	if (c == PQ_125_INV_EOTF) {
		/* Its input is PQ's 0 to 125.0. */
		e = pow(fmin(fmax(x, 0), 125) / 125, PQ_M1);
		return pow((PQ_C1 + PQ_C2 * e) / (1 + PQ_C3 * e), PQ_M2);
	}
	x = fmin(fmax(x, 0), 1);
	switch (c) {
	case SRGB_EOTF:
		return x <= 0.04045 ? x / 12.92 : pow((x + 0.055) / 1.055, 2.4);
	case SRGB_INV_EOTF:
		return x <= 0.0031308 ? x * 12.92 : 1.055 * pow(x, 1 / 2.4) - 0.055;
	case PQ_125_EOTF:
		e = pow(x, 1 / PQ_M2);
		return 125 * pow(fmax(e - PQ_C1, 0) / (PQ_C2 - PQ_C3 * e), 1 / PQ_M1);
	case BT2020_INV_OETF:
		return x < 4.5 * BT_B ? x / 4.5 : pow((x + BT_A - 1) / BT_A, 1 / 0.45);
	case BT2020_OETF:
		return x < BT_B ? 4.5 * x : BT_A * pow(x, 0.45) - (BT_A - 1);
	case GAMMA22:
		return pow(x, 2.2);
	case GAMMA22_INV:
		return pow(x, 1 / 2.2);
	}
	return x;
}

static double lut_ch(const struct lut32 *e, int ch)
{
	return (ch == 0 ? e->red : ch == 1 ? e->green : e->blue) / 4294967295.0;
}

static double lut1d(const struct lut32 *l, int ch, double x)
{
	double pos = fmin(fmax(x, 0), 1) * (LUT1D_N - 1);
	int i = (int)pos;

	if (i >= LUT1D_N - 1)
		return lut_ch(&l[LUT1D_N - 1], ch);
	return lut_ch(&l[i], ch) + (pos - i) * (lut_ch(&l[i + 1], ch) - lut_ch(&l[i], ch));
}

/* Tetrahedral interpolation in the cube that holds @c. */
static void lut3d(const struct lut32 *l, double *c)
{
	const int n = LUT3D_N, step[3] = { 1, n, n * n };
	int idx[3], ax[3] = { 0, 1, 2 }, v[4];
	double f[3], w[4], out[3] = { 0 };

	for (int k = 0; k < 3; k++) {
		double pos = fmin(fmax(c[k], 0), 1) * (n - 1);

		idx[k] = (int)pos < n - 1 ? (int)pos : n - 2;
		f[k] = pos - idx[k];
	}
	for (int a = 0; a < 2; a++)
		for (int b = 0; b < 2 - a; b++)
			if (f[ax[b]] < f[ax[b + 1]]) {
				int t = ax[b];

				ax[b] = ax[b + 1];
				ax[b + 1] = t;
			}
	v[0] = idx[0] + n * (idx[1] + n * idx[2]);
	v[1] = v[0] + step[ax[0]];
	v[2] = v[1] + step[ax[1]];
	v[3] = v[2] + step[ax[2]];
	w[0] = 1 - f[ax[0]];
	w[1] = f[ax[0]] - f[ax[1]];
	w[2] = f[ax[1]] - f[ax[2]];
	w[3] = f[ax[2]];
	for (int ch = 0; ch < 3; ch++)
		for (int k = 0; k < 4; k++)
			out[ch] += w[k] * lut_ch(&l[v[k]], ch);
	memcpy(c, out, sizeof(out));
}

static void ctm(const double *m, double *c)
{
	double in[3] = { c[0], c[1], c[2] };

	for (int ch = 0; ch < 3; ch++)
		c[ch] = m[4 * ch] * in[0] + m[4 * ch + 1] * in[1] + m[4 * ch + 2] * in[2] +
			m[4 * ch + 3];
}

static void pipe_apply(const struct pipe *p, double *c)
{
	if (p->curve[0] != NO_CURVE)
		for (int ch = 0; ch < 3; ch++)
			c[ch] = curve(p->curve[0], c[ch]);
	if (p->lut1d)
		for (int ch = 0; ch < 3; ch++)
			c[ch] = lut1d(p->lut1d, ch, c[ch]);
	if (p->has_ctm[0])
		ctm(p->ctm[0], c);
	if (p->has_mult)
		for (int ch = 0; ch < 3; ch++)
			c[ch] *= p->mult;
	if (p->has_ctm[1])
		ctm(p->ctm[1], c);
	if (p->lut3d)
		lut3d(p->lut3d, c);
	if (p->curve[1] != NO_CURVE)
		for (int ch = 0; ch < 3; ch++)
			c[ch] = curve(p->curve[1], c[ch]);
}

/* ---- the pipeline's objects ------------------------------------------------------ */

static void scene_setup_fmt(struct scene *s, uint32_t format)
{
	uint32_t prop, next;
	drmModePropertyPtr p;
	int n = 0;

	pd_display_open(&s->d);
	/*
	 * The plane at BT.601 limited range (the YCbCr conversion before the
	 * pipeline), set while COLOR_ENCODING and COLOR_RANGE are visible: the
	 * capability hides them.
	 */
	pd_display_use_mode(&s->d, W, H);
	pd_assert_eq(pd_test_fb_create(s->d.fd, format, W, H, 41, &s->fb), 0);
	s->cfg = pd_plane_cfg(&s->fb, 0, 0);
	s->cfg.encoding = PD_REF_ENC_BT601;
	s->cfg.range = PD_REF_RANGE_LIMITED;
	pd_assert_eq(pd_apply(&s->d, &s->cfg, 1, true, 0), 0);
	s->cfg.encoding = PD_KEEP;
	s->cfg.range = PD_KEEP;

	pd_require(drmSetClientCap(s->d.fd, CAP_PLANE_COLOR_PIPELINE, 1) == 0,
		   "no plane colour pipelines in this kernel (DRM_CLIENT_CAP_PLANE_COLOR_PIPELINE)");
	pd_require(s->d.wb_conn, "no writeback connector");
	prop = pd_prop_id(s->d.fd, s->d.primary, T_PLANE, "COLOR_PIPELINE");
	pd_assert_f(prop, "the primary plane has no COLOR_PIPELINE with the capability set");
	p = drmModeGetProperty(s->d.fd, prop);
	pd_assert(p);
	pd_assert_f(p->count_enums == 2 && p->enums[0].value == 0 &&
		    !strcmp(p->enums[0].name, "Bypass"),
		    "COLOR_PIPELINE: %d entries, expected Bypass and one pipeline", p->count_enums);
	next = (uint32_t)p->enums[1].value;
	pd_info("COLOR_PIPELINE: \"%s\" (%u)", p->enums[1].name, next);
	drmModeFreeProperty(p);
	while (next) {
		pd_assert_f(n < NSTAGES, "the pipeline has more than %d stages", NSTAGES);
		s->ops[n] = next;
		pd_assert_eq(pd_prop_get(s->d.fd, next, T_COLOROP, "TYPE"), stage_type[n]);
		next = (uint32_t)pd_prop_get(s->d.fd, next, T_COLOROP, "NEXT");
		n++;
	}
	pd_assert_eq(n, NSTAGES);
}

static void scene_setup(struct scene *s)
{
	scene_setup_fmt(s, DRM_FORMAT_XRGB8888);
}

static uint64_t s3132(double v)
{
	uint64_t mag = (uint64_t)llround(fabs(v) * 4294967296.0);

	return v < 0 ? mag | (1ull << 63) : mag;
}

static uint32_t blob(int fd, const void *data, size_t size)
{
	uint32_t id = 0;

	pd_assert(drmModeCreatePropertyBlob(fd, data, size, &id) == 0);
	return id;
}

/*
 * Add @p to @req: the primary's COLOR_PIPELINE (0 with @select false) and
 * every stage's BYPASS and data.  Blob ids go to @blobs (NSTAGES).
 */
static void req_pipe(struct scene *s, drmModeAtomicReqPtr req, const struct pipe *p,
		     bool select, uint32_t *blobs)
{
	int fd = s->d.fd;

	memset(blobs, 0, sizeof(*blobs) * NSTAGES);
	pd_req_add(req, fd, s->d.primary, T_PLANE, "COLOR_PIPELINE", select ? s->ops[0] : 0);
	for (int i = 0; i < NSTAGES; i++) {
		uint32_t op = s->ops[i];
		bool on = false;

		switch (i) {
		case 0:
		case 6:
			on = p->curve[i / 6] != NO_CURVE;
			if (on)
				pd_req_add(req, fd, op, T_COLOROP, "CURVE_1D_TYPE",
					   (uint64_t)p->curve[i / 6]);
			break;
		case 1:
			on = p->lut1d;
			if (on)
				blobs[i] = blob(fd, p->lut1d, sizeof(*p->lut1d) * LUT1D_N);
			break;
		case 2:
		case 4:
			on = p->has_ctm[i / 4];
			if (on) {
				uint64_t m[12];

				for (int k = 0; k < 12; k++)
					m[k] = s3132(p->ctm[i / 4][k]);
				blobs[i] = blob(fd, m, sizeof(m));
			}
			break;
		case 3:
			on = p->has_mult;
			if (on)
				pd_req_add(req, fd, op, T_COLOROP, "MULTIPLIER", s3132(p->mult));
			break;
		case 5:
			on = p->lut3d;
			if (on)
				blobs[i] = blob(fd, p->lut3d,
						sizeof(*p->lut3d) * LUT3D_N * LUT3D_N * LUT3D_N);
			break;
		}
		pd_req_add(req, fd, op, T_COLOROP, "BYPASS", !on);
		if (stage_type[i] == OP_LUT1D || stage_type[i] == OP_CTM ||
		    stage_type[i] == OP_LUT3D)
			pd_req_add(req, fd, op, T_COLOROP, "DATA", blobs[i]);
	}
}

static void blobs_free(int fd, const uint32_t *blobs)
{
	for (int i = 0; i < NSTAGES; i++)
		if (blobs[i])
			drmModeDestroyPropertyBlob(fd, blobs[i]);
}

static void scene_teardown(struct scene *s)
{
	drmModeAtomicReqPtr req = drmModeAtomicAlloc();
	struct pipe none = pipe_none();
	uint32_t blobs[NSTAGES];

	/* Leave the pipeline off for whoever comes next. */
	req_pipe(s, req, &none, false, blobs);
	pd_commit(&s->d, req, 0);
	drmModeAtomicFree(req);
	pd_test_fb_destroy(&s->fb);
	pd_display_close(&s->d);
}

static void wait_fence(int fence)
{
	struct pollfd pfd = { .fd = fence, .events = POLLIN };

	pd_assert_f(fence >= 0, "no out-fence returned");
	pd_assert_f(poll(&pfd, 1, 10000) == 1, "writeback out-fence not signalled within 10 s");
	close(fence);
}

/*
 * Commit @p (selected) with a writeback job in the same commit and compare
 * every captured pixel with the formulas: no channel off by more than @tol
 * (of 255).
 */
static void expect_pipe(struct scene *s, const struct pipe *p, int tol, const char *what)
{
	drmModeAtomicReqPtr req = drmModeAtomicAlloc();
	uint32_t blobs[NSTAGES];
	struct pd_test_fb wb;
	int32_t fence = -1;
	long bad = 0;
	int worst = 0, wx = 0, wy = 0;

	pd_assert_eq(pd_test_fb_create(s->d.fd, DRM_FORMAT_XRGB8888, W, H, 0xbeef, &wb), 0);
	req_pipe(s, req, p, true, blobs);
	pd_req_add(req, s->d.fd, s->d.wb_conn, T_CONN, "CRTC_ID", s->d.out.crtc);
	pd_req_add(req, s->d.fd, s->d.wb_conn, T_CONN, "WRITEBACK_FB_ID", wb.id);
	pd_req_add(req, s->d.fd, s->d.wb_conn, T_CONN, "WRITEBACK_OUT_FENCE_PTR",
		   (uint64_t)(uintptr_t)&fence);
	pd_assert_eq(pd_commit(&s->d, req, DRM_MODE_ATOMIC_ALLOW_MODESET), 0);
	drmModeAtomicFree(req);
	wait_fence(fence);
	blobs_free(s->d.fd, blobs);

	for (uint32_t y = 0; y < H; y++)
		for (uint32_t x = 0; x < W; x++) {
			struct pd_ref_px in = pd_ref_read(&s->fb.ref, x, y, PD_REF_ENC_BT601,
							  PD_REF_RANGE_LIMITED);
			double c[3] = { in.r / 65535.0, in.g / 65535.0, in.b / 65535.0 };
			uint32_t got;
			int d = 0;

			pipe_apply(p, c);
			memcpy(&got, wb.map + (size_t)y * wb.ref.pitch[0] + 4 * x, 4);
			for (int ch = 0; ch < 3; ch++) {
				int want = (int)lround(fmin(fmax(c[ch], 0), 1) * 255);
				int have = (int)(got >> (16 - 8 * ch)) & 0xff;

				if (abs(want - have) > d)
					d = abs(want - have);
			}
			if (d > tol)
				bad++;
			if (d > worst) {
				worst = d;
				wx = (int)x;
				wy = (int)y;
			}
		}
	pd_info("%s: %ld of %d pixels off by more than %d; largest difference %d/255 at (%d, %d)",
		what, bad, W * H, tol, worst, wx, wy);
	pd_assert_f(bad == 0, "%s: %ld pixels differ from the formulas by more than %d/255 "
		    "(worst %d at %d,%d)", what, bad, tol, worst, wx, wy);
	pd_test_fb_destroy(&wb);
}

/* ---- LUTs ------------------------------------------------------------------------- */

static uint32_t u32_of(double v)
{
	return (uint32_t)llround(fmin(fmax(v, 0), 1) * 4294967295.0);
}

/* A different power curve per channel, like a calibration. */
static struct lut32 *lut1d_calibration(void)
{
	static const double g[3] = { 1 / 1.8, 0.9, 1.6 };
	struct lut32 *l = calloc(LUT1D_N, sizeof(*l));

	pd_assert(l);
	for (int i = 0; i < LUT1D_N; i++) {
		double x = (double)i / (LUT1D_N - 1);

		l[i].red = u32_of(pow(x, g[0]));
		l[i].green = u32_of(pow(x, g[1]));
		l[i].blue = u32_of(pow(x, g[2]));
	}
	return l;
}

/*
 * Channels rotated (out = g, b, r) with a soft gamut squeeze: wrong axis
 * order, wrong interpolation or an identity would all show.
 */
static struct lut32 *lut3d_rotate(void)
{
	const int n = LUT3D_N;
	struct lut32 *l = calloc((size_t)n * n * n, sizeof(*l));

	pd_assert(l);
	for (int b = 0; b < n; b++)
		for (int g = 0; g < n; g++)
			for (int r = 0; r < n; r++) {
				double R = (double)r / (n - 1), G = (double)g / (n - 1);
				double B = (double)b / (n - 1);
				struct lut32 *e = &l[r + n * (g + n * b)];

				e->red = u32_of(0.9 * G + 0.1 * R * B);
				e->green = u32_of(sqrt(B));
				e->blue = u32_of(R * R);
			}
	return l;
}

/* ---- subtests ------------------------------------------------------------------------ */

static void test_properties(void)
{
	static const int offered[] = { SRGB_EOTF, SRGB_INV_EOTF, PQ_125_EOTF, PQ_125_INV_EOTF,
				       BT2020_INV_OETF, BT2020_OETF, GAMMA22, GAMMA22_INV };
	struct scene s;
	drmModePropertyPtr p;
	int fd2;

	scene_setup(&s);
	/* Each stage can be bypassed and starts bypassed. */
	for (int i = 0; i < NSTAGES; i++)
		pd_assert_f(pd_prop_get(s.d.fd, s.ops[i], T_COLOROP, "BYPASS") == 1,
			    "stage %d is not bypassed at start", i);
	pd_assert_eq(pd_prop_get(s.d.fd, s.ops[1], T_COLOROP, "SIZE"), LUT1D_N);
	pd_assert_eq(pd_prop_get(s.d.fd, s.ops[5], T_COLOROP, "SIZE"), LUT3D_N);
	p = drmModeGetProperty(s.d.fd, pd_prop_id(s.d.fd, s.ops[0], T_COLOROP, "CURVE_1D_TYPE"));
	pd_assert(p);
	pd_assert_eq(p->count_enums, (int)(sizeof(offered) / sizeof(offered[0])));
	for (int i = 0; i < p->count_enums; i++) {
		pd_info("curve %llu: %s", (unsigned long long)p->enums[i].value, p->enums[i].name);
		pd_assert_eq(p->enums[i].value, offered[i]);
	}
	drmModeFreeProperty(p);
	/* The cursor has no pipeline; the overlays have theirs. */
	if (s.d.cursor)
		pd_assert_eq(pd_prop_id(s.d.fd, s.d.cursor, T_PLANE, "COLOR_PIPELINE"), 0);
	for (int i = 0; i < s.d.noverlays; i++)
		pd_assert(pd_prop_id(s.d.fd, s.d.overlays[i], T_PLANE, "COLOR_PIPELINE"));
	/* A client that did not ask sees no COLOR_PIPELINE. */
	fd2 = pd_open_card("primedisp");
	pd_assert_eq(drmSetClientCap(fd2, DRM_CLIENT_CAP_ATOMIC, 1), 0);
	pd_assert_eq(pd_prop_id(fd2, s.d.primary, T_PLANE, "COLOR_PIPELINE"), 0);
	close(fd2);
	scene_teardown(&s);
}

static void test_bypass(void)
{
	struct pipe p = pipe_none();
	struct scene s;

	scene_setup(&s);
	/* Selected, every stage bypassed: the frame is the plane, exactly. */
	expect_pipe(&s, &p, 0, "all stages bypassed");
	scene_teardown(&s);
}

static void test_curves(void)
{
	static const struct { int c; const char *name; } curves[] = {
		{ SRGB_EOTF, "sRGB EOTF" }, { SRGB_INV_EOTF, "sRGB inverse EOTF" },
		{ BT2020_INV_OETF, "BT.2020 inverse OETF" }, { BT2020_OETF, "BT.2020 OETF" },
		{ GAMMA22, "gamma 2.2" }, { GAMMA22_INV, "gamma 2.2 inverse" },
	};
	struct scene s;

	scene_setup(&s);
	for (size_t i = 0; i < sizeof(curves) / sizeof(curves[0]); i++) {
		struct pipe p = pipe_none();

		p.curve[i % 2] = curves[i].c;
		expect_pipe(&s, &p, 1, curves[i].name);
	}
	scene_teardown(&s);
}

/*
 * PQ's 0 to 125.0 brought back to 0 to 1.0 by the multiplier: headroom
 * between stages.  Its inverse takes 0 to 125.0 back to PQ's encoding: after
 * the EOTF, and after an sRGB EOTF and a gain (SDR content placed at 200
 * cd/m2 in an HDR signal, as compositors do).
 */
static void test_pq(void)
{
	struct pipe p = pipe_none();
	struct scene s;

	scene_setup(&s);
	p.curve[0] = PQ_125_EOTF;
	p.has_mult = true;
	p.mult = 1.0 / 125;
	expect_pipe(&s, &p, 1, "PQ EOTF, then 1/125");
	p.mult = 1.0 / 50;
	expect_pipe(&s, &p, 1, "PQ EOTF, then 1/50 (clipped)");
	p = pipe_none();
	p.curve[0] = PQ_125_EOTF;
	p.curve[1] = PQ_125_INV_EOTF;
	expect_pipe(&s, &p, 1, "PQ EOTF, then its inverse");
	p.curve[0] = SRGB_EOTF;
	p.has_mult = true;
	p.mult = 2.5;
	expect_pipe(&s, &p, 1, "sRGB EOTF, times 2.5, PQ inverse EOTF");
	scene_teardown(&s);
}

static void test_lut1d(void)
{
	struct pipe p = pipe_none();
	struct scene s;

	p.lut1d = lut1d_calibration();
	scene_setup(&s);
	expect_pipe(&s, &p, 1, "1D LUT");
	scene_teardown(&s);
	free(p.lut1d);
}

static void test_ctm(void)
{
	static const double swap_offset[12] = { 0, 0, 1, 0.1, 0, 1, 0, -0.2, 1, 0, 0, 0 };
	static const double mix[12] = { 0.8, 0.3, -0.1, 0, 0.1, 0.7, 0.2, 0.05,
					-0.2, 0.25, 1.1, -0.05 };
	struct pipe p = pipe_none();
	struct scene s;

	scene_setup(&s);
	p.has_ctm[0] = true;
	memcpy(p.ctm[0], swap_offset, sizeof(swap_offset));
	expect_pipe(&s, &p, 1, "3x4 matrix: channels swapped, offsets");
	memcpy(p.ctm[0], mix, sizeof(mix));
	expect_pipe(&s, &p, 1, "3x4 matrix: mixed, negative coefficients");
	/* Two matrices: the first takes values above 1.0, the multiplier and the second back. */
	for (int i = 0; i < 12; i++)
		p.ctm[0][i] = i % 5 == 0 ? 3.0 : 0;
	p.has_mult = true;
	p.mult = 0.5;
	p.has_ctm[1] = true;
	memcpy(p.ctm[1], mix, sizeof(mix));
	for (int i = 0; i < 12; i++)
		p.ctm[1][i] /= 1.5;
	expect_pipe(&s, &p, 1, "matrix x3, multiplier 0.5, matrix / 1.5");
	scene_teardown(&s);
}

static void test_lut3d(void)
{
	struct pipe p = pipe_none();
	struct scene s;

	p.lut3d = lut3d_rotate();
	scene_setup(&s);
	expect_pipe(&s, &p, 1, "3D LUT");
	scene_teardown(&s);
	free(p.lut3d);
}

static struct pipe pipe_all(void)
{
	static const double mix[12] = { 0.8, 0.3, -0.1, 0, 0.1, 0.7, 0.2, 0.05,
					-0.2, 0.25, 1.1, -0.05 };
	struct pipe p = pipe_none();

	p.curve[0] = SRGB_EOTF;
	p.lut1d = lut1d_calibration();
	p.has_ctm[0] = true;
	memcpy(p.ctm[0], mix, sizeof(mix));
	p.has_mult = true;
	p.mult = 0.9;
	p.lut3d = lut3d_rotate();
	p.curve[1] = SRGB_INV_EOTF;
	return p;
}

static void test_all(void)
{
	struct pipe p = pipe_all();
	struct scene s;

	scene_setup(&s);
	expect_pipe(&s, &p, 1, "every stage");
	scene_teardown(&s);
	free(p.lut1d);
	free(p.lut3d);
}

/* A YUYV plane: converted to RGB (BT.601, limited range), then the pipeline. */
static void test_yuv(void)
{
	struct pipe p = pipe_none();
	struct scene s;

	scene_setup_fmt(&s, DRM_FORMAT_YUYV);
	p.curve[0] = SRGB_EOTF;
	p.has_ctm[0] = true;
	for (int i = 0; i < 12; i++)
		p.ctm[0][i] = i == 1 || i == 6 || i == 8 ? 1 : 0;
	p.curve[1] = GAMMA22_INV;
	expect_pipe(&s, &p, 1, "YUYV through curve, matrix, curve");
	scene_teardown(&s);
}

/* A DATA blob of the wrong size, or another plane's pipeline: EINVAL. */
static void test_invalid(void)
{
	struct lut32 small[100] = { 0 };
	drmModeAtomicReqPtr req;
	struct scene s;
	uint32_t id;

	scene_setup(&s);
	id = blob(s.d.fd, small, sizeof(small));
	for (int i = 1; i < NSTAGES; i++) {
		if (stage_type[i] != OP_LUT1D && stage_type[i] != OP_CTM &&
		    stage_type[i] != OP_LUT3D)
			continue;
		req = drmModeAtomicAlloc();
		pd_req_add(req, s.d.fd, s.ops[i], T_COLOROP, "DATA", id);
		pd_assert_f(pd_commit(&s.d, req, DRM_MODE_ATOMIC_TEST_ONLY) == -EINVAL,
			    "stage %d took a DATA blob of %zu bytes", i, sizeof(small));
		drmModeAtomicFree(req);
	}
	drmModeDestroyPropertyBlob(s.d.fd, id);
	if (s.d.noverlays) {
		drmModePropertyPtr p;

		p = drmModeGetProperty(s.d.fd, pd_prop_id(s.d.fd, s.d.overlays[0], T_PLANE,
							  "COLOR_PIPELINE"));
		pd_assert(p && p->count_enums == 2);
		req = drmModeAtomicAlloc();
		pd_req_add(req, s.d.fd, s.d.primary, T_PLANE, "COLOR_PIPELINE",
			   p->enums[1].value);
		pd_assert_f(pd_commit(&s.d, req, DRM_MODE_ATOMIC_TEST_ONLY) == -EINVAL,
			    "the primary took an overlay's pipeline");
		drmModeFreeProperty(p);
		drmModeAtomicFree(req);
	}
	scene_teardown(&s);
}

/* A pipeline on, no CRC reader, no writeback: flips read no pixel. */
static void test_zero_copy(void)
{
	struct pipe p = pipe_all();
	drmModeAtomicReqPtr req = drmModeAtomicAlloc();
	long long f0, b0, f1, b1;
	uint32_t blobs[NSTAGES];
	struct scene s;

	scene_setup(&s);
	req_pipe(&s, req, &p, true, blobs);
	pd_assert_eq(pd_commit(&s.d, req, 0), 0);
	drmModeAtomicFree(req);
	blobs_free(s.d.fd, blobs);
	pd_composer_counters(s.d.fd, &f0, &b0);
	for (int i = 0; i < 20; i++) {
		s.cfg.crtc_x = i % 2 ? 0 : 8;
		pd_assert_eq(pd_apply(&s.d, &s.cfg, 1, false, 0), 0);
	}
	pd_composer_counters(s.d.fd, &f1, &b1);
	pd_assert_f(f1 == f0 && b1 == b0,
		    "20 flips with a pipeline on and no consumer: %lld frames composed, %lld bytes read",
		    f1 - f0, b1 - b0);
	scene_teardown(&s);
	free(p.lut1d);
	free(p.lut3d);
}

static const struct pd_subtest subtests[] = {
	{ "properties", test_properties, "seven stages, bypassed at start, only for clients that ask" },
	{ "bypass", test_bypass, "the pipeline selected with every stage bypassed changes nothing" },
	{ "curves", test_curves, "sRGB, BT.2020 and gamma 2.2 curves and their inverses" },
	{ "pq", test_pq, "PQ EOTF to 125.0 and back (multiplier, inverse EOTF)" },
	{ "lut1d", test_lut1d, "a 4096-entry 1D LUT, per channel" },
	{ "ctm", test_ctm, "3x4 matrices and the multiplier, values beyond 1.0 between stages" },
	{ "lut3d", test_lut3d, "a 17x17x17 3D LUT, tetrahedral interpolation" },
	{ "all-stages", test_all, "every stage at once" },
	{ "yuv-plane", test_yuv, "a YUYV plane through the pipeline" },
	{ "invalid", test_invalid, "wrong DATA sizes and another plane's pipeline: EINVAL" },
	{ "zero-copy", test_zero_copy, "a pipeline on and no consumer: flips read no pixel" },
	{ }
};

PD_MAIN(subtests, "Plane colour pipelines: every stage against the formulas, by writeback.");
