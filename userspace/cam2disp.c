// SPDX-License-Identifier: GPL-2.0
/*
 * cam2disp - stream a V4L2 camera to a primedisp output without copying a
 * pixel, sharing the frames as dma-bufs in either direction:
 *
 *  --import  the camera allocates its buffers (V4L2_MEMORY_MMAP), exports
 *            each one (VIDIOC_EXPBUF); primedisp imports them (PRIME) and
 *            scans them out;
 *  --export  primedisp allocates the buffers (PRIMEDISP_GEM_CREATE) and
 *            exports them (PRIME); the camera captures into them
 *            (V4L2_MEMORY_DMABUF) and primedisp scans them out.
 *
 * Each captured buffer becomes the primary plane's framebuffer with a
 * nonblocking atomic commit; a buffer goes back to the camera only after
 * the flip that replaced it on screen completed.  No frame is ever mapped
 * by this program: that the scanned-out object is the camera's buffer is
 * shown from the kernel's side (GETFB2, primedisp's GEM_INFO flags, the
 * dma-buf's inode).
 *
 * Copyright (C) 2026 The primedisp authors
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <linux/videodev2.h>
#include <xf86drm.h>
#include <xf86drmMode.h>
#include <drm_fourcc.h>

#include <drm/primedisp_drm.h>

#include "pd-common.h"
#include "pd-kms.h"

#define MAX_BUFS	8
#define FRAME_TIMEOUT_MS 5000

/*
 * V4L2 and DRM fourccs of the same memory layout.  V4L2 names RGB formats
 * after their bytes in memory, DRM after a little-endian word; for the
 * 32-bit ones both now use the same code (XR24 is B, G, R, X in memory in
 * both), the others differ.
 */
static const struct fmt {
	uint32_t v4l2, drm;
	unsigned int cpp;
} formats[] = {
	{ V4L2_PIX_FMT_XBGR32, DRM_FORMAT_XRGB8888, 4 },
	{ V4L2_PIX_FMT_ABGR32, DRM_FORMAT_ARGB8888, 4 },
	{ V4L2_PIX_FMT_RGBX32, DRM_FORMAT_XBGR8888, 4 },
	{ V4L2_PIX_FMT_RGBA32, DRM_FORMAT_ABGR8888, 4 },
	{ V4L2_PIX_FMT_BGR32, DRM_FORMAT_XRGB8888, 4 },	/* deprecated BGR4 */
	{ V4L2_PIX_FMT_RGB565, DRM_FORMAT_RGB565, 2 },
	{ V4L2_PIX_FMT_RGB24, DRM_FORMAT_BGR888, 3 },	/* R, G, B bytes */
	{ V4L2_PIX_FMT_BGR24, DRM_FORMAT_RGB888, 3 },	/* B, G, R bytes */
};

struct buf {
	uint32_t handle;	/* primedisp GEM handle */
	uint32_t fb;
	int dmabuf;
	ino_t ino;
	uint64_t size;
};

