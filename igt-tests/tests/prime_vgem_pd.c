// SPDX-License-Identifier: GPL-2.0
/*
 * prime_vgem_pd - PRIME between primedisp and vgem, the kernel's virtual GEM
 * driver standing in for a GPU: buffers shared both ways, a vgem buffer on
 * primedisp's screen, framebuffer size checks on imported buffers, implicit
 * synchronisation of page flips with vgem's fences (directly and through
 * sync_file export/import), the lifetime of an imported buffer whose
 * exporter module goes away, and bad import input.
 *
 * Error codes asserted here are the DRM core's (Linux 6.1 and 6.12 alike):
 *  - PRIME_FD_TO_HANDLE: EBADF for an fd that is not open (dma_buf_get()),
 *    EINVAL for an open file that is not a dma-buf;
 *  - GEM_CLOSE of a handle that is already closed: EINVAL
 *    (drm_gem_handle_delete()); primedisp's GEM_INFO on it: ENOENT;
 *  - ADDFB2: ERANGE when height * pitch + offset does not fit in 32 bits
 *    (framebuffer_check()), EINVAL for a pitch below width * cpp
 *    (framebuffer_check()) and for a buffer too small for the layout
 *    (drm_gem_fb_init_with_funcs()).
 * vgem cannot map imported buffers through its own fd on either kernel
 * (MAP_DUMB refuses imports with EINVAL); the tests then read vgem's view
 * through the dma-buf vgem hands out for its handle, and say so.
 */
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/dma-buf.h>
#include <linux/sync_file.h>

#include <drm_fourcc.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include <drm/primedisp_drm.h>

#include "pd_atomic.h"
#include "pd_bind.h"
#include "pd_crc.h"
#include "pdtest.h"
#include "pd_vgem.h"

/* ---- patterns ----------------------------------------------------------------- */

static uint32_t pattern_word(uint32_t seed, size_t i)
{
	return (uint32_t)(i * 2654435761u) ^ seed;
}

static void pattern_fill(void *ptr, uint64_t size, uint32_t seed)
{
	uint32_t *p = ptr;
	size_t i;

	for (i = 0; i < size / 4; i++)
		p[i] = pattern_word(seed, i);
}

/* Fails the subtest at the first word of @ptr that is not @seed's pattern. */
static void pattern_check(const void *ptr, uint64_t size, uint32_t seed, const char *what)
{
	const uint32_t *p = ptr;
	size_t i;

	for (i = 0; i < size / 4; i++)
		if (p[i] != pattern_word(seed, i))
			pd_fail("%s: word %zu (byte 0x%zx) of %" PRIu64
				" bytes is 0x%08x, expected 0x%08x",
				what, i, i * 4, size, p[i], pattern_word(seed, i));
}

/* ---- PRIME and GEM -------------------------------------------------------------- */

static int prime_export(int fd, uint32_t handle)
{
	int dmabuf = -1;

	pd_assert_f(drmPrimeHandleToFD(fd, handle, DRM_CLOEXEC | DRM_RDWR, &dmabuf) == 0,
		    "PRIME_HANDLE_TO_FD of handle %u failed", handle);
	pd_assert(dmabuf >= 0);
	return dmabuf;
}

static int __prime_import(int fd, int dmabuf, uint32_t *handle)
{
	struct drm_prime_handle args = { .fd = dmabuf };
	int ret = ioctl(fd, DRM_IOCTL_PRIME_FD_TO_HANDLE, &args);

	if (ret == 0)
		*handle = args.handle;
	return ret;
}

static uint32_t prime_import(int fd, int dmabuf)
{
	uint32_t handle = 0;

	pd_assert_f(__prime_import(fd, dmabuf, &handle) == 0,
		    "PRIME_FD_TO_HANDLE of dma-buf fd %d failed", dmabuf);
	pd_assert(handle != 0);
	return handle;
}

static int __gem_close(int fd, uint32_t handle)
{
	struct drm_gem_close args = { .handle = handle };

	return ioctl(fd, DRM_IOCTL_GEM_CLOSE, &args);
}

static void gem_close(int fd, uint32_t handle)
{
	pd_assert_f(__gem_close(fd, handle) == 0, "GEM_CLOSE of handle %u failed", handle);
}

static int __pd_gem_info(int fd, uint32_t handle, struct drm_primedisp_gem_info *info)
{
	memset(info, 0, sizeof(*info));
	info->handle = handle;
	return ioctl(fd, DRM_IOCTL_PRIMEDISP_GEM_INFO, info);
}

static ino_t inode_of(int fd)
{
	struct stat st;

	pd_assert(fstat(fd, &st) == 0);
	return st.st_ino;
}

/* A primedisp GEM_CREATE buffer of w x h XRGB8888; returns the handle. */
static uint32_t pd_gem_create(int fd, uint32_t w, uint32_t h, uint32_t *pitch, uint64_t *size)
{
	struct drm_primedisp_gem_create c = {
		.width = w, .height = h, .format = DRM_FORMAT_XRGB8888,
	};

	pd_assert_f(ioctl(fd, DRM_IOCTL_PRIMEDISP_GEM_CREATE, &c) == 0,
		    "PRIMEDISP_GEM_CREATE %ux%u XRGB8888 failed", w, h);
	*pitch = c.pitches[0];
	*size = c.size;
	return c.handle;
}

static void *pd_gem_map(int fd, uint32_t handle, uint64_t size)
{
	struct drm_primedisp_gem_mmap_offset m = { .handle = handle };
	void *ptr;

	pd_assert_f(ioctl(fd, DRM_IOCTL_PRIMEDISP_GEM_MMAP_OFFSET, &m) == 0,
		    "PRIMEDISP_GEM_MMAP_OFFSET of handle %u failed", handle);
	ptr = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, m.offset);
	pd_assert_f(ptr != MAP_FAILED, "mmap of primedisp handle %u failed", handle);
	return ptr;
}

/* ---- dma-buf CPU access and fences ------------------------------------------------- */

static void dmabuf_sync(int dmabuf, uint64_t flags)
{
	struct dma_buf_sync s = { .flags = flags };

	pd_assert_f(drmIoctl(dmabuf, DMA_BUF_IOCTL_SYNC, &s) == 0,
		    "DMA_BUF_IOCTL_SYNC 0x%llx failed", (unsigned long long)flags);
}

static void *dmabuf_map(int dmabuf, uint64_t size, int prot)
{
	void *ptr = mmap(NULL, size, prot, MAP_SHARED, dmabuf, 0);

	pd_assert_f(ptr != MAP_FAILED, "mmap of dma-buf fd %d (%" PRIu64 " bytes) failed",
		    dmabuf, size);
	return ptr;
}

