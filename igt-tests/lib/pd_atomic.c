// SPDX-License-Identifier: GPL-2.0
/*
 * pd_atomic - atomic KMS helpers for plane, cursor, rotation and writeback
 * tests.  See pd_atomic.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <drm_fourcc.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include "pd_atomic.h"
#include "pd_crc.h"
#include "pdtest.h"

#ifndef DRM_CLIENT_CAP_WRITEBACK_CONNECTORS
#define DRM_CLIENT_CAP_WRITEBACK_CONNECTORS 5
#endif
#ifndef DRM_MODE_CONNECTOR_WRITEBACK
#define DRM_MODE_CONNECTOR_WRITEBACK 18
#endif

const char *pd_fourcc_str(uint32_t f, char buf[8])
{
	for (int i = 0; i < 4; i++) {
		char c = (char)(f >> (8 * i));

		buf[i] = c >= ' ' && c <= '~' ? c : '?';
	}
	buf[4] = '\0';
	return buf;
}

uint32_t pd_prop_id(int fd, uint32_t obj, uint32_t type, const char *name)
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
	return id;
}

bool __pd_prop_get(int fd, uint32_t obj, uint32_t type, const char *name, uint64_t *value)
{
	drmModeObjectPropertiesPtr props = drmModeObjectGetProperties(fd, obj, type);
	bool found = false;

	for (uint32_t i = 0; props && i < props->count_props && !found; i++) {
		drmModePropertyPtr p = drmModeGetProperty(fd, props->props[i]);

		if (p && !strcmp(p->name, name)) {
			*value = props->prop_values[i];
			found = true;
		}
		drmModeFreeProperty(p);
	}
	drmModeFreeObjectProperties(props);
	return found;
}

uint64_t pd_prop_get(int fd, uint32_t obj, uint32_t type, const char *name)
{
	uint64_t v = 0;

	pd_assert_f(__pd_prop_get(fd, obj, type, name, &v),
		    "object %u has no property \"%s\"", obj, name);
	return v;
}

bool pd_plane_is_primary(int fd, uint32_t plane_id)
{
	uint64_t type;

	return __pd_prop_get(fd, plane_id, DRM_MODE_OBJECT_PLANE, "type", &type) &&
	       type == DRM_PLANE_TYPE_PRIMARY;
}

void pd_req_add(drmModeAtomicReqPtr req, int fd, uint32_t obj, uint32_t type,
		const char *name, uint64_t value)
{
	uint32_t id = pd_prop_id(fd, obj, type, name);

	pd_assert_f(id, "object %u has no property \"%s\"", obj, name);
	pd_assert(drmModeAtomicAddProperty(req, obj, id, value) >= 0);
}

void pd_display_open(struct pd_display *d)
{
	drmModePlaneResPtr pres;
	drmModeResPtr res;

	memset(d, 0, sizeof(*d));
	d->fd = pd_open_card(NULL);
	pd_assert(drmSetClientCap(d->fd, DRM_CLIENT_CAP_UNIVERSAL_PLANES, 1) == 0);
	pd_assert(drmSetClientCap(d->fd, DRM_CLIENT_CAP_ATOMIC, 1) == 0);
	drmSetClientCap(d->fd, DRM_CLIENT_CAP_WRITEBACK_CONNECTORS, 1);
	pd_kms_find_output(d->fd, &d->out);
	pd_assert(drmModeCreatePropertyBlob(d->fd, &d->out.mode, sizeof(d->out.mode),
					    &d->mode_blob) == 0);

	pres = drmModeGetPlaneResources(d->fd);
	pd_assert(pres);
	for (uint32_t i = 0; i < pres->count_planes && d->nplanes < PD_MAX_TEST_PLANES; i++) {
		drmModePlanePtr p = drmModeGetPlane(d->fd, pres->planes[i]);
		int type;

		if (!p || !(p->possible_crtcs & (1u << d->out.crtc_index))) {
			drmModeFreePlane(p);
			continue;
		}
		type = (int)pd_prop_get(d->fd, p->plane_id, DRM_MODE_OBJECT_PLANE, "type");
		d->planes[d->nplanes] = p->plane_id;
		d->plane_type[d->nplanes++] = type;
		if (type == DRM_PLANE_TYPE_PRIMARY)
			d->primary = p->plane_id;
		else if (type == DRM_PLANE_TYPE_CURSOR)
			d->cursor = p->plane_id;
		else
			d->overlays[d->noverlays++] = p->plane_id;
		drmModeFreePlane(p);
	}
	drmModeFreePlaneResources(pres);
	pd_assert_f(d->primary, "CRTC %d has no primary plane", d->out.crtc_index);

	res = drmModeGetResources(d->fd);
	pd_assert(res);
	for (int i = 0; i < res->count_connectors && !d->wb_conn; i++) {
		drmModeConnectorPtr c = drmModeGetConnector(d->fd, res->connectors[i]);

		if (c && c->connector_type == DRM_MODE_CONNECTOR_WRITEBACK && c->count_encoders) {
			drmModeEncoderPtr e = drmModeGetEncoder(d->fd, c->encoders[0]);

			if (e && (e->possible_crtcs & (1u << d->out.crtc_index)))
				d->wb_conn = c->connector_id;
			drmModeFreeEncoder(e);
		}
		drmModeFreeConnector(c);
	}
	drmModeFreeResources(res);
}

void pd_display_use_mode(struct pd_display *d, int w, int h)
{
	drmModeConnectorPtr c = drmModeGetConnector(d->fd, d->out.conn);
	bool found = false;

	pd_assert(c);
	for (int i = 0; i < c->count_modes && !found; i++) {
		if (c->modes[i].hdisplay == w && c->modes[i].vdisplay == h) {
			d->out.mode = c->modes[i];
			found = true;
		}
	}
	drmModeFreeConnector(c);
	pd_assert_f(found, "the connector offers no %dx%d mode", w, h);
	drmModeDestroyPropertyBlob(d->fd, d->mode_blob);
	pd_assert(drmModeCreatePropertyBlob(d->fd, &d->out.mode, sizeof(d->out.mode),
					    &d->mode_blob) == 0);
}

void pd_display_close(struct pd_display *d)
{
	drmModeDestroyPropertyBlob(d->fd, d->mode_blob);
	close(d->fd);
}

struct pd_plane_cfg pd_plane_cfg(const struct pd_test_fb *fb, int32_t x, int32_t y)
{
	return (struct pd_plane_cfg){
		.fb = fb, .crtc_x = x, .crtc_y = y,
		.rotation = DRM_MODE_ROTATE_0, .alpha = 0xffff,
		.blend = PD_REF_BLEND_PREMULTI, .zpos = PD_KEEP,
		.encoding = PD_REF_ENC_BT601, .range = PD_REF_RANGE_LIMITED,
	};
}

/* Fill in sizes left at 0. */
static struct pd_plane_cfg resolved(const struct pd_plane_cfg *c)
{
	struct pd_plane_cfg r = *c;

