// SPDX-License-Identifier: GPL-2.0
/*
 * prime_self_import_pd - PRIME within primedisp itself: a buffer exported as a
 * dma-buf and imported again by the same or another file of the same
 * device is the same buffer (same handle in the same file, same dma-buf on
 * every export), the dma-buf's size shows through lseek(), invalid fds and
 * handles are refused with the core's errors, and no GEM object or dma-buf
 * outlives its last user.
 *
 * Error codes asserted here are what the DRM core and dma-buf return on
 * Linux 6.1 and 6.12:
 *  - PRIME_FD_TO_HANDLE: an fd that is not open -> EBADF (dma_buf_get()),
 *    an open fd that is not a dma-buf -> EINVAL;
 *  - PRIME_HANDLE_TO_FD: unknown handle -> ENOENT, flags other than
 *    DRM_CLOEXEC | DRM_RDWR -> EINVAL;
 *  - lseek on a dma-buf: only offset 0 with SEEK_SET or SEEK_END, anything
 *    else -> EINVAL.
 */
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xf86drm.h>

#include "pdtest.h"
#include "pd_prime.h"

#define BO_SIZE		(64 * 1024)

struct counts {
	long objects, dmabufs;
};

static struct counts counts_now(void)
{
	struct counts c = { pd_gem_objects(), pd_dmabuf_count() };

	pd_require(c.objects >= 0, "cannot read primedisp_objects from debugfs");
	pd_require(c.dmabufs >= 0,
		   "cannot read /sys/kernel/debug/dma_buf/bufinfo (debugfs)");
	return c;
}

/* Both counters back at @base (within 2 s: releases may lag behind close). */
static void assert_counts(const struct counts *base, const char *when)
{
	long obj = pd_counter_wait(pd_gem_objects, base->objects, 2000);
	long bufs = pd_counter_wait(pd_dmabuf_count, base->dmabufs, 2000);

	pd_info("%s: primedisp_objects %ld (start %ld), dma-bufs %ld (start %ld)", when,
		obj, base->objects, bufs, base->dmabufs);
	pd_assert_f(obj == base->objects, "%s: %ld primedisp objects, %ld at the start",
		    when, obj, base->objects);
	pd_assert_f(bufs == base->dmabufs, "%s: %ld dma-bufs, %ld at the start",
		    when, bufs, base->dmabufs);
}

/* A new buffer of @size filled with the pattern of @seed through the DRM fd. */
static uint32_t create_filled(int fd, uint64_t size, uint32_t seed)
{
	uint64_t sz = size;
	uint32_t handle = pd_gem_create(fd, &sz, 0);
	void *p;

	pd_assert_eq(sz, size);
	p = pd_gem_map(fd, handle, size, PROT_READ | PROT_WRITE);
	pd_fill_pattern(p, size, seed);
	pd_assert(munmap(p, size) == 0);
	return handle;
}

/* The buffer @handle of @fd holds the pattern of @seed. */
static void check_content(int fd, uint32_t handle, uint64_t size, uint32_t seed,
			  const char *what)
{
	void *p = pd_gem_map(fd, handle, size, PROT_READ);
	uint32_t got = 0;
	long bad = pd_check_pattern(p, size, seed, &got);

	pd_assert_f(bad < 0, "%s: word at byte %ld is 0x%08x, expected 0x%08x", what, bad,
		    got, pd_pattern_word(bad, seed));
	pd_assert(munmap(p, size) == 0);
}

static bool handle_exists(int fd, uint32_t handle)
{
	struct drm_primedisp_gem_info info;

	return __pd_gem_info(fd, handle, &info) == 0;
}

/* ---- subtests ------------------------------------------------------------------ */