/* Check @seed's pattern through a fresh mmap of @dmabuf, inside SYNC_START/END. */
static void dmabuf_check(int dmabuf, uint64_t size, uint32_t seed, const char *what)
{
	void *ptr = dmabuf_map(dmabuf, size, PROT_READ);

	dmabuf_sync(dmabuf, DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ);
	pattern_check(ptr, size, seed, what);
	dmabuf_sync(dmabuf, DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ);
	munmap(ptr, size);
}

/*
 * Is @fd (a dma-buf or sync_file) readable within @ms?  For a dma-buf,
 * POLLIN means that its write fences are signalled; for a sync_file, that
 * its fence is.
 */
static bool fd_signalled(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int ret;

	ret = poll(&p, 1, ms);
	pd_assert_f(ret >= 0, "poll of fd %d failed", fd);
	return ret == 1 && (p.revents & POLLIN);
}

/* ---- debugfs object count ----------------------------------------------------------- */

static long objects_count(int fd)
{
	char dir[256], path[320];
	long n = -1;
	FILE *f;

	pd_assert(pd_debugfs_dir(fd, dir, sizeof(dir)));
	snprintf(path, sizeof(path), "%s/primedisp_objects", dir);
	f = fopen(path, "re");
	pd_require(f, "cannot open %s (debugfs not mounted?)", path);
	pd_assert_f(fscanf(f, "%ld", &n) == 1, "cannot parse %s", path);
	fclose(f);
	return n;
}

/*
 * The object count must reach @want; releases behind deferred fput() or a
 * commit worker may take a moment, so allow a few seconds.
 */
static void assert_objects(int fd, long want, const char *when)
{
	double end = pd_now() + 5.0;
	long n;

	while ((n = objects_count(fd)) != want && pd_now() < end)
		pd_msleep(20);
	pd_assert_f(n == want, "%s: primedisp_objects is %ld, expected %ld", when, n, want);
}

/* ---- KMS ---------------------------------------------------------------------------- */

struct pipe {
	uint32_t conn, crtc;
	drmModeModeInfo mode;
};

/* A connected connector, its preferred mode (or first) and a CRTC for it. */
static void find_pipe(int fd, struct pipe *p)
{
	drmModeRes *res = drmModeGetResources(fd);

	memset(p, 0, sizeof(*p));
	pd_assert_f(res, "drmModeGetResources failed (not a KMS device?)");
	for (int i = 0; i < res->count_connectors && !p->crtc; i++) {
		drmModeConnector *c = drmModeGetConnector(fd, res->connectors[i]);
		uint32_t possible = 0;
		int m = -1;

		if (!c)
			continue;
		if (c->connection != DRM_MODE_CONNECTED || !c->count_modes) {
			drmModeFreeConnector(c);
			continue;
		}
		for (int k = 0; k < c->count_modes && m < 0; k++)
			if (c->modes[k].type & DRM_MODE_TYPE_PREFERRED)
				m = k;
		if (m < 0)
			m = 0;
		for (int e = 0; e < c->count_encoders; e++) {
			drmModeEncoder *enc = drmModeGetEncoder(fd, c->encoders[e]);

			if (enc)
				possible |= enc->possible_crtcs;
			drmModeFreeEncoder(enc);
		}
		for (int k = 0; k < res->count_crtcs; k++) {
			if (possible & (1u << k)) {
				p->conn = c->connector_id;
				p->crtc = res->crtcs[k];
				p->mode = c->modes[m];
				break;
			}
		}
		drmModeFreeConnector(c);
	}
	drmModeFreeResources(res);
	pd_assert_f(p->crtc, "no connected connector with a mode and a CRTC");
	pd_info("pipe: connector %u, CRTC %u, mode %s (%ux%u)", p->conn, p->crtc,
		p->mode.name, p->mode.hdisplay, p->mode.vdisplay);
}

/* ADDFB2 of one XRGB8888 LINEAR plane; returns 0 or -1 with errno. */
static int __add_fb(int fd, uint32_t handle, uint32_t w, uint32_t h, uint32_t pitch,
		    uint32_t offset, uint32_t *fb_id)
{
	struct drm_mode_fb_cmd2 f = {
		.width = w, .height = h, .pixel_format = DRM_FORMAT_XRGB8888,
		.flags = DRM_MODE_FB_MODIFIERS,
		.handles = { handle }, .pitches = { pitch }, .offsets = { offset },
		.modifier = { DRM_FORMAT_MOD_LINEAR },
	};
	int ret = ioctl(fd, DRM_IOCTL_MODE_ADDFB2, &f);

	if (ret == 0)
		*fb_id = f.fb_id;
	return ret;
}

static uint32_t add_fb(int fd, uint32_t handle, uint32_t w, uint32_t h, uint32_t pitch)
{
	uint32_t fb = 0;

	pd_assert_f(__add_fb(fd, handle, w, h, pitch, 0, &fb) == 0,
		    "ADDFB2 %ux%u XRGB8888 pitch %u of handle %u failed", w, h, pitch, handle);
	pd_assert(fb != 0);
	return fb;
}

static void rm_fb(int fd, uint32_t fb)
{
	pd_assert_f(drmModeRmFB(fd, fb) == 0, "RMFB %u failed", fb);
}

static void set_crtc(int fd, const struct pipe *p, uint32_t fb)
{
	uint32_t conn = p->conn;
	drmModeModeInfo mode = p->mode;
	int ret = drmModeSetCrtc(fd, p->crtc, fb, 0, 0, &conn, 1, &mode);

	pd_assert_f(ret == 0, "SETCRTC of CRTC %u with fb %u failed: %s", p->crtc, fb,
		    strerror(-ret));
}

static void disable_crtc(int fd, const struct pipe *p)
{
	int ret = drmModeSetCrtc(fd, p->crtc, 0, 0, 0, NULL, 0, NULL);

	pd_assert_f(ret == 0, "SETCRTC disabling CRTC %u failed: %s", p->crtc, strerror(-ret));
}

static uint32_t crtc_fb(int fd, uint32_t crtc_id)
{
	drmModeCrtc *crtc = drmModeGetCrtc(fd, crtc_id);
	uint32_t fb;

	pd_assert_f(crtc, "GETCRTC %u failed", crtc_id);
	fb = crtc->buffer_id;
	drmModeFreeCrtc(crtc);
	return fb;
}

/* Become DRM master (KMS ioctls below need it); the first opener usually is. */
static void require_master(int fd)
{
	if (!drmIsMaster(fd))
		drmSetMaster(fd);
	pd_require(drmIsMaster(fd), "cannot become DRM master of primedisp (another master?)");
}

