// SPDX-License-Identifier: GPL-2.0
/*
 * pd_crc - what the display shows: primedisp's CRTC CRCs, read through
 * DRM's debugfs interface, and the reference values tests compute from the
 * pixels they wrote.
 */
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <xf86drm.h>
#include <drm_fourcc.h>

#include "pd_compose_trace.h"
#include "pd_crc.h"
#include "pdtest.h"

/*
 * primedisp's CRTC CRC (debugfs crtc-N/crc, source "auto") is its frame
 * checksum (pd_fsum.h) of the composed frame, line by line, each pixel a
 * little-endian XRGB8888 word with X = 0.  The expected value is computed
 * here from the pixels the test reads itself.
 */
/* Expected CRC of a @w x @h frame of 32-bit @format at @p filling the CRTC. */
uint32_t pd_frame_crc(const uint8_t *p, uint32_t w, uint32_t h, uint32_t pitch,
			  uint32_t format)
{
	uint8_t *line = malloc((size_t)w * 4);
	struct pd_fsum sum;
	bool rgb_order;

	pd_assert(line);
	pd_fsum_init(&sum);
	switch (format) {
	case DRM_FORMAT_XRGB8888:
	case DRM_FORMAT_ARGB8888:
		rgb_order = false;	/* bytes B, G, R, X */
		break;
	case DRM_FORMAT_XBGR8888:
	case DRM_FORMAT_ABGR8888:
		rgb_order = true;	/* bytes R, G, B, X */
		break;
	default:
		pd_fail("no reference CRC for format %.4s", (const char *)&format);
	}
	for (uint32_t y = 0; y < h; y++) {
		const uint8_t *src = p + (size_t)y * pitch;

		for (uint32_t x = 0; x < w; x++, src += 4) {
			line[4 * x] = rgb_order ? src[2] : src[0];
			line[4 * x + 1] = src[1];
			line[4 * x + 2] = rgb_order ? src[0] : src[2];
			line[4 * x + 3] = 0;
		}
		pd_fsum_line(&sum, line, (size_t)w * 4, PD_FSUM_ALL);
	}
	free(line);
	return pd_fsum_final(&sum);
}

/*
 * The CRC of what CRTC @crtc_idx shows, from a frame that starts after this
 * call; false if the device has no CRC interface (debugfs).
 */
int pd_crtc_crc_frames(int fd, int crtc_idx, int max,
		       bool (*fn)(uint32_t crc, uint32_t frame, void *arg), void *arg)
{
	drmVBlank vbl = {
		.request.type = (drmVBlankSeqType)(DRM_VBLANK_RELATIVE |
						   (crtc_idx << DRM_VBLANK_HIGH_CRTC_SHIFT)),
	};
	char dir[64], path[128], line[64];
	uint32_t frame = 0, target, crc;
	int ctl, data, nread = 0;

	if (!pd_debugfs_dir(fd, dir, sizeof(dir)))
		return 0;
	snprintf(path, sizeof(path), "%s/crtc-%d/crc/control", dir, crtc_idx);
	ctl = open(path, O_WRONLY | O_CLOEXEC);
	if (ctl < 0)
		return 0;
	pd_assert_f(write(ctl, "auto", 4) == 4, "cannot select CRC source auto");
	pd_assert_f(drmWaitVBlank(fd, &vbl) == 0, "WAIT_VBLANK on CRTC %d failed", crtc_idx);
	target = vbl.reply.sequence + 1;
	snprintf(path, sizeof(path), "%s/crtc-%d/crc/data", dir, crtc_idx);
	data = open(path, O_RDONLY | O_CLOEXEC);
	pd_assert_f(data >= 0, "cannot open %s", path);
	while (nread < max) {
		struct pollfd pfd = { .fd = data, .events = POLLIN };
		ssize_t n;

		pd_assert_f(poll(&pfd, 1, 10000) == 1, "no CRC within 10 s");
		n = read(data, line, sizeof(line) - 1);	/* one entry per read */
		pd_assert_f(n > 0, "reading %s failed", path);
		line[n] = '\0';
		pd_assert_f(sscanf(line, "0x%x 0x%x", &frame, &crc) == 2,
			    "malformed CRC entry \"%s\"", line);
		if ((int32_t)(frame - target) < 0)
			continue;	/* a frame that began before the call */
		nread++;
		if (!fn(crc, frame, arg))
			break;
	}
	close(data);
	close(ctl);
	return nread;
}

static bool first_crc(uint32_t crc, uint32_t frame, void *arg)
{
	(void)frame;
	*(uint32_t *)arg = crc;
	return false;
}

bool pd_crtc_crc(int fd, int crtc_idx, uint32_t *crc)
{
	return pd_crtc_crc_frames(fd, crtc_idx, 1, first_crc, crc) == 1;
}

void pd_composer_counters(int fd, long long *frames, long long *bytes)
{
	long long ns;

	(void)fd;
	pd_require(pd_compose_trace_read(frames, bytes, &ns),
		   "no tracefs or no primedisp:primedisp_compose tracepoint");
}
