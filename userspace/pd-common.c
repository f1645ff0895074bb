// SPDX-License-Identifier: GPL-2.0
/*
 * pd-common.c - small helpers shared by primedisp's userspace tools.
 *
 * Copyright (C) 2026 The primedisp authors
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xf86drm.h>
#include <xf86drmMode.h>

#include "pd-common.h"

static int is_primedisp(int fd)
{
	drmVersionPtr v = drmGetVersion(fd);
	int ok = v && v->name && strcmp(v->name, "primedisp") == 0;

	drmFreeVersion(v);
	return ok;
}

/* The first PREFIX<i> node, first <= i < first + 16, of driver @driver. */
static int open_node_of(const char *prefix, int first, const char *driver)
{
	char node[32];
	int fd, i;

	for (i = first; i < first + 16; i++) {
		drmVersionPtr v;
		int ok;

		snprintf(node, sizeof(node), "%s%d", prefix, i);
		fd = open(node, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		v = drmGetVersion(fd);
		ok = v && v->name && strcmp(v->name, driver) == 0;
		drmFreeVersion(v);
		if (ok)
			return fd;
		close(fd);
	}
	return -1;
}

int pd_open_card_of(const char *driver)
{
	return open_node_of("/dev/dri/card", 0, driver);
}

int pd_open_render_node(const char *path)
{
	int fd;

	if (path) {
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			fprintf(stderr, "cannot open %s: %s\n", path, strerror(errno));
		else if (!is_primedisp(fd))
			fprintf(stderr, "note: %s is not a primedisp device; its GEM_CREATE "
				"ioctl will not be primedisp's\n", path);
		return fd;
	}
	fd = open_node_of("/dev/dri/renderD", 128, "primedisp");
	if (fd < 0)
		fprintf(stderr, "no primedisp render node in /dev/dri: load the module "
			"(insmod primedisp.ko), check access to /dev/dri/renderD* (group "
			"render) or pass --render-node\n");
	return fd;
}

const char *pd_fourcc_str(uint32_t fourcc, char *buf)
{
	for (int i = 0; i < 4; i++) {
		char ch = (char)(fourcc >> (8 * i));

		if (ch < ' ' || ch > '~') {
			snprintf(buf, PD_FOURCC_LEN, "0x%08x", fourcc);
			return buf;
		}
		buf[i] = ch;
	}
	buf[4] = '\0';
	return buf;
}

uint32_t pd_fourcc_parse(const char *s)
{
	size_t n = strlen(s);
	char c[4] = { ' ', ' ', ' ', ' ' };

	if (n < 2 || n > 4)
		return 0;
	memcpy(c, s, n);
	return (uint32_t)c[0] | (uint32_t)c[1] << 8 | (uint32_t)c[2] << 16 |
	       (uint32_t)c[3] << 24;
}

int pd_open_device(const char *path)
{
	char node[32];
	int fd, i;

	if (path) {
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			fprintf(stderr, "cannot open %s: %s\n", path, strerror(errno));
		return fd;
	}
	for (i = 0; i < 16; i++) {
		snprintf(node, sizeof(node), "/dev/dri/card%d", i);
		fd = open(node, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (is_primedisp(fd))
			return fd;
		close(fd);
	}
	fprintf(stderr, "no primedisp device in /dev/dri: load the module "
		"(insmod primedisp.ko) or pass --device\n");
	return -1;
}

int pd_find_output(int fd, unsigned int w, unsigned int h, struct pd_output *out)
{
	drmModeResPtr res = drmModeGetResources(fd);
	int i, j, ret = -1;

	if (!res) {
		fprintf(stderr, "GETRESOURCES failed: %s (is this a KMS device?)\n",
			strerror(errno));
		return -1;
	}
	for (i = 0; i < res->count_connectors && ret; i++) {
		drmModeConnectorPtr conn = drmModeGetConnector(fd, res->connectors[i]);
		drmModeEncoderPtr enc;

		if (!conn)
			continue;
		if (conn->connection != DRM_MODE_CONNECTED || !conn->count_modes ||
		    !conn->count_encoders) {
			drmModeFreeConnector(conn);
			continue;
		}
		enc = drmModeGetEncoder(fd, conn->encoders[0]);
		for (j = 0; enc && j < res->count_crtcs; j++) {
			if (enc->possible_crtcs & (1u << j)) {
				out->crtc_id = res->crtcs[j];
				break;
			}
		}
		drmModeFreeEncoder(enc);
		out->connector_id = conn->connector_id;
		for (j = 0; j < conn->count_modes; j++) {
			drmModeModeInfo *m = &conn->modes[j];

			if (w ? (m->hdisplay == w && m->vdisplay == h) :
				(m->type & DRM_MODE_TYPE_PREFERRED)) {
				out->mode = *m;
				ret = 0;
				break;
			}
		}
		if (ret && w)
			fprintf(stderr, "connector %u has no %ux%u mode\n",
				conn->connector_id, w, h);
		drmModeFreeConnector(conn);
	}
	drmModeFreeResources(res);
	if (ret && !w)
		fprintf(stderr, "no connected connector with a preferred mode\n");
	return ret;
}

int pd_map_handle(int fd, uint32_t handle, size_t size, struct pd_mapping *m)
{
	struct drm_mode_map_dumb map = { .handle = handle };

	if (drmIoctl(fd, DRM_IOCTL_MODE_MAP_DUMB, &map)) {
		fprintf(stderr, "MAP_DUMB failed: %s\n", strerror(errno));
		return -1;
	}
	m->ptr = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, map.offset);
	if (m->ptr == MAP_FAILED) {
		fprintf(stderr, "mmap of %zu bytes failed: %s\n", size, strerror(errno));
		m->ptr = NULL;
		return -1;
	}
	m->size = size;
	return 0;
}

void pd_unmap(struct pd_mapping *m)
{
	if (m->ptr)
		munmap(m->ptr, m->size);
	m->ptr = NULL;
}

int pd_dumb_create(int fd, uint32_t w, uint32_t h, uint32_t bpp, struct pd_dumb *d)
{
	struct drm_mode_create_dumb c = { .width = w, .height = h, .bpp = bpp };

	memset(d, 0, sizeof(*d));
	if (drmIoctl(fd, DRM_IOCTL_MODE_CREATE_DUMB, &c)) {
		fprintf(stderr, "CREATE_DUMB %ux%u@%u failed: %s\n", w, h, bpp,
			strerror(errno));
		return -1;
	}
	d->handle = c.handle;
	d->width = w;
	d->height = h;
	d->pitch = c.pitch;
	d->size = c.size;
	if (pd_map_handle(fd, d->handle, d->size, &d->map)) {
		pd_dumb_destroy(fd, d);
		return -1;
	}
	return 0;
}

void pd_dumb_destroy(int fd, struct pd_dumb *d)
{
	struct drm_mode_destroy_dumb destroy = { .handle = d->handle };

	pd_unmap(&d->map);
	if (d->handle)
		drmIoctl(fd, DRM_IOCTL_MODE_DESTROY_DUMB, &destroy);
	d->handle = 0;
}

unsigned int pd_parse_uint(const char *tool, const char *s, const char *opt, bool *bad)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || *end || end == s || v > 1000000) {
		fprintf(stderr, "%s: %s wants a number, not \"%s\"\n", tool, opt, s);
		*bad = true;
	}
	return v;
}

