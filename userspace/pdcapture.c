// SPDX-License-Identifier: GPL-2.0
/*
 * pdcapture - grab what a primedisp output shows into a PNG, through the
 * output's writeback connector: the frame as composed from all its planes
 * (overlays, cursor, YUV camera buffers, scaling, rotation), not just one
 * framebuffer.
 *
 * It commits a writeback job on the CRTC (nothing on screen changes), waits
 * for the job's out-fence, and writes the XRGB8888 result as a PNG.  A
 * writeback commit needs DRM master: while another program (a compositor,
 * kmscube, cam2disp) holds it, --method=getfb reads the primary plane's
 * framebuffer instead (root only; 32-bit RGB formats; no other planes).
 *
 * Copyright (C) 2026 The primedisp authors
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/dma-buf.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <drm_fourcc.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include "pd-common.h"
#include "pd-png.h"

#define TOOL "pdcapture"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: " TOOL " [OPTIONS] FILE.png\n"
		"Save the frame a primedisp output shows, composed from all its planes,\n"
		"as a PNG, using the output's writeback connector.\n"
		"\n"
		"  -d, --device PATH   DRM card node (default: the first primedisp card)\n"
		"  -c, --crtc N        CRTC index (default: the first active CRTC)\n"
		"  -n, --count N       capture N frames, FILE gets -1, -2, ... before .png\n"
		"                      (default 1)\n"
		"  -m, --method M      writeback (default: the composed frame; needs DRM\n"
		"                      master) or getfb (the primary plane's framebuffer,\n"
		"                      read through GETFB2: works while another program is\n"
		"                      master; root only; XR24/AR24/XB24/AB24)\n"
		"  -h, --help          this text\n"
		"\n"
		"The writeback method needs DRM master (root, and no compositor holding\n"
		"the device) because a capture is an atomic commit.\n"
		"Exit status: 0 saved, 1 failed.\n");
}

/* The active CRTC @want (or the first active one) and its writeback connector. */
static int find_crtc(int fd, int want, uint32_t *crtc_id, drmModeModeInfo *mode,
		     uint32_t *wb_conn, bool need_wb)
{
	drmModeResPtr res = drmModeGetResources(fd);
	int idx = -1;

	if (!res) {
		fprintf(stderr, TOOL ": not a KMS device\n");
		return -1;
	}
	for (int i = 0; i < res->count_crtcs && idx < 0; i++) {
		drmModeCrtcPtr c = drmModeGetCrtc(fd, res->crtcs[i]);

		if (c && c->mode_valid && (want < 0 || want == i)) {
			idx = i;
			*crtc_id = c->crtc_id;
			*mode = c->mode;
		}
		drmModeFreeCrtc(c);
	}
	drmModeFreeResources(res);
	*wb_conn = idx >= 0 ? pd_writeback_connector(fd, idx) : 0;
	if (idx < 0) {
		fprintf(stderr, want < 0 ? TOOL ": no active CRTC: nothing is shown\n" :
			TOOL ": CRTC %d is not active\n", want);
		return -1;
	}
	if (!*wb_conn && need_wb) {
		fprintf(stderr, TOOL ": CRTC %d has no writeback connector\n", idx);
		return -1;
	}
	return idx;
}

/*
 * --method=getfb: copy the framebuffer CRTC @crtc_id scans out (GETFB2
 * gives root its handles) into @dst as XRGB8888, reading an imported
 * buffer through its dma-buf.  0 or -1.
 */
