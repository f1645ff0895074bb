// SPDX-License-Identifier: GPL-2.0
/*
 * pd_prime - PRIME, dma-buf and primedisp GEM helpers.  See pd_prime.h.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xf86drm.h>

#include "pdtest.h"
#include "pd_prime.h"

/* ---- generic GEM and PRIME ---------------------------------------------- */

int __pd_gem_close(int fd, uint32_t handle)
{
	struct drm_gem_close arg = { .handle = handle };

	return drmIoctl(fd, DRM_IOCTL_GEM_CLOSE, &arg);
}

void pd_gem_close(int fd, uint32_t handle)
{
	pd_assert_f(__pd_gem_close(fd, handle) == 0,
		    "DRM_IOCTL_GEM_CLOSE of handle %u failed", handle);
}

int __pd_prime_handle_to_fd(int fd, uint32_t handle, uint32_t flags,
			    int *dmabuf_fd)
{
	struct drm_prime_handle arg = { .handle = handle, .flags = flags, .fd = -1 };
	int ret = drmIoctl(fd, DRM_IOCTL_PRIME_HANDLE_TO_FD, &arg);

	if (ret == 0 && dmabuf_fd)
		*dmabuf_fd = arg.fd;
	return ret;
}

int pd_prime_handle_to_fd(int fd, uint32_t handle)
{
	int dmabuf = -1;

	pd_assert_f(__pd_prime_handle_to_fd(fd, handle, DRM_CLOEXEC | DRM_RDWR,
					    &dmabuf) == 0,
		    "PRIME_HANDLE_TO_FD of handle %u failed", handle);
	pd_assert_f(dmabuf >= 0, "PRIME_HANDLE_TO_FD of handle %u gave fd %d",
		    handle, dmabuf);
	return dmabuf;
}

int __pd_prime_fd_to_handle(int fd, int dmabuf_fd, uint32_t *handle)
{
	struct drm_prime_handle arg = { .fd = dmabuf_fd };
	int ret = drmIoctl(fd, DRM_IOCTL_PRIME_FD_TO_HANDLE, &arg);

	if (ret == 0 && handle)
		*handle = arg.handle;
	return ret;
}

uint32_t pd_prime_fd_to_handle(int fd, int dmabuf_fd)
{
	uint32_t handle = 0;

	pd_assert_f(__pd_prime_fd_to_handle(fd, dmabuf_fd, &handle) == 0,
		    "PRIME_FD_TO_HANDLE of dma-buf fd %d failed", dmabuf_fd);
	pd_assert_f(handle != 0, "PRIME_FD_TO_HANDLE of fd %d gave handle 0",
		    dmabuf_fd);
	return handle;
}

/* ---- dma-buf fds ----------------------------------------------------------- */

int __pd_dmabuf_sync(int dmabuf_fd, uint64_t flags)
{
	struct dma_buf_sync sync = { .flags = flags };

	return ioctl(dmabuf_fd, DMA_BUF_IOCTL_SYNC, &sync);
}

void pd_dmabuf_sync(int dmabuf_fd, uint64_t flags)
{
	int ret;

	do {
		ret = __pd_dmabuf_sync(dmabuf_fd, flags);
	} while (ret == -1 && (errno == EAGAIN || errno == EINTR));
	pd_assert_f(ret == 0, "DMA_BUF_IOCTL_SYNC(0x%llx) on fd %d failed",
		    (unsigned long long)flags, dmabuf_fd);
}

void *pd_dmabuf_map(int dmabuf_fd, size_t size, int prot)
{
	void *ptr = mmap(NULL, size, prot, MAP_SHARED, dmabuf_fd, 0);

	pd_assert_f(ptr != MAP_FAILED, "mmap of dma-buf fd %d (%zu bytes) failed",
		    dmabuf_fd, size);
	return ptr;
}

void *pd_udmabuf_memfd(const char *name, size_t size, int *memfd)
{
	void *map;

	*memfd = memfd_create(name, MFD_ALLOW_SEALING | MFD_CLOEXEC);
	pd_assert_f(*memfd >= 0, "memfd_create of %s failed", name);
	pd_assert(ftruncate(*memfd, size) == 0);
	pd_assert(fcntl(*memfd, F_ADD_SEALS, F_SEAL_SHRINK) == 0);
	map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, *memfd, 0);
	pd_assert(map != MAP_FAILED);
	return map;
}

off_t __pd_dmabuf_size(int dmabuf_fd)
{
	off_t size = lseek(dmabuf_fd, 0, SEEK_END);

	if (size < 0)
		return -1;
	if (lseek(dmabuf_fd, 0, SEEK_SET) < 0)
		return -1;
	return size;
}

ino_t pd_fd_ino(int fd)
{
	struct stat st;

	pd_assert_f(fstat(fd, &st) == 0, "fstat of fd %d failed", fd);
	return st.st_ino;
}

/* ---- primedisp's own GEM ioctls ---------------------------------------------- */

int __pd_gem_create(int fd, struct drm_primedisp_gem_create *args)
{
	return drmIoctl(fd, DRM_IOCTL_PRIMEDISP_GEM_CREATE, args);
}

