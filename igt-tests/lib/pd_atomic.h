// SPDX-License-Identifier: GPL-2.0
/*
 * pd_atomic - atomic KMS helpers for the plane, cursor, rotation and
 * writeback tests: one output with its planes, framebuffers of any format
 * filled with reproducible content, plane configurations committed
 * atomically and mirrored into pd_ref for the expected frame.
 */
#ifndef PD_ATOMIC_H
#define PD_ATOMIC_H

#include <stdbool.h>
#include <stdint.h>
#include <xf86drmMode.h>

#include "pd_kms.h"
#include "pd_ref.h"

#define PD_MAX_TEST_PLANES 8

struct pd_display {
	int fd;
	struct pd_kms_output out;
	uint32_t mode_blob;
	uint32_t planes[PD_MAX_TEST_PLANES];	/* bottom (primary) first */
	int plane_type[PD_MAX_TEST_PLANES];	/* DRM_PLANE_TYPE_* */
	int nplanes;
	uint32_t primary, cursor;		/* 0 if none */
	uint32_t overlays[PD_MAX_TEST_PLANES];
	int noverlays;
	uint32_t wb_conn;			/* writeback connector of the CRTC, or 0 */
};

/* A framebuffer with a CPU mapping and its pd_ref description. */
struct pd_test_fb {
	int fd;
	uint32_t id, handle;
	uint64_t size;
	uint8_t *map;
	uint32_t offsets[4];
	struct pd_ref_fb ref;
};

/* One plane's state; fields left at PD_KEEP are not committed. */
#define PD_KEEP UINT64_MAX
struct pd_plane_cfg {
	const struct pd_test_fb *fb;	/* NULL: disable the plane */
	uint32_t src_x, src_y, src_w, src_h;	/* 16.16; all 0: whole fb */
	int32_t crtc_x, crtc_y;
	uint32_t crtc_w, crtc_h;		/* 0: fb size */
	uint64_t rotation, alpha, blend, zpos, encoding, range;
};

/* A plane config with everything at its default (PD_KEEP where sensible). */
struct pd_plane_cfg pd_plane_cfg(const struct pd_test_fb *fb, int32_t x, int32_t y);

/* Open the primedisp card with atomic + writeback caps and find an output. */
void pd_display_open(struct pd_display *d);
void pd_display_close(struct pd_display *d);
/* Use the connector's @w x @h mode instead of the preferred one. */
void pd_display_use_mode(struct pd_display *d, int w, int h);

/* Property id of @name on object @obj of @type, 0 if it has none. */
uint32_t pd_prop_id(int fd, uint32_t obj, uint32_t type, const char *name);
/* Current value of the property into *@value; false if @obj has none. */
bool __pd_prop_get(int fd, uint32_t obj, uint32_t type, const char *name, uint64_t *value);
/* Current value of the property (asserts it exists). */
uint64_t pd_prop_get(int fd, uint32_t obj, uint32_t type, const char *name);
/* Is plane @plane_id of type DRM_PLANE_TYPE_PRIMARY? */
bool pd_plane_is_primary(int fd, uint32_t plane_id);
/* Add a property to @req (asserts it exists). */
void pd_req_add(drmModeAtomicReqPtr req, int fd, uint32_t obj, uint32_t type,
		const char *name, uint64_t value);
/* Add @cfg for @plane to @req (CRTC_ID/FB_ID too). */
void pd_req_plane(struct pd_display *d, drmModeAtomicReqPtr req, uint32_t plane,
		  const struct pd_plane_cfg *cfg);
/*
 * Add the output's mode set (connector, CRTC active with the mode, its
 * colour management off).
 */
void pd_req_modeset(struct pd_display *d, drmModeAtomicReqPtr req);
/* Commit @req with @flags; returns 0 or -errno. */
int pd_commit(struct pd_display *d, drmModeAtomicReqPtr req, uint32_t flags);

/*
 * Create a @w x @h framebuffer of @format in one dumb buffer (colour planes
 * one after the other, rows aligned to 64 bytes), filled with pseudo-random
 * bytes from @seed.  Returns 0 or -errno of ADDFB2 (the buffer is freed).
 */
int pd_test_fb_create(int fd, uint32_t format, uint32_t w, uint32_t h,
		      uint32_t seed, struct pd_test_fb *fb);
void pd_test_fb_destroy(struct pd_test_fb *fb);

/* Plane of slot @slot: 0 primary, 1..noverlays overlays, then the cursor. */
uint32_t pd_plane_slot(struct pd_display *d, int slot);
/*
 * Commit @cfgs[i] to slot i (zpos i unless given), disable the other slots,
 * with a mode set first if @modeset.  Returns 0 or -errno.
 */
int pd_apply(struct pd_display *d, const struct pd_plane_cfg *cfgs, int n,
	     bool modeset, uint32_t flags);

/* The pd_ref description of @cfg (after defaults are applied). */
struct pd_ref_plane pd_ref_of(const struct pd_plane_cfg *cfg, unsigned int zpos);

/* Expected CRC of @n planes (zpos from the configs or their index). */
uint32_t pd_expected_crc(struct pd_display *d, const struct pd_plane_cfg *cfgs,
			 int n);

/* Fourcc as a printable string (static buffer per call site is fine). */
const char *pd_fourcc_str(uint32_t f, char buf[8]);

#endif