struct flip_wait {
	bool done;
	unsigned int crtc;
	unsigned int sequence;
};

static void flip_handler(int fd, unsigned int sequence, unsigned int sec, unsigned int usec,
			 unsigned int crtc_id, void *data)
{
	struct flip_wait *w = data;

	(void)fd;
	(void)sec;
	(void)usec;
	w->done = true;
	w->crtc = crtc_id;
	w->sequence = sequence;
}

/* Read DRM events for up to @ms (or until the flip is seen); returns w->done. */
static bool wait_flip(int fd, struct flip_wait *w, int ms)
{
	drmEventContext ev = {
		.version = 3,
		.page_flip_handler2 = flip_handler,
	};
	double end = pd_now() + ms / 1000.0;

	while (!w->done) {
		int left = (int)((end - pd_now()) * 1000.0);
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int ret;

		if (left < 0)
			break;
		ret = poll(&p, 1, left);
		pd_assert_f(ret >= 0, "poll of the DRM fd failed");
		if (ret == 0)
			break;
		pd_assert_f(drmHandleEvent(fd, &ev) == 0, "drmHandleEvent failed");
	}
	errno = 0;	/* nothing failed: keep stale errnos out of assertion output */
	return w->done;
}

/* Nonblocking page flip with an event (retrying while a previous commit ends). */
static void page_flip(int fd, uint32_t crtc, uint32_t fb, struct flip_wait *w)
{
	struct drm_mode_crtc_page_flip f = {
		.crtc_id = crtc, .fb_id = fb, .flags = DRM_MODE_PAGE_FLIP_EVENT,
		.user_data = (uint64_t)(uintptr_t)w,
	};
	double end = pd_now() + 2.0;
	int ret;

	while ((ret = ioctl(fd, DRM_IOCTL_MODE_PAGE_FLIP, &f)) == -1 && errno == EBUSY &&
	       pd_now() < end)
		pd_msleep(10);
	pd_assert_f(ret == 0, "PAGE_FLIP of CRTC %u to fb %u failed", crtc, fb);
}

/* A primedisp dumb buffer as big as the mode, filled with @seed, as an fb. */
static uint32_t pd_fb(int fd, const struct pipe *p, uint32_t seed, uint32_t *handle)
{
	uint32_t pitch;
	uint64_t size;
	void *ptr;

	*handle = pd_dumb_create(fd, p->mode.hdisplay, p->mode.vdisplay, 32, &pitch, &size);
	ptr = pd_dumb_map(fd, *handle, size, PROT_READ | PROT_WRITE);
	pattern_fill(ptr, size, seed);
	munmap(ptr, size);
	return add_fb(fd, *handle, p->mode.hdisplay, p->mode.vdisplay, pitch);
}

/* A vgem buffer of w x h XRGB8888 filled with @seed through vgem's mmap. */
struct vgem_bo {
	uint32_t handle, pitch;
	uint64_t size;
};

static void vgem_bo_create(int vgem, uint32_t w, uint32_t h, uint32_t seed, struct vgem_bo *bo)
{
	void *ptr;

	bo->handle = pd_vgem_create(vgem, w, h, 32, &bo->pitch, &bo->size);
	ptr = pd_dumb_map(vgem, bo->handle, bo->size, PROT_READ | PROT_WRITE);
	pattern_fill(ptr, bo->size, seed);
	munmap(ptr, bo->size);
}

/* ---- subtests ------------------------------------------------------------------------- */

static void test_basic_import(void)
{
	int vgem = pd_vgem_open(), fd = pd_open_card(NULL);
	struct drm_primedisp_gem_info info;
	long objs0 = objects_count(fd);
	int dmabuf, redmabuf;
	struct vgem_bo bo;
	uint32_t handle, again;
	off_t end;

	vgem_bo_create(vgem, 256, 256, 0x1badf00d, &bo);
	dmabuf = prime_export(vgem, bo.handle);
	pd_info("vgem handle %u (%" PRIu64 " bytes) exported as dma-buf inode %lu",
		bo.handle, bo.size, (unsigned long)inode_of(dmabuf));

	handle = prime_import(fd, dmabuf);
	assert_objects(fd, objs0 + 1, "after the import");
	pd_assert_f(__pd_gem_info(fd, handle, &info) == 0, "GEM_INFO of imported handle %u",
		    handle);
	pd_info("primedisp handle %u: flags 0x%x size %llu", handle, info.flags,
		(unsigned long long)info.size);
	pd_assert_f(info.flags & PRIMEDISP_GEM_INFO_IMPORTED,
		    "GEM_INFO flags 0x%x lack PRIMEDISP_GEM_INFO_IMPORTED", info.flags);
	pd_assert_eq(info.size, bo.size);

	/* The same dma-buf imported again is the same object and handle. */
	again = prime_import(fd, dmabuf);
	pd_assert_eq(again, handle);
	assert_objects(fd, objs0 + 1, "after importing the same dma-buf again");

	/* Re-exporting the import hands back vgem's dma-buf itself. */
	redmabuf = prime_export(fd, handle);
	pd_assert_f(inode_of(redmabuf) == inode_of(dmabuf),
		    "primedisp re-exported a different dma-buf: inode %lu, vgem's is %lu",
		    (unsigned long)inode_of(redmabuf), (unsigned long)inode_of(dmabuf));
	end = lseek(redmabuf, 0, SEEK_END);
	pd_assert_eq(end, (off_t)bo.size);
	dmabuf_check(redmabuf, bo.size, 0x1badf00d,
		     "vgem's pattern read through primedisp's re-exported dma-buf");

	close(redmabuf);
	gem_close(fd, handle);
	assert_objects(fd, objs0, "after closing the imported handle");
	close(dmabuf);
	gem_close(vgem, bo.handle);
	close(vgem);
	close(fd);
}

/*
 * Read (and then write) a primedisp buffer from vgem's side.  vgem cannot
 * mmap an import through its own fd on 6.1/6.12, so its view is the dma-buf
 * vgem exports for the imported handle.
 */
