// SPDX-License-Identifier: GPL-2.0
/*
 * prime_camera - PRIME between a V4L2 camera (the vivid test driver) and
 * primedisp, in both directions:
 *
 *  import-*: vivid captures into its own buffers (V4L2_MEMORY_MMAP),
 *	exports one (VIDIOC_EXPBUF), primedisp imports it and scans it out;
 *  export-*: primedisp allocates, exports, and vivid captures into those
 *	buffers (V4L2_MEMORY_DMABUF), which primedisp then scans out.
 *
 * "-vmalloc" and "-dma-contig" select vivid's videobuf2 allocator (its
 * allocators= module parameter); vivid is reloaded for each subtest.
 *
 * Pixel formats.  For the 32-bit RGB family V4L2 names a format after the
 * order of its bytes in memory (V4L2_PIX_FMT_XBGR32: B, G, R, X), DRM after
 * a little-endian 32-bit word (DRM_FORMAT_XRGB8888: [31:0] X:R:G:B, so the
 * bytes B, G, R, X): the same memory layout, and since Linux 5.2 the same
 * fourcc code too ('XR24').  fmt_map[] pairs them; the test uses the first
 * one vivid offers that primedisp's primary plane lists.  The deprecated
 * V4L2_PIX_FMT_BGR32/RGB32 (alpha meaning undefined) map to the X formats.
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

#include <drm_fourcc.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include <drm/primedisp_drm.h>

#include "pd_crc.h"
#include "pd_kms.h"
#include "pd_atomic.h"
#include "pd_prime.h"
#include "pdtest.h"
#include "pd_v4l2.h"

/*
 * The camera frame size: one of vivid's webcam sizes that is also one of
 * primedisp's modes (its primary plane must cover the whole CRTC).
 */
#define CAM_W		640
#define CAM_H		480
/*
 * vivid's default rate.  Faster is not better here: 6.1's vivid prints a
 * "schedule_timeout: wrong timeout value" stack trace whenever its capture
 * thread falls a whole frame behind, which a slow (emulated) machine does
 * easily at 15 or 30 frames per second.
 */
#define CAM_FPS		5
#define CAM_BUFS	4
#define FRAME_TIMEOUT_MS 5000

struct fmt_map {
	uint32_t v4l2;
	uint32_t drm;
};

static const struct fmt_map rgb32_map[] = {
	{ V4L2_PIX_FMT_XBGR32, DRM_FORMAT_XRGB8888 },	/* B G R X */
	{ V4L2_PIX_FMT_ABGR32, DRM_FORMAT_ARGB8888 },	/* B G R A */
	{ V4L2_PIX_FMT_RGBX32, DRM_FORMAT_XBGR8888 },	/* R G B X */
	{ V4L2_PIX_FMT_RGBA32, DRM_FORMAT_ABGR8888 },	/* R G B A */
	{ V4L2_PIX_FMT_BGRX32, DRM_FORMAT_RGBX8888 },	/* X B G R */
	{ V4L2_PIX_FMT_BGRA32, DRM_FORMAT_RGBA8888 },	/* A B G R */
	{ V4L2_PIX_FMT_XRGB32, DRM_FORMAT_BGRX8888 },	/* X R G B */
	{ V4L2_PIX_FMT_ARGB32, DRM_FORMAT_BGRA8888 },	/* A R G B */
	{ V4L2_PIX_FMT_BGR32, DRM_FORMAT_XRGB8888 },	/* B G R X, deprecated */
	{ V4L2_PIX_FMT_RGB32, DRM_FORMAT_BGRX8888 },	/* X R G B, deprecated */
};

/* YUV formats vivid offers and their DRM twins (same memory layout). */
static const struct fmt_map yuv_map[] = {
	{ V4L2_PIX_FMT_YUYV, DRM_FORMAT_YUYV },	/* Y0 Cb Y1 Cr */
	{ V4L2_PIX_FMT_UYVY, DRM_FORMAT_UYVY },	/* Cb Y0 Cr Y1 */
	{ V4L2_PIX_FMT_NV12, DRM_FORMAT_NV12 },	/* Y plane, then CbCr 2x2 */
};

/* ---- kernel log ---------------------------------------------------------------- */

static int klog_fd = -1;

/* Remember where the kernel log is (reports after this point fail). */
static void klog_start(void)
{
	klog_fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (klog_fd >= 0)
		lseek(klog_fd, 0, SEEK_END);
}

/* Fail if the kernel logged a WARN/BUG/Oops since klog_start(). */
static void klog_check(const char *when)
{
	static const char *const bad[] = {
		"WARNING:", "BUG:", "kernel BUG at", "Oops", "general protection fault",
		"Call Trace:", "refcount_t:", "list_del corruption", "list_add corruption",
	};
	char rec[8192];
	ssize_t n;

	if (klog_fd < 0)
		return;
	for (;;) {
		n = read(klog_fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)
			continue;	/* overwritten records: go on */
		if (n <= 0)
			break;
		rec[n] = '\0';
		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			char *msg = strchr(rec, ';');

			if (msg && strstr(msg, bad[i]))
				pd_fail("kernel report %s: %s", when, msg + 1);
		}
	}
}

/* ---- primedisp ------------------------------------------------------------------- */

struct kms {
	int fd;
	uint32_t conn, crtc, primary;
	int crtc_idx;
	drmModeModeInfo mode;
};

/* Open primedisp's card node as master and pick a pipe with a @w x @h mode. */
static void kms_open(struct kms *k, uint32_t w, uint32_t h)
{
	struct pd_kms_output out;
	drmModePlaneRes *planes;

	memset(k, 0, sizeof(*k));
	k->fd = pd_open_card(NULL);
	if (!drmIsMaster(k->fd))
		pd_require(drmSetMaster(k->fd) == 0, "cannot become DRM master of primedisp");
	pd_assert(drmSetClientCap(k->fd, DRM_CLIENT_CAP_UNIVERSAL_PLANES, 1) == 0);

	pd_assert_f(pd_kms_find_output_mode(k->fd, w, h, &out),
		    "no connected primedisp connector with a CRTC offers a %ux%u mode", w, h);
	k->conn = out.conn;
	k->crtc = out.crtc;
	k->crtc_idx = out.crtc_index;
	k->mode = out.mode;

	planes = drmModeGetPlaneResources(k->fd);
	pd_assert_f(planes, "drmModeGetPlaneResources failed");
	for (uint32_t i = 0; i < planes->count_planes && !k->primary; i++) {
		drmModePlane *p = drmModeGetPlane(k->fd, planes->planes[i]);

		if (p && (p->possible_crtcs & (1u << k->crtc_idx)) &&
		    pd_plane_is_primary(k->fd, p->plane_id))
			k->primary = p->plane_id;
		drmModeFreePlane(p);
	}
	drmModeFreePlaneResources(planes);
	pd_assert_f(k->primary, "no primary plane for CRTC %u", k->crtc);
}

