// SPDX-License-Identifier: GPL-2.0
/*
 * module_outputs - output configuration through module parameters and the
 * runtime connector control: 1..4 outputs each with its own CRTC, encoder,
 * connector, writeback connector and planes, all lit at once; simulated
 * cable unplug/plug with the hotplug uevent; the preferred mode's size and
 * refresh; HDMI-A connectors with an EDID override; bad parameters refused.
 *
 * Reloads the driver (needs root and PRIMEDISP_KO, like module_load) and
 * leaves it loaded with default parameters.
 */
#include <fcntl.h>
#include <linux/netlink.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <drm_fourcc.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include "pd_atomic.h"
#include "pd_crc.h"
#include "pd_ref.h"
#include "pdtest.h"

#ifndef DRM_CLIENT_CAP_WRITEBACK_CONNECTORS
#define DRM_CLIENT_CAP_WRITEBACK_CONNECTORS 5
#endif
#define WB_TYPE 18	/* DRM_MODE_CONNECTOR_WRITEBACK */

static const char *ko_path;

/* rmmod, then insmod with @params (may be NULL); 0 or insmod's exit status. */
static int load_with(const char *params)
{
	char cmd[512];
	char *out = NULL;
	int rc;

	snprintf(cmd, sizeof(cmd), "rmmod %s 2>/dev/null; insmod %s %s 2>&1", pd_driver_name(),
		 ko_path, params ? params : "");
	rc = pd_run_cmd(&out, "%s", cmd);
	if (rc)
		pd_info("'%s': exit %d: %s", cmd, rc, out ? out : "");
	free(out);
	return rc;
}

static void restore_defaults(void)
{
	if (ko_path)
		load_with(NULL);
}

static int open_after_load(void)
{
	double end = pd_now() + 5.0;
	int fd;

	do {
		fd = pd_try_open_card(NULL);
		if (fd >= 0)
			return fd;
		pd_msleep(20);
	} while (pd_now() < end);
	pd_fail("no %s device within 5 s of insmod", pd_driver_name());
}

static int reload(const char *params)
{
	ko_path = getenv("PRIMEDISP_KO");
	pd_require(ko_path, "PRIMEDISP_KO is not set (path of the .ko to insmod)");
	pd_require(pd_kmod_loaded(pd_driver_name()), "module %s not loaded (built in?)",
		   pd_driver_name());
	pd_path_add_sbin();
	atexit(restore_defaults);
	pd_assert_f(load_with(params) == 0, "insmod %s %s failed", ko_path, params);
	return open_after_load();
}

/* The primary plane that can be used on CRTC @idx. */
static uint32_t primary_of(int fd, int idx)
{
	drmModePlaneResPtr pres = drmModeGetPlaneResources(fd);
	uint32_t id = 0;

	pd_assert(pres);
	for (uint32_t i = 0; i < pres->count_planes && !id; i++) {
		drmModePlanePtr p = drmModeGetPlane(fd, pres->planes[i]);

		if (p && (p->possible_crtcs & (1u << idx)) &&
		    pd_prop_get(fd, p->plane_id, DRM_MODE_OBJECT_PLANE, "type") ==
		    DRM_PLANE_TYPE_PRIMARY)
			id = p->plane_id;
		drmModeFreePlane(p);
	}
	drmModeFreePlaneResources(pres);
	pd_assert_f(id, "no primary plane for CRTC %d", idx);
	return id;
}

