/* SPDX-License-Identifier: GPL-2.0 */
/*
 * primedisp_compat.h - every difference between the kernels primedisp
 * supports (Linux 6.1, 6.12 and 7.x: scripts/kernels.conf) lives here and
 * nowhere else.
 *
 * The driver is written against the newest kernel's API; for older kernels
 * this file maps that API back (a rename, a backport of a helper, a shim
 * with the older signature of a callback).  Each item names the upstream
 * release that made the difference.
 *
 * Copyright (C) 2026 The primedisp authors
 */
#ifndef PRIMEDISP_COMPAT_H
#define PRIMEDISP_COMPAT_H

/*
 * PD_KVER is the kernel's major * 100 + minor (601, 612, 703), set by
 * Kbuild from the kernel tree we build against.
 */
#ifndef PD_KVER
#error "PD_KVER must be set by primedisp's Kbuild"
#endif

#include <linux/dma-buf.h>
#include <linux/dma-resv.h>
#include <linux/hrtimer.h>
#include <linux/mutex.h>

#include <drm/drm_atomic.h>
#include <drm/drm_atomic_helper.h>
#include <drm/drm_edid.h>
#include <drm/drm_fourcc.h>
#include <drm/drm_gem_shmem_helper.h>
#include <drm/drm_mode_config.h>

#if PD_KVER >= 613
#include <drm/clients/drm_client_setup.h>
#include <drm/drm_fbdev_shmem.h>
#elif PD_KVER >= 611
#include <drm/drm_fbdev_shmem.h>
#else
#include <drm/drm_fb_helper.h>
#endif

/* <asm/unaligned.h> became <linux/unaligned.h> in 6.12 (commit 5f60d5f6bbc1). */
#if PD_KVER >= 612
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

/*
 * The state of an atomic update is a struct drm_atomic_commit since 7.2
 * (the oldest 7.x whose headers Debian carries; 7.0 and 7.1 could not be
 * checked); before, the same structure was called struct drm_atomic_state.
 * The driver must not call the function drm_atomic_commit() itself: on the
 * older kernels this name is the structure's.
 */
#if PD_KVER < 702
#define drm_atomic_commit drm_atomic_state
#endif

/*
 * fbdev emulation: since 6.13 it is one of the DRM clients that
 * drm_client_setup() starts, with the driver's fbdev_probe
 * (DRM_FBDEV_SHMEM_DRIVER_OPS).  Before, 6.11 and 6.12 had
 * drm_fbdev_shmem_setup(); 6.1 only the generic client, which works for
 * shmem GEM.  A NULL format means the default, XRGB8888.
 */
#if PD_KVER < 613
static inline void drm_client_setup(struct drm_device *drm,
				    const struct drm_format_info *format)
{
	unsigned int bpp = format ? format->cpp[0] * 8 : 32;

#if PD_KVER >= 611
	drm_fbdev_shmem_setup(drm, bpp);
#else
	drm_fbdev_generic_setup(drm, bpp);
#endif
}
#endif

/*
 * The version-dependent members of primedisp's struct drm_driver: the
 * fbdev client's probe (6.13 on, see drm_client_setup() above), and the
 * driver date, which 6.14 removed from struct drm_driver.
 */
#if PD_KVER >= 614
#define PD_COMPAT_DRIVER_OPS \
	DRM_FBDEV_SHMEM_DRIVER_OPS
#elif PD_KVER >= 613
#define PD_COMPAT_DRIVER_OPS \
	DRM_FBDEV_SHMEM_DRIVER_OPS, \
	.date = "20261121"
#else
#define PD_COMPAT_DRIVER_OPS \
	.date = "20261121"
#endif

/*
 * hrtimer_setup() sets a timer up with its callback since 6.13 (6.15
 * removed hrtimer_init()); a backport for the older kernels.
 */
#if PD_KVER < 613
static inline void hrtimer_setup(struct hrtimer *timer,
				 enum hrtimer_restart (*function)(struct hrtimer *),
				 clockid_t clock_id, enum hrtimer_mode mode)
{
	hrtimer_init(timer, clock_id, mode);
	timer->function = function;
}
#endif

/*
 * drm_mode_config_funcs.fb_create gets the format's info from the core
 * since 6.17 (and drm_gem_fb_create() takes it too).  For the older
 * kernels PD_COMPAT_FB_CREATE_SHIM(fn) defines fn_shim() with the older
 * signature, which looks the info up as 6.17's core does and calls fn();
 * PD_COMPAT_FB_CREATE(fn) is what goes into the funcs.  On 6.17 and later
 * the shim is only a check of fn's type.
 */
#if PD_KVER >= 617
#define PD_COMPAT_FB_CREATE_SHIM(fn) \
	static_assert(__same_type(&(fn), \
		((struct drm_mode_config_funcs *)NULL)->fb_create))