static void test_with_one_bo(void)
{
	int fd = pd_open_card(NULL);
	struct counts base = counts_now();
	uint32_t handle, h2;
	int dmabuf;

	handle = create_filled(fd, BO_SIZE, 1);
	dmabuf = pd_prime_handle_to_fd(fd, handle);
	pd_assert_eq(pd_gem_objects(), base.objects + 1);
	pd_assert_eq(pd_dmabuf_count(), base.dmabufs + 1);

	/* Imported back into the file that exported it: the same handle. */
	h2 = pd_prime_fd_to_handle(fd, dmabuf);
	pd_assert_eq(h2, handle);
	h2 = pd_prime_fd_to_handle(fd, dmabuf);
	pd_assert_eq(h2, handle);
	/* No new object, no new dma-buf. */
	pd_assert_eq(pd_gem_objects(), base.objects + 1);
	pd_assert_eq(pd_dmabuf_count(), base.dmabufs + 1);

	/* The import did not add a reference that a single close leaves. */
	pd_gem_close(fd, handle);
	pd_assert(!handle_exists(fd, handle));
	pd_assert_errno(__pd_gem_close(fd, handle), EINVAL);
	/* The dma-buf keeps the buffer alive; importing it again restores it. */
	pd_assert_eq(pd_gem_objects(), base.objects + 1);
	h2 = pd_prime_fd_to_handle(fd, dmabuf);
	check_content(fd, h2, BO_SIZE, 1, "re-imported after close");
	pd_gem_close(fd, h2);
	close(dmabuf);
	assert_counts(&base, "after close");
	close(fd);
}

static void test_with_one_bo_two_files(void)
{
	int fd1 = pd_open_card(NULL), fd2 = pd_open_card(NULL);
	struct counts base = counts_now();
	uint32_t h1, h2, h2b;
	int dmabuf1, dmabuf2;

	h1 = create_filled(fd1, BO_SIZE, 2);
	dmabuf1 = pd_prime_handle_to_fd(fd1, h1);
	h2 = pd_prime_fd_to_handle(fd2, dmabuf1);
	h2b = pd_prime_fd_to_handle(fd2, dmabuf1);
	pd_assert_eq(h2b, h2);
	pd_assert_eq(pd_gem_objects(), base.objects + 1);

	/* Exported from the second file: the same dma-buf. */
	dmabuf2 = pd_prime_handle_to_fd(fd2, h2);
	pd_assert_eq(pd_fd_ino(dmabuf2), pd_fd_ino(dmabuf1));
	pd_assert_eq(pd_dmabuf_count(), base.dmabufs + 1);
	check_content(fd2, h2, BO_SIZE, 2, "imported in a second file");

	close(dmabuf1);
	close(dmabuf2);
	pd_gem_close(fd1, h1);
	/* The second file's handle keeps the buffer. */
	check_content(fd2, h2, BO_SIZE, 2, "after the exporter closed its handle");
	pd_gem_close(fd2, h2);
	assert_counts(&base, "after both handles closed");
	close(fd1);
	close(fd2);
}

static void test_with_two_bos(void)
{
	int fd = pd_open_card(NULL);
	struct counts base = counts_now();
	uint32_t h1, h2, h;
	int dmabuf1, dmabuf2;

	h1 = create_filled(fd, BO_SIZE, 3);
	h2 = create_filled(fd, BO_SIZE, 4);
	pd_assert(h1 != h2);
	dmabuf1 = pd_prime_handle_to_fd(fd, h1);
	dmabuf2 = pd_prime_handle_to_fd(fd, h2);
	pd_assert(pd_fd_ino(dmabuf1) != pd_fd_ino(dmabuf2));

	pd_assert_eq(pd_prime_fd_to_handle(fd, dmabuf2), h2);
	pd_assert_eq(pd_prime_fd_to_handle(fd, dmabuf1), h1);

	/* Closing one leaves the other's mapping alone. */
	pd_gem_close(fd, h1);
	pd_assert_eq(pd_prime_fd_to_handle(fd, dmabuf2), h2);
	h = pd_prime_fd_to_handle(fd, dmabuf1);
	pd_assert(h != h2);
	check_content(fd, h, BO_SIZE, 3, "first buffer re-imported");
	check_content(fd, h2, BO_SIZE, 4, "second buffer");
	pd_gem_close(fd, h);
	pd_gem_close(fd, h2);
	close(dmabuf1);
	close(dmabuf2);
	assert_counts(&base, "after close");
	close(fd);
}

