/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * primedisp_drm.h - the ioctl interface of the primedisp DRM driver.
 *
 * primedisp's own ioctls allocate GEM buffers (on the primary and on the
 * render node), give their mmap offsets and report their size and flags.
 * Everything else uses the generic DRM interface: dumb buffers, PRIME
 * (DRM_IOCTL_PRIME_HANDLE_TO_FD / FD_TO_HANDLE), KMS.
 *
 * Rules every ioctl here follows: fields are __u32/__u64 only, structures
 * are padded explicitly to a multiple of 8 bytes, unknown flags and non-zero
 * padding are rejected with EINVAL, so that they can be given a meaning
 * later.
 *
 * Copyright (C) 2026 The primedisp authors
 */
#ifndef _UAPI_PRIMEDISP_DRM_H_
#define _UAPI_PRIMEDISP_DRM_H_

#include "drm.h"

#if defined(__cplusplus)
extern "C" {
#endif

#define DRM_PRIMEDISP_GEM_CREATE	0x00
#define DRM_PRIMEDISP_GEM_MMAP_OFFSET	0x01
#define DRM_PRIMEDISP_GEM_INFO		0x02

#define DRM_IOCTL_PRIMEDISP_GEM_CREATE \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_PRIMEDISP_GEM_CREATE, \
		 struct drm_primedisp_gem_create)
#define DRM_IOCTL_PRIMEDISP_GEM_MMAP_OFFSET \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_PRIMEDISP_GEM_MMAP_OFFSET, \
		 struct drm_primedisp_gem_mmap_offset)
#define DRM_IOCTL_PRIMEDISP_GEM_INFO \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_PRIMEDISP_GEM_INFO, \
		 struct drm_primedisp_gem_info)

/*
 * PRIMEDISP_GEM_CREATE_WC - CPU mappings of the buffer (mmap of the DRM fd
 * or of an exported dma-buf, and kernel vmaps) are write-combined instead
 * of cached.
 */
#define PRIMEDISP_GEM_CREATE_WC		0x00000001u
/*
 * PRIMEDISP_GEM_CREATE_SCANOUT - the buffer is laid out for the display:
 * width, height and format are required, and each plane's pitch is aligned
 * to 64 bytes.
 */
#define PRIMEDISP_GEM_CREATE_SCANOUT	0x00000002u
/* All flags GEM_CREATE knows. */
#define PRIMEDISP_GEM_CREATE_FLAGS \
	(PRIMEDISP_GEM_CREATE_WC | PRIMEDISP_GEM_CREATE_SCANOUT)

/**
 * struct drm_primedisp_gem_create - allocate a GEM buffer
 * @size: in: the size in bytes when @width is 0; out: the size allocated
 *	(page aligned)
 * @width: in: width in pixels, or 0 to allocate @size bytes
 * @height: in: height in pixels (0 when @width is 0)
 * @format: in: DRM fourcc of the pixels (0 when @width is 0); single- and
 *	multi-planar formats primedisp scans out are accepted
 * @flags: in: PRIMEDISP_GEM_CREATE_* flags
 * @handle: out: the GEM handle
 * @num_planes: out: number of planes of @format (0 for a plain size)
 * @pitches: out: bytes per line of each plane
 * @offsets: out: offset of each plane from the start of the buffer
 *
 * Errors: EINVAL for unknown flags, an unknown format, zero or
 * inconsistent dimensions (including an odd width for the packed 4:2:2
 * formats YUYV, YVYU, UYVY and VYUY), or sizes that overflow; ENOMEM when memory runs
 * out.
 */
struct drm_primedisp_gem_create {
	__u64 size;
	__u32 width;
	__u32 height;
	__u32 format;
	__u32 flags;
	__u32 handle;
	__u32 num_planes;
	__u32 pitches[4];
	__u32 offsets[4];
};

/**
 * struct drm_primedisp_gem_mmap_offset - the fake offset to mmap a buffer
 * @handle: in: the GEM handle
 * @flags: in: must be 0
 * @offset: out: pass to mmap() on the DRM fd
 *
 * Errors: ENOENT for an unknown handle, EINVAL for non-zero @flags or for
 * an imported buffer (map its dma-buf instead).
 */
struct drm_primedisp_gem_mmap_offset {
	__u32 handle;
	__u32 flags;
	__u64 offset;
};

/* Bits of drm_primedisp_gem_info.flags besides the creation flags. */
/* The object is another device's buffer, imported through PRIME. */
#define PRIMEDISP_GEM_INFO_IMPORTED	0x00010000u
/* primedisp's own object, exported as a dma-buf (never with IMPORTED). */
#define PRIMEDISP_GEM_INFO_EXPORTED	0x00020000u

/**
 * struct drm_primedisp_gem_info - query a buffer
 * @handle: in: the GEM handle
 * @flags: in: must be 0; out: PRIMEDISP_GEM_CREATE_* flags it was created
 *	with, plus PRIMEDISP_GEM_INFO_* state bits
 * @size: out: size in bytes
 *
 * Errors: EINVAL for non-zero @flags on input, ENOENT for an unknown handle.
 */
struct drm_primedisp_gem_info {
	__u32 handle;
	__u32 flags;
	__u64 size;
};

#if defined(__cplusplus)
}
#endif

#endif /* _UAPI_PRIMEDISP_DRM_H_ */
