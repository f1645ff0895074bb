// SPDX-License-Identifier: GPL-2.0
/*
 * prime_udmabuf - primedisp scans out dma-bufs made from plain memory:
 * udmabuf (a dma-buf around the pages of a sealed memfd) and the system
 * dma-buf heap (/dev/dma_heap/system).
 *
 * Both need kernel options Debian's 6.1 lacks (CONFIG_UDMABUF,
 * CONFIG_DMABUF_HEAPS_SYSTEM): there the subtests skip.  6.12 has both
 * built in.
 */
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/dma-buf.h>
#include <linux/dma-heap.h>
#include <linux/udmabuf.h>

#include <drm_fourcc.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include <drm/primedisp_drm.h>

#include "pd_crc.h"
#include "pd_kms.h"
#include "pd_prime.h"
#include "pdtest.h"

#define UDMABUF_DEV	"/dev/udmabuf"
#define SYSTEM_HEAP	"/dev/dma_heap/system"

/* The framebuffer: a mode every primedisp output offers, XRGB8888, packed. */
#define FB_W		640
#define FB_H		480
#define FB_PITCH	(FB_W * 4)
#define FB_SIZE		((size_t)FB_PITCH * FB_H)

/* ---- primedisp ------------------------------------------------------------------- */

struct kms {
	int fd;
	uint32_t conn, crtc;
	int crtc_idx;
	drmModeModeInfo mode;
};

/* Open primedisp's card node as master and pick a pipe with a FB_W x FB_H mode. */
static void kms_open(struct kms *k)
{
	struct pd_kms_output out;

	memset(k, 0, sizeof(*k));
	k->fd = pd_open_card(NULL);
	if (!drmIsMaster(k->fd))
		pd_require(drmSetMaster(k->fd) == 0, "cannot become DRM master of primedisp");

	pd_assert_f(pd_kms_find_output_mode(k->fd, FB_W, FB_H, &out),
		    "no connected primedisp connector with a CRTC offers %ux%u", FB_W, FB_H);
	k->conn = out.conn;
	k->crtc = out.crtc;
	k->crtc_idx = out.crtc_index;
	k->mode = out.mode;
}

static uint32_t crtc_fb(struct kms *k)
{
	drmModeCrtc *crtc = drmModeGetCrtc(k->fd, k->crtc);
	uint32_t fb;

	pd_assert_f(crtc, "drmModeGetCrtc(%u) failed", k->crtc);
	fb = crtc->buffer_id;
	drmModeFreeCrtc(crtc);
	return fb;
}

/* Set @fb on the CRTC (legacy SETCRTC) and check that GETCRTC shows it. */
static void kms_show(struct kms *k, uint32_t fb)
{
	pd_assert_f(drmModeSetCrtc(k->fd, k->crtc, fb, 0, 0, &k->conn, 1, &k->mode) == 0,
		    "SETCRTC of fb %u with mode %s failed", fb, k->mode.name);
	pd_assert_eq(crtc_fb(k), fb);
	pd_info("fb %u is on CRTC %u (%s)", fb, k->crtc, k->mode.name);
}

static int __addfb(struct kms *k, uint32_t handle, uint32_t offset, uint32_t *fb)
{
	uint32_t handles[4] = { handle }, pitches[4] = { FB_PITCH }, offsets[4] = { offset };

	int ret = drmModeAddFB2(k->fd, FB_W, FB_H, DRM_FORMAT_XRGB8888, handles, pitches,
				offsets, fb, 0);

	/* libdrm returns -errno: make it ioctl-like. */
	if (ret) {
		errno = -ret;
		return -1;
	}
	return 0;
}

static uint32_t addfb(struct kms *k, uint32_t handle)
{
	uint32_t fb = 0;

	pd_assert_f(__addfb(k, handle, 0, &fb) == 0,
		    "ADDFB2 %ux%u XR24 pitch %u of handle %u failed", FB_W, FB_H, FB_PITCH,
		    handle);
	pd_assert(fb);
	return fb;
}