static void test_with_fd_dup(void)
{
	int fd = pd_open_card(NULL);
	struct counts base = counts_now();
	int dmabuf, dup1, dup2;
	uint32_t handle, h;

	handle = create_filled(fd, BO_SIZE, 5);
	dmabuf = pd_prime_handle_to_fd(fd, handle);
	dup1 = dup(dmabuf);
	dup2 = fcntl(dmabuf, F_DUPFD_CLOEXEC, 100);
	pd_assert(dup1 >= 0 && dup2 >= 100);
	pd_assert_eq(pd_fd_ino(dup1), pd_fd_ino(dmabuf));
	close(dmabuf);

	pd_assert_eq(pd_prime_fd_to_handle(fd, dup1), handle);
	pd_gem_close(fd, handle);
	/* Through a dup of a dup, after the original fd and handle are gone. */
	close(dup1);
	h = pd_prime_fd_to_handle(fd, dup2);
	check_content(fd, h, BO_SIZE, 5, "imported from a dup'ed fd");
	pd_assert_eq(__pd_dmabuf_size(dup2), BO_SIZE);
	close(dup2);
	pd_gem_close(fd, h);
	assert_counts(&base, "after close");
	close(fd);
}

static void test_export_twice(void)
{
	int fd = pd_open_card(NULL);
	struct counts base = counts_now();
	int dmabuf1, dmabuf2, dmabuf3;
	uint32_t handle;
	ino_t ino;

	handle = create_filled(fd, BO_SIZE, 6);
	dmabuf1 = pd_prime_handle_to_fd(fd, handle);
	dmabuf2 = pd_prime_handle_to_fd(fd, handle);
	pd_assert(dmabuf1 != dmabuf2);
	ino = pd_fd_ino(dmabuf1);
	pd_info("two exports: fds %d and %d, inodes %lu and %lu", dmabuf1, dmabuf2,
		(unsigned long)ino, (unsigned long)pd_fd_ino(dmabuf2));
	pd_assert_eq(pd_fd_ino(dmabuf2), ino);
	pd_assert_eq(pd_dmabuf_count(), base.dmabufs + 1);

	/* While the handle lives, the dma-buf it got is the one it keeps. */
	close(dmabuf1);
	close(dmabuf2);
	dmabuf3 = pd_prime_handle_to_fd(fd, handle);
	pd_assert_eq(pd_fd_ino(dmabuf3), ino);
	/* Read-only exports are the same dma-buf too. */
	{
		int ro = -1;

		pd_assert(__pd_prime_handle_to_fd(fd, handle, DRM_CLOEXEC, &ro) == 0);
		pd_assert_eq(pd_fd_ino(ro), ino);
		close(ro);
	}
	close(dmabuf3);
	pd_gem_close(fd, handle);
	assert_counts(&base, "after close");
	close(fd);
}

static void test_reimport_after_close(void)
{
	int fd = pd_open_card(NULL);
	struct counts base = counts_now();
	uint32_t handle, h;
	int dmabuf;

	handle = create_filled(fd, BO_SIZE, 7);
	dmabuf = pd_prime_handle_to_fd(fd, handle);
	pd_gem_close(fd, handle);
	pd_assert(!handle_exists(fd, handle));

	h = pd_prime_fd_to_handle(fd, dmabuf);
	pd_info("handle %u closed, the import gave handle %u", handle, h);
	pd_assert(handle_exists(fd, h));
	pd_assert_eq(pd_gem_info(fd, h, NULL) & PRIMEDISP_GEM_INFO_IMPORTED, 0);
	check_content(fd, h, BO_SIZE, 7, "re-imported after close");
	/* Exporting the new handle gives the same dma-buf. */
	{
		int again = pd_prime_handle_to_fd(fd, h);

		pd_assert_eq(pd_fd_ino(again), pd_fd_ino(dmabuf));
		close(again);
	}
	close(dmabuf);
	check_content(fd, h, BO_SIZE, 7, "after the dma-buf fd was closed");
	pd_gem_close(fd, h);
	assert_counts(&base, "after close");
	close(fd);
}