static void test_four_outputs(void)
{
	int fd = reload("num_outputs=4");
	drmModeResPtr res;
	drmModePlaneResPtr pres;
	uint32_t conns[4], wbs = 0, planes_per_crtc[4] = { 0 };
	struct pd_test_fb fbs[4];
	drmModeAtomicReqPtr req;
	drmModeModeInfo mode = { 0 };
	uint32_t blob;
	int nconn = 0;

	pd_assert(drmSetClientCap(fd, DRM_CLIENT_CAP_UNIVERSAL_PLANES, 1) == 0);
	pd_assert(drmSetClientCap(fd, DRM_CLIENT_CAP_ATOMIC, 1) == 0);
	pd_assert(drmSetClientCap(fd, DRM_CLIENT_CAP_WRITEBACK_CONNECTORS, 1) == 0);
	res = drmModeGetResources(fd);
	pd_assert(res);
	pd_assert_eq(res->count_crtcs, 4);

	/* Each output: its connector, encoder for one CRTC, clones only with its writeback. */
	for (int i = 0; i < res->count_connectors; i++) {
		drmModeConnectorPtr c = drmModeGetConnector(fd, res->connectors[i]);
		drmModeEncoderPtr e;
		int crtc;

		pd_assert(c && c->count_encoders == 1);
		e = drmModeGetEncoder(fd, c->encoders[0]);
		pd_assert(e);
		pd_assert_f(__builtin_popcount(e->possible_crtcs) == 1,
			    "encoder %u possible_crtcs 0x%x", e->encoder_id, e->possible_crtcs);
		crtc = __builtin_ctz(e->possible_crtcs);
		if (c->connector_type == WB_TYPE) {
			wbs |= 1u << crtc;
		} else {
			pd_assert_eq(c->connection, DRM_MODE_CONNECTED);
			conns[crtc] = c->connector_id;
			nconn++;
			for (int m = 0; m < c->count_modes; m++)
				if (c->modes[m].hdisplay == 640 && c->modes[m].vdisplay == 480)
					mode = c->modes[m];
		}
		/* possible_clones: itself and one other encoder (its writeback). */
		pd_assert_f(__builtin_popcount(e->possible_clones) == 2,
			    "encoder %u possible_clones 0x%x", e->encoder_id, e->possible_clones);
		drmModeFreeEncoder(e);
		drmModeFreeConnector(c);
	}
	pd_assert_eq(nconn, 4);
	pd_assert_eq(wbs, 0xf);
	pd_assert(mode.hdisplay == 640);

	pres = drmModeGetPlaneResources(fd);
	for (uint32_t i = 0; i < pres->count_planes; i++) {
		drmModePlanePtr p = drmModeGetPlane(fd, pres->planes[i]);

		pd_assert_f(__builtin_popcount(p->possible_crtcs) == 1,
			    "plane %u possible_crtcs 0x%x", p->plane_id, p->possible_crtcs);
		planes_per_crtc[__builtin_ctz(p->possible_crtcs)]++;
		drmModeFreePlane(p);
	}
	drmModeFreePlaneResources(pres);
	for (int i = 0; i < 4; i++)
		pd_assert_f(planes_per_crtc[i] >= 4, "CRTC %d has %u planes", i, planes_per_crtc[i]);

	/* Light all four in one commit, each with its own picture. */
	pd_assert(drmModeCreatePropertyBlob(fd, &mode, sizeof(mode), &blob) == 0);
	req = drmModeAtomicAlloc();
	for (int i = 0; i < 4; i++) {
		uint32_t plane = primary_of(fd, i);
		const uint32_t P = DRM_MODE_OBJECT_PLANE;

		pd_assert_eq(pd_test_fb_create(fd, DRM_FORMAT_XRGB8888, 640, 480, 900 + i, &fbs[i]), 0);
		pd_req_add(req, fd, conns[i], DRM_MODE_OBJECT_CONNECTOR, "CRTC_ID", res->crtcs[i]);
		pd_req_add(req, fd, res->crtcs[i], DRM_MODE_OBJECT_CRTC, "MODE_ID", blob);
		pd_req_add(req, fd, res->crtcs[i], DRM_MODE_OBJECT_CRTC, "ACTIVE", 1);
		pd_req_add(req, fd, plane, P, "FB_ID", fbs[i].id);
		pd_req_add(req, fd, plane, P, "CRTC_ID", res->crtcs[i]);
		pd_req_add(req, fd, plane, P, "SRC_X", 0);
		pd_req_add(req, fd, plane, P, "SRC_Y", 0);
		pd_req_add(req, fd, plane, P, "SRC_W", 640 << 16);
		pd_req_add(req, fd, plane, P, "SRC_H", 480 << 16);
		pd_req_add(req, fd, plane, P, "CRTC_X", 0);
		pd_req_add(req, fd, plane, P, "CRTC_Y", 0);
		pd_req_add(req, fd, plane, P, "CRTC_W", 640);
		pd_req_add(req, fd, plane, P, "CRTC_H", 480);
	}
	pd_assert_eq(drmModeAtomicCommit(fd, req, DRM_MODE_ATOMIC_ALLOW_MODESET, NULL), 0);
	drmModeAtomicFree(req);

	for (int i = 0; i < 4; i++) {
		struct pd_ref_plane p = {
			.fb = &fbs[i].ref, .src_w = 640 << 16, .src_h = 480 << 16,
			.crtc_w = 640, .crtc_h = 480, .rotation = DRM_MODE_ROTATE_0,
			.alpha = 0xffff, .blend = PD_REF_BLEND_PREMULTI,
		};
		struct pd_ref_px *frame = malloc(sizeof(*frame) * 640 * 480);
		uint32_t crc, want;

		pd_assert(frame);
		pd_ref_compose(&p, 1, 640, 480, frame);
		want = pd_ref_frame_crc(frame, 640, 480);
		free(frame);
		pd_require(pd_crtc_crc(fd, i, &crc), "no CRC interface (debugfs)");
		pd_assert_f(crc == want, "CRTC %d shows CRC 0x%08x, its picture is 0x%08x",
			    i, crc, want);
	}
	for (int i = 0; i < 4; i++)
		pd_test_fb_destroy(&fbs[i]);
	drmModeFreeResources(res);
	close(fd);
}