#define PD_COMPAT_FB_CREATE(fn) fn
#else
/* The older helper finds the info itself. */
#define drm_gem_fb_create(dev, file, info, mode_cmd) \
	drm_gem_fb_create(dev, file, ((void)(info), (mode_cmd)))
#define PD_COMPAT_FB_CREATE_SHIM(fn) \
	static struct drm_framebuffer * \
	fn##_shim(struct drm_device *dev, struct drm_file *file, \
		  const struct drm_mode_fb_cmd2 *mode_cmd) \
	{ \
		return fn(dev, file, drm_get_format_info(dev, mode_cmd), \
			  mode_cmd); \
	}
#define PD_COMPAT_FB_CREATE(fn) fn##_shim
#endif

/*
 * drm_plane_helper_funcs.atomic_async_check has a third argument since
 * 6.15: flip is true when drm_atomic_set_property() asks whether a plane
 * other than the primary may change in an asynchronous page flip.  Before,
 * the hook was only asked about legacy cursor updates: the shim passes
 * false.  Same pattern as PD_COMPAT_FB_CREATE_SHIM().
 */
#if PD_KVER >= 615
#define PD_COMPAT_ASYNC_CHECK_SHIM(fn) \
	static_assert(__same_type(&(fn), \
		((struct drm_plane_helper_funcs *)NULL)->atomic_async_check))
#define PD_COMPAT_ASYNC_CHECK(fn) fn
#else
#define PD_COMPAT_ASYNC_CHECK_SHIM(fn) \
	static int fn##_shim(struct drm_plane *plane, \
			     struct drm_atomic_commit *state) \
	{ \
		return fn(plane, state, false); \
	}
#define PD_COMPAT_ASYNC_CHECK(fn) fn##_shim
#endif

/*
 * 6.16 added the IN_FORMATS_ASYNC plane property (the formats and
 * modifiers an asynchronous flip takes), built by the core from the
 * plane's format_mod_supported_async hook, which it also asks when it
 * checks an asynchronous flip.  Older kernels have neither: there every
 * format a plane has may be flipped asynchronously.
 */
#if PD_KVER >= 616
#define PD_COMPAT_PLANE_ASYNC_FORMATS \
	.format_mod_supported_async = pd_plane_format_mod_supported_async
#else
#define PD_COMPAT_PLANE_ASYNC_FORMATS
#endif

/*
 * The dma-buf core kept an attachment's mapping cached when the exporter
 * asked for it (cache_sgt_mapping) until 6.16, which removed the flag.
 * The flag's effect is only that map_dma_buf runs once per attachment:
 * primedisp asks for it where the flag exists.
 */
#if PD_KVER >= 616
#define PD_COMPAT_DMA_BUF_OPS \
	.release = drm_gem_dmabuf_release
#else
#define PD_COMPAT_DMA_BUF_OPS \
	.cache_sgt_mapping = true, \
	.release = drm_gem_dmabuf_release
#endif

/*
 * platform_driver.remove returns void since 6.11; before that the void
 * variant was called remove_new.
 */
#if PD_KVER >= 611
#define PD_COMPAT_PLATFORM_REMOVE remove
#else
#define PD_COMPAT_PLATFORM_REMOVE remove_new
#endif

/*
 * PRIME callbacks of a shmem GEM driver, without .dumb_create (primedisp
 * has its own).  Since 6.6 the core fills in the handle/fd conversions and
 * the dma-buf mmap itself; 6.1 needs them spelled out.
 */
#if PD_KVER >= 606
#define PD_COMPAT_GEM_PRIME_OPS \
	.gem_prime_import = pd_gem_prime_import
#else
#define PD_COMPAT_GEM_PRIME_OPS \
	.prime_handle_to_fd = drm_gem_prime_handle_to_fd, \
	.prime_fd_to_handle = drm_gem_prime_fd_to_handle, \
	.gem_prime_import = pd_gem_prime_import, \
	.gem_prime_mmap = drm_gem_prime_mmap
#endif

/*
 * drm_gem_shmem_prime_import_no_map() (6.15, "drm/shmem-helper: Import
 * dmabuf without mapping its sg_table"; 6.12 lacks it, 7.2 has it, no
 * kernel in between could be checked) attaches a dma-buf without mapping
 * it for the importing device, for drivers that only read it with the CPU.
 * The backport builds the same object from the helpers the older kernels
 * export: the shmem helper's import with no table, which
 * drm_prime_gem_destroy() then neither unmaps nor frees.  Unlike the
 * upstream helper it does not recognise the default PRIME dma-buf
 * operations: primedisp exports with its own and checks for them first.
 */