/* Write through @fd_a's mapping, read through @fd_b's, and the other way round. */
static void check_both_ways(int fd_a, uint32_t ha, int fd_b, uint32_t hb, uint64_t size,
			    const char *a, const char *b)
{
	void *pa = pd_gem_map(fd_a, ha, size, PROT_READ | PROT_WRITE);
	void *pb = pd_gem_map(fd_b, hb, size, PROT_READ | PROT_WRITE);
	uint32_t got = 0;
	long bad;

	pd_fill_pattern(pa, size, 11);
	bad = pd_check_pattern(pb, size, 11, &got);
	pd_assert_f(bad < 0, "written through %s, read through %s: word at %ld is 0x%08x, "
		    "expected 0x%08x", a, b, bad, got, pd_pattern_word(bad, 11));
	pd_fill_pattern(pb, size, 12);
	bad = pd_check_pattern(pa, size, 12, &got);
	pd_assert_f(bad < 0, "written through %s, read through %s: word at %ld is 0x%08x, "
		    "expected 0x%08x", b, a, bad, got, pd_pattern_word(bad, 12));
	pd_assert(munmap(pa, size) == 0);
	pd_assert(munmap(pb, size) == 0);
}

static void test_cross_fd(void)
{
	int fd1 = pd_open_card(NULL), fd2 = pd_open_card(NULL);
	struct counts base = counts_now();
	uint32_t h1, h2;
	int dmabuf;

	h1 = create_filled(fd1, BO_SIZE, 8);
	dmabuf = pd_prime_handle_to_fd(fd1, h1);
	h2 = pd_prime_fd_to_handle(fd2, dmabuf);
	close(dmabuf);
	check_content(fd2, h2, BO_SIZE, 8, "imported in the second file");
	check_both_ways(fd1, h1, fd2, h2, BO_SIZE, "the exporting file", "the importing file");
	/* Still one object. */
	pd_assert_eq(pd_gem_objects(), base.objects + 1);
	pd_gem_close(fd1, h1);
	close(fd1);
	check_content(fd2, h2, BO_SIZE, 12, "after the exporting file was closed");
	pd_gem_close(fd2, h2);
	assert_counts(&base, "after close");
	close(fd2);
}

static void test_render_to_card(void)
{
	int render = pd_open_render(NULL), card = pd_open_card(NULL);
	struct counts base = counts_now();
	uint32_t hr, hc, h;
	int dmabuf;

	hr = create_filled(render, BO_SIZE, 9);
	dmabuf = pd_prime_handle_to_fd(render, hr);
	hc = pd_prime_fd_to_handle(card, dmabuf);
	check_content(card, hc, BO_SIZE, 9, "render node buffer imported on the card node");
	check_both_ways(render, hr, card, hc, BO_SIZE, "the render node", "the card node");
	close(dmabuf);

	/* And from the card node to the render node. */
	h = create_filled(card, BO_SIZE, 10);
	dmabuf = pd_prime_handle_to_fd(card, h);
	hr = pd_prime_fd_to_handle(render, dmabuf);
	check_content(render, hr, BO_SIZE, 10, "card node buffer imported on the render node");
	close(dmabuf);

	close(render);
	close(card);
	assert_counts(&base, "after closing both files");
}

static void test_llseek_size(void)
{
	int fd = pd_open_card(NULL);
	struct counts base = counts_now();

	for (int i = 0; i < 10; i++) {
		uint64_t size = 4096ull << i, want = size;
		uint32_t handle = pd_gem_create(fd, &size, 0);
		int dmabuf = pd_prime_handle_to_fd(fd, handle);

		pd_gem_close(fd, handle);
		pd_assert_eq(lseek(dmabuf, 0, SEEK_END), want);
		pd_assert_eq(lseek(dmabuf, 0, SEEK_SET), 0);
		pd_assert_eq(lseek(dmabuf, 0, SEEK_END), want);
		close(dmabuf);
	}
	/* A size that is not a page multiple: the dma-buf has the allocated size. */
	{
		uint64_t size = 3 * 4096 + 17;
		uint32_t handle = pd_gem_create(fd, &size, 0);
		int dmabuf = pd_prime_handle_to_fd(fd, handle);

		pd_assert_eq(lseek(dmabuf, 0, SEEK_END), size);
		pd_assert_eq(pd_gem_info(fd, handle, &size) & PRIMEDISP_GEM_INFO_EXPORTED,
			     PRIMEDISP_GEM_INFO_EXPORTED);
		pd_assert_eq(lseek(dmabuf, 0, SEEK_END), size);
		close(dmabuf);
		pd_gem_close(fd, handle);
	}
	assert_counts(&base, "after close");
	close(fd);
}

