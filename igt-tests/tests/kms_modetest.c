// SPDX-License-Identifier: GPL-2.0
/*
 * kms_modetest - KMS as libdrm's modetest (Debian package libdrm-tests) sees it:
 * connectors are listed, and a mode set by modetest (legacy and atomic) shows
 * up in the CRTC state another client reads.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <xf86drm.h>
#include <xf86drmMode.h>

#include "pd_atomic.h"
#include "pdtest.h"

#define MODETEST	"/usr/bin/modetest"

static void require_modetest(void)
{
	pd_require(access(MODETEST, X_OK) == 0,
		   "%s not found (apt-get install libdrm-tests)", MODETEST);
}

static bool has_mode(const drmModeConnector *c, int w, int h, bool preferred)
{
	for (int i = 0; i < c->count_modes; i++)
		if (c->modes[i].hdisplay == w && c->modes[i].vdisplay == h &&
		    (!preferred || (c->modes[i].type & DRM_MODE_TYPE_PREFERRED)))
			return true;
	return false;
}

static const char *mode_list(const drmModeConnector *c)
{
	static char buf[1024];
	size_t n = 0;

	buf[0] = '\0';
	for (int i = 0; i < c->count_modes && n < sizeof(buf) - 32; i++)
		n += snprintf(buf + n, sizeof(buf) - n, "%s%s%s", i ? " " : "",
			      c->modes[i].name,
			      c->modes[i].type & DRM_MODE_TYPE_PREFERRED ? "(pref)" : "");
	return buf;
}

/* Print a program's output indented, for the log. */
static void show_output(const char *what, const char *out)
{
	const char *line = out;

	pd_info("---- %s ----", what);
	while (line && *line) {
		const char *nl = strchr(line, '\n');
		int len = nl ? (int)(nl - line) : (int)strlen(line);

		pd_info("  %.*s", len, line);
		line = nl ? nl + 1 : NULL;
	}
	pd_info("---- end of %s ----", what);
}

/*
 * From modetest -c output: is connector @id listed as "connected" with a mode
 * named @mode?  Connector rows start in column 0 with the id; their modes
 * follow as "  #N NAME ..." lines.
 */
static void parse_modetest_connectors(const char *out, uint32_t id, const char *mode,
				      bool *connected, bool *has)
{
	char *copy = strdup(out), *save = NULL, *line;
	bool in_conn = false;

	*connected = *has = false;
	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *tok, *tsave = NULL;
		int field = 0;

		if (line[0] >= '0' && line[0] <= '9') {
			in_conn = strtoul(line, NULL, 10) == id;
			if (!in_conn)
				continue;
			for (tok = strtok_r(line, " \t", &tsave); tok;
			     tok = strtok_r(NULL, " \t", &tsave), field++)
				if (field == 2 && !strcmp(tok, "connected"))
					*connected = true;
		} else if (in_conn) {
			while (*line == ' ' || *line == '\t')
				line++;
			if (line[0] != '#')
				continue;
			tok = strtok_r(line, " \t", &tsave);	/* #N */
			tok = strtok_r(NULL, " \t", &tsave);	/* mode name */
			if (tok && !strcmp(tok, mode))
				*has = true;
		}
	}
	free(copy);
}

static void test_list_connector(void)
{
	char *argv[] = { MODETEST, "-M", (char *)pd_driver_name(), "-c", NULL };
	drmModeConnector *conn = NULL;
	drmModeRes *res;
	bool connected, has;
	char *out = NULL;
	int fd, rc;

	require_modetest();
	fd = pd_open_card(NULL);

	/* What libdrm reports directly. */
	res = drmModeGetResources(fd);
	pd_assert_f(res, "drmModeGetResources failed");
	pd_info("%d CRTCs, %d connectors, %d encoders", res->count_crtcs,
		res->count_connectors, res->count_encoders);
	pd_assert_f(res->count_crtcs >= 1, "no CRTC");
	pd_assert_f(res->count_connectors >= 1, "no connector");
	for (int i = 0; i < res->count_connectors && !conn; i++) {
		drmModeConnector *c = drmModeGetConnector(fd, res->connectors[i]);

		pd_assert_f(c, "drmModeGetConnector(%u) failed", res->connectors[i]);
		pd_info("connector %u: %s, modes: %s", c->connector_id,
			c->connection == DRM_MODE_CONNECTED ? "connected" : "not connected",
			mode_list(c));
		if (c->connection == DRM_MODE_CONNECTED && has_mode(c, 1024, 768, true))
			conn = c;
		else
			drmModeFreeConnector(c);
	}
	pd_assert_f(conn, "no connected connector with a preferred 1024x768 mode");

	/* What modetest prints. */
	rc = pd_run_argv(argv, &out);
	if (rc != 0 || !out)
		show_output("modetest -c", out ? out : "");
	pd_assert_f(rc == 0, "modetest -M %s -c exited with %d", pd_driver_name(), rc);
	parse_modetest_connectors(out, conn->connector_id, "1024x768", &connected, &has);
	if (!connected || !has)
		show_output("modetest -c", out);
	pd_assert_f(connected, "modetest -c does not list connector %u as connected",
		    conn->connector_id);
	pd_assert_f(has, "modetest -c does not list mode 1024x768 for connector %u",
		    conn->connector_id);

	free(out);
	drmModeFreeConnector(conn);
	drmModeFreeResources(res);
	close(fd);
}

