// SPDX-License-Identifier: GPL-2.0
/*
 * prime_mmap_pd - CPU access to primedisp buffers through their dma-buf: mmap()
 * of the dma-buf fd, bracketed by DMA_BUF_IOCTL_SYNC, sees what the DRM
 * mapping wrote and the other way round; the mapping outlives the GEM handle
 * and the DRM file; a window mapped at a page offset shows those pages of
 * the buffer; invalid maps and sync flags are refused.
 *
 * Errors asserted are those of the dma-buf core and the shmem GEM helpers
 * (Linux 6.1 and 6.12): a mapping past the end of the dma-buf -> EINVAL
 * (dma_buf_mmap_internal()), a private (copy-on-write) mapping -> EINVAL
 * (drm_gem_shmem_mmap()), a writable mapping of a dma-buf exported without
 * DRM_RDWR -> EACCES (mmap(2): the file is read-only), DMA_BUF_IOCTL_SYNC with
 * an unknown flag or without READ/WRITE -> EINVAL.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <xf86drm.h>

#include "pdtest.h"
#include "pd_prime.h"
#include "pd_vgem.h"

#define BO_SIZE		(256 * 1024)

#define SYNC_RD_START	(DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ)
#define SYNC_RD_END	(DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ)
#define SYNC_WR_START	(DMA_BUF_SYNC_START | DMA_BUF_SYNC_WRITE)
#define SYNC_WR_END	(DMA_BUF_SYNC_END | DMA_BUF_SYNC_WRITE)
#define SYNC_RW_START	(DMA_BUF_SYNC_START | DMA_BUF_SYNC_RW)
#define SYNC_RW_END	(DMA_BUF_SYNC_END | DMA_BUF_SYNC_RW)

static size_t page_size(void)
{
	return sysconf(_SC_PAGESIZE);
}

/* Fill @p (the mapping of @dmabuf) with the pattern of @seed, bracketed. */
static void dmabuf_write(int dmabuf, void *p, size_t size, uint32_t seed)
{
	pd_dmabuf_sync(dmabuf, SYNC_WR_START);
	pd_fill_pattern(p, size, seed);
	pd_dmabuf_sync(dmabuf, SYNC_WR_END);
}

/* Check that @p (the mapping of @dmabuf) holds the pattern of @seed. */
static void dmabuf_check(int dmabuf, const void *p, size_t size, uint32_t seed,
			 const char *what)
{
	uint32_t got = 0;
	long bad;

	pd_dmabuf_sync(dmabuf, SYNC_RD_START);
	bad = pd_check_pattern(p, size, seed, &got);
	pd_dmabuf_sync(dmabuf, SYNC_RD_END);
	pd_assert_f(bad < 0, "%s: word at byte %ld is 0x%08x, expected 0x%08x", what, bad, got,
		    pd_pattern_word(bad, seed));
}

static void check_mem(const void *p, size_t size, uint32_t seed, const char *what)
{
	uint32_t got = 0;
	long bad = pd_check_pattern(p, size, seed, &got);

	pd_assert_f(bad < 0, "%s: word at byte %ld is 0x%08x, expected 0x%08x", what, bad, got,
		    pd_pattern_word(bad, seed));
}

/* A buffer filled with the pattern of @seed through its DRM mapping. */
static uint32_t create_filled(int fd, uint64_t size, uint32_t flags, uint32_t seed)
{
	uint64_t sz = size;
	uint32_t handle = pd_gem_create(fd, &sz, flags);
	void *p;

	pd_assert_eq(sz, size);
	p = pd_gem_map(fd, handle, size, PROT_READ | PROT_WRITE);
	pd_fill_pattern(p, size, seed);
	pd_assert(munmap(p, size) == 0);
	return handle;
}

static long objects_or_skip(void)
{
	long n = pd_gem_objects();

	pd_require(n >= 0, "cannot read primedisp_objects from debugfs");
	return n;
}

/* ---- subtests ------------------------------------------------------------------ */

