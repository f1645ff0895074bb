/* SPDX-License-Identifier: GPL-2.0 */
/*
 * primedisp_drv.h - shared definitions of the primedisp DRM driver.
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

/* Most planes one CRTC composes, and the planes each output gets. */
#define PD_MAX_PLANES		8
#define PD_NUM_OVERLAYS		2

/*
 * Colour management: entries of the degamma and gamma LUTs, and of the
 * legacy gamma table (a GAMMA_LUT of that size is accepted too).
 */
#define PD_DEGAMMA_LUT_SIZE	1024
#define PD_GAMMA_LUT_SIZE	1024
#define PD_LEGACY_GAMMA_SIZE	256

/*
 * Plane colour pipelines (kernels with COLOR_PIPELINE): the most stages a
 * pipeline has, the entries of its 1D LUT and the points per axis of its
 * 3D LUT.
 */
#define PD_MAX_STAGES		8
#define PD_STAGE_LUT1D_SIZE	4096
#define PD_STAGE_LUT3D_SIZE	17

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

/* Largest buffer primedisp allocates (GEM_CREATE and dumb buffers). */
#define PD_GEM_MAX_SIZE		SZ_1G

/*
 * Default and largest budget of buffers unprivileged clients may hold
 * (module parameter client_budget_mb): see pd_gem_charge().  At most half
 * of the mmap-offset space the card and render nodes share (1 TiB on
 * 64-bit), so that the display's master always has the other half.
 */
#define PD_CLIENT_BUDGET_MB	65536
#define PD_CLIENT_BUDGET_MAX_MB \
	((u32)(((u64)DRM_FILE_PAGE_OFFSET_SIZE << PAGE_SHIFT) / 2 / SZ_1M))

/**
 * struct pd_gem_object - a primedisp buffer
 * @base: the shmem GEM object doing all the work
 * @flags: PRIMEDISP_GEM_CREATE_* flags given at creation (0 for dumb
 *	buffers and imports)
 * @counted: counted in primedisp's live objects (debugfs primedisp_objects)
 * @charged: bytes charged to the device's budget for unprivileged clients
 *	(&pd_device.client_bytes), given back when the object is freed
 * @export_lock: guards @exports
 * @exports: the importers' DMA mappings of the buffer (struct pd_export_map),
 *	which CPU access through the dma-buf keeps coherent
 */
struct pd_gem_object {
	struct drm_gem_shmem_object base;
	u32 flags;
	bool counted;
	u64 charged;
	struct mutex export_lock;	/* guards @exports */
	struct list_head exports;
};

static inline struct pd_gem_object *to_pd_gem(struct drm_gem_object *obj)
{
	return container_of(obj, struct pd_gem_object, base.base);
}

/**
 * struct pd_px - one pixel in the composer's working format
 * @a: alpha, 0 (transparent) to 0xffff (opaque)
 * @r: red, 16 bits
 * @g: green, 16 bits
 * @b: blue, 16 bits
 */
struct pd_px {
	u16 a, r, g, b;
};

/**
 * struct pd_src - a framebuffer mapped for the CPU, ready to be read
 * @vaddr: address of each colour plane's first pixel (offsets applied)
 * @pitch: bytes per row of each colour plane
 * @info: the framebuffer's format
 * @encoding: YCbCr encoding (enum drm_color_encoding) for YUV formats
 * @range: YCbCr range (enum drm_color_range) for YUV formats
 */
struct pd_src {
	const u8 *vaddr[DRM_FORMAT_MAX_PLANES];
	unsigned int pitch[DRM_FORMAT_MAX_PLANES];
	const struct drm_format_info *info;
	unsigned int encoding;
	unsigned int range;
};

/**
 * enum pd_stage_kind - what one stage of a plane's colour pipeline does
 * @PD_STAGE_CURVE: a named 1D curve, through a table (&pd_stage.curve)
 * @PD_STAGE_LUT1D: a 1D LUT of struct drm_color_lut32, interpolated
 *	linearly
 * @PD_STAGE_CTM: a 3x4 matrix (&pd_stage.m, Q16)
 * @PD_STAGE_MULT: a multiplier (the first of &pd_stage.m, Q16)
 * @PD_STAGE_LUT3D: a 3D LUT of struct drm_color_lut32, interpolated
 *	tetrahedrally
 * @PD_STAGE_CURVE_WIDE: a named 1D curve of inputs from 0 to 125.0,
 *	through a log-spaced table (&pd_stage.curve, see PD_CURVE_WIDE_POINTS)
 */
