// SPDX-License-Identifier: GPL-2.0
/*
 * pd_v4l2 - V4L2 helpers (vivid as the camera).  See pd_v4l2.h.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <ctype.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "pdtest.h"
#include "pd_v4l2.h"

#define VIVID_PARAMS \
	"n_devs=1 node_types=0x1 num_inputs=1 input_types=0x00 multiplanar=1"
#define VIVID_ALLOCATORS "/sys/module/vivid/parameters/allocators"

static int xioctl(int fd, unsigned long req, void *arg)
{
	int ret;

	do {
		ret = ioctl(fd, req, arg);
	} while (ret == -1 && errno == EINTR);
	return ret;
}

/* Drop trailing newlines of a command's output (for one-line messages). */
static char *chomp(char *s)
{
	size_t n;

	if (!s)
		return "";
	n = strlen(s);
	while (n && (s[n - 1] == '\n' || s[n - 1] == ' '))
		s[--n] = '\0';
	return s;
}

const char *pd_v4l2_fourcc_str(uint32_t fourcc)
{
	static char bufs[4][16];
	static unsigned int next;
	char *b = bufs[next++ % 4];
	int i;

	for (i = 0; i < 4; i++) {
		char c = (fourcc >> (8 * i)) & 0xff;

		if (!isprint((unsigned char)c)) {
			snprintf(b, sizeof(bufs[0]), "0x%08x", fourcc);
			return b;
		}
		b[i] = c;
	}
	b[4] = '\0';
	return b;
}

/* ---- vivid ----------------------------------------------------------------- */

int pd_vivid_unload(char **output)
{
	return pd_run_cmd(output, "rmmod vivid");
}

void pd_vivid_load(int allocator)
{
	char *out = NULL, line[64] = "";
	FILE *f;
	int rc;

	if (pd_kmod_loaded("vivid")) {
		rc = pd_vivid_unload(&out);
		pd_assert_f(rc == 0, "vivid is loaded and cannot be removed: rmmod exited with %d: %s",
			    rc, chomp(out));
		free(out);
		out = NULL;
	}
	rc = pd_run_cmd(&out, "modprobe vivid " VIVID_PARAMS " allocators=%d", allocator);
	pd_require(rc == 0, "cannot load vivid: modprobe exited with %d: %s", rc, chomp(out));
	free(out);

	f = fopen(VIVID_ALLOCATORS, "re");
	pd_require(f, "this kernel's vivid has no allocators parameter (%s: %s)",
		   VIVID_ALLOCATORS, strerror(errno));
	if (!fgets(line, sizeof(line), f))
		line[0] = '\0';
	fclose(f);
	/* An array parameter reads "1,0,0,...": the first is our device. */
	pd_require(atoi(line) == allocator, "vivid ignored allocators=%d (%s reads \"%s\")",
		   allocator, VIVID_ALLOCATORS, chomp(line));
	pd_info("vivid loaded with allocators=%d (%s)", allocator,
		allocator == PD_VIVID_DMA_CONTIG ? "videobuf2-dma-contig" : "videobuf2-vmalloc");
}

int pd_vivid_open(char *path, size_t len)
{
	char seen[512] = "", node[32];
	double end = pd_now() + 3.0;
	size_t n = 0;

	do {
		for (int i = 0; i < 64; i++) {
			struct v4l2_capability cap = { 0 };
			uint32_t caps;
			int fd;

			snprintf(node, sizeof(node), "/dev/video%d", i);
			fd = open(node, O_RDWR | O_NONBLOCK | O_CLOEXEC);
			if (fd < 0)
				continue;
			if (xioctl(fd, VIDIOC_QUERYCAP, &cap)) {
				close(fd);
				continue;
			}
			caps = cap.capabilities & V4L2_CAP_DEVICE_CAPS ?
			       cap.device_caps : cap.capabilities;
			if (!strcmp((char *)cap.driver, "vivid") &&
			    (caps & V4L2_CAP_VIDEO_CAPTURE) && (caps & V4L2_CAP_STREAMING)) {
				if (path)
					snprintf(path, len, "%s", node);
				pd_info("camera: %s (driver %s, card \"%s\")", node,
					(char *)cap.driver, (char *)cap.card);
				return fd;
			}
			if (n < sizeof(seen) - 40)
				n += snprintf(seen + n, sizeof(seen) - n, "%s%s=%s",
					      n ? ", " : "", node, (char *)cap.driver);
			close(fd);
		}
		/* The node may lag a moment behind modprobe. */
		pd_msleep(100);
	} while (pd_now() < end);

	pd_fail("no vivid video capture node among /dev/video0..63 (found: %s)",
		seen[0] ? seen : "none");
}