struct opts {
	bool export;
	const char *camera, *device;
	uint32_t format;	/* V4L2 fourcc, 0: pick */
	unsigned int w, h, fps, frames, nbufs;
	uint32_t connector;
	bool hold, quiet;
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int xioctl(int fd, unsigned long req, void *arg)
{
	int ret;

	do {
		ret = ioctl(fd, req, arg);
	} while (ret == -1 && errno == EINTR && !stop);
	return ret;
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: cam2disp [OPTIONS]\n"
		"Show a V4L2 camera on a primedisp output with zero copies: the frames are\n"
		"shared as dma-bufs between the camera and the display.\n\n"
		"  -i, --import         the camera allocates; its buffers are exported\n"
		"                       (VIDIOC_EXPBUF), imported by primedisp and scanned\n"
		"                       out (default)\n"
		"  -e, --export         primedisp allocates and exports; the camera captures\n"
		"                       into those buffers (V4L2_MEMORY_DMABUF)\n"
		"  -c, --camera PATH    V4L2 capture device (default: the first /dev/videoN\n"
		"                       that captures single-planar video with streaming)\n"
		"  -f, --format FOURCC  the camera's pixel format, a V4L2 fourcc: XR24 AR24\n"
		"                       XB24 AB24 BGR4 RGBP RGB3 BGR3 (default: the first the\n"
		"                       camera offers that the display scans out)\n"
		"  -s, --size WxH       frame size, which is also the display mode, since the\n"
		"                       primary plane covers the whole output (default 640x480)\n"
		"  -r, --fps N          ask the camera for N frames per second (default: keep\n"
		"                       its rate; 5 suits vivid in an emulated machine)\n"
		"  -n, --frames N       stop after N frames were shown (default 100, 0: until\n"
		"                       Ctrl-C)\n"
		"  -b, --buffers N      buffers shared between camera and display, 2..%d\n"
		"                       (default 4)\n"
		"  -d, --device PATH    primedisp card node (default: the card named primedisp)\n"
		"  -C, --connector ID   connector to use (default: the first connected one)\n"
		"      --hold           keep the last frame on screen at the end until stdin\n"
		"                       reaches end of file (Ctrl-D) or Ctrl-C\n"
		"  -q, --quiet          no progress line every second\n"
		"  -h, --help           this text\n\n"
		"At the end cam2disp prints the frame rate, the frames dropped by the camera\n"
		"(gaps in its sequence numbers) and by the display (a newer frame was ready\n"
		"before the older one could be shown), and a zero-copy line: the framebuffer\n"
		"the plane scans out, the flags primedisp's GEM_INFO reports for its object\n"
		"(IMPORTED or EXPORTED) and its dma-buf inode next to the camera buffer's.\n"
		"It also prints its own CPU time per frame in the steady state: from the\n"
		"moment every buffer has been shown once (so buffer setup is left out) to\n"
		"the last flip; this needs more than N+3 frames with --buffers N.\n"
		"Exit status: 0 if all went well and zero copy was confirmed, 1 otherwise,\n"
		"2 for bad options.\n", MAX_BUFS);
}

static const struct fmt *fmt_of_v4l2(uint32_t v4l2)
{
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (formats[i].v4l2 == v4l2)
			return &formats[i];
	return NULL;
}

/* ---- the camera ------------------------------------------------------------ */

static bool is_capture(int fd, struct v4l2_capability *cap)
{
	uint32_t caps;

	memset(cap, 0, sizeof(*cap));
	if (xioctl(fd, VIDIOC_QUERYCAP, cap))
		return false;
	caps = cap->capabilities & V4L2_CAP_DEVICE_CAPS ? cap->device_caps : cap->capabilities;
	return (caps & V4L2_CAP_VIDEO_CAPTURE) && (caps & V4L2_CAP_STREAMING);
}

static int open_camera(const char *path)
{
	struct v4l2_capability cap;
	char node[32];
	int fd;

	if (path) {
		fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0) {
			fprintf(stderr, "cam2disp: cannot open %s: %s\n", path, strerror(errno));
			return -1;
		}
		if (!is_capture(fd, &cap)) {
			fprintf(stderr, "cam2disp: %s is no single-planar video capture device "
				"with streaming I/O\n", path);
			close(fd);
			return -1;
		}
		printf("camera: %s (%s, \"%s\")\n", path, cap.driver, cap.card);
		return fd;
	}
	for (int i = 0; i < 64; i++) {
		snprintf(node, sizeof(node), "/dev/video%d", i);
		fd = open(node, O_RDWR | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (is_capture(fd, &cap)) {
			printf("camera: %s (%s, \"%s\")\n", node, cap.driver, cap.card);
			return fd;
		}
		close(fd);
	}
	fprintf(stderr, "cam2disp: no video capture device in /dev/video*: plug a camera "
		"or load vivid (modprobe vivid n_devs=1 node_types=0x1 num_inputs=1 "
		"input_types=0x00), or pass --camera\n");
	return -1;
}

static bool camera_has(int fd, uint32_t v4l2)
{
	struct v4l2_fmtdesc d;

	for (uint32_t i = 0; ; i++) {
		memset(&d, 0, sizeof(d));
		d.index = i;
		d.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
		if (xioctl(fd, VIDIOC_ENUM_FMT, &d))
			return false;
		if (d.pixelformat == v4l2)
			return true;
	}
}