/* Written through the DRM mapping, read through the dma-buf's. */
static void test_correct(void)
{
	int fd = pd_open_card(NULL);
	uint32_t handle = create_filled(fd, BO_SIZE, 0, 1);
	int dmabuf = pd_prime_handle_to_fd(fd, handle);
	void *gem, *p;

	p = pd_dmabuf_map(dmabuf, BO_SIZE, PROT_READ);
	dmabuf_check(dmabuf, p, BO_SIZE, 1, "dma-buf mapping after a write through DRM");

	/* A DRM mapping alive at the same time: its writes show at once. */
	gem = pd_gem_map(fd, handle, BO_SIZE, PROT_READ | PROT_WRITE);
	pd_fill_pattern(gem, BO_SIZE, 2);
	dmabuf_check(dmabuf, p, BO_SIZE, 2, "dma-buf mapping, DRM mapping written meanwhile");
	pd_assert(munmap(gem, BO_SIZE) == 0);
	pd_assert(munmap(p, BO_SIZE) == 0);
	close(dmabuf);
	pd_gem_close(fd, handle);
	close(fd);
}

/* Written through the dma-buf mapping, read through the DRM one. */
static void test_correct_cpu_write(void)
{
	int fd = pd_open_card(NULL);
	uint64_t size = BO_SIZE;
	uint32_t handle = pd_gem_create(fd, &size, 0);
	int dmabuf = pd_prime_handle_to_fd(fd, handle);
	void *p, *gem;

	p = pd_dmabuf_map(dmabuf, BO_SIZE, PROT_READ | PROT_WRITE);
	/* A new buffer is zeroed, whichever way it is seen. */
	pd_dmabuf_sync(dmabuf, SYNC_RD_START);
	for (size_t i = 0; i < BO_SIZE; i += 4)
		pd_assert_f(((uint32_t *)p)[i / 4] == 0, "new buffer: word at %zu = 0x%08x", i,
			    ((uint32_t *)p)[i / 4]);
	pd_dmabuf_sync(dmabuf, SYNC_RD_END);

	dmabuf_write(dmabuf, p, BO_SIZE, 3);
	gem = pd_gem_map(fd, handle, BO_SIZE, PROT_READ);
	check_mem(gem, BO_SIZE, 3, "DRM mapping after a write through the dma-buf");

	/* READ|WRITE bracket, read-modify-write of every word. */
	pd_dmabuf_sync(dmabuf, SYNC_RW_START);
	for (size_t i = 0; i < BO_SIZE; i += 4)
		((uint32_t *)p)[i / 4] ^= pd_pattern_word(i, 3) ^ pd_pattern_word(i, 4);
	pd_dmabuf_sync(dmabuf, SYNC_RW_END);
	check_mem(gem, BO_SIZE, 4, "DRM mapping after a read-modify-write through the dma-buf");

	pd_assert(munmap(gem, BO_SIZE) == 0);
	pd_assert(munmap(p, BO_SIZE) == 0);
	close(dmabuf);
	pd_gem_close(fd, handle);
	close(fd);
}

static void test_map_unmap(void)
{
	int fd = pd_open_card(NULL);
	uint32_t handle = create_filled(fd, BO_SIZE, 0, 5);
	int dmabuf = pd_prime_handle_to_fd(fd, handle);

	for (int i = 0; i < 50; i++) {
		void *p = pd_dmabuf_map(dmabuf, BO_SIZE, PROT_READ | PROT_WRITE);

		dmabuf_check(dmabuf, p, BO_SIZE, 5 + i, "mapped again");
		dmabuf_write(dmabuf, p, BO_SIZE, 6 + i);
		pd_assert(munmap(p, BO_SIZE) == 0);
	}
	close(dmabuf);
	pd_gem_close(fd, handle);
	close(fd);
}