void pd_hold_stdin(uint32_t crtc_id, volatile sig_atomic_t *stop)
{
	char buf[256];

	printf("holding the last frame on CRTC %u: close stdin (Ctrl-D) or press Ctrl-C to "
	       "exit\n", crtc_id);
	fflush(stdout);
	while (!*stop) {
		ssize_t r = read(STDIN_FILENO, buf, sizeof(buf));

		if (r == 0 || (r < 0 && errno != EINTR))
			break;
	}
}

void pd_draw_bars(uint32_t *px, unsigned int w, unsigned int h, unsigned int stride)
{
	static const uint32_t bars[] = {
		0xffffff, 0xffff00, 0x00ffff, 0x00ff00,
		0xff00ff, 0xff0000, 0x0000ff, 0x000000,
	};

	for (unsigned int y = 0; y < h; y++) {
		uint32_t *row = px + (size_t)y * (stride / 4);

		for (unsigned int x = 0; x < w; x++) {
			if (y < h * 3 / 4) {
				row[x] = bars[x * 8 / w];
			} else {
				uint32_t g = w > 1 ? x * 255 / (w - 1) : 0;

				row[x] = g << 16 | g << 8 | g;
			}
			/* a one-pixel white frame shows the edges are exact */
			if (x == 0 || y == 0 || x == w - 1 || y == h - 1)
				row[x] = 0xffffff;
		}
	}
}

