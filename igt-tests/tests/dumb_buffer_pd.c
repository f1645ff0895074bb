// SPDX-License-Identifier: GPL-2.0
/*
 * dumb_buffer_pd - the generic dumb buffer ioctls (CREATE_DUMB, MAP_DUMB,
 * DESTROY_DUMB): valid use, invalid input, and no leaked memory.
 *
 * Error codes asserted here are the ones the DRM core returns (Linux 6.1 and
 * 6.12 alike):
 *  - CREATE_DUMB: width, height or bpp of 0 and any 32-bit overflow of
 *    pitch/size (including the page-aligned size wrapping to 0) -> EINVAL in
 *    drm_mode_create_dumb();
 *  - MAP_DUMB on an unknown handle -> ENOENT (drm_gem_dumb_map_offset());
 *  - DESTROY_DUMB on an unknown handle -> EINVAL (drm_gem_handle_delete()).
 * The core accepts any other bpp (it rounds up to whole bytes); rejecting a
 * bpp such as 13 that no pixel format has is up to the driver.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xf86drm.h>

#include "pdtest.h"

#define DIV_ROUND_UP(a, b)	(((a) + (b) - 1) / (b))

/* Create a buffer and check what it reports; returns the handle. */
static uint32_t create_checked(int fd, uint32_t w, uint32_t h, uint32_t bpp,
			       uint32_t *pitch, uint64_t *size)
{
	uint64_t min_pitch = DIV_ROUND_UP((uint64_t)w * bpp, 8);
	uint32_t handle = pd_dumb_create(fd, w, h, bpp, pitch, size);

	pd_assert_f(*pitch >= min_pitch, "%ux%u bpp %u: pitch %u < %llu",
		    w, h, bpp, *pitch, (unsigned long long)min_pitch);
	pd_assert_f(*size >= (uint64_t)*pitch * h, "%ux%u bpp %u: size %llu < pitch %u * height",
		    w, h, bpp, (unsigned long long)*size, *pitch);
	return handle;
}

static void test_create_valid(void)
{
	int fd = pd_open_card(NULL);
	uint32_t handle, pitch;
	uint64_t size;

	handle = pd_dumb_create(fd, 1024, 768, 32, &pitch, &size);
	pd_info("1024x768x32: handle %u pitch %u size %llu", handle, pitch,
		(unsigned long long)size);
	pd_assert(handle != 0);
	pd_assert_f(pitch >= 4 * 1024, "pitch %u < 4096", pitch);
	pd_assert_f(size >= (uint64_t)pitch * 768, "size %llu < pitch %u * 768",
		    (unsigned long long)size, pitch);
	pd_dumb_destroy(fd, handle);
	close(fd);
}

static uint32_t pattern(size_t i)
{
	return (uint32_t)(i * 2654435761u) ^ 0x5a5aa5a5u;
}

static void test_map_valid(void)
{
	int fd = pd_open_card(NULL);
	uint32_t handle, pitch, *ptr;
	uint64_t size, off1, off2;
	size_t i, n;

	handle = create_checked(fd, 1024, 768, 32, &pitch, &size);
	n = size / sizeof(uint32_t);

	pd_assert(__pd_dumb_map_offset(fd, handle, &off1) == 0);
	pd_assert_f(off1 % sysconf(_SC_PAGESIZE) == 0, "map offset 0x%llx not page aligned",
		    (unsigned long long)off1);
	ptr = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, off1);
	pd_assert(ptr != MAP_FAILED);
	/* A new buffer must not show anybody's old data. */
	for (i = 0; i < n; i++)
		pd_assert_f(ptr[i] == 0, "new buffer not cleared: word %zu = 0x%08x", i, ptr[i]);
	for (i = 0; i < n; i++)
		ptr[i] = pattern(i);
	pd_assert(munmap(ptr, size) == 0);

	pd_assert(__pd_dumb_map_offset(fd, handle, &off2) == 0);
	if (off2 != off1)
		pd_info("second MAP_DUMB gave a different offset (0x%llx, was 0x%llx)",
			(unsigned long long)off2, (unsigned long long)off1);
	ptr = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, off2);
	pd_assert(ptr != MAP_FAILED);
	for (i = 0; i < n; i++)
		pd_assert_f(ptr[i] == pattern(i),
			    "read back word %zu = 0x%08x, wrote 0x%08x", i, ptr[i], pattern(i));
	pd_assert(munmap(ptr, size) == 0);

	pd_dumb_destroy(fd, handle);
	close(fd);
}

