// SPDX-License-Identifier: GPL-2.0
/*
 * client_modetest - libdrm's modetest (Debian package libdrm-tests, 2.4.114)
 * drives primedisp, and what it draws reaches the screen.
 *
 *  list-objects:	modetest -M primedisp (with and without -a) lists
 *			every connector, encoder, CRTC and plane libdrm sees,
 *			each with all its properties (id and name);
 *  set-mode-legacy:	modetest -s sets 800x600 and the CRC of the frame
 *			on screen equals the CRC computed from the bytes of
 *			modetest's own framebuffer (its test pattern);
 *  set-mode-atomic:	the same through the atomic API (libdrm 2.4.114's
 *			modetest needs both -s and -P with -a);
 *  atomic-formats:	-P ...@FMT for every format of the primary plane
 *			that modetest can draw (RGB and YCbCr): each
 *			pattern's CRC equals the one computed from its bytes
 *			with the composer's arithmetic (lib/pd_ref.c) and
 *			the plane's properties (COLOR_ENCODING, ...);
 *  page-flip-vsync:	modetest -v page-flips at the mode's refresh rate
 *			(its "freq:" lines), vblanks keep the mode's period,
 *			and both of its buffers reach the screen.
 *
 * modetest keeps its mode until it reads a line from stdin; the test holds
 * the pipe and closes it to end it.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <drm_fourcc.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include "pd_client.h"
#include "pd_crc.h"
#include "pd_ref.h"
#include "pdtest.h"

#define MODETEST	"/usr/bin/modetest"

/* A size every primedisp connector offers, other than the preferred one. */
#define SET_W		800
#define SET_H		600

/* ---- list-objects ------------------------------------------------------------- */

/*
 * modetest's dump: sections "Encoders:", "Connectors:", "CRTCs:",
 * "Planes:", "Frame buffers:"; an object row starts in column 0 with its id;
 * its properties follow as "\t<prop id> <name>:" lines.
 */
enum section { SEC_NONE, SEC_ENCODERS, SEC_CONNECTORS, SEC_CRTCS, SEC_PLANES, SEC_FBS };

static const char *const section_names[] = {
	[SEC_NONE] = "", [SEC_ENCODERS] = "Encoders:", [SEC_CONNECTORS] = "Connectors:",
	[SEC_CRTCS] = "CRTCs:", [SEC_PLANES] = "Planes:", [SEC_FBS] = "Frame buffers:",
};

struct listed {
	enum section sec;
	uint32_t obj, prop;	/* prop 0: the object's own row */
	char name[64];
};

struct listing {
	struct listed *items;
	int n;
};

static void listing_add(struct listing *l, enum section sec, uint32_t obj, uint32_t prop,
			const char *name, size_t len)
{
	struct listed *it;

	l->items = realloc(l->items, (l->n + 1) * sizeof(*l->items));
	pd_assert(l->items);
	it = &l->items[l->n++];
	it->sec = sec;
	it->obj = obj;
	it->prop = prop;
	snprintf(it->name, sizeof(it->name), "%.*s", (int)len, name);
}

static void parse_dump(const char *out, struct listing *l)
{
	enum section sec = SEC_NONE;
	uint32_t obj = 0;
	bool in_obj = false;

	memset(l, 0, sizeof(*l));
	while (out && *out) {
		const char *nl = strchr(out, '\n');
		size_t len = nl ? (size_t)(nl - out) : strlen(out);
		char line[512];

		snprintf(line, sizeof(line), "%.*s", (int)len, out);
		out = nl ? nl + 1 : NULL;

		for (int s = SEC_ENCODERS; s <= SEC_FBS; s++) {
			if (!strcmp(line, section_names[s])) {
				sec = s;
				in_obj = false;
			}
		}
		if (line[0] >= '0' && line[0] <= '9') {
			obj = strtoul(line, NULL, 10);
			in_obj = true;
			listing_add(l, sec, obj, 0, "", 0);
		} else if (in_obj && line[0] == '\t' && line[1] >= '0' && line[1] <= '9') {
			char *end;
			uint32_t prop = strtoul(line + 1, &end, 10);
			char *colon = strrchr(end, ':');

			if (*end == ' ' && colon && colon[1] == '\0')
				listing_add(l, sec, obj, prop, end + 1, colon - end - 1);
		}
	}
}

