// SPDX-License-Identifier: GPL-2.0
/*
 * primedisp_gem.c - primedisp's GEM objects and its own ioctls.
 *
 * Buffers are shmem GEM objects.  primedisp wraps the shmem object to
 * remember its creation flags and to count live objects, so that tests can
 * prove that nothing leaks, and maps its exported buffers for each importer
 * within that importer's segment size; everything else (pages, vmap, mmap,
 * the rest of PRIME export and import) is done by DRM's shmem and PRIME
 * helpers.
 *
 * Copyright (C) 2026 The primedisp authors
 */

#include <linux/atomic.h>
#include <linux/dma-buf.h>
#include <linux/dma-mapping.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>

#include <drm/drm_debugfs.h>
#include <drm/drm_file.h>
#include <drm/drm_fourcc.h>
#include <drm/drm_gem.h>
#include <drm/drm_gem_shmem_helper.h>
#include <drm/drm_prime.h>
#include <drm/drm_print.h>
#include <drm/drm_vma_manager.h>

#include <drm/primedisp_drm.h>

#include "primedisp_compat.h"
#include "primedisp_drv.h"

/*
 * Live primedisp GEM objects (created and imported), for leak checks: the
 * objects made by pd_gem_create_ioctl(), pd_gem_dumb_create() (fbdev's
 * buffer too) and pd_gem_prime_import_sg_table().
 */
static atomic_t pd_gem_live = ATOMIC_INIT(0);

static void pd_gem_free(struct drm_gem_object *obj)
{
	struct pd_device *pd = to_pd_device(obj->dev);

	if (hash_hashed(&to_pd_gem(obj)->import_node)) {
		/* No longer the device's import of that dma-buf. */
		mutex_lock(&pd->import_lock);
		hash_del(&to_pd_gem(obj)->import_node);
		mutex_unlock(&pd->import_lock);
	}
	if (to_pd_gem(obj)->counted)
		atomic_dec(&pd_gem_live);
	drm_gem_shmem_free(to_drm_gem_shmem_obj(obj));
}

/*
 * Count a new object in, once the shmem helper has built it.  Not earlier,
 * in pd_gem_create_object(): when the helper fails after that (no memory
 * for the shmem file, no mmap offset) it frees the object itself without
 * calling .free, and the count would stay one too high.
 */
static void pd_gem_count(struct drm_gem_object *obj)
{
	to_pd_gem(obj)->counted = true;
	atomic_inc(&pd_gem_live);
}

/*
 * The CPU page fault handler of mappings of the DRM fd and of the dma-buf.
 * The shmem helper's own handler takes the page from the distance to the
 * start of the mapping and so ignores the mapping's offset in the buffer:
 * mmap() of the dma-buf at a non-zero offset (a window of the buffer) shows
 * the first pages instead.  Both mmap paths leave the buffer's fake offset
 * plus the offset asked for in vm_pgoff (the DRM fd only accepts the fake
 * offset itself), so subtracting the former gives the page.
 */
static vm_fault_t pd_gem_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct drm_gem_object *obj = vma->vm_private_data;
	struct drm_gem_shmem_object *shmem = to_drm_gem_shmem_obj(obj);
	pgoff_t start = drm_vma_node_start(&obj->vma_node);
	pgoff_t page = vmf->pgoff - start;
	vm_fault_t ret;

	pd_compat_shmem_pages_lock(shmem);
	if (vmf->pgoff < start || page >= obj->size >> PAGE_SHIFT ||
	    drm_WARN_ON_ONCE(obj->dev, !shmem->pages) || shmem->madv < 0)
		ret = VM_FAULT_SIGBUS;
	else
		ret = vmf_insert_pfn(vma, vmf->address,
				     page_to_pfn(shmem->pages[page]));
	pd_compat_shmem_pages_unlock(shmem);
	return ret;
}

/* Opening and closing a mapping is left to the shmem helper. */
static void pd_gem_vm_open(struct vm_area_struct *vma)
{
	drm_gem_shmem_vm_ops.open(vma);
}

static void pd_gem_vm_close(struct vm_area_struct *vma)
{
	drm_gem_shmem_vm_ops.close(vma);
}

