// SPDX-License-Identifier: GPL-2.0
/*
 * pd-pattern - show a test pattern on a primedisp output and save what the
 * output scans out as a PNG.
 *
 * The PNG is not made from the pattern in our own memory: after the mode is
 * set, the framebuffer the CRTC really scans out is looked up in the kernel
 * (GETCRTC, GETFB2), its buffer opened again by handle and read from there.
 *
 * Copyright (C) 2026 The primedisp authors
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <xf86drm.h>
#include <xf86drmMode.h>
#include <drm_fourcc.h>

#include "pd-common.h"
#include "pd-png.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: pd-pattern [OPTIONS]\n"
		"Show SMPTE-like colour bars on a primedisp output and save the\n"
		"scanned-out frame as a PNG.\n\n"
		"  -d, --device PATH   DRM card node (default: the card named primedisp)\n"
		"  -m, --mode WxH      mode to set (default: the preferred mode)\n"
		"  -s, --seconds N     keep the pattern on screen N seconds (default 2)\n"
		"  -o, --png FILE      save the framebuffer the CRTC scans out to FILE\n"
		"  -w, --writeback FILE  save the frame the CRTC composes, captured\n"
		"                      through its writeback connector, to FILE\n"
		"  -h, --help          this text\n");
}

/* Save the framebuffer currently scanned out by @crtc_id as a PNG. */
static int save_scanout_png(int fd, uint32_t crtc_id, const char *path)
{
	drmModeCrtcPtr crtc = drmModeGetCrtc(fd, crtc_id);
	drmModeFB2Ptr fb;
	struct pd_mapping map;
	int ret = -1;

	if (!crtc || !crtc->buffer_id) {
		fprintf(stderr, "pd-pattern: CRTC %u scans out nothing\n", crtc_id);
		drmModeFreeCrtc(crtc);
		return -1;
	}
	fb = drmModeGetFB2(fd, crtc->buffer_id);
	drmModeFreeCrtc(crtc);
	if (!fb || !fb->handles[0]) {
		fprintf(stderr, "pd-pattern: GETFB2 failed: %s (needs root)\n", strerror(errno));
		drmModeFreeFB2(fb);
		return -1;
	}
	if (fb->pixel_format != DRM_FORMAT_XRGB8888) {
		fprintf(stderr, "pd-pattern: scanout format %.4s is not XRGB8888\n",
			(char *)&fb->pixel_format);
		goto out_fb;
	}
	if (pd_map_handle(fd, fb->handles[0], (size_t)fb->pitches[0] * fb->height +
			  fb->offsets[0], &map))
		goto out_fb;

	if (pd_png_write_xrgb8888("pd-pattern", path, (uint8_t *)map.ptr + fb->offsets[0],
				  fb->width, fb->height, fb->pitches[0]) == 0) {
		printf("pd-pattern: saved the scanned-out %ux%u frame to %s\n",
		       fb->width, fb->height, path);
		ret = 0;
	}
	pd_unmap(&map);
out_fb:
	drmModeFreeFB2(fb);
	return ret;
}

/*
 * Save the frame @out's CRTC composes, captured through its writeback
 * connector, as a PNG: what the display really shows, not the bytes we drew.
 */