static void test_llseek_bad(void)
{
	static const struct { off_t off; int whence; const char *what; } bad[] = {
		{ -1, SEEK_END, "-1 from the end" },
		{ 1, SEEK_END, "1 past the end" },
		{ 1, SEEK_SET, "1 from the start" },
		{ BO_SIZE, SEEK_SET, "size from the start" },
		{ BO_SIZE + 1, SEEK_SET, "size + 1 from the start" },
		{ BO_SIZE - 1, SEEK_SET, "size - 1 from the start" },
		{ -1, SEEK_SET, "-1 from the start" },
		{ 0, SEEK_CUR, "SEEK_CUR 0" },
		{ 1, SEEK_CUR, "SEEK_CUR 1" },
		{ 0, SEEK_DATA, "SEEK_DATA" },
		{ 0, SEEK_HOLE, "SEEK_HOLE" },
		{ 0, 42, "whence 42" },
	};
	int fd = pd_open_card(NULL);
	uint64_t size = BO_SIZE;
	uint32_t handle = pd_gem_create(fd, &size, 0);
	int dmabuf = pd_prime_handle_to_fd(fd, handle);

	pd_gem_close(fd, handle);
	pd_require(lseek(dmabuf, 0, SEEK_END) == BO_SIZE, "lseek(SEEK_END) does not give the size");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		off_t r;
		int err;

		errno = 0;
		r = lseek(dmabuf, bad[i].off, bad[i].whence);
		err = errno;
		pd_assert_f(r == -1 && err == EINVAL,
			    "lseek %s (%lld, %d): got %lld, errno %d (%s), expected EINVAL",
			    bad[i].what, (long long)bad[i].off, bad[i].whence, (long long)r, err,
			    strerror(err));
	}
	/* The failures did not move or break anything. */
	pd_assert_eq(lseek(dmabuf, 0, SEEK_END), BO_SIZE);
	close(dmabuf);
	close(fd);
}

static void import_fails(int fd, int what_fd, int want, const char *what)
{
	uint32_t handle = 0;
	int ret, err;

	errno = 0;
	ret = __pd_prime_fd_to_handle(fd, what_fd, &handle);
	err = errno;
	pd_info("import of %s (fd %d): %s", what, what_fd, ret ? strerror(err) : "imported!");
	if (ret == 0) {
		__pd_gem_close(fd, handle);
		pd_fail("importing %s gave handle %u", what, handle);
	}
	pd_assert_f(err == want, "importing %s: errno %d (%s), expected %d (%s)", what, err,
		    strerror(err), want, strerror(want));
}