static void export_to_vgem(int fd, int vgem, uint32_t handle, uint64_t size, void *pd_ptr,
			   const char *kind)
{
	uint32_t vh, seed_pd = 0xc0ffee00, seed_vgem = 0x5eed1e55;
	uint64_t offset;
	int dmabuf, vdmabuf;
	void *vptr;

	pattern_fill(pd_ptr, size, seed_pd);
	dmabuf = prime_export(fd, handle);
	vh = prime_import(vgem, dmabuf);
	pd_info("%s: primedisp handle %u -> dma-buf inode %lu -> vgem handle %u", kind,
		handle, (unsigned long)inode_of(dmabuf), vh);

	if (__pd_dumb_map_offset(vgem, vh, &offset) == 0) {
		vptr = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, vgem, offset);
		pd_assert_f(vptr != MAP_FAILED, "mmap of vgem's imported handle %u failed", vh);
		pd_info("%s: reading through vgem's own mmap of the import", kind);
		vdmabuf = -1;
	} else {
		pd_assert_f(errno == EINVAL, "vgem MAP_DUMB of an import failed with %d (%s)",
			    errno, strerror(errno));
		pd_info("%s: vgem refuses MAP_DUMB of an imported object (EINVAL) on this kernel; "
			"reading through the dma-buf vgem exports for its handle", kind);
		vdmabuf = prime_export(vgem, vh);
		pd_assert_f(inode_of(vdmabuf) == inode_of(dmabuf),
			    "vgem re-exported a different dma-buf: inode %lu, primedisp's is %lu",
			    (unsigned long)inode_of(vdmabuf), (unsigned long)inode_of(dmabuf));
		vptr = dmabuf_map(vdmabuf, size, PROT_READ | PROT_WRITE);
	}

	if (vdmabuf >= 0)
		dmabuf_sync(vdmabuf, DMA_BUF_SYNC_START | DMA_BUF_SYNC_RW);
	pattern_check(vptr, size, seed_pd, "primedisp's pattern as vgem sees it");
	pattern_fill(vptr, size, seed_vgem);
	if (vdmabuf >= 0)
		dmabuf_sync(vdmabuf, DMA_BUF_SYNC_END | DMA_BUF_SYNC_RW);
	munmap(vptr, size);

	pattern_check(pd_ptr, size, seed_vgem, "vgem's writes as primedisp's mapping sees them");

	if (vdmabuf >= 0)
		close(vdmabuf);
	gem_close(vgem, vh);
	close(dmabuf);
}

static void test_basic_export(void)
{
	int vgem = pd_vgem_open(), fd = pd_open_card(NULL);
	long objs0 = objects_count(fd);
	uint32_t handle, pitch;
	uint64_t size;
	void *ptr;

	/* A dumb buffer ... */
	handle = pd_dumb_create(fd, 256, 256, 32, &pitch, &size);
	ptr = pd_dumb_map(fd, handle, size, PROT_READ | PROT_WRITE);
	export_to_vgem(fd, vgem, handle, size, ptr, "dumb");
	munmap(ptr, size);
	pd_dumb_destroy(fd, handle);
	assert_objects(fd, objs0, "after destroying the dumb buffer");

	/* ... and one from primedisp's own GEM_CREATE. */
	handle = pd_gem_create(fd, 320, 200, &pitch, &size);
	ptr = pd_gem_map(fd, handle, size);
	export_to_vgem(fd, vgem, handle, size, ptr, "GEM_CREATE");
	munmap(ptr, size);
	gem_close(fd, handle);
	assert_objects(fd, objs0, "after closing the GEM_CREATE buffer");

	close(vgem);
	close(fd);
}

static void test_scanout_import(void)
{
	int vgem = pd_vgem_open(), fd = pd_open_card(NULL);
	const uint32_t seed = 0xfeedface;
	long objs0 = objects_count(fd);
	int dmabuf, fbbuf;
	uint32_t handle, fb, w, h;
	drmModeFB2 *info;
	struct vgem_bo bo;
	struct pipe p;

	require_master(fd);
	find_pipe(fd, &p);
	w = p.mode.hdisplay;
	h = p.mode.vdisplay;

	vgem_bo_create(vgem, w, h, seed, &bo);
	dmabuf = prime_export(vgem, bo.handle);
	handle = prime_import(fd, dmabuf);
	fb = add_fb(fd, handle, w, h, bo.pitch);
	set_crtc(fd, &p, fb);
	pd_info("vgem buffer (dma-buf inode %lu) imported as handle %u, fb %u, on CRTC %u",
		(unsigned long)inode_of(dmabuf), handle, fb, p.crtc);

	pd_assert_eq(crtc_fb(fd, p.crtc), fb);

	/* What is on screen, traced back to its memory. */
	info = drmModeGetFB2(fd, crtc_fb(fd, p.crtc));
	pd_assert_f(info, "GETFB2 of the CRTC's fb failed");
	pd_assert_eq(info->pixel_format, DRM_FORMAT_XRGB8888);
	pd_assert_eq(info->width, w);
	pd_assert_eq(info->height, h);
	pd_assert_eq(info->pitches[0], bo.pitch);
	pd_assert_f(info->handles[0] != 0, "GETFB2 gave no handle (not master/root?)");
	fbbuf = prime_export(fd, info->handles[0]);
	pd_info("GETFB2 handle %u exports dma-buf inode %lu", info->handles[0],
		(unsigned long)inode_of(fbbuf));
	pd_assert_f(inode_of(fbbuf) == inode_of(dmabuf),
		    "the scanned-out buffer is dma-buf inode %lu, vgem exported inode %lu",
		    (unsigned long)inode_of(fbbuf), (unsigned long)inode_of(dmabuf));
	dmabuf_check(fbbuf, bo.size, seed, "the scanned-out buffer's content");
	close(fbbuf);
	if (info->handles[0] != handle)
		gem_close(fd, info->handles[0]);
	drmModeFreeFB2(info);

	disable_crtc(fd, &p);
	rm_fb(fd, fb);
	gem_close(fd, handle);
	assert_objects(fd, objs0, "after taking the vgem buffer off screen and closing it");
	close(dmabuf);
	close(vgem);
	close(fd);
}

/* ADDFB2 of @what must fail with @err (and never succeed). */
static void addfb_fails(int fd, uint32_t handle, uint32_t w, uint32_t h, uint32_t pitch,
			uint32_t offset, int err, const char *what)
{
	uint32_t fb = 0;
	int ret;

	errno = 0;
	ret = __add_fb(fd, handle, w, h, pitch, offset, &fb);
	if (ret == 0) {
		drmModeRmFB(fd, fb);
		pd_fail("ADDFB2 %ux%u pitch %u offset %u (%s) succeeded (fb %u), expected %s",
			w, h, pitch, offset, what, fb, strerror(err));
	}
	pd_assert_f(errno == err,
		    "ADDFB2 %ux%u pitch %u offset %u (%s): errno %d (%s), expected %d (%s)",
		    w, h, pitch, offset, what, errno, strerror(errno), err, strerror(err));
	pd_info("ADDFB2 %ux%u pitch %u offset %u (%s): %s as expected", w, h, pitch, offset,
		what, strerror(err));
}