static const struct vm_operations_struct pd_gem_vm_ops = {
	.fault = pd_gem_fault,
	.open = pd_gem_vm_open,
	.close = pd_gem_vm_close,
};

/*
 * PRIME export.  DRM's PRIME helpers map a buffer for an importer with a
 * scatterlist built for the exporting device (drm_prime_pages_to_sg()):
 * its segments can be longer than the importing device accepts (vgem and
 * many DMA engines take 64 KiB), which DMA-API debugging reports and which
 * a device without an IOMMU that really has the limit would overrun.
 * primedisp builds each importer's scatterlist with that importer's segment
 * limit; the rest of the dma-buf operations are the helpers'.
 */
static struct sg_table *pd_gem_map_dma_buf(struct dma_buf_attachment *attach,
					   enum dma_data_direction dir)
{
	struct drm_gem_object *obj = attach->dmabuf->priv;
	struct drm_gem_shmem_object *shmem = to_drm_gem_shmem_obj(obj);
	size_t max_seg = min_t(size_t, dma_get_max_seg_size(attach->dev),
			       dma_max_mapping_size(attach->dev));
	struct sg_table *sgt;
	int ret;

	if (drm_WARN_ON(obj->dev, dir == DMA_NONE || !shmem->pages))
		return ERR_PTR(-EINVAL);
	max_seg = max_t(size_t, round_down(max_seg, PAGE_SIZE), PAGE_SIZE);

	sgt = kzalloc(sizeof(*sgt), GFP_KERNEL);
	if (!sgt)
		return ERR_PTR(-ENOMEM);
	ret = sg_alloc_table_from_pages_segment(sgt, shmem->pages,
						obj->size >> PAGE_SHIFT, 0,
						obj->size, max_seg, GFP_KERNEL);
	if (ret)
		goto err_free;
	ret = dma_map_sgtable(attach->dev, sgt, dir, DMA_ATTR_SKIP_CPU_SYNC);
	if (ret)
		goto err_table;
	return sgt;

err_table:
	sg_free_table(sgt);
err_free:
	kfree(sgt);
	return ERR_PTR(ret);
}

static const struct dma_buf_ops pd_dmabuf_ops = {
	.attach = drm_gem_map_attach,
	.detach = drm_gem_map_detach,
	.map_dma_buf = pd_gem_map_dma_buf,
	.unmap_dma_buf = drm_gem_unmap_dma_buf,	/* unmaps and frees the table */
	PD_COMPAT_DMA_BUF_OPS,
	.mmap = drm_gem_dmabuf_mmap,
	.vmap = drm_gem_dmabuf_vmap,
	.vunmap = drm_gem_dmabuf_vunmap,
};

static struct dma_buf *pd_gem_prime_export(struct drm_gem_object *obj,
					   int flags)
{
	struct dma_buf_export_info exp_info = {
		.exp_name = KBUILD_MODNAME,
		.owner = THIS_MODULE,
		.ops = &pd_dmabuf_ops,
		.size = obj->size,
		.flags = flags,
		.priv = obj,
		.resv = obj->resv,
	};

	return drm_gem_dmabuf_export(obj->dev, &exp_info);
}

/* The device's live import of @dma_buf, referenced, or NULL. */
static struct drm_gem_object *pd_gem_import_lookup(struct pd_device *pd,
						   struct dma_buf *dma_buf)
{
	struct pd_gem_object *pgo;

	lockdep_assert_held(&pd->import_lock);
	hash_for_each_possible(pd->imports, pgo, import_node,
			       (unsigned long)dma_buf) {
		struct drm_gem_object *obj = &pgo->base.base;

		/*
		 * One being freed waits in pd_gem_free() to leave the table;
		 * a newer import of the same dma-buf may be next to it.
		 */
		if (obj->import_attach->dmabuf == dma_buf &&
		    kref_get_unless_zero(&obj->refcount))
			return obj;
	}
	return NULL;
}