static uint32_t import_dmabuf(int fd, int dmabuf)
{
	uint32_t handle = 0;

	pd_assert_f(drmPrimeFDToHandle(fd, dmabuf, &handle) == 0,
		    "PRIME_FD_TO_HANDLE of dma-buf fd %d failed", dmabuf);
	pd_assert(handle);
	return handle;
}

static int export_handle(int fd, uint32_t handle)
{
	int dmabuf = -1;

	pd_assert_f(drmPrimeHandleToFD(fd, handle, DRM_CLOEXEC | DRM_RDWR, &dmabuf) == 0,
		    "PRIME_HANDLE_TO_FD of handle %u failed", handle);
	return dmabuf;
}

/* GEM_INFO: the imported object's flags must say so; returns its size. */
static uint64_t imported_size(int fd, uint32_t handle)
{
	struct drm_primedisp_gem_info info = { .handle = handle };

	pd_assert_f(drmIoctl(fd, DRM_IOCTL_PRIMEDISP_GEM_INFO, &info) == 0,
		    "PRIMEDISP_GEM_INFO of handle %u failed", handle);
	pd_assert_f(info.flags & PRIMEDISP_GEM_INFO_IMPORTED,
		    "GEM_INFO flags 0x%x of an imported buffer lack IMPORTED", info.flags);
	return info.size;
}

/* ---- pixels ------------------------------------------------------------------------ */

/* A pattern in which every pixel of the frame differs from its neighbours. */
static uint32_t pattern(uint32_t x, uint32_t y, uint32_t seed)
{
	return ((x * 0x9e37u) ^ (y * 0x7f4a7c15u) ^ (seed * 0x01000193u)) & 0x00ffffffu;
}

static void fill(uint8_t *p, uint32_t seed)
{
	for (uint32_t y = 0; y < FB_H; y++)
		for (uint32_t x = 0; x < FB_W; x++)
			((uint32_t *)(p + (size_t)y * FB_PITCH))[x] = pattern(x, y, seed);
}

static void check(const uint8_t *p, uint32_t seed, const char *what)
{
	for (uint32_t y = 0; y < FB_H; y++) {
		for (uint32_t x = 0; x < FB_W; x++) {
			uint32_t got = ((const uint32_t *)(p + (size_t)y * FB_PITCH))[x];

			pd_assert_f(got == pattern(x, y, seed),
				    "%s: pixel (%u,%u) is 0x%08x, expected 0x%08x", what, x, y,
				    got, pattern(x, y, seed));
		}
	}
}

/*
 * What primedisp holds for @handle: re-exporting it must give back the very
 * dma-buf it imported (@dmabuf), whose pixels must be those of @seed.
 */
static void check_through_primedisp(struct kms *k, uint32_t handle, int dmabuf, uint32_t seed,
				    const char *what)
{
	int reexp = export_handle(k->fd, handle);
	uint8_t *view;

	pd_assert_f(pd_fd_ino(reexp) == pd_fd_ino(dmabuf),
		    "re-export of the imported handle is not the imported dma-buf");
	view = mmap(NULL, FB_SIZE, PROT_READ, MAP_SHARED, reexp, 0);
	pd_assert_f(view != MAP_FAILED, "mmap of primedisp's re-exported dma-buf failed");
	pd_dmabuf_sync(reexp, DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ);
	check(view, seed, what);
	pd_dmabuf_sync(reexp, DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ);
	munmap(view, FB_SIZE);
	close(reexp);
}


/* Assert that the CRTC shows the frame at @p (if primedisp has CRCs). */
static void assert_shows(struct kms *k, const uint8_t *p, const char *what)
{
	uint32_t want = pd_frame_crc(p, FB_W, FB_H, FB_PITCH, DRM_FORMAT_XRGB8888), got;

	if (!pd_crtc_crc(k->fd, k->crtc_idx, &got)) {
		pd_info("%s: primedisp has no CRC interface here, not checked", what);
		return;
	}
	pd_assert_f(got == want, "%s: the CRTC's CRC is 0x%08x, the pixels give 0x%08x",
		    what, got, want);
	pd_info("%s: CRTC CRC 0x%08x matches the pixels", what, got);
}

