// SPDX-License-Identifier: GPL-2.0
/*
 * primedisp_drv.c - module, platform device and DRM device of primedisp.
 *
 * primedisp is a DRM/KMS driver for a virtual display controller that owns
 * shmem GEM objects, exports them as dma-bufs and imports dma-bufs from
 * other devices, so that camera and GPU buffers reach the screen without a
 * copy.  At module load it creates its own platform device (there is no
 * hardware to enumerate) and binds to it like any platform driver, so that
 * unbind/rebind through sysfs behaves as on a real display controller.
 *
 * Copyright (C) 2026 The primedisp authors
 */

#include <linux/dma-mapping.h>
#include <linux/mod_devicetable.h>
#include <linux/module.h>
#include <linux/of.h>
#include <linux/platform_device.h>

#include <drm/drm_atomic.h>
#include <drm/drm_atomic_helper.h>
#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_gem_framebuffer_helper.h>
#include <drm/drm_gem_shmem_helper.h>
#include <drm/drm_ioctl.h>
#include <drm/drm_managed.h>
#include <drm/drm_mode_config.h>
#include <drm/drm_plane.h>
#include <drm/drm_print.h>
#include <drm/drm_probe_helper.h>
#include <drm/drm_vblank.h>

#include <drm/primedisp_drm.h>

#include "primedisp_compat.h"
#include "primedisp_drv.h"

static struct platform_device *pd_self_pdev;

/*
 * pd_fb_planes_fit - does every plane of a new framebuffer lie in its object?
 *
 * The GEM framebuffer helper checks this too, but older kernels' helper
 * divided a subsampled plane's height by the subsampling and rounded down
 * (fixed upstream by making drm_gem_fb_init_with_funcs() use
 * drm_format_info_plane_height(); Debian's current 6.1 and 6.12 have it):
 * a 4:2:0 framebuffer of odd height then needs one chroma row more than
 * was checked, and at height 1 the unsigned arithmetic wrapped so that any
 * chroma offset passed; the composer would read past the object.  A DKMS
 * user may run such a kernel, so primedisp checks every plane itself,
 * rounding each plane's width and height up as the composer reads them.
 *
 * Return: 0, -ENOENT for an unknown handle, -EINVAL for a plane that does
 * not fit.
 */
static int pd_fb_planes_fit(struct drm_device *drm, struct drm_file *file,
			    const struct drm_format_info *info,
			    const struct drm_mode_fb_cmd2 *mode_cmd)
{
	unsigned int i;

	for (i = 0; i < info->num_planes; i++) {
		u32 w = DIV_ROUND_UP(mode_cmd->width, i ? info->hsub : 1);
		u32 h = DIV_ROUND_UP(mode_cmd->height, i ? info->vsub : 1);
		u64 min_pitch = drm_format_info_min_pitch(info, i, w);
		struct drm_gem_object *obj;
		u64 end;

		if (!h || !min_pitch || mode_cmd->pitches[i] < min_pitch)
			return -EINVAL;
		end = (u64)(h - 1) * mode_cmd->pitches[i] + min_pitch +
		      mode_cmd->offsets[i];
		obj = drm_gem_object_lookup(file, mode_cmd->handles[i]);
		if (!obj)
			return -ENOENT;
		if (end > obj->size) {
			drm_dbg_kms(drm, "%p4cc plane %u needs %llu bytes, object has %zu\n",
				    &mode_cmd->pixel_format, i, end, obj->size);
			drm_gem_object_put(obj);
			return -EINVAL;
		}
		drm_gem_object_put(obj);
	}
	return 0;
}

/*
 * ADDFB2 refuses a format/modifier that no plane can scan out.  The GEM
 * framebuffer helper of 6.12 checks this itself, 6.1's does not: it
 * accepted, for instance, a YUYV framebuffer that no primedisp plane can
 * show.  Checking here gives the same answer on both.
 */
static struct drm_framebuffer *
pd_fb_create(struct drm_device *drm, struct drm_file *file,
	     const struct drm_format_info *info,
	     const struct drm_mode_fb_cmd2 *mode_cmd)
{
	int ret;

	if (!drm_any_plane_has_format(drm, mode_cmd->pixel_format,
				      mode_cmd->modifier[0])) {
		drm_dbg_kms(drm, "no plane supports format %p4cc, modifier 0x%llx\n",
			    &mode_cmd->pixel_format, mode_cmd->modifier[0]);
		return ERR_PTR(-EINVAL);
	}
	/* The core's size checks do not cover half a YUYV pixel pair. */
	if (!pd_format_width_ok(info, mode_cmd->width)) {
		drm_dbg_kms(drm, "%p4cc needs an even width, not %u\n",
			    &mode_cmd->pixel_format, mode_cmd->width);
		return ERR_PTR(-EINVAL);
	}
	ret = pd_fb_planes_fit(drm, file, info, mode_cmd);
	if (ret)
		return ERR_PTR(ret);
	return drm_gem_fb_create(drm, file, info, mode_cmd);
}