static void test_reprime(void)
{
	int fd = pd_open_card(NULL);
	uint32_t handle = create_filled(fd, BO_SIZE, 0, 7);
	int dmabuf = pd_prime_handle_to_fd(fd, handle);
	void *p = pd_dmabuf_map(dmabuf, BO_SIZE, PROT_READ);

	dmabuf_check(dmabuf, p, BO_SIZE, 7, "first export");
	pd_assert(munmap(p, BO_SIZE) == 0);
	close(dmabuf);

	/* Exported anew after the first dma-buf fd is gone. */
	dmabuf = pd_prime_handle_to_fd(fd, handle);
	p = pd_dmabuf_map(dmabuf, BO_SIZE, PROT_READ | PROT_WRITE);
	dmabuf_check(dmabuf, p, BO_SIZE, 7, "second export");
	dmabuf_write(dmabuf, p, BO_SIZE, 8);
	pd_assert(munmap(p, BO_SIZE) == 0);
	close(dmabuf);
	{
		void *gem = pd_gem_map(fd, handle, BO_SIZE, PROT_READ);

		check_mem(gem, BO_SIZE, 8, "DRM mapping after the second export's write");
		pd_assert(munmap(gem, BO_SIZE) == 0);
	}
	pd_gem_close(fd, handle);
	close(fd);
}

static void test_forked(void)
{
	int fd = pd_open_card(NULL);
	uint32_t handle = create_filled(fd, BO_SIZE, 0, 9);
	int dmabuf = pd_prime_handle_to_fd(fd, handle);
	int status;
	pid_t pid;
	void *gem;

	fflush(NULL);
	pid = fork();
	pd_assert(pid >= 0);
	if (pid == 0) {
		/* A process that knows only the dma-buf fd. */
		void *p;

		close(fd);
		p = pd_dmabuf_map(dmabuf, BO_SIZE, PROT_READ | PROT_WRITE);
		dmabuf_check(dmabuf, p, BO_SIZE, 9, "child's dma-buf mapping");
		dmabuf_write(dmabuf, p, BO_SIZE, 10);
		exit(PD_EXIT_SUCCESS);
	}
	pd_assert(waitpid(pid, &status, 0) == pid);
	pd_assert_f(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		    "the child failed (status 0x%x)", status);
	gem = pd_gem_map(fd, handle, BO_SIZE, PROT_READ);
	check_mem(gem, BO_SIZE, 10, "parent's DRM mapping after the child's write");
	pd_assert(munmap(gem, BO_SIZE) == 0);
	close(dmabuf);
	pd_gem_close(fd, handle);
	close(fd);
}

static void test_dup(void)
{
	int fd = pd_open_card(NULL);
	uint32_t handle = create_filled(fd, BO_SIZE, 0, 11);
	int dmabuf = pd_prime_handle_to_fd(fd, handle);
	int dupfd = dup(dmabuf);
	void *p;

	pd_assert(dupfd >= 0);
	close(dmabuf);
	p = pd_dmabuf_map(dupfd, BO_SIZE, PROT_READ);
	dmabuf_check(dupfd, p, BO_SIZE, 11, "mapping of a dup'ed dma-buf fd");
	pd_assert(munmap(p, BO_SIZE) == 0);
	close(dupfd);
	pd_gem_close(fd, handle);
	close(fd);
}

/* IGT's test_refcounting: the handle is closed before the dma-buf is mapped. */
static void test_refcounting(void)
{
	int fd = pd_open_card(NULL);
	long before = objects_or_skip();
	uint32_t handle = create_filled(fd, BO_SIZE, 0, 12);
	int dmabuf = pd_prime_handle_to_fd(fd, handle);
	void *p;

	pd_gem_close(fd, handle);
	p = pd_dmabuf_map(dmabuf, BO_SIZE, PROT_READ | PROT_WRITE);
	dmabuf_check(dmabuf, p, BO_SIZE, 12, "mapped after the handle was closed");
	dmabuf_write(dmabuf, p, BO_SIZE, 13);
	dmabuf_check(dmabuf, p, BO_SIZE, 13, "written after the handle was closed");
	pd_assert(munmap(p, BO_SIZE) == 0);
	close(dmabuf);
	pd_assert_eq(pd_counter_wait(pd_gem_objects, before, 2000), before);
	close(fd);
}

