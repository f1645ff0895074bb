// SPDX-License-Identifier: GPL-2.0
/*
 * pd_client - real display clients in tests, and what they put on the
 * screen.  See pd_client.h.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <drm_fourcc.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include "pd_client.h"
#include "pd_crc.h"
#include "pd_kms.h"
#include "pdtest.h"

/* ---- client processes ------------------------------------------------------- */

void pd_client_require(const char *path, const char *package)
{
	pd_require(access(path, X_OK) == 0, "%s not found (apt-get install %s)", path, package);
}

void pd_client_show(const char *what, const char *text, int max_lines)
{
	const char *line = text ? text : "";
	int lines = 0, skip;

	for (const char *c = line; *c; c++)
		lines += *c == '\n';
	if (*line && line[strlen(line) - 1] != '\n')
		lines++;
	skip = max_lines > 0 && lines > max_lines ? lines - max_lines : 0;
	pd_info("---- %s%s ----", what, skip ? " (last lines)" : "");
	while (line && *line) {
		const char *nl = strchr(line, '\n');
		int len = nl ? (int)(nl - line) : (int)strlen(line);

		if (skip)
			skip--;
		else
			pd_info("  %.*s", len, line);
		line = nl ? nl + 1 : NULL;
	}
	pd_info("---- end of %s ----", what);
}

bool pd_client_wait_output(struct pd_proc *p, const char *needle, int timeout_ms)
{
	double end = pd_now() + timeout_ms / 1000.0;

	for (;;) {
		char *out = pd_proc_output(p);
		bool found = strstr(out, needle) != NULL;

		free(out);
		if (found)
			return true;
		if (pd_proc_poll(p) || pd_now() > end) {
			/* One last look: it may have printed it just before. */
			out = pd_proc_output(p);
			found = strstr(out, needle) != NULL;
			free(out);
			return found;
		}
		pd_msleep(100);
	}
}

int pd_client_stop(struct pd_proc *p, int sig, int timeout_ms)
{
	double end = pd_now() + timeout_ms / 1000.0;

	if (pd_proc_poll(p))
		return p->status;
	kill(p->pid, sig);
	while (!pd_proc_poll(p)) {
		if (pd_now() > end) {
			kill(p->pid, SIGKILL);
			while (!pd_proc_poll(p))
				pd_msleep(5);
			return -1;
		}
		pd_msleep(20);
	}
	return p->status;
}

int pd_count_lines(const char *text, const char *needle)
{
	int n = 0;

	while (text && *text) {
		const char *nl = strchr(text, '\n');
		size_t len = nl ? (size_t)(nl - text) : strlen(text);

		if (memmem(text, len, needle, strlen(needle)))
			n++;
		text = nl ? nl + 1 : NULL;
	}
	return n;
}

/* ---- the screen ------------------------------------------------------------------ */

static uint64_t prop_value(int fd, uint32_t obj, uint32_t type, const char *name, bool *found)
{
	drmModeObjectProperties *props = drmModeObjectGetProperties(fd, obj, type);
	uint64_t value = 0;

	*found = false;
	for (uint32_t i = 0; props && i < props->count_props && !*found; i++) {
		drmModePropertyRes *p = drmModeGetProperty(fd, props->props[i]);

		if (p && !strcmp(p->name, name)) {
			value = props->prop_values[i];
			*found = true;
		}
		drmModeFreeProperty(p);
	}
	drmModeFreeObjectProperties(props);
	return value;
}

void pd_screen_open(struct pd_screen *s)
{
	struct pd_kms_output out;
	drmModePlaneRes *planes;
	char dir[64], path[128];
	int minor;

	memset(s, 0, sizeof(*s));
	s->fd = pd_open_card(NULL);
	/* The first opener of a card without master becomes master. */
	if (drmIsMaster(s->fd))
		pd_assert_f(drmDropMaster(s->fd) == 0, "cannot drop DRM master");
	minor = pd_drm_minor_of(s->fd);
	pd_assert(minor >= 0);
	snprintf(s->card, sizeof(s->card), "card%d", minor);
	snprintf(s->path, sizeof(s->path), "/dev/dri/card%d", minor);
	pd_assert(drmSetClientCap(s->fd, DRM_CLIENT_CAP_UNIVERSAL_PLANES, 1) == 0);

	pd_kms_find_output(s->fd, &out);
	s->conn = out.conn;
	s->crtc = out.crtc;
	s->crtc_idx = out.crtc_index;
	s->pref = out.mode;

	planes = drmModeGetPlaneResources(s->fd);
	pd_assert_f(planes, "drmModeGetPlaneResources failed");
	for (uint32_t i = 0; i < planes->count_planes && !s->plane; i++) {
		drmModePlane *p = drmModeGetPlane(s->fd, planes->planes[i]);
		bool found;

		if (p && (p->possible_crtcs & (1u << s->crtc_idx)) &&
		    prop_value(s->fd, p->plane_id, DRM_MODE_OBJECT_PLANE, "type", &found) ==
		    DRM_PLANE_TYPE_PRIMARY && found)
			s->plane = p->plane_id;
		drmModeFreePlane(p);
	}
	drmModeFreePlaneResources(planes);
	pd_assert_f(s->plane, "no primary plane for CRTC %u", s->crtc);

	pd_require(pd_debugfs_dir(s->fd, dir, sizeof(dir)), "debugfs not available");
	snprintf(path, sizeof(path), "%s/crtc-%d/crc/control", dir, s->crtc_idx);
	pd_require(access(path, W_OK) == 0, "no CRC interface: %s: %s", path, strerror(errno));
	pd_info("screen: %s, connector %u, CRTC %u (index %d), primary plane %u, preferred %s",
		s->path, s->conn, s->crtc, s->crtc_idx, s->plane, s->pref.name);
}

