// SPDX-License-Identifier: GPL-2.0
/*
 * lib.c - devices, outputs, framebuffers, clocks and statistics for the
 * benchmark programs (see bench.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include <drm_fourcc.h>

#include "../igt-tests/lib/pd_compose_trace.h"
#include "bench.h"

void bench_die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "pdbench: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	exit(1);
}

double bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

double bench_cpu(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec * 1e-6 +
	       ru.ru_stime.tv_sec + ru.ru_stime.tv_usec * 1e-6;
}

int bench_open_fd(const char *driver)
{
	char path[64];

	for (int i = 0; i < 16; i++) {
		drmVersionPtr v;
		int fd;

		snprintf(path, sizeof(path), "/dev/dri/card%d", i);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		v = drmGetVersion(fd);
		if (v && !strcmp(v->name, driver)) {
			drmFreeVersion(v);
			return fd;
		}
		if (v)
			drmFreeVersion(v);
		close(fd);
	}
	return -1;
}

static int plane_type(int fd, uint32_t plane)
{
	drmModeObjectPropertiesPtr props =
		drmModeObjectGetProperties(fd, plane, DRM_MODE_OBJECT_PLANE);
	int type = -1;

	for (uint32_t i = 0; props && i < props->count_props; i++) {
		drmModePropertyPtr p = drmModeGetProperty(fd, props->props[i]);

		if (p && !strcmp(p->name, "type"))
			type = props->prop_values[i];
		drmModeFreeProperty(p);
	}
	drmModeFreeObjectProperties(props);
	return type;
}

/* The planes of CRTC @index: primary (per output), first overlay, cursor. */
static void find_planes(struct bench_dev *d, struct bench_output *o, bool first)
{
	drmModePlaneResPtr pr = drmModeGetPlaneResources(d->fd);

	for (uint32_t i = 0; pr && i < pr->count_planes; i++) {
		drmModePlanePtr p = drmModeGetPlane(d->fd, pr->planes[i]);
		int type;

		if (!p)
			continue;
		if (p->possible_crtcs & (1u << o->crtc_index)) {
			type = plane_type(d->fd, p->plane_id);
			if (type == DRM_PLANE_TYPE_PRIMARY && !o->primary)
				o->primary = p->plane_id;
			else if (first && type == DRM_PLANE_TYPE_OVERLAY && !d->overlay)
				d->overlay = p->plane_id;
			else if (first && type == DRM_PLANE_TYPE_CURSOR && !d->cursor)
				d->cursor = p->plane_id;
		}
		drmModeFreePlane(p);
	}
	drmModeFreePlaneResources(pr);
}

bool bench_open(struct bench_dev *d, const char *driver)
{
	drmModeResPtr res;
	uint32_t used = 0;
	struct stat st;

	memset(d, 0, sizeof(*d));
	d->fd = bench_open_fd(driver);
	if (d->fd < 0)
		return false;
	snprintf(d->driver, sizeof(d->driver), "%s", driver);
	if (drmSetClientCap(d->fd, DRM_CLIENT_CAP_UNIVERSAL_PLANES, 1) ||
	    drmSetClientCap(d->fd, DRM_CLIENT_CAP_ATOMIC, 1))
		bench_die("%s: no atomic mode setting", driver);
	fstat(d->fd, &st);
	snprintf(d->debugfs, sizeof(d->debugfs), "/sys/kernel/debug/dri/%u",
		 minor(st.st_rdev));

	res = drmModeGetResources(d->fd);
	if (!res)
		bench_die("%s: no KMS resources", driver);
	for (int c = 0; c < res->count_connectors && d->nout < BENCH_MAX_OUTPUTS; c++) {
		drmModeConnectorPtr conn = drmModeGetConnector(d->fd, res->connectors[c]);
		drmModeEncoderPtr enc;
		uint32_t possible = 0;

		if (!conn)
			continue;
		if (conn->connection != DRM_MODE_CONNECTED || conn->connector_type ==
		    DRM_MODE_CONNECTOR_WRITEBACK) {
			drmModeFreeConnector(conn);
			continue;
		}
		for (int e = 0; e < conn->count_encoders; e++) {
			enc = drmModeGetEncoder(d->fd, conn->encoders[e]);
			if (enc)
				possible |= enc->possible_crtcs;
			drmModeFreeEncoder(enc);
		}
		for (int k = 0; k < res->count_crtcs; k++) {
			struct bench_output *o = &d->out[d->nout];

			if (!(possible & (1u << k)) || (used & (1u << k)))
				continue;
			used |= 1u << k;
			o->conn = conn->connector_id;
			o->crtc = res->crtcs[k];
			o->crtc_index = k;
			find_planes(d, o, d->nout == 0);
			d->nout++;
			break;
		}
		drmModeFreeConnector(conn);
	}
	drmModeFreeResources(res);
	if (!d->nout)
		bench_die("%s: no connected output", driver);
	return true;
}