/*
 * Mapped first; then the handle, the DRM file and the dma-buf fd go, one by
 * one.  The mapping alone keeps the buffer: readable, writable, intact; the
 * buffer is freed when it is unmapped.
 */
static void test_mapping_outlives_all(void)
{
	int fd = pd_open_card(NULL);
	long objects = objects_or_skip(), bufs = pd_dmabuf_count();
	uint32_t handle = create_filled(fd, BO_SIZE, 0, 14);
	int dmabuf = pd_prime_handle_to_fd(fd, handle);
	void *p = pd_dmabuf_map(dmabuf, BO_SIZE, PROT_READ | PROT_WRITE);

	dmabuf_check(dmabuf, p, BO_SIZE, 14, "mapping");

	pd_gem_close(fd, handle);
	dmabuf_check(dmabuf, p, BO_SIZE, 14, "mapping after the handle was closed");
	dmabuf_write(dmabuf, p, BO_SIZE, 15);

	close(fd);
	dmabuf_check(dmabuf, p, BO_SIZE, 15, "mapping after the DRM fd was closed");
	dmabuf_write(dmabuf, p, BO_SIZE, 16);

	close(dmabuf);
	/* No fd left to sync with: plain CPU access. */
	check_mem(p, BO_SIZE, 16, "mapping after the dma-buf fd was closed");
	pd_fill_pattern(p, BO_SIZE, 17);
	check_mem(p, BO_SIZE, 17, "mapping written after every fd was closed");
	pd_assert_f(pd_gem_objects() == objects + 1,
		    "the mapping should be the buffer's last user: %ld objects, %ld before",
		    pd_gem_objects(), objects);

	pd_assert(munmap(p, BO_SIZE) == 0);
	pd_assert_eq(pd_counter_wait(pd_gem_objects, objects, 2000), objects);
	if (bufs >= 0)
		pd_assert_eq(pd_counter_wait(pd_dmabuf_count, bufs, 2000), bufs);
}

static void mmap_fails(int dmabuf, size_t len, int prot, int flags, off_t off, int want,
		       const char *what)
{
	void *p;
	int err;

	errno = 0;
	p = mmap(NULL, len, prot, flags, dmabuf, off);
	err = errno;
	pd_info("mmap %s: %s", what, p == MAP_FAILED ? strerror(err) : "mapped!");
	if (p != MAP_FAILED) {
		munmap(p, len);
		pd_fail("mmap %s succeeded", what);
	}
	pd_assert_f(err == want, "mmap %s: errno %d (%s), expected %d (%s)", what, err,
		    strerror(err), want, strerror(want));
}

