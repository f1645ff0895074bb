// SPDX-License-Identifier: GPL-2.0
/*
 * client_kmscube - kmscube (Debian package kmscube) renders a spinning cube
 * with OpenGL ES through GBM on primedisp and page-flips it to the screen.
 *
 * primedisp has no Mesa driver of its own: Mesa's GBM (22.3) loads
 * kms_swrast for it, llvmpipe renders into dumb buffers of the card, and
 * kmscube flips them with the legacy page-flip ioctl.  The test proves a
 * cube was scanned out, not only that kmscube exited cleanly: while it runs,
 * the CRCs sampled from the CRTC differ from one another (the cube turns)
 * and from a black or a plain grey (kmscube's background) frame, and each
 * sample taken while one buffer stayed on screen equals the CRC computed
 * from that buffer's bytes.
 *
 * kmscube quits as soon as stdin is readable ("user interrupted!"), so the
 * test keeps a pipe to it open.  The cube is drawn at 640x480: llvmpipe under
 * QEMU's TCG renders a few frames per second, and 120 frames of the
 * preferred 1024x768 would take over a minute.
 */
#include <stdio.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "pd_client.h"
#include "pdtest.h"

#define KMSCUBE		"/usr/bin/kmscube"
#define CUBE_W		640
#define CUBE_H		480
#define CUBE_FRAMES	"120"
/* Looks at the screen while the cube turns (each one costs kmscube a frame at least). */
#define SAMPLES		8
/* Generous limits: llvmpipe under TCG on a busy host renders a frame or two a second. */
#define KMSCUBE_LIMIT_S	240

