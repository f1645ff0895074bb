/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pd-kms.h - atomic mode setting, PRIME and zero-copy evidence for
 * primedisp's streaming tools (cam2disp, gpu2disp).
 *
 * One output: a connector, the CRTC its encoder drives and that CRTC's
 * primary plane, driven with atomic commits.  The functions print what
 * went wrong (and what to do about it) to stderr and return -1; they
 * return 0 on success unless said otherwise.
 *
 * Copyright (C) 2026 The primedisp authors
 */
#ifndef PD_KMS_H
#define PD_KMS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <xf86drmMode.h>

struct pd_kms {
	int fd;				/* primedisp's card node, DRM master */
	uint32_t conn_id, crtc_id, plane_id;
	int crtc_index;			/* as in debugfs crtc-N */
	drmModeModeInfo mode;
	uint32_t mode_blob;
	/* property ids */
	uint32_t p_fb_id, p_crtc_id, p_src_x, p_src_y, p_src_w, p_src_h;
	uint32_t p_crtc_x, p_crtc_y, p_crtc_w, p_crtc_h;
	uint32_t p_mode_id, p_active, p_conn_crtc_id;
};

/*
 * Open @device (or the card named primedisp) as DRM master with atomic
 * mode setting, and pick connector @conn_id (0: the first connected one),
 * its CRTC, the CRTC's primary plane and the @w x @h mode (0x0: the
 * preferred one).
 */
int pd_kms_open(struct pd_kms *k, const char *device, uint32_t conn_id,
		unsigned int w, unsigned int h);
void pd_kms_close(struct pd_kms *k);

/* Does the primary plane list @format with the LINEAR modifier? */
bool pd_kms_plane_has_format(struct pd_kms *k, uint32_t format);
/* The formats of the primary plane as "XR24 AR24 ..." into @buf. */
void pd_kms_plane_formats(struct pd_kms *k, char *buf, size_t len);

/* ADDFB2 of one-plane @format with the LINEAR modifier; the id to *@fb. */
int pd_kms_addfb(struct pd_kms *k, uint32_t w, uint32_t h, uint32_t format,
		 uint32_t handle, uint32_t pitch, uint32_t offset, uint32_t *fb);

/* Blocking commit that enables the output and shows @fb (mode-sized). */
int pd_kms_modeset(struct pd_kms *k, uint32_t fb);
/*
 * Nonblocking commit of @fb on the primary plane with a flip event that
 * carries @user_data.  Returns 0, or -errno (EBUSY: a flip is pending).
 */
int pd_kms_flip(struct pd_kms *k, uint32_t fb, void *user_data);
/* Blocking commit that turns the output off. */
int pd_kms_disable(struct pd_kms *k);

/* Flip completion, for pd_kms_wait_event(). */
struct pd_flip_event {
	void *user_data;
	unsigned int sequence;
	double time;		/* vblank time, CLOCK_MONOTONIC seconds */
};

/*
 * Wait up to @timeout_ms (-1: forever) for one flip event on the card;
 * returns 1 with *@ev filled, 0 on timeout, -1 on error (EINTR included).
 */
int pd_kms_wait_event(struct pd_kms *k, int timeout_ms, struct pd_flip_event *ev);

/* What the primary plane scans out, seen from the kernel. */
struct pd_scanout {
	uint32_t fb_id;
	uint32_t handle;	/* GETFB2's handle of plane 0 (closed by pd_scanout_release) */
	uint32_t gem_flags;	/* PRIMEDISP_GEM_INFO flags of that object */
	uint64_t gem_size;
	ino_t dmabuf_ino;	/* inode of the dma-buf PRIME export gives for it */
};

/*
 * Look the primary plane's framebuffer up (GETPLANE, GETFB2), ask
 * primedisp's GEM_INFO about its object and export it to find its dma-buf
 * inode.  Needs root (GETFB2 hands out handles only to CAP_SYS_ADMIN).
 */
int pd_kms_scanout(struct pd_kms *k, struct pd_scanout *s);
void pd_scanout_release(struct pd_kms *k, struct pd_scanout *s);

/* Inode of the file behind @fd (a dma-buf is identified by it); 0 on error. */
ino_t pd_fd_ino(int fd);
/* "IMPORTED|EXPORTED|WC|SCANOUT" of PRIMEDISP_GEM_INFO flags into @buf. */
const char *pd_gem_flags_str(uint32_t flags, char *buf, size_t len);

/* Monotonic time in seconds. */
double pd_now(void);

#endif
