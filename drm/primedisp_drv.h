/* SPDX-License-Identifier: GPL-2.0 */
/*
 * primedisp_drv.h - the primedisp device and its outputs: the driver's
 * limits, the device, output and CRTC state structures, and the functions
 * that build an output (primedisp_{drv,config,output,crtc,connector,
 * writeback,crc,plane}.c).  It includes the headers of the other modules.
 *
 * Copyright (C) 2026 The primedisp authors
 */
#ifndef PRIMEDISP_DRV_H
#define PRIMEDISP_DRV_H

#include <linux/hrtimer.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/workqueue.h>
#include <linux/platform_device.h>
#include <linux/spinlock.h>

#include <drm/drm_connector.h>
#include <drm/drm_crtc.h>
#include <drm/drm_device.h>
#include <drm/drm_encoder.h>
#include <drm/drm_fourcc.h>
#include <drm/drm_gem_shmem_helper.h>
#include <drm/drm_plane.h>
#include <drm/drm_rect.h>
#include <drm/drm_vma_manager.h>
#include <drm/drm_writeback.h>

#include "primedisp_compat.h"
#include "primedisp_color.h"
#include "primedisp_composer.h"
#include "primedisp_formats.h"
#include "primedisp_gem.h"

#define PD_DRIVER_NAME		"primedisp"
#define PD_OF_COMPATIBLE	"primedisp,virtual-display"
#define PD_DRIVER_DESC		"primedisp PRIME display driver"
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
/* Longest wait for the end of a frame when a CRTC is turned off. */
#define PD_DISABLE_WAIT_US	50000

/* Overlay planes each output gets (besides its primary and cursor). */
#define PD_NUM_OVERLAYS		2

/*
 * The cursor size reported through DRM_CAP_CURSOR_WIDTH/HEIGHT.  It is
 * advice only: the composer draws a cursor of any size, and generic
 * clients (IGT's kms_plane_lowres among them) put a full-screen
 * framebuffer on the last plane of a CRTC, which is our cursor.
 */
#define PD_CURSOR_MAX		512

/* Scaling range of primary and overlay planes: 1/8 up to 8 times. */
#define PD_SCALE_MIN		(DRM_PLANE_NO_SCALING / 8)
#define PD_SCALE_MAX		(DRM_PLANE_NO_SCALING * 8)

/* Most outputs (CRTC + encoder + connector + writeback) one device has. */
#define PD_MAX_OUTPUTS		4

/**
 * struct pd_crtc_state - primedisp's CRTC state
 * @base: the core's state
 * @snap: the snapshot the commit of this state publishes, allocated when
 *	the state is checked, so that a commit the check accepted cannot run
 *	out of memory after it returned success to userspace; empty (no
 *	framebuffer references) until the commit fills and publishes it, and
 *	freed with the state if that never happens
 */
struct pd_crtc_state {
	struct drm_crtc_state base;
	struct pd_snapshot *snap;
};

static inline struct pd_crtc_state *to_pd_crtc_state(struct drm_crtc_state *s)
{
	return container_of(s, struct pd_crtc_state, base);
}

/**
 * struct pd_config - settings of one primedisp device, from module
 * parameters (or, later, firmware properties).
 * @pref_width: width of the preferred mode
 * @pref_height: height of the preferred mode
 * @max_width: widest mode offered and accepted
 * @max_height: tallest mode offered and accepted
 * @pref_refresh: refresh rate of the preferred mode, in Hz
 * @num_outputs: number of outputs, 1 to PD_MAX_OUTPUTS
 * @connector_type: DRM_MODE_CONNECTOR_VIRTUAL or _HDMIA (which takes EDID
 *	overrides)
 * @fbdev: whether to set up fbdev emulation
 * @client_budget: bytes of buffers unprivileged clients may hold at once
 */
struct pd_config {
	unsigned int pref_width;
	unsigned int pref_height;
	unsigned int max_width;
	unsigned int max_height;
	unsigned int pref_refresh;
	unsigned int num_outputs;
	int connector_type;
	bool fbdev;
	u64 client_budget;
};

/**
 * struct pd_wb_job - primedisp's part of a writeback job (its &priv)
 * @node: in &pd_output.wb_jobs from the commit until the composer has
 *	filled the buffer
 * @fb: the job's framebuffer (the job holds the reference)
 * @map: the framebuffer's mapping, made when the commit was prepared, so
 *	that a buffer that cannot be mapped fails the commit
 * @data: the framebuffer's data addresses in @map
 */
struct pd_wb_job {
	struct list_head node;
	struct drm_framebuffer *fb;
	struct iosys_map map[DRM_FORMAT_MAX_PLANES];
	struct iosys_map data[DRM_FORMAT_MAX_PLANES];
};