/* Does plane @plane_id list @format (drmModeGetPlane's format list)? */
static bool plane_has_format(int fd, uint32_t plane_id, uint32_t format)
{
	drmModePlane *p = drmModeGetPlane(fd, plane_id);
	bool has = false;

	pd_assert_f(p, "drmModeGetPlane(%u) failed", plane_id);
	for (uint32_t i = 0; i < p->count_formats; i++)
		has |= p->formats[i] == format;
	drmModeFreePlane(p);
	return has;
}

/*
 * A plane usable on our CRTC that lists @format: the primary one if it
 * does, else any other; 0 if none.
 */
static uint32_t plane_for_format(struct kms *k, uint32_t format)
{
	drmModePlaneRes *planes;
	uint32_t found = 0;

	if (plane_has_format(k->fd, k->primary, format))
		return k->primary;
	planes = drmModeGetPlaneResources(k->fd);
	pd_assert_f(planes, "drmModeGetPlaneResources failed");
	for (uint32_t i = 0; i < planes->count_planes && !found; i++) {
		drmModePlane *p = drmModeGetPlane(k->fd, planes->planes[i]);

		if (p && (p->possible_crtcs & (1u << k->crtc_idx)) &&
		    plane_has_format(k->fd, p->plane_id, format))
			found = p->plane_id;
		drmModeFreePlane(p);
	}
	drmModeFreePlaneResources(planes);
	return found;
}

/* GETCRTC: the framebuffer on the CRTC (0 if none). */
static uint32_t crtc_fb(struct kms *k)
{
	drmModeCrtc *crtc = drmModeGetCrtc(k->fd, k->crtc);
	uint32_t fb;

	pd_assert_f(crtc, "drmModeGetCrtc(%u) failed", k->crtc);
	fb = crtc->buffer_id;
	drmModeFreeCrtc(crtc);
	return fb;
}

/* Set @fb on the CRTC with our mode (legacy SETCRTC) and check GETCRTC. */
static void kms_show(struct kms *k, uint32_t fb)
{
	drmModeCrtc *crtc;

	pd_assert_f(drmModeSetCrtc(k->fd, k->crtc, fb, 0, 0, &k->conn, 1, &k->mode) == 0,
		    "SETCRTC of fb %u with mode %s on CRTC %u failed", fb, k->mode.name,
		    k->crtc);
	crtc = drmModeGetCrtc(k->fd, k->crtc);
	pd_assert_f(crtc, "drmModeGetCrtc(%u) failed", k->crtc);
	pd_assert_f(crtc->buffer_id == fb && crtc->mode_valid &&
		    crtc->mode.hdisplay == k->mode.hdisplay &&
		    crtc->mode.vdisplay == k->mode.vdisplay,
		    "GETCRTC after SETCRTC of fb %u (%ux%u): fb %u, mode %s%ux%u", fb,
		    k->mode.hdisplay, k->mode.vdisplay, crtc->buffer_id,
		    crtc->mode_valid ? "" : "(invalid) ", crtc->mode.hdisplay,
		    crtc->mode.vdisplay);
	drmModeFreeCrtc(crtc);
	pd_info("fb %u is on CRTC %u (%s)", fb, k->crtc, k->mode.name);
}

static int __addfb(struct kms *k, uint32_t w, uint32_t h, uint32_t format,
		   uint32_t handle, uint32_t pitch, uint32_t uv_offset, uint32_t *fb)
{
	uint32_t handles[4] = { handle }, pitches[4] = { pitch }, offsets[4] = { 0 };

	if (format == DRM_FORMAT_NV12) {
		handles[1] = handle;
		pitches[1] = pitch;
		offsets[1] = uv_offset;
	}
	int ret = drmModeAddFB2(k->fd, w, h, format, handles, pitches, offsets, fb, 0);

	/* libdrm returns -errno: make it ioctl-like. */
	if (ret) {
		errno = -ret;
		return -1;
	}
	return 0;
}

static uint32_t addfb(struct kms *k, uint32_t w, uint32_t h, uint32_t format,
		      uint32_t handle, uint32_t pitch)
{
	uint32_t fb = 0;

	pd_assert_f(__addfb(k, w, h, format, handle, pitch, 0, &fb) == 0,
		    "ADDFB2 %ux%u %s pitch %u of handle %u failed", w, h,
		    pd_v4l2_fourcc_str(format), pitch, handle);
	pd_assert(fb != 0);
	return fb;
}

static void rmfb(struct kms *k, uint32_t fb)
{
	pd_assert_f(drmModeRmFB(k->fd, fb) == 0, "RMFB %u failed", fb);
}

static uint32_t import_dmabuf(int fd, int dmabuf)
{
	uint32_t handle = 0;

	pd_assert_f(drmPrimeFDToHandle(fd, dmabuf, &handle) == 0,
		    "PRIME_FD_TO_HANDLE of dma-buf fd %d failed", dmabuf);
	pd_assert(handle != 0);
	return handle;
}

static int export_handle(int fd, uint32_t handle)
{
	int dmabuf = -1;

	pd_assert_f(drmPrimeHandleToFD(fd, handle, DRM_CLOEXEC | DRM_RDWR, &dmabuf) == 0,
		    "PRIME_HANDLE_TO_FD of handle %u failed", handle);
	pd_assert(dmabuf >= 0);
	return dmabuf;
}

static void gem_close(int fd, uint32_t handle)
{
	pd_assert_f(drmCloseBufferHandle(fd, handle) == 0, "GEM_CLOSE %u failed", handle);
}