/* The format to use: --format if both sides can, else the first both can. */
static const struct fmt *pick_format(int cam, struct pd_kms *k, uint32_t want)
{
	char a[PD_FOURCC_LEN], b[PD_FOURCC_LEN], planes[128], offered[128] = "";
	size_t n = 0;

	if (want) {
		const struct fmt *f = fmt_of_v4l2(want);

		if (!f) {
			fprintf(stderr, "cam2disp: format %s is not one cam2disp can show "
				"(XR24 AR24 XB24 AB24 BGR4 RGBP RGB3 BGR3)\n",
				pd_fourcc_str(want, a));
			return NULL;
		}
		if (!camera_has(cam, want)) {
			fprintf(stderr, "cam2disp: the camera does not offer %s\n",
				pd_fourcc_str(want, a));
			return NULL;
		}
		if (!pd_kms_plane_has_format(k, f->drm)) {
			pd_kms_plane_formats(k, planes, sizeof(planes));
			fprintf(stderr, "cam2disp: the display's primary plane cannot scan out "
				"%s (DRM %s); it offers: %s\n", pd_fourcc_str(want, a),
				pd_fourcc_str(f->drm, b), planes);
			return NULL;
		}
		return f;
	}
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		if (!camera_has(cam, formats[i].v4l2))
			continue;
		if (pd_kms_plane_has_format(k, formats[i].drm))
			return &formats[i];
		n += snprintf(offered + n, sizeof(offered) - n, " %s",
			      pd_fourcc_str(formats[i].v4l2, a));
	}
	pd_kms_plane_formats(k, planes, sizeof(planes));
	fprintf(stderr, "cam2disp: the camera and the display share no RGB format (camera:%s; "
		"display: %s)\n", n ? offered : " none of cam2disp's", planes);
	return NULL;
}

/* S_FMT; @pitch 0 lets the camera choose bytesperline. */
static int set_format(int cam, const struct opts *o, const struct fmt *f, uint32_t pitch,
		      struct v4l2_pix_format *pix)
{
	struct v4l2_format fmt = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE };
	char a[PD_FOURCC_LEN], b[PD_FOURCC_LEN];

	fmt.fmt.pix.width = o->w;
	fmt.fmt.pix.height = o->h;
	fmt.fmt.pix.pixelformat = f->v4l2;
	fmt.fmt.pix.field = V4L2_FIELD_NONE;
	fmt.fmt.pix.bytesperline = pitch;
	if (xioctl(cam, VIDIOC_S_FMT, &fmt)) {
		fprintf(stderr, "cam2disp: VIDIOC_S_FMT %ux%u %s failed: %s\n", o->w, o->h,
			pd_fourcc_str(f->v4l2, a), strerror(errno));
		return -1;
	}
	*pix = fmt.fmt.pix;
	if (pix->width != o->w || pix->height != o->h || pix->pixelformat != f->v4l2) {
		fprintf(stderr, "cam2disp: asked the camera for %ux%u %s, it gives %ux%u %s: "
			"choose a size and format it offers (v4l2-ctl --list-formats-ext)\n",
			o->w, o->h, pd_fourcc_str(f->v4l2, a), pix->width, pix->height,
			pd_fourcc_str(pix->pixelformat, b));
		return -1;
	}
	if (pix->field != V4L2_FIELD_NONE) {
		fprintf(stderr, "cam2disp: the camera delivers interlaced fields (field %u); "
			"cam2disp shows progressive frames only\n", pix->field);
		return -1;
	}
	if (pitch && pix->bytesperline != pitch) {
		fprintf(stderr, "cam2disp: primedisp's buffers have %u bytes per line, the "
			"camera insists on %u: try --import, where the camera chooses\n",
			pitch, pix->bytesperline);
		return -1;
	}
	return 0;
}

static void set_fps(int cam, unsigned int fps)
{
	struct v4l2_streamparm parm = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE };

	if (!fps)
		return;
	parm.parm.capture.timeperframe.numerator = 1;
	parm.parm.capture.timeperframe.denominator = fps;
	if (xioctl(cam, VIDIOC_S_PARM, &parm))
		fprintf(stderr, "cam2disp: warning: the camera refused %u fps (%s); "
			"going on at its own rate\n", fps, strerror(errno));
	else
		printf("camera rate: %u/%u s per frame\n",
		       parm.parm.capture.timeperframe.numerator,
		       parm.parm.capture.timeperframe.denominator);
}