static bool listing_has(const struct listing *l, enum section sec, uint32_t obj,
			uint32_t prop, const char *name)
{
	for (int i = 0; i < l->n; i++)
		if (l->items[i].sec == sec && l->items[i].obj == obj &&
		    l->items[i].prop == prop && (!prop || !strcmp(l->items[i].name, name)))
			return true;
	return false;
}

/*
 * Check that @l lists object @obj in @sec with every property libdrm
 * reports for it on @fd; appends what is missing to @miss.  Returns the
 * number of properties checked.  @type 0: an object without properties.
 */
static int check_object(int fd, const struct listing *l, enum section sec, uint32_t obj,
			uint32_t type, char *miss, size_t miss_len)
{
	drmModeObjectProperties *props;
	int checked = 0;
	size_t n;

	if (!listing_has(l, sec, obj, 0, NULL)) {
		n = strlen(miss);
		snprintf(miss + n, miss_len - n, " %s %u;", section_names[sec], obj);
	}
	if (!type)
		return 0;	/* encoders have no properties */
	props = drmModeObjectGetProperties(fd, obj, type);
	pd_assert_f(props, "drmModeObjectGetProperties(%u) failed", obj);
	for (uint32_t i = 0; i < props->count_props; i++) {
		drmModePropertyRes *p = drmModeGetProperty(fd, props->props[i]);

		pd_assert_f(p, "drmModeGetProperty(%u) failed", props->props[i]);
		if (!listing_has(l, sec, obj, p->prop_id, p->name)) {
			n = strlen(miss);
			snprintf(miss + n, miss_len - n, " %s %u property %u \"%s\";",
				 section_names[sec], obj, p->prop_id, p->name);
		}
		checked++;
		drmModeFreeProperty(p);
	}
	drmModeFreeObjectProperties(props);
	return checked;
}

static void list_and_compare(int fd, bool atomic)
{
	char *argv[] = { MODETEST, "-M", (char *)pd_driver_name(), atomic ? "-a" : NULL, NULL };
	char miss[4096] = "";
	struct listing l;
	drmModePlaneRes *pres;
	drmModeRes *res;
	int objs = 0, props = 0, rc;
	char *out = NULL;

	rc = pd_run_argv(argv, &out);
	if (rc)
		pd_client_show("modetest", out, 40);
	pd_assert_f(rc == 0, "modetest -M %s%s exited with %d", pd_driver_name(),
		    atomic ? " -a" : "", rc);
	parse_dump(out, &l);

	res = drmModeGetResources(fd);
	pres = drmModeGetPlaneResources(fd);
	pd_assert(res && pres);
	for (int i = 0; i < res->count_encoders; i++, objs++)
		check_object(fd, &l, SEC_ENCODERS, res->encoders[i], 0, miss, sizeof(miss));
	for (int i = 0; i < res->count_connectors; i++, objs++)
		props += check_object(fd, &l, SEC_CONNECTORS, res->connectors[i],
				      DRM_MODE_OBJECT_CONNECTOR, miss, sizeof(miss));
	for (int i = 0; i < res->count_crtcs; i++, objs++)
		props += check_object(fd, &l, SEC_CRTCS, res->crtcs[i], DRM_MODE_OBJECT_CRTC,
				      miss, sizeof(miss));
	for (uint32_t i = 0; i < pres->count_planes; i++, objs++)
		props += check_object(fd, &l, SEC_PLANES, pres->planes[i], DRM_MODE_OBJECT_PLANE,
				      miss, sizeof(miss));
	pd_info("modetest%s: %d objects and %d properties from libdrm, %d rows and properties parsed",
		atomic ? " -a" : "", objs, props, l.n);
	if (miss[0])
		pd_client_show("modetest", out, 0);
	pd_assert_f(!miss[0], "modetest%s does not list:%s", atomic ? " -a" : "", miss);
	pd_assert_f(res->count_crtcs && res->count_connectors && pres->count_planes,
		    "no CRTC, connector or plane to list");
	drmModeFreePlaneResources(pres);
	drmModeFreeResources(res);
	free(l.items);
	free(out);
}

