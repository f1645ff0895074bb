// SPDX-License-Identifier: GPL-2.0
/*
 * pd-kms.c - atomic mode setting, PRIME and zero-copy evidence for
 * primedisp's streaming tools.  See pd-kms.h.
 *
 * Copyright (C) 2026 The primedisp authors
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <xf86drm.h>
#include <xf86drmMode.h>
#include <drm_fourcc.h>

#include <drm/primedisp_drm.h>

#include "pd-common.h"
#include "pd-kms.h"

double pd_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

ino_t pd_fd_ino(int fd)
{
	struct stat st;

	return fstat(fd, &st) ? 0 : st.st_ino;
}

const char *pd_gem_flags_str(uint32_t flags, char *buf, size_t len)
{
	static const struct { uint32_t bit; const char *name; } names[] = {
		{ PRIMEDISP_GEM_INFO_IMPORTED, "IMPORTED" },
		{ PRIMEDISP_GEM_INFO_EXPORTED, "EXPORTED" },
		{ PRIMEDISP_GEM_CREATE_WC, "WC" },
		{ PRIMEDISP_GEM_CREATE_SCANOUT, "SCANOUT" },
	};
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (flags & names[i].bit) {
			n += snprintf(buf + n, n < len ? len - n : 0, "%s%s",
				      n ? "|" : "", names[i].name);
			flags &= ~names[i].bit;
		}
	}
	if (flags)
		n += snprintf(buf + n, n < len ? len - n : 0, "%s0x%x", n ? "|" : "", flags);
	if (!n)
		snprintf(buf, len, "none");
	return buf;
}

/* Fill @k's connector, CRTC and mode; -1 with a message if impossible. */
static int pick_output(struct pd_kms *k, drmModeResPtr res, uint32_t conn_id,
		       unsigned int w, unsigned int h)
{
	bool any = false;

	for (int i = 0; i < res->count_connectors; i++) {
		drmModeConnectorPtr c = drmModeGetConnector(k->fd, res->connectors[i]);
		uint32_t possible = 0;
		int m, found = -1;

		if (!c)
			continue;
		if (conn_id && c->connector_id != conn_id) {
			drmModeFreeConnector(c);
			continue;
		}
		any = true;
		if (c->connection != DRM_MODE_CONNECTED || !c->count_modes) {
			if (conn_id)
				fprintf(stderr, "connector %u is not connected\n", conn_id);
			drmModeFreeConnector(c);
			continue;
		}
		for (m = 0; m < c->count_modes && found < 0; m++) {
			if (w ? (c->modes[m].hdisplay == w && c->modes[m].vdisplay == h)
			      : !!(c->modes[m].type & DRM_MODE_TYPE_PREFERRED))
				found = m;
		}
		if (found < 0 && !w)
			found = 0;
		if (found < 0) {
			fprintf(stderr, "connector %u has no %ux%u mode: pick a size it offers "
				"(primedisp-info lists them) or load primedisp with "
				"pref_width=%u pref_height=%u\n", c->connector_id, w, h, w, h);
			drmModeFreeConnector(c);
			continue;
		}
		for (int e = 0; e < c->count_encoders; e++) {
			drmModeEncoderPtr enc = drmModeGetEncoder(k->fd, c->encoders[e]);

			if (enc)
				possible |= enc->possible_crtcs;
			drmModeFreeEncoder(enc);
		}
		for (int j = 0; j < res->count_crtcs; j++) {
			if (possible & (1u << j)) {
				k->crtc_id = res->crtcs[j];
				k->crtc_index = j;
				break;
			}
		}
		if (!k->crtc_id) {
			fprintf(stderr, "connector %u has no usable CRTC\n", c->connector_id);
			drmModeFreeConnector(c);
			continue;
		}
		k->conn_id = c->connector_id;
		k->mode = c->modes[found];
		drmModeFreeConnector(c);
		return 0;
	}
	if (conn_id && !any)
		fprintf(stderr, "no connector %u on this device (primedisp-info lists them)\n",
			conn_id);
	else if (!any)
		fprintf(stderr, "the device has no connector\n");
	else if (!conn_id)
		fprintf(stderr, "no connected connector with a usable mode\n");
	return -1;
}