enum pd_stage_kind {
	PD_STAGE_CURVE,
	PD_STAGE_LUT1D,
	PD_STAGE_CTM,
	PD_STAGE_MULT,
	PD_STAGE_LUT3D,
	PD_STAGE_CURVE_WIDE,
};

/*
 * A sampled 1D curve: PD_CURVE_POINTS outputs (65535 is 1.0, and may be
 * above) for the inputs i * 65535 / 4096, then PD_CURVE_TOE outputs for
 * the inputs 0 to PD_CURVE_TOE - 1 themselves (the first 16 intervals),
 * where a curve with no linear toe (gamma 2.2's inverse) is too steep to
 * interpolate: with 16 there, it was off by 26/65535 at input 23.
 */
#define PD_CURVE_POINTS		4097
#define PD_CURVE_TOE		256

/*
 * A sampled 1D curve of inputs from 0 to PD_CURVE_WIDE_MAX (125.0, PQ's
 * range): the outputs for the inputs 0 to 63 themselves, then 64 evenly
 * spaced points per octave, [2^k, 2^(k+1)) for k = 6 to 22, then the
 * output at 2^23.  Evenly spaced points over the whole range would miss
 * PQ's inverse near 0, which is steep there.
 */
#define PD_CURVE_WIDE_SEG	64
#define PD_CURVE_WIDE_OCT0	6
#define PD_CURVE_WIDE_OCTS	17
#define PD_CURVE_WIDE_POINTS	(BIT(PD_CURVE_WIDE_OCT0) + \
				 PD_CURVE_WIDE_OCTS * PD_CURVE_WIDE_SEG + 1)
#define PD_CURVE_WIDE_MAX	(125 * 65535)

/**
 * enum pd_curve - the named 1D curves primedisp_curve.c samples
 * @PD_CURVE_SRGB_EOTF: sRGB, encoded to linear
 * @PD_CURVE_SRGB_INV_EOTF: sRGB, linear to encoded
 * @PD_CURVE_PQ_125_EOTF: SMPTE ST 2084, output 0 to 125.0
 * @PD_CURVE_BT2020_INV_OETF: BT.2020 (and BT.709), encoded to linear
 * @PD_CURVE_BT2020_OETF: BT.2020, linear to encoded
 * @PD_CURVE_GAMMA22: x^2.2
 * @PD_CURVE_GAMMA22_INV: x^(1/2.2)
 * @PD_CURVE_PQ_125_INV_EOTF: SMPTE ST 2084's inverse, input 0 to 125.0 (a
 *	wide curve: see PD_CURVE_WIDE_POINTS)
 * @PD_CURVE_COUNT: how many there are
 */
enum pd_curve {
	PD_CURVE_SRGB_EOTF,
	PD_CURVE_SRGB_INV_EOTF,
	PD_CURVE_PQ_125_EOTF,
	PD_CURVE_BT2020_INV_OETF,
	PD_CURVE_BT2020_OETF,
	PD_CURVE_GAMMA22,
	PD_CURVE_GAMMA22_INV,
	PD_CURVE_PQ_125_INV_EOTF,
	PD_CURVE_COUNT
};

/* Is @c sampled as a wide curve (PD_CURVE_WIDE_POINTS)? */
static inline bool pd_curve_is_wide(enum pd_curve c)
{
	return c == PD_CURVE_PQ_125_INV_EOTF;
}

/**
 * struct pd_stage - an enabled stage of a plane's colour pipeline, as a
 * commit left it
 * @kind: enum pd_stage_kind
 * @size: LUT entries (1D) or points per axis (3D)
 * @curve: the sampled curve (PD_STAGE_CURVE, see PD_CURVE_POINTS; or
 *	PD_STAGE_CURVE_WIDE, see PD_CURVE_WIDE_POINTS)
 * @data: the LUT blob (a reference), or NULL
 * @m: matrix rows (PD_STAGE_CTM) or the multiplier (first), signed Q16,
 *	clamped
 */
struct pd_stage {
	u8 kind;
	u32 size;
	const u32 *curve;
	struct drm_property_blob *data;
	s32 m[12];
};

