// SPDX-License-Identifier: GPL-2.0
/*
 * tools_gpu2disp - userspace/build/gpu2disp feeds primedisp from vgem with
 * implicit synchronisation: every flip is committed (nonblocking) while the
 * buffer's vgem write fence is pending and completes only after the fence
 * is signalled.
 *
 * Checked: gpu2disp's per-frame report (the commit returned long before
 * the fence was signalled, no flip event while it was pending, the flip
 * event came soon after the signal), that the run took at least the
 * fence delays it claims, and the CRTC's CRC against the last frame as
 * gpu2disp's --help defines it, computed here.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <drm_fourcc.h>
#include <xf86drm.h>

#include "pd_client.h"
#include "pd_crc.h"
#include "pd_toolrun.h"
#include "pd_vgem.h"
#include "pdtest.h"

#define TOOL_TIMEOUT_MS	40000

/* Frame @f of gpu2disp's documented pattern: R = x + 8f, G = y + 4f, B = 37f. */
static uint32_t pattern_crc(uint32_t w, uint32_t h, unsigned int f)
{
	uint32_t *px = malloc((size_t)w * h * 4), crc;

	pd_assert(px);
	for (uint32_t y = 0; y < h; y++)
		for (uint32_t x = 0; x < w; x++)
			px[(size_t)y * w + x] = ((x + 8 * f) & 0xff) << 16 |
						((y + 4 * f) & 0xff) << 8 | ((37 * f) & 0xff);
	crc = pd_frame_crc((const uint8_t *)px, w, h, w * 4, DRM_FORMAT_XRGB8888);
	free(px);
	return crc;
}

/* Check gpu2disp's line for frame @f. */
static void check_frame_line(const char *out, unsigned int f, unsigned int delay_ms)
{
	char prefix[32], line[512];
	double commit_ms, lat_ms;
	unsigned int delay;
	const char *p;

	snprintf(prefix, sizeof(prefix), "frame %u: ", f);
	pd_assert_f(pd_out_line(out, prefix, line, sizeof(line)), "no line for frame %u:\n%s",
		    f, out);
	p = strstr(line, "commit returned in ");
	pd_assert_f(p && sscanf(p, "commit returned in %lf ms with the fence pending",
				&commit_ms) == 1, "frame %u: %s", f, line);
	p = strstr(line, "no flip during the ");
	pd_assert_f(p && sscanf(p, "no flip during the %u ms", &delay) == 1 && delay == delay_ms,
		    "frame %u: the flip did not wait for the fence: %s", f, line);
	p = strstr(line, "flip completed ");
	pd_assert_f(p && sscanf(p, "flip completed %lf ms after the fence was signalled",
				&lat_ms) == 1, "frame %u: %s", f, line);
	/* A commit that waited for the fence would have taken delay_ms or more. */
	pd_assert_f(commit_ms < delay_ms / 2.0,
		    "frame %u: the nonblocking commit took %.2f ms (fence pending for %u ms)",
		    f, commit_ms, delay_ms);
	/* The next vblank after the signal: 16.7 ms at 60 Hz, generous for TCG. */
	pd_assert_f(lat_ms >= 0 && lat_ms < 250,
		    "frame %u: the flip completed %.2f ms after the fence was signalled", f,
		    lat_ms);
}