static uint32_t gem_info(int fd, uint32_t handle, uint64_t *size)
{
	struct drm_primedisp_gem_info info = { .handle = handle };

	pd_assert_f(drmIoctl(fd, DRM_IOCTL_PRIMEDISP_GEM_INFO, &info) == 0,
		    "PRIMEDISP_GEM_INFO of handle %u failed", handle);
	if (size)
		*size = info.size;
	return info.flags;
}

static void *gem_mmap(int fd, uint32_t handle, size_t size)
{
	struct drm_primedisp_gem_mmap_offset arg = { .handle = handle };
	void *ptr;

	pd_assert_f(drmIoctl(fd, DRM_IOCTL_PRIMEDISP_GEM_MMAP_OFFSET, &arg) == 0,
		    "PRIMEDISP_GEM_MMAP_OFFSET of handle %u failed", handle);
	ptr = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, arg.offset);
	pd_assert_f(ptr != MAP_FAILED, "mmap of handle %u failed", handle);
	return ptr;
}

static off_t dmabuf_size(int dmabuf)
{
	off_t size = lseek(dmabuf, 0, SEEK_END);

	pd_assert_f(size > 0, "lseek(SEEK_END) of dma-buf fd %d failed", dmabuf);
	lseek(dmabuf, 0, SEEK_SET);
	return size;
}

static void *dmabuf_mmap(int dmabuf, size_t size)
{
	void *ptr = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, dmabuf, 0);

	pd_assert_f(ptr != MAP_FAILED, "mmap of dma-buf fd %d (%zu bytes) failed", dmabuf, size);
	return ptr;
}

/* Assert that the CRTC shows the CAM_W x CAM_H frame at @p (if it has CRCs). */
static void assert_shows(struct kms *k, const uint8_t *p, uint32_t pitch, uint32_t format,
			 const char *what)
{
	uint32_t want = pd_frame_crc(p, CAM_W, CAM_H, pitch, format), got;

	if (!pd_crtc_crc(k->fd, k->crtc_idx, &got)) {
		pd_info("%s: primedisp has no CRC interface here, not checked", what);
		return;
	}
	pd_assert_f(got == want, "%s: the CRTC's CRC is 0x%08x, the frame's pixels give 0x%08x",
		    what, got, want);
	pd_info("%s: CRTC CRC 0x%08x matches the pixels", what, got);
}

/* ---- frames ------------------------------------------------------------------------ */

/* Distinct RGB values (X/A byte ignored) among the pixels, counted up to 16. */
static int distinct_rgb(const uint8_t *p, uint32_t w, uint32_t h, uint32_t pitch,
			uint32_t drm_format)
{
	uint32_t seen[16], mask = 0x00ffffff;
	int n = 0;

	/* Where the padding/alpha byte sits in the little-endian word. */
	if (drm_format == DRM_FORMAT_RGBX8888 || drm_format == DRM_FORMAT_RGBA8888 ||
	    drm_format == DRM_FORMAT_BGRX8888 || drm_format == DRM_FORMAT_BGRA8888)
		mask = 0xffffff00;
	for (uint32_t y = 0; y < h; y++) {
		const uint32_t *row = (const uint32_t *)(p + (size_t)y * pitch);

		for (uint32_t x = 0; x < w; x++) {
			uint32_t v = row[x] & mask;
			int i;

			for (i = 0; i < n && seen[i] != v; i++)
				;
			if (i == n) {
				seen[n++] = v;
				if (n == 16)
					return n;
			}
		}
	}
	return n;
}

/* Distinct byte values in @len bytes at @p (counted up to 16). */
static int distinct_bytes(const uint8_t *p, size_t len)
{
	bool seen[256] = { false };
	int n = 0;

	for (size_t i = 0; i < len && n < 16; i++) {
		if (!seen[p[i]]) {
			seen[p[i]] = true;
			n++;
		}
	}
	return n;
}

/* Byte offset of the first of @len bytes that still equals @fill, or -1. */
static long find_fill_word(const uint8_t *p, size_t len, uint8_t fill)
{
	uint32_t word;

	memset(&word, fill, sizeof(word));
	for (size_t i = 0; i + 4 <= len; i += 4)
		if (*(const uint32_t *)(p + i) == word)
			return i;
	return -1;
}

/* ---- the camera --------------------------------------------------------------------- */

struct cam {
	int fd;
	struct v4l2_pix_format pix;
	uint32_t drm_format;
	uint32_t nbufs;
	uint8_t *map[CAM_BUFS];
	size_t len[CAM_BUFS];
};

/* Load vivid with @allocator and open it. */
static void cam_open(struct cam *c, int allocator)
{
	memset(c, 0, sizeof(*c));
	pd_vivid_load(allocator);
	c->fd = pd_vivid_open(NULL, 0);
	pd_v4l2_set_fps(c->fd, CAM_FPS);
}

/* The first 32-bit RGB format vivid offers and primedisp's plane lists. */
static void cam_pick_rgb32(struct cam *c, struct kms *k)
{
	char offered[256] = "";
	size_t n = 0;

	for (size_t i = 0; i < sizeof(rgb32_map) / sizeof(rgb32_map[0]); i++) {
		const struct fmt_map *m = &rgb32_map[i];

		if (!pd_v4l2_has_format(c->fd, m->v4l2))
			continue;
		n += snprintf(offered + n, sizeof(offered) - n, "%s%s", n ? " " : "",
			      pd_v4l2_fourcc_str(m->v4l2));
		if (!plane_has_format(k->fd, k->primary, m->drm))
			continue;
		pd_v4l2_set_format(c->fd, CAM_W, CAM_H, m->v4l2, &c->pix);
		c->drm_format = m->drm;
		pd_info("V4L2 %s = DRM %s", pd_v4l2_fourcc_str(m->v4l2),
			pd_v4l2_fourcc_str(m->drm));
		return;
	}
	pd_fail("no 32-bit RGB format both vivid (offers: %s) and primedisp's primary plane "
		"support", offered[0] ? offered : "none");
}

/*
 * REQBUFS MMAP and map every buffer; vivid's dma-contig allocator needs
 * contiguous memory, so an ENOMEM there means this machine cannot run it.
 */