static int reqbufs(int cam, uint32_t memory, unsigned int count)
{
	struct v4l2_requestbuffers req = {
		.count = count, .type = V4L2_BUF_TYPE_VIDEO_CAPTURE, .memory = memory,
	};

	if (xioctl(cam, VIDIOC_REQBUFS, &req)) {
		fprintf(stderr, "cam2disp: VIDIOC_REQBUFS of %u %s buffers failed: %s%s\n",
			count, memory == V4L2_MEMORY_MMAP ? "MMAP" : "DMABUF", strerror(errno),
			errno == EINVAL && memory == V4L2_MEMORY_DMABUF ?
			" (the camera cannot capture into dma-bufs: use --import)" : "");
		return -1;
	}
	return req.count;
}

static int qbuf(int cam, uint32_t memory, unsigned int index, const struct buf *b)
{
	struct v4l2_buffer vb = {
		.index = index, .type = V4L2_BUF_TYPE_VIDEO_CAPTURE, .memory = memory,
		.field = V4L2_FIELD_NONE,
	};

	if (memory == V4L2_MEMORY_DMABUF) {
		vb.m.fd = b->dmabuf;
		vb.length = b->size;
	}
	if (xioctl(cam, VIDIOC_QBUF, &vb)) {
		fprintf(stderr, "cam2disp: VIDIOC_QBUF of buffer %u failed: %s\n", index,
			strerror(errno));
		return -1;
	}
	return 0;
}

static int stream(int cam, bool on)
{
	int type = V4L2_BUF_TYPE_VIDEO_CAPTURE;

	if (xioctl(cam, on ? VIDIOC_STREAMON : VIDIOC_STREAMOFF, &type)) {
		fprintf(stderr, "cam2disp: VIDIOC_STREAM%s failed: %s\n", on ? "ON" : "OFF",
			strerror(errno));
		return -1;
	}
	return 0;
}

/* ---- buffers ---------------------------------------------------------------------- */

/* --import: the camera's MMAP buffers, exported and imported into primedisp. */
static int setup_import(int cam, struct pd_kms *k, const struct fmt *f,
			const struct v4l2_pix_format *pix, struct buf *bufs, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		struct v4l2_exportbuffer exp = {
			.type = V4L2_BUF_TYPE_VIDEO_CAPTURE, .index = i,
			.flags = O_RDONLY | O_CLOEXEC,
		};
		off_t size;

		if (xioctl(cam, VIDIOC_EXPBUF, &exp)) {
			fprintf(stderr, "cam2disp: VIDIOC_EXPBUF of buffer %u failed: %s%s\n", i,
				strerror(errno), errno == ENOTTY || errno == EINVAL ?
				" (the camera cannot export dma-bufs: try --export)" : "");
			return -1;
		}
		bufs[i].dmabuf = exp.fd;
		bufs[i].ino = pd_fd_ino(exp.fd);
		size = lseek(exp.fd, 0, SEEK_END);
		bufs[i].size = size > 0 ? (uint64_t)size : 0;
		if (bufs[i].size < (uint64_t)pix->bytesperline * pix->height) {
			fprintf(stderr, "cam2disp: camera buffer %u is %llu bytes, a frame needs "
				"%u x %u\n", i, (unsigned long long)bufs[i].size,
				pix->bytesperline, pix->height);
			return -1;
		}
		if (drmPrimeFDToHandle(k->fd, exp.fd, &bufs[i].handle)) {
			fprintf(stderr, "cam2disp: primedisp cannot import camera buffer %u "
				"(PRIME_FD_TO_HANDLE): %s\n", i, strerror(errno));
			return -1;
		}
		if (pd_kms_addfb(k, pix->width, pix->height, f->drm, bufs[i].handle,
				 pix->bytesperline, 0, &bufs[i].fb))
			return -1;
	}
	return 0;
}