static void addfb_works(int fd, uint32_t handle, uint32_t w, uint32_t h, uint32_t pitch,
			uint32_t offset, const char *what)
{
	uint32_t fb = 0;

	pd_assert_f(__add_fb(fd, handle, w, h, pitch, offset, &fb) == 0,
		    "ADDFB2 %ux%u pitch %u offset %u (%s) failed", w, h, pitch, offset, what);
	rm_fb(fd, fb);
	pd_info("ADDFB2 %ux%u pitch %u offset %u (%s): accepted", w, h, pitch, offset, what);
}

static void test_fb_too_small(void)
{
	int vgem = pd_vgem_open(), fd = pd_open_card(NULL);
	long objs0 = objects_count(fd);
	struct vgem_bo bo, tiny;
	uint32_t handle, thandle, size;
	int dmabuf, tbuf;

	/* 64x64 XRGB8888: pitch 256, 16 KiB. */
	vgem_bo_create(vgem, 64, 64, 0x12345678, &bo);
	pd_assert_eq(bo.pitch, 256);
	pd_assert_eq(bo.size, 16384);
	size = bo.size;
	dmabuf = prime_export(vgem, bo.handle);
	handle = prime_import(fd, dmabuf);

	addfb_works(fd, handle, 64, 64, 256, 0, "exactly the buffer");
	addfb_works(fd, handle, 1, 1, 256, size - 4, "last pixel of the buffer");
	addfb_fails(fd, handle, 64, 65, 256, 0, EINVAL, "one line too many");
	addfb_fails(fd, handle, 128, 64, 512, 0, EINVAL, "twice as wide");
	addfb_fails(fd, handle, 64, 64, 260, 0, EINVAL, "pitch makes it too big");
	addfb_fails(fd, handle, 64, 64, 256, 4, EINVAL, "offset pushes the end out");
	addfb_fails(fd, handle, 1, 1, 256, size - 3, EINVAL, "last pixel straddles the end");
	addfb_fails(fd, handle, 1, 1, 256, size, EINVAL, "offset at the end");
	addfb_fails(fd, handle, 1, 1, 256, 0x10000000, EINVAL, "offset far past the end");
	addfb_fails(fd, handle, 64, 64, 252, 0, EINVAL, "pitch < width * 4");
	addfb_fails(fd, handle, 64, 64, 0, 0, EINVAL, "pitch 0");
	/*
	 * Values whose height * pitch + offset only "fits" when computed in
	 * 32 bits: the core refuses them with ERANGE before any size check.
	 */
	addfb_fails(fd, handle, 64, 5, 0x40000000, 0, ERANGE, "(h-1)*pitch wraps to 0");
	addfb_fails(fd, handle, 64, 2, 0x80000000, 0, ERANGE, "h*pitch = 2^32");
	addfb_fails(fd, handle, 64, 64, 256, 0xfffff000, ERANGE, "offset + size wraps");
	addfb_fails(fd, handle, 1, 1, 256, 0xffffffff, ERANGE, "offset 2^32-1");
	addfb_fails(fd, handle, 64, 64, 0xffffffff, 0, ERANGE, "pitch 2^32-1");

	/* A valid but tiny buffer: vgem's 1x1 dumb buffer is one page. */
	tiny.handle = pd_vgem_create(vgem, 1, 1, 32, &tiny.pitch, &tiny.size);
	pd_info("vgem 1x1x32 buffer: pitch %u size %" PRIu64, tiny.pitch, tiny.size);
	tbuf = prime_export(vgem, tiny.handle);
	thandle = prime_import(fd, tbuf);
	addfb_works(fd, thandle, 1, 1, 4, 0, "1x1 in the tiny buffer");
	pd_assert_f(tiny.size >= 4096, "1x1 buffer of %" PRIu64 " bytes", tiny.size);
	/* 32x(size/128) fills it exactly, one more line does not fit. */
	addfb_works(fd, thandle, 32, tiny.size / 128, 128, 0, "tiny buffer exactly");
	addfb_fails(fd, thandle, 32, tiny.size / 128 + 1, 128, 0, EINVAL, "tiny buffer + 1 line");
	addfb_fails(fd, thandle, 1024, 768, 4096, 0, EINVAL, "1024x768 in the tiny buffer");

	gem_close(fd, thandle);
	gem_close(fd, handle);
	assert_objects(fd, objs0, "after the ADDFB2 attempts (no framebuffer keeps a reference)");
	close(tbuf);
	close(dmabuf);
	close(vgem);
	close(fd);
}

/*
 * Flip to @fb, whose buffer carries the unsignalled write fence @fence (of
 * vgem fd @vgem) visible through @fence_fd (a dma-buf): the flip must be
 * queued at once but not happen until the fence is signalled.
 */
static void flip_waits_for_fence(int fd, const struct pipe *p, uint32_t old_fb, uint32_t fb,
				 int vgem, uint32_t fence, int fence_fd)
{
	struct flip_wait w = { 0 };
	double t0, t_ret, t_sig;

	pd_assert_f(!fd_signalled(fence_fd, 0), "the fence is signalled before the flip");
	t0 = pd_now();
	page_flip(fd, p->crtc, fb, &w);
	t_ret = pd_now();
	/*
	 * Only VGEM_FENCE_SIGNAL below (or vgem's own 10 s limit) can signal
	 * the fence: if it is still pending now, the ioctl did not wait for it.
	 */
	pd_assert_f(!fd_signalled(fence_fd, 0),
		    "the fence got signalled while PAGE_FLIP ran (%.3f s): the ioctl blocked",
		    t_ret - t0);
	pd_info("PAGE_FLIP returned after %.3f s with the fence still pending", t_ret - t0);

	pd_assert_f(!wait_flip(fd, &w, 500),
		    "flip event (sequence %u) arrived while the fence was unsignalled", w.sequence);
	pd_assert_f(!fd_signalled(fence_fd, 0), "the fence got signalled on its own");
	/*
	 * GETCRTC cannot tell here: an atomic driver's CRTC reports the
	 * committed state, which already names @fb while the commit waits
	 * for the fence.  The flip event is what says the frame changed.
	 */
	pd_info("no flip event within 500 ms while the fence is pending (fb %u -> %u queued)",
		old_fb, fb);

	t_sig = pd_now();
	pd_vgem_fence_signal(vgem, fence);
	pd_assert_f(wait_flip(fd, &w, 5000), "no flip event within 5 s of signalling the fence");
	pd_info("flip event (CRTC %u, sequence %u) %.3f s after the signal", w.crtc, w.sequence,
		pd_now() - t_sig);
	pd_assert_eq(w.crtc, p->crtc);
	pd_assert_eq(crtc_fb(fd, p->crtc), fb);
}

