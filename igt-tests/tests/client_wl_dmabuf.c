// SPDX-License-Identifier: GPL-2.0
/*
 * client_wl_dmabuf - userspace/build/pd-wl-dmabuf, a Wayland client with
 * buffers from primedisp's render node shared over linux-dmabuf (LINEAR),
 * is scanned out directly by Weston's DRM backend running on primedisp.
 *
 * Weston 10 runs as root on tty2 (Debian's build has no libseat, so its
 * direct launcher is used) with fullscreen-shell, or desktop-shell for the
 * xdg-shell client, a fresh 0700 XDG_RUNTIME_DIR and its "drm-backend"
 * debug scope in the log.  Weston's GL renderer runs on
 * Mesa's kms_swrast (llvmpipe) there, which is what gives it linux-dmabuf.
 * Checked:
 *  - the CRTC's CRC equals the CRC of the client's last frame, computed
 *    here from the pattern pd-wl-dmabuf's --help defines;
 *  - Weston's log: repaints used "plane-only state composition" and the
 *    client's view was put on the primary plane every time, never on the
 *    renderer (if not, the reasons Weston logged are the failure message);
 *  - the client's wp_presentation feedback: every frame presented, with
 *    the ZERO_COPY kind.
 */
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <drm_fourcc.h>
#include <xf86drm.h>

#include "pd_client.h"
#include "pd_crc.h"
#include "pd_toolrun.h"
#include "pdtest.h"

#define WESTON		"/usr/bin/weston"
#define SOCKET		"pd-wl-test"
#define FRAMES		10
#define WESTON_START_MS	40000
#define CLIENT_MS	30000

struct weston {
	struct pd_proc proc;
	char dir[64], log[96];
};

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "re");
	size_t len = 0, cap = 1 << 16;
	char *buf = malloc(cap);
	size_t n;

	pd_assert(buf);
	if (!f) {
		snprintf(buf, cap, "(cannot read %s: %s)", path, strerror(errno));
		return buf;
	}
	while ((n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
		len += n;
		if (cap - len < 4096) {
			buf = realloc(buf, cap *= 2);
			pd_assert(buf);
		}
	}
	buf[len] = '\0';
	fclose(f);
	return buf;
}

/* The last @n lines of @s (for messages). */
static const char *tail(const char *s, int n)
{
	const char *p = s + strlen(s);

	while (p > s && n >= 0)
		if (*--p == '\n')
			n--;
	return p == s ? s : p + 1;
}

/* Start Weston with @shell on primedisp (@s's card) and wait for its socket. */
static void weston_start(struct weston *w, struct pd_screen *s, const char *shell)
{
	char socket[128], drm_dev[48], shell_opt[64], log_opt[128], ini[96];
	char config_opt[128];
	FILE *f;
	double end = pd_now() + WESTON_START_MS / 1000.0;
	struct stat st;

	snprintf(w->dir, sizeof(w->dir), "/tmp/pd-wl-XXXXXX");
	pd_assert(mkdtemp(w->dir));
	pd_assert(chmod(w->dir, 0700) == 0);
	snprintf(w->log, sizeof(w->log), "%s/weston.log", w->dir);
	snprintf(ini, sizeof(ini), "%s/weston.ini", w->dir);
	f = fopen(ini, "we");
	pd_assert_f(f, "cannot write %s", ini);
	/* desktop-shell: nothing that needs the renderer besides the client. */
	fputs("[shell]\npanel-position=none\nlocking=false\nanimation=none\n"
	      "close-animation=none\nstartup-animation=none\nfocus-animation=none\n"
	      "background-color=0xff203040\n", f);
	fclose(f);
	snprintf(config_opt, sizeof(config_opt), "--config=%s", ini);
	setenv("XDG_RUNTIME_DIR", w->dir, 1);
	unsetenv("WAYLAND_DISPLAY");
	unsetenv("DISPLAY");
	snprintf(drm_dev, sizeof(drm_dev), "--drm-device=%s", s->card);
	snprintf(shell_opt, sizeof(shell_opt), "--shell=%s", shell);
	snprintf(log_opt, sizeof(log_opt), "--log=%s", w->log);
	{
		char *const argv[] = {
			WESTON, config_opt, "--backend=drm-backend.so", "--tty=2", "--continue-without-input",
			shell_opt, drm_dev, "--socket=" SOCKET, "--idle-time=0",
			"--logger-scopes=log,drm-backend", log_opt, NULL,
		};

		pd_info("starting weston --backend=drm-backend.so --tty=2 %s %s on %s",
			shell_opt, "--continue-without-input", s->card);
		pd_proc_start(&w->proc, argv);
	}
	snprintf(socket, sizeof(socket), "%s/" SOCKET, w->dir);
	while (stat(socket, &st) || !S_ISSOCK(st.st_mode)) {
		if (pd_proc_poll(&w->proc)) {
			char *out = pd_proc_output(&w->proc), *log = read_file(w->log);

			pd_fail("weston exited with %d before creating its socket; output:\n%s\n"
				"log (end):\n%s", w->proc.status, out, tail(log, 40));
		}
		if (pd_now() > end) {
			char *log = read_file(w->log);

			pd_fail("weston made no socket within %d s; log (end):\n%s",
				WESTON_START_MS / 1000, tail(log, 40));
		}
		pd_msleep(100);
	}
	setenv("WAYLAND_DISPLAY", SOCKET, 1);
	pd_info("weston is up (socket %s)", socket);
}

