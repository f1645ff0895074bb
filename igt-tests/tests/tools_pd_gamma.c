// SPDX-License-Identifier: GPL-2.0
/*
 * tools_pd_gamma - userspace/build/pd-gamma, a real client of GAMMA_LUT:
 * it loads a calibration file (ArgyllCMS .cal) or a night-light white
 * point, and the CRTC's CRC then shows the corrected frame.
 *
 * The test puts a random XRGB8888 plane on screen, lets go of DRM master,
 * runs the tool, takes master back and checks the GAMMA_LUT the tool
 * committed (against the curve the test computes from the same file) and
 * the CRC (against lib/pd_ref.c's frame through that LUT).
 */
#include <math.h>
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
#include "pd_toolrun.h"
#include "pdtest.h"

#define T_CRTC		DRM_MODE_OBJECT_CRTC
#define LUT_SIZE	1024
#define CAL_PATH	"/tmp/pd-gamma-test.cal"
#define PNG_PATH	"/tmp/pd-gamma-test.png"

struct scene {
	struct pd_display d;
	struct pd_test_fb fb;
	struct pd_plane_cfg cfg;
	char tool[256];
};

static void scene_setup(struct scene *s)
{
	pd_tool_require("pd-gamma", s->tool, sizeof(s->tool));
	pd_display_open(&s->d);
	pd_require(pd_prop_id(s->d.fd, s->d.out.crtc, T_CRTC, "GAMMA_LUT"),
		   "CRTC has no GAMMA_LUT");
	pd_display_use_mode(&s->d, 640, 480);
	pd_assert_eq(pd_test_fb_create(s->d.fd, DRM_FORMAT_XRGB8888, 640, 480, 57, &s->fb), 0);
	s->cfg = pd_plane_cfg(&s->fb, 0, 0);
	pd_assert_eq(pd_apply(&s->d, &s->cfg, 1, true, 0), 0);
}

static void scene_teardown(struct scene *s)
{
	drmModeAtomicReqPtr req = drmModeAtomicAlloc();

	pd_req_add(req, s->d.fd, s->d.out.crtc, T_CRTC, "GAMMA_LUT", 0);
	pd_commit(&s->d, req, 0);
	drmModeAtomicFree(req);
	pd_test_fb_destroy(&s->fb);
	pd_display_close(&s->d);
}

/* Run pd-gamma with @args (NULL-terminated) without DRM master; its exit status. */
static int run_tool(struct scene *s, const char *const *args, char **out)
{
	char *argv[16];
	int n = 0, st;

	argv[n++] = s->tool;
	for (; *args && n < 15; args++)
		argv[n++] = (char *)*args;
	argv[n] = NULL;
	pd_assert_eq(drmDropMaster(s->d.fd), 0);
	st = pd_run_argv(argv, out);
	pd_assert_f(drmSetMaster(s->d.fd) == 0, "cannot take DRM master back after pd-gamma");
	pd_info("pd-gamma exited with %d:\n%s", st, *out);
	return st;
}

/* The CRTC's GAMMA_LUT (malloc'd, LUT_SIZE entries), or NULL if none. */
static struct drm_color_lut *current_lut(struct scene *s)
{
	uint32_t id = (uint32_t)pd_prop_get(s->d.fd, s->d.out.crtc, T_CRTC, "GAMMA_LUT");
	drmModePropertyBlobPtr b;
	struct drm_color_lut *l;

	if (!id)
		return NULL;
	b = drmModeGetPropertyBlob(s->d.fd, id);
	pd_assert(b);
	pd_assert_eq(b->length, LUT_SIZE * sizeof(*l));
	l = malloc(b->length);
	pd_assert(l);
	memcpy(l, b->data, b->length);
	drmModeFreePropertyBlob(b);
	return l;
}