static int pick_primary(struct pd_kms *k)
{
	drmModePlaneResPtr planes = drmModeGetPlaneResources(k->fd);

	for (uint32_t i = 0; planes && i < planes->count_planes && !k->plane_id; i++) {
		drmModePlanePtr p = drmModeGetPlane(k->fd, planes->planes[i]);
		uint64_t type = 0;

		if (p && (p->possible_crtcs & (1u << k->crtc_index)) &&
		    pd_prop_lookup(k->fd, p->plane_id, DRM_MODE_OBJECT_PLANE, "type", &type) &&
		    type == DRM_PLANE_TYPE_PRIMARY)
			k->plane_id = p->plane_id;
		drmModeFreePlane(p);
	}
	drmModeFreePlaneResources(planes);
	if (!k->plane_id) {
		fprintf(stderr, "CRTC %u has no primary plane\n", k->crtc_id);
		return -1;
	}
	return 0;
}

int pd_kms_open(struct pd_kms *k, const char *device, uint32_t conn_id,
		unsigned int w, unsigned int h)
{
	drmModeResPtr res;
	int ret;

	memset(k, 0, sizeof(*k));
	k->fd = pd_open_device(device);
	if (k->fd < 0)
		return -1;
	if (!drmIsMaster(k->fd) && drmSetMaster(k->fd)) {
		fprintf(stderr, "cannot become DRM master of the display (%s): stop the "
			"compositor or other display client using it, or run as root\n",
			strerror(errno));
		goto fail;
	}
	if (drmSetClientCap(k->fd, DRM_CLIENT_CAP_UNIVERSAL_PLANES, 1) ||
	    drmSetClientCap(k->fd, DRM_CLIENT_CAP_ATOMIC, 1)) {
		fprintf(stderr, "the device does not offer atomic mode setting (%s)\n",
			strerror(errno));
		goto fail;
	}
	res = drmModeGetResources(k->fd);
	if (!res) {
		fprintf(stderr, "GETRESOURCES failed: %s (is this a KMS device?)\n",
			strerror(errno));
		goto fail;
	}
	ret = pick_output(k, res, conn_id, w, h);
	drmModeFreeResources(res);
	if (ret || pick_primary(k))
		goto fail;

	k->p_fb_id = pd_prop_id(k->fd, k->plane_id, DRM_MODE_OBJECT_PLANE, "FB_ID");
	k->p_crtc_id = pd_prop_id(k->fd, k->plane_id, DRM_MODE_OBJECT_PLANE, "CRTC_ID");
	k->p_src_x = pd_prop_id(k->fd, k->plane_id, DRM_MODE_OBJECT_PLANE, "SRC_X");
	k->p_src_y = pd_prop_id(k->fd, k->plane_id, DRM_MODE_OBJECT_PLANE, "SRC_Y");
	k->p_src_w = pd_prop_id(k->fd, k->plane_id, DRM_MODE_OBJECT_PLANE, "SRC_W");
	k->p_src_h = pd_prop_id(k->fd, k->plane_id, DRM_MODE_OBJECT_PLANE, "SRC_H");
	k->p_crtc_x = pd_prop_id(k->fd, k->plane_id, DRM_MODE_OBJECT_PLANE, "CRTC_X");
	k->p_crtc_y = pd_prop_id(k->fd, k->plane_id, DRM_MODE_OBJECT_PLANE, "CRTC_Y");
	k->p_crtc_w = pd_prop_id(k->fd, k->plane_id, DRM_MODE_OBJECT_PLANE, "CRTC_W");
	k->p_crtc_h = pd_prop_id(k->fd, k->plane_id, DRM_MODE_OBJECT_PLANE, "CRTC_H");
	k->p_mode_id = pd_prop_id(k->fd, k->crtc_id, DRM_MODE_OBJECT_CRTC, "MODE_ID");
	k->p_active = pd_prop_id(k->fd, k->crtc_id, DRM_MODE_OBJECT_CRTC, "ACTIVE");
	k->p_conn_crtc_id = pd_prop_id(k->fd, k->conn_id, DRM_MODE_OBJECT_CONNECTOR, "CRTC_ID");
	if (!k->p_fb_id || !k->p_crtc_id || !k->p_src_w || !k->p_crtc_w || !k->p_mode_id ||
	    !k->p_active || !k->p_conn_crtc_id) {
		fprintf(stderr, "the plane, CRTC or connector lacks an atomic property\n");
		goto fail;
	}
	if (drmModeCreatePropertyBlob(k->fd, &k->mode, sizeof(k->mode), &k->mode_blob)) {
		fprintf(stderr, "cannot create the mode blob: %s\n", strerror(errno));
		goto fail;
	}
	return 0;
fail:
	close(k->fd);
	k->fd = -1;
	return -1;
}

void pd_kms_close(struct pd_kms *k)
{
	if (k->fd < 0)
		return;
	if (k->mode_blob)
		drmModeDestroyPropertyBlob(k->fd, k->mode_blob);
	close(k->fd);
	k->fd = -1;
}