static void test_fence_wait(void)
{
	int vgem = pd_vgem_open(), fd = pd_open_card(NULL);
	long objs0 = objects_count(fd);
	uint32_t handle, pdh, fb0, fb, fence;
	struct vgem_bo bo;
	struct pipe p;
	int dmabuf;

	require_master(fd);
	find_pipe(fd, &p);
	fb0 = pd_fb(fd, &p, 0x00aa00aa, &pdh);
	set_crtc(fd, &p, fb0);

	vgem_bo_create(vgem, p.mode.hdisplay, p.mode.vdisplay, 0x0055ff00, &bo);
	dmabuf = prime_export(vgem, bo.handle);
	handle = prime_import(fd, dmabuf);
	fb = add_fb(fd, handle, p.mode.hdisplay, p.mode.vdisplay, bo.pitch);

	fence = pd_vgem_fence_attach(vgem, bo.handle, true);
	pd_info("vgem write fence %u attached to vgem handle %u (fb %u)", fence, bo.handle, fb);
	flip_waits_for_fence(fd, &p, fb0, fb, vgem, fence, dmabuf);
	pd_assert_f(fd_signalled(dmabuf, 0), "the dma-buf still has an unsignalled write fence");

	disable_crtc(fd, &p);
	rm_fb(fd, fb);
	rm_fb(fd, fb0);
	gem_close(fd, handle);
	pd_dumb_destroy(fd, pdh);
	assert_objects(fd, objs0, "at the end");
	close(dmabuf);
	close(vgem);
	close(fd);
}

/* EXPORT_SYNC_FILE of @dmabuf's write fences, skipping if the kernel lacks it. */
static int export_sync_file(int dmabuf)
{
	struct dma_buf_export_sync_file arg = { .flags = DMA_BUF_SYNC_READ, .fd = -1 };

	if (ioctl(dmabuf, DMA_BUF_IOCTL_EXPORT_SYNC_FILE, &arg) == -1) {
		pd_require(errno != ENOTTY, "this kernel has no DMA_BUF_IOCTL_EXPORT_SYNC_FILE");
		pd_fail("DMA_BUF_IOCTL_EXPORT_SYNC_FILE failed");
	}
	pd_assert(arg.fd >= 0);
	return arg.fd;
}

/* The status (0 active, 1 signalled) and driver of a one-fence sync_file. */
static int sync_file_status(int sync, char *driver, size_t len)
{
	struct sync_fence_info fi[4];
	struct sync_file_info info = {
		.num_fences = 4, .sync_fence_info = (uint64_t)(uintptr_t)fi,
	};

	memset(fi, 0, sizeof(fi));
	pd_assert_f(ioctl(sync, SYNC_IOC_FILE_INFO, &info) == 0, "SYNC_IOC_FILE_INFO failed");
	pd_assert_f(info.num_fences == 1, "sync_file holds %u fences, expected 1",
		    info.num_fences);
	snprintf(driver, len, "%.*s", (int)sizeof(fi[0].driver_name), fi[0].driver_name);
	return info.status;
}

static void test_fence_sync_file(void)
{
	int vgem = pd_vgem_open(), fd = pd_open_card(NULL);
	long objs0 = objects_count(fd);
	uint32_t pdh0, pdh, fb0, fb, fence;
	struct dma_buf_import_sync_file imp;
	int dmabuf, pdbuf, sync;
	struct vgem_bo bo;
	struct pipe p;
	char driver[40];

	vgem_bo_create(vgem, 64, 64, 0x01020304, &bo);
	dmabuf = prime_export(vgem, bo.handle);

	/* 1. A vgem write fence as a sync_file: pending, then signalled. */
	fence = pd_vgem_fence_attach(vgem, bo.handle, true);
	sync = export_sync_file(dmabuf);
	pd_assert_f(!fd_signalled(sync, 0), "sync_file of a pending vgem fence polls signalled");
	pd_assert_eq(sync_file_status(sync, driver, sizeof(driver)), 0);
	pd_assert_streq(driver, "vgem");
	pd_vgem_fence_signal(vgem, fence);
	pd_assert_f(fd_signalled(sync, 5000),
		    "sync_file not signalled 5 s after VGEM_FENCE_SIGNAL");
	pd_assert_eq(sync_file_status(sync, driver, sizeof(driver)), 1);
	close(sync);
	pd_info("vgem fence exported as a sync_file: pending, then signalled");

	/* 2. A pending vgem fence imported into a primedisp buffer gates its flip. */
	require_master(fd);
	find_pipe(fd, &p);
	fb0 = pd_fb(fd, &p, 0x11111111, &pdh0);
	set_crtc(fd, &p, fb0);
	fb = pd_fb(fd, &p, 0x22222222, &pdh);
	pdbuf = prime_export(fd, pdh);

	fence = pd_vgem_fence_attach(vgem, bo.handle, true);
	sync = export_sync_file(dmabuf);
	imp.flags = DMA_BUF_SYNC_WRITE;
	imp.fd = sync;
	if (ioctl(pdbuf, DMA_BUF_IOCTL_IMPORT_SYNC_FILE, &imp) == -1) {
		int err = errno;

		pd_vgem_fence_signal(vgem, fence);
		errno = err;
		pd_require(err != ENOTTY, "this kernel has no DMA_BUF_IOCTL_IMPORT_SYNC_FILE");
		pd_fail("DMA_BUF_IOCTL_IMPORT_SYNC_FILE into primedisp's dma-buf failed");
	}
	close(sync);
	pd_info("vgem fence %u imported as a write fence into primedisp's dma-buf (inode %lu)",
		fence, (unsigned long)inode_of(pdbuf));
	flip_waits_for_fence(fd, &p, fb0, fb, vgem, fence, pdbuf);
	pd_assert_f(fd_signalled(pdbuf, 0), "primedisp's dma-buf still has a pending write fence");

	disable_crtc(fd, &p);
	rm_fb(fd, fb);
	rm_fb(fd, fb0);
	close(pdbuf);
	pd_dumb_destroy(fd, pdh);
	pd_dumb_destroy(fd, pdh0);
	assert_objects(fd, objs0, "at the end");
	close(dmabuf);
	close(vgem);
	close(fd);
}

static int delete_module(const char *name)
{
	return syscall(SYS_delete_module, name, O_NONBLOCK);
}

static long vgem_refcnt(void)
{
	FILE *f = fopen("/sys/module/vgem/refcnt", "re");
	long n = -1;

	if (f) {
		if (fscanf(f, "%ld", &n) != 1)
			n = -1;
		fclose(f);
	}
	return n;
}