	if (r.fb && !r.src_w && !r.src_h) {
		bool swap = (r.rotation & (DRM_MODE_ROTATE_90 | DRM_MODE_ROTATE_270)) != 0;

		r.src_x = r.src_y = 0;
		r.src_w = r.fb->ref.width << 16;
		r.src_h = r.fb->ref.height << 16;
		if (!r.crtc_w) {
			r.crtc_w = swap ? r.fb->ref.height : r.fb->ref.width;
			r.crtc_h = swap ? r.fb->ref.width : r.fb->ref.height;
		}
	}
	return r;
}

static const char *const enc_names[] = {
	"ITU-R BT.601 YCbCr", "ITU-R BT.709 YCbCr", "ITU-R BT.2020 YCbCr",
};
static const char *const range_names[] = {
	"YCbCr limited range", "YCbCr full range",
};
static const char *const blend_names[] = { "None", "Pre-multiplied", "Coverage" };

/* Value of enum property @name whose entry is called @entry. */
static uint64_t enum_value(int fd, uint32_t obj, const char *name, const char *entry)
{
	drmModePropertyPtr p = drmModeGetProperty(fd, pd_prop_id(fd, obj, DRM_MODE_OBJECT_PLANE, name));
	uint64_t v = UINT64_MAX;

	pd_assert_f(p, "plane %u has no property \"%s\"", obj, name);
	for (int i = 0; i < p->count_enums; i++)
		if (!strcmp(p->enums[i].name, entry))
			v = p->enums[i].value;
	drmModeFreeProperty(p);
	pd_assert_f(v != UINT64_MAX, "property \"%s\" has no entry \"%s\"", name, entry);
	return v;
}