bool pd_kms_plane_has_format(struct pd_kms *k, uint32_t format)
{
	drmModePlanePtr p = drmModeGetPlane(k->fd, k->plane_id);
	bool has = false;

	for (uint32_t i = 0; p && i < p->count_formats; i++)
		has |= p->formats[i] == format;
	drmModeFreePlane(p);
	return has;
}

void pd_kms_plane_formats(struct pd_kms *k, char *buf, size_t len)
{
	drmModePlanePtr p = drmModeGetPlane(k->fd, k->plane_id);
	size_t n = 0;
	char f[PD_FOURCC_LEN];

	buf[0] = '\0';
	for (uint32_t i = 0; p && i < p->count_formats && n < len; i++)
		n += snprintf(buf + n, len - n, "%s%s", n ? " " : "",
			      pd_fourcc_str(p->formats[i], f));
	drmModeFreePlane(p);
}

int pd_kms_addfb(struct pd_kms *k, uint32_t w, uint32_t h, uint32_t format,
		 uint32_t handle, uint32_t pitch, uint32_t offset, uint32_t *fb)
{
	uint32_t handles[4] = { handle }, pitches[4] = { pitch }, offsets[4] = { offset };
	uint64_t mods[4] = { DRM_FORMAT_MOD_LINEAR };
	char f[PD_FOURCC_LEN];

	if (drmModeAddFB2WithModifiers(k->fd, w, h, format, handles, pitches, offsets, mods,
				       fb, DRM_MODE_FB_MODIFIERS)) {
		fprintf(stderr, "ADDFB2 %ux%u %s pitch %u (LINEAR) of handle %u failed: %s\n",
			w, h, pd_fourcc_str(format, f), pitch, handle, strerror(errno));
		return -1;
	}
	return 0;
}

/* Plane properties that show @fb mode-sized, unscaled. */
static int add_plane(struct pd_kms *k, drmModeAtomicReqPtr req, uint32_t fb)
{
	uint32_t w = k->mode.hdisplay, h = k->mode.vdisplay;
	int ret = 0;

	ret |= drmModeAtomicAddProperty(req, k->plane_id, k->p_fb_id, fb) < 0;
	ret |= drmModeAtomicAddProperty(req, k->plane_id, k->p_crtc_id, fb ? k->crtc_id : 0) < 0;
	ret |= drmModeAtomicAddProperty(req, k->plane_id, k->p_src_x, 0) < 0;
	ret |= drmModeAtomicAddProperty(req, k->plane_id, k->p_src_y, 0) < 0;
	ret |= drmModeAtomicAddProperty(req, k->plane_id, k->p_src_w, fb ? (uint64_t)w << 16 : 0) < 0;
	ret |= drmModeAtomicAddProperty(req, k->plane_id, k->p_src_h, fb ? (uint64_t)h << 16 : 0) < 0;
	ret |= drmModeAtomicAddProperty(req, k->plane_id, k->p_crtc_x, 0) < 0;
	ret |= drmModeAtomicAddProperty(req, k->plane_id, k->p_crtc_y, 0) < 0;
	ret |= drmModeAtomicAddProperty(req, k->plane_id, k->p_crtc_w, fb ? w : 0) < 0;
	ret |= drmModeAtomicAddProperty(req, k->plane_id, k->p_crtc_h, fb ? h : 0) < 0;
	return ret ? -1 : 0;
}

static int commit(struct pd_kms *k, drmModeAtomicReqPtr req, uint32_t flags, void *data,
		  const char *what)
{
	int ret = drmModeAtomicCommit(k->fd, req, flags, data);

	if (ret) {
		ret = -errno;
		if (ret != -EBUSY)
			fprintf(stderr, "atomic commit (%s) failed: %s\n", what, strerror(errno));
	}
	drmModeAtomicFree(req);
	return ret;
}

int pd_kms_modeset(struct pd_kms *k, uint32_t fb)
{
	drmModeAtomicReqPtr req = drmModeAtomicAlloc();

	if (!req || add_plane(k, req, fb) ||
	    drmModeAtomicAddProperty(req, k->crtc_id, k->p_mode_id, k->mode_blob) < 0 ||
	    drmModeAtomicAddProperty(req, k->crtc_id, k->p_active, 1) < 0 ||
	    drmModeAtomicAddProperty(req, k->conn_id, k->p_conn_crtc_id, k->crtc_id) < 0) {
		drmModeAtomicFree(req);
		fprintf(stderr, "out of memory building a commit\n");
		return -1;
	}
	return commit(k, req, DRM_MODE_ATOMIC_ALLOW_MODESET, NULL, "mode set") ? -1 : 0;
}