static void test_list_objects(void)
{
	int fd;

	pd_client_require(MODETEST, "libdrm-tests");
	/* Our own view as modetest's: universal planes, atomic only with -a. */
	fd = pd_open_card(NULL);
	if (drmIsMaster(fd))
		pd_assert_f(drmDropMaster(fd) == 0, "cannot drop DRM master");
	pd_assert(drmSetClientCap(fd, DRM_CLIENT_CAP_UNIVERSAL_PLANES, 1) == 0);
	list_and_compare(fd, false);
	/* Atomic clients see the atomic properties too (ACTIVE, MODE_ID, ...). */
	pd_assert(drmSetClientCap(fd, DRM_CLIENT_CAP_ATOMIC, 1) == 0);
	list_and_compare(fd, true);
	close(fd);
}

/* ---- mode sets ------------------------------------------------------------------ */

/* Start modetest with @args (after -M DRIVER), NULL-terminated. */
static void start_modetest(struct pd_proc *p, const char *const *args)
{
	char *argv[16], line[256];
	size_t n = 0;
	int argc = 0;

	argv[argc++] = MODETEST;
	argv[argc++] = "-M";
	argv[argc++] = (char *)pd_driver_name();
	for (; *args && argc < 15; args++)
		argv[argc++] = (char *)*args;
	argv[argc] = NULL;
	line[0] = '\0';
	for (int i = 0; i < argc; i++)
		n += snprintf(line + n, sizeof(line) - n, "%s%s", i ? " " : "", argv[i]);
	pd_info("running: %s", line);
	pd_proc_start(p, argv);
}

/* Close modetest's stdin and expect a clean exit. */
static void end_modetest(struct pd_proc *p)
{
	char *out;
	int rc;

	pd_proc_close_stdin(p);
	rc = pd_proc_wait(p, 10000);
	out = pd_proc_output(p);
	if (rc)
		pd_client_show("modetest", out, 30);
	pd_assert_f(rc != -1, "modetest did not exit within 10 s of its stdin closing");
	pd_assert_f(rc == 0, "modetest exited with %d", rc);
	free(out);
	pd_proc_cleanup(p);
}

/*
 * modetest is showing a @w x @h pattern: the frame on screen is its
 * framebuffer (CRC equals the CRC of its bytes), a multi-coloured pattern,
 * and stays so.
 */
static void expect_pattern(struct pd_screen *s, struct pd_proc *p, uint32_t w, uint32_t h,
			   uint32_t old_fb, const char *what)
{
	struct pd_crtc_view v;
	struct pd_sample a, b;
	uint32_t black = pd_solid_crc(w, h, 0);
	int tries = 0;

	if (!pd_screen_wait(s, w, h, old_fb, 20000, p, &v)) {
		char *out = pd_proc_output(p);

		pd_client_show("modetest", out, 30);
		pd_assert_f(!pd_proc_poll(p), "%s: modetest exited with %d before the CRTC showed %ux%u",
			    what, p->status, w, h);
		pd_fail("%s: CRTC %u did not show %ux%u with a new framebuffer within 20 s (now %s %ux%u fb %u)",
			what, s->crtc, w, h, v.active ? "active" : "off", v.w, v.h, v.fb);
	}
	do {
		pd_screen_sample(s, &a);
	} while (!a.checked && ++tries < 5);
	pd_assert_f(a.checked, "%s: framebuffer %u could not be checked: %s", what, a.fb, a.why);
	pd_info("%s: %ux%u fb %u, CRC 0x%08x, CRC of its bytes 0x%08x; %s", what, a.w, a.h,
		a.fb, a.crc, a.ref, pd_fb_info_str(&a.info));
	pd_assert_f(a.match, "%s: the frame on screen is not modetest's framebuffer", what);
	pd_assert_f(a.crc != black, "%s: the screen is black", what);
	/* modetest's pattern (SMPTE bars and more): many colours. */
	pd_assert_f(a.info.colours >= 8, "%s: only %d colours on screen: not modetest's pattern",
		    what, a.info.colours);
	pd_screen_sample(s, &b);
	pd_assert_f(b.crc == a.crc && b.fb == a.fb,
		    "%s: static pattern changed: fb %u CRC 0x%08x, then fb %u CRC 0x%08x",
		    what, a.fb, a.crc, b.fb, b.crc);
}