static void test_errors(void)
{
	const size_t ps = page_size();
	int fd = pd_open_card(NULL), closed, ro = -1;
	uint32_t handle = create_filled(fd, BO_SIZE, 0, 18);
	int dmabuf = pd_prime_handle_to_fd(fd, handle);
	void *p;

	mmap_fails(dmabuf, BO_SIZE + ps, PROT_READ, MAP_SHARED, 0, EINVAL,
		   "one page beyond the size");
	mmap_fails(dmabuf, 2 * BO_SIZE, PROT_READ, MAP_SHARED, 0, EINVAL, "twice the size");
	mmap_fails(dmabuf, ps, PROT_READ, MAP_SHARED, BO_SIZE, EINVAL,
		   "one page at offset size");
	mmap_fails(dmabuf, 2 * ps, PROT_READ, MAP_SHARED, BO_SIZE - ps, EINVAL,
		   "two pages from the last page");
	mmap_fails(dmabuf, BO_SIZE, PROT_READ, MAP_SHARED, ps, EINVAL,
		   "the whole size at offset one page");
	mmap_fails(dmabuf, ps, PROT_READ, MAP_SHARED, 1ll << 40, EINVAL, "at offset 1 TiB");
	mmap_fails(dmabuf, BO_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE, 0, EINVAL,
		   "private (copy-on-write)");

	/*
	 * Exported without DRM_RDWR the first time: the dma-buf file is
	 * read-only (later exports hand out the same file, whatever the flags).
	 */
	{
		uint32_t h = create_filled(fd, BO_SIZE, 0, 28);

		pd_assert(__pd_prime_handle_to_fd(fd, h, DRM_CLOEXEC, &ro) == 0);
		pd_assert_eq(fcntl(ro, F_GETFL) & O_ACCMODE, O_RDONLY);
		mmap_fails(ro, BO_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, 0, EACCES,
			   "writable, of a read-only export");
		p = pd_dmabuf_map(ro, BO_SIZE, PROT_READ);
		dmabuf_check(ro, p, BO_SIZE, 28, "read-only mapping of a read-only export");
		pd_assert(munmap(p, BO_SIZE) == 0);
		close(ro);
		pd_gem_close(fd, h);
	}

	/* Not a valid fd any more. */
	closed = dup(dmabuf);
	close(closed);
	mmap_fails(closed, BO_SIZE, PROT_READ, MAP_SHARED, 0, EBADF, "of a closed fd");

	/* The exact size works, and so does a window inside it. */
	p = pd_dmabuf_map(dmabuf, BO_SIZE, PROT_READ);
	pd_assert(munmap(p, BO_SIZE) == 0);
	p = mmap(NULL, ps, PROT_READ, MAP_SHARED, dmabuf, BO_SIZE - ps);
	pd_assert_f(p != MAP_FAILED, "mmap of the last page failed");
	pd_assert(munmap(p, ps) == 0);

	close(dmabuf);
	pd_gem_close(fd, handle);
	close(fd);
}

static void sync_fails(int dmabuf, uint64_t flags)
{
	int ret, err;

	errno = 0;
	ret = __pd_dmabuf_sync(dmabuf, flags);
	err = errno;
	pd_assert_f(ret == -1 && err == EINVAL,
		    "DMA_BUF_IOCTL_SYNC with flags 0x%llx: got %d, errno %d (%s), expected EINVAL",
		    (unsigned long long)flags, ret, err, strerror(err));
}

static void test_invalid_sync_flags(void)
{
	static const uint64_t valid[] = {
		SYNC_RD_START, SYNC_RD_END, SYNC_WR_START, SYNC_WR_END,
		SYNC_RW_START, SYNC_RW_END,
	};
	int fd = pd_open_card(NULL);
	uint64_t size = 4096;
	uint32_t handle = pd_gem_create(fd, &size, 0);
	int dmabuf = pd_prime_handle_to_fd(fd, handle);

	/* Every bit the uapi does not define, alone and with valid flags. */
	for (int bit = 0; bit < 64; bit++) {
		uint64_t f = 1ull << bit;

		if (f & DMA_BUF_SYNC_VALID_FLAGS_MASK)
			continue;
		sync_fails(dmabuf, f);
		sync_fails(dmabuf, f | SYNC_RW_START);
		sync_fails(dmabuf, f | SYNC_RD_END);
	}
	/* Neither READ nor WRITE. */
	sync_fails(dmabuf, 0);
	sync_fails(dmabuf, DMA_BUF_SYNC_START);
	sync_fails(dmabuf, DMA_BUF_SYNC_END);
	sync_fails(dmabuf, ~0ull);

	/* The valid combinations all work. */
	for (size_t i = 0; i < sizeof(valid) / sizeof(valid[0]); i++)
		pd_dmabuf_sync(dmabuf, valid[i]);

	/* DMA_BUF_IOCTL_SYNC on a DRM fd is nothing the DRM core knows. */
	{
		struct dma_buf_sync s = { .flags = SYNC_RW_START };

		pd_assert(ioctl(fd, DMA_BUF_IOCTL_SYNC, &s) == -1);
	}
	close(dmabuf);
	pd_gem_close(fd, handle);
	close(fd);
}

