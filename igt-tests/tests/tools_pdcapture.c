// SPDX-License-Identifier: GPL-2.0
/*
 * tools_pdcapture - userspace/build/pdcapture saves what an output shows,
 * through writeback, as a PNG.
 *
 * The test puts a scene of three planes on screen (random XRGB8888 primary,
 * a rotated NV12 overlay, an ARGB8888 cursor), lets go of DRM master, runs
 * pdcapture, decodes its PNG and compares every pixel with the frame it
 * renders itself (lib/pd_ref.c).  Also: --help, and a clear error when
 * nothing is on screen.
 */
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <drm_fourcc.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include "pd_atomic.h"
#include "pd_toolrun.h"
#include "pdtest.h"

/* Decode an 8-bit RGB PNG into malloc'd rows of 3 bytes per pixel. */
static uint8_t *read_png(const char *path, uint32_t *w, uint32_t *h)
{
	FILE *f = fopen(path, "rb");
	png_structp png;
	png_infop info;
	uint8_t *pix;

	pd_assert_f(f, "pdcapture wrote no %s", path);
	png = png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	info = png_create_info_struct(png);
	pd_assert(png && info);
	if (setjmp(png_jmpbuf(png)))
		pd_fail("%s is not a valid PNG", path);
	png_init_io(png, f);
	png_read_info(png, info);
	*w = png_get_image_width(png, info);
	*h = png_get_image_height(png, info);
	pd_assert_eq(png_get_bit_depth(png, info), 8);
	pd_assert_eq(png_get_color_type(png, info), PNG_COLOR_TYPE_RGB);
	pix = malloc((size_t)*w * *h * 3);
	pd_assert(pix);
	for (uint32_t y = 0; y < *h; y++)
		png_read_row(png, pix + (size_t)y * *w * 3, NULL);
	png_destroy_read_struct(&png, &info, NULL);
	fclose(f);
	return pix;
}

static uint8_t narrow8(uint16_t v)
{
	return (uint8_t)(((uint32_t)v * 255 + 32767) / 65535);
}

static void test_capture(void)
{
	char tool[256], out_path[] = "/tmp/pdcapture-test.png";
	struct pd_display d;
	struct pd_test_fb bg, nv, cur;
	struct pd_plane_cfg cfgs[4];
	struct pd_ref_plane planes[4];
	struct pd_ref_px *frame;
	uint32_t w, h, bad = 0;
	uint8_t *pix;
	char *out = NULL;
	int rc, n = 0;

	pd_tool_require("pdcapture", tool, sizeof(tool));
	pd_display_open(&d);
	pd_require(d.wb_conn, "no writeback connector");
	pd_require(d.noverlays && d.cursor, "no overlay or cursor plane");
	pd_display_use_mode(&d, 640, 480);
	pd_assert_eq(pd_test_fb_create(d.fd, DRM_FORMAT_XRGB8888, 640, 480, 1, &bg), 0);
	pd_assert_eq(pd_test_fb_create(d.fd, DRM_FORMAT_NV12, 200, 120, 2, &nv), 0);
	pd_assert_eq(pd_test_fb_create(d.fd, DRM_FORMAT_ARGB8888, 64, 64, 3, &cur), 0);
	cfgs[n++] = pd_plane_cfg(&bg, 0, 0);
	cfgs[n] = pd_plane_cfg(&nv, 300, 100);
	cfgs[n++].rotation = DRM_MODE_ROTATE_90;
	while (n < d.noverlays + 1)
		cfgs[n++] = pd_plane_cfg(NULL, 0, 0);
	cfgs[n++] = pd_plane_cfg(&cur, 600, 450);	/* partly off screen */
	pd_assert_eq(pd_apply(&d, cfgs, n, true, 0), 0);

	/* pdcapture needs master to commit its writeback job. */
	pd_assert(drmDropMaster(d.fd) == 0);
	unlink(out_path);
	rc = pd_run_cmd(&out, "%s %s 2>&1", tool, out_path);
	pd_assert_f(rc == 0, "pdcapture exited with %d: %s", rc, out ? out : "");
	pd_assert_f(out && strstr(out, "saved to"), "no progress line: %s", out ? out : "");
	free(out);

	pix = read_png(out_path, &w, &h);
	pd_assert_eq(w, 640);
	pd_assert_eq(h, 480);
	frame = malloc(sizeof(*frame) * w * h);
	pd_assert(frame);
	for (int i = 0, m = 0; i < n; i++)
		if (cfgs[i].fb)
			planes[m++] = pd_ref_of(&cfgs[i], (unsigned int)i);
	pd_ref_compose(planes, 3, w, h, frame);
	for (size_t i = 0; i < (size_t)w * h; i++) {
		const uint8_t *p = pix + 3 * i;

		if (p[0] != narrow8(frame[i].r) || p[1] != narrow8(frame[i].g) ||
		    p[2] != narrow8(frame[i].b)) {
			if (!bad++)
				pd_info("first difference at %zu,%zu: PNG %02x%02x%02x, reference "
					"%02x%02x%02x", i % w, i / w, p[0], p[1], p[2],
					narrow8(frame[i].r), narrow8(frame[i].g),
					narrow8(frame[i].b));
		}
	}
	pd_assert_f(bad == 0, "%u of %u PNG pixels differ from the reference frame", bad, w * h);
	free(frame);
	free(pix);
	unlink(out_path);
	pd_display_close(&d);
}

static void test_usage(void)
{
	char tool[256];
	char *out = NULL;
	int rc;

	pd_tool_require("pdcapture", tool, sizeof(tool));
	rc = pd_run_cmd(&out, "%s --help 2>&1", tool);
	pd_assert_eq(rc, 0);
	pd_assert_f(out && strstr(out, "Usage: pdcapture") && strstr(out, "writeback"),
		    "--help: %s", out ? out : "");
	free(out);
	out = NULL;
	rc = pd_run_cmd(&out, "%s 2>&1", tool);
	pd_assert_f(rc != 0 && out && strstr(out, "Usage:"), "no FILE: exit %d: %s", rc,
		    out ? out : "");
	free(out);
	out = NULL;
	/* A CRTC that is not there: a message saying so, exit 1. */
	rc = pd_run_cmd(&out, "%s --crtc 7 /tmp/x.png 2>&1", tool);
	pd_assert_f(rc != 0 && out && strstr(out, "CRTC 7 is not active"), "exit %d: %s", rc,
		    out ? out : "");
	free(out);
}

static const struct pd_subtest subtests[] = {
	{ "capture-png", test_capture, "a 3-plane scene saved as PNG equals the reference" },
	{ "usage", test_usage, "--help, missing arguments, a CRTC that is off" },
	{ }
};

PD_MAIN(subtests, "pdcapture: writeback of the composed frame into a PNG.");