static void run_gpu2disp(const char *size, unsigned int frames, unsigned int delay_ms,
			 unsigned int nbufs)
{
	char tool[PATH_MAX], line[1024], nf[16], nd[16], nb[16];
	struct pd_screen screen;
	double t0, elapsed, v;
	uint32_t w, h, want, got;
	struct pd_proc p;
	int vgem, status;
	char *o;

	pd_tool_require("gpu2disp", tool, sizeof(tool));
	vgem = pd_vgem_open();	/* loads vgem if needed */
	close(vgem);
	pd_screen_open(&screen);	/* a watcher: gpu2disp must become master */
	if (size) {
		pd_assert(sscanf(size, "%ux%u", &w, &h) == 2);
	} else {
		w = screen.pref.hdisplay;
		h = screen.pref.vdisplay;
	}
	want = pattern_crc(w, h, frames);
	pd_info("frame %u at %ux%u must give CRC 0x%08x", frames, w, h, want);

	snprintf(nf, sizeof(nf), "%u", frames);
	snprintf(nd, sizeof(nd), "%u", delay_ms);
	snprintf(nb, sizeof(nb), "%u", nbufs);
	{
		char *const argv[] = {
			tool, "--frames", nf, "--fence-delay", nd, "--buffers", nb, "--hold",
			size ? "--size" : NULL, (char *)size, NULL,
		};

		t0 = pd_now();
		pd_proc_start(&p, argv);
	}
	o = pd_proc_expect(&p, "holding the last frame", TOOL_TIMEOUT_MS, "gpu2disp");
	elapsed = pd_now() - t0;
	got = pd_screen_crc(&screen);
	pd_assert_f(got == want, "the CRTC's CRC is 0x%08x, frame %u of the pattern gives "
		    "0x%08x; gpu2disp's output:\n%s", got, frames, want, o);
	pd_info("CRTC CRC 0x%08x = frame %u of the pattern", got, frames);

	for (unsigned int f = 1; f <= frames; f++)
		check_frame_line(o, f, delay_ms);
	pd_assert_f(pd_out_line(o, "implicit sync:", line, sizeof(line)), "no summary:\n%s", o);
	pd_info("%s", line);
	/* Each frame's fence stayed pending delay_ms: the run cannot be shorter. */
	pd_assert_f(elapsed >= frames * delay_ms / 1000.0,
		    "%u frames with %u ms fence delays took only %.2f s", frames, delay_ms,
		    elapsed);
	free(o);

	o = pd_proc_finish(&p, 10000, &status);
	pd_assert_f(status == 0, "gpu2disp exited with %d:\n%s", status, o);
	pd_assert_f(pd_out_line(o, "result:", line, sizeof(line)), "no result line:\n%s", o);
	pd_info("%s", line);
	pd_assert_f(pd_kv_double(line, "waited", &v) && v == frames, "%s", line);
	pd_assert_f(pd_kv_double(line, "early", &v) && v == 0, "%s", line);
	pd_assert_f(pd_kv_double(line, "blocked", &v) && v == 0, "%s", line);
	free(o);
	pd_proc_cleanup(&p);
	pd_screen_close(&screen);
}

static void test_fence_delayed_flip(void)
{
	run_gpu2disp(NULL, 5, 300, 2);
}

static void test_mode_800x600(void)
{
	run_gpu2disp("800x600", 3, 100, 3);
}

static void test_usage(void)
{
	char tool[PATH_MAX], *o = NULL;
	int rc;

	pd_tool_require("gpu2disp", tool, sizeof(tool));
	rc = pd_run_cmd(&o, "%s --help", tool);
	pd_assert_f(rc == 0 && strstr(o, "--fence-delay") && strstr(o, "--vgem"),
		    "--help (rc %d):\n%s", rc, o);
	free(o);
	rc = pd_run_cmd(&o, "%s --fence-delay 0 2>&1", tool);
	pd_assert_f(rc == 2 && strstr(o, "--fence-delay"), "--fence-delay 0 (rc %d):\n%s", rc, o);
	free(o);
	rc = pd_run_cmd(&o, "%s --fence-delay 6000 2>&1", tool);
	pd_assert_f(rc == 2 && strstr(o, "10 s"), "--fence-delay 6000 (rc %d):\n%s", rc, o);
	free(o);
	rc = pd_run_cmd(&o, "%s --vgem /nonexistent/card9 2>&1", tool);
	pd_assert_f(rc == 1 && strstr(o, "/nonexistent/card9"),
		    "a missing vgem node must fail and name it (rc %d):\n%s", rc, o);
	free(o);
}

static const struct pd_subtest subtests[] = {
	{ "fence-delayed-flip", test_fence_delayed_flip,
	  "5 flips committed under pending vgem fences land only after the signal; CRC" },
	{ "mode-800x600", test_mode_800x600, "the same at 800x600 with 3 buffers" },
	{ "usage", test_usage, "bad options and missing devices give clear errors" },
	{ }
};

PD_MAIN(subtests, "gpu2disp: vgem to primedisp with implicit synchronisation.");
