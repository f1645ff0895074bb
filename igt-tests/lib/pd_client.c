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
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/dma-buf.h>

#include <drm_fourcc.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include "pd_atomic.h"
#include "pd_client.h"
#include "pd_crc.h"
#include "pd_kms.h"
#include "pd_ref.h"
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

/* The plane properties pd_screen_planes() reads, in pd_screen.plane_prop order. */
static const char *const plane_prop_names[PD_SCREEN_PLANE_PROPS] = {
	"CRTC_ID", "FB_ID", "SRC_X", "SRC_Y", "SRC_W", "SRC_H",
	"CRTC_X", "CRTC_Y", "CRTC_W", "CRTC_H",
	"rotation", "alpha", "pixel blend mode", "zpos", "COLOR_ENCODING", "COLOR_RANGE",
};

enum {
	P_CRTC_ID, P_FB_ID, P_SRC_X, P_SRC_Y, P_SRC_W, P_SRC_H,
	P_CRTC_X, P_CRTC_Y, P_CRTC_W, P_CRTC_H,
	P_ROTATION, P_ALPHA, P_BLEND, P_ZPOS, P_ENCODING, P_RANGE,
};

/*
 * The defaults of the properties clients may not know, as DRM creates them
 * (enum entries by name): what pd_screen_open() resets.
 */
static const struct {
	int prop;
	const char *entry;	/* enum entry, or NULL for @value */
	uint64_t value;
} plane_prop_defaults[] = {
	{ P_ROTATION, NULL, DRM_MODE_ROTATE_0 },
	{ P_ALPHA, NULL, 0xffff },
	{ P_BLEND, "Pre-multiplied", 0 },
	{ P_ENCODING, "ITU-R BT.601 YCbCr", 0 },
	{ P_RANGE, "YCbCr limited range", 0 },
};

static uint64_t prop_value(int fd, uint32_t obj, uint32_t type, const char *name, bool *found)
{
	uint64_t value = 0;

	*found = __pd_prop_get(fd, obj, type, name, &value);
	return value;
}

/* Value of enum entry @entry of property @prop_id; false if it has none. */
static bool enum_value(int fd, uint32_t prop_id, const char *entry, uint64_t *value)
{
	drmModePropertyRes *p = drmModeGetProperty(fd, prop_id);
	bool found = false;

	for (int i = 0; p && i < p->count_enums && !found; i++) {
		if (!strcmp(p->enums[i].name, entry)) {
			*value = p->enums[i].value;
			found = true;
		}
	}
	drmModeFreeProperty(p);
	return found;
}

/*
 * Commit the defaults of plane_prop_defaults[] where a plane differs, and
 * turn the CRTC's colour management off.
 */
static void reset_plane_props(struct pd_screen *s)
{
	drmModeAtomicReq *req = drmModeAtomicAlloc();
	struct pd_screen_planes sp;
	char changed[512] = "";
	size_t len = 0;
	int n = 0, ret;

	pd_assert(req);
	pd_screen_planes(s, &sp);
	for (int i = 0; i < s->nplanes; i++) {
		const struct pd_plane_view *v = &sp.p[i];
		const uint64_t cur[] = {
			[P_ROTATION] = v->rotation, [P_ALPHA] = v->alpha, [P_BLEND] = v->blend,
			[P_ENCODING] = v->encoding, [P_RANGE] = v->range,
		};

		for (size_t k = 0; k < sizeof(plane_prop_defaults) / sizeof(plane_prop_defaults[0]); k++) {
			int prop = plane_prop_defaults[k].prop;
			uint32_t id = s->plane_prop[i][prop];
			uint64_t def = plane_prop_defaults[k].value;

			if (!id)
				continue;
			if (plane_prop_defaults[k].entry)
				pd_assert_f(enum_value(s->fd, id, plane_prop_defaults[k].entry, &def),
					    "plane %u: property \"%s\" has no entry \"%s\"", s->planes[i],
					    plane_prop_names[prop], plane_prop_defaults[k].entry);
			if (cur[prop] == def)
				continue;
			pd_assert(drmModeAtomicAddProperty(req, s->planes[i], id, def) >= 0);
			if (len < sizeof(changed))
				len += snprintf(changed + len, sizeof(changed) - len, " %u:%s=%llu",
						s->planes[i], plane_prop_names[prop],
						(unsigned long long)cur[prop]);
			n++;
		}
	}
	/* And the CRTC's colour management off (clients may not know it). */
	for (size_t k = 0; k < 3; k++) {
		static const char *const names[] = { "DEGAMMA_LUT", "CTM", "GAMMA_LUT" };
		uint32_t id = pd_prop_id(s->fd, s->crtc, DRM_MODE_OBJECT_CRTC, names[k]);

		if (!id || !pd_prop_get(s->fd, s->crtc, DRM_MODE_OBJECT_CRTC, names[k]))
			continue;
		pd_assert(drmModeAtomicAddProperty(req, s->crtc, id, 0) >= 0);
		if (len < sizeof(changed))
			len += snprintf(changed + len, sizeof(changed) - len, " crtc %u:%s",
					s->crtc, names[k]);
		n++;
	}
	if (n) {
		ret = drmModeAtomicCommit(s->fd, req, 0, NULL);
		pd_assert_f(ret == 0, "resetting %d plane properties failed (%d):%s", n, ret, changed);
		pd_info("plane properties left by an earlier test reset to their defaults:%s", changed);
	}
	drmModeAtomicFree(req);
}