/**
 * pd_gem_prime_import - import a dma-buf into primedisp
 * @drm: the DRM device
 * @dma_buf: the buffer
 *
 * A dma-buf primedisp exported itself is the same GEM object again (the
 * PRIME helper recognises only its own dma-buf operations, not ours).
 * Anything else is attached and mapped by the PRIME helper, once per
 * device: DRM's import cache is per file, and a second file importing the
 * same dma-buf would map its pages for the device a second time, two
 * overlapping streaming mappings that the DMA API does not allow (their
 * cache maintenance would undo each other on a non-coherent system).  So
 * every file of the device shares one GEM object per foreign dma-buf.
 *
 * Return: the GEM object, or an ERR_PTR.
 */
struct drm_gem_object *pd_gem_prime_import(struct drm_device *drm,
					   struct dma_buf *dma_buf)
{
	struct pd_device *pd = to_pd_device(drm);
	struct drm_gem_object *obj = dma_buf->priv, *old;

	if (dma_buf->ops == &pd_dmabuf_ops && obj->dev == drm) {
		drm_gem_object_get(obj);
		return obj;
	}

	mutex_lock(&pd->import_lock);
	obj = pd_gem_import_lookup(pd, dma_buf);
	mutex_unlock(&pd->import_lock);
	if (obj)
		return obj;

	/* Not under the lock: a failed import frees its object. */
	obj = drm_gem_prime_import(drm, dma_buf);
	if (IS_ERR(obj))
		return obj;

	mutex_lock(&pd->import_lock);
	old = pd_gem_import_lookup(pd, dma_buf);
	if (!old)
		hash_add(pd->imports, &to_pd_gem(obj)->import_node,
			 (unsigned long)dma_buf);
	mutex_unlock(&pd->import_lock);
	if (old) {
		/* Another file was quicker: share its import. */
		drm_gem_object_put(obj);
		return old;
	}
	return obj;
}

/*
 * The shmem helper's own object functions, except .free, which also counts
 * the object out, and .vm_ops, whose fault handler respects the offset of
 * a mapping, and .export, see above.
 */
static const struct drm_gem_object_funcs pd_gem_funcs = {
	.free = pd_gem_free,
	.export = pd_gem_prime_export,
	.print_info = drm_gem_shmem_object_print_info,
	.pin = drm_gem_shmem_object_pin,
	.unpin = drm_gem_shmem_object_unpin,
	.get_sg_table = drm_gem_shmem_object_get_sg_table,
	.vmap = drm_gem_shmem_object_vmap,
	.vunmap = drm_gem_shmem_object_vunmap,
	.mmap = drm_gem_shmem_object_mmap,
	.vm_ops = &pd_gem_vm_ops,
};

/**
 * pd_gem_create_object - allocate primedisp's GEM object for the helpers
 * @drm: the DRM device
 * @size: size of the buffer (unused: the helper initialises it)
 *
 * Called by the shmem helper for every object it creates, including the
 * ones that wrap an imported dma-buf.
 *
 * Return: the embedded GEM object, or an ERR_PTR.
 */
struct drm_gem_object *pd_gem_create_object(struct drm_device *drm,
					    size_t size)
{
	struct pd_gem_object *bo;

	bo = kzalloc(sizeof(*bo), GFP_KERNEL);
	if (!bo)
		return ERR_PTR(-ENOMEM);
	bo->base.base.funcs = &pd_gem_funcs;
	return &bo->base.base;
}

/**
 * pd_gem_dumb_create - create a dumb buffer of the size the core checked
 * @file: the DRM file
 * @drm: the DRM device
 * @args: the ioctl's arguments; the core has checked that width, height
 *	and bpp give a size within 32 bits, and zeroed pitch and size
 *
 * What drm_gem_shmem_dumb_create() does, with the new object counted in
 * between its creation and its handle.  The pitch is the width's bits
 * rounded up to bytes, the size a whole number of pages.
 *
 * Return: 0 or a negative errno.
 */
int pd_gem_dumb_create(struct drm_file *file, struct drm_device *drm,
		       struct drm_mode_create_dumb *args)
{
	struct drm_gem_shmem_object *shmem;
	u64 pitch = DIV_ROUND_UP((u64)args->width * args->bpp, 8);
	u64 size = PAGE_ALIGN(pitch * args->height);
	int ret;

	if (!size || size > U32_MAX)
		return -EINVAL;
	shmem = drm_gem_shmem_create(drm, size);
	if (IS_ERR(shmem))
		return PTR_ERR(shmem);
	pd_gem_count(&shmem->base);