static void test_vgem_unload_while_scanout(void)
{
	int vgem = pd_vgem_open(), fd = pd_open_card(NULL);
	const uint32_t seed = 0xdeadbeef;
	long objs0 = objects_count(fd);
	uint32_t handle, fb;
	struct vgem_bo bo;
	struct pipe p;
	int dmabuf, again, ret, err;
	double end;
	ino_t ino;

	pd_require(pd_vgem_is_module(), "vgem is built into the kernel: it cannot be unloaded");
	require_master(fd);
	find_pipe(fd, &p);

	vgem_bo_create(vgem, p.mode.hdisplay, p.mode.vdisplay, seed, &bo);
	dmabuf = prime_export(vgem, bo.handle);
	ino = inode_of(dmabuf);
	handle = prime_import(fd, dmabuf);
	fb = add_fb(fd, handle, p.mode.hdisplay, p.mode.vdisplay, bo.pitch);
	set_crtc(fd, &p, fb);
	pd_info("vgem buffer (dma-buf inode %lu) on screen as fb %u; vgem refcnt %ld",
		(unsigned long)ino, fb, vgem_refcnt());

	/* Only primedisp's import keeps the vgem buffer now. */
	close(dmabuf);
	close(vgem);
	pd_info("vgem fd and dma-buf fd closed; vgem refcnt %ld", vgem_refcnt());

	errno = 0;
	ret = delete_module("vgem");
	err = errno;
	if (ret == 0) {
		pd_info("rmmod vgem SUCCEEDED while its buffer is on screen");
		pd_assert_f(!pd_kmod_loaded("vgem"), "delete_module returned 0 but vgem is listed");
	} else {
		pd_info("rmmod vgem while its buffer is on screen: %s (the dma-buf pins vgem)",
			strerror(err));
		/*
		 * A module in use: delete_module() with O_NONBLOCK (what
		 * rmmod(8) passes) says EWOULDBLOCK; EBUSY is for a module
		 * still loading or going away.  Either means "refused".
		 */
		pd_assert_f(err == EWOULDBLOCK || err == EBUSY,
			    "delete_module(vgem) failed with %d (%s), expected EWOULDBLOCK/EBUSY",
			    err, strerror(err));
		pd_assert_f(pd_kmod_loaded("vgem"), "vgem vanished although rmmod failed");
	}

	/* Still on screen, still vgem's memory, still readable. */
	pd_assert_eq(crtc_fb(fd, p.crtc), fb);
	again = prime_export(fd, handle);
	pd_assert_f(inode_of(again) == ino,
		    "primedisp re-exported dma-buf inode %lu, vgem's was %lu",
		    (unsigned long)inode_of(again), (unsigned long)ino);
	dmabuf_check(again, bo.size, seed, "the on-screen vgem buffer after rmmod vgem");
	close(again);

	/* Off screen and released: now vgem can go. */
	disable_crtc(fd, &p);
	rm_fb(fd, fb);
	gem_close(fd, handle);
	assert_objects(fd, objs0, "after taking the buffer off screen and closing it");

	if (ret != 0) {
		end = pd_now() + 5.0;
		while ((ret = delete_module("vgem")) == -1 &&
		       (errno == EWOULDBLOCK || errno == EBUSY) && pd_now() < end)
			pd_msleep(50);
		pd_assert_f(ret == 0,
			    "rmmod vgem still fails after the buffer was released (refcnt %ld)",
			    vgem_refcnt());
		pd_assert_f(!pd_kmod_loaded("vgem"), "delete_module returned 0 but vgem is listed");
		pd_info("rmmod vgem succeeded once the buffer was released");
	}
	pd_assert_eq(objects_count(fd), objs0);
	close(fd);

	/* Leave vgem loaded as it was. */
	if (pd_run_cmd(NULL, "modprobe vgem") != 0)
		pd_info("note: modprobe vgem after the test failed");
}

static void test_import_bad_input(void)
{
	int vgem = pd_vgem_open(), fd = pd_open_card(NULL);
	long objs0 = objects_count(fd);
	struct drm_primedisp_gem_info info;
	uint32_t handle = 0, h2;
	struct vgem_bo bo;
	int dmabuf, other, closed, memfd;

	/* Not dma-bufs. */
	other = open("/dev/null", O_RDWR | O_CLOEXEC);
	pd_assert(other >= 0);
	pd_assert_errno(__prime_import(fd, other, &handle), EINVAL);
	close(other);
	pd_assert_errno(__prime_import(fd, fd, &handle), EINVAL);
	pd_assert_errno(__prime_import(fd, vgem, &handle), EINVAL);
	memfd = memfd_create("prime_vgem", MFD_CLOEXEC);
	pd_assert(memfd >= 0);
	pd_assert(ftruncate(memfd, 4096) == 0);
	pd_assert_errno(__prime_import(fd, memfd, &handle), EINVAL);
	close(memfd);

	/* Not open fds. */
	pd_assert_errno(__prime_import(fd, -1, &handle), EBADF);
	closed = open("/dev/null", O_RDONLY | O_CLOEXEC);
	pd_assert(closed >= 0);
	close(closed);
	pd_assert_errno(__prime_import(fd, closed, &handle), EBADF);
	pd_assert_errno(__prime_import(fd, 1 << 20, &handle), EBADF);
	assert_objects(fd, objs0, "after the failed imports");

	/* A real import, its handle closed twice. */
	vgem_bo_create(vgem, 64, 64, 0x0badcafe, &bo);
	dmabuf = prime_export(vgem, bo.handle);
	handle = prime_import(fd, dmabuf);
	assert_objects(fd, objs0 + 1, "after the import");
	gem_close(fd, handle);
	assert_objects(fd, objs0, "after closing the imported handle");
	pd_assert_errno(__gem_close(fd, handle), EINVAL);
	pd_assert_errno(__pd_gem_info(fd, handle, &info), ENOENT);
	pd_assert_errno(__gem_close(fd, 0), EINVAL);

	/* The dma-buf is still good: a new import works and shows vgem's data. */
	h2 = prime_import(fd, dmabuf);
	pd_assert_f(__pd_gem_info(fd, h2, &info) == 0 &&
		    (info.flags & PRIMEDISP_GEM_INFO_IMPORTED),
		    "re-import after the double close is not an import (flags 0x%x)", info.flags);
	other = prime_export(fd, h2);
	dmabuf_check(other, bo.size, 0x0badcafe, "re-imported vgem buffer");
	close(other);
	gem_close(fd, h2);
	pd_assert_errno(__gem_close(fd, h2), EINVAL);
	assert_objects(fd, objs0, "at the end");

	close(dmabuf);
	close(vgem);
	close(fd);
}