/* Wait up to @ms for a drm uevent with HOTPLUG=1 on socket @s. */
static bool hotplug_uevent(int s, int ms)
{
	double end = pd_now() + ms / 1000.0;
	char buf[4096];

	while (pd_now() < end) {
		struct pollfd pfd = { .fd = s, .events = POLLIN };
		ssize_t n;
		bool drm = false, hotplug = false;

		if (poll(&pfd, 1, 100) != 1)
			continue;
		n = recv(s, buf, sizeof(buf) - 1, 0);
		if (n <= 0)
			continue;
		buf[n] = '\0';
		for (char *p = buf; p < buf + n; p += strlen(p) + 1) {
			drm |= !strcmp(p, "SUBSYSTEM=drm");
			hotplug |= !strcmp(p, "HOTPLUG=1");
		}
		if (drm && hotplug)
			return true;
	}
	return false;
}

static void set_status(int fd, int output, const char *value)
{
	char dev[256], path[300];
	int f;

	pd_assert(pd_sysfs_device_of(fd, dev, sizeof(dev)));
	snprintf(path, sizeof(path), "%s/output%d_status", dev, output);
	f = open(path, O_WRONLY);
	pd_assert_f(f >= 0, "open %s", path);
	pd_assert_f(write(f, value, strlen(value)) == (ssize_t)strlen(value), "write %s to %s",
		    value, path);
	close(f);
}