void pd_screen_close(struct pd_screen *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}

struct pd_crtc_view pd_screen_view(struct pd_screen *s)
{
	drmModeCrtc *c = drmModeGetCrtc(s->fd, s->crtc);
	struct pd_crtc_view v = { 0 };

	pd_assert_f(c, "drmModeGetCrtc(%u) failed", s->crtc);
	v.active = c->mode_valid;
	v.w = c->mode_valid ? c->mode.hdisplay : 0;
	v.h = c->mode_valid ? c->mode.vdisplay : 0;
	v.fb = c->buffer_id;
	v.x = c->x;
	v.y = c->y;
	drmModeFreeCrtc(c);
	return v;
}

bool pd_screen_wait(struct pd_screen *s, uint32_t w, uint32_t h, uint32_t not_fb,
		    int timeout_ms, struct pd_proc *p, struct pd_crtc_view *v)
{
	double end = pd_now() + timeout_ms / 1000.0;

	for (;;) {
		*v = pd_screen_view(s);
		if (v->active && v->fb && v->fb != not_fb && (!w || (v->w == w && v->h == h)))
			return true;
		if ((p && pd_proc_poll(p)) || pd_now() > end)
			return false;
		pd_msleep(50);
	}
}

uint32_t pd_screen_crc(struct pd_screen *s)
{
	uint32_t crc = 0;

	pd_assert_f(pd_crtc_crc(s->fd, s->crtc_idx, &crc), "cannot read CRCs of CRTC %d",
		    s->crtc_idx);
	return crc;
}

uint32_t pd_solid_crc(uint32_t w, uint32_t h, uint32_t rgb)
{
	uint8_t *line = malloc((size_t)w * 4);
	uint32_t crc = ~0u;

	pd_assert(line);
	for (uint32_t x = 0; x < w; x++) {
		line[4 * x] = rgb & 0xff;
		line[4 * x + 1] = (rgb >> 8) & 0xff;
		line[4 * x + 2] = (rgb >> 16) & 0xff;
		line[4 * x + 3] = 0;
	}
	for (uint32_t y = 0; y < h; y++)
		crc = pd_crc32(crc, line, (size_t)w * 4);
	free(line);
	return ~crc;
}

bool pd_screen_plane_has_format(struct pd_screen *s, uint32_t format)
{
	drmModePlane *p = drmModeGetPlane(s->fd, s->plane);
	bool has = false;

	pd_assert_f(p, "drmModeGetPlane(%u) failed", s->plane);
	for (uint32_t i = 0; i < p->count_formats; i++)
		has |= p->formats[i] == format;
	drmModeFreePlane(p);
	return has;
}

/* @n pixels of @format at @src as 0x00RRGGBB words; false for other formats. */
static bool read_line(uint32_t format, const uint8_t *src, uint32_t *dst, uint32_t n)
{
	switch (format) {
	case DRM_FORMAT_XRGB8888:
	case DRM_FORMAT_ARGB8888:	/* bytes B G R X */
		for (uint32_t i = 0; i < n; i++, src += 4)
			dst[i] = src[2] << 16 | src[1] << 8 | src[0];
		return true;
	case DRM_FORMAT_XBGR8888:
	case DRM_FORMAT_ABGR8888:	/* bytes R G B X */
		for (uint32_t i = 0; i < n; i++, src += 4)
			dst[i] = src[0] << 16 | src[1] << 8 | src[2];
		return true;
	case DRM_FORMAT_RGB888:		/* bytes B G R */
		for (uint32_t i = 0; i < n; i++, src += 3)
			dst[i] = src[2] << 16 | src[1] << 8 | src[0];
		return true;
	case DRM_FORMAT_BGR888:		/* bytes R G B */
		for (uint32_t i = 0; i < n; i++, src += 3)
			dst[i] = src[0] << 16 | src[1] << 8 | src[2];
		return true;
	case DRM_FORMAT_RGB565:
		/* 5/6/5 bits widened by replicating their high bits (full scale 0xff). */
		for (uint32_t i = 0; i < n; i++, src += 2) {
			uint32_t v = src[0] | src[1] << 8;
			uint32_t r = v >> 11, g = (v >> 5) & 0x3f, b = v & 0x1f;

			dst[i] = (r << 3 | r >> 2) << 16 | (g << 2 | g >> 4) << 8 | (b << 3 | b >> 2);
		}
		return true;
	default:
		return false;
	}
}