static void test_create_map_destroy(void)
{
	static const struct { uint32_t w, h; } sizes[] = {
		{ 1, 1 }, { 3, 7 }, { 17, 13 }, { 63, 65 }, { 640, 480 },
		{ 799, 601 }, { 1023, 767 }, { 1024, 768 }, { 1920, 1080 },
		{ 4095, 3 }, { 5, 4097 },
	};
	static const uint32_t bpps[] = { 8, 16, 24, 32 };
	int fd = pd_open_card(NULL);
	unsigned int count = 0;

	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		for (size_t b = 0; b < sizeof(bpps) / sizeof(bpps[0]); b++) {
			uint32_t w = sizes[s].w, h = sizes[s].h, bpp = bpps[b];
			uint32_t handle, pitch;
			uint64_t size, last;
			uint8_t *ptr;

			handle = create_checked(fd, w, h, bpp, &pitch, &size);
			last = (uint64_t)pitch * h - 1;

			ptr = pd_dumb_map(fd, handle, size, PROT_READ | PROT_WRITE);
			ptr[last] = 0x5a;
			ptr[0] = 0xa5;	/* last may be 0 (1x1x8) */
			pd_assert(munmap(ptr, size) == 0);
			ptr = pd_dumb_map(fd, handle, size, PROT_READ);
			pd_assert_f(ptr[0] == 0xa5 && (last == 0 || ptr[last] == 0x5a),
				    "%ux%u bpp %u: first/last byte read back 0x%02x/0x%02x",
				    w, h, bpp, ptr[0], ptr[last]);
			pd_assert(munmap(ptr, size) == 0);

			pd_dumb_destroy(fd, handle);
			/* The handle is gone. */
			pd_assert_errno(__pd_dumb_map_offset(fd, handle, NULL), ENOENT);
			pd_assert_errno(__pd_dumb_destroy(fd, handle), EINVAL);
			count++;
		}
	}
	pd_info("%u buffers created, mapped and destroyed", count);
	close(fd);
}

static void test_invalid_bpp(void)
{
	static const struct { uint32_t w, h, bpp; const char *what; } cases[] = {
		{ 64, 64, 0, "bpp 0" },
		{ 64, 64, 13, "bpp 13 (no such pixel size)" },
		{ 64, 64, UINT32_MAX, "bpp 0xffffffff" },
		{ 0, 64, 32, "width 0" },
		{ 64, 0, 32, "height 0" },
		{ 0, 0, 32, "width and height 0" },
	};
	int fd = pd_open_card(NULL);

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct drm_mode_create_dumb c;
		int ret, err;

		errno = 0;
		ret = __pd_dumb_create(fd, cases[i].w, cases[i].h, cases[i].bpp, &c);
		err = errno;
		pd_info("%s (%ux%u bpp %u): %s", cases[i].what, cases[i].w, cases[i].h,
			cases[i].bpp, ret ? strerror(err) : "created!");
		pd_assert_f(ret == -1 && err == EINVAL,
			    "CREATE_DUMB with %s: expected EINVAL, got %s (handle %u)",
			    cases[i].what, ret ? strerror(err) : "success", c.handle);
	}
	close(fd);
}

static void test_invalid_size(void)
{
	static const struct { uint32_t w, h, bpp; const char *what; } cases[] = {
		{ UINT32_MAX, 1, 32, "pitch overflows 32 bits" },
		{ 0x40000000, 4, 32, "pitch = 2^32" },
		{ 0x3fffffff, 1, 32, "page-aligned size wraps to 0" },
		{ 1, UINT32_MAX, 8, "size 0xffffffff, page-aligned size wraps to 0" },
		{ 1, UINT32_MAX, 32, "size overflows 32 bits" },
		{ 65536, 65536, 32, "size = 2^34" },
		{ 0x10000, 0x10000, 0x10000, "huge bpp, size overflows" },
		{ UINT32_MAX, UINT32_MAX, 32, "size overflows 64 bits" },
		{ UINT32_MAX, UINT32_MAX, UINT32_MAX - 8, "everything overflows" },
	};
	int fd = pd_open_card(NULL);

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct drm_mode_create_dumb c;
		int ret, err;

		errno = 0;
		ret = __pd_dumb_create(fd, cases[i].w, cases[i].h, cases[i].bpp, &c);
		err = errno;
		pd_info("%s (%ux%u bpp %u): %s", cases[i].what, cases[i].w, cases[i].h,
			cases[i].bpp, ret ? strerror(err) : "created!");
		if (ret == 0) {
			uint32_t handle = c.handle;

			__pd_dumb_destroy(fd, handle);
			pd_fail("CREATE_DUMB %ux%u bpp %u (%s) succeeded: handle %u pitch %u size %llu",
				cases[i].w, cases[i].h, cases[i].bpp, cases[i].what,
				handle, c.pitch, (unsigned long long)c.size);
		}
		pd_assert_f(err == EINVAL || err == ENOMEM,
			    "CREATE_DUMB %ux%u bpp %u (%s): expected EINVAL or ENOMEM, got %d (%s)",
			    cases[i].w, cases[i].h, cases[i].bpp, cases[i].what,
			    err, strerror(err));
	}
	close(fd);
}