static int grab_fb(int fd, uint32_t crtc_id, uint8_t *dst, uint32_t dpitch, uint32_t w,
		   uint32_t h)
{
	drmModeCrtcPtr crtc = drmModeGetCrtc(fd, crtc_id);
	drmModeFB2Ptr fb = crtc && crtc->buffer_id ? drmModeGetFB2(fd, crtc->buffer_id) : NULL;
	struct dma_buf_sync sync = { .flags = DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ };
	bool bgr;
	size_t size;
	int dmabuf = -1, ret = -1;
	uint8_t *map;

	drmModeFreeCrtc(crtc);
	if (!fb || !fb->handles[0]) {
		fprintf(stderr, TOOL ": GETFB2 gave no buffer handle (%s): run as root\n",
			strerror(errno));
		goto out;
	}
	switch (fb->pixel_format) {
	case DRM_FORMAT_XRGB8888: case DRM_FORMAT_ARGB8888: bgr = false; break;
	case DRM_FORMAT_XBGR8888: case DRM_FORMAT_ABGR8888: bgr = true; break;
	default:
		fprintf(stderr, TOOL ": the primary plane shows %.4s; --method=getfb reads "
			"32-bit RGB only (use --method=writeback)\n", (char *)&fb->pixel_format);
		goto out;
	}
	size = (size_t)fb->offsets[0] + (size_t)fb->pitches[0] * fb->height;
	if (drmPrimeHandleToFD(fd, fb->handles[0], DRM_CLOEXEC, &dmabuf)) {
		fprintf(stderr, TOOL ": exporting the framebuffer failed: %s\n", strerror(errno));
		goto out;
	}
	map = mmap(NULL, size, PROT_READ, MAP_SHARED, dmabuf, 0);
	if (map == MAP_FAILED) {
		fprintf(stderr, TOOL ": mapping the framebuffer's dma-buf failed: %s\n",
			strerror(errno));
		goto out;
	}
	ioctl(dmabuf, DMA_BUF_IOCTL_SYNC, &sync);
	for (uint32_t y = 0; y < h && y < fb->height; y++) {
		const uint8_t *s = map + fb->offsets[0] + (size_t)y * fb->pitches[0];
		uint8_t *d = dst + (size_t)y * dpitch;

		for (uint32_t x = 0; x < w && x < fb->width; x++, s += 4, d += 4) {
			d[0] = bgr ? s[2] : s[0];
			d[1] = s[1];
			d[2] = bgr ? s[0] : s[2];
			d[3] = 0;
		}
	}
	sync.flags = DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ;
	ioctl(dmabuf, DMA_BUF_IOCTL_SYNC, &sync);
	munmap(map, size);
	ret = 0;
out:
	if (dmabuf >= 0)
		close(dmabuf);
	if (fb && fb->handles[0])
		drmCloseBufferHandle(fd, fb->handles[0]);
	drmModeFreeFB2(fb);
	return ret;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "crtc", required_argument, NULL, 'c' },
		{ "count", required_argument, NULL, 'n' },
		{ "method", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ }
	};
	const char *device = NULL, *path;
	int want = -1, count = 1, fd, idx, opt, status = 1;
	bool getfb = false;
	uint32_t crtc_id, wb_conn, fb_id;
	drmModeModeInfo mode;
	struct pd_dumb buf;

	while ((opt = getopt_long(argc, argv, "d:c:n:m:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'm':
			if (strcmp(optarg, "writeback") && strcmp(optarg, "getfb")) {
				fprintf(stderr, TOOL ": --method is writeback or getfb\n");
				return 1;
			}
			getfb = !strcmp(optarg, "getfb");
			break;
		case 'd': device = optarg; break;
		case 'c': want = atoi(optarg); break;
		case 'n': count = atoi(optarg); break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 1;
		}
	}
	if (optind != argc - 1 || count < 1) {
		usage(stderr);
		return 1;
	}
	path = argv[optind];

	fd = pd_open_device(device);
	if (fd < 0)
		return 1;
	if (drmSetClientCap(fd, DRM_CLIENT_CAP_ATOMIC, 1) ||
	    drmSetClientCap(fd, DRM_CLIENT_CAP_WRITEBACK_CONNECTORS, 1)) {
		fprintf(stderr, TOOL ": the kernel refused the atomic/writeback client caps\n");
		return 1;
	}
	idx = find_crtc(fd, want, &crtc_id, &mode, &wb_conn, !getfb);
	if (idx < 0)
		return 1;
	if (pd_dumb_create(fd, mode.hdisplay, mode.vdisplay, 32, &buf) ||
	    drmModeAddFB2(fd, buf.width, buf.height, DRM_FORMAT_XRGB8888,
			  (uint32_t[4]){ buf.handle }, (uint32_t[4]){ buf.pitch },
			  (uint32_t[4]){ 0 }, &fb_id, 0)) {
		fprintf(stderr, TOOL ": cannot make a %ux%u capture buffer\n", mode.hdisplay,
			mode.vdisplay);
		return 1;
	}
	for (int i = 1; i <= count; i++) {
		char name[4096];

		if (count == 1)
			snprintf(name, sizeof(name), "%s", path);
		else
			snprintf(name, sizeof(name), "%.*s-%d.png",
				 (int)(strlen(path) > 4 && !strcmp(path + strlen(path) - 4, ".png") ?
				       strlen(path) - 4 : strlen(path)), path, i);
		if ((getfb ? grab_fb(fd, crtc_id, buf.map.ptr, buf.pitch, buf.width, buf.height) :
			     pd_writeback_capture(TOOL, fd, crtc_id, wb_conn, fb_id, 5000)) ||
		    pd_png_write_xrgb8888(TOOL, name, buf.map.ptr, buf.width, buf.height,
					  buf.pitch))
			goto out;
		printf(TOOL ": CRTC %d (%ux%u, %s): frame %d of %d saved to %s\n", idx,
		       buf.width, buf.height, getfb ? "primary plane's framebuffer" :
		       "writeback of the composed frame", i, count, name);
	}
	status = 0;
out:
	drmModeRmFB(fd, fb_id);
	pd_dumb_destroy(fd, &buf);
	close(fd);
	return status;
}