static void test_cube(void)
{
	char *argv[] = { KMSCUBE, "-D", NULL, "-c", CUBE_FRAMES, "-v", "640x480", NULL };
	uint32_t crcs[SAMPLES], black, grey1, grey2;
	int ncrc = 0, distinct = 0, checked = 0, matched = 0, rc, last_frames = -1;
	struct pd_crtc_view before, v;
	struct pd_screen s;
	struct pd_proc p;
	double t0;
	char *out, *r;

	pd_client_require(KMSCUBE, "kmscube");
	pd_screen_open(&s);
	argv[2] = s.path;
	black = pd_solid_crc(CUBE_W, CUBE_H, 0x000000);
	/* glClearColor(0.5, 0.5, 0.5, 1.0): 0x7f or 0x80 per channel. */
	grey1 = pd_solid_crc(CUBE_W, CUBE_H, 0x7f7f7f);
	grey2 = pd_solid_crc(CUBE_W, CUBE_H, 0x808080);

	before = pd_screen_view(&s);
	pd_info("running: %s -D %s -c %s -v 640x480", KMSCUBE, s.path, CUBE_FRAMES);
	t0 = pd_now();
	pd_proc_start(&p, argv);
	if (!pd_screen_wait(&s, CUBE_W, CUBE_H, before.fb, 180000, &p, &v)) {
		out = pd_proc_output(&p);
		pd_client_show("kmscube", out, 30);
		pd_fail("kmscube %s before the CRTC showed %dx%d (after %.1f s)",
			pd_proc_poll(&p) ? "exited" : "did not set a mode within 180 s",
			CUBE_W, CUBE_H, pd_now() - t0);
	}
	pd_info("first frame on screen after %.1f s (fb %u)", pd_now() - t0, v.fb);

	/*
	 * Look at the screen while the cube turns.  Each look pauses kmscube
	 * (SIGSTOP), so that the picture holds still while the CRC and the
	 * buffer's bytes are read, and the next look waits until kmscube has
	 * flipped at least once after being let go: the number of looks is
	 * bounded by kmscube's frames, not by how fast this machine is.
	 */
	for (uint32_t last_fb = 0; ncrc < SAMPLES && !pd_proc_poll(&p);) {
		struct pd_sample smp;
		bool is_new = true;

		if (last_fb && !pd_screen_wait(&s, CUBE_W, CUBE_H, last_fb, 120000, &p, &v))
			break;	/* kmscube is done (or stuck: its exit is checked below) */
		pd_assert(kill(p.pid, SIGSTOP) == 0);
		pd_screen_sample(&s, &smp);
		pd_assert(kill(p.pid, SIGCONT) == 0);
		if (smp.w != CUBE_W || smp.h != CUBE_H)
			break;	/* kmscube is done: what follows is not its frame */
		last_fb = smp.fb;
		pd_info("%5.1f s: fb %u CRC 0x%08x%s%s%s%s", pd_now() - t0, smp.fb, smp.crc,
			smp.match ? " = CRC of its bytes" :
			smp.checked ? " (its bytes changed meanwhile)" : " (not checked: ",
			smp.checked ? "" : smp.why, smp.checked ? "" : ")",
			smp.crc == grey1 || smp.crc == grey2 ? ": plain grey" : "");
		pd_assert_f(smp.crc != black, "black frame while kmscube runs");
		/* Its first frame, shown by the mode set, is the background alone. */
		if (smp.crc == grey1 || smp.crc == grey2) {
			pd_assert_f(!ncrc, "plain grey frame (kmscube's background) after the cube");
			continue;
		}
		for (int i = 0; i < ncrc; i++)
			is_new &= crcs[i] != smp.crc;
		crcs[ncrc++] = smp.crc;
		distinct += is_new;
		checked += smp.checked;
		matched += smp.match;
	}

	rc = pd_proc_wait(&p, KMSCUBE_LIMIT_S * 1000);
	out = pd_proc_output(&p);
	for (r = out; (r = strstr(r, "Rendered ")); r++)
		last_frames = atoi(r + 9);
	pd_client_show("kmscube", out, 6);
	pd_info("kmscube ran %.1f s; %d samples of the cube, %d distinct, %d of %d checked equal "
		"to the CRC of the buffer's bytes", pd_now() - t0, ncrc, distinct, matched, checked);
	pd_assert_f(rc != -1, "kmscube did not finish %s frames within %d s of the last look",
		    CUBE_FRAMES, KMSCUBE_LIMIT_S);
	pd_assert_f(rc == 0, "kmscube exited with %d", rc);
	pd_assert_f(!strstr(out, "user interrupted"), "kmscube stopped early: stdin was readable");
	pd_assert_f(last_frames >= atoi(CUBE_FRAMES) - 1,
		    "kmscube reported %d frames rendered, %s asked", last_frames, CUBE_FRAMES);
	pd_assert_f(ncrc >= 3, "only %d samples of the cube on screen while kmscube ran", ncrc);
	pd_assert_f(distinct >= 3, "the cube does not turn on screen: %d distinct CRCs in %d samples",
		    distinct, ncrc);
	/*
	 * A sample can be checked against the buffer's bytes only if no flip
	 * happened around it; when kmscube flips on nearly every frame none
	 * may be, and the distinct non-black CRCs above are the evidence.
	 */
	pd_assert_f(matched == checked, "%d of %d checked samples differ from the CRC of "
		    "kmscube's buffer", checked - matched, checked);
	if (!checked)
		pd_info("no sample could be checked against the buffer's bytes: kmscube flipped "
			"around every one");
	free(out);
	pd_proc_cleanup(&p);
	pd_screen_close(&s);
}

static const struct pd_subtest subtests[] = {
	{ "cube-120-frames", test_cube,
	  "kmscube -c 120 at 640x480: a turning cube on screen (CRCs), clean exit" },
	{ }
};

int main(int argc, char **argv)
{
	/* Mesa's start and llvmpipe under TCG on a busy host: far more than 60 s. */
	setenv("PDTEST_TIMEOUT", "600", 0);
	return pd_main(argc, argv, subtests,
		       "kmscube (GBM, kms_swrast/llvmpipe) scans a turning cube out on primedisp.");
}