struct pipe_sel {
	uint32_t conn, crtc, plane;
	int crtc_idx;
};

/*
 * A connected connector offering @w x @h, a CRTC for it and (if @need_plane)
 * the CRTC's primary plane.
 */
static struct pipe_sel select_pipe(int fd, int w, int h, bool need_plane)
{
	struct pipe_sel sel = { .crtc_idx = -1 };
	drmModePlaneRes *planes;
	drmModeRes *res;

	res = drmModeGetResources(fd);
	pd_assert_f(res, "drmModeGetResources failed");
	for (int i = 0; i < res->count_connectors && sel.crtc_idx < 0; i++) {
		drmModeConnector *c = drmModeGetConnector(fd, res->connectors[i]);
		uint32_t possible = 0;

		pd_assert_f(c, "drmModeGetConnector(%u) failed", res->connectors[i]);
		if (c->connection != DRM_MODE_CONNECTED) {
			drmModeFreeConnector(c);
			continue;
		}
		pd_assert_f(has_mode(c, w, h, false),
			    "connected connector %u offers no %dx%d mode (modes: %s)",
			    c->connector_id, w, h, mode_list(c));
		for (int e = 0; e < c->count_encoders; e++) {
			drmModeEncoder *enc = drmModeGetEncoder(fd, c->encoders[e]);

			if (enc)
				possible |= enc->possible_crtcs;
			drmModeFreeEncoder(enc);
		}
		for (int k = 0; k < res->count_crtcs; k++) {
			if (possible & (1u << k)) {
				sel.conn = c->connector_id;
				sel.crtc = res->crtcs[k];
				sel.crtc_idx = k;
				break;
			}
		}
		drmModeFreeConnector(c);
	}
	drmModeFreeResources(res);
	pd_assert_f(sel.crtc_idx >= 0, "no connected connector with a usable CRTC");
	if (!need_plane) {
		pd_info("using connector %u, CRTC %u (index %d)", sel.conn, sel.crtc,
			sel.crtc_idx);
		return sel;
	}

	pd_assert(drmSetClientCap(fd, DRM_CLIENT_CAP_UNIVERSAL_PLANES, 1) == 0);
	planes = drmModeGetPlaneResources(fd);
	pd_assert_f(planes, "drmModeGetPlaneResources failed");
	for (uint32_t i = 0; i < planes->count_planes && !sel.plane; i++) {
		drmModePlane *p = drmModeGetPlane(fd, planes->planes[i]);

		if (p && (p->possible_crtcs & (1u << sel.crtc_idx)) &&
		    pd_plane_is_primary(fd, p->plane_id))
			sel.plane = p->plane_id;
		drmModeFreePlane(p);
	}
	drmModeFreePlaneResources(planes);
	pd_assert_f(sel.plane, "no primary plane for CRTC %u", sel.crtc);
	pd_info("using connector %u, CRTC %u (index %d), primary plane %u",
		sel.conn, sel.crtc, sel.crtc_idx, sel.plane);
	return sel;
}

static void describe_crtc(int fd, uint32_t crtc_id, char *buf, size_t len)
{
	drmModeCrtc *crtc = drmModeGetCrtc(fd, crtc_id);

	if (!crtc) {
		snprintf(buf, len, "drmModeGetCrtc(%u) failed: %s", crtc_id, strerror(errno));
		return;
	}
	snprintf(buf, len, "CRTC %u: mode %s%ux%u, fb %u", crtc_id,
		 crtc->mode_valid ? "" : "(invalid) ", crtc->mode.hdisplay,
		 crtc->mode.vdisplay, crtc->buffer_id);
	drmModeFreeCrtc(crtc);
}