PD_COMPAT_FB_CREATE_SHIM(pd_fb_create);

/*
 * The helpers' default commit tail, except that it waits for the flip to
 * complete (the event our vblank sends) instead of for a vblank count to
 * change within 100 ms, which under a heavily loaded emulator can expire
 * and WARN although nothing is wrong.
 */
static void pd_atomic_commit_tail(struct drm_atomic_commit *old_state)
{
	struct drm_device *drm = old_state->dev;

	drm_atomic_helper_commit_modeset_disables(drm, old_state);
	drm_atomic_helper_commit_planes(drm, old_state, 0);
	drm_atomic_helper_commit_modeset_enables(drm, old_state);
	drm_atomic_helper_fake_vblank(old_state);
	drm_atomic_helper_commit_hw_done(old_state);
	drm_atomic_helper_wait_for_flip_done(drm, old_state);
	drm_atomic_helper_cleanup_planes(drm, old_state);
}

static const struct drm_mode_config_helper_funcs pd_mode_config_helpers = {
	.atomic_commit_tail = pd_atomic_commit_tail,
};

static const struct drm_mode_config_funcs pd_mode_config_funcs = {
	.fb_create = PD_COMPAT_FB_CREATE(pd_fb_create),
	.atomic_check = drm_atomic_helper_check,
	.atomic_commit = drm_atomic_helper_commit,
};

DEFINE_DRM_GEM_FOPS(pd_fops);

/**
 * pd_dumb_create - create a dumb buffer, refusing meaningless depths
 * @file: the DRM file
 * @drm: the DRM device
 * @args: the ioctl's arguments
 *
 * The core and the shmem helper accept any bits-per-pixel and round it up
 * to whole bytes, so a typo such as 13 silently gives a 16-bit buffer.
 * Only the summed depths of formats primedisp can scan out are accepted:
 * 8 (C8/R8), 12 (NV12, YUV420), 16 (RGB565, YUYV, NV16), 24 (RGB888),
 * 32 (XRGB8888, XRGB2101010) and 64 (XRGB16161616).  The size itself is
 * checked for overflow by the core and the helper.
 *
 * Return: 0 or a negative errno (-EINVAL for an unsupported depth).
 */
static int pd_dumb_create(struct drm_file *file, struct drm_device *drm,
			  struct drm_mode_create_dumb *args)
{
	switch (args->bpp) {
	case 8:
	case 12:
	case 16:
	case 24:
	case 32:
	case 64:
		break;
	default:
		drm_dbg_kms(drm, "dumb create: unsupported bpp %u\n", args->bpp);
		return -EINVAL;
	}
	return pd_gem_dumb_create(file, drm, args);
}

