// SPDX-License-Identifier: GPL-2.0
/*
 * kms_invalid_mode_pd - broken modes are refused in the atomic check, through
 * the legacy SETCRTC and an atomic TEST_ONLY commit alike, and the output
 * keeps working afterwards (vkms hangs on an INT_MAX clock).
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <xf86drm.h>
#include <xf86drmMode.h>
#include <drm_fourcc.h>

#include "pd_kms.h"
#include "pdtest.h"

struct output {
	int fd;
	uint32_t conn, crtc, fb, handle;
	drmModeModeInfo mode;
};

static void setup(struct output *o)
{
	struct pd_kms_output k;
	uint32_t pitch;
	uint64_t size;

	o->fd = pd_open_card(NULL);
	pd_kms_find_output(o->fd, &k);
	o->conn = k.conn;
	o->crtc = k.crtc;
	o->mode = k.mode;
	/* A framebuffer big enough for any mode tried here (never touched). */
	o->handle = pd_dumb_create(o->fd, 8192, 2048, 32, &pitch, &size);
	pd_assert(drmModeAddFB2(o->fd, 8192, 2048, DRM_FORMAT_XRGB8888,
				(uint32_t[4]){ o->handle }, (uint32_t[4]){ pitch },
				(uint32_t[4]){ 0 }, &o->fb, 0) == 0);
}

static uint32_t prop_id(int fd, uint32_t obj, uint32_t type, const char *name)
{
	drmModeObjectPropertiesPtr props = drmModeObjectGetProperties(fd, obj, type);
	uint32_t id = 0;

	pd_assert(props);
	for (uint32_t i = 0; i < props->count_props && !id; i++) {
		drmModePropertyPtr p = drmModeGetProperty(fd, props->props[i]);

		if (p && !strcmp(p->name, name))
			id = p->prop_id;
		drmModeFreeProperty(p);
	}
	drmModeFreeObjectProperties(props);
	pd_assert_f(id, "no property %s", name);
	return id;
}

/* An atomic TEST_ONLY commit of @mode must fail with @err. */
static void atomic_test_refused(struct output *o, drmModeModeInfo *mode, int err)
{
	drmModeAtomicReqPtr req;
	uint32_t blob;
	int ret;

	pd_assert(drmSetClientCap(o->fd, DRM_CLIENT_CAP_ATOMIC, 1) == 0);
	pd_assert(drmModeCreatePropertyBlob(o->fd, mode, sizeof(*mode), &blob) == 0);
	req = drmModeAtomicAlloc();
	drmModeAtomicAddProperty(req, o->crtc,
				 prop_id(o->fd, o->crtc, DRM_MODE_OBJECT_CRTC, "MODE_ID"), blob);
	drmModeAtomicAddProperty(req, o->crtc,
				 prop_id(o->fd, o->crtc, DRM_MODE_OBJECT_CRTC, "ACTIVE"), 1);
	drmModeAtomicAddProperty(req, o->conn,
				 prop_id(o->fd, o->conn, DRM_MODE_OBJECT_CONNECTOR, "CRTC_ID"),
				 o->crtc);
	ret = drmModeAtomicCommit(o->fd, req, DRM_MODE_ATOMIC_TEST_ONLY |
				  DRM_MODE_ATOMIC_ALLOW_MODESET, NULL);
	drmModeAtomicFree(req);
	drmModeDestroyPropertyBlob(o->fd, blob);
	pd_assert_f(ret == -err, "TEST_ONLY commit of mode %s: %d (%s), expected %s",
		    mode->name, ret, strerror(-ret), strerror(err));
	pd_assert(drmSetClientCap(o->fd, DRM_CLIENT_CAP_ATOMIC, 0) == 0);
}

/*
 * @err is SETCRTC's errno: EINVAL when primedisp's mode validation refuses
 * the mode, ERANGE where the DRM core itself refuses it first (a clock that
 * does not fit the kernel's int).
 */
static void check_refused_err(void (*mangle)(drmModeModeInfo *m), int err)
{
	struct output o;
	drmModeModeInfo bad;
	drmModeCrtcPtr crtc;
	int ret;

	setup(&o);
	bad = o.mode;
	mangle(&bad);
	ret = drmModeSetCrtc(o.fd, o.crtc, o.fb, 0, 0, &o.conn, 1, &bad);
	pd_assert_f(ret == -err, "SETCRTC with the broken mode: %d (%s), expected %s",
		    ret, strerror(-ret), strerror(err));
	/* The atomic MODE_ID path reports every refusal as EINVAL. */
	atomic_test_refused(&o, &bad, EINVAL);

	/* The output still takes its good mode and shows the framebuffer. */
	pd_assert_eq(drmModeSetCrtc(o.fd, o.crtc, o.fb, 0, 0, &o.conn, 1, &o.mode), 0);
	crtc = drmModeGetCrtc(o.fd, o.crtc);
	pd_assert(crtc && crtc->mode_valid && crtc->buffer_id == o.fb);
	drmModeFreeCrtc(crtc);
	close(o.fd);
}