static void cam_alloc_mmap(struct cam *c, int allocator)
{
	int n = __pd_v4l2_reqbufs(c->fd, V4L2_MEMORY_MMAP, CAM_BUFS);

	if (n < 0 && errno == ENOMEM && allocator == PD_VIVID_DMA_CONTIG)
		pd_skip("vivid's dma-contig allocator cannot allocate %u contiguous buffers of "
			"%u bytes here (ENOMEM)", CAM_BUFS, c->pix.sizeimage);
	pd_assert_f(n > 0, "VIDIOC_REQBUFS %u MMAP buffers failed", CAM_BUFS);
	pd_assert_f(n <= CAM_BUFS, "VIDIOC_REQBUFS %u gave %d buffers", CAM_BUFS, n);
	c->nbufs = n;
	for (uint32_t i = 0; i < c->nbufs; i++) {
		c->map[i] = pd_v4l2_mmap(c->fd, i, &c->len[i], PROT_READ | PROT_WRITE);
		pd_assert_f(c->len[i] >= c->pix.sizeimage, "buffer %u: %zu bytes < sizeimage %u",
			    i, c->len[i], c->pix.sizeimage);
	}
}

/*
 * Stream MMAP buffers until @frames frames were captured; the last one is
 * kept (not queued again) and its index returned.
 */
static uint32_t cam_capture_mmap(struct cam *c, int frames)
{
	struct v4l2_buffer buf;

	for (uint32_t i = 0; i < c->nbufs; i++)
		pd_v4l2_qbuf(c->fd, V4L2_MEMORY_MMAP, i, -1, 0);
	pd_v4l2_streamon(c->fd);
	for (int f = 0; ; f++) {
		pd_v4l2_dqbuf(c->fd, V4L2_MEMORY_MMAP, &buf, FRAME_TIMEOUT_MS);
		pd_assert_eq(buf.bytesused, c->pix.sizeimage);
		if (f == frames - 1)
			break;
		pd_v4l2_qbuf(c->fd, V4L2_MEMORY_MMAP, buf.index, -1, 0);
	}
	pd_info("captured %d frames; holding buffer %u (sequence %u)", frames, buf.index,
		buf.sequence);
	return buf.index;
}

static void cam_unmap(struct cam *c)
{
	for (uint32_t i = 0; i < c->nbufs; i++) {
		if (c->map[i])
			munmap(c->map[i], c->len[i]);
		c->map[i] = NULL;
	}
}

/* Close the camera and remove vivid, which must now be possible. */
static void cam_close_unload(struct cam *c)
{
	double end = pd_now() + 3.0;
	char *out = NULL;
	int rc;

	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	while ((rc = pd_vivid_unload(&out)) != 0 && pd_now() < end) {
		free(out);
		pd_msleep(100);
	}
	pd_assert_f(rc == 0, "rmmod vivid after closing everything exited with %d: %s", rc,
		    out ? out : "");
	free(out);
}

/* ---- camera -> display -------------------------------------------------------------- */

static void camera_to_display(int allocator)
{
	struct cam c;
	struct kms k;
	uint32_t held, handle, fb, flags, pitch;
	int dmabuf, reexp;
	uint64_t gem_size;
	uint8_t *view, *snap;
	size_t frame_len, view_len;
	struct pd_leaks leaks0;
	int colours;

	klog_start();
	kms_open(&k, CAM_W, CAM_H);
	leaks0 = pd_leaks_now();
	cam_open(&c, allocator);
	cam_pick_rgb32(&c, &k);
	pitch = c.pix.bytesperline;
	frame_len = (size_t)pitch * CAM_H;
	cam_alloc_mmap(&c, allocator);
	held = cam_capture_mmap(&c, 3);

	/* The camera's frame, as vivid drew it. */
	colours = distinct_rgb(c.map[held], CAM_W, CAM_H, pitch, c.drm_format);
	pd_assert_f(colours >= 4, "the captured frame has %d distinct colours: no test pattern",
		    colours);

	/* camera -> primedisp */
	dmabuf = pd_v4l2_expbuf(c.fd, held);
	handle = import_dmabuf(k.fd, dmabuf);
	flags = gem_info(k.fd, handle, &gem_size);
	pd_assert_f(flags & PRIMEDISP_GEM_INFO_IMPORTED,
		    "GEM_INFO of the imported buffer: flags 0x%x lack IMPORTED", flags);
	pd_assert_f(gem_size >= c.pix.sizeimage, "imported object is %llu bytes < %u",
		    (unsigned long long)gem_size, c.pix.sizeimage);
	fb = addfb(&k, CAM_W, CAM_H, c.drm_format, handle, pitch);
	kms_show(&k, fb);
	assert_shows(&k, c.map[held], pitch, c.drm_format, "camera frame on screen");

	/*
	 * What primedisp holds: re-exporting the imported handle gives back
	 * the camera's own dma-buf; its pixels are the camera's.
	 */
	reexp = export_handle(k.fd, handle);
	pd_assert_f(pd_fd_ino(reexp) == pd_fd_ino(dmabuf),
		    "re-export of the imported handle is not the camera's dma-buf");
	view_len = dmabuf_size(reexp);
	pd_assert_f(view_len >= c.pix.sizeimage, "dma-buf is %zu bytes < sizeimage %u",
		    view_len, c.pix.sizeimage);
	view = dmabuf_mmap(reexp, view_len);
	pd_dmabuf_sync(reexp, DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ);
	for (uint32_t y = 0; y < CAM_H; y++)
		pd_assert_f(!memcmp(view + (size_t)y * pitch, c.map[held] + (size_t)y * pitch,
				    CAM_W * 4),
			    "line %u differs between the camera's mmap and primedisp's dma-buf", y);
	pd_dmabuf_sync(reexp, DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ);

	/* One memory, not a copy: a write through primedisp's side shows in the camera's. */
	pd_dmabuf_sync(reexp, DMA_BUF_SYNC_START | DMA_BUF_SYNC_RW);
	for (uint32_t x = 0; x < CAM_W; x++)
		((uint32_t *)view)[x] = 0x00010203u * x;
	pd_dmabuf_sync(reexp, DMA_BUF_SYNC_END | DMA_BUF_SYNC_RW);
	for (uint32_t x = 0; x < CAM_W; x++)
		pd_assert_f(((uint32_t *)c.map[held])[x] == 0x00010203u * x,
			    "pixel %u written through primedisp's dma-buf reads 0x%08x in the "
			    "camera's mmap", x, ((uint32_t *)c.map[held])[x]);
	assert_shows(&k, c.map[held], pitch, c.drm_format, "frame rewritten while on screen");

	/* The camera goes on with its other buffers; ours stays on screen, untouched. */
	snap = malloc(frame_len);
	pd_assert(snap);
	memcpy(snap, c.map[held], frame_len);
	for (int f = 0; f < 3 && c.nbufs > 1; f++) {
		struct v4l2_buffer buf;

		pd_v4l2_dqbuf(c.fd, V4L2_MEMORY_MMAP, &buf, FRAME_TIMEOUT_MS);
		pd_assert_f(buf.index != held, "the held buffer %u came back from the camera",
			    held);
		pd_v4l2_qbuf(c.fd, V4L2_MEMORY_MMAP, buf.index, -1, 0);
	}
	pd_assert_eq(crtc_fb(&k), fb);
	pd_assert_f(!memcmp(view, snap, frame_len),
		    "the scanned-out frame changed while the camera streamed into other buffers");
	assert_shows(&k, snap, pitch, c.drm_format, "frame on screen while the camera streams");
	free(snap);

	/* Tear down: primedisp lets go, then the camera frees its buffers. */
	munmap(view, view_len);
	close(reexp);
	rmfb(&k, fb);
	pd_assert_f(crtc_fb(&k) != fb, "fb %u still on the CRTC after RMFB", fb);
	gem_close(k.fd, handle);
	close(dmabuf);
	pd_v4l2_streamoff(c.fd);
	cam_unmap(&c);
	pd_assert_f(__pd_v4l2_reqbufs(c.fd, V4L2_MEMORY_MMAP, 0) == 0,
		    "VIDIOC_REQBUFS 0 after primedisp released the buffer failed");
	cam_close_unload(&c);
	pd_leaks_expect(leaks0, "after the import was closed");
	klog_check("during the test");
	close(k.fd);
}

