// SPDX-License-Identifier: GPL-2.0
/*
 * pd_vgem - helpers for tests that use vgem, the kernel's "virtual GEM"
 * driver, as a GPU-like peer of primedisp: it allocates shmem buffers (dumb
 * buffers), exports and imports dma-bufs and can put a fence on a buffer
 * that stays unsignalled until userspace signals it (or 10 s pass).
 *
 * Debian ships no userspace copy of the kernel's vgem_drm.h, so its two
 * driver ioctls are described here from the kernel ABI (Linux 4.10+,
 * unchanged since):
 *
 *   FENCE_ATTACH (driver ioctl 1, read/write, 16 bytes): puts a new fence on
 *	the buffer @handle, as a writer (PD_VGEM_FENCE_WRITE, the buffer's
 *	exclusive/"write" fence) or as a reader; returns its id in @out_fence.
 *	@pad must be 0.  Fails with EBUSY when a conflicting fence is pending,
 *	ENOENT for an unknown handle.
 *   FENCE_SIGNAL (driver ioctl 2, write, 8 bytes): signals fence @fence and
 *	forgets its id; ENOENT for an unknown/already signalled id, ETIMEDOUT
 *	when the kernel already signalled it itself after its 10 s limit.
 *
 * All pd_vgem_* functions that assert end the subtest on failure; the
 * __pd_vgem_* ones behave like ioctl(2) (-1 and errno).
 */
#ifndef PD_VGEM_H
#define PD_VGEM_H

#include <stdbool.h>
#include <stdint.h>

#include <drm.h>

struct pd_vgem_fence_attach {
	__u32 handle;		/* in: the vgem GEM handle */
	__u32 flags;		/* in: PD_VGEM_FENCE_WRITE or 0 (reader) */
	__u32 out_fence;	/* out: id for FENCE_SIGNAL */
	__u32 pad;		/* must be 0 */
};

struct pd_vgem_fence_signal {
	__u32 fence;		/* in: id from FENCE_ATTACH */
	__u32 flags;		/* must be 0 */
};

#define PD_VGEM_FENCE_WRITE	0x1u

#define PD_VGEM_IOCTL_FENCE_ATTACH \
	DRM_IOWR(DRM_COMMAND_BASE + 0x1, struct pd_vgem_fence_attach)
#define PD_VGEM_IOCTL_FENCE_SIGNAL \
	DRM_IOW(DRM_COMMAND_BASE + 0x2, struct pd_vgem_fence_signal)

/* How long vgem lets a fence stay unsignalled before it signals it itself. */
#define PD_VGEM_FENCE_TIMEOUT_S	10

/*
 * Open vgem's primary node (/dev/dri/cardN with driver name "vgem").  If
 * there is none, "modprobe vgem" is run first; the subtest is skipped (with
 * modprobe's message) if vgem still cannot be opened.
 */
int pd_vgem_open(void);

/* Is vgem a loadable module (so that it can be unloaded)? */
bool pd_vgem_is_module(void);

/* FENCE_ATTACH; returns the fence id. */
int __pd_vgem_fence_attach(int fd, uint32_t handle, uint32_t flags, uint32_t *fence);
uint32_t pd_vgem_fence_attach(int fd, uint32_t handle, bool write);

/* FENCE_SIGNAL. */
int __pd_vgem_fence_signal(int fd, uint32_t fence);
void pd_vgem_fence_signal(int fd, uint32_t fence);

/*
 * A vgem dumb buffer of @width x @height at @bpp; returns the handle and
 * fills *@pitch and *@size (either may be NULL).
 */
uint32_t pd_vgem_create(int fd, uint32_t width, uint32_t height, uint32_t bpp,
			uint32_t *pitch, uint64_t *size);

#endif /* PD_VGEM_H */