static void test_hotplug(void)
{
	int fd = reload("num_outputs=2");
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = 1 };
	drmModeResPtr res = drmModeGetResources(fd);
	drmModeConnectorPtr c;
	uint32_t conn;
	char dev[256], path[300];
	int s, f;

	pd_assert(res && res->count_connectors == 2);
	conn = res->connectors[1];
	s = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_KOBJECT_UEVENT);
	pd_assert(s >= 0);
	pd_assert(bind(s, (struct sockaddr *)&sa, sizeof(sa)) == 0);

	set_status(fd, 1, "disconnected");
	pd_assert_f(hotplug_uevent(s, 5000), "no HOTPLUG=1 uevent after unplugging output 1");
	c = drmModeGetConnector(fd, conn);
	pd_assert(c);
	pd_assert_eq(c->connection, DRM_MODE_DISCONNECTED);
	pd_assert_eq(c->count_modes, 0);
	drmModeFreeConnector(c);
	/* Output 0 is untouched. */
	c = drmModeGetConnector(fd, res->connectors[0]);
	pd_assert_eq(c->connection, DRM_MODE_CONNECTED);
	drmModeFreeConnector(c);

	/* Writing the same state again sends nothing; bad values are EINVAL. */
	set_status(fd, 1, "disconnected");
	pd_assert_f(!hotplug_uevent(s, 500), "uevent without a change");
	pd_assert(pd_sysfs_device_of(fd, dev, sizeof(dev)));
	snprintf(path, sizeof(path), "%s/output1_status", dev);
	f = open(path, O_WRONLY);
	pd_assert_errno(write(f, "maybe", 5), EINVAL);
	close(f);
	snprintf(path, sizeof(path), "%s/output2_status", dev);
	pd_assert_f(access(path, F_OK) != 0, "%s exists with 2 outputs", path);

	set_status(fd, 1, "connected");
	pd_assert_f(hotplug_uevent(s, 5000), "no HOTPLUG=1 uevent after plugging output 1");
	c = drmModeGetConnector(fd, conn);
	pd_assert_eq(c->connection, DRM_MODE_CONNECTED);
	pd_assert(c->count_modes > 0);
	drmModeFreeConnector(c);
	close(s);
	drmModeFreeResources(res);
	close(fd);
}

static void test_preferred_mode(void)
{
	int fd = reload("pref_width=800 pref_height=600 pref_refresh=30");
	struct pd_kms_output o;
	drmVBlank v;
	double prev = 0, period;

	pd_kms_find_output(fd, &o);
	pd_assert_f(o.mode.hdisplay == 800 && o.mode.vdisplay == 600 &&
		    (o.mode.type & DRM_MODE_TYPE_PREFERRED),
		    "preferred mode %dx%d type 0x%x", o.mode.hdisplay, o.mode.vdisplay, o.mode.type);
	pd_assert_f(o.mode.vrefresh == 30, "preferred refresh %u Hz", o.mode.vrefresh);
	{
		uint32_t handle, pitch, fb;
		uint64_t size;

		handle = pd_dumb_create(fd, 800, 600, 32, &pitch, &size);
		pd_assert(drmModeAddFB(fd, 800, 600, 24, 32, pitch, handle, &fb) == 0);
		pd_assert_eq(drmModeSetCrtc(fd, o.crtc, fb, 0, 0, &o.conn, 1, &o.mode), 0);
	}
	/* Vblank timestamps step by exactly the mode's frame duration. */
	period = (double)o.mode.htotal * o.mode.vtotal / (o.mode.clock * 1000.0);
	for (int i = 0; i < 6; i++) {
		double t;

		memset(&v, 0, sizeof(v));
		v.request.type = DRM_VBLANK_RELATIVE | (o.crtc_index << DRM_VBLANK_HIGH_CRTC_SHIFT);
		v.request.sequence = 1;
		pd_assert(drmWaitVBlank(fd, &v) == 0);
		t = v.reply.tval_sec + v.reply.tval_usec / 1e6;
		if (i > 1) {
			double frames = (t - prev) / period;

			pd_assert_f(frames > 0.5 && fabs(frames - (long)(frames + 0.5)) < 0.01,
				    "timestamps %.6f s apart, frame period %.6f s", t - prev, period);
		}
		prev = t;
	}
	close(fd);
}