static void test_import_vmalloc(void)
{
	camera_to_display(PD_VIVID_VMALLOC);
}

static void test_import_dma_contig(void)
{
	camera_to_display(PD_VIVID_DMA_CONTIG);
}

/* ---- display -> camera -------------------------------------------------------------- */

struct pdbuf {
	uint32_t handle;
	uint64_t size;
	uint8_t *map;
	int dmabuf;
	const char *how;
};

/*
 * Allocate primedisp buffer @i for a camera frame, in one of four ways so
 * that every allocation path gets exported: a dumb buffer, GEM_CREATE of
 * sizeimage bytes (cached and write-combined) and GEM_CREATE of the frame's
 * width/height/format.  Mapped through primedisp's own mmap.
 */
static void pdbuf_alloc(struct kms *k, struct cam *c, int i, struct pdbuf *b)
{
	struct drm_primedisp_gem_create gc = { 0 };

	memset(b, 0, sizeof(*b));
	switch (i % 4) {
	case 0: {
		struct drm_mode_create_dumb dumb;

		pd_assert_f(__pd_dumb_create(k->fd, CAM_W, CAM_H, 32, &dumb) == 0,
			    "CREATE_DUMB %ux%u bpp 32 failed", CAM_W, CAM_H);
		b->handle = dumb.handle;
		b->size = dumb.size;
		b->how = "dumb";
		b->map = pd_dumb_map(k->fd, b->handle, b->size, PROT_READ | PROT_WRITE);
		pd_assert_f(dumb.pitch == c->pix.bytesperline,
			    "dumb pitch %u != the camera's bytesperline %u", dumb.pitch,
			    c->pix.bytesperline);
		break;
	}
	case 1:
	case 2:
		gc.size = c->pix.sizeimage;
		gc.flags = i % 4 == 2 ? PRIMEDISP_GEM_CREATE_WC : 0;
		b->how = i % 4 == 2 ? "GEM_CREATE size, WC" : "GEM_CREATE size";
		break;
	case 3:
		gc.width = CAM_W;
		gc.height = CAM_H;
		gc.format = c->drm_format;
		b->how = "GEM_CREATE width/height/format";
		break;
	}
	if (!b->handle) {
		pd_assert_f(drmIoctl(k->fd, DRM_IOCTL_PRIMEDISP_GEM_CREATE, &gc) == 0,
			    "PRIMEDISP_GEM_CREATE (%s) failed", b->how);
		b->handle = gc.handle;
		b->size = gc.size;
		if (gc.num_planes)
			pd_assert_f(gc.pitches[0] == c->pix.bytesperline,
				    "GEM_CREATE pitch %u != the camera's bytesperline %u",
				    gc.pitches[0], c->pix.bytesperline);
		b->map = gem_mmap(k->fd, b->handle, b->size);
	}
	pd_assert_f(b->size >= c->pix.sizeimage, "%s buffer: %llu bytes < sizeimage %u",
		    b->how, (unsigned long long)b->size, c->pix.sizeimage);
	b->dmabuf = export_handle(k->fd, b->handle);
}

static void pdbuf_free(struct kms *k, struct pdbuf *b)
{
	close(b->dmabuf);
	munmap(b->map, b->size);
	gem_close(k->fd, b->handle);
}

/* Check a frame the camera wrote into primedisp buffer @b over @fill. */
static void check_written(struct cam *c, struct pdbuf *b, uint8_t fill, bool full)
{
	long off = find_fill_word(b->map, c->pix.sizeimage, fill);

	pd_assert_f(off < 0, "%s buffer: bytes at offset %ld still hold the fill 0x%02x: the "
		    "camera did not write the whole frame into primedisp's memory", b->how, off,
		    fill);
	if (full) {
		int colours = distinct_rgb(b->map, CAM_W, CAM_H, c->pix.bytesperline,
					   c->drm_format);

		pd_assert_f(colours >= 4, "%s buffer: %d distinct colours, no test pattern",
			    b->how, colours);
	}
}