#define LEAK_BUFFERS	64
#define LEAK_W		1024
#define LEAK_H		1024	/* 1024 x 1024 x 4 = 4 MiB */

static void test_no_leak(void)
{
	uint32_t handles[LEAK_BUFFERS];
	uint64_t sizes[LEAK_BUFFERS];
	long base, peak, now = 0, avail;
	double end;
	int fd;

	avail = pd_meminfo_kb("MemAvailable");
	pd_require(avail > 0, "MemAvailable missing from /proc/meminfo");
	pd_require(avail > 2L * LEAK_BUFFERS * 4096,
		   "needs %d MiB of available memory, have %ld MiB",
		   2 * LEAK_BUFFERS * 4, avail / 1024);

	fd = pd_open_card(NULL);
	base = pd_meminfo_kb("Shmem");
	pd_assert_f(base >= 0, "Shmem missing from /proc/meminfo");

	for (int i = 0; i < LEAK_BUFFERS; i++) {
		uint32_t pitch;
		uint8_t *ptr;

		handles[i] = create_checked(fd, LEAK_W, LEAK_H, 32, &pitch, &sizes[i]);
		ptr = pd_dumb_map(fd, handles[i], sizes[i], PROT_READ | PROT_WRITE);
		memset(ptr, 0x40 + i, sizes[i]);
		pd_assert(munmap(ptr, sizes[i]) == 0);
	}
	peak = pd_meminfo_kb("Shmem");
	pd_info("Shmem: %ld kB before, %ld kB with %d x 4 MiB buffers", base, peak,
		LEAK_BUFFERS);
	if (peak - base < LEAK_BUFFERS * 4096 / 2)
		pd_info("note: the buffers barely show in Shmem (+%ld kB); "
			"they are probably not shmem-backed", peak - base);

	for (int i = 0; i < LEAK_BUFFERS; i++)
		pd_dumb_destroy(fd, handles[i]);
	close(fd);

	/* Freeing can lag behind the close a little. */
	end = pd_now() + 2.0;
	do {
		now = pd_meminfo_kb("Shmem");
		if (now <= base + 2048)
			break;
		pd_msleep(50);
	} while (pd_now() < end);
	pd_info("Shmem after close: %ld kB (baseline %ld kB)", now, base);
	pd_assert_f(now <= base + 2048,
		    "Shmem is %ld kB above its baseline (%ld -> %ld kB) 2 s after "
		    "destroying all buffers and closing the device",
		    now - base, base, now);
}

static void test_destroy_invalid(void)
{
	int fd = pd_open_card(NULL);
	uint32_t handle, pitch;
	uint64_t size;

	/* The kernel's answer for a handle that is not in the table is EINVAL. */
	pd_assert_errno(__pd_dumb_destroy(fd, 0), EINVAL);
	pd_assert_errno(__pd_dumb_destroy(fd, 0x7fffffff), EINVAL);
	pd_assert_errno(__pd_dumb_destroy(fd, UINT32_MAX), EINVAL);
	pd_assert_errno(__pd_dumb_map_offset(fd, 0, NULL), ENOENT);
	pd_assert_errno(__pd_dumb_map_offset(fd, 0x7fffffff, NULL), ENOENT);

	/* The file still works, and destroying a live neighbour's id does not. */
	handle = create_checked(fd, 64, 64, 32, &pitch, &size);
	pd_assert_errno(__pd_dumb_destroy(fd, handle + 1), EINVAL);
	pd_dumb_destroy(fd, handle);
	pd_assert_errno(__pd_dumb_destroy(fd, handle), EINVAL);
	close(fd);
}

static const struct pd_subtest subtests[] = {
	{ "create-valid", test_create_valid, "1024x768x32: handle, pitch and size" },
	{ "map-valid", test_map_valid, "map, write, remap and read back" },
	{ "create-map-destroy", test_create_map_destroy,
	  "many sizes and bpps; handle gone after destroy" },
	{ "invalid-bpp", test_invalid_bpp, "bpp 0/13/huge, width or height 0 -> EINVAL" },
	{ "invalid-size", test_invalid_size, "overflowing pitch/size never succeeds" },
	{ "no-leak", test_no_leak, "64 x 4 MiB buffers leave no Shmem behind" },
	{ "destroy-invalid", test_destroy_invalid, "destroying unknown handles fails cleanly" },
	{ }
};

PD_MAIN(subtests, "Tests the generic dumb buffer interface.")