/* ---- formats ------------------------------------------------------------------ */

bool pd_v4l2_has_format(int fd, uint32_t fourcc)
{
	struct v4l2_fmtdesc desc;

	for (uint32_t i = 0; ; i++) {
		memset(&desc, 0, sizeof(desc));
		desc.index = i;
		desc.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
		if (xioctl(fd, VIDIOC_ENUM_FMT, &desc))
			return false;
		if (desc.pixelformat == fourcc)
			return true;
	}
}

void pd_v4l2_set_format(int fd, uint32_t width, uint32_t height, uint32_t fourcc,
			struct v4l2_pix_format *pix)
{
	struct v4l2_format fmt = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE };

	fmt.fmt.pix.width = width;
	fmt.fmt.pix.height = height;
	fmt.fmt.pix.pixelformat = fourcc;
	fmt.fmt.pix.field = V4L2_FIELD_NONE;
	pd_assert_f(xioctl(fd, VIDIOC_S_FMT, &fmt) == 0, "VIDIOC_S_FMT %ux%u %s failed",
		    width, height, pd_v4l2_fourcc_str(fourcc));
	pd_assert_f(fmt.fmt.pix.width == width && fmt.fmt.pix.height == height &&
		    fmt.fmt.pix.pixelformat == fourcc,
		    "VIDIOC_S_FMT %ux%u %s gave %ux%u %s", width, height,
		    pd_v4l2_fourcc_str(fourcc), fmt.fmt.pix.width, fmt.fmt.pix.height,
		    pd_v4l2_fourcc_str(fmt.fmt.pix.pixelformat));
	pd_assert_f(fmt.fmt.pix.bytesperline && fmt.fmt.pix.sizeimage >=
		    (uint64_t)fmt.fmt.pix.bytesperline * height,
		    "VIDIOC_S_FMT: bytesperline %u, sizeimage %u for %u lines",
		    fmt.fmt.pix.bytesperline, fmt.fmt.pix.sizeimage, height);
	pd_info("camera format: %ux%u %s, bytesperline %u, sizeimage %u",
		fmt.fmt.pix.width, fmt.fmt.pix.height,
		pd_v4l2_fourcc_str(fmt.fmt.pix.pixelformat), fmt.fmt.pix.bytesperline,
		fmt.fmt.pix.sizeimage);
	*pix = fmt.fmt.pix;
}

void pd_v4l2_set_fps(int fd, uint32_t fps)
{
	struct v4l2_streamparm parm = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE };

	parm.parm.capture.timeperframe.numerator = 1;
	parm.parm.capture.timeperframe.denominator = fps;
	pd_assert_f(xioctl(fd, VIDIOC_S_PARM, &parm) == 0, "VIDIOC_S_PARM %u fps failed", fps);
}

/* ---- buffers ------------------------------------------------------------------ */

int __pd_v4l2_reqbufs(int fd, uint32_t memory, uint32_t count)
{
	struct v4l2_requestbuffers req = {
		.count = count,
		.type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
		.memory = memory,
	};

	if (xioctl(fd, VIDIOC_REQBUFS, &req))
		return -1;
	return req.count;
}

uint32_t pd_v4l2_reqbufs(int fd, uint32_t memory, uint32_t count)
{
	int n = __pd_v4l2_reqbufs(fd, memory, count);

	pd_assert_f(n >= 0, "VIDIOC_REQBUFS count %u memory %s failed", count,
		    memory == V4L2_MEMORY_DMABUF ? "DMABUF" : "MMAP");
	pd_assert_f(count == 0 || n > 0, "VIDIOC_REQBUFS count %u granted no buffer", count);
	return n;
}

