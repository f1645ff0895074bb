// SPDX-License-Identifier: GPL-2.0
/*
 * primedisp_gem.c - primedisp's GEM objects and its own ioctls.
 *
 * Buffers are shmem GEM objects.  primedisp wraps the shmem object to
 * remember its creation flags and to count live objects, so that tests can
 * prove that nothing leaks, maps its exported buffers for each importer
 * within that importer's segment size, and imports other devices' buffers
 * without mapping them (it only reads them with the CPU); everything else
 * (pages, vmap, mmap, the rest of PRIME export and import) is done by
 * DRM's shmem and PRIME helpers.
 *
 * Copyright (C) 2026 The primedisp authors
 */

#include <linux/atomic.h>
#include <linux/capability.h>
#include <linux/dma-buf.h>
#include <linux/dma-mapping.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/overflow.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>

#include <drm/drm_auth.h>
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

PD_COMPAT_IMPORT_NS_DMA_BUF;

/*
 * Live primedisp GEM objects (created and imported), for leak checks: the
 * objects made by pd_gem_create_ioctl(), pd_gem_dumb_create() (fbdev's
 * buffer too) and pd_gem_prime_import().
 */
static atomic_t pd_gem_live = ATOMIC_INIT(0);

static void pd_gem_free(struct drm_gem_object *obj)
{
	struct pd_gem_object *bo = to_pd_gem(obj);

	if (bo->charged)
		atomic64_sub(bo->charged, &to_pd_device(obj->dev)->client_bytes);
	if (to_pd_gem(obj)->counted)
		atomic_dec(&pd_gem_live);
	/* Each importer unmapped before its attachment held the object. */
	drm_WARN_ON(obj->dev, !list_empty(&bo->exports));
	mutex_destroy(&bo->export_lock);
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

/**
 * pd_gem_charge - charge a new buffer to the budget of unprivileged clients
 * @file: the DRM file creating it
 * @drm: the DRM device
 * @size: its size in bytes
 *
 * Creating a buffer costs no memory until its pages are touched, but it
 * reserves its size in the mmap-offset space that the card and render
 * nodes of the device share (1 TiB on 64-bit).  Without a limit, a client
 * of the render node could create buffers until that space is gone, and
 * the compositor could then not allocate even a cursor.  So the buffers
 * of unprivileged clients (neither the current DRM master nor
 * CAP_SYS_ADMIN) that exist at one time may add up to at most
 * &pd_config.client_budget, at most half of that space; the budget is
 * given back when a buffer is freed, not when its creator closes its
 * file (a buffer shared through PRIME lives on).  A limit per file would
 * not help: a client opens as many files as it likes.
 *
 * Return: the bytes charged (0 for a privileged client), or -ENOMEM when
 * the budget is used up.
 */
static s64 pd_gem_charge(struct drm_file *file, struct drm_device *drm,
			 u64 size)
{
	struct pd_device *pd = to_pd_device(drm);

	if (drm_is_current_master(file) || capable(CAP_SYS_ADMIN))
		return 0;
	if (atomic64_add_return(size, &pd->client_bytes) >
	    pd->config.client_budget) {
		atomic64_sub(size, &pd->client_bytes);
		drm_dbg(drm, "unprivileged clients' budget of %llu bytes used up\n",
			pd->config.client_budget);
		return -ENOMEM;
	}
	return size;
}

/*
 * Create a shmem object of @size bytes for @file, charged to the budget
 * of unprivileged clients (pd_gem_charge()) and counted in.
 */
static struct drm_gem_shmem_object *pd_gem_new(struct drm_file *file,
					       struct drm_device *drm,
					       u64 size)
{
	struct drm_gem_shmem_object *shmem;
	s64 charged;

	charged = pd_gem_charge(file, drm, size);
	if (charged < 0)
		return ERR_PTR(charged);
	shmem = drm_gem_shmem_create(drm, size);
	if (IS_ERR(shmem)) {
		atomic64_sub(charged, &to_pd_device(drm)->client_bytes);
		return shmem;
	}
	to_pd_gem(&shmem->base)->charged = charged;
	pd_gem_count(&shmem->base);
	return shmem;
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
 * limit.
 *
 * The cache rules, which the helpers leave implicit: the buffer's pages are
 * cached CPU memory (the shmem helper's mmap and vmap), and an importer may
 * be a device that does not snoop the CPU's caches (many arm64 SoCs).
 *  - Mapping for an importer writes the CPU's caches back for it
 *    (dma_sync_sgtable_for_device()), so the device sees what the CPU wrote
 *    before.  The mapping itself skips that (DMA_ATTR_SKIP_CPU_SYNC): the
 *    DMA API allows several streaming mappings of one page, as several
 *    importers make, only without the implicit cache maintenance.
 *  - DMA_BUF_IOCTL_SYNC (dma_buf_begin/end_cpu_access()) brackets CPU
 *    access for every importer that has the buffer mapped: the start
 *    invalidates what the devices wrote from the CPU's caches, the end
 *    writes the CPU's writes back for them.
 *  - Unmapping does no cache maintenance (drm_gem_unmap_dma_buf() skips
 *    it): a device's writes are the CPU's to see after the next
 *    DMA_BUF_IOCTL_SYNC start, as the dma-buf documentation asks of every
 *    CPU user.
 * On coherent machines (x86, most servers) the DMA API makes all of this
 * free.
 */

/**
 * struct pd_export_map - one importer's DMA mapping of a primedisp buffer
 * @node: in &pd_gem_object.exports
 * @dev: the importing device
 * @sgt: the mapped scatterlist, as given to the importer
 * @dir: the direction of the mapping (syncs must use it)
 */
struct pd_export_map {
	struct list_head node;
	struct device *dev;
	struct sg_table *sgt;
	enum dma_data_direction dir;
};

static struct sg_table *pd_gem_map_dma_buf(struct dma_buf_attachment *attach,
					   enum dma_data_direction dir)
{
	struct drm_gem_object *obj = attach->dmabuf->priv;
	struct pd_gem_object *bo = to_pd_gem(obj);
	struct drm_gem_shmem_object *shmem = &bo->base;
	size_t max_seg = min_t(size_t, dma_get_max_seg_size(attach->dev),
			       dma_max_mapping_size(attach->dev));
	struct pd_export_map *map;
	struct sg_table *sgt;
	int ret;

	if (drm_WARN_ON(obj->dev, dir == DMA_NONE || !shmem->pages))
		return ERR_PTR(-EINVAL);
	max_seg = max_t(size_t, round_down(max_seg, PAGE_SIZE), PAGE_SIZE);

	map = kzalloc(sizeof(*map), GFP_KERNEL);
	sgt = kzalloc(sizeof(*sgt), GFP_KERNEL);
	if (!map || !sgt) {
		ret = -ENOMEM;
		goto err_free;
	}
	ret = sg_alloc_table_from_pages_segment(sgt, shmem->pages,
						obj->size >> PAGE_SHIFT, 0,
						obj->size, max_seg, GFP_KERNEL);
	if (ret)
		goto err_free;
	ret = dma_map_sgtable(attach->dev, sgt, dir, DMA_ATTR_SKIP_CPU_SYNC);
	if (ret)
		goto err_table;
	dma_sync_sgtable_for_device(attach->dev, sgt, dir);

	map->dev = attach->dev;
	map->sgt = sgt;
	map->dir = dir;
	mutex_lock(&bo->export_lock);
	list_add(&map->node, &bo->exports);
	mutex_unlock(&bo->export_lock);
	return sgt;

err_table:
	sg_free_table(sgt);
err_free:
	kfree(sgt);
	kfree(map);
	return ERR_PTR(ret);
}

static void pd_gem_unmap_dma_buf(struct dma_buf_attachment *attach,
				 struct sg_table *sgt,
				 enum dma_data_direction dir)
{
	struct pd_gem_object *bo = to_pd_gem(attach->dmabuf->priv);
	struct pd_export_map *map, *found = NULL;

	mutex_lock(&bo->export_lock);
	list_for_each_entry(map, &bo->exports, node) {
		if (map->sgt == sgt) {
			list_del(&map->node);
			found = map;
			break;
		}
	}
	mutex_unlock(&bo->export_lock);
	kfree(found);
	drm_gem_unmap_dma_buf(attach, sgt, dir);	/* unmaps and frees it */
}

/*
 * Sync every importer's mapping of @dma_buf for the CPU (@for_cpu) or back
 * for the devices, each with the direction it was mapped with.
 */
static void pd_gem_sync_exports(struct dma_buf *dma_buf, bool for_cpu)
{
	struct pd_gem_object *bo = to_pd_gem(dma_buf->priv);
	struct pd_export_map *map;

	mutex_lock(&bo->export_lock);
	list_for_each_entry(map, &bo->exports, node) {
		if (for_cpu)
			dma_sync_sgtable_for_cpu(map->dev, map->sgt, map->dir);
		else
			dma_sync_sgtable_for_device(map->dev, map->sgt, map->dir);
	}
	mutex_unlock(&bo->export_lock);
}

/* DMA_BUF_IOCTL_SYNC start: the devices' writes become the CPU's to read. */
static int pd_gem_begin_cpu_access(struct dma_buf *dma_buf,
				   enum dma_data_direction dir)
{
	pd_gem_sync_exports(dma_buf, true);
	return 0;
}

/* DMA_BUF_IOCTL_SYNC end: the CPU's writes reach the devices. */
static int pd_gem_end_cpu_access(struct dma_buf *dma_buf,
				 enum dma_data_direction dir)
{
	pd_gem_sync_exports(dma_buf, false);
	return 0;
}

static const struct dma_buf_ops pd_dmabuf_ops = {
	.attach = drm_gem_map_attach,
	.detach = drm_gem_map_detach,
	.map_dma_buf = pd_gem_map_dma_buf,
	.unmap_dma_buf = pd_gem_unmap_dma_buf,
	PD_COMPAT_DMA_BUF_OPS,
	.begin_cpu_access = pd_gem_begin_cpu_access,
	.end_cpu_access = pd_gem_end_cpu_access,
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

/**
 * pd_gem_prime_import - import a dma-buf into primedisp
 * @drm: the DRM device
 * @dma_buf: the buffer
 *
 * A dma-buf primedisp exported itself is the same GEM object again (the
 * PRIME helper recognises only its own dma-buf operations, not ours).
 * Anything else is attached but never mapped for the device: primedisp
 * does no DMA, the composer reads an imported buffer through the CPU
 * (dma_buf_vmap()) and only when CRC or writeback asks for pixels.  A
 * mapping would only cost cache maintenance on every import, and two
 * importers' streaming mappings of one buffer, which the DMA API does not
 * allow, would be primedisp's fault.
 *
 * Return: the GEM object, or an ERR_PTR.
 */
struct drm_gem_object *pd_gem_prime_import(struct drm_device *drm,
					   struct dma_buf *dma_buf)
{
	struct drm_gem_object *obj = dma_buf->priv;

	if (dma_buf->ops == &pd_dmabuf_ops && obj->dev == drm) {
		drm_gem_object_get(obj);
		return obj;
	}

	obj = drm_gem_shmem_prime_import_no_map(drm, dma_buf);
	if (IS_ERR(obj))
		return obj;
	/*
	 * An import is never mapped through primedisp's fd (the core refuses
	 * it: map the dma-buf), so give back the mmap offset the shmem helper
	 * reserved: else importing one large dma-buf into many files would
	 * use the offset space up without any budget.
	 */
	drm_gem_free_mmap_offset(obj);
	pd_gem_count(obj);
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

	/* Charged to the caller's memory cgroup, as its pages will be. */
	bo = kzalloc(sizeof(*bo), GFP_KERNEL_ACCOUNT);
	if (!bo)
		return ERR_PTR(-ENOMEM);
	bo->base.base.funcs = &pd_gem_funcs;
	mutex_init(&bo->export_lock);
	INIT_LIST_HEAD(&bo->exports);
	return &bo->base.base;
}

/**
 * pd_gem_dumb_create - create a dumb buffer of the size the core checked
 * @file: the DRM file
 * @drm: the DRM device
 * @args: the ioctl's arguments; the core has checked that width, height
 *	and bpp give a size within 32 bits, and zeroed pitch and size
 *
 * What drm_gem_shmem_dumb_create() does, under the rules of GEM_CREATE:
 * at most PD_GEM_MAX_SIZE (the core allows 4 GiB), charged to the budget
 * of unprivileged clients and counted in (pd_gem_new()).  The pitch is
 * the width's bits rounded up to bytes, the size a whole number of pages.
 *
 * Return: 0 or a negative errno (-EINVAL above PD_GEM_MAX_SIZE, -ENOMEM
 * when the budget is used up).
 */
int pd_gem_dumb_create(struct drm_file *file, struct drm_device *drm,
		       struct drm_mode_create_dumb *args)
{
	struct drm_gem_shmem_object *shmem;
	u64 pitch = DIV_ROUND_UP((u64)args->width * args->bpp, 8);
	u64 size = PAGE_ALIGN(pitch * args->height);
	int ret;

	if (!size || size > PD_GEM_MAX_SIZE)
		return -EINVAL;
	shmem = pd_gem_new(file, drm, size);
	if (IS_ERR(shmem))
		return PTR_ERR(shmem);

	ret = drm_gem_handle_create(file, &shmem->base, &args->handle);
	/* The handle holds the only reference from here on. */
	drm_gem_object_put(&shmem->base);
	if (ret)
		return ret;
	args->pitch = pitch;
	args->size = size;
	return 0;
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

	shmem = pd_gem_new(file, drm, size);
	if (IS_ERR(shmem))
		return PTR_ERR(shmem);
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
 * @flags is an input too, and must be 0 there, like every flags field of
 * primedisp's uapi: a later version can then give input bits a meaning
 * (for instance a query of another property) without old kernels
 * silently answering something else.
 *
 * Return: 0, -EINVAL for non-zero input @flags, -ENOENT for an unknown
 * handle.
 */
int pd_gem_info_ioctl(struct drm_device *drm, void *data,
		      struct drm_file *file)
{
	struct drm_primedisp_gem_info *args = data;
	struct drm_gem_object *obj;

	if (args->flags)
		return -EINVAL;
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

static const struct drm_info_list pd_debugfs_list[] = {
	{ "primedisp_objects", pd_debugfs_objects, 0 },
};

/**
 * pd_debugfs_init - primedisp's debugfs files
 * @minor: the DRM minor whose debugfs directory gets them
 *
 * primedisp_objects: the number of live primedisp GEM objects (all
 * devices), which leak tests compare before and after.
 */
void pd_debugfs_init(struct drm_minor *minor)
{
	drm_debugfs_create_files(pd_debugfs_list, ARRAY_SIZE(pd_debugfs_list),
				 minor->debugfs_root, minor);
}