static bool known_format(uint32_t format)
{
	uint32_t px;

	/* read_line() knows the format if it converts a pixel of zeroes. */
	return read_line(format, (const uint8_t[4]){ 0 }, &px, 1);
}

static uint32_t format_cpp(uint32_t format)
{
	switch (format) {
	case DRM_FORMAT_RGB565:
		return 2;
	case DRM_FORMAT_RGB888:
	case DRM_FORMAT_BGR888:
		return 3;
	default:
		return 4;
	}
}

bool pd_fb_crc(struct pd_screen *s, uint32_t fb_id, const struct pd_crtc_view *v,
	       uint32_t *crc, struct pd_fb_info *info)
{
	drmModeFB2 *fb = drmModeGetFB2(s->fd, fb_id);
	uint32_t seen[64], counts[64] = { 0 }, nseen = 0, prev = ~0u, prev_i = 0, *px = NULL;
	uint8_t *map = MAP_FAILED, *line = NULL;
	uint64_t offset = 0;
	size_t size = 0;
	bool ok = false;

	if (!fb)
		return false;
	if (!fb->handles[0] || fb->modifier != DRM_FORMAT_MOD_LINEAR ||
	    !known_format(fb->pixel_format) ||
	    v->x + v->w > fb->width || v->y + v->h > fb->height)
		goto out;
	if (__pd_dumb_map_offset(s->fd, fb->handles[0], &offset))
		goto out;
	size = (size_t)fb->offsets[0] + (size_t)fb->pitches[0] * fb->height;
	map = mmap(NULL, size, PROT_READ, MAP_SHARED, s->fd, offset);
	if (map == MAP_FAILED)
		goto out;

	px = malloc(v->w * sizeof(*px));
	line = malloc((size_t)v->w * 4);
	pd_assert(px && line);
	*crc = ~0u;
	for (uint32_t y = 0; y < v->h; y++) {
		const uint8_t *src = map + fb->offsets[0] + (size_t)(v->y + y) * fb->pitches[0] +
				     (size_t)v->x * format_cpp(fb->pixel_format);

		read_line(fb->pixel_format, src, px, v->w);
		for (uint32_t x = 0; x < v->w; x++) {
			uint32_t c = px[x];

			line[4 * x] = c;
			line[4 * x + 1] = c >> 8;
			line[4 * x + 2] = c >> 16;
			line[4 * x + 3] = 0;
			if (c != prev) {
				uint32_t i;

				for (i = 0; i < nseen && seen[i] != c; i++)
					;
				if (i == nseen && nseen < 64)
					seen[nseen++] = c;
				prev = c;
				prev_i = i;
			}
			if (prev_i < 64)
				counts[prev_i]++;
		}
		*crc = pd_crc32(*crc, line, (size_t)v->w * 4);
	}
	*crc = ~*crc;
	if (info) {
		memset(info, 0, sizeof(*info));
		info->format = fb->pixel_format;
		info->pitch = fb->pitches[0];
		info->colours = nseen;
		for (uint32_t i = 0; i < nseen && i < 8; i++) {
			info->colour[i] = seen[i];
			info->count[i] = counts[i];
		}
	}
	ok = true;
out:
	free(px);
	free(line);
	if (map != MAP_FAILED)
		munmap(map, size);
	for (int i = 0; i < 4; i++) {
		bool dup = false;

		for (int j = 0; j < i; j++)
			dup |= fb->handles[j] == fb->handles[i];
		if (fb->handles[i] && !dup) {
			struct drm_gem_close cl = { .handle = fb->handles[i] };

			drmIoctl(s->fd, DRM_IOCTL_GEM_CLOSE, &cl);
		}
	}
	drmModeFreeFB2(fb);
	return ok;
}

const char *pd_fb_info_str(const struct pd_fb_info *info)
{
	static char buf[256];
	size_t n;

	n = snprintf(buf, sizeof(buf), "%.4s pitch %u, %d%s colours:", (const char *)&info->format,
		     info->pitch, info->colours, info->colours >= 64 ? "+" : "");
	for (int i = 0; i < info->colours && i < 8 && n < sizeof(buf); i++)
		n += snprintf(buf + n, sizeof(buf) - n, " %06x x%u", info->colour[i], info->count[i]);
	return buf;
}

void pd_screen_sample(struct pd_screen *s, struct pd_sample *out)
{
	struct pd_crtc_view before, after, end;

	memset(out, 0, sizeof(*out));
	before = pd_screen_view(s);
	out->crc = pd_screen_crc(s);
	after = pd_screen_view(s);
	out->fb = after.fb;
	out->w = after.w;
	out->h = after.h;
	if (before.fb != after.fb || before.w != after.w || before.h != after.h || !after.fb)
		return;
	if (!pd_fb_crc(s, after.fb, &after, &out->ref, &out->info))
		return;
	end = pd_screen_view(s);
	if (end.fb != after.fb)
		return;
	out->checked = true;
	out->match = out->crc == out->ref;
}