/* Does the CRC show the plane through @lut (NULL: unchanged)? */
static void expect_crc(struct scene *s, const struct drm_color_lut *lut, const char *what)
{
	uint32_t w = s->d.out.mode.hdisplay, h = s->d.out.mode.vdisplay, got, want;
	struct pd_ref_px *frame = malloc(sizeof(*frame) * w * h);
	struct pd_ref_plane plane = pd_ref_of(&s->cfg, 0);
	struct pd_ref_color c = { .gamma = lut, .gamma_n = LUT_SIZE };

	pd_assert(frame);
	pd_ref_compose(&plane, 1, w, h, frame);
	if (lut)
		pd_ref_color_apply(&c, frame, (size_t)w * h);
	want = pd_ref_frame_crc(frame, w, h);
	free(frame);
	pd_require(pd_crtc_crc(s->d.fd, s->d.out.crtc_index, &got), "no CRC interface (debugfs)");
	pd_info("%s: CRC 0x%08x, reference 0x%08x", what, got, want);
	pd_assert_f(got == want, "%s: CRC 0x%08x differs from the reference 0x%08x", what, got,
		    want);
}

static void test_help(void)
{
	char tool[256], *out = NULL;
	char *help[] = { tool, "--help", NULL }, *none[] = { tool, NULL };
	char *bad[] = { tool, "--temperature", "99", NULL };

	pd_tool_require("pd-gamma", tool, sizeof(tool));
	pd_assert_eq(pd_run_argv(help, &out), 0);
	pd_assert_f(strstr(out, "Usage: pd-gamma") && strstr(out, "--temperature"),
		    "--help does not describe the options:\n%s", out);
	free(out);
	pd_assert_eq(pd_run_argv(none, &out), 2);
	pd_assert_f(strstr(out, "say what to do"), "no advice without arguments:\n%s", out);
	free(out);
	pd_assert_eq(pd_run_argv(bad, &out), 2);
	pd_assert_f(strstr(out, "1700..25000"), "no range given for a bad temperature:\n%s", out);
	free(out);
}

/* A dispcal-style calibration: 5 points per channel, a different curve each. */
static const double cal[5][4] = {
	{ 0.0, 0.02, 0.00, 0.01 },
	{ 0.25, 0.30, 0.20, 0.22 },
	{ 0.5, 0.58, 0.45, 0.50 },
	{ 0.75, 0.82, 0.73, 0.76 },
	{ 1.0, 1.00, 0.95, 0.98 },
};

static double cal_at(int ch, double t)
{
	int i = 0;

	while (i < 3 && cal[i + 1][0] < t)
		i++;
	return cal[i][ch + 1] + (t - cal[i][0]) * (cal[i + 1][ch + 1] - cal[i][ch + 1]) /
	       (cal[i + 1][0] - cal[i][0]);
}

static void test_calibration(void)
{
	const char *args[] = { "--file", CAL_PATH, "--plot", PNG_PATH, NULL };
	struct drm_color_lut *lut, *want = calloc(LUT_SIZE, sizeof(*want));
	unsigned char sig[8] = { 0 };
	struct scene s;
	char *out = NULL;
	int bad = 0;
	FILE *f;

	pd_assert(want);
	scene_setup(&s);
	f = fopen(CAL_PATH, "w");
	pd_assert(f);
	fprintf(f, "CAL\n\nDESCRIPTOR \"primedisp test calibration\"\nORIGINATOR \"tools_pd_gamma\"\n"
		"KEYWORD \"DEVICE_CLASS\"\nDEVICE_CLASS \"DISPLAY\"\n\nNUMBER_OF_FIELDS 4\n"
		"BEGIN_DATA_FORMAT\nRGB_I RGB_R RGB_G RGB_B\nEND_DATA_FORMAT\n\n"
		"NUMBER_OF_SETS 5\nBEGIN_DATA\n");
	for (int i = 0; i < 5; i++)
		fprintf(f, "%.6f %.6f %.6f %.6f\n", cal[i][0], cal[i][1], cal[i][2], cal[i][3]);
	fprintf(f, "END_DATA\n");
	fclose(f);
	unlink(PNG_PATH);

	pd_assert_eq(run_tool(&s, args, &out), 0);
	pd_assert_f(strstr(out, "GAMMA_LUT of 1024 entries loaded"), "no report of the load");
	free(out);
	lut = current_lut(&s);
	pd_assert_f(lut, "pd-gamma exited 0 but the CRTC has no GAMMA_LUT");
	for (int i = 0; i < LUT_SIZE; i++) {
		double t = (double)i / (LUT_SIZE - 1);

		want[i].red = (uint16_t)lround(65535 * cal_at(0, t));
		want[i].green = (uint16_t)lround(65535 * cal_at(1, t));
		want[i].blue = (uint16_t)lround(65535 * cal_at(2, t));
		if (abs(want[i].red - lut[i].red) > 1 || abs(want[i].green - lut[i].green) > 1 ||
		    abs(want[i].blue - lut[i].blue) > 1)
			bad++;
	}
	pd_assert_f(bad == 0, "%d of %d GAMMA_LUT entries differ from the calibration by more "
		    "than 1/65535", bad, LUT_SIZE);
	expect_crc(&s, lut, "calibration");

	f = fopen(PNG_PATH, "rb");
	pd_assert_f(f, "no plot written to %s", PNG_PATH);
	pd_assert_eq(fread(sig, 1, 8, f), 8);
	fclose(f);
	pd_assert_f(!memcmp(sig, "\x89PNG\r\n\x1a\n", 8), "%s is not a PNG", PNG_PATH);
	free(lut);
	free(want);
	unlink(CAL_PATH);
	unlink(PNG_PATH);
	scene_teardown(&s);
}