/* --export: primedisp's buffers, exported to the camera. */
static int setup_export(struct pd_kms *k, const struct opts *o, const struct fmt *f,
			struct buf *bufs, unsigned int n, uint32_t *pitch)
{
	for (unsigned int i = 0; i < n; i++) {
		struct drm_primedisp_gem_create c = {
			.width = o->w, .height = o->h, .format = f->drm,
			.flags = PRIMEDISP_GEM_CREATE_SCANOUT,
		};
		char a[PD_FOURCC_LEN];

		if (drmIoctl(k->fd, DRM_IOCTL_PRIMEDISP_GEM_CREATE, &c)) {
			fprintf(stderr, "cam2disp: PRIMEDISP_GEM_CREATE %ux%u %s failed: %s\n",
				o->w, o->h, pd_fourcc_str(f->drm, a), strerror(errno));
			return -1;
		}
		bufs[i].handle = c.handle;
		bufs[i].size = c.size;
		*pitch = c.pitches[0];
		if (drmPrimeHandleToFD(k->fd, c.handle, DRM_CLOEXEC | DRM_RDWR, &bufs[i].dmabuf)) {
			fprintf(stderr, "cam2disp: PRIME export of primedisp buffer %u failed: %s\n",
				i, strerror(errno));
			return -1;
		}
		bufs[i].ino = pd_fd_ino(bufs[i].dmabuf);
		if (pd_kms_addfb(k, o->w, o->h, f->drm, c.handle, c.pitches[0], c.offsets[0],
				 &bufs[i].fb))
			return -1;
	}
	return 0;
}

static void release_bufs(struct pd_kms *k, struct buf *bufs, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		if (bufs[i].fb)
			drmModeRmFB(k->fd, bufs[i].fb);
		if (bufs[i].handle)
			drmCloseBufferHandle(k->fd, bufs[i].handle);
		if (bufs[i].dmabuf >= 0)
			close(bufs[i].dmabuf);
	}
}

/* ---- zero-copy evidence ------------------------------------------------------------ */

/*
 * What the plane scans out must be one of our framebuffers, its object
 * must be flagged IMPORTED (--import) or EXPORTED (--export) by primedisp,
 * and its dma-buf must be the very one shared with the camera.
 */
static bool confirm_zero_copy(struct pd_kms *k, const struct opts *o, const struct buf *bufs,
			      unsigned int n)
{
	uint32_t want = o->export ? PRIMEDISP_GEM_INFO_EXPORTED : PRIMEDISP_GEM_INFO_IMPORTED;
	struct pd_scanout s;
	char flags[64];
	int idx = -1;
	bool ok;

	if (pd_kms_scanout(k, &s)) {
		printf("zero-copy: NOT CONFIRMED: the scanned-out buffer cannot be inspected\n");
		return false;
	}
	for (unsigned int i = 0; i < n; i++)
		if (bufs[i].fb == s.fb_id)
			idx = i;
	pd_gem_flags_str(s.gem_flags, flags, sizeof(flags));
	/* EXPORTED and IMPORTED exclude each other; check both anyway. */
	ok = idx >= 0 && (s.gem_flags & want) && s.dmabuf_ino == bufs[idx].ino &&
	     !(s.gem_flags & (o->export ? PRIMEDISP_GEM_INFO_IMPORTED :
					 PRIMEDISP_GEM_INFO_EXPORTED));
	printf("zero-copy: %s: CRTC %u plane %u scans out fb %u = %s %d; primedisp GEM object "
	       "flags %s; its dma-buf inode %lu, %s's inode %lu\n",
	       ok ? "confirmed" : "NOT CONFIRMED", k->crtc_id, k->plane_id, s.fb_id,
	       idx >= 0 ? "buffer" : "not one of cam2disp's buffers", idx, flags,
	       (unsigned long)s.dmabuf_ino,
	       o->export ? "the dma-buf the camera captured into (V4L2_MEMORY_DMABUF)" :
			   "the camera buffer's (VIDIOC_EXPBUF)",
	       idx >= 0 ? (unsigned long)bufs[idx].ino : 0ul);
	if (ok)
		printf("zero-copy: no CPU copy: cam2disp maps no frame; the camera %s the "
		       "buffer primedisp scans out\n",
		       o->export ? "writes into" : "exported");
	pd_scanout_release(k, &s);
	return ok;
}

/* ---- streaming ---------------------------------------------------------------------- */

struct stats {
	unsigned int captured, shown, cam_dropped, disp_dropped;
	double t_first, t_last;	/* first and last flip completion */
	int64_t last_seq;
	/*
	 * This process's CPU time over the steady state: from the moment
	 * every buffer has been shown once (imported or exported, first
	 * touched, mapped by the camera) to the last flip.
	 */
	double cpu_start, cpu_end;
	unsigned int shown_start, shown_end;
};

