// SPDX-License-Identifier: GPL-2.0
/*
 * pd_vgem - vgem as a peer device for primedisp's PRIME tests.
 * See pd_vgem.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <xf86drm.h>

#include "pdtest.h"
#include "pd_vgem.h"

int pd_vgem_open(void)
{
	char *out = NULL;
	double end;
	int fd, rc;

	fd = pd_try_open_card("vgem");
	if (fd >= 0)
		return fd;

	rc = pd_run_cmd(&out, "modprobe vgem 2>&1");
	if (rc != 0) {
		size_t n = out ? strlen(out) : 0;

		while (n && (out[n - 1] == '\n' || out[n - 1] == ' '))
			out[--n] = '\0';
		pd_skip("vgem is not available: \"modprobe vgem\" exited with %d%s%s",
			rc, n ? ": " : "", n ? out : "");
	}
	free(out);

	/* devtmpfs creates the node at registration; allow for a slow udev. */
	end = pd_now() + 5.0;
	while ((fd = pd_try_open_card("vgem")) < 0 && pd_now() < end)
		pd_msleep(50);
	pd_require(fd >= 0,
		   "modprobe vgem succeeded but no /dev/dri/card* has driver \"vgem\"");
	return fd;
}

bool pd_vgem_is_module(void)
{
	/* Only loadable modules are listed in /proc/modules. */
	return pd_kmod_loaded("vgem");
}

int __pd_vgem_fence_attach(int fd, uint32_t handle, uint32_t flags, uint32_t *fence)
{
	struct pd_vgem_fence_attach arg = { .handle = handle, .flags = flags };
	int ret = drmIoctl(fd, PD_VGEM_IOCTL_FENCE_ATTACH, &arg);

	if (ret == 0 && fence)
		*fence = arg.out_fence;
	return ret;
}

uint32_t pd_vgem_fence_attach(int fd, uint32_t handle, bool write)
{
	uint32_t fence = 0;

	pd_assert_f(__pd_vgem_fence_attach(fd, handle, write ? PD_VGEM_FENCE_WRITE : 0,
					   &fence) == 0,
		    "VGEM_FENCE_ATTACH (%s) on vgem handle %u failed",
		    write ? "write" : "read", handle);
	pd_assert_f(fence != 0, "VGEM_FENCE_ATTACH returned fence id 0");
	return fence;
}

int __pd_vgem_fence_signal(int fd, uint32_t fence)
{
	struct pd_vgem_fence_signal arg = { .fence = fence };

	return drmIoctl(fd, PD_VGEM_IOCTL_FENCE_SIGNAL, &arg);
}

void pd_vgem_fence_signal(int fd, uint32_t fence)
{
	int ret = __pd_vgem_fence_signal(fd, fence);

	pd_assert_f(ret == 0, "VGEM_FENCE_SIGNAL of fence %u failed%s", fence,
		    errno == ETIMEDOUT ?
		    " (ETIMEDOUT: vgem had already signalled it after its 10 s limit)" : "");
}

uint32_t pd_vgem_create(int fd, uint32_t width, uint32_t height, uint32_t bpp,
			uint32_t *pitch, uint64_t *size)
{
	struct drm_mode_create_dumb create;

	pd_assert_f(__pd_dumb_create(fd, width, height, bpp, &create) == 0,
		    "vgem CREATE_DUMB %ux%u bpp %u failed", width, height, bpp);
	pd_assert_f(create.handle != 0, "vgem CREATE_DUMB returned handle 0");
	if (pitch)
		*pitch = create.pitch;
	if (size)
		*size = create.size;
	return create.handle;
}