int pd_kms_flip(struct pd_kms *k, uint32_t fb, void *user_data)
{
	drmModeAtomicReqPtr req = drmModeAtomicAlloc();

	if (!req || add_plane(k, req, fb)) {
		drmModeAtomicFree(req);
		fprintf(stderr, "out of memory building a commit\n");
		return -ENOMEM;
	}
	return commit(k, req, DRM_MODE_ATOMIC_NONBLOCK | DRM_MODE_PAGE_FLIP_EVENT, user_data,
		      "page flip");
}

int pd_kms_disable(struct pd_kms *k)
{
	drmModeAtomicReqPtr req = drmModeAtomicAlloc();

	if (!req || add_plane(k, req, 0) ||
	    drmModeAtomicAddProperty(req, k->crtc_id, k->p_mode_id, 0) < 0 ||
	    drmModeAtomicAddProperty(req, k->crtc_id, k->p_active, 0) < 0 ||
	    drmModeAtomicAddProperty(req, k->conn_id, k->p_conn_crtc_id, 0) < 0) {
		drmModeAtomicFree(req);
		return -1;
	}
	return commit(k, req, DRM_MODE_ATOMIC_ALLOW_MODESET, NULL, "output off") ? -1 : 0;
}

static struct pd_flip_event *pending_event;

static void flip_handler(int fd, unsigned int sequence, unsigned int sec, unsigned int usec,
			 unsigned int crtc_id, void *data)
{
	(void)fd;
	(void)crtc_id;
	if (!pending_event)
		return;
	pending_event->user_data = data;
	pending_event->sequence = sequence;
	pending_event->time = sec + usec / 1e6;
	pending_event = NULL;
}

int pd_kms_wait_event(struct pd_kms *k, int timeout_ms, struct pd_flip_event *ev)
{
	drmEventContext ctx = {
		.version = 3,
		.page_flip_handler2 = flip_handler,
	};
	struct pollfd pfd = { .fd = k->fd, .events = POLLIN };
	int ret;

	ret = poll(&pfd, 1, timeout_ms);
	if (ret <= 0)
		return ret;
	pending_event = ev;
	ev->user_data = NULL;
	if (drmHandleEvent(k->fd, &ctx)) {
		pending_event = NULL;
		fprintf(stderr, "reading DRM events failed: %s\n", strerror(errno));
		return -1;
	}
	ret = pending_event ? 0 : 1;	/* a vblank event alone is not ours */
	pending_event = NULL;
	return ret;
}

int pd_kms_scanout(struct pd_kms *k, struct pd_scanout *s)
{
	struct drm_primedisp_gem_info info;
	drmModePlanePtr plane;
	drmModeFB2Ptr fb;
	int dmabuf;

	memset(s, 0, sizeof(*s));
	plane = drmModeGetPlane(k->fd, k->plane_id);
	if (!plane || !plane->fb_id) {
		fprintf(stderr, "the primary plane %u scans out nothing\n", k->plane_id);
		drmModeFreePlane(plane);
		return -1;
	}
	s->fb_id = plane->fb_id;
	drmModeFreePlane(plane);
	fb = drmModeGetFB2(k->fd, s->fb_id);
	if (!fb || !fb->handles[0]) {
		fprintf(stderr, "GETFB2 of fb %u gave no handle (%s): run as root\n", s->fb_id,
			strerror(errno));
		drmModeFreeFB2(fb);
		return -1;
	}
	s->handle = fb->handles[0];
	drmModeFreeFB2(fb);

	memset(&info, 0, sizeof(info));
	info.handle = s->handle;
	if (drmIoctl(k->fd, DRM_IOCTL_PRIMEDISP_GEM_INFO, &info)) {
		fprintf(stderr, "PRIMEDISP_GEM_INFO of handle %u failed: %s\n", s->handle,
			strerror(errno));
		pd_scanout_release(k, s);
		return -1;
	}
	s->gem_flags = info.flags;
	s->gem_size = info.size;
	if (drmPrimeHandleToFD(k->fd, s->handle, DRM_CLOEXEC, &dmabuf)) {
		fprintf(stderr, "PRIME export of the scanned-out object failed: %s\n",
			strerror(errno));
		pd_scanout_release(k, s);
		return -1;
	}
	s->dmabuf_ino = pd_fd_ino(dmabuf);
	close(dmabuf);
	return 0;
}

void pd_scanout_release(struct pd_kms *k, struct pd_scanout *s)
{
	if (s->handle)
		drmCloseBufferHandle(k->fd, s->handle);
	s->handle = 0;
}