void bench_close(struct bench_dev *d)
{
	if (d->fd >= 0)
		close(d->fd);
	d->fd = -1;
}

uint32_t bench_prop(int fd, uint32_t obj, uint32_t type, const char *name)
{
	drmModeObjectPropertiesPtr props = drmModeObjectGetProperties(fd, obj, type);
	uint32_t id = 0;

	for (uint32_t i = 0; props && i < props->count_props && !id; i++) {
		drmModePropertyPtr p = drmModeGetProperty(fd, props->props[i]);

		if (p && !strcmp(p->name, name))
			id = p->prop_id;
		drmModeFreeProperty(p);
	}
	drmModeFreeObjectProperties(props);
	if (!id)
		bench_die("object %u has no property %s", obj, name);
	return id;
}

void bench_add(drmModeAtomicReqPtr req, int fd, uint32_t obj, uint32_t type,
	       const char *name, uint64_t value)
{
	if (drmModeAtomicAddProperty(req, obj, bench_prop(fd, obj, type, name), value) < 0)
		bench_die("cannot add %s to an atomic request", name);
}

uint32_t bench_mode_blob(int fd, int w, int h, int hz)
{
	drmModeModeInfo m = { 0 };
	uint32_t blob;

	m.hdisplay = w;
	m.hsync_start = w + 48;
	m.hsync_end = w + 80;
	m.htotal = w + 160;
	m.vdisplay = h;
	m.vsync_start = h + 3;
	m.vsync_end = h + 8;
	m.vtotal = h + 45;
	m.clock = ((uint64_t)m.htotal * m.vtotal * hz + 500) / 1000;
	m.vrefresh = hz;
	m.flags = DRM_MODE_FLAG_PHSYNC | DRM_MODE_FLAG_NVSYNC;
	m.type = DRM_MODE_TYPE_USERDEF;
	snprintf(m.name, sizeof(m.name), "%dx%d", w, h);
	if (drmModeCreatePropertyBlob(fd, &m, sizeof(m), &blob))
		bench_die("cannot create a mode blob: %s", strerror(errno));
	return blob;
}

void bench_req_modeset(struct bench_dev *d, drmModeAtomicReqPtr req, int i, uint32_t blob)
{
	bench_add(req, d->fd, d->out[i].conn, DRM_MODE_OBJECT_CONNECTOR, "CRTC_ID",
		  d->out[i].crtc);
	bench_add(req, d->fd, d->out[i].crtc, DRM_MODE_OBJECT_CRTC, "MODE_ID", blob);
	bench_add(req, d->fd, d->out[i].crtc, DRM_MODE_OBJECT_CRTC, "ACTIVE", 1);
}

void bench_req_plane(struct bench_dev *d, drmModeAtomicReqPtr req, int i, uint32_t plane,
		     const struct bench_fb *fb, int x, int y)
{
	const uint32_t t = DRM_MODE_OBJECT_PLANE;

	bench_add(req, d->fd, plane, t, "FB_ID", fb ? fb->id : 0);
	bench_add(req, d->fd, plane, t, "CRTC_ID", fb ? d->out[i].crtc : 0);
	if (!fb)
		return;
	bench_add(req, d->fd, plane, t, "SRC_X", 0);
	bench_add(req, d->fd, plane, t, "SRC_Y", 0);
	bench_add(req, d->fd, plane, t, "SRC_W", (uint64_t)fb->w << 16);
	bench_add(req, d->fd, plane, t, "SRC_H", (uint64_t)fb->h << 16);
	bench_add(req, d->fd, plane, t, "CRTC_X", (uint64_t)(int64_t)x);
	bench_add(req, d->fd, plane, t, "CRTC_Y", (uint64_t)(int64_t)y);
	bench_add(req, d->fd, plane, t, "CRTC_W", fb->w);
	bench_add(req, d->fd, plane, t, "CRTC_H", fb->h);
}