	ret = drm_gem_handle_create(file, &shmem->base, &args->handle);
	/* The handle holds the only reference from here on. */
	drm_gem_object_put(&shmem->base);
	if (ret)
		return ret;
	args->pitch = pitch;
	args->size = size;
	return 0;
}

/**
 * pd_gem_prime_import_sg_table - wrap another device's buffer
 * @drm: the DRM device
 * @attach: the attachment of the dma-buf to @drm
 * @sgt: its pages, mapped for @drm
 *
 * The shmem helper's import, with the new object counted in.
 *
 * Return: the GEM object or an ERR_PTR.
 */
struct drm_gem_object *
pd_gem_prime_import_sg_table(struct drm_device *drm,
			     struct dma_buf_attachment *attach,
			     struct sg_table *sgt)
{
	struct drm_gem_object *obj;

	obj = drm_gem_shmem_prime_import_sg_table(drm, attach, sgt);
	if (!IS_ERR(obj))
		pd_gem_count(obj);
	return obj;
}

/*
 * Work out the layout of a width x height buffer of a format: the pitch
 * and offset of each plane and the total size, refusing any overflow.
 */
static int pd_gem_layout(struct drm_device *drm,
			 struct drm_primedisp_gem_create *args)
{
	const struct drm_format_info *info;
	u64 total = 0;
	unsigned int i;

	if (!args->height || args->width > PD_MAX_FB_SIZE ||
	    args->height > PD_MAX_FB_SIZE || args->size)
		return -EINVAL;
	if (!pd_format_supported(args->format))
		return -EINVAL;
	info = drm_format_info(args->format);
	if (!info || !pd_format_width_ok(info, args->width))
		return -EINVAL;

	args->num_planes = info->num_planes;
	for (i = 0; i < info->num_planes; i++) {
		u32 w = DIV_ROUND_UP(args->width, i ? info->hsub : 1);
		u32 h = DIV_ROUND_UP(args->height, i ? info->vsub : 1);
		u64 pitch = (u64)w * info->cpp[i];

		if (args->flags & PRIMEDISP_GEM_CREATE_SCANOUT)
			pitch = ALIGN(pitch, 64);
		if (pitch > U32_MAX)
			return -EINVAL;
		args->pitches[i] = pitch;
		args->offsets[i] = total;
		total += pitch * h;
		if (total > U32_MAX)
			return -EINVAL;
	}
	args->size = total;
	return 0;
}

/**
 * pd_gem_create_ioctl - DRM_IOCTL_PRIMEDISP_GEM_CREATE
 * @drm: the DRM device
 * @data: a struct drm_primedisp_gem_create
 * @file: the caller's DRM file
 *
 * Allowed on the render node: this is how render-only clients allocate.
 *
 * Return: 0 or a negative errno.
 */
int pd_gem_create_ioctl(struct drm_device *drm, void *data,
			struct drm_file *file)
{
	struct drm_primedisp_gem_create *args = data;
	struct drm_gem_shmem_object *shmem;
	struct pd_gem_object *bo;
	u64 size;
	int ret;

	if (args->flags & ~PRIMEDISP_GEM_CREATE_FLAGS)
		return -EINVAL;
	/* Output fields are overwritten, whatever they held. */
	args->handle = 0;
	args->num_planes = 0;
	memset(args->pitches, 0, sizeof(args->pitches));
	memset(args->offsets, 0, sizeof(args->offsets));

	if (args->width) {
		ret = pd_gem_layout(drm, args);
		if (ret)
			return ret;
	} else if (args->height || args->format ||
		   (args->flags & PRIMEDISP_GEM_CREATE_SCANOUT)) {
		return -EINVAL;
	}
	if (!args->size || args->size > PD_GEM_MAX_SIZE)
		return -EINVAL;
	size = PAGE_ALIGN(args->size);

	shmem = drm_gem_shmem_create(drm, size);
	if (IS_ERR(shmem))
		return PTR_ERR(shmem);
	pd_gem_count(&shmem->base);
	bo = to_pd_gem(&shmem->base);
	bo->flags = args->flags;
	shmem->map_wc = !!(args->flags & PRIMEDISP_GEM_CREATE_WC);