uint32_t pd_gem_create(int fd, uint64_t *size, uint32_t flags)
{
	struct drm_primedisp_gem_create args = { .size = *size, .flags = flags };

	pd_assert_f(__pd_gem_create(fd, &args) == 0,
		    "PRIMEDISP_GEM_CREATE of %llu bytes, flags 0x%x failed",
		    (unsigned long long)*size, flags);
	pd_assert_f(args.handle != 0, "PRIMEDISP_GEM_CREATE returned handle 0");
	pd_assert_f(args.size >= *size, "PRIMEDISP_GEM_CREATE of %llu bytes gave %llu",
		    (unsigned long long)*size, (unsigned long long)args.size);
	*size = args.size;
	return args.handle;
}

int __pd_gem_mmap_offset(int fd, uint32_t handle, uint32_t flags,
			 uint64_t *offset)
{
	struct drm_primedisp_gem_mmap_offset args = {
		.handle = handle,
		.flags = flags,
	};
	int ret = drmIoctl(fd, DRM_IOCTL_PRIMEDISP_GEM_MMAP_OFFSET, &args);

	if (ret == 0 && offset)
		*offset = args.offset;
	return ret;
}

void *pd_gem_map(int fd, uint32_t handle, uint64_t size, int prot)
{
	uint64_t offset = 0;
	void *ptr;

	pd_assert_f(__pd_gem_mmap_offset(fd, handle, 0, &offset) == 0,
		    "PRIMEDISP_GEM_MMAP_OFFSET of handle %u failed", handle);
	ptr = mmap(NULL, size, prot, MAP_SHARED, fd, offset);
	pd_assert_f(ptr != MAP_FAILED,
		    "mmap of handle %u (%llu bytes at offset 0x%llx) failed", handle,
		    (unsigned long long)size, (unsigned long long)offset);
	return ptr;
}

int __pd_gem_info(int fd, uint32_t handle, struct drm_primedisp_gem_info *info)
{
	memset(info, 0, sizeof(*info));
	info->handle = handle;
	return drmIoctl(fd, DRM_IOCTL_PRIMEDISP_GEM_INFO, info);
}

uint32_t pd_gem_info(int fd, uint32_t handle, uint64_t *size)
{
	struct drm_primedisp_gem_info info;

	pd_assert_f(__pd_gem_info(fd, handle, &info) == 0,
		    "PRIMEDISP_GEM_INFO of handle %u failed", handle);
	if (size)
		*size = info.size;
	return info.flags;
}

/* ---- leak counters ------------------------------------------------------------- */

static long read_long_file(const char *path)
{
	long val = -1;
	FILE *f = fopen(path, "re");

	if (!f)
		return -1;
	if (fscanf(f, "%ld", &val) != 1)
		val = -1;
	fclose(f);
	return val;
}

long pd_gem_objects(void)
{
	glob_t g;
	long val = -1;

	/* The count is global, so any minor's copy of the file will do. */
	if (glob("/sys/kernel/debug/dri/*/primedisp_objects", 0, NULL, &g))
		return -1;
	for (size_t i = 0; i < g.gl_pathc && val < 0; i++)
		val = read_long_file(g.gl_pathv[i]);
	globfree(&g);
	return val;
}

long pd_dmabuf_count(void)
{
	FILE *f = fopen("/sys/kernel/debug/dma_buf/bufinfo", "re");
	char line[512];
	long val = -1;

	if (!f)
		return -1;
	/* The summary comes last: "Total N objects, M bytes". */
	while (fgets(line, sizeof(line), f)) {
		long n;

		if (sscanf(line, "Total %ld objects", &n) == 1)
			val = n;
	}
	fclose(f);
	return val;
}

long pd_counter_wait(long (*counter)(void), long want, unsigned int timeout_ms)
{
	double end = pd_now() + timeout_ms / 1000.0;
	long val;

	for (;;) {
		val = counter();
		if (val == want || pd_now() > end)
			return val;
		pd_msleep(20);
	}
}

struct pd_leaks pd_leaks_now(void)
{
	struct pd_leaks l = { pd_gem_objects(), pd_dmabuf_count() };

	return l;
}

void pd_leaks_expect(struct pd_leaks start, const char *when)
{
	double end = pd_now() + 3.0;
	struct pd_leaks now;

	for (;;) {
		now = pd_leaks_now();
		if ((now.objects == start.objects && now.dmabufs == start.dmabufs) ||
		    pd_now() > end)
			break;
		pd_msleep(50);
	}
	pd_assert_f(now.objects == start.objects,
		    "primedisp_objects %s: %ld, was %ld at the start", when, now.objects,
		    start.objects);
	pd_assert_f(now.dmabufs == start.dmabufs,
		    "dma-bufs in the system %s: %ld, was %ld at the start", when, now.dmabufs,
		    start.dmabufs);
}

/* ---- data ------------------------------------------------------------------------ */

uint32_t pd_pattern_word(size_t off, uint32_t seed)
{
	uint32_t x = (uint32_t)(off / 4) * 2654435761u + seed * 0x9e3779b9u;

	return x ^ (x >> 15) ^ 0xa5a55a5au;
}

void pd_fill_pattern(void *ptr, size_t size, uint32_t seed)
{
	uint32_t *p = ptr;

	for (size_t off = 0; off + 4 <= size; off += 4)
		p[off / 4] = pd_pattern_word(off, seed);
}

long pd_check_pattern(const void *ptr, size_t size, uint32_t seed, uint32_t *got)
{
	const uint32_t *p = ptr;

	for (size_t off = 0; off + 4 <= size; off += 4) {
		if (p[off / 4] != pd_pattern_word(off, seed)) {
			if (got)
				*got = p[off / 4];
			return off;
		}
	}
	return -1;
}
