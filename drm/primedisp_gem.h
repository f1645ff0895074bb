/* SPDX-License-Identifier: GPL-2.0 */
/*
 * primedisp_gem.h - primedisp's buffers: shmem GEM objects, their import and
 * export, the budget of unprivileged clients and primedisp's own ioctls
 * (primedisp_gem.c).
 *
 * Copyright (C) 2026 The primedisp authors
 */
#ifndef PRIMEDISP_GEM_H
#define PRIMEDISP_GEM_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/sizes.h>
#include <linux/types.h>

#include <drm/drm_gem_shmem_helper.h>
#include <drm/drm_vma_manager.h>

struct dma_buf;
struct drm_file;
struct drm_minor;
struct drm_mode_create_dumb;

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

#endif /* PRIMEDISP_GEM_H */