/* ---- the exporters ------------------------------------------------------------------- */

static int open_udmabuf(void)
{
	int fd = open(UDMABUF_DEV, O_RDWR | O_CLOEXEC);

	if (fd < 0 && errno == ENOENT) {
		/* Maybe a module here. */
		pd_run_cmd(NULL, "modprobe udmabuf");
		fd = open(UDMABUF_DEV, O_RDWR | O_CLOEXEC);
	}
	pd_require(fd >= 0 || errno != ENOENT,
		   "udmabuf not available in this kernel (CONFIG_UDMABUF): no %s", UDMABUF_DEV);
	pd_assert_f(fd >= 0, "cannot open %s", UDMABUF_DEV);
	return fd;
}

static void require_heap(void)
{
	pd_require(access(SYSTEM_HEAP, F_OK) == 0,
		   "dma-buf heaps not available in this kernel (CONFIG_DMABUF_HEAPS_SYSTEM): "
		   "no %s", SYSTEM_HEAP);
}

/* A dma-buf of @size bytes from the system heap (O_RDWR). */
static int heap_alloc(size_t size)
{
	struct dma_heap_allocation_data data = {
		.len = size,
		.fd_flags = O_RDWR | O_CLOEXEC,
	};
	int heap = open(SYSTEM_HEAP, O_RDONLY | O_CLOEXEC);

	pd_assert_f(heap >= 0, "cannot open %s", SYSTEM_HEAP);
	pd_assert_f(ioctl(heap, DMA_HEAP_IOCTL_ALLOC, &data) == 0,
		    "DMA_HEAP_IOCTL_ALLOC of %zu bytes from the system heap failed", size);
	close(heap);
	return data.fd;
}

/* ---- subtests -------------------------------------------------------------------------- */

static void test_import_udmabuf(void)
{
	struct udmabuf_create create = { .flags = UDMABUF_FLAGS_CLOEXEC, .size = FB_SIZE };
	uint32_t handle, fb;
	uint8_t *mem;
	int dev, memfd, dmabuf;
	struct kms k;
	struct pd_leaks leaks0;

	dev = open_udmabuf();
	kms_open(&k);
	leaks0 = pd_leaks_now();

	/* Plain memory: a memfd that may not shrink, as udmabuf requires. */
	mem = pd_udmabuf_memfd("primedisp-udmabuf", FB_SIZE, &memfd);
	fill(mem, 1);

	create.memfd = memfd;
	dmabuf = ioctl(dev, UDMABUF_CREATE, &create);
	pd_assert_f(dmabuf >= 0, "UDMABUF_CREATE of a %zu-byte memfd failed", FB_SIZE);

	handle = import_dmabuf(k.fd, dmabuf);
	pd_assert_eq(imported_size(k.fd, handle), FB_SIZE);
	fb = addfb(&k, handle);
	kms_show(&k, fb);
	check_through_primedisp(&k, handle, dmabuf, 1, "udmabuf seen through primedisp");
	assert_shows(&k, mem, "udmabuf on screen");

	/* The memfd's pages are what is on screen: no copy was made. */
	fill(mem, 2);
	check_through_primedisp(&k, handle, dmabuf, 2,
				"memfd rewritten while on screen, seen through primedisp");
	assert_shows(&k, mem, "memfd rewritten while on screen");
	pd_assert_eq(crtc_fb(&k), fb);

	pd_assert(drmModeRmFB(k.fd, fb) == 0);
	pd_assert(drmCloseBufferHandle(k.fd, handle) == 0);
	close(dmabuf);
	munmap(mem, FB_SIZE);
	close(memfd);
	close(dev);
	pd_leaks_expect(leaks0, "after everything was closed");
	close(k.fd);
}