void pd_req_plane(struct pd_display *d, drmModeAtomicReqPtr req, uint32_t plane,
		  const struct pd_plane_cfg *cfg)
{
	struct pd_plane_cfg c = resolved(cfg);
	const uint32_t T = DRM_MODE_OBJECT_PLANE;

	if (!c.fb) {
		pd_req_add(req, d->fd, plane, T, "FB_ID", 0);
		pd_req_add(req, d->fd, plane, T, "CRTC_ID", 0);
		return;
	}
	pd_req_add(req, d->fd, plane, T, "FB_ID", c.fb->id);
	pd_req_add(req, d->fd, plane, T, "CRTC_ID", d->out.crtc);
	pd_req_add(req, d->fd, plane, T, "SRC_X", c.src_x);
	pd_req_add(req, d->fd, plane, T, "SRC_Y", c.src_y);
	pd_req_add(req, d->fd, plane, T, "SRC_W", c.src_w);
	pd_req_add(req, d->fd, plane, T, "SRC_H", c.src_h);
	pd_req_add(req, d->fd, plane, T, "CRTC_X", (uint64_t)(int64_t)c.crtc_x);
	pd_req_add(req, d->fd, plane, T, "CRTC_Y", (uint64_t)(int64_t)c.crtc_y);
	pd_req_add(req, d->fd, plane, T, "CRTC_W", c.crtc_w);
	pd_req_add(req, d->fd, plane, T, "CRTC_H", c.crtc_h);
	if (c.rotation != PD_KEEP)
		pd_req_add(req, d->fd, plane, T, "rotation", c.rotation);
	/*
	 * The cursor has no alpha or blend mode: it is opaque and
	 * pre-multiplied, the defaults.  Other values on it fail below.
	 */
	if (c.alpha != PD_KEEP &&
	    (c.alpha != 0xffff || pd_prop_id(d->fd, plane, T, "alpha")))
		pd_req_add(req, d->fd, plane, T, "alpha", c.alpha);
	if (c.blend != PD_KEEP &&
	    (c.blend != PD_REF_BLEND_PREMULTI || pd_prop_id(d->fd, plane, T, "pixel blend mode")))
		pd_req_add(req, d->fd, plane, T, "pixel blend mode",
			   enum_value(d->fd, plane, "pixel blend mode", blend_names[c.blend]));
	if (c.zpos != PD_KEEP)
		pd_req_add(req, d->fd, plane, T, "zpos", c.zpos);
	if (c.encoding != PD_KEEP)
		pd_req_add(req, d->fd, plane, T, "COLOR_ENCODING",
			   enum_value(d->fd, plane, "COLOR_ENCODING", enc_names[c.encoding]));
	if (c.range != PD_KEEP)
		pd_req_add(req, d->fd, plane, T, "COLOR_RANGE",
			   enum_value(d->fd, plane, "COLOR_RANGE", range_names[c.range]));
}

void pd_req_modeset(struct pd_display *d, drmModeAtomicReqPtr req)
{
	pd_req_add(req, d->fd, d->out.conn, DRM_MODE_OBJECT_CONNECTOR, "CRTC_ID", d->out.crtc);
	pd_req_add(req, d->fd, d->out.crtc, DRM_MODE_OBJECT_CRTC, "MODE_ID", d->mode_blob);
	pd_req_add(req, d->fd, d->out.crtc, DRM_MODE_OBJECT_CRTC, "ACTIVE", 1);
	/* Colour management off, whatever an earlier test left behind. */
	for (int i = 0; i < 3; i++) {
		static const char *const names[] = { "DEGAMMA_LUT", "CTM", "GAMMA_LUT" };
		uint32_t id = pd_prop_id(d->fd, d->out.crtc, DRM_MODE_OBJECT_CRTC, names[i]);

		if (id)
			drmModeAtomicAddProperty(req, d->out.crtc, id, 0);
	}
}

int pd_commit(struct pd_display *d, drmModeAtomicReqPtr req, uint32_t flags)
{
	int ret = drmModeAtomicCommit(d->fd, req, flags, NULL);

	return ret ? -errno : 0;
}