static void display_to_camera(int allocator)
{
	const uint8_t fills[] = { 0x5a, 0xc3, 0x96 };
	struct pdbuf bufs[CAM_BUFS];
	bool usable[CAM_BUFS] = { false };
	int nusable = 0, refused = 0;
	struct cam c;
	struct kms k;
	uint32_t fb = 0;
	struct pd_leaks leaks0;

	klog_start();
	kms_open(&k, CAM_W, CAM_H);
	leaks0 = pd_leaks_now();
	cam_open(&c, allocator);
	cam_pick_rgb32(&c, &k);
	for (int i = 0; i < CAM_BUFS; i++)
		pdbuf_alloc(&k, &c, i, &bufs[i]);

	/* Stream on and off a few times: every REQBUFS 0 vunmaps and detaches. */
	for (unsigned int cycle = 0; cycle < sizeof(fills); cycle++) {
		uint8_t fill = fills[cycle];
		bool done[CAM_BUFS] = { false };
		struct v4l2_buffer buf;
		int n, filled = 0, frames = 0;

		n = pd_v4l2_reqbufs(c.fd, V4L2_MEMORY_DMABUF, CAM_BUFS);
		pd_assert_f(n == CAM_BUFS, "REQBUFS DMABUF %u gave %d", CAM_BUFS, n);
		for (int i = 0; i < n; i++) {
			memset(bufs[i].map, fill, bufs[i].size);
			if (cycle && !usable[i])
				continue;
			if (__pd_v4l2_qbuf(c.fd, V4L2_MEMORY_DMABUF, i, bufs[i].dmabuf,
					   bufs[i].size) == 0) {
				if (!cycle) {
					usable[i] = true;
					nusable++;
				}
				continue;
			}
			/*
			 * vb2-dma-contig can only use a buffer that is
			 * contiguous in the camera's DMA address space;
			 * shmem pages are that only by chance without an
			 * IOMMU.  It refuses the others with EFAULT.
			 */
			pd_assert_f(allocator == PD_VIVID_DMA_CONTIG && errno == EFAULT && !cycle,
				    "VIDIOC_QBUF of primedisp's %s dma-buf as buffer %d failed "
				    "(cycle %u)", bufs[i].how, i, cycle);
			pd_info("vb2-dma-contig refused the %s buffer (EFAULT): not contiguous",
				bufs[i].how);
			refused++;
		}
		if (!nusable)
			break;

		pd_v4l2_streamon(c.fd);
		while (filled < nusable) {
			pd_assert_f(frames++ < 4 * nusable, "after %d frames only %d of %d buffers "
				    "were filled", frames - 1, filled, nusable);
			pd_v4l2_dqbuf(c.fd, V4L2_MEMORY_DMABUF, &buf, FRAME_TIMEOUT_MS);
			pd_assert_f(buf.index < (uint32_t)n && usable[buf.index],
				    "DQBUF index %u", buf.index);
			pd_assert_eq(buf.m.fd, bufs[buf.index].dmabuf);
			pd_assert_eq(buf.bytesused, c.pix.sizeimage);
			check_written(&c, &bufs[buf.index], fill, filled == nusable - 1);
			if (!done[buf.index]) {
				done[buf.index] = true;
				filled++;
			}
			if (filled < nusable) {
				memset(bufs[buf.index].map, fill, bufs[buf.index].size);
				pd_v4l2_qbuf(c.fd, V4L2_MEMORY_DMABUF, buf.index,
					     bufs[buf.index].dmabuf, bufs[buf.index].size);
			}
		}
		pd_info("cycle %u: %d frames, all %d queued primedisp buffers written by the "
			"camera", cycle, frames, nusable);

		/* Show the last frame, still in the dequeued buffer, on primedisp. */
		if (!fb) {
			fb = addfb(&k, CAM_W, CAM_H, c.drm_format, bufs[buf.index].handle,
				   c.pix.bytesperline);
			kms_show(&k, fb);
			assert_shows(&k, bufs[buf.index].map, c.pix.bytesperline, c.drm_format,
				     "captured frame on screen");
		}
		pd_v4l2_streamoff(c.fd);
		pd_assert_f(__pd_v4l2_reqbufs(c.fd, V4L2_MEMORY_DMABUF, 0) == 0,
			    "VIDIOC_REQBUFS 0 of the DMABUF queue failed");
		klog_check("after stream off");
	}

	if (fb) {
		pd_assert_eq(crtc_fb(&k), fb);
		rmfb(&k, fb);
	}
	if (!nusable)
		pd_assert_f(__pd_v4l2_reqbufs(c.fd, V4L2_MEMORY_DMABUF, 0) == 0,
			    "VIDIOC_REQBUFS 0 after refused buffers failed");
	for (int i = 0; i < CAM_BUFS; i++)
		pdbuf_free(&k, &bufs[i]);
	cam_close_unload(&c);
	pd_leaks_expect(leaks0, "after the buffers were freed");
	klog_check("during the test");
	close(k.fd);
	if (!nusable)
		pd_skip("vivid's videobuf2-dma-contig needs buffers contiguous in its DMA "
			"address space; none of primedisp's %d shmem buffers was (no IOMMU "
			"here): QBUF refused them all with EFAULT, cleanly", refused);
}

static void test_export_vmalloc(void)
{
	display_to_camera(PD_VIVID_VMALLOC);
}

static void test_export_dma_contig(void)
{
	display_to_camera(PD_VIVID_DMA_CONTIG);
}

/* ---- YUV ---------------------------------------------------------------------------- */

/* One primedisp buffer for a YUV frame (see yuv_one()). */
static void yuv_alloc(struct kms *k, struct cam *c, const struct fmt_map *m, bool by_format,
		      struct pdbuf *b)
{
	struct drm_primedisp_gem_create gc = { 0 };