static void test_night_light(void)
{
	const char *warm[] = { "--temperature", "3400", NULL };
	const char *reset[] = { "--reset", NULL }, *show[] = { "--show", NULL };
	struct drm_color_lut *lut;
	struct scene s;
	char *out = NULL;

	scene_setup(&s);
	pd_assert_eq(run_tool(&s, warm, &out), 0);
	free(out);
	lut = current_lut(&s);
	pd_assert_f(lut, "no GAMMA_LUT after --temperature");
	/* Warm white: red full, then green, then blue; each channel rising. */
	pd_info("white at 3400 K: %u %u %u", lut[LUT_SIZE - 1].red, lut[LUT_SIZE - 1].green,
		lut[LUT_SIZE - 1].blue);
	pd_assert_eq(lut[LUT_SIZE - 1].red, 65535);
	pd_assert(lut[LUT_SIZE - 1].green < 60000 && lut[LUT_SIZE - 1].green > 40000);
	pd_assert(lut[LUT_SIZE - 1].blue < lut[LUT_SIZE - 1].green);
	for (int i = 1; i < LUT_SIZE; i++)
		pd_assert_f(lut[i].red >= lut[i - 1].red && lut[i].green >= lut[i - 1].green &&
			    lut[i].blue >= lut[i - 1].blue, "entry %d decreases", i);
	expect_crc(&s, lut, "night light");
	free(lut);

	pd_assert_eq(run_tool(&s, show, &out), 0);
	pd_assert_f(strstr(out, "GAMMA_LUT (1024 entries)"), "--show does not show the LUT");
	free(out);
	pd_assert_eq(run_tool(&s, reset, &out), 0);
	free(out);
	pd_assert_f(!current_lut(&s), "GAMMA_LUT still set after --reset");
	expect_crc(&s, NULL, "reset");
	scene_teardown(&s);
}

/* While another client is DRM master, pd-gamma says so and changes nothing. */
static void test_master_held(void)
{
	char *argv[] = { NULL, "--gamma", "2.2", NULL }, *out = NULL;
	struct scene s;

	scene_setup(&s);
	argv[0] = s.tool;
	pd_assert_eq(pd_run_argv(argv, &out), 1);
	pd_assert_f(strstr(out, "DRM master"), "no advice about DRM master:\n%s", out);
	free(out);
	pd_assert_f(!current_lut(&s), "GAMMA_LUT set although pd-gamma failed");
	scene_teardown(&s);
}

static const struct pd_subtest subtests[] = {
	{ "help", test_help, "--help, no arguments and a bad value" },
	{ "calibration-file", test_calibration, "an ArgyllCMS .cal file: LUT, CRC and plot" },
	{ "night-light", test_night_light, "--temperature 3400: warm LUT, CRC; --show; --reset" },
	{ "master-held", test_master_held, "another client is master: a clear error" },
	{ }
};

PD_MAIN(subtests, "pd-gamma loads calibration and night-light curves into GAMMA_LUT.");