#if PD_KVER < 615
/* The backport calls the dma-buf core itself: primedisp_gem.c says so. */
#define PD_COMPAT_IMPORT_NS_DMA_BUF MODULE_IMPORT_NS(PD_COMPAT_NS(DMA_BUF))
static inline struct drm_gem_object *
drm_gem_shmem_prime_import_no_map(struct drm_device *dev,
				  struct dma_buf *dma_buf)
{
	struct dma_buf_attachment *attach;
	struct drm_gem_object *obj;

	attach = dma_buf_attach(dma_buf, dev->dev);
	if (IS_ERR(attach))
		return ERR_CAST(attach);
	get_dma_buf(dma_buf);
	obj = drm_gem_shmem_prime_import_sg_table(dev, attach, NULL);
	if (IS_ERR(obj)) {
		dma_buf_detach(dma_buf, attach);
		dma_buf_put(dma_buf);
		return obj;
	}
	obj->import_attach = attach;
	obj->resv = dma_buf->resv;
	return obj;
}
#else
#define PD_COMPAT_IMPORT_NS_DMA_BUF
#endif

/* Symbol namespaces are named by a string literal since 6.13. */
#if PD_KVER >= 613
#define PD_COMPAT_NS(ns) #ns
#else
#define PD_COMPAT_NS(ns) ns
#endif

/*
 * The lock that protects the page array of a shmem GEM object: the
 * object's own pages_lock until 6.4, its reservation lock since 6.5.
 */
static inline void pd_compat_shmem_pages_lock(struct drm_gem_shmem_object *shmem)
{
#if PD_KVER >= 605
	dma_resv_lock(shmem->base.resv, NULL);
#else
	mutex_lock(&shmem->pages_lock);
#endif
}

static inline void pd_compat_shmem_pages_unlock(struct drm_gem_shmem_object *shmem)
{
#if PD_KVER >= 605
	dma_resv_unlock(shmem->base.resv);
#else
	mutex_unlock(&shmem->pages_lock);
#endif
}

/*
 * Modes of a connector's EDID override (debugfs edid_override), 0 if it
 * has none: renamed and reworked in 6.3.
 */
static inline int pd_compat_edid_override_modes(struct drm_connector *connector)
{
#if PD_KVER >= 603
	return drm_edid_override_connector_update(connector);
#else
	return drm_add_override_edid_modes(connector);
#endif
}

/*
 * The core's check of a writeback job's format against the writeback
 * connector's list: drm_atomic_helper_check_wb_encoder_state(encoder,
 * connector state) became drm_atomic_helper_check_wb_connector_state(
 * connector, atomic state) in 6.8.
 */
static inline int pd_compat_check_wb_format(struct drm_encoder *encoder,
					    struct drm_connector_state *state)
{
#if PD_KVER >= 608
	return drm_atomic_helper_check_wb_connector_state(state->connector,
							  state->state);
#else
	return drm_atomic_helper_check_wb_encoder_state(encoder, state);
#endif
}

/*
 * Plane colour pipelines: the COLOR_PIPELINE plane property and its
 * struct drm_colorop stages came in 6.19, the struct drm_colorop_funcs
 * their init functions take (whose destroy drm_mode_config_cleanup()
 * calls) after it; both are in 7.2 and 7.3, the oldest 7.x checked.
 * drm/primedisp_colorop.c, which Kbuild builds from 7.0 on, gives each
 * plane a pipeline; the older series have none and get these stubs.
 */
struct pd_pipeline;
#if PD_KVER < 619
/* The LUT entry of colour pipelines (uapi, 6.19), for the composer. */
struct drm_color_lut32 {
	__u32 red;
	__u32 green;
	__u32 blue;
	__u32 reserved;
};
#endif
#if PD_KVER >= 700
int pd_colorop_init(struct drm_plane *plane);
void pd_colorop_snapshot(struct pd_pipeline *pipe,
			 const struct drm_plane_state *ps,
			 struct drm_atomic_commit *state);
#else
static inline int pd_colorop_init(struct drm_plane *plane)
{
	return 0;
}

static inline void pd_colorop_snapshot(struct pd_pipeline *pipe,
				       const struct drm_plane_state *ps,
				       struct drm_atomic_commit *state)
{
}
#endif

/*
 * KUnit (drm/tests/, where the kernel has CONFIG_KUNIT): module symbol
 * namespaces are strings since 6.13 (commit cdd30ebb1b9f), identifiers
 * before.  The unit tests import the namespace EXPORT_SYMBOL_IF_KUNIT()
 * exports primedisp's internals into.
 */
#if PD_KVER >= 613
#define PD_KUNIT_IMPORT_NS() MODULE_IMPORT_NS("EXPORTED_FOR_KUNIT_TESTING")
#else
#define PD_KUNIT_IMPORT_NS() MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING)
#endif

#endif /* PRIMEDISP_COMPAT_H */