/**
 * struct pd_pipeline - the enabled stages of a plane's colour pipeline
 * @n: number of stages in @st
 * @st: the stages, in order
 */
struct pd_pipeline {
	unsigned int n;
	struct pd_stage st[PD_MAX_STAGES];
};

/**
 * struct pd_snap_plane - a visible plane as a commit left it
 * @plane: the plane
 * @fb: its framebuffer (a reference is held)
 * @src: source rectangle, 16.16, framebuffer coordinates
 * @dst: destination on the CRTC, clipped
 * @rotation: DRM_MODE_ROTATE_* | DRM_MODE_REFLECT_*
 * @alpha: plane alpha
 * @blend: DRM_MODE_BLEND_*
 * @zpos: normalized zpos
 * @encoding: enum drm_color_encoding
 * @range: enum drm_color_range
 * @pipe: its colour pipeline (no stages if none is selected)
 */
struct pd_snap_plane {
	struct drm_plane *plane;
	struct drm_framebuffer *fb;
	struct drm_rect src, dst;
	unsigned int rotation;
	u16 alpha, blend;
	unsigned int zpos, encoding, range;
	struct pd_pipeline pipe;
};

/**
 * struct pd_snapshot - what an output shows, for the composer
 * @ref: the output and running compositions hold references
 * @active: the CRTC is on
 * @width: mode width
 * @height: mode height
 * @nplanes: number of entries in @planes
 * @planes: the visible planes, sorted by zpos, bottom first
 * @degamma_lut: the CRTC's DEGAMMA_LUT blob (a reference), or NULL
 * @ctm: its CTM blob (a reference), or NULL
 * @gamma_lut: its GAMMA_LUT blob (a reference), or NULL
 */
struct pd_snapshot {
	struct kref ref;
	bool active;
	int width, height;
	unsigned int nplanes;
	struct pd_snap_plane planes[PD_MAX_PLANES];
	struct drm_property_blob *degamma_lut;
	struct drm_property_blob *ctm;
	struct drm_property_blob *gamma_lut;
};

/* Largest CTM coefficient magnitude, in the composer's Q16 (< 32768.0). */
#define PD_CTM_MAX	0x7fffffffLL

/**
 * struct pd_lut_table - a CRTC LUT looked up once for every 16-bit input
 * @blob: the LUT blob the table was made from (a reference), or NULL
 * @t: 3 * 65536 outputs, red's, green's and blue's, or NULL
 */
struct pd_lut_table {
	struct drm_property_blob *blob;
	u16 *t;
};

/**
 * struct pd_color - a snapshot's colour stages, ready for the composer
 * @degamma: degamma LUT entries, or NULL
 * @degamma_n: number of @degamma entries
 * @gamma: gamma LUT entries, or NULL
 * @gamma_n: number of @gamma entries
 * @degamma_t: @degamma as a table (struct pd_lut_table), or NULL
 * @gamma_t: @gamma as a table, or NULL
 * @ctm: CTM coefficients, row-major, signed Q16 (clamped)
 * @has_ctm: apply @ctm
 * @active: any stage is on
 */
struct pd_color {
	const struct drm_color_lut *degamma;
	unsigned int degamma_n;
	const struct drm_color_lut *gamma;
	unsigned int gamma_n;
	const u16 *degamma_t;
	const u16 *gamma_t;
	s64 ctm[9];
	bool has_ctm;
	bool active;
};

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
 * struct pd_rot - framebuffer pixel of rotated-space pixel (u, v):
 * (@x0 + @xu * u + @xv * v, @y0 + @yu * u + @yv * v), see pd_rotation_map()
 * @x0: framebuffer column of (0, 0)
 * @y0: framebuffer row of (0, 0)
 * @xu: column step per rotated-space column
 * @yu: row step per rotated-space column
 * @xv: column step per rotated-space row
 * @yv: row step per rotated-space row
 */