void *pd_v4l2_mmap(int fd, uint32_t index, size_t *length, int prot)
{
	struct v4l2_buffer buf = {
		.index = index,
		.type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
		.memory = V4L2_MEMORY_MMAP,
	};
	void *ptr;

	pd_assert_f(xioctl(fd, VIDIOC_QUERYBUF, &buf) == 0, "VIDIOC_QUERYBUF %u failed", index);
	ptr = mmap(NULL, buf.length, prot, MAP_SHARED, fd, buf.m.offset);
	pd_assert_f(ptr != MAP_FAILED, "mmap of V4L2 buffer %u (%u bytes) failed", index,
		    buf.length);
	if (length)
		*length = buf.length;
	return ptr;
}

int __pd_v4l2_expbuf(int fd, uint32_t index)
{
	struct v4l2_exportbuffer exp = {
		.type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
		.index = index,
		.flags = O_RDWR | O_CLOEXEC,
	};

	if (xioctl(fd, VIDIOC_EXPBUF, &exp))
		return -1;
	return exp.fd;
}

int pd_v4l2_expbuf(int fd, uint32_t index)
{
	int dmabuf = __pd_v4l2_expbuf(fd, index);

	pd_assert_f(dmabuf >= 0, "VIDIOC_EXPBUF of buffer %u failed", index);
	return dmabuf;
}

int __pd_v4l2_qbuf(int fd, uint32_t memory, uint32_t index, int dmabuf_fd,
		   uint32_t length)
{
	struct v4l2_buffer buf = {
		.index = index,
		.type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
		.memory = memory,
		.field = V4L2_FIELD_NONE,
	};

	if (memory == V4L2_MEMORY_DMABUF) {
		buf.m.fd = dmabuf_fd;
		buf.length = length;
	}
	return xioctl(fd, VIDIOC_QBUF, &buf);
}

void pd_v4l2_qbuf(int fd, uint32_t memory, uint32_t index, int dmabuf_fd,
		  uint32_t length)
{
	pd_assert_f(__pd_v4l2_qbuf(fd, memory, index, dmabuf_fd, length) == 0,
		    "VIDIOC_QBUF of buffer %u failed", index);
}

int __pd_v4l2_dqbuf(int fd, uint32_t memory, struct v4l2_buffer *buf,
		    unsigned int timeout_ms)
{
	double end = pd_now() + timeout_ms / 1000.0;

	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		double left = end - pd_now();
		int ret;

		memset(buf, 0, sizeof(*buf));
		buf->type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
		buf->memory = memory;
		ret = xioctl(fd, VIDIOC_DQBUF, buf);
		if (ret == 0 || errno != EAGAIN)
			return ret;
		if (left <= 0) {
			errno = ETIME;
			return -1;
		}
		ret = poll(&pfd, 1, (int)(left * 1000) + 1);
		if (ret < 0 && errno != EINTR)
			return -1;
	}
}

void pd_v4l2_dqbuf(int fd, uint32_t memory, struct v4l2_buffer *buf,
		   unsigned int timeout_ms)
{
	pd_assert_f(__pd_v4l2_dqbuf(fd, memory, buf, timeout_ms) == 0,
		    "VIDIOC_DQBUF: no frame within %u ms", timeout_ms);
	pd_assert_f(!(buf->flags & V4L2_BUF_FLAG_ERROR),
		    "buffer %u was dequeued with V4L2_BUF_FLAG_ERROR", buf->index);
}

void pd_v4l2_streamon(int fd)
{
	int type = V4L2_BUF_TYPE_VIDEO_CAPTURE;

	pd_assert_f(xioctl(fd, VIDIOC_STREAMON, &type) == 0, "VIDIOC_STREAMON failed");
}

void pd_v4l2_streamoff(int fd)
{
	int type = V4L2_BUF_TYPE_VIDEO_CAPTURE;

	pd_assert_f(xioctl(fd, VIDIOC_STREAMOFF, &type) == 0, "VIDIOC_STREAMOFF failed");
}