static void test_invalid_fd(void)
{
	int fd = pd_open_card(NULL), closed, devnull, pipefd[2], file, memfd;
	struct counts base = counts_now();

	devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	pd_assert(devnull >= 0);
	pd_assert(pipe2(pipefd, O_CLOEXEC) == 0);
	file = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	pd_assert(file >= 0);
	memfd = memfd_create("pd-not-a-dmabuf", MFD_CLOEXEC);
	pd_assert(memfd >= 0);
	pd_assert(ftruncate(memfd, 4096) == 0);
	/* Last, so that no other open reuses its number. */
	closed = dup(fd);
	pd_assert(closed >= 0);
	close(closed);

	import_fails(fd, -1, EBADF, "fd -1");
	import_fails(fd, INT_MIN, EBADF, "fd INT_MIN");
	import_fails(fd, INT_MAX, EBADF, "fd INT_MAX");
	import_fails(fd, closed, EBADF, "a closed fd");
	import_fails(fd, devnull, EINVAL, "/dev/null");
	import_fails(fd, pipefd[0], EINVAL, "a pipe (read end)");
	import_fails(fd, pipefd[1], EINVAL, "a pipe (write end)");
	import_fails(fd, file, EINVAL, "a /proc file");
	import_fails(fd, memfd, EINVAL, "a memfd");
	import_fails(fd, fd, EINVAL, "the DRM fd itself");

	/* The file still works after all that. */
	{
		uint32_t handle = create_filled(fd, BO_SIZE, 13);
		int dmabuf = pd_prime_handle_to_fd(fd, handle);

		pd_assert_eq(pd_prime_fd_to_handle(fd, dmabuf), handle);
		close(dmabuf);
		pd_gem_close(fd, handle);
	}
	close(devnull);
	close(pipefd[0]);
	close(pipefd[1]);
	close(file);
	close(memfd);
	assert_counts(&base, "after the failed imports");
	close(fd);
}

static void export_fails(int fd, uint32_t handle, uint32_t flags, int want, const char *what)
{
	int dmabuf = -1, ret, err;

	errno = 0;
	ret = __pd_prime_handle_to_fd(fd, handle, flags, &dmabuf);
	err = errno;
	pd_info("export of %s (handle %u, flags 0x%x): %s", what, handle, flags,
		ret ? strerror(err) : "exported!");
	if (ret == 0) {
		close(dmabuf);
		pd_fail("exporting %s gave fd %d", what, dmabuf);
	}
	pd_assert_f(err == want, "exporting %s: errno %d (%s), expected %d (%s)", what, err,
		    strerror(err), want, strerror(want));
}

static void test_invalid_handle(void)
{
	int fd = pd_open_card(NULL), fd2 = pd_open_card(NULL);
	struct counts base = counts_now();
	uint64_t size = BO_SIZE;
	uint32_t handle, closed;

	handle = pd_gem_create(fd, &size, 0);
	/* Created after @handle, so no later create in this test reuses it. */
	closed = pd_gem_create(fd, &size, 0);
	pd_gem_close(fd, closed);

	export_fails(fd, 0, DRM_CLOEXEC | DRM_RDWR, ENOENT, "handle 0");
	export_fails(fd, closed, DRM_CLOEXEC | DRM_RDWR, ENOENT, "a closed handle");
	export_fails(fd, handle + 1000, DRM_CLOEXEC | DRM_RDWR, ENOENT, "an unknown handle");
	export_fails(fd, ~0u, DRM_CLOEXEC | DRM_RDWR, ENOENT, "handle 0xffffffff");
	export_fails(fd2, handle, DRM_CLOEXEC | DRM_RDWR, ENOENT,
		     "another file's handle");
	export_fails(fd, handle, 0x1, EINVAL, "a valid handle with flags 0x1");
	export_fails(fd, handle, DRM_CLOEXEC | DRM_RDWR | 0x10, EINVAL,
		     "a valid handle with an unknown flag");
	pd_assert_eq(pd_gem_info(fd, handle, NULL) & PRIMEDISP_GEM_INFO_EXPORTED, 0);

	pd_gem_close(fd, handle);
	assert_counts(&base, "after the failed exports");
	close(fd);
	close(fd2);
}

#define CYCLES	2000

