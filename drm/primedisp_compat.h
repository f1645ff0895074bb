/* SPDX-License-Identifier: GPL-2.0 */
/*
 * primedisp_compat.h - every difference between the kernels primedisp
 * supports (Linux 6.1 and 6.12) lives here and nowhere else.
 *
 * Copyright (C) 2026 The primedisp authors
 */
#ifndef PRIMEDISP_COMPAT_H
#define PRIMEDISP_COMPAT_H

/*
 * PD_KVER is the kernel's major * 100 + minor (601, 612), set by Kbuild
 * from the kernel tree we build against.
 */
#ifndef PD_KVER
#error "PD_KVER must be set by primedisp's Kbuild"
#endif

#include <linux/dma-mapping.h>
#include <linux/dma-resv.h>
#include <linux/mutex.h>

#include <drm/drm_edid.h>
#include <drm/drm_gem_shmem_helper.h>

#if PD_KVER >= 611
#include <drm/drm_fbdev_shmem.h>
#else
#include <drm/drm_fb_helper.h>
#endif

/*
 * fbdev emulation: 6.11 split the generic fbdev client into shmem and ttm
 * flavours; 6.1 only has the generic one, which works for shmem GEM.
 */
static inline void pd_compat_fbdev_setup(struct drm_device *drm,
					 unsigned int bpp)
{
#if PD_KVER >= 611
	drm_fbdev_shmem_setup(drm, bpp);
#else
	drm_fbdev_generic_setup(drm, bpp);
#endif
}

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
	.gem_prime_import_sg_table = pd_gem_prime_import_sg_table
#else
#define PD_COMPAT_GEM_PRIME_OPS \
	.prime_handle_to_fd = drm_gem_prime_handle_to_fd, \
	.prime_fd_to_handle = drm_gem_prime_fd_to_handle, \
	.gem_prime_import_sg_table = pd_gem_prime_import_sg_table, \
	.gem_prime_mmap = drm_gem_prime_mmap
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
 * Set the longest DMA segment the device accepts.  From 6.11 on the
 * helper returns nothing and WARNs itself when the device has no DMA
 * parameters.
 */
static inline int pd_compat_set_max_seg_size(struct device *dev,
					     unsigned int size)
{
#if PD_KVER >= 611
	if (!dev->dma_parms)
		return -EIO;
	dma_set_max_seg_size(dev, size);
	return 0;
#else
	return dma_set_max_seg_size(dev, size);
#endif
}

#endif /* PRIMEDISP_COMPAT_H */