static void check_refused(void (*mangle)(drmModeModeInfo *m))
{
	check_refused_err(mangle, EINVAL);
}

static void m_clock_too_high(drmModeModeInfo *m) { m->clock = 2000000; }
static void m_zero_clock(drmModeModeInfo *m) { m->clock = 0; }
static void m_int_max_clock(drmModeModeInfo *m) { m->clock = INT_MAX; }
static void m_uint_max_clock(drmModeModeInfo *m) { m->clock = UINT_MAX; }
static void m_zero_hdisplay(drmModeModeInfo *m) { m->hdisplay = 0; }
static void m_zero_vdisplay(drmModeModeInfo *m) { m->vdisplay = 0; }
static void m_bad_hsync_start(drmModeModeInfo *m) { m->hsync_start = m->hdisplay - 1; }
static void m_bad_vsync_start(drmModeModeInfo *m) { m->vsync_start = m->vdisplay - 1; }
static void m_bad_hsync_end(drmModeModeInfo *m) { m->hsync_end = m->hsync_start - 1; }
static void m_bad_vsync_end(drmModeModeInfo *m) { m->vsync_end = m->vsync_start - 1; }
static void m_bad_htotal(drmModeModeInfo *m) { m->htotal = m->hsync_end - 1; }
static void m_bad_vtotal(drmModeModeInfo *m) { m->vtotal = m->vsync_end - 1; }
static void m_too_wide(drmModeModeInfo *m)
{
	/* Wider than the largest mode (max_width, 4096 by default). */
	m->hdisplay = 4160; m->hsync_start = 4200; m->hsync_end = 4250; m->htotal = 4400;
}
static void m_refresh_too_high(drmModeModeInfo *m)
{
	/* Same timings, clock for ~1000 Hz. */
	m->clock = (uint32_t)((uint64_t)m->htotal * m->vtotal * 1000 / 1000);
}

static void t_clock_too_high(void) { check_refused(m_clock_too_high); }
static void t_zero_clock(void) { check_refused(m_zero_clock); }
static void t_int_max_clock(void) { check_refused(m_int_max_clock); }
static void t_uint_max_clock(void) { check_refused_err(m_uint_max_clock, ERANGE); }
static void t_zero_hdisplay(void) { check_refused(m_zero_hdisplay); }
static void t_zero_vdisplay(void) { check_refused(m_zero_vdisplay); }
static void t_bad_hsync_start(void) { check_refused(m_bad_hsync_start); }
static void t_bad_vsync_start(void) { check_refused(m_bad_vsync_start); }
static void t_bad_hsync_end(void) { check_refused(m_bad_hsync_end); }
static void t_bad_vsync_end(void) { check_refused(m_bad_vsync_end); }
static void t_bad_htotal(void) { check_refused(m_bad_htotal); }
static void t_bad_vtotal(void) { check_refused(m_bad_vtotal); }
static void t_too_wide(void) { check_refused(m_too_wide); }
static void t_refresh_too_high(void) { check_refused(m_refresh_too_high); }

static const struct pd_subtest subtests[] = {
	{ "clock-too-high", t_clock_too_high, "2 GHz pixel clock" },
	{ "zero-clock", t_zero_clock, "clock 0" },
	{ "int-max-clock", t_int_max_clock, "clock INT_MAX (hangs vkms)" },
	{ "uint-max-clock", t_uint_max_clock, "clock UINT_MAX" },
	{ "zero-hdisplay", t_zero_hdisplay, "hdisplay 0" },
	{ "zero-vdisplay", t_zero_vdisplay, "vdisplay 0" },
	{ "bad-hsync-start", t_bad_hsync_start, "hsync_start < hdisplay" },
	{ "bad-vsync-start", t_bad_vsync_start, "vsync_start < vdisplay" },
	{ "bad-hsync-end", t_bad_hsync_end, "hsync_end < hsync_start" },
	{ "bad-vsync-end", t_bad_vsync_end, "vsync_end < vsync_start" },
	{ "bad-htotal", t_bad_htotal, "htotal < hsync_end" },
	{ "bad-vtotal", t_bad_vtotal, "vtotal < vsync_end" },
	{ "too-wide", t_too_wide, "wider than the largest mode" },
	{ "refresh-too-high", t_refresh_too_high, "about 1000 Hz refresh" },
	{ }
};

PD_MAIN(subtests, "Invalid modes are refused and the output survives.");