int pd_test_fb_create(int fd, uint32_t format, uint32_t w, uint32_t h,
		      uint32_t seed, struct pd_test_fb *fb)
{
	uint32_t handles[4] = { 0 }, pitches[4] = { 0 };
	int nplanes, cpp[4], hsub, vsub;
	uint64_t total = 0;
	uint32_t dpitch;

	memset(fb, 0, sizeof(*fb));
	fb->fd = fd;
	pd_assert_f(pd_ref_format_layout(format, &nplanes, cpp, &hsub, &vsub) == 0,
		    "pd_ref does not know format 0x%08x", format);
	for (int i = 0; i < nplanes; i++) {
		uint32_t pw = i ? (w + hsub - 1) / hsub : w;
		uint32_t ph = i ? (h + vsub - 1) / vsub : h;

		pitches[i] = ((pw * cpp[i]) + 63) & ~63u;
		fb->offsets[i] = (uint32_t)total;
		total += (uint64_t)pitches[i] * ph;
	}
	/* One dumb buffer 4096 bytes wide, tall enough for every plane. */
	fb->handle = pd_dumb_create(fd, 4096, (uint32_t)((total + 4095) / 4096), 8,
				    &dpitch, &fb->size);
	fb->map = pd_dumb_map(fd, fb->handle, fb->size, PROT_READ | PROT_WRITE);
	pd_ref_random_fill(fb->map, fb->size, seed);
	for (int i = 0; i < nplanes; i++)
		handles[i] = fb->handle;
	if (drmModeAddFB2(fd, w, h, format, handles, pitches, fb->offsets, &fb->id, 0)) {
		int err = errno;

		munmap(fb->map, fb->size);
		pd_dumb_destroy(fd, fb->handle);
		memset(fb, 0, sizeof(*fb));
		return -err;
	}
	fb->ref.format = format;
	fb->ref.width = w;
	fb->ref.height = h;
	for (int i = 0; i < nplanes; i++) {
		fb->ref.data[i] = fb->map + fb->offsets[i];
		fb->ref.pitch[i] = pitches[i];
	}
	return 0;
}

void pd_test_fb_destroy(struct pd_test_fb *fb)
{
	if (!fb->id)
		return;
	drmModeRmFB(fb->fd, fb->id);
	munmap(fb->map, fb->size);
	pd_dumb_destroy(fb->fd, fb->handle);
	memset(fb, 0, sizeof(*fb));
}

struct pd_ref_plane pd_ref_of(const struct pd_plane_cfg *cfg, unsigned int zpos)
{
	struct pd_plane_cfg c = resolved(cfg);

	return (struct pd_ref_plane){
		.fb = &c.fb->ref,
		.src_x = c.src_x, .src_y = c.src_y, .src_w = c.src_w, .src_h = c.src_h,
		.crtc_x = c.crtc_x, .crtc_y = c.crtc_y, .crtc_w = c.crtc_w, .crtc_h = c.crtc_h,
		.rotation = c.rotation == PD_KEEP ? DRM_MODE_ROTATE_0 : (uint32_t)c.rotation,
		.alpha = c.alpha == PD_KEEP ? 0xffff : (uint16_t)c.alpha,
		.blend = c.blend == PD_KEEP ? PD_REF_BLEND_PREMULTI : (int)c.blend,
		.encoding = c.encoding == PD_KEEP ? PD_REF_ENC_BT601 : (int)c.encoding,
		.range = c.range == PD_KEEP ? PD_REF_RANGE_LIMITED : (int)c.range,
		.zpos = c.zpos == PD_KEEP ? zpos : (unsigned int)c.zpos,
	};
}

uint32_t pd_expected_crc(struct pd_display *d, const struct pd_plane_cfg *cfgs, int n)
{
	uint32_t w = d->out.mode.hdisplay, h = d->out.mode.vdisplay, crc;
	struct pd_ref_plane planes[PD_MAX_TEST_PLANES];
	struct pd_ref_px *frame = malloc(sizeof(*frame) * w * h);
	int m = 0;

	pd_assert(frame);
	for (int i = 0; i < n && m < PD_MAX_TEST_PLANES; i++)
		if (cfgs[i].fb)
			planes[m++] = pd_ref_of(&cfgs[i], (unsigned int)i);
	pd_ref_compose(planes, m, w, h, frame);
	crc = pd_ref_frame_crc(frame, w, h);
	free(frame);
	return crc;
}

uint32_t pd_plane_slot(struct pd_display *d, int slot)
{
	if (slot == 0)
		return d->primary;
	if (slot <= d->noverlays)
		return d->overlays[slot - 1];
	if (slot == d->noverlays + 1)
		return d->cursor;
	return 0;
}

int pd_apply(struct pd_display *d, const struct pd_plane_cfg *cfgs, int n,
	     bool modeset, uint32_t flags)
{
	drmModeAtomicReqPtr req = drmModeAtomicAlloc();
	int slots = d->noverlays + (d->cursor ? 2 : 1), ret;

	pd_assert(req);
	if (modeset) {
		pd_req_modeset(d, req);
		flags |= DRM_MODE_ATOMIC_ALLOW_MODESET;
	}
	for (int i = 0; i < slots; i++) {
		struct pd_plane_cfg c = i < n ? cfgs[i] : (struct pd_plane_cfg){ 0 };

		if (c.fb && c.zpos == PD_KEEP)
			c.zpos = (uint64_t)i;
		pd_req_plane(d, req, pd_plane_slot(d, i), &c);
	}
	ret = pd_commit(d, req, flags);
	drmModeAtomicFree(req);
	return ret;
}