/* A 128-byte EDID with one detailed timing: 800x600, 40 MHz (60 Hz). */
static void make_edid(uint8_t e[128])
{
	static const uint8_t head[] = { 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0 };
	static const uint8_t dtd[18] = {
		0xa0, 0x0f,		/* 40.00 MHz */
		0x20, 0x00, 0x31,	/* hactive 800, hblank 256 */
		0x58, 0x1c, 0x20,	/* vactive 600, vblank 28 */
		0x28, 0x80, 0x14, 0x00,	/* hsync +40 w128, vsync +1 w4 */
		0, 0, 0, 0, 0, 0x1e,	/* no size, separate +h +v sync */
	};
	uint8_t sum = 0;

	memset(e, 0, 128);
	memcpy(e, head, 8);
	e[8] = 0x41;	/* manufacturer "PDP" */
	e[9] = 0x10;
	e[18] = 1;	/* EDID 1.3 */
	e[19] = 3;
	e[20] = 0x80;	/* digital */
	e[24] = 0x0a;	/* preferred timing is the first DTD */
	memcpy(e + 54, dtd, 18);
	for (int d = 72; d < 126; d += 18)	/* the other descriptors: dummy */
		e[d + 3] = 0x10;
	for (int i = 0; i < 127; i++)
		sum += e[i];
	e[127] = (uint8_t)(0x100 - sum);
}

static void test_hdmi_edid(void)
{
	int fd = reload("connector_type=HDMI-A");
	struct pd_kms_output o;
	drmModeConnectorPtr c;
	char dir[128], path[256];
	uint8_t edid[128];
	int f, n800 = 0;

	pd_kms_find_output(fd, &o);
	c = drmModeGetConnector(fd, o.conn);
	pd_assert_eq(c->connector_type, DRM_MODE_CONNECTOR_HDMIA);
	pd_assert(c->count_modes > 4);
	drmModeFreeConnector(c);

	pd_require(pd_debugfs_dir(fd, dir, sizeof(dir)), "debugfs not available");
	snprintf(path, sizeof(path), "%s/HDMI-A-1/edid_override", dir);
	f = open(path, O_WRONLY);
	pd_assert_f(f >= 0, "open %s", path);
	make_edid(edid);
	pd_assert(write(f, edid, sizeof(edid)) == sizeof(edid));
	close(f);

	c = drmModeGetConnector(fd, o.conn);	/* probes again */
	pd_assert(c);
	for (int m = 0; m < c->count_modes; m++)
		if (c->modes[m].hdisplay == 800 && c->modes[m].vdisplay == 600 &&
		    (c->modes[m].type & DRM_MODE_TYPE_PREFERRED))
			n800++;
	pd_assert_f(n800 == 1, "the EDID's 800x600 is not the one preferred mode (%d of %d modes)",
		    n800, c->count_modes);
	pd_assert_f(c->count_modes < 10, "%d modes: the standard list, not the EDID's",
		    c->count_modes);
	drmModeFreeConnector(c);

	f = open(path, O_WRONLY);
	pd_assert(write(f, "reset", 5) == 5);
	close(f);
	c = drmModeGetConnector(fd, o.conn);
	pd_assert_f(c->count_modes > 10, "after reset: %d modes", c->count_modes);
	drmModeFreeConnector(c);
	close(fd);
}

static void test_bad_parameters(void)
{
	static const char *const bad[] = {
		"num_outputs=0", "num_outputs=5", "connector_type=DP", "pref_refresh=0",
		"pref_refresh=241", "pref_width=5000", "max_width=9000",
	};
	int fd = reload(NULL);

	close(fd);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		/* The module loads; probing its device fails with EINVAL. */
		load_with(bad[i]);
		pd_msleep(200);
		fd = pd_try_open_card(NULL);
		pd_assert_f(fd < 0, "a device exists after insmod %s", bad[i]);
	}
	pd_assert_eq(load_with(NULL), 0);
	close(open_after_load());
}

static const struct pd_subtest subtests[] = {
	{ "four-outputs", test_four_outputs, "num_outputs=4: objects, clones, all lit with own pictures" },
	{ "hotplug", test_hotplug, "outputN_status unplug/plug: connector state, modes, uevent" },
	{ "preferred-mode", test_preferred_mode, "pref_width/height/refresh: preferred CVT mode, its period" },
	{ "hdmi-edid-override", test_hdmi_edid, "connector_type=HDMI-A takes an EDID override" },
	{ "bad-parameters", test_bad_parameters, "out-of-range parameters: no device, probe fails cleanly" },
	{ }
};

PD_MAIN(subtests, "Outputs configured by module parameters, hotplug control, EDID override.");