static const struct drm_ioctl_desc pd_ioctls[] = {
	DRM_IOCTL_DEF_DRV(PRIMEDISP_GEM_CREATE, pd_gem_create_ioctl,
			  DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(PRIMEDISP_GEM_MMAP_OFFSET, pd_gem_mmap_offset_ioctl,
			  DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(PRIMEDISP_GEM_INFO, pd_gem_info_ioctl,
			  DRM_RENDER_ALLOW),
};

static const struct drm_driver pd_drm_driver = {
	.driver_features = DRIVER_MODESET | DRIVER_GEM | DRIVER_ATOMIC |
			   DRIVER_RENDER,
	.fops = &pd_fops,
	PD_COMPAT_GEM_PRIME_OPS,
	PD_COMPAT_DRIVER_OPS,
	.dumb_create = pd_dumb_create,
	.gem_create_object = pd_gem_create_object,
	.ioctls = pd_ioctls,
	.num_ioctls = ARRAY_SIZE(pd_ioctls),
	.debugfs_init = pd_debugfs_init,
	.name = PD_DRIVER_NAME,
	.desc = PD_DRIVER_DESC,
	.major = PD_DRIVER_MAJOR,
	.minor = PD_DRIVER_MINOR,
};

static int pd_mode_config_init(struct pd_device *pd)
{
	struct drm_device *drm = &pd->drm;
	int ret;

	ret = drmm_mode_config_init(drm);
	if (ret)
		return ret;

	drm->mode_config.funcs = &pd_mode_config_funcs;
	drm->mode_config.helper_private = &pd_mode_config_helpers;
	drm->mode_config.min_width = PD_MIN_FB_SIZE;
	drm->mode_config.min_height = PD_MIN_FB_SIZE;
	drm->mode_config.max_width = PD_MAX_FB_SIZE;
	drm->mode_config.max_height = PD_MAX_FB_SIZE;
	drm->mode_config.preferred_depth = 24;
	drm->mode_config.cursor_width = PD_CURSOR_MAX;
	drm->mode_config.cursor_height = PD_CURSOR_MAX;
	drm->mode_config.normalize_zpos = true;
	drm->mode_config.async_page_flip = true;
	return 0;
}

static int pd_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct pd_device *pd;
	struct drm_device *drm;
	unsigned int i;
	int ret;

	pd = devm_drm_dev_alloc(dev, &pd_drm_driver, struct pd_device, drm);
	if (IS_ERR(pd))
		return PTR_ERR(pd);
	drm = &pd->drm;
	platform_set_drvdata(pdev, pd);

	ret = pd_config_read(dev, &pd->config);
	if (ret)
		return ret;

	/*
	 * No DMA mask and no segment size: primedisp does no DMA.  It reads
	 * imported buffers through the CPU (dma_buf_vmap()) and never has
	 * them mapped for its device, see pd_gem_prime_import().
	 */
	ret = pd_mode_config_init(pd);
	if (ret)
		return ret;

	ret = drm_vblank_init(drm, pd->config.num_outputs);
	if (ret)
		return ret;

	for (i = 0; i < pd->config.num_outputs; i++) {
		ret = pd_output_init(pd, &pd->outputs[i], i);
		if (ret)
			return ret;
	}

	drm_mode_config_reset(drm);

	ret = drm_dev_register(drm, 0);
	if (ret)
		return ret;

	if (pd->config.fbdev)
		drm_client_setup(drm, NULL);

	drm_info(drm, "%s %d.%d ready: %u output(s), preferred mode %ux%u@%u\n",
		 PD_DRIVER_DESC, PD_DRIVER_MAJOR, PD_DRIVER_MINOR,
		 pd->config.num_outputs, pd->config.pref_width,
		 pd->config.pref_height, pd->config.pref_refresh);
	return 0;
}

static void pd_remove(struct platform_device *pdev)
{
	struct pd_device *pd = platform_get_drvdata(pdev);
	struct drm_device *drm = &pd->drm;

	/*
	 * Unplug first: from now on every ioctl of a client that still holds
	 * the device open fails with ENODEV.  Then turn the pipeline off,
	 * which stops the vblank timer.  The memory of pd itself goes when
	 * the last reference to the DRM device is dropped.
	 */
	drm_dev_unplug(drm);
	drm_atomic_helper_shutdown(drm);
}

static void pd_shutdown(struct platform_device *pdev)
{
	struct pd_device *pd = platform_get_drvdata(pdev);

	drm_atomic_helper_shutdown(&pd->drm);
}

static const struct of_device_id pd_of_match[] = {
	{ .compatible = PD_OF_COMPATIBLE },
	{ }
};
MODULE_DEVICE_TABLE(of, pd_of_match);

static struct platform_driver pd_platform_driver = {
	.probe = pd_probe,
	.PD_COMPAT_PLATFORM_REMOVE = pd_remove,
	.shutdown = pd_shutdown,
	.driver = {
		.name = PD_DRIVER_NAME,
		.of_match_table = pd_of_match,
		.dev_groups = pd_connector_groups,
	},
};

static int __init pd_init(void)
{
	struct device_node *np;
	int ret;

	ret = platform_driver_register(&pd_platform_driver);
	if (ret)
		return ret;

	/*
	 * A board that describes primedisp in its device tree gets the device
	 * from there; everywhere else (x86, no DT) make one ourselves.
	 */
	np = of_find_compatible_node(NULL, NULL, PD_OF_COMPATIBLE);
	if (np) {
		of_node_put(np);
		return 0;
	}

	pd_self_pdev = platform_device_register_simple(PD_DRIVER_NAME,
						       PLATFORM_DEVID_NONE,
						       NULL, 0);
	if (IS_ERR(pd_self_pdev)) {
		platform_driver_unregister(&pd_platform_driver);
		return PTR_ERR(pd_self_pdev);
	}
	return 0;
}

static void __exit pd_exit(void)
{
	if (pd_self_pdev)
		platform_device_unregister(pd_self_pdev);
	platform_driver_unregister(&pd_platform_driver);
}

module_init(pd_init);
module_exit(pd_exit);

MODULE_AUTHOR("The primedisp authors");
MODULE_DESCRIPTION(PD_DRIVER_DESC);
MODULE_LICENSE("GPL");