static uint32_t crtc_fb(int fd, uint32_t crtc_id)
{
	drmModeCrtc *crtc = drmModeGetCrtc(fd, crtc_id);
	uint32_t fb = crtc ? crtc->buffer_id : 0;

	drmModeFreeCrtc(crtc);
	return fb;
}

/* Does the CRTC show a @w x @h mode with a framebuffer other than @old_fb? */
static bool crtc_shows(int fd, uint32_t crtc_id, int w, int h, uint32_t old_fb)
{
	drmModeCrtc *crtc = drmModeGetCrtc(fd, crtc_id);
	bool ok;

	if (!crtc)
		return false;
	ok = crtc->mode_valid && crtc->mode.hdisplay == w && crtc->mode.vdisplay == h &&
	     crtc->buffer_id != 0 && crtc->buffer_id != old_fb;
	drmModeFreeCrtc(crtc);
	return ok;
}

static void set_mode_with_modetest(bool atomic)
{
	const int w = 800, h = 600;
	char sarg[64], parg[64], state[160];
	char *argv[10];
	struct pd_proc proc;
	struct pipe_sel sel;
	uint32_t old_fb;
	bool shown = false;
	double t0, end;
	char *out;
	int fd, argc = 0, rc;

	require_modetest();
	fd = pd_open_card(NULL);
	sel = select_pipe(fd, w, h, atomic);

	/* modetest must be able to become DRM master: do not hold it ourselves. */
	if (drmIsMaster(fd))
		pd_assert_f(drmDropMaster(fd) == 0, "cannot drop DRM master");

	snprintf(sarg, sizeof(sarg), "%u@%u:%dx%d", sel.conn, sel.crtc, w, h);
	snprintf(parg, sizeof(parg), "%u@%u:%dx%d", sel.plane, sel.crtc, w, h);
	argv[argc++] = MODETEST;
	argv[argc++] = "-M";
	argv[argc++] = (char *)pd_driver_name();
	if (atomic)
		argv[argc++] = "-a";
	argv[argc++] = "-s";
	argv[argc++] = sarg;
	if (atomic) {
		/* libdrm 2.4.114's atomic path needs both -s and -P. */
		argv[argc++] = "-P";
		argv[argc++] = parg;
	}
	argv[argc] = NULL;
	pd_info("running: %s -M %s%s -s %s%s%s", MODETEST, pd_driver_name(),
		atomic ? " -a" : "", sarg, atomic ? " -P " : "", atomic ? parg : "");

	describe_crtc(fd, sel.crtc, state, sizeof(state));
	pd_info("before: %s", state);
	old_fb = crtc_fb(fd, sel.crtc);

	/* modetest keeps the mode until it reads a key from stdin. */
	pd_proc_start(&proc, argv);
	t0 = pd_now();
	end = t0 + 20.0;
	while (pd_now() < end) {
		if (crtc_shows(fd, sel.crtc, w, h, old_fb)) {
			shown = true;
			break;
		}
		if (pd_proc_poll(&proc))
			break;
		pd_msleep(50);
	}
	describe_crtc(fd, sel.crtc, state, sizeof(state));
	pd_info("%s after %.2f s: %s", shown ? "mode visible" : "gave up", pd_now() - t0,
		state);

	if (!shown) {
		bool exited = pd_proc_poll(&proc);

		out = pd_proc_output(&proc);
		show_output("modetest", out);
		pd_assert_f(!exited, "modetest exited with %d before the CRTC showed %dx%d (%s)",
			    proc.status, w, h, state);
		pd_fail("CRTC %u did not show mode %dx%d with a new framebuffer within 20 s (%s)",
			sel.crtc, w, h, state);
	}

	pd_proc_close_stdin(&proc);
	rc = pd_proc_wait(&proc, 10000);
	out = pd_proc_output(&proc);
	show_output("modetest", out);
	pd_assert_f(rc != -1, "modetest did not exit within 10 s of its stdin closing");
	pd_assert_f(rc == 0, "modetest exited with %d", rc);
	free(out);
	pd_proc_cleanup(&proc);
	close(fd);
}

static void test_set_mode(void)
{
	set_mode_with_modetest(false);
}

static void test_set_mode_atomic(void)
{
	set_mode_with_modetest(true);
}

static const struct pd_subtest subtests[] = {
	{ "list-connector", test_list_connector,
	  "modetest -c and libdrm list a connected connector with 1024x768" },
	{ "set-mode", test_set_mode, "modetest -s sets 800x600 (legacy)" },
	{ "set-mode-atomic", test_set_mode_atomic, "modetest -a -s -P sets 800x600" },
	{ }
};

PD_MAIN(subtests, "KMS through libdrm's modetest.")