uint32_t pd_prop_lookup(int fd, uint32_t obj, uint32_t type, const char *name,
			uint64_t *val)
{
	drmModeObjectPropertiesPtr props = drmModeObjectGetProperties(fd, obj, type);
	uint32_t id = 0;

	for (uint32_t i = 0; props && i < props->count_props && !id; i++) {
		drmModePropertyPtr p = drmModeGetProperty(fd, props->props[i]);

		if (p && !strcmp(p->name, name)) {
			id = p->prop_id;
			if (val)
				*val = props->prop_values[i];
		}
		drmModeFreeProperty(p);
	}
	drmModeFreeObjectProperties(props);
	return id;
}

uint32_t pd_prop_id(int fd, uint32_t obj, uint32_t type, const char *name)
{
	return pd_prop_lookup(fd, obj, type, name, NULL);
}

uint32_t pd_writeback_connector(int fd, int crtc_index)
{
	drmModeResPtr res = drmModeGetResources(fd);
	uint32_t wb = 0;

	for (int i = 0; res && i < res->count_connectors && !wb; i++) {
		drmModeConnectorPtr c = drmModeGetConnector(fd, res->connectors[i]);

		if (c && c->connector_type == DRM_MODE_CONNECTOR_WRITEBACK && c->count_encoders) {
			drmModeEncoderPtr e = drmModeGetEncoder(fd, c->encoders[0]);

			if (e && (e->possible_crtcs & (1u << crtc_index)))
				wb = c->connector_id;
			drmModeFreeEncoder(e);
		}
		drmModeFreeConnector(c);
	}
	drmModeFreeResources(res);
	return wb;
}

int pd_writeback_capture(const char *tool, int fd, uint32_t crtc_id, uint32_t wb_conn,
			 uint32_t fb_id, int timeout_ms)
{
	drmModeAtomicReqPtr req = drmModeAtomicAlloc();
	int32_t fence = -1;
	struct pollfd pfd;
	int ret;

	drmModeAtomicAddProperty(req, wb_conn,
				 pd_prop_id(fd, wb_conn, DRM_MODE_OBJECT_CONNECTOR, "CRTC_ID"),
				 crtc_id);
	drmModeAtomicAddProperty(req, wb_conn,
				 pd_prop_id(fd, wb_conn, DRM_MODE_OBJECT_CONNECTOR,
					    "WRITEBACK_FB_ID"), fb_id);
	drmModeAtomicAddProperty(req, wb_conn,
				 pd_prop_id(fd, wb_conn, DRM_MODE_OBJECT_CONNECTOR,
					    "WRITEBACK_OUT_FENCE_PTR"),
				 (uint64_t)(uintptr_t)&fence);
	ret = drmModeAtomicCommit(fd, req, DRM_MODE_ATOMIC_ALLOW_MODESET, NULL);
	drmModeAtomicFree(req);
	if (ret) {
		fprintf(stderr, "%s: the writeback commit failed: %s%s\n", tool, strerror(-ret),
			ret == -EACCES || ret == -EPERM ?
			" (not DRM master: is a compositor running? run as root without one)" : "");
		return -1;
	}
	pfd = (struct pollfd){ .fd = fence, .events = POLLIN };
	ret = poll(&pfd, 1, timeout_ms);
	close(fence);
	if (ret != 1) {
		fprintf(stderr, "%s: the capture did not complete within %d ms\n", tool,
			timeout_ms);
		return -1;
	}
	return 0;
}