/* CPU time (user + system) of this process so far, in seconds. */
static double cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int dqbuf(int cam, uint32_t memory, struct v4l2_buffer *vb)
{
	memset(vb, 0, sizeof(*vb));
	vb->type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	vb->memory = memory;
	if (xioctl(cam, VIDIOC_DQBUF, vb))
		return errno == EAGAIN ? 0 : -1;
	return 1;
}

static int run(int cam, struct pd_kms *k, const struct opts *o, struct buf *bufs,
	       unsigned int n, struct stats *st)
{
	uint32_t memory = o->export ? V4L2_MEMORY_DMABUF : V4L2_MEMORY_MMAP;
	int shown = -1, pending = -1, next = -1;
	double t_progress = 0;
	bool zc_checked = false;

	for (unsigned int i = 0; i < n; i++)
		if (qbuf(cam, memory, i, &bufs[i]))
			return -1;
	if (stream(cam, true))
		return -1;
	st->last_seq = -1;

	while (!stop && (!o->frames || st->shown < o->frames)) {
		struct pollfd pfd[2] = {
			{ .fd = cam, .events = POLLIN },
			{ .fd = k->fd, .events = POLLIN },
		};
		int ret = poll(pfd, 2, FRAME_TIMEOUT_MS);

		if (ret < 0 && errno == EINTR)
			continue;
		if (ret < 0) {
			fprintf(stderr, "cam2disp: poll failed: %s\n", strerror(errno));
			return -1;
		}
		if (ret == 0) {
			fprintf(stderr, "cam2disp: nothing from the %s for %d ms\n",
				pending >= 0 ? "display (flip event)" : "camera", FRAME_TIMEOUT_MS);
			return -1;
		}
		if (pfd[1].revents & POLLIN) {
			struct pd_flip_event ev;

			ret = pd_kms_wait_event(k, 0, &ev);
			if (ret < 0)
				return -1;
			if (ret > 0 && pending >= 0) {
				if (shown >= 0 && qbuf(cam, memory, shown, &bufs[shown]))
					return -1;
				shown = pending;
				pending = -1;
				st->shown++;
				st->t_last = pd_now();
				if (!zc_checked) {
					/* Once, early; again at the end. */
					confirm_zero_copy(k, o, bufs, n);
					zc_checked = true;
				}
				if (st->shown == n + 2) {
					st->cpu_start = cpu_now();
					st->shown_start = st->shown;
				}
			}
		}
		if (pfd[0].revents & (POLLIN | POLLERR)) {
			struct v4l2_buffer vb;

			ret = dqbuf(cam, memory, &vb);
			if (ret < 0) {
				fprintf(stderr, "cam2disp: VIDIOC_DQBUF failed: %s\n", strerror(errno));
				return -1;
			}
			if (ret > 0) {
				st->captured++;
				if (vb.flags & V4L2_BUF_FLAG_ERROR)
					fprintf(stderr, "cam2disp: warning: buffer %u (sequence %u) "
						"came back flagged as an error\n", vb.index,
						vb.sequence);
				if (st->last_seq >= 0 && vb.sequence > st->last_seq + 1)
					st->cam_dropped += vb.sequence - st->last_seq - 1;
				st->last_seq = vb.sequence;
				if (next >= 0) {
					/* A newer frame wins; the older one goes back. */
					st->disp_dropped++;
					if (qbuf(cam, memory, next, &bufs[next]))
						return -1;
				}
				next = vb.index;
			}
		}
		/* No flip beyond the frames asked for. */
		if (next >= 0 && pending < 0 && (!o->frames || st->shown < o->frames)) {
			if (shown < 0) {
				/* The first frame switches the output on (blocking). */
				if (pd_kms_modeset(k, bufs[next].fb))
					return -1;
				shown = next;
				st->shown++;
				st->t_first = st->t_last = pd_now();
				printf("output on: %s on connector %u, CRTC %u (first frame, "
				       "buffer %d)\n", k->mode.name, k->conn_id, k->crtc_id, next);
				fflush(stdout);
				next = -1;
			} else {
				ret = pd_kms_flip(k, bufs[next].fb, &bufs[next]);
				if (ret && ret != -EBUSY)
					return -1;
				if (!ret) {
					pending = next;
					next = -1;
				}
			}
		}
		if (!o->quiet && st->shown > 1 && pd_now() - t_progress >= 1.0) {
			t_progress = pd_now();
			printf("progress: %u frames shown, %.2f fps, dropped %u by the camera, "
			       "%u by the display\n", st->shown,
			       (st->shown - 1) / (st->t_last - st->t_first), st->cam_dropped,
			       st->disp_dropped);
			fflush(stdout);
		}
	}
	if (st->shown_start) {
		st->cpu_end = cpu_now();
		st->shown_end = st->shown;
	}
	/* Let a flip in flight land, so that what we report is what shows. */
	if (pending >= 0) {
		struct pd_flip_event ev;

		if (pd_kms_wait_event(k, 1000, &ev) > 0) {
			st->shown++;
			st->t_last = pd_now();
		}
	}
	stream(cam, false);
	return 0;
}