/**
 * struct pd_output - one display pipeline: CRTC, encoder and connector.
 * @connected: simulated cable state of @connector (changed through sysfs)
 * @crtc: the CRTC
 * @encoder: the (virtual) encoder feeding @connector
 * @connector: the virtual connector
 * @primary: the primary plane of @crtc
 * @cursor: its cursor plane
 * @writeback: the writeback connector capturing what @crtc composes
 * @wb_queued: writeback jobs queued by commits and not yet taken by a
 *	vblank
 * @wb_active: writeback jobs the composer will fill at its next run
 * @wb_vblank_refs: vblank references held for writeback jobs
 * @wb_jobs: the queued writeback jobs (struct pd_wb_job), oldest first: the
 *	order of &drm_writeback_connector's own queue, whose first job
 *	drm_writeback_signal_completion() completes
 * @snap: what the output shows, as the last applied commit left it
 * @snap_lock: serialises building a snapshot from plane states
 *	(pd_composer_commit(), in a lockless commit tail) with asynchronous
 *	plane updates, which rewrite a plane's current state in place and
 *	publish a snapshot of their own; without it a commit could read a
 *	cursor state half rewritten, or publish its snapshot after a newer
 *	cursor update's and so bring the old cursor back
 * @vblank_timer: simulates the vertical blanking interrupt
 * @period: length of one frame of the current mode
 * @lock: taken in the vblank timer, so with interrupts off elsewhere;
 *	guards @period and @last_vblank, the pointer @snap (a reference is
 *	taken under it), @crc_pending and the three CRC frame numbers, and
 *	@wb_queued, @wb_active, @wb_vblank_refs and @wb_jobs.  @crc_enabled is not
 *	under it: one writer (the core serialises CRC source changes),
 *	READ_ONCE()/WRITE_ONCE()
 * @last_vblank: time at which the most recent vblank started
 * @crc_enabled: a CRC reader wants the composed frames
 * @crc_pending: @crc_work is queued and has not read the frame numbers
 * @crc_frame_start: first frame the queued CRC work reports
 * @crc_frame_end: last frame the queued CRC work reports
 * @crc_frame_next: first frame not queued for a CRC yet (0: none yet)
 * @crc_work: composes the frame and reports its CRC
 * @crc_wq: ordered queue of @crc_work
 * @luts: the CRTC's degamma and gamma LUTs as tables (pd_color_expand()),
 *	kept between frames; used by @crc_work alone
 */
struct pd_output {
	bool connected;
	struct drm_crtc crtc;
	struct drm_encoder encoder;
	struct drm_connector connector;
	struct drm_plane *primary;
	struct drm_plane *cursor;
	struct drm_writeback_connector writeback;
	unsigned int wb_queued;
	unsigned int wb_active;
	unsigned int wb_vblank_refs;
	struct list_head wb_jobs;
	struct pd_snapshot *snap;
	struct mutex snap_lock;	/* see kernel-doc above */

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
	struct pd_lut_table luts[2];
};

/**
 * struct pd_device - a primedisp device.
 * @drm: the DRM device; must stay first for devm_drm_dev_alloc()
 * @config: settings taken at probe time
 * @outputs: the display pipelines (config.num_outputs of them)
 * @client_bytes: bytes of the buffers unprivileged clients created that
 *	still exist, at most &pd_config.client_budget (pd_gem_charge())
 */
struct pd_device {
	struct drm_device drm;
	struct pd_config config;
	struct pd_output outputs[PD_MAX_OUTPUTS];
	atomic64_t client_bytes;
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

int pd_config_read(struct device *dev, struct pd_config *cfg);
extern const struct attribute_group *pd_connector_groups[];
int pd_output_init(struct pd_device *pd, struct pd_output *out,
		   unsigned int index);
int pd_crtc_init(struct pd_device *pd, struct pd_output *out,
		 unsigned int index);
int pd_connector_init(struct pd_device *pd, struct pd_output *out);
int pd_connector_get_modes(struct drm_connector *connector);
int pd_writeback_init(struct pd_device *pd, struct pd_output *out);
void pd_writeback_flush(struct pd_output *out);
struct drm_plane *pd_plane_create(struct pd_device *pd,
				  enum drm_plane_type type,
				  unsigned int index, unsigned int zpos);
int pd_crtc_verify_crc_source(struct drm_crtc *crtc, const char *source,
			      size_t *values_cnt);
int pd_crtc_set_crc_source(struct drm_crtc *crtc, const char *source);
const char *const *pd_crtc_get_crc_sources(struct drm_crtc *crtc,
					   size_t *count);

#endif /* PRIMEDISP_DRV_H */