/* Stop Weston and return its log (malloc'd). */
static char *weston_stop(struct weston *w)
{
	char *log;

	if (pd_client_stop(&w->proc, SIGTERM, 15000) == -1)
		pd_info("weston did not end on SIGTERM within 15 s: killed");
	log = read_file(w->log);
	pd_proc_cleanup(&w->proc);
	return log;
}

/* Frame @f of pd-wl-dmabuf's pattern, XRGB8888: R = x + 8f, G = y + 4f, B = 37f. */
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

/* Lines of @log containing any of Weston's reasons not to use a plane. */
static char *plane_refusals(const char *log)
{
	static const char *const keys[] = {
		"not assigning view", "failing state generation", "could not build",
		"not placing view", "cannot propose", "import test failed", "failed",
	};
	size_t cap = 8192, len = 0;
	char *buf = calloc(1, cap);
	const char *line = log;
	int n = 0;

	while (line && *line && n < 40) {
		size_t l = strcspn(line, "\n");

		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
			if (memmem(line, l, keys[i], strlen(keys[i])) && len + l + 2 < cap) {
				memcpy(buf + len, line, l);
				len += l;
				buf[len++] = '\n';
				n++;
				break;
			}
		}
		line = line[l] ? line + l + 1 : NULL;
	}
	return buf;
}

/*
 * From Weston's drm-backend scope: the client's view (the one whose buffer
 * format is logged) must have gone to a plane in every repaint, and those
 * repaints must have been plane-only.
 */
static void check_weston_log(const char *log)
{
	unsigned int plane_only = 0, on_plane = 0, composited = 0;
	char view[32] = "", needle[64];
	const char *p;

	/* "[view] view 0x... format: XRGB8888" is logged for buffers with a format. */
	p = strstr(log, " format: XRGB8888");
	if (p) {
		const char *v = p;

		while (v > log && strncmp(v, "view 0x", 7))
			v--;
		sscanf(v, "view %31s", view);
	}
	pd_assert_f(view[0], "Weston's log never shows the client's XRGB8888 dma-buf view "
		    "being evaluated for a plane; its plane decisions:\n%s",
		    plane_refusals(log));

	for (p = log; (p = strstr(p, "Using plane-only state composition")); p++)
		plane_only++;
	snprintf(needle, sizeof(needle), "[repaint] view %s on ", view);
	for (p = log; (p = strstr(p, needle)); p++)
		on_plane++;
	snprintf(needle, sizeof(needle), "[repaint] view %s using renderer", view);
	for (p = log; (p = strstr(p, needle)); p++)
		composited++;
	pd_info("weston log: client view %s on a plane in %u repaints, composited in %u; "
		"%u plane-only repaints", view, on_plane, composited, plane_only);
	pd_assert_f(on_plane > 0 && plane_only > 0 && composited == 0,
		    "Weston did not scan the client's buffer out directly (view %s: on a plane "
		    "%u times, composited %u times, %u plane-only repaints); its reasons:\n%s",
		    view, on_plane, composited, plane_only, plane_refusals(log));
	pd_assert_f(strstr(log, "on Primary plane"),
		    "the client's view never went to the primary plane");
}