static void set_mode(bool atomic, const char *format)
{
	char sarg[64], parg[80];
	const char *args[8];
	struct pd_crtc_view before;
	struct pd_screen s;
	struct pd_proc p;
	int n = 0;

	pd_client_require(MODETEST, "libdrm-tests");
	pd_screen_open(&s);
	snprintf(sarg, sizeof(sarg), "%u@%u:%dx%d", s.conn, s.crtc, SET_W, SET_H);
	snprintf(parg, sizeof(parg), "%u@%u:%dx%d%s%s", s.plane, s.crtc, SET_W, SET_H,
		 format ? "@" : "", format ? format : "");
	if (atomic)
		args[n++] = "-a";
	args[n++] = "-s";
	args[n++] = sarg;
	if (atomic) {
		args[n++] = "-P";
		args[n++] = parg;
	}
	args[n] = NULL;

	before = pd_screen_view(&s);
	start_modetest(&p, args);
	expect_pattern(&s, &p, SET_W, SET_H, before.fb, format ? format : "pattern");
	end_modetest(&p);
	pd_screen_close(&s);
}

static void test_set_mode_legacy(void)
{
	set_mode(false, NULL);
}

static void test_set_mode_atomic(void)
{
	set_mode(true, NULL);
}

/*
 * The formats libdrm 2.4.114's modetest can fill with its pattern (the
 * table of its tests/util/format.c), by fourcc.
 */
static const uint32_t modetest_formats[] = {
	DRM_FORMAT_UYVY, DRM_FORMAT_VYUY, DRM_FORMAT_YUYV, DRM_FORMAT_YVYU,
	DRM_FORMAT_NV12, DRM_FORMAT_NV21, DRM_FORMAT_NV16, DRM_FORMAT_NV61,
	DRM_FORMAT_YUV420, DRM_FORMAT_YVU420,
	DRM_FORMAT_ARGB4444, DRM_FORMAT_XRGB4444, DRM_FORMAT_ABGR4444, DRM_FORMAT_XBGR4444,
	DRM_FORMAT_RGBA4444, DRM_FORMAT_RGBX4444, DRM_FORMAT_BGRA4444, DRM_FORMAT_BGRX4444,
	DRM_FORMAT_ARGB1555, DRM_FORMAT_XRGB1555, DRM_FORMAT_ABGR1555, DRM_FORMAT_XBGR1555,
	DRM_FORMAT_RGBA5551, DRM_FORMAT_RGBX5551, DRM_FORMAT_BGRA5551, DRM_FORMAT_BGRX5551,
	DRM_FORMAT_RGB565, DRM_FORMAT_BGR565, DRM_FORMAT_BGR888, DRM_FORMAT_RGB888,
	DRM_FORMAT_ARGB8888, DRM_FORMAT_XRGB8888, DRM_FORMAT_ABGR8888, DRM_FORMAT_XBGR8888,
	DRM_FORMAT_RGBA8888, DRM_FORMAT_RGBX8888, DRM_FORMAT_BGRA8888, DRM_FORMAT_BGRX8888,
	DRM_FORMAT_ARGB2101010, DRM_FORMAT_XRGB2101010, DRM_FORMAT_ABGR2101010,
	DRM_FORMAT_XBGR2101010, DRM_FORMAT_RGBA1010102, DRM_FORMAT_RGBX1010102,
	DRM_FORMAT_BGRA1010102, DRM_FORMAT_BGRX1010102,
	DRM_FORMAT_XRGB16161616F, DRM_FORMAT_XBGR16161616F, DRM_FORMAT_ARGB16161616F,
	DRM_FORMAT_ABGR16161616F,
};