/*
 * vgem imports a primedisp buffer (holding an attachment), primedisp's side
 * closes everything and the device is unbound: vgem's view of the pages
 * stays valid, and vgem detaching after the unbind is clean.
 */
static void test_unbind_vgem_attached(void)
{
	int vgem = pd_vgem_open(), fd, dmabuf, vdmabuf;
	const uint32_t seed = 0xabad1dea;
	uint32_t handle, pitch, vh;
	uint64_t size;
	long objs0;
	void *ptr;

	pd_ensure_bound();
	fd = pd_open_card(NULL);
	objs0 = objects_count(fd);
	handle = pd_dumb_create(fd, 256, 256, 32, &pitch, &size);
	ptr = pd_dumb_map(fd, handle, size, PROT_READ | PROT_WRITE);
	pattern_fill(ptr, size, seed);
	dmabuf = prime_export(fd, handle);
	vh = prime_import(vgem, dmabuf);
	vdmabuf = prime_export(vgem, vh);
	pd_assert_eq(inode_of(vdmabuf), inode_of(dmabuf));
	close(dmabuf);
	munmap(ptr, size);
	pd_dumb_destroy(fd, handle);
	close(fd);

	pd_unbind();
	ptr = dmabuf_map(vdmabuf, size, PROT_READ);
	dmabuf_sync(vdmabuf, DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ);
	pattern_check(ptr, size, seed, "the pages through vgem's dma-buf after primedisp's unbind");
	dmabuf_sync(vdmabuf, DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ);
	munmap(ptr, size);
	gem_close(vgem, vh);
	close(vdmabuf);
	close(vgem);

	fd = pd_rebind();
	assert_objects(fd, objs0, "after vgem let go of the buffer across unbind and bind");
	close(fd);
}

/*
 * A multi-planar (NV12) frame in one vgem buffer, imported and scanned out
 * on an overlay from two planes of the same dma-buf: the CRC equals the
 * frame rendered from vgem's bytes; a chroma plane placed past the end of
 * the buffer is refused.
 */
static void test_scanout_import_nv12(void)
{
	const uint32_t w = 320, h = 240;
	struct pd_display d;
	struct pd_test_fb bg, nv = { 0 };
	struct pd_plane_cfg cfgs[2];
	uint32_t vh, vpitch, handles[4], pitches[4], offsets[4] = { 0 }, fb, crc;
	uint64_t vsize, off;
	int vgem = pd_vgem_open(), dmabuf;
	uint8_t *map;

	pd_display_open(&d);
	pd_require(d.noverlays, "no overlay plane");
	pd_display_use_mode(&d, 640, 480);
	pd_assert_eq(pd_test_fb_create(d.fd, DRM_FORMAT_XRGB8888, 640, 480, 17, &bg), 0);

	/* Y (w x h) then interleaved CbCr (w x h/2), one byte per sample. */
	vh = pd_vgem_create(vgem, w, h + h / 2, 8, &vpitch, &vsize);
	pd_assert(__pd_dumb_map_offset(vgem, vh, &off) == 0);
	map = mmap(NULL, vsize, PROT_READ | PROT_WRITE, MAP_SHARED, vgem, off);
	pd_assert(map != MAP_FAILED);
	pd_ref_random_fill(map, vsize, 99);
	dmabuf = prime_export(vgem, vh);
	nv.handle = prime_import(d.fd, dmabuf);

	handles[0] = handles[1] = nv.handle;
	pitches[0] = pitches[1] = vpitch;
	offsets[1] = vpitch * h + vpitch * (h / 2);	/* chroma past the end */
	pd_assert_f(drmModeAddFB2(d.fd, w, h, DRM_FORMAT_NV12, handles, pitches, offsets,
				  &fb, 0) != 0, "ADDFB2 accepted a chroma plane beyond the buffer");
	offsets[1] = vpitch * h;
	pd_assert_eq(drmModeAddFB2(d.fd, w, h, DRM_FORMAT_NV12, handles, pitches, offsets,
				   &nv.id, 0), 0);
	nv.ref = (struct pd_ref_fb){
		.format = DRM_FORMAT_NV12, .width = w, .height = h,
		.data = { map, map + offsets[1] }, .pitch = { vpitch, vpitch },
	};

	cfgs[0] = pd_plane_cfg(&bg, 0, 0);
	cfgs[1] = pd_plane_cfg(&nv, 100, 50);
	pd_assert_eq(pd_apply(&d, cfgs, 2, true, 0), 0);
	pd_require(pd_crtc_crc(d.fd, d.out.crtc_index, &crc), "no CRC interface (debugfs)");
	pd_assert_eq(crc, pd_expected_crc(&d, cfgs, 2));

	pd_assert_eq(pd_apply(&d, cfgs, 1, false, 0), 0);
	drmModeRmFB(d.fd, nv.id);
	gem_close(d.fd, nv.handle);
	munmap(map, vsize);
	close(dmabuf);
	gem_close(vgem, vh);
	close(vgem);
	pd_test_fb_destroy(&bg);
	pd_display_close(&d);
}

static const struct pd_subtest subtests[] = {
	{ "scanout-import-nv12", test_scanout_import_nv12,
	  "NV12 from one vgem dma-buf, two planes, on screen; chroma past the end refused" },
	{ "unbind-while-vgem-attached", test_unbind_vgem_attached,
	  "vgem holds the attachment across primedisp's unbind; clean detach" },
	{ "basic-import", test_basic_import,
	  "vgem buffer imported: IMPORTED flag, same dma-buf re-exported, vgem's pixels" },
	{ "basic-export", test_basic_export,
	  "primedisp buffers (dumb, GEM_CREATE) read and written by vgem" },
	{ "scanout-import", test_scanout_import,
	  "a vgem buffer on screen; GETFB2 leads back to vgem's dma-buf and pixels" },
	{ "fb-too-small", test_fb_too_small,
	  "ADDFB2 of imported buffers too small / overflowing layouts fails" },
	{ "fence-wait", test_fence_wait,
	  "a nonblocking flip waits for vgem's write fence on the new fb" },
	{ "fence-sync-file", test_fence_sync_file,
	  "vgem fences through EXPORT/IMPORT_SYNC_FILE; an imported fence gates a flip" },
	{ "vgem-unload-while-scanout", test_vgem_unload_while_scanout,
	  "vgem stays pinned while its buffer is on screen and unloads after" },
	{ "import-bad-input", test_import_bad_input,
	  "bad fds to PRIME import and double GEM_CLOSE give the core's errno, no leaks" },
	{ }
};

PD_MAIN(subtests, "PRIME between primedisp and vgem (a GPU-like peer).")