void pd_screen_open(struct pd_screen *s)
{
	struct pd_kms_output out;
	drmModePlaneRes *planes;
	char dir[64], path[128];
	int minor;

	memset(s, 0, sizeof(*s));
	s->fd = pd_open_card(NULL);
	minor = pd_drm_minor_of(s->fd);
	pd_assert(minor >= 0);
	snprintf(s->card, sizeof(s->card), "card%d", minor);
	snprintf(s->path, sizeof(s->path), "/dev/dri/card%d", minor);
	pd_assert(drmSetClientCap(s->fd, DRM_CLIENT_CAP_UNIVERSAL_PLANES, 1) == 0);
	pd_assert_f(drmSetClientCap(s->fd, DRM_CLIENT_CAP_ATOMIC, 1) == 0,
		    "no atomic modesetting: the planes' properties cannot be read");

	pd_kms_find_output(s->fd, &out);
	s->conn = out.conn;
	s->crtc = out.crtc;
	s->crtc_idx = out.crtc_index;
	s->pref = out.mode;

	planes = drmModeGetPlaneResources(s->fd);
	pd_assert_f(planes, "drmModeGetPlaneResources failed");
	for (uint32_t i = 0; i < planes->count_planes; i++) {
		drmModePlane *p = drmModeGetPlane(s->fd, planes->planes[i]);
		bool found;
		int type;

		if (!p || !(p->possible_crtcs & (1u << s->crtc_idx))) {
			drmModeFreePlane(p);
			continue;
		}
		pd_assert_f(s->nplanes < PD_SCREEN_MAX_PLANES, "more than %d planes for CRTC %u",
			    PD_SCREEN_MAX_PLANES, s->crtc);
		type = (int)prop_value(s->fd, p->plane_id, DRM_MODE_OBJECT_PLANE, "type", &found);
		pd_assert_f(found, "plane %u has no \"type\" property", p->plane_id);
		if (type == DRM_PLANE_TYPE_PRIMARY && !s->plane)
			s->plane = p->plane_id;
		s->planes[s->nplanes] = p->plane_id;
		s->plane_type[s->nplanes] = type;
		for (int k = 0; k < PD_SCREEN_PLANE_PROPS; k++)
			s->plane_prop[s->nplanes][k] = pd_prop_id(s->fd, p->plane_id,
								  DRM_MODE_OBJECT_PLANE,
								  plane_prop_names[k]);
		for (int k = P_CRTC_ID; k <= P_CRTC_H; k++)
			pd_assert_f(s->plane_prop[s->nplanes][k], "plane %u has no property %s",
				    p->plane_id, plane_prop_names[k]);
		s->nplanes++;
		drmModeFreePlane(p);
	}
	drmModeFreePlaneResources(planes);
	pd_assert_f(s->plane, "no primary plane for CRTC %u", s->crtc);

	/* The first opener of a card without master becomes master. */
	if (drmIsMaster(s->fd)) {
		reset_plane_props(s);
		pd_assert_f(drmDropMaster(s->fd) == 0, "cannot drop DRM master");
	} else {
		pd_info("another process is DRM master: plane properties left as they are");
	}

	pd_require(pd_debugfs_dir(s->fd, dir, sizeof(dir)), "debugfs not available");
	snprintf(path, sizeof(path), "%s/crtc-%d/crc/control", dir, s->crtc_idx);
	pd_require(access(path, W_OK) == 0, "no CRC interface: %s: %s", path, strerror(errno));
	pd_info("screen: %s, connector %u, CRTC %u (index %d), primary plane %u of %d planes, "
		"preferred %s", s->path, s->conn, s->crtc, s->crtc_idx, s->plane, s->nplanes,
		s->pref.name);
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

void pd_screen_planes(struct pd_screen *s, struct pd_screen_planes *out)
{
	memset(out, 0, sizeof(*out));
	for (int i = 0; i < s->nplanes; i++) {
		drmModeObjectProperties *props =
			drmModeObjectGetProperties(s->fd, s->planes[i], DRM_MODE_OBJECT_PLANE);
		uint64_t val[PD_SCREEN_PLANE_PROPS] = {
			[P_ROTATION] = DRM_MODE_ROTATE_0, [P_ALPHA] = 0xffff,
			[P_BLEND] = PD_REF_BLEND_PREMULTI, [P_ZPOS] = i,
			[P_ENCODING] = PD_REF_ENC_BT601, [P_RANGE] = PD_REF_RANGE_LIMITED,
		};
		struct pd_plane_view *v = &out->p[i];

		pd_assert_f(props, "cannot read the properties of plane %u", s->planes[i]);
		for (uint32_t j = 0; j < props->count_props; j++)
			for (int k = 0; k < PD_SCREEN_PLANE_PROPS; k++)
				if (s->plane_prop[i][k] == props->props[j])
					val[k] = props->prop_values[j];
		drmModeFreeObjectProperties(props);

		v->id = s->planes[i];
		v->crtc = val[P_CRTC_ID];
		v->fb = val[P_FB_ID];
		v->src_x = val[P_SRC_X];
		v->src_y = val[P_SRC_Y];
		v->src_w = val[P_SRC_W];
		v->src_h = val[P_SRC_H];
		v->crtc_x = (int32_t)(int64_t)val[P_CRTC_X];
		v->crtc_y = (int32_t)(int64_t)val[P_CRTC_Y];
		v->crtc_w = val[P_CRTC_W];
		v->crtc_h = val[P_CRTC_H];
		v->rotation = val[P_ROTATION];
		v->alpha = val[P_ALPHA];
		v->blend = val[P_BLEND];
		v->zpos = val[P_ZPOS];
		v->encoding = val[P_ENCODING];
		v->range = val[P_RANGE];
	}
	out->n = s->nplanes;
}

const struct pd_plane_view *pd_screen_plane_view(const struct pd_screen_planes *sp, uint32_t id)
{
	for (int i = 0; i < sp->n; i++)
		if (sp->p[i].id == id)
			return &sp->p[i];
	pd_fail("plane %u is not one of the screen's", id);
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
	struct pd_fsum sum;

	pd_assert(line);
	pd_fsum_init(&sum);
	for (uint32_t x = 0; x < w; x++) {
		line[4 * x] = rgb & 0xff;
		line[4 * x + 1] = (rgb >> 8) & 0xff;
		line[4 * x + 2] = (rgb >> 16) & 0xff;
		line[4 * x + 3] = 0;
	}
	for (uint32_t y = 0; y < h; y++)
		pd_fsum_line(&sum, line, (size_t)w * 4, PD_FSUM_ALL);
	free(line);
	return pd_fsum_final(&sum);
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

/* Why the last pd_screen_ref() returned false (for pd_sample.why). */
static char ref_error[128];

/* A framebuffer's bytes, copied out of its buffers, described for pd_ref. */
struct fb_copy {
	uint32_t id, pitch0;
	uint8_t *bytes[4];
	struct pd_ref_fb ref;
};

static void fb_copy_free(struct fb_copy *c)
{
	for (int i = 0; i < 4; i++)
		free(c->bytes[i]);
	memset(c, 0, sizeof(*c));
}

/*
 * Map @size bytes of GEM object @handle read-only: MAP_DUMB, or for an
 * imported buffer (whose pages are its exporter's) its dma-buf, bracketed
 * with DMA_BUF_IOCTL_SYNC.  *@dmabuf is the dma-buf's fd or -1.
 */
static uint8_t *map_handle(int fd, uint32_t handle, size_t size, int *dmabuf)
{
	struct dma_buf_sync sync = { .flags = DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ };
	uint64_t offset;
	uint8_t *map;

	*dmabuf = -1;
	if (!__pd_dumb_map_offset(fd, handle, &offset)) {
		map = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, offset);
		if (map != MAP_FAILED)
			return map;
		snprintf(ref_error, sizeof(ref_error), "mmap of %zu bytes of GEM handle %u: %s",
			 size, handle, strerror(errno));
		return NULL;
	}
	if (drmPrimeHandleToFD(fd, handle, DRM_CLOEXEC, dmabuf)) {
		snprintf(ref_error, sizeof(ref_error), "GEM handle %u: no MAP_DUMB, no dma-buf: %s",
			 handle, strerror(errno));
		return NULL;
	}
	map = mmap(NULL, size, PROT_READ, MAP_SHARED, *dmabuf, 0);
	if (map == MAP_FAILED) {
		snprintf(ref_error, sizeof(ref_error), "mmap of %zu bytes of the dma-buf of GEM "
			 "handle %u: %s", size, handle, strerror(errno));
		close(*dmabuf);
		*dmabuf = -1;
		return NULL;
	}
	ioctl(*dmabuf, DMA_BUF_IOCTL_SYNC, &sync);
	return map;
}

static void unmap_handle(uint8_t *map, size_t size, int dmabuf)
{
	struct dma_buf_sync sync = { .flags = DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ };

	if (dmabuf >= 0) {
		ioctl(dmabuf, DMA_BUF_IOCTL_SYNC, &sync);
		close(dmabuf);
	}
	munmap(map, size);
}

/* Copy the bytes of framebuffer @fb_id (every colour plane); false if unreadable. */
static bool fb_copy(struct pd_screen *s, uint32_t fb_id, struct fb_copy *c)
{
	drmModeFB2 *fb = drmModeGetFB2(s->fd, fb_id);
	int nplanes, cpp[4], hsub, vsub;
	size_t rows[4], need[4] = { 0 };
	bool ok = false;

	memset(c, 0, sizeof(*c));
	if (!fb) {
		snprintf(ref_error, sizeof(ref_error), "GETFB2 %u: %s", fb_id, strerror(errno));
		return false;
	}
	if (((fb->flags & DRM_MODE_FB_MODIFIERS) && fb->modifier != DRM_FORMAT_MOD_LINEAR) ||
	    pd_ref_format_layout(fb->pixel_format, &nplanes, cpp, &hsub, &vsub)) {
		snprintf(ref_error, sizeof(ref_error), "fb %u: %.4s with modifier 0x%llx, unknown "
			 "to pd_ref", fb_id, (const char *)&fb->pixel_format,
			 (unsigned long long)fb->modifier);
		goto out;
	}
	for (int i = 0; i < nplanes; i++) {
		if (!fb->handles[i]) {
			snprintf(ref_error, sizeof(ref_error), "fb %u: no GEM handle (not root?)",
				 fb_id);
			goto out;
		}
		rows[i] = i ? (fb->height + vsub - 1) / vsub : fb->height;
	}
	/* Each buffer once, as long as its planes need. */
	for (int i = 0; i < nplanes; i++) {
		size_t end = (size_t)fb->offsets[i] + (size_t)fb->pitches[i] * rows[i];
		int first = 0;

		while (fb->handles[first] != fb->handles[i])
			first++;
		if (end > need[first])
			need[first] = end;
	}
	for (int i = 0; i < nplanes; i++) {
		uint8_t *map;
		int dmabuf;

		if (!need[i])
			continue;	/* its buffer is an earlier plane's */
		map = map_handle(s->fd, fb->handles[i], need[i], &dmabuf);
		if (!map)
			goto out;
		for (int j = i; j < nplanes; j++) {
			size_t n = (size_t)fb->pitches[j] * rows[j];

			if (fb->handles[j] != fb->handles[i])
				continue;
			c->bytes[j] = malloc(n ? n : 1);
			pd_assert(c->bytes[j]);
			memcpy(c->bytes[j], map + fb->offsets[j], n);
		}
		unmap_handle(map, need[i], dmabuf);
	}
	c->id = fb_id;
	c->ref.format = fb->pixel_format;
	c->ref.width = fb->width;
	c->ref.height = fb->height;
	for (int i = 0; i < nplanes; i++) {
		c->ref.data[i] = c->bytes[i];
		c->ref.pitch[i] = fb->pitches[i];
	}
	c->pitch0 = fb->pitches[0];
	ok = true;
out:
	if (!ok)
		fb_copy_free(c);
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

/* A 16-bit channel as the CRC's 8 bits (the composer's rounding). */
static uint32_t to8(uint16_t v)
{
	return ((uint32_t)v * 255 + 32767) / 65535;
}

/*
 * pd_ref's blend mode for plane @i's "pixel blend mode" value @val: the
 * kernel numbers the entries its own way (0 is "Pre-multiplied"), so they
 * are matched by name.  A plane without the property blends pre-multiplied.
 */
static int ref_blend(struct pd_screen *s, int i, uint64_t val)
{
	static const struct {
		const char *name;
		int ref;
	} modes[] = {
		{ "None", PD_REF_BLEND_NONE },
		{ "Pre-multiplied", PD_REF_BLEND_PREMULTI },
		{ "Coverage", PD_REF_BLEND_COVERAGE },
	};
	uint32_t id = s->plane_prop[i][P_BLEND];

	for (size_t k = 0; id && k < sizeof(modes) / sizeof(modes[0]); k++) {
		uint64_t v;

		if (enum_value(s->fd, id, modes[k].name, &v) && v == val)
			return modes[k].ref;
	}
	return PD_REF_BLEND_PREMULTI;
}

bool pd_screen_ref(struct pd_screen *s, const struct pd_screen_planes *sp, uint32_t w,
		   uint32_t h, uint32_t *crc, struct pd_fb_info *info)
{
	struct fb_copy copies[PD_SCREEN_MAX_PLANES];
	struct pd_ref_plane rp[PD_SCREEN_MAX_PLANES];
	const struct pd_plane_view *vis[PD_SCREEN_MAX_PLANES];
	uint32_t seen[64], counts[64] = { 0 }, nseen = 0, prev = ~0u, prev_i = 0;
	struct pd_ref_px *frame;
	int n = 0;
	bool ok = true;

	for (int i = 0; i < sp->n; i++)
		if (sp->p[i].crtc == s->crtc && sp->p[i].fb)
			vis[n++] = &sp->p[i];
	/* The composer's order: zpos, then plane id (DRM's normalisation). */
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && (vis[j]->zpos < vis[j - 1]->zpos ||
					  (vis[j]->zpos == vis[j - 1]->zpos &&
					   vis[j]->id < vis[j - 1]->id)); j--) {
			const struct pd_plane_view *t = vis[j];

			vis[j] = vis[j - 1];
			vis[j - 1] = t;
		}
	memset(copies, 0, sizeof(copies));
	for (int i = 0; i < n && ok; i++) {
		const struct pd_plane_view *v = vis[i];

		ok = fb_copy(s, v->fb, &copies[i]);
		rp[i] = (struct pd_ref_plane){
			.fb = &copies[i].ref,
			.src_x = v->src_x, .src_y = v->src_y, .src_w = v->src_w, .src_h = v->src_h,
			.crtc_x = v->crtc_x, .crtc_y = v->crtc_y,
			.crtc_w = v->crtc_w, .crtc_h = v->crtc_h,
			.rotation = (uint32_t)v->rotation, .alpha = (uint16_t)v->alpha,
			.blend = ref_blend(s, (int)(v - sp->p), v->blend),
			.encoding = (int)v->encoding, .range = (int)v->range,
			.zpos = i,
		};
	}
	if (!ok) {
		for (int i = 0; i < n; i++)
			fb_copy_free(&copies[i]);
		return false;
	}

	frame = malloc((size_t)w * h * sizeof(*frame));
	pd_assert(frame);
	pd_ref_compose(rp, n, w, h, frame);
	*crc = pd_ref_frame_crc(frame, w, h);
	if (info) {
		memset(info, 0, sizeof(*info));
		for (size_t i = 0; i < (size_t)w * h; i++) {
			uint32_t c = to8(frame[i].r) << 16 | to8(frame[i].g) << 8 | to8(frame[i].b);

			if (c != prev) {
				uint32_t k;

				for (k = 0; k < nseen && seen[k] != c; k++)
					;
				if (k == nseen && nseen < 64)
					seen[nseen++] = c;
				prev = c;
				prev_i = k;
			}
			if (prev_i < 64)
				counts[prev_i]++;
		}
		for (int i = 0; i < n; i++)
			if (vis[i]->id == s->plane) {
				info->format = copies[i].ref.format;
				info->pitch = copies[i].pitch0;
			}
		info->planes = n;
		info->colours = nseen;
		for (uint32_t i = 0; i < nseen && i < 8; i++) {
			info->colour[i] = seen[i];
			info->count[i] = counts[i];
		}
	}
	free(frame);
	for (int i = 0; i < n; i++)
		fb_copy_free(&copies[i]);
	return true;
}

const char *pd_fb_info_str(const struct pd_fb_info *info)
{
	static char buf[256];
	size_t n;

	n = snprintf(buf, sizeof(buf), "%.4s pitch %u", info->format ? (const char *)&info->format : "none",
		     info->pitch);
	if (info->planes != 1)
		n += snprintf(buf + n, sizeof(buf) - n, ", %d planes", info->planes);
	n += snprintf(buf + n, sizeof(buf) - n, ", %d%s colours:", info->colours,
		      info->colours >= 64 ? "+" : "");
	for (int i = 0; i < info->colours && i < 8 && n < sizeof(buf); i++)
		n += snprintf(buf + n, sizeof(buf) - n, " %06x x%u", info->colour[i], info->count[i]);
	return buf;
}

/* What changed between two looks at the screen, for pd_sample.why. */
static char change[160];

static bool same_screen(const struct pd_crtc_view *a, const struct pd_screen_planes *pa,
			const struct pd_crtc_view *b, const struct pd_screen_planes *pb,
			const char *when)
{
	if (a->active != b->active || a->w != b->w || a->h != b->h) {
		snprintf(change, sizeof(change), "the mode changed %s", when);
		return false;
	}
	for (int i = 0; i < pa->n; i++) {
		const struct pd_plane_view *x = &pa->p[i], *y = &pb->p[i];

		if (x->fb != y->fb) {
			snprintf(change, sizeof(change), "plane %u flipped from fb %u to %u %s",
				 x->id, x->fb, y->fb, when);
			return false;
		}
		if (memcmp(x, y, sizeof(*x))) {
			snprintf(change, sizeof(change), "plane %u changed %s", x->id, when);
			return false;
		}
	}
	return true;
}

void pd_screen_sample(struct pd_screen *s, struct pd_sample *out)
{
	struct pd_screen_planes pb, pa, pe;
	struct pd_crtc_view before, after, end;

	memset(out, 0, sizeof(*out));
	before = pd_screen_view(s);
	pd_screen_planes(s, &pb);
	out->crc = pd_screen_crc(s);
	after = pd_screen_view(s);
	pd_screen_planes(s, &pa);
	out->fb = after.fb;
	out->w = after.w;
	out->h = after.h;
	out->why = "CRTC off";
	if (!after.active)
		return;
	out->why = change;
	if (!same_screen(&before, &pb, &after, &pa, "during the frame"))
		return;
	if (!pd_screen_ref(s, &pa, after.w, after.h, &out->ref, &out->info)) {
		out->why = ref_error;
		return;
	}
	end = pd_screen_view(s);
	pd_screen_planes(s, &pe);
	out->why = change;
	if (!same_screen(&after, &pa, &end, &pe, "while their bytes were read"))
		return;
	out->why = NULL;
	out->checked = true;
	out->match = out->crc == out->ref;
}