void bench_fb_create(int fd, uint32_t format, uint32_t w, uint32_t h, uint32_t seed,
		     struct bench_fb *fb)
{
	struct drm_mode_create_dumb cd = { .width = w, .height = h, .bpp = 32 };
	struct drm_mode_map_dumb md = { 0 };
	uint32_t handles[4] = { 0 }, pitches[4] = { 0 }, offsets[4] = { 0 };
	uint32_t x = seed * 2654435761u + 1;

	memset(fb, 0, sizeof(*fb));
	if (format == DRM_FORMAT_NV12) {
		cd.bpp = 8;
		cd.height = h + h / 2;
	}
	if (drmIoctl(fd, DRM_IOCTL_MODE_CREATE_DUMB, &cd))
		bench_die("CREATE_DUMB %ux%u: %s", w, h, strerror(errno));
	fb->handle = cd.handle;
	fb->pitch = cd.pitch;
	fb->size = cd.size;
	fb->w = w;
	fb->h = h;
	fb->format = format;
	md.handle = cd.handle;
	if (drmIoctl(fd, DRM_IOCTL_MODE_MAP_DUMB, &md))
		bench_die("MAP_DUMB: %s", strerror(errno));
	fb->map = mmap(NULL, fb->size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, md.offset);
	if (fb->map == MAP_FAILED)
		bench_die("mmap of a dumb buffer: %s", strerror(errno));
	/* xorshift: every byte differs, so nothing compresses or repeats */
	for (uint64_t i = 0; i + 4 <= fb->size; i += 4) {
		uint32_t v;

		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		v = x;
		memcpy(fb->map + i, &v, 4);
	}
	handles[0] = cd.handle;
	pitches[0] = cd.pitch;
	if (format == DRM_FORMAT_NV12) {
		handles[1] = cd.handle;
		pitches[1] = cd.pitch;
		offsets[1] = cd.pitch * h;
	}
	if (drmModeAddFB2(fd, w, h, format, handles, pitches, offsets, &fb->id, 0))
		bench_die("ADDFB2 %.4s %ux%u: %s", (const char *)&format, w, h, strerror(errno));
}

void bench_fb_destroy(int fd, struct bench_fb *fb)
{
	struct drm_mode_destroy_dumb dd = { .handle = fb->handle };

	if (fb->id)
		drmModeRmFB(fd, fb->id);
	if (fb->map)
		munmap(fb->map, fb->size);
	if (fb->handle)
		drmIoctl(fd, DRM_IOCTL_MODE_DESTROY_DUMB, &dd);
	memset(fb, 0, sizeof(*fb));
}

static void on_flip(int fd, unsigned int seq, unsigned int sec, unsigned int usec,
		    unsigned int crtc, void *data)
{
	struct bench_event *e = data;

	(void)fd;
	(void)crtc;
	e->seq = seq;
	e->sec = sec;
	e->usec = usec;
	e->pending--;
}

void bench_wait_events(int fd, struct bench_event *e)
{
	drmEventContext ctx = { .version = 3, .page_flip_handler2 = on_flip };

	while (e->pending > 0) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };

		if (poll(&pfd, 1, 5000) != 1)
			bench_die("no page-flip event within 5 s");
		drmHandleEvent(fd, &ctx);
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

struct bench_stats bench_stats(double *v, int n)
{
	struct bench_stats s = { 0 };

	if (n <= 0)
		return s;
	qsort(v, n, sizeof(*v), cmp_double);
	s.n = n;
	s.min = v[0];
	s.max = v[n - 1];
	s.median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	return s;
}

void bench_result(const char *name, const char *unit, double *v, int n)
{
	struct bench_stats s = bench_stats(v, n);

	if (!n) {
		printf("RESULT %s - - - %s\n", name, unit);
		return;
	}
	printf("RESULT %s %.6g %.6g %.6g %s\n", name, s.median, s.min, s.max, unit);
	fflush(stdout);
}

bool bench_composer_counters(const struct bench_dev *d, long long *frames,
			     long long *bytes, long long *ns)
{
	(void)d;
	return pd_compose_trace_read(frames, bytes, ns);
}