static void test_wc(void)
{
	int fd = pd_open_card(NULL);
	uint32_t handle = create_filled(fd, BO_SIZE, PRIMEDISP_GEM_CREATE_WC, 19);
	int dmabuf = pd_prime_handle_to_fd(fd, handle);
	void *p, *gem;

	pd_assert_eq(pd_gem_info(fd, handle, NULL) & PRIMEDISP_GEM_CREATE_WC,
		     PRIMEDISP_GEM_CREATE_WC);
	p = pd_dmabuf_map(dmabuf, BO_SIZE, PROT_READ | PROT_WRITE);
	dmabuf_check(dmabuf, p, BO_SIZE, 19, "WC buffer's dma-buf mapping");
	dmabuf_write(dmabuf, p, BO_SIZE, 20);
	gem = pd_gem_map(fd, handle, BO_SIZE, PROT_READ | PROT_WRITE);
	check_mem(gem, BO_SIZE, 20, "WC buffer's DRM mapping after a dma-buf write");
	pd_fill_pattern(gem, BO_SIZE, 21);
	dmabuf_check(dmabuf, p, BO_SIZE, 21, "WC buffer's dma-buf mapping after a DRM write");
	pd_assert(munmap(gem, BO_SIZE) == 0);
	pd_gem_close(fd, handle);
	close(fd);
	dmabuf_check(dmabuf, p, BO_SIZE, 21, "WC mapping after handle and DRM fd closed");
	pd_assert(munmap(p, BO_SIZE) == 0);
	close(dmabuf);
}

/*
 * A primedisp buffer imported by a second file and exported from there:
 * the same dma-buf, mapped and written, seen by the first file.
 */
static void test_reimport(void)
{
	int fd1 = pd_open_card(NULL), fd2 = pd_open_render(NULL);
	uint32_t h1 = create_filled(fd1, BO_SIZE, 0, 22), h2;
	int dmabuf1 = pd_prime_handle_to_fd(fd1, h1), dmabuf2;
	void *p, *gem;

	h2 = pd_prime_fd_to_handle(fd2, dmabuf1);
	close(dmabuf1);
	dmabuf2 = pd_prime_handle_to_fd(fd2, h2);
	p = pd_dmabuf_map(dmabuf2, BO_SIZE, PROT_READ | PROT_WRITE);
	dmabuf_check(dmabuf2, p, BO_SIZE, 22, "re-exported from the importing file");
	dmabuf_write(dmabuf2, p, BO_SIZE, 23);
	gem = pd_gem_map(fd1, h1, BO_SIZE, PROT_READ);
	check_mem(gem, BO_SIZE, 23, "the exporter's DRM mapping");
	pd_assert(munmap(gem, BO_SIZE) == 0);
	pd_assert(munmap(p, BO_SIZE) == 0);
	close(dmabuf2);
	close(fd1);
	close(fd2);
}

/*
 * A vgem buffer imported into primedisp: primedisp hands out the very same
 * dma-buf again, and mapping it reaches vgem's pages in both directions.
 */
static void test_import(void)
{
	int vgem = pd_vgem_open(), fd = pd_open_render(NULL);
	uint32_t vh, h, pitch;
	uint64_t vsize;
	int vbuf, pbuf;
	void *vp, *p;

	vh = pd_dumb_create(vgem, 512, 128, 32, &pitch, &vsize);
	vp = pd_dumb_map(vgem, vh, vsize, PROT_READ | PROT_WRITE);
	pd_fill_pattern(vp, vsize, 24);
	vbuf = pd_prime_handle_to_fd(vgem, vh);
	h = pd_prime_fd_to_handle(fd, vbuf);
	pd_assert_f(pd_gem_info(fd, h, NULL) & PRIMEDISP_GEM_INFO_IMPORTED,
		    "the vgem buffer is not marked IMPORTED");
	close(vbuf);

	pbuf = pd_prime_handle_to_fd(fd, h);
	pd_assert_eq(__pd_dmabuf_size(pbuf), vsize);
	p = pd_dmabuf_map(pbuf, vsize, PROT_READ | PROT_WRITE);
	dmabuf_check(pbuf, p, vsize, 24, "vgem's data through primedisp's export");
	dmabuf_write(pbuf, p, vsize, 25);
	check_mem(vp, vsize, 25, "vgem's mapping after a write through primedisp's export");

	/* The importer lets go; the mapping still reaches vgem's pages. */
	pd_gem_close(fd, h);
	close(fd);
	close(pbuf);
	pd_fill_pattern(vp, vsize, 26);
	check_mem(p, vsize, 26, "mapping after primedisp closed its handle");
	pd_assert(munmap(p, vsize) == 0);
	pd_assert(munmap(vp, vsize) == 0);
	close(vgem);
}