	memset(b, 0, sizeof(*b));
	if (by_format) {
		gc.width = CAM_W;
		gc.height = CAM_H;
		gc.format = m->drm;
		b->how = "GEM_CREATE width/height/format";
	} else {
		gc.size = c->pix.sizeimage;
		b->how = "GEM_CREATE size";
	}
	pd_assert_f(drmIoctl(k->fd, DRM_IOCTL_PRIMEDISP_GEM_CREATE, &gc) == 0,
		    "%s for %s failed", b->how, pd_v4l2_fourcc_str(m->drm));
	if (by_format && m->drm == DRM_FORMAT_NV12)
		pd_assert_eq(gc.num_planes, 2);
	b->handle = gc.handle;
	b->size = gc.size;
	pd_assert_f(b->size >= c->pix.sizeimage, "buffer of %llu bytes < sizeimage %u",
		    (unsigned long long)b->size, c->pix.sizeimage);
	b->map = gem_mmap(k->fd, b->handle, b->size);
	b->dmabuf = export_handle(k->fd, b->handle);
}

/* Distinct luma values on the last line of a YUV frame (below vivid's text). */
static int yuv_last_line_lumas(const struct cam *c, const struct fmt_map *m, const uint8_t *map)
{
	const uint8_t *line = map + (size_t)(CAM_H - 1) * c->pix.bytesperline;
	uint8_t luma[CAM_W];

	if (m->drm == DRM_FORMAT_NV12)
		return distinct_bytes(line, CAM_W);
	/* Packed 4:2:2: Y at even bytes (YUYV) or odd bytes (UYVY). */
	for (int x = 0; x < CAM_W; x++)
		luma[x] = line[2 * x + (m->drm == DRM_FORMAT_UYVY)];
	return distinct_bytes(luma, CAM_W);
}

static void yuv_one(struct kms *k, struct cam *c, const struct fmt_map *m)
{
	struct drm_primedisp_gem_create probe = {
		.width = CAM_W, .height = CAM_H, .format = m->drm,
	};
	const uint8_t fill = 0xa5;
	struct pdbuf bufs[CAM_BUFS];
	uint32_t plane, fb = 0, uv_off;
	struct v4l2_buffer buf;
	int n, ret, lumas;
	struct pdbuf *b;

	pd_v4l2_set_format(c->fd, CAM_W, CAM_H, m->v4l2, &c->pix);
	uv_off = c->pix.bytesperline * CAM_H;
	plane = plane_for_format(k, m->drm);
	pd_info("%s: %s", pd_v4l2_fourcc_str(m->drm),
		plane ? "a primedisp plane lists it" : "no primedisp plane lists it");

	/* GEM_CREATE by format takes the formats primedisp scans out, only. */
	ret = drmIoctl(k->fd, DRM_IOCTL_PRIMEDISP_GEM_CREATE, &probe);
	if (plane) {
		pd_assert_f(ret == 0, "GEM_CREATE %ux%u %s failed though plane %u lists it",
			    CAM_W, CAM_H, pd_v4l2_fourcc_str(m->drm), plane);
		gem_close(k->fd, probe.handle);
	} else {
		pd_assert_f(ret == -1 && errno == EINVAL,
			    "GEM_CREATE %ux%u %s: expected EINVAL (no plane lists it), got %d",
			    CAM_W, CAM_H, pd_v4l2_fourcc_str(m->drm), ret);
	}

	/* The camera captures into primedisp's buffers. */
	n = pd_v4l2_reqbufs(c->fd, V4L2_MEMORY_DMABUF, 2);
	pd_assert_f(n <= CAM_BUFS, "REQBUFS DMABUF 2 gave %d", n);
	for (int i = 0; i < n; i++) {
		yuv_alloc(k, c, m, plane != 0, &bufs[i]);
		memset(bufs[i].map, fill, bufs[i].size);
		pd_v4l2_qbuf(c->fd, V4L2_MEMORY_DMABUF, i, bufs[i].dmabuf, bufs[i].size);
	}
	pd_v4l2_streamon(c->fd);
	pd_v4l2_dqbuf(c->fd, V4L2_MEMORY_DMABUF, &buf, FRAME_TIMEOUT_MS);
	pd_assert_f(buf.index < (uint32_t)n, "DQBUF index %u", buf.index);
	pd_assert_eq(buf.bytesused, c->pix.sizeimage);
	pd_v4l2_streamoff(c->fd);
	pd_assert(__pd_v4l2_reqbufs(c->fd, V4L2_MEMORY_DMABUF, 0) == 0);
	b = &bufs[buf.index];
	pd_assert_f(find_fill_word(b->map, c->pix.sizeimage, fill) < 0,
		    "%s: the camera left parts of primedisp's %s buffer unwritten",
		    pd_v4l2_fourcc_str(m->v4l2), b->how);
	lumas = yuv_last_line_lumas(c, m, b->map);
	pd_assert_f(lumas >= 4, "%s: %d distinct luma values on the last line: no test pattern",
		    pd_v4l2_fourcc_str(m->v4l2), lumas);
	pd_info("%s: the camera wrote a frame into primedisp's %s buffer (%d distinct lumas)",
		pd_v4l2_fourcc_str(m->v4l2), b->how, lumas);

	/* The display side follows the planes' format lists. */
	ret = __addfb(k, CAM_W, CAM_H, m->drm, b->handle, c->pix.bytesperline, uv_off, &fb);
	if (!plane) {
		pd_assert_f(ret == -1 && errno == EINVAL,
			    "ADDFB2 %s: expected EINVAL as no plane lists it, got %d (fb %u)",
			    pd_v4l2_fourcc_str(m->drm), ret, fb);
		pd_info("%s: ADDFB2 refused with EINVAL, as no plane lists it",
			pd_v4l2_fourcc_str(m->drm));
	} else {
		pd_assert_f(ret == 0, "ADDFB2 %s failed though plane %u lists it",
			    pd_v4l2_fourcc_str(m->drm), plane);
		if (plane == k->primary) {
			kms_show(k, fb);
		} else {
			/* An overlay: the CRTC needs a primary fb to run. */
			uint32_t pitch, bg = pd_dumb_create(k->fd, CAM_W, CAM_H, 32, &pitch, NULL);
			uint32_t bg_fb = addfb(k, CAM_W, CAM_H, DRM_FORMAT_XRGB8888, bg, pitch);

			kms_show(k, bg_fb);
			pd_assert_f(drmModeSetPlane(k->fd, plane, k->crtc, fb, 0, 0, 0, CAM_W,
						    CAM_H, 0, 0, CAM_W << 16,
						    CAM_H << 16) == 0,
				    "SETPLANE %u with the %s fb failed", plane,
				    pd_v4l2_fourcc_str(m->drm));
			rmfb(k, bg_fb);
			pd_dumb_destroy(k->fd, bg);
		}
		rmfb(k, fb);
	}

	for (int i = 0; i < n; i++)
		pdbuf_free(k, &bufs[i]);
}