/* Wait for end of file on stdin, or a signal. */
int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "import", no_argument, NULL, 'i' },
		{ "export", no_argument, NULL, 'e' },
		{ "camera", required_argument, NULL, 'c' },
		{ "format", required_argument, NULL, 'f' },
		{ "size", required_argument, NULL, 's' },
		{ "fps", required_argument, NULL, 'r' },
		{ "frames", required_argument, NULL, 'n' },
		{ "buffers", required_argument, NULL, 'b' },
		{ "device", required_argument, NULL, 'd' },
		{ "connector", required_argument, NULL, 'C' },
		{ "hold", no_argument, NULL, 'H' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct opts o = { .w = 640, .h = 480, .frames = 100, .nbufs = 4 };
	struct buf bufs[MAX_BUFS];
	struct v4l2_pix_format pix;
	const struct fmt *f;
	struct stats st = { 0 };
	struct sigaction sa = { .sa_handler = on_signal };
	struct pd_kms k;
	bool bad = false, zc = false;
	int c, cam, ret = 1, n;
	uint32_t pitch = 0;
	char a[PD_FOURCC_LEN], b[PD_FOURCC_LEN];

	while ((c = getopt_long(argc, argv, "iec:f:s:r:n:b:d:C:qh", lopts, NULL)) != -1) {
		switch (c) {
		case 'i': o.export = false; break;
		case 'e': o.export = true; break;
		case 'c': o.camera = optarg; break;
		case 'f':
			o.format = pd_fourcc_parse(optarg);
			if (!o.format) {
				fprintf(stderr, "cam2disp: --format wants a fourcc such as XR24\n");
				bad = true;
			}
			break;
		case 's':
			if (sscanf(optarg, "%ux%u", &o.w, &o.h) != 2 || !o.w || !o.h) {
				fprintf(stderr, "cam2disp: --size wants WxH, e.g. 640x480\n");
				bad = true;
			}
			break;
		case 'r': o.fps = pd_parse_uint("cam2disp", optarg, "--fps", &bad); break;
		case 'n': o.frames = pd_parse_uint("cam2disp", optarg, "--frames", &bad); break;
		case 'b': o.nbufs = pd_parse_uint("cam2disp", optarg, "--buffers", &bad); break;
		case 'd': o.device = optarg; break;
		case 'C': o.connector = pd_parse_uint("cam2disp", optarg, "--connector", &bad); break;
		case 'H': o.hold = true; break;
		case 'q': o.quiet = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "cam2disp: unexpected argument \"%s\" (see --help)\n", argv[optind]);
		bad = true;
	}
	if (o.nbufs < 2 || o.nbufs > MAX_BUFS) {
		fprintf(stderr, "cam2disp: --buffers must be 2..%d\n", MAX_BUFS);
		bad = true;
	}
	if (bad)
		return 2;
	setvbuf(stdout, NULL, _IOLBF, 0);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	for (unsigned int i = 0; i < MAX_BUFS; i++)
		bufs[i] = (struct buf){ .dmabuf = -1 };

	if (pd_kms_open(&k, o.device, o.connector, o.w, o.h))
		return 1;
	cam = open_camera(o.camera);
	if (cam < 0)
		goto out_kms;
	f = pick_format(cam, &k, o.format);
	if (!f)
		goto out_cam;
	printf("format: camera %s = display %s, %ux%u, %s\n", pd_fourcc_str(f->v4l2, a),
	       pd_fourcc_str(f->drm, b), o.w, o.h,
	       o.export ? "primedisp allocates and exports (--export)" :
			  "the camera allocates and exports (--import)");

	if (o.export) {
		if (setup_export(&k, &o, f, bufs, o.nbufs, &pitch))
			goto out_bufs;
		if (set_format(cam, &o, f, pitch, &pix))
			goto out_bufs;
		if (pix.sizeimage > bufs[0].size) {
			fprintf(stderr, "cam2disp: the camera needs %u bytes a frame, primedisp's "
				"buffers have %llu\n", pix.sizeimage,
				(unsigned long long)bufs[0].size);
			goto out_bufs;
		}
		set_fps(cam, o.fps);
		n = reqbufs(cam, V4L2_MEMORY_DMABUF, o.nbufs);
		if (n < 0)
			goto out_bufs;
		if ((unsigned int)n < o.nbufs) {
			fprintf(stderr, "cam2disp: the camera takes only %d of %u buffers\n", n,
				o.nbufs);
			o.nbufs = n;
		}
	} else {
		if (set_format(cam, &o, f, 0, &pix))
			goto out_cam;
		set_fps(cam, o.fps);
		n = reqbufs(cam, V4L2_MEMORY_MMAP, o.nbufs);
		if (n < 2) {
			if (n >= 0)
				fprintf(stderr, "cam2disp: the camera gave %d buffers, at least 2 "
					"are needed\n", n);
			goto out_cam;
		}
		o.nbufs = n;
		if (setup_import(cam, &k, f, &pix, bufs, o.nbufs))
			goto out_bufs;
	}
	printf("buffers: %u of %u bytes, %u bytes per line, dma-buf inodes", o.nbufs,
	       (unsigned int)bufs[0].size, pix.bytesperline);
	for (unsigned int i = 0; i < o.nbufs; i++)
		printf(" %lu", (unsigned long)bufs[i].ino);
	printf("\n");

	if (run(cam, &k, &o, bufs, o.nbufs, &st) == 0) {
		double secs = st.t_last - st.t_first;
		int steady = (int)st.shown_end - (int)st.shown_start;
		double cpu_ms = steady > 0 ? (st.cpu_end - st.cpu_start) / steady * 1e3 : 0;

		zc = confirm_zero_copy(&k, &o, bufs, o.nbufs);
		printf("cam2disp: %u frames shown in %.2f s: %.2f fps; camera delivered %u; "
		       "dropped: %u by the camera (sequence gaps), %u by the display (a newer "
		       "frame was ready)\n", st.shown, secs,
		       st.shown > 1 && secs > 0 ? (st.shown - 1) / secs : 0.0, st.captured,
		       st.cam_dropped, st.disp_dropped);
		if (steady > 0)
			printf("cam2disp: CPU time per frame in the steady state (frames %u to %u, "
			       "every buffer shown once before): %.3f ms\n", st.shown_start + 1,
			       st.shown_end, cpu_ms);
		else
			printf("cam2disp: too few frames for a steady-state CPU figure (ask for "
			       "more than %u with --frames)\n", o.nbufs + 3);
		printf("result: mode=%s shown=%u fps=%.2f camera_dropped=%u display_dropped=%u "
		       "zero_copy=%s cpu_ms_per_frame=%.3f\n", o.export ? "export" : "import",
		       st.shown, st.shown > 1 && secs > 0 ? (st.shown - 1) / secs : 0.0,
		       st.cam_dropped, st.disp_dropped, zc ? "yes" : "no",
		       steady > 0 ? cpu_ms : -1.0);
		fflush(stdout);
		ret = zc && (!o.frames || st.shown >= o.frames || stop) ? 0 : 1;
		if (o.hold && !stop)
			pd_hold_stdin(k.crtc_id, &stop);
	}
out_bufs:
	release_bufs(&k, bufs, o.nbufs);
	reqbufs(cam, o.export ? V4L2_MEMORY_DMABUF : V4L2_MEMORY_MMAP, 0);
out_cam:
	close(cam);
out_kms:
	pd_kms_close(&k);
	return ret;
}
