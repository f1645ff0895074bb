/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pd_prime - PRIME, dma-buf and primedisp GEM helpers for the tests.
 *
 * Conventions (as in pdtest.h):
 *  - __pd_*() functions never assert: they return 0 (or a value >= 0) on
 *    success and -1 with errno set on failure, like ioctl(2);
 *  - pd_*() functions assert (the subtest fails with the call and errno in
 *    the log) and return the useful result.
 *
 * Typical use:
 *
 *	int fd = pd_open_card(NULL);
 *	uint64_t size = 4096;
 *	uint32_t handle = pd_gem_create(fd, &size, 0);
 *	int dmabuf = pd_prime_handle_to_fd(fd, handle);
 *	uint32_t *ptr = pd_dmabuf_map(dmabuf, size, PROT_READ | PROT_WRITE);
 *
 *	pd_dmabuf_sync(dmabuf, DMA_BUF_SYNC_START | DMA_BUF_SYNC_RW);
 *	pd_fill_pattern(ptr, size, 42);
 *	pd_dmabuf_sync(dmabuf, DMA_BUF_SYNC_END | DMA_BUF_SYNC_RW);
 *
 * Leak checks compare pd_gem_objects() (primedisp's live GEM objects, from
 * debugfs) and pd_dmabuf_count() (all dma-bufs in the system, from
 * /sys/kernel/debug/dma_buf/bufinfo) before and after; both need debugfs
 * and return -1 when it is not there (skip in that case).
 */
#ifndef PD_PRIME_H
#define PD_PRIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <linux/dma-buf.h>	/* DMA_BUF_SYNC_*, DMA_BUF_IOCTL_SYNC */

#include <drm/primedisp_drm.h>

/* ---- generic GEM and PRIME ---------------------------------------------- */

/* DRM_IOCTL_GEM_CLOSE. */
int __pd_gem_close(int fd, uint32_t handle);
void pd_gem_close(int fd, uint32_t handle);

/*
 * DRM_IOCTL_PRIME_HANDLE_TO_FD with @flags (DRM_CLOEXEC, DRM_RDWR); the
 * dma-buf fd goes to *@dmabuf_fd.
 */
int __pd_prime_handle_to_fd(int fd, uint32_t handle, uint32_t flags,
			    int *dmabuf_fd);
/* Same with DRM_CLOEXEC | DRM_RDWR; returns the dma-buf fd. */
int pd_prime_handle_to_fd(int fd, uint32_t handle);

/* DRM_IOCTL_PRIME_FD_TO_HANDLE; the handle goes to *@handle. */
int __pd_prime_fd_to_handle(int fd, int dmabuf_fd, uint32_t *handle);
/* Same, returning the handle (never 0). */
uint32_t pd_prime_fd_to_handle(int fd, int dmabuf_fd);

/* ---- dma-buf fds ----------------------------------------------------------- */

/*
 * DMA_BUF_IOCTL_SYNC with @flags (DMA_BUF_SYNC_START/END | READ/WRITE/RW),
 * once, no retry.
 */
int __pd_dmabuf_sync(int dmabuf_fd, uint64_t flags);
/* Same, retried on EAGAIN/EINTR as the uapi asks; asserts success. */
void pd_dmabuf_sync(int dmabuf_fd, uint64_t flags);

/* mmap(@size, @prot, MAP_SHARED) of the dma-buf at offset 0; asserts. */
void *pd_dmabuf_map(int dmabuf_fd, size_t size, int prot);

/*
 * Size of the dma-buf: lseek(SEEK_END), then back to 0 with SEEK_SET.
 * -1 with errno on failure.
 */
off_t __pd_dmabuf_size(int dmabuf_fd);

/* Inode number of the file behind @fd (identifies one dma-buf); asserts. */
ino_t pd_fd_ino(int fd);

/*
 * Memory for UDMABUF_CREATE: a memfd named @name of @size bytes, sealed
 * against shrinking as udmabuf requires; the memfd goes to *@memfd.
 * Returns its shared read-write mapping; asserts.
 */
void *pd_udmabuf_memfd(const char *name, size_t size, int *memfd);

/* ---- primedisp's own GEM ioctls ---------------------------------------------- */

/* DRM_IOCTL_PRIMEDISP_GEM_CREATE with @args as given (in/out). */
int __pd_gem_create(int fd, struct drm_primedisp_gem_create *args);
/*
 * Create a plain buffer of *@size bytes with PRIMEDISP_GEM_CREATE_* @flags;
 * *@size is updated to the size allocated.  Returns the handle.
 */
uint32_t pd_gem_create(int fd, uint64_t *size, uint32_t flags);

/* DRM_IOCTL_PRIMEDISP_GEM_MMAP_OFFSET; the fake offset goes to *@offset. */
int __pd_gem_mmap_offset(int fd, uint32_t handle, uint32_t flags,
			 uint64_t *offset);
/* MMAP_OFFSET + mmap(@size, @prot, MAP_SHARED) on the DRM fd; asserts. */
void *pd_gem_map(int fd, uint32_t handle, uint64_t size, int prot);

/* DRM_IOCTL_PRIMEDISP_GEM_INFO; @info->handle is set from @handle. */
int __pd_gem_info(int fd, uint32_t handle, struct drm_primedisp_gem_info *info);
/* Same, asserting; returns the flags (size to *@size if non-NULL). */
uint32_t pd_gem_info(int fd, uint32_t handle, uint64_t *size);

/* ---- leak counters ------------------------------------------------------------- */

/*
 * Number of live primedisp GEM objects (all devices), read from
 * /sys/kernel/debug/dri/<any minor>/primedisp_objects; -1 if unreadable.
 */
long pd_gem_objects(void);
/* Number of dma-bufs in the system ("Total N objects" of bufinfo), or -1. */
long pd_dmabuf_count(void);
/*
 * Poll @counter (pd_gem_objects or pd_dmabuf_count) until it reads @want or
 * @timeout_ms passes (releases may lag a little behind close()); returns the
 * last value read.
 */
long pd_counter_wait(long (*counter)(void), long want, unsigned int timeout_ms);

/* Both counters at one moment: the start of a leak check. */
struct pd_leaks {
	long objects, dmabufs;
};
struct pd_leaks pd_leaks_now(void);
/*
 * Assert that both counters came back to @start (waiting up to 3 s:
 * releases can lag behind close()); @when says at which point, for the
 * message.
 */
void pd_leaks_expect(struct pd_leaks start, const char *when);

/* ---- data ------------------------------------------------------------------------ */

/* Fill @size bytes (multiple of 4) with a pattern that depends on @seed. */
void pd_fill_pattern(void *ptr, size_t size, uint32_t seed);
/*
 * Byte offset of the first 32-bit word that differs from the pattern of
 * @seed, or -1 if all of @size bytes match; the word found goes to *@got.
 */
long pd_check_pattern(const void *ptr, size_t size, uint32_t seed,
		      uint32_t *got);
/* The pattern's word at byte offset @off (for messages). */
uint32_t pd_pattern_word(size_t off, uint32_t seed);

#endif /* PD_PRIME_H */