static void test_yuv_formats(void)
{
	struct cam c;
	struct kms k;
	int tested = 0;
	struct pd_leaks leaks0;

	klog_start();
	kms_open(&k, CAM_W, CAM_H);
	leaks0 = pd_leaks_now();
	cam_open(&c, PD_VIVID_VMALLOC);
	for (size_t i = 0; i < sizeof(yuv_map) / sizeof(yuv_map[0]); i++) {
		if (!pd_v4l2_has_format(c.fd, yuv_map[i].v4l2)) {
			pd_info("vivid does not offer %s", pd_v4l2_fourcc_str(yuv_map[i].v4l2));
			continue;
		}
		yuv_one(&k, &c, &yuv_map[i]);
		tested++;
	}
	pd_require(tested, "vivid offers none of YUYV, UYVY, NV12");
	cam_close_unload(&c);
	pd_leaks_expect(leaks0, "after the YUV buffers were freed");
	klog_check("during the test");
	close(k.fd);
}

/* ---- unloading the camera ----------------------------------------------------------- */

/* Re-export @handle, map it and compare with @snap. */
static void check_on_screen(struct kms *k, uint32_t handle, uint32_t fb, const uint8_t *snap,
			    size_t len, const char *when)
{
	int reexp = export_handle(k->fd, handle);
	size_t size = dmabuf_size(reexp);
	uint8_t *view;

	pd_assert_f(size >= len, "dma-buf of %zu bytes < frame of %zu", size, len);
	view = dmabuf_mmap(reexp, size);
	pd_dmabuf_sync(reexp, DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ);
	pd_assert_f(!memcmp(view, snap, len), "the frame on screen changed %s", when);
	pd_dmabuf_sync(reexp, DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ);
	munmap(view, size);
	close(reexp);
	pd_assert_f(crtc_fb(k) == fb, "fb %u is no longer on the CRTC %s (GETCRTC: %u)", fb,
		    when, crtc_fb(k));
}

static void test_camera_unload_while_scanout(void)
{
	struct cam c;
	struct kms k;
	uint32_t held, handle, fb;
	size_t frame_len;
	uint8_t *snap;
	char *out = NULL;
	struct pd_leaks leaks0;
	int dmabuf, rc;

	klog_start();
	kms_open(&k, CAM_W, CAM_H);
	leaks0 = pd_leaks_now();
	pd_require(leaks0.objects >= 0 && leaks0.dmabufs >= 0,
		   "primedisp_objects or dma_buf/bufinfo not readable (debugfs not mounted?)");
	cam_open(&c, PD_VIVID_VMALLOC);
	cam_pick_rgb32(&c, &k);
	frame_len = (size_t)c.pix.bytesperline * CAM_H;
	cam_alloc_mmap(&c, PD_VIVID_VMALLOC);
	held = cam_capture_mmap(&c, 2);
	snap = malloc(frame_len);
	pd_assert(snap);
	memcpy(snap, c.map[held], frame_len);

	dmabuf = pd_v4l2_expbuf(c.fd, held);
	handle = import_dmabuf(k.fd, dmabuf);
	fb = addfb(&k, CAM_W, CAM_H, c.drm_format, handle, c.pix.bytesperline);
	kms_show(&k, fb);
	assert_shows(&k, snap, c.pix.bytesperline, c.drm_format, "camera frame on screen");

	/* The camera goes away: stream off, every fd closed. */
	pd_v4l2_streamoff(c.fd);
	cam_unmap(&c);
	close(dmabuf);
	close(c.fd);
	c.fd = -1;
	check_on_screen(&k, handle, fb, snap, frame_len, "after the camera was closed");
	assert_shows(&k, snap, c.pix.bytesperline, c.drm_format,
		     "camera frame on screen after the camera was closed");

	/* The driver goes away too, or is held by the buffer. */
	rc = pd_vivid_unload(&out);
	if (rc == 0)
		pd_info("rmmod vivid succeeded with its buffer on screen");
	else
		pd_info("rmmod vivid with its buffer on screen: exit %d: %s", rc, out ? out : "");
	pd_assert_f(rc == 0 || (out && strstr(out, "in use")),
		    "rmmod vivid failed otherwise than 'in use': exit %d: %s", rc,
		    out ? out : "");
	free(out);
	klog_check("after rmmod vivid");
	check_on_screen(&k, handle, fb, snap, frame_len, "after rmmod vivid");
	assert_shows(&k, snap, c.pix.bytesperline, c.drm_format,
		     "camera frame on screen after rmmod vivid");

	/* Everything released: vivid can go and primedisp holds nothing more. */
	rmfb(&k, fb);
	gem_close(k.fd, handle);
	if (pd_kmod_loaded("vivid"))
		cam_close_unload(&c);
	pd_assert_f(!pd_kmod_loaded("vivid"), "vivid is still loaded");
	pd_leaks_expect(leaks0, "after the fb and handle were released");
	klog_check("during the test");
	free(snap);
	close(k.fd);
}

static const struct pd_subtest subtests[] = {
	{ "import-vmalloc", test_import_vmalloc,
	  "vivid (vmalloc) frame exported, imported and scanned out; pixels shared" },
	{ "import-dma-contig", test_import_dma_contig,
	  "same with vivid's dma-contig allocator" },
	{ "export-vmalloc", test_export_vmalloc,
	  "vivid (vmalloc) captures into primedisp dma-bufs; stream on/off cycles" },
	{ "export-dma-contig", test_export_dma_contig,
	  "same with vivid's dma-contig allocator" },
	{ "yuv-formats", test_yuv_formats,
	  "YUYV/UYVY/NV12 into primedisp buffers; ADDFB2 follows the planes' formats" },
	{ "camera-unload-while-scanout", test_camera_unload_while_scanout,
	  "a camera buffer stays on screen while the camera is closed and unloaded" },
	{ }
};

PD_MAIN(subtests, "PRIME between a V4L2 camera (vivid) and primedisp.")