	ret = drm_gem_handle_create(file, &shmem->base, &args->handle);
	/* The handle holds the only reference from here on. */
	drm_gem_object_put(&shmem->base);
	if (ret)
		return ret;
	args->size = size;
	return 0;
}

/**
 * pd_gem_mmap_offset_ioctl - DRM_IOCTL_PRIMEDISP_GEM_MMAP_OFFSET
 * @drm: the DRM device
 * @data: a struct drm_primedisp_gem_mmap_offset
 * @file: the caller's DRM file
 *
 * Return: 0, -ENOENT for an unknown handle, -EINVAL for flags or for an
 * imported buffer (whose pages belong to its exporter: map its dma-buf).
 */
int pd_gem_mmap_offset_ioctl(struct drm_device *drm, void *data,
			     struct drm_file *file)
{
	struct drm_primedisp_gem_mmap_offset *args = data;
	struct drm_gem_object *obj;
	int ret;

	if (args->flags)
		return -EINVAL;
	obj = drm_gem_object_lookup(file, args->handle);
	if (!obj)
		return -ENOENT;
	if (obj->import_attach) {
		ret = -EINVAL;
		goto out;
	}
	ret = drm_gem_create_mmap_offset(obj);
	if (!ret)
		args->offset = drm_vma_node_offset_addr(&obj->vma_node);
out:
	drm_gem_object_put(obj);
	return ret;
}

/**
 * pd_gem_info_ioctl - DRM_IOCTL_PRIMEDISP_GEM_INFO
 * @drm: the DRM device
 * @data: a struct drm_primedisp_gem_info
 * @file: the caller's DRM file
 *
 * Return: 0 or -ENOENT for an unknown handle.
 */
int pd_gem_info_ioctl(struct drm_device *drm, void *data,
		      struct drm_file *file)
{
	struct drm_primedisp_gem_info *args = data;
	struct drm_gem_object *obj;

	obj = drm_gem_object_lookup(file, args->handle);
	if (!obj)
		return -ENOENT;

	args->flags = to_pd_gem(obj)->flags;
	/* An import also points at its dma-buf, but exported it was not. */
	if (obj->import_attach)
		args->flags |= PRIMEDISP_GEM_INFO_IMPORTED;
	else if (READ_ONCE(obj->dma_buf))
		args->flags |= PRIMEDISP_GEM_INFO_EXPORTED;
	args->size = obj->size;
	drm_gem_object_put(obj);
	return 0;
}

static int pd_debugfs_objects(struct seq_file *m, void *unused)
{
	seq_printf(m, "%d\n", atomic_read(&pd_gem_live));
	return 0;
}

/*
 * What the composer did: frames composed, bytes of pixels it read and the
 * time it took (mapping included), for benchmarks.
 */
static int pd_debugfs_composer(struct seq_file *m, void *unused)
{
	struct drm_info_node *node = m->private;
	struct pd_device *pd = to_pd_device(node->minor->dev);

	seq_printf(m, "frames %lld\nbytes_read %lld\ntime_ns %lld\n",
		   atomic64_read(&pd->composed_frames),
		   atomic64_read(&pd->composed_bytes),
		   atomic64_read(&pd->composed_ns));
	return 0;
}

static const struct drm_info_list pd_debugfs_list[] = {
	{ "primedisp_objects", pd_debugfs_objects, 0 },
	{ "primedisp_composer", pd_debugfs_composer, 0 },
};

/**
 * pd_debugfs_init - primedisp's debugfs files
 * @minor: the DRM minor whose debugfs directory gets them
 *
 * primedisp_objects: the number of live primedisp GEM objects (all
 * devices), which leak tests compare before and after.
 * primedisp_composer: frames the composer composed, bytes of plane
 * pixels it read (both stay still while nothing needs composing: zero
 * copy) and the nanoseconds it spent composing them.
 */
void pd_debugfs_init(struct drm_minor *minor)
{
	drm_debugfs_create_files(pd_debugfs_list, ARRAY_SIZE(pd_debugfs_list),
				 minor->debugfs_root, minor);
}