static void test_atomic_formats(void)
{
	char tested[512] = "", others[256] = "";
	struct pd_screen s;
	drmModePlane *plane;
	int ntested = 0;

	pd_client_require(MODETEST, "libdrm-tests");
	pd_screen_open(&s);
	plane = drmModeGetPlane(s.fd, s.plane);
	pd_assert(plane);
	pd_screen_close(&s);

	for (uint32_t i = 0; i < plane->count_formats; i++) {
		uint32_t f = plane->formats[i];
		char name[5];
		bool drawn = false;

		snprintf(name, sizeof(name), "%.4s", (const char *)&f);
		for (size_t k = 0; k < sizeof(modetest_formats) / sizeof(modetest_formats[0]); k++)
			drawn |= modetest_formats[k] == f;
		if (!drawn || !pd_ref_format_known(f)) {
			size_t n = strlen(others);

			snprintf(others + n, sizeof(others) - n, " %s%s", name,
				 drawn ? " (no reference)" : "");
			continue;
		}
		set_mode(true, name);
		snprintf(tested + strlen(tested), sizeof(tested) - strlen(tested), " %s", name);
		ntested++;
	}
	drmModeFreePlane(plane);
	pd_info("checked %d formats:%s; not checked (modetest cannot draw them):%s", ntested,
		tested, others[0] ? others : " none");
	pd_assert_f(ntested > 0, "the primary plane lists none of modetest's formats");
}

/* ---- page flips ------------------------------------------------------------------ */

static uint32_t vblank_now(struct pd_screen *s, double *ts)
{
	drmVBlank v = {
		.request.type = (drmVBlankSeqType)(DRM_VBLANK_RELATIVE |
						   (s->crtc_idx << DRM_VBLANK_HIGH_CRTC_SHIFT)),
	};

	pd_assert_f(drmWaitVBlank(s->fd, &v) == 0, "WAIT_VBLANK failed");
	*ts = v.reply.tval_sec + v.reply.tval_usec / 1e6;
	return v.reply.sequence;
}

/* "freq: 59.98Hz" lines of modetest -v (one per 60 flips). */
static int parse_freqs(const char *out, double *f, int max)
{
	int n = 0;

	for (const char *c = out; (c = strstr(c, "freq: ")) && n < max; c++)
		f[n++] = strtod(c + 6, NULL);
	return n;
}

/* Distinct pictures in consecutive frames (pd_crtc_crc_frames()). */
struct pictures {
	uint32_t black, crc[2];
	int n;
	bool black_seen;
};

/* Collect distinct CRCs until there are two (or a black frame shows). */
static bool two_pictures(uint32_t crc, uint32_t frame, void *arg)
{
	struct pictures *p = arg;

	(void)frame;
	if (crc == p->black) {
		p->black_seen = true;
		return false;
	}
	if (!p->n || (p->n == 1 && crc != p->crc[0]))
		p->crc[p->n++] = crc;
	return p->n < 2;
}