/* A window of the dma-buf at a page offset shows those pages of the buffer. */
static void test_partial(void)
{
	const size_t ps = page_size();
	int fd = pd_open_card(NULL);
	uint32_t handle = create_filled(fd, BO_SIZE, 0, 27);
	int dmabuf = pd_prime_handle_to_fd(fd, handle);
	uint32_t *p;

	for (size_t off = ps; off < BO_SIZE; off += 7 * ps) {
		size_t len = BO_SIZE - off < 3 * ps ? BO_SIZE - off : 3 * ps;

		p = mmap(NULL, len, PROT_READ, MAP_SHARED, dmabuf, off);
		pd_assert_f(p != MAP_FAILED, "mmap of %zu bytes at offset %zu failed", len, off);
		pd_dmabuf_sync(dmabuf, SYNC_RD_START);
		for (size_t i = 0; i < len; i += 4)
			pd_assert_f(p[i / 4] == pd_pattern_word(off + i, 27),
				    "window at offset %zu: byte %zu reads 0x%08x, the buffer has "
				    "0x%08x there (0x%08x is at byte %zu)", off, i, p[i / 4],
				    pd_pattern_word(off + i, 27), pd_pattern_word(i, 27), i);
		pd_dmabuf_sync(dmabuf, SYNC_RD_END);
		pd_assert(munmap(p, len) == 0);
	}
	close(dmabuf);
	pd_gem_close(fd, handle);
	close(fd);
}

static const struct pd_subtest subtests[] = {
	{ "test_correct", test_correct, "DRM mapping's writes seen through the dma-buf mmap" },
	{ "test_correct_cpu_write", test_correct_cpu_write,
	  "dma-buf mmap's writes (SYNC bracketed) seen through the DRM mapping" },
	{ "test_map_unmap", test_map_unmap, "50 map/check/write/unmap rounds on one dma-buf" },
	{ "test_reprime", test_reprime, "a second export after the first fd closed maps the data" },
	{ "test_forked", test_forked, "a child with only the dma-buf fd reads and writes" },
	{ "test_dup", test_dup, "a dup'ed dma-buf fd maps the buffer" },
	{ "test_refcounting", test_refcounting, "mmap after the GEM handle is closed" },
	{ "mapping-outlives-fds", test_mapping_outlives_all,
	  "mapping valid after handle, DRM fd and dma-buf fd close; freed at munmap" },
	{ "test_errors", test_errors,
	  "beyond the size / private -> EINVAL, writable map of a read-only export -> EACCES" },
	{ "test_invalid_sync_flags", test_invalid_sync_flags,
	  "DMA_BUF_IOCTL_SYNC with unknown bits or no direction -> EINVAL" },
	{ "partial", test_partial, "a window at a page offset maps those pages" },
	{ "wc", test_wc, "a WC buffer through its dma-buf, both directions" },
	{ "reimport", test_reimport,
	  "imported by another file and exported from there: maps the same pages" },
	{ "import", test_import,
	  "a vgem buffer imported into primedisp: its export maps vgem's pages" },
	{ }
};

PD_MAIN(subtests, "Tests CPU mappings of primedisp buffers through their dma-buf.")