static void test_object_count(void)
{
	int fd = pd_open_card(NULL), fd2 = pd_open_card(NULL), render = pd_open_render(NULL);
	struct counts base = counts_now();
	double t0 = pd_now();

	for (int i = 0; i < CYCLES; i++) {
		uint64_t size = 4096 * (1 + i % 4);
		uint32_t handle = pd_gem_create(i % 3 ? fd : render, &size, i % 7 ? 0 :
						PRIMEDISP_GEM_CREATE_WC);
		int owner = i % 3 ? fd : render;
		int dmabuf = pd_prime_handle_to_fd(owner, handle);
		uint32_t h2;

		/* Vary who lets go first. */
		switch (i % 4) {
		case 0:	/* self-import, close in creation order */
			pd_assert_eq(pd_prime_fd_to_handle(owner, dmabuf), handle);
			close(dmabuf);
			pd_gem_close(owner, handle);
			break;
		case 1:	/* second file imports; exporter's handle first */
			h2 = pd_prime_fd_to_handle(fd2, dmabuf);
			pd_gem_close(owner, handle);
			close(dmabuf);
			pd_gem_close(fd2, h2);
			break;
		case 2:	/* handle closed, dma-buf imported again, then dropped */
			pd_gem_close(owner, handle);
			h2 = pd_prime_fd_to_handle(fd2, dmabuf);
			pd_gem_close(fd2, h2);
			close(dmabuf);
			break;
		case 3:	/* dma-buf fd closed first, the importer's handle last */
			h2 = pd_prime_fd_to_handle(fd2, dmabuf);
			close(dmabuf);
			pd_gem_close(owner, handle);
			pd_gem_close(fd2, h2);
			break;
		}
		if (i % 500 == 499) {
			long obj = pd_gem_objects(), bufs = pd_dmabuf_count();

			pd_assert_f(obj == base.objects && bufs == base.dmabufs,
				    "after %d cycles: %ld objects (start %ld), %ld dma-bufs (start %ld)",
				    i + 1, obj, base.objects, bufs, base.dmabufs);
		}
	}
	pd_info("%d export/import/close cycles in %.1f s", CYCLES, pd_now() - t0);
	assert_counts(&base, "after the cycles");

	/* Left for close() of the files to clean up. */
	for (int i = 0; i < 100; i++) {
		uint64_t size = 4096;
		uint32_t handle = pd_gem_create(fd, &size, 0);
		int dmabuf = pd_prime_handle_to_fd(fd, handle);

		pd_prime_fd_to_handle(fd2, dmabuf);
		pd_prime_fd_to_handle(render, dmabuf);
		close(dmabuf);
	}
	pd_assert_eq(pd_gem_objects(), base.objects + 100);
	pd_assert_eq(pd_dmabuf_count(), base.dmabufs + 100);
	close(fd);
	close(fd2);
	close(render);
	assert_counts(&base, "after closing the files with 100 shared buffers open");
}

/* ---- races ---------------------------------------------------------------------- */

#define RACE_SECONDS	2.0

struct race {
	int fd;
	int dmabuf;
	_Atomic uint32_t handle;
	atomic_bool stop;
	atomic_long ok, failed;
	atomic_int bad_errno;
};

static void *export_thread(void *arg)
{
	struct race *r = arg;

	while (!atomic_load(&r->stop)) {
		int dmabuf = -1;

		if (__pd_prime_handle_to_fd(r->fd, atomic_load(&r->handle),
					    DRM_CLOEXEC | DRM_RDWR, &dmabuf) == 0) {
			close(dmabuf);
			atomic_fetch_add(&r->ok, 1);
		} else {
			if (errno != ENOENT)
				atomic_store(&r->bad_errno, errno);
			atomic_fetch_add(&r->failed, 1);
		}
	}
	return NULL;
}

static void test_export_vs_close_race(void)
{
	int fd = pd_open_card(NULL);
	struct counts base = counts_now();
	struct race r = { .fd = fd };
	long rounds = 0;
	pthread_t t;
	double end;

	pd_assert(pthread_create(&t, NULL, export_thread, &r) == 0);
	end = pd_now() + RACE_SECONDS;
	while (pd_now() < end) {
		uint64_t size = 4096;
		uint32_t handle = pd_gem_create(fd, &size, 0);

		atomic_store(&r.handle, handle);
		pd_gem_close(fd, handle);
		rounds++;
	}
	atomic_store(&r.stop, true);
	pthread_join(t, NULL);
	pd_info("%ld create/close rounds; exports: %ld succeeded, %ld failed", rounds,
		atomic_load(&r.ok), atomic_load(&r.failed));
	pd_assert_f(atomic_load(&r.bad_errno) == 0,
		    "an export failed with errno %d (%s), not ENOENT",
		    atomic_load(&r.bad_errno), strerror(atomic_load(&r.bad_errno)));
	assert_counts(&base, "after the race");
	close(fd);
}