static int save_writeback_png(int fd, const struct pd_output *out, const char *path)
{
	uint32_t w = out->mode.hdisplay, h = out->mode.vdisplay, wb = 0, fb_id = 0;
	drmModeResPtr res = drmModeGetResources(fd);
	struct pd_dumb cap;
	int idx = -1, ret = -1;

	for (int i = 0; res && i < res->count_crtcs; i++)
		if (res->crtcs[i] == out->crtc_id)
			idx = i;
	drmModeFreeResources(res);
	if (drmSetClientCap(fd, DRM_CLIENT_CAP_ATOMIC, 1) ||
	    drmSetClientCap(fd, DRM_CLIENT_CAP_WRITEBACK_CONNECTORS, 1) || idx < 0 ||
	    !(wb = pd_writeback_connector(fd, idx))) {
		fprintf(stderr, "pd-pattern: CRTC %u has no writeback connector to capture "
			"with\n", out->crtc_id);
		return -1;
	}
	if (pd_dumb_create(fd, w, h, 32, &cap))
		return -1;
	if (drmModeAddFB2(fd, w, h, DRM_FORMAT_XRGB8888, (uint32_t[4]){ cap.handle },
			  (uint32_t[4]){ cap.pitch }, (uint32_t[4]){ 0 }, &fb_id, 0)) {
		fprintf(stderr, "pd-pattern: ADDFB2 of the capture buffer failed: %s\n",
			strerror(errno));
		goto out;
	}
	if (pd_writeback_capture("pd-pattern", fd, out->crtc_id, wb, fb_id, 10000) == 0 &&
	    pd_png_write_xrgb8888("pd-pattern", path, cap.map.ptr, w, h, cap.pitch) == 0) {
		printf("pd-pattern: saved the %ux%u frame captured by writeback to %s\n", w, h,
		       path);
		ret = 0;
	}
	drmModeRmFB(fd, fb_id);
out:
	pd_dumb_destroy(fd, &cap);
	return ret;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "mode", required_argument, NULL, 'm' },
		{ "seconds", required_argument, NULL, 's' },
		{ "png", required_argument, NULL, 'o' },
		{ "writeback", required_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *device = NULL, *png_path = NULL, *wb_path = NULL;
	unsigned int want_w = 0, want_h = 0, seconds = 2;
	struct pd_output out;
	struct pd_dumb dumb;
	uint32_t fb_id;
	int fd, c, ret = 1;

	while ((c = getopt_long(argc, argv, "d:m:s:o:w:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': device = optarg; break;
		case 'm':
			if (sscanf(optarg, "%ux%u", &want_w, &want_h) != 2) {
				fprintf(stderr, "pd-pattern: --mode wants WxH, e.g. 800x600\n");
				return 2;
			}
			break;
		case 's': seconds = strtoul(optarg, NULL, 0); break;
		case 'o': png_path = optarg; break;
		case 'w': wb_path = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}

	fd = pd_open_device(device);
	if (fd < 0)
		return 1;
	if (pd_find_output(fd, want_w, want_h, &out))
		goto out_close;
	if (pd_dumb_create(fd, out.mode.hdisplay, out.mode.vdisplay, 32, &dumb))
		goto out_close;
	pd_draw_bars(dumb.map.ptr, dumb.width, dumb.height, dumb.pitch);

	if (drmModeAddFB2(fd, dumb.width, dumb.height, DRM_FORMAT_XRGB8888,
			  (uint32_t[4]){ dumb.handle }, (uint32_t[4]){ dumb.pitch },
			  (uint32_t[4]){ 0 }, &fb_id, 0)) {
		fprintf(stderr, "pd-pattern: ADDFB2 failed: %s\n", strerror(errno));
		goto out_dumb;
	}
	if (drmModeSetCrtc(fd, out.crtc_id, fb_id, 0, 0, &out.connector_id, 1,
			   &out.mode)) {
		fprintf(stderr, "pd-pattern: mode set %s on CRTC %u failed: %s\n",
			out.mode.name, out.crtc_id, strerror(errno));
		goto out_fb;
	}
	printf("pd-pattern: showing colour bars at %s on connector %u, CRTC %u\n",
	       out.mode.name, out.connector_id, out.crtc_id);
	fflush(stdout);

	ret = 0;
	if (png_path && save_scanout_png(fd, out.crtc_id, png_path))
		ret = 1;
	if (wb_path && save_writeback_png(fd, &out, wb_path))
		ret = 1;
	sleep(seconds);
out_fb:
	drmModeRmFB(fd, fb_id);
out_dumb:
	pd_dumb_destroy(fd, &dumb);
out_close:
	close(fd);
	return ret;
}