struct pd_rot {
	int x0, y0, xu, yu, xv, yv;
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
 * @composed_frames: frames the composer composed (debugfs)
 * @composed_bytes: bytes of plane pixels the composer read (debugfs)
 * @composed_ns: time the composer spent composing, in nanoseconds (debugfs)
 * @client_bytes: bytes of the buffers unprivileged clients created that
 *	still exist, at most &pd_config.client_budget (pd_gem_charge())
 */
struct pd_device {
	struct drm_device drm;
	struct pd_config config;
	struct pd_output outputs[PD_MAX_OUTPUTS];
	atomic64_t composed_frames;
	atomic64_t composed_bytes;
	atomic64_t composed_ns;
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

extern const u32 pd_plane_formats[];
extern const unsigned int pd_num_plane_formats;
extern const u32 pd_writeback_formats[];
extern const unsigned int pd_num_writeback_formats;
bool pd_format_supported(u32 format);
bool pd_format_width_ok(const struct drm_format_info *info, u32 width);
void pd_read_pixels(const struct pd_src *s, unsigned int x, unsigned int y,
		    unsigned int n, struct pd_px *out);
void pd_write_pixels(u32 format, const struct pd_px *in, unsigned int n,
		     u8 *dst);
void pd_crc_line(const struct pd_px *in, unsigned int n, u8 *dst);

int pd_color_init(struct drm_crtc *crtc);
int pd_color_check(struct drm_crtc_state *state);
void pd_color_snapshot(struct pd_snapshot *snap,
		       const struct drm_crtc_state *state);
void pd_color_snapshot_copy(struct pd_snapshot *snap,
			    const struct pd_snapshot *src);
void pd_color_snapshot_release(struct pd_snapshot *snap);
bool pd_color_prepare(struct pd_color *c, const struct pd_snapshot *snap);
void pd_color_apply(const struct pd_color *c, struct pd_px *px, unsigned int n);
void pd_color_expand(struct pd_color *c, const struct pd_snapshot *snap,
		     struct pd_lut_table *tables);
void pd_color_tables_release(struct pd_lut_table *tables);
s64 pd_ctm_coeff(u64 v);
void pd_pipeline_copy(struct pd_pipeline *dst, const struct pd_pipeline *src);
void pd_pipeline_release(struct pd_pipeline *pipe);
void pd_pipeline_apply(const struct pd_pipeline *pipe, struct pd_px *px,
		       unsigned int n);
void pd_curve_fill(enum pd_curve c, u32 *t);
#if IS_ENABLED(CONFIG_KUNIT)
/* Visible to the unit tests alone (drm/tests/). */
u64 pd_pow(u64 x, u32 num, u32 den);
s32 pd_stage_curve(const u32 *t, s32 v);
s32 pd_stage_curve_wide(const u32 *t, s32 v);
int pd_sample(int s1, int s2, unsigned int i, unsigned int n);
void pd_rotation_map(unsigned int width, unsigned int height,
		     unsigned int rotation, struct pd_rot *m);
void pd_blend(struct pd_px *acc, const struct pd_px *px, unsigned int n,
	      u16 alpha, u16 mode);
#endif

int pd_composer_init(struct pd_output *out);
void pd_composer_vblank(struct pd_output *out);
void pd_composer_wait(struct pd_output *out);
int pd_composer_check(struct drm_crtc_state *state);
void pd_composer_commit(struct pd_output *out, struct drm_atomic_commit *state);
void pd_composer_plane_update(struct pd_output *out, struct drm_plane *plane,
			      struct drm_atomic_commit *state);
int pd_crtc_verify_crc_source(struct drm_crtc *crtc, const char *source,
			      size_t *values_cnt);
int pd_crtc_set_crc_source(struct drm_crtc *crtc, const char *source);
const char *const *pd_crtc_get_crc_sources(struct drm_crtc *crtc,
					   size_t *count);

struct drm_gem_object *pd_gem_prime_import(struct drm_device *drm,
					   struct dma_buf *dma_buf);
struct drm_gem_object *pd_gem_create_object(struct drm_device *drm,
					    size_t size);
int pd_gem_dumb_create(struct drm_file *file, struct drm_device *drm,
		       struct drm_mode_create_dumb *args);
int pd_gem_create_ioctl(struct drm_device *drm, void *data,
			struct drm_file *file);
int pd_gem_mmap_offset_ioctl(struct drm_device *drm, void *data,
			     struct drm_file *file);
int pd_gem_info_ioctl(struct drm_device *drm, void *data,
		      struct drm_file *file);
void pd_debugfs_init(struct drm_minor *minor);

#endif /* PRIMEDISP_DRV_H */