static void test_import_dma_heap(void)
{
	uint32_t handle, fb;
	uint8_t *mem;
	struct kms k;
	int dmabuf;
	struct pd_leaks leaks0;

	require_heap();
	kms_open(&k);
	leaks0 = pd_leaks_now();
	dmabuf = heap_alloc(FB_SIZE);

	mem = mmap(NULL, FB_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, dmabuf, 0);
	pd_assert_f(mem != MAP_FAILED, "mmap of the heap's dma-buf failed");
	pd_dmabuf_sync(dmabuf, DMA_BUF_SYNC_START | DMA_BUF_SYNC_WRITE);
	fill(mem, 3);
	pd_dmabuf_sync(dmabuf, DMA_BUF_SYNC_END | DMA_BUF_SYNC_WRITE);

	handle = import_dmabuf(k.fd, dmabuf);
	pd_assert_eq(imported_size(k.fd, handle), FB_SIZE);
	fb = addfb(&k, handle);
	kms_show(&k, fb);
	check_through_primedisp(&k, handle, dmabuf, 3, "heap buffer seen through primedisp");
	pd_dmabuf_sync(dmabuf, DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ);
	assert_shows(&k, mem, "heap buffer on screen");
	pd_dmabuf_sync(dmabuf, DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ);

	/* Written again through the heap's own mapping while on screen. */
	pd_dmabuf_sync(dmabuf, DMA_BUF_SYNC_START | DMA_BUF_SYNC_WRITE);
	fill(mem, 4);
	pd_dmabuf_sync(dmabuf, DMA_BUF_SYNC_END | DMA_BUF_SYNC_WRITE);
	check_through_primedisp(&k, handle, dmabuf, 4,
				"heap buffer rewritten while on screen, seen through primedisp");
	pd_dmabuf_sync(dmabuf, DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ);
	assert_shows(&k, mem, "heap buffer rewritten while on screen");
	pd_dmabuf_sync(dmabuf, DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ);
	pd_assert_eq(crtc_fb(&k), fb);

	pd_assert(drmModeRmFB(k.fd, fb) == 0);
	pd_assert(drmCloseBufferHandle(k.fd, handle) == 0);
	munmap(mem, FB_SIZE);
	close(dmabuf);
	pd_leaks_expect(leaks0, "after everything was closed");
	close(k.fd);
}

static void test_heap_too_small(void)
{
	const size_t page = sysconf(_SC_PAGESIZE);
	uint32_t small, exact, fb = 0;
	int small_buf, exact_buf;
	struct kms k;
	struct pd_leaks leaks0;

	require_heap();
	kms_open(&k);
	leaks0 = pd_leaks_now();
	small_buf = heap_alloc(FB_SIZE - page);

	/* Importing works; the framebuffer does not fit. */
	small = import_dmabuf(k.fd, small_buf);
	pd_assert_eq(imported_size(k.fd, small), FB_SIZE - page);
	pd_assert_errno(__addfb(&k, small, 0, &fb), EINVAL);

	/* The same framebuffer on a heap buffer of the right size is fine... */
	exact_buf = heap_alloc(FB_SIZE);
	exact = import_dmabuf(k.fd, exact_buf);
	fb = addfb(&k, exact);
	kms_show(&k, fb);
	pd_assert(drmModeRmFB(k.fd, fb) == 0);
	fb = 0;
	/* ...unless an offset pushes its end past the buffer's. */
	pd_assert_errno(__addfb(&k, exact, page, &fb), EINVAL);

	pd_assert(drmCloseBufferHandle(k.fd, small) == 0);
	pd_assert(drmCloseBufferHandle(k.fd, exact) == 0);
	close(small_buf);
	close(exact_buf);
	pd_leaks_expect(leaks0, "after everything was closed");
	close(k.fd);
}

static const struct pd_subtest subtests[] = {
	{ "import-udmabuf", test_import_udmabuf,
	  "a udmabuf of a sealed memfd imported, scanned out; memfd pixels shown" },
	{ "import-dma-heap", test_import_dma_heap,
	  "a system-heap dma-buf imported, scanned out; heap pixels shown" },
	{ "heap-too-small", test_heap_too_small,
	  "ADDFB2 of a heap buffer smaller than the framebuffer fails with EINVAL" },
	{ }
};

PD_MAIN(subtests, "primedisp and dma-bufs of plain memory: udmabuf and the system heap.")