static void run_client(const char *shell_module, const char *shell_opt)
{
	char tool[PATH_MAX], line[512];
	struct pd_screen screen;
	struct weston w;
	struct pd_proc c;
	unsigned int cw, ch;
	uint32_t want, got;
	double v;
	char *o, *log;
	int status;

	pd_tool_require("pd-wl-dmabuf", tool, sizeof(tool));
	pd_client_require(WESTON, "weston");
	pd_screen_open(&screen);	/* a watcher: Weston must become master */
	weston_start(&w, &screen, shell_module);
	{
		char *const argv[] = {
			tool, "--frames", "10", "--shell", (char *)shell_opt, "--hold", NULL,
		};

		pd_proc_start(&c, argv);
	}
	if (!pd_client_wait_output(&c, "holding the last frame", CLIENT_MS)) {
		char *wl = weston_stop(&w);

		o = pd_proc_output(&c);
		pd_fail("pd-wl-dmabuf %s; its output:\n%s\nweston's log (end):\n%s",
			pd_proc_poll(&c) ? "exited before holding its last frame" :
			"did not get to hold its last frame in time", o, tail(wl, 40));
	}
	o = pd_proc_output(&c);
	pd_assert_f(pd_out_line(o, "surface: ", line, sizeof(line)) &&
		    sscanf(line, "surface: %ux%u", &cw, &ch) == 2, "no surface line:\n%s", o);

	/* What primedisp shows while the client holds its last frame. */
	pd_assert_f(!drmIsMaster(screen.fd), "the test, not Weston, is DRM master");
	pd_assert_f(screen.pref.hdisplay == cw && screen.pref.vdisplay == ch,
		    "the client's %ux%u surface does not match the %ux%u mode", cw, ch,
		    screen.pref.hdisplay, screen.pref.vdisplay);
	want = pattern_crc(cw, ch, FRAMES - 1);
	got = pd_screen_crc(&screen);
	if (got != want) {
		char *wl = weston_stop(&w);

		pd_fail("the CRTC's CRC is 0x%08x, frame %d of the pattern gives 0x%08x; client:"
			"\n%s\nweston's plane decisions:\n%s", got, FRAMES - 1, want, o,
			plane_refusals(wl));
	}
	pd_info("CRTC CRC 0x%08x = frame %d of the client's pattern", got, FRAMES - 1);
	free(o);

	o = pd_proc_finish(&c, 10000, &status);
	pd_proc_cleanup(&c);
	log = weston_stop(&w);
	pd_assert_f(status == 0, "pd-wl-dmabuf exited with %d:\n%s\nweston log (end):\n%s",
		    status, o, tail(log, 30));
	pd_assert_f(pd_out_line(o, "result:", line, sizeof(line)), "no result line:\n%s", o);
	pd_info("%s", line);
	check_weston_log(log);
	pd_assert_f(pd_kv_double(line, "presented", &v) && v == FRAMES,
		    "not every frame was presented: %s", line);
	pd_assert_f(pd_kv_double(line, "zero_copy", &v) && v == FRAMES,
		    "wp_presentation did not report every frame as zero-copy: %s\n%s", line, o);
	free(o);
	free(log);
	pd_screen_close(&screen);
}

static void test_fullscreen_shell(void)
{
	run_client("fullscreen-shell.so", "fullscreen");
}

static void test_xdg_shell(void)
{
	/*
	 * desktop-shell, its panel off: the client asks for fullscreen.
	 * (Weston 10's kiosk-shell would fit better, but it puts a window in
	 * a layer only when it activates it for a seat, and without input
	 * devices Weston has no seat: the window is never shown.)
	 */
	run_client("desktop-shell.so", "xdg");
}

static void test_no_compositor(void)
{
	char tool[PATH_MAX], dir[] = "/tmp/pd-wl-none-XXXXXX", *o = NULL;
	int rc;

	pd_tool_require("pd-wl-dmabuf", tool, sizeof(tool));
	pd_assert(mkdtemp(dir));
	rc = pd_run_cmd(&o, "XDG_RUNTIME_DIR=%s WAYLAND_DISPLAY=nothing-here %s 2>&1", dir, tool);
	pd_assert_f(rc == 1 && strstr(o, "cannot connect to a Wayland compositor") &&
		    strstr(o, "nothing-here"),
		    "without a compositor it must fail and say so (rc %d):\n%s", rc, o);
	free(o);
	rc = pd_run_cmd(&o, "%s --format NV12 2>&1", tool);
	pd_assert_f(rc == 2 && strstr(o, "--format"), "--format NV12 (rc %d):\n%s", rc, o);
	free(o);
	rc = pd_run_cmd(&o, "%s --help", tool);
	pd_assert_f(rc == 0 && strstr(o, "--frames") && strstr(o, "--size"),
		    "--help (rc %d):\n%s", rc, o);
	free(o);
	rmdir(dir);
}

static const struct pd_subtest subtests[] = {
	{ "fullscreen-shell", test_fullscreen_shell,
	  "Weston + fullscreen-shell scans the client's dma-buf out: plane-only, CRC" },
	{ "xdg-shell", test_xdg_shell,
	  "Weston + desktop-shell, xdg-shell fullscreen, scans it out: plane-only, CRC" },
	{ "no-compositor", test_no_compositor, "clear errors without a compositor, bad options" },
	{ }
};

PD_MAIN(subtests, "pd-wl-dmabuf: a linux-dmabuf Wayland client on primedisp buffers, "
	"scanned out by Weston.");
