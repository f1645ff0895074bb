/* SPDX-License-Identifier: GPL-2.0 */
/*
 * primedisp_drv.h - shared definitions of the primedisp DRM driver.
 *
 * Copyright (C) 2026 The primedisp authors
 */
#ifndef PRIMEDISP_DRV_H
#define PRIMEDISP_DRV_H

#include <linux/hrtimer.h>
#include <linux/workqueue.h>
#include <linux/platform_device.h>
#include <linux/spinlock.h>

#include <drm/drm_connector.h>
#include <drm/drm_crtc.h>
#include <drm/drm_device.h>
#include <drm/drm_encoder.h>
#include <drm/drm_gem_shmem_helper.h>
#include <drm/drm_plane.h>

#define PD_DRIVER_NAME		"primedisp"
#define PD_OF_COMPATIBLE	"primedisp,virtual-display"
#define PD_DRIVER_DESC		"primedisp PRIME display driver"
#define PD_DRIVER_DATE		"20261121"
#define PD_DRIVER_MAJOR		1
#define PD_DRIVER_MINOR		0

/* Largest framebuffer and mode primedisp accepts. */
#define PD_MAX_FB_SIZE		8192
#define PD_MIN_FB_SIZE		1

/* Sanity bounds for modes: anything outside is refused in mode_valid. */
#define PD_MIN_CLOCK_KHZ	1000
#define PD_MAX_CLOCK_KHZ	1200000
#define PD_MIN_REFRESH_HZ	1
#define PD_MAX_REFRESH_HZ	240

/* Most planes one CRTC composes. */
#define PD_MAX_PLANES		8

/* Largest buffer GEM_CREATE allocates. */
#define PD_GEM_MAX_SIZE		SZ_1G

/**
 * struct pd_gem_object - a primedisp buffer
 * @base: the shmem GEM object doing all the work
 * @flags: PRIMEDISP_GEM_CREATE_* flags given at creation (0 for dumb
 *	buffers and imports)
 */
struct pd_gem_object {
	struct drm_gem_shmem_object base;
	u32 flags;
};

static inline struct pd_gem_object *to_pd_gem(struct drm_gem_object *obj)
{
	return container_of(obj, struct pd_gem_object, base.base);
}

/**
 * struct pd_config - settings of one primedisp device, from module
 * parameters (or, later, firmware properties).
 * @pref_width: width of the preferred mode
 * @pref_height: height of the preferred mode
 * @max_width: widest mode offered and accepted
 * @max_height: tallest mode offered and accepted
 * @fbdev: whether to set up fbdev emulation
 */
struct pd_config {
	unsigned int pref_width;
	unsigned int pref_height;
	unsigned int max_width;
	unsigned int max_height;
	bool fbdev;
};

/**
 * struct pd_output - one display pipeline: CRTC, encoder and connector.
 * @crtc: the CRTC
 * @encoder: the (virtual) encoder feeding @connector
 * @connector: the virtual connector
 * @primary: the primary plane of @crtc
 * @vblank_timer: simulates the vertical blanking interrupt
 * @period: length of one frame of the current mode
 * @lock: protects @last_vblank and the CRC frame numbers against the
 *	vblank timer
 * @last_vblank: time at which the most recent vblank started
 * @crc_enabled: a CRC reader wants the composed frames
 * @crc_pending: @crc_work is queued and has not read the frame numbers
 * @crc_frame_start: first frame the queued CRC work reports
 * @crc_frame_end: last frame the queued CRC work reports
 * @crc_frame_next: first frame not queued for a CRC yet (0: none yet)
 * @crc_work: composes the frame and reports its CRC
 * @crc_wq: ordered queue of @crc_work
 */
struct pd_output {
	struct drm_crtc crtc;
	struct drm_encoder encoder;
	struct drm_connector connector;
	struct drm_plane *primary;

	struct hrtimer vblank_timer;
	ktime_t period;
	spinlock_t lock;	/* see kernel-doc above */
	ktime_t last_vblank;

	bool crc_enabled;
	bool crc_pending;
	u64 crc_frame_start;
	u64 crc_frame_end;
	u64 crc_frame_next;
	struct work_struct crc_work;
	struct workqueue_struct *crc_wq;
};

/**
 * struct pd_device - a primedisp device.
 * @drm: the DRM device; must stay first for devm_drm_dev_alloc()
 * @pdev: the platform device it is bound to
 * @config: settings taken at probe time
 * @output: the display pipeline
 */
struct pd_device {
	struct drm_device drm;
	struct platform_device *pdev;
	struct pd_config config;
	struct pd_output output;
};

static inline struct pd_device *to_pd_device(struct drm_device *drm)
{
	return container_of(drm, struct pd_device, drm);
}

static inline struct pd_output *crtc_to_pd_output(struct drm_crtc *crtc)
{
	return container_of(crtc, struct pd_output, crtc);
}

static inline struct pd_output *connector_to_pd_output(struct drm_connector *c)
{
	return container_of(c, struct pd_output, connector);
}

int pd_output_init(struct pd_device *pd, struct pd_output *out,
		   unsigned int index);
struct drm_plane *pd_plane_create(struct pd_device *pd,
				  enum drm_plane_type type,
				  unsigned int index);

bool pd_format_supported(u32 format);

int pd_composer_init(struct pd_output *out);
void pd_composer_vblank(struct pd_output *out);
int pd_crtc_verify_crc_source(struct drm_crtc *crtc, const char *source,
			      size_t *values_cnt);
int pd_crtc_set_crc_source(struct drm_crtc *crtc, const char *source);
const char *const *pd_crtc_get_crc_sources(struct drm_crtc *crtc,
					   size_t *count);

struct drm_gem_object *pd_gem_create_object(struct drm_device *drm,
					    size_t size);
int pd_gem_create_ioctl(struct drm_device *drm, void *data,
			struct drm_file *file);
int pd_gem_mmap_offset_ioctl(struct drm_device *drm, void *data,
			     struct drm_file *file);
int pd_gem_info_ioctl(struct drm_device *drm, void *data,
		      struct drm_file *file);
void pd_debugfs_init(struct drm_minor *minor);

#endif /* PRIMEDISP_DRV_H */