static void test_page_flip_vsync(void)
{
	const char *args[4];
	char sarg[64], fl[256] = "";
	struct pd_screen s;
	struct pd_crtc_view v;
	struct pd_proc p;
	double refresh, freqs[32], best = 0, t0, t1;
	uint32_t seq0, seq1;
	struct pictures pics = { 0 };
	int nf = 0, distinct = 0, frames;
	char *out;

	pd_client_require(MODETEST, "libdrm-tests");
	pd_screen_open(&s);
	refresh = s.pref.clock * 1000.0 / (s.pref.htotal * s.pref.vtotal);
	snprintf(sarg, sizeof(sarg), "%u@%u:%s", s.conn, s.crtc, s.pref.name);
	args[0] = "-v";
	args[1] = "-s";
	args[2] = sarg;
	args[3] = NULL;
	v = pd_screen_view(&s);
	start_modetest(&p, args);
	if (!pd_screen_wait(&s, s.pref.hdisplay, s.pref.vdisplay, v.fb, 20000, &p, &v)) {
		out = pd_proc_output(&p);
		pd_client_show("modetest", out, 30);
		pd_fail("modetest -v did not set %s within 20 s", s.pref.name);
	}

	/* The driver's vblanks keep the mode's period while modetest flips. */
	seq0 = vblank_now(&s, &t0);
	/* Three lines of "freq:" take three seconds at 60 Hz. */
	for (double end = pd_now() + 25; pd_now() < end && !pd_proc_poll(&p);) {
		out = pd_proc_output(&p);
		nf = parse_freqs(out, freqs, 32);
		free(out);
		if (nf >= 4)
			break;
		pd_msleep(250);
	}
	seq1 = vblank_now(&s, &t1);

	/*
	 * Both of its buffers reach the screen: the frames' CRCs, read in one
	 * go until a second picture shows (separate looks could each take an
	 * even number of frames and always land on the same buffer).
	 */
	pics.black = pd_solid_crc(s.pref.hdisplay, s.pref.vdisplay, 0);
	frames = pd_crtc_crc_frames(s.fd, s.crtc_idx, 600, two_pictures, &pics);
	pd_assert_f(frames > 0, "cannot read CRCs of CRTC %d", s.crtc_idx);
	pd_assert_f(!pics.black_seen, "modetest -v: black frame on screen");
	distinct = pics.n;
	end_modetest(&p);

	for (int i = 0; i < nf; i++) {
		snprintf(fl + strlen(fl), sizeof(fl) - strlen(fl), " %.2f", freqs[i]);
		if (freqs[i] > best)
			best = freqs[i];
	}
	pd_info("mode %s: %.3f Hz; modetest freq:%s Hz", s.pref.name, refresh, fl);
	pd_info("vblanks: %u in %.3f s = %.3f Hz; %d distinct CRCs in %d consecutive frames",
		seq1 - seq0, t1 - t0, (seq1 - seq0) / (t1 - t0), distinct, frames);
	pd_assert_f(nf >= 2, "modetest -v printed %d \"freq:\" lines in 25 s", nf);
	pd_assert_f(t1 - t0 > 1.0 &&
		    (seq1 - seq0) / (t1 - t0) > refresh * 0.97 &&
		    (seq1 - seq0) / (t1 - t0) < refresh * 1.03,
		    "vblank rate %.3f Hz during the flips, mode %.3f Hz",
		    (seq1 - seq0) / (t1 - t0), refresh);
	/*
	 * A flip completes at a vblank, so modetest can never count more
	 * flips than vblanks; an emulated CPU may make it miss some (it
	 * must queue each flip within a frame of the last event), so the
	 * lower bound only asks for one flip per three frames at best.
	 */
	for (int i = 0; i < nf; i++)
		pd_assert_f(freqs[i] < refresh * 1.03,
			    "modetest -v counted %.2f flips/s, faster than the %.3f Hz refresh",
			    freqs[i], refresh);
	pd_assert_f(best > refresh / 3, "modetest -v flips at %.2f Hz at best, mode %.3f Hz",
		    best, refresh);
	pd_assert_f(distinct >= 2, "modetest -v flips between two patterns, but %d consecutive "
		    "frames showed %d", frames, distinct);
	pd_screen_close(&s);
}

static const struct pd_subtest subtests[] = {
	{ "list-objects", test_list_objects,
	  "modetest (and -a) lists every connector, encoder, CRTC, plane and property" },
	{ "set-mode-legacy", test_set_mode_legacy,
	  "modetest -s 800x600: CRC = CRC of modetest's pattern bytes" },
	{ "set-mode-atomic", test_set_mode_atomic,
	  "modetest -a -s -P 800x600: CRC = CRC of modetest's pattern bytes" },
	{ "atomic-formats", test_atomic_formats,
	  "modetest -a -P @FMT for each primary-plane format it draws: CRC = CRC of the bytes" },
	{ "page-flip-vsync", test_page_flip_vsync,
	  "modetest -v: flips at the refresh rate, vblank period kept, both buffers shown" },
	{ }
};

int main(int argc, char **argv)
{
	/* atomic-formats runs modetest once per format: more than the default. */
	setenv("PDTEST_TIMEOUT", "400", 0);
	return pd_main(argc, argv, subtests,
		       "libdrm's modetest against primedisp, checked on screen through CRCs.");
}