static void *reimport_thread(void *arg)
{
	struct race *r = arg;

	while (!atomic_load(&r->stop)) {
		uint32_t handle;

		if (__pd_prime_fd_to_handle(r->fd, r->dmabuf, &handle) == 0) {
			atomic_fetch_add(&r->ok, 1);
			/* The other thread may have closed the same handle already. */
			if (__pd_gem_close(r->fd, handle) && errno != EINVAL)
				atomic_store(&r->bad_errno, errno);
		} else {
			atomic_store(&r->bad_errno, errno);
			atomic_fetch_add(&r->failed, 1);
		}
	}
	return NULL;
}

static void test_reimport_vs_close_race(void)
{
	int fd = pd_open_card(NULL);
	struct counts base = counts_now();
	struct race r = { .fd = fd };
	uint64_t size = BO_SIZE;
	pthread_t t[2];
	uint32_t handle;

	handle = create_filled(fd, size, 14);
	r.dmabuf = pd_prime_handle_to_fd(fd, handle);
	pd_gem_close(fd, handle);

	for (int i = 0; i < 2; i++)
		pd_assert(pthread_create(&t[i], NULL, reimport_thread, &r) == 0);
	pd_msleep(RACE_SECONDS * 1000);
	atomic_store(&r.stop, true);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	pd_info("imports: %ld succeeded, %ld failed", atomic_load(&r.ok),
		atomic_load(&r.failed));
	pd_assert_f(atomic_load(&r.bad_errno) == 0, "import or close failed with errno %d (%s)",
		    atomic_load(&r.bad_errno), strerror(atomic_load(&r.bad_errno)));
	pd_assert(atomic_load(&r.ok) > 0);

	/* The buffer survived it all. */
	handle = pd_prime_fd_to_handle(fd, r.dmabuf);
	check_content(fd, handle, BO_SIZE, 14, "after the race");
	pd_gem_close(fd, handle);
	close(r.dmabuf);
	assert_counts(&base, "after the race");
	close(fd);
}

static const struct pd_subtest subtests[] = {
	{ "basic-with_one_bo", test_with_one_bo,
	  "export and import in the same file: the same handle, no new object" },
	{ "basic-with_one_bo_two_files", test_with_one_bo_two_files,
	  "imported twice in another file: one handle; its export is the same dma-buf" },
	{ "basic-with_two_bos", test_with_two_bos,
	  "two buffers: each dma-buf maps back to its own handle" },
	{ "basic-with_fd_dup", test_with_fd_dup, "dup'ed dma-buf fds import the same buffer" },
	{ "export-twice", test_export_twice, "two exports of one buffer are one dma-buf (st_ino)" },
	{ "reimport-after-close", test_reimport_after_close,
	  "handle closed, dma-buf imported: a handle with the original content" },
	{ "cross-fd", test_cross_fd, "two files of the device see each other's writes" },
	{ "render-to-card", test_render_to_card,
	  "render node buffer imported on the card node and back: same data" },
	{ "basic-llseek-size", test_llseek_size, "lseek(SEEK_END) gives the buffer size" },
	{ "basic-llseek-bad", test_llseek_bad, "other offsets and whences -> EINVAL" },
	{ "invalid-fd", test_invalid_fd,
	  "importing closed fds (EBADF) and non-dma-buf files (EINVAL); no leak" },
	{ "invalid-handle", test_invalid_handle,
	  "exporting unknown handles -> ENOENT, bad flags -> EINVAL; no leak" },
	{ "object-count", test_object_count,
	  "2000 export/import/close cycles leave no GEM object or dma-buf behind" },
	{ "export-vs-gem_close-race", test_export_vs_close_race,
	  "exporting a handle while it is closed: ENOENT or a dma-buf, no leak" },
	{ "reimport-vs-gem_close-race", test_reimport_vs_close_race,
	  "two threads importing and closing the same dma-buf; no leak" },
	{ }
};

PD_MAIN(subtests, "Tests PRIME export and import within primedisp (same device).")
