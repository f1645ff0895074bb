// SPDX-License-Identifier: GPL-2.0
/*
 * kms_pipe_crc_basic_pd - primedisp's CRCs through DRM's debugfs interface.
 *
 * The CRC of a frame must be a function of the colours on screen only: the
 * same picture in different buffers or pixel formats gives the same CRC, a
 * different picture a different one, and the value equals the checksum
 * (pd_fsum.h) of the frame as this test renders it in userspace (XRGB8888
 * pixels, X byte 0, little endian, line by line).  Frame numbers are vblank counts.
 */
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xf86drm.h>
#include <xf86drmMode.h>
#include <drm_fourcc.h>

#include "pd_client.h"
#include "pd_crc.h"
#include "pd_kms.h"
#include "pdtest.h"

struct output {
	int fd;
	uint32_t conn, crtc;
	int crtc_index;
	drmModeModeInfo mode;
};

struct fb {
	uint32_t id, handle;
};

struct crc_reader {
	int ctl, data;
};

static void setup_output(struct output *o)
{
	struct pd_kms_output k;

	o->fd = pd_open_card(NULL);
	pd_kms_find_output(o->fd, &k);
	o->conn = k.conn;
	o->crtc = k.crtc;
	o->crtc_index = k.crtc_index;
	o->mode = k.mode;
}

/* A full-screen framebuffer of @format filled with the colour @rgb. */
static struct fb make_fb(struct output *o, uint32_t format, uint32_t rgb)
{
	uint32_t w = o->mode.hdisplay, h = o->mode.vdisplay, pitch, bpp;
	uint8_t r = rgb >> 16, g = rgb >> 8, b = rgb;
	uint64_t size;
	uint8_t *p;
	struct fb fb;

	bpp = format == DRM_FORMAT_RGB565 ? 16 :
	      (format == DRM_FORMAT_RGB888 || format == DRM_FORMAT_BGR888) ? 24 : 32;
	fb.handle = pd_dumb_create(o->fd, w, h, bpp, &pitch, &size);
	p = pd_dumb_map(o->fd, fb.handle, size, PROT_READ | PROT_WRITE);
	for (uint32_t y = 0; y < h; y++) {
		uint8_t *l = p + (size_t)y * pitch;

		for (uint32_t x = 0; x < w; x++) {
			switch (format) {
			case DRM_FORMAT_XRGB8888:
				l[4 * x] = b; l[4 * x + 1] = g; l[4 * x + 2] = r;
				l[4 * x + 3] = 0x5a;	/* X: must not matter */
				break;
			case DRM_FORMAT_XBGR8888:
				l[4 * x] = r; l[4 * x + 1] = g; l[4 * x + 2] = b;
				l[4 * x + 3] = 0xa5;
				break;
			case DRM_FORMAT_RGB565: {
				uint16_t v = (r >> 3) << 11 | (g >> 2) << 5 | (b >> 3);

				l[2 * x] = v; l[2 * x + 1] = v >> 8;
				break;
			}
			case DRM_FORMAT_RGB888:
				l[3 * x] = b; l[3 * x + 1] = g; l[3 * x + 2] = r;
				break;
			case DRM_FORMAT_BGR888:
				l[3 * x] = r; l[3 * x + 1] = g; l[3 * x + 2] = b;
				break;
			default:
				pd_fail("format not handled by the test");
			}
		}
	}
	munmap(p, size);
	pd_assert(drmModeAddFB2(o->fd, w, h, format, (uint32_t[4]){ fb.handle },
				(uint32_t[4]){ pitch }, (uint32_t[4]){ 0 }, &fb.id, 0) == 0);
	return fb;
}

static void show(struct output *o, struct fb *fb)
{
	pd_assert_eq(drmModeSetCrtc(o->fd, o->crtc, fb->id, 0, 0, &o->conn, 1,
				    &o->mode), 0);
}

static void crc_start(struct output *o, struct crc_reader *r)
{
	char dir[256], path[512];

	pd_require(pd_debugfs_dir(o->fd, dir, sizeof(dir)), "debugfs not available");
	snprintf(path, sizeof(path), "%s/crtc-%d/crc/control", dir, o->crtc_index);
	r->ctl = open(path, O_WRONLY);
	pd_assert_f(r->ctl >= 0, "open %s (the driver must implement CRC sources)", path);
	pd_assert(write(r->ctl, "auto", 4) == 4);
	snprintf(path, sizeof(path), "%s/crtc-%d/crc/data", dir, o->crtc_index);
	r->data = open(path, O_RDONLY);
	pd_assert_f(r->data >= 0, "open %s", path);
}

static void crc_stop(struct crc_reader *r)
{
	close(r->data);
	close(r->ctl);
}

/* Read one entry: "0x%08x 0x%08x\n" (frame, value). */
static void crc_read(struct crc_reader *r, uint32_t *frame, uint32_t *value)
{
	char line[64];
	struct pollfd pfd = { .fd = r->data, .events = POLLIN };
	ssize_t n;

	pd_assert_f(poll(&pfd, 1, 5000) == 1, "no CRC within 5 s");
	n = read(r->data, line, sizeof(line) - 1);	/* one entry per read */
	/* "0x%08x 0x%08x\n" and the terminating NUL the kernel copies too. */
	pd_assert_f(n == 23 && line[22] == '\0', "CRC line of %zd bytes", n);
	line[n] = 0;
	pd_assert_f(sscanf(line, "0x%8x 0x%8x", frame, value) == 2 && line[21] == '\n',
		    "malformed CRC line '%s'", line);
}

/* The CRC of the picture on screen, read after the frame after now. */
static uint32_t crc_current(struct output *o)
{
	struct crc_reader r;
	drmVBlank vbl = { .request.type = DRM_VBLANK_RELATIVE };
	uint32_t frame, value, target;

	pd_assert(drmWaitVBlank(o->fd, &vbl) == 0);
	target = vbl.reply.sequence + 1;
	crc_start(o, &r);
	do {
		crc_read(&r, &frame, &value);
	} while ((int32_t)(frame - target) < 0);
	crc_stop(&r);
	return value;
}

static void test_read_crc(void)
{
	struct output o;
	struct crc_reader r;
	struct fb fb;
	uint32_t frame, value, prev_frame = 0, first = 0;

	setup_output(&o);
	fb = make_fb(&o, DRM_FORMAT_XRGB8888, 0x3366cc);
	show(&o, &fb);
	crc_start(&o, &r);
	for (int i = 0; i < 10; i++) {
		crc_read(&r, &frame, &value);
		if (i) {
			pd_assert_f(frame == prev_frame + 1,
				    "frame %u after %u: not consecutive", frame, prev_frame);
			pd_assert_f(value == first, "static picture, CRC changed 0x%08x -> 0x%08x",
				    first, value);
		} else {
			first = value;
		}
		prev_frame = frame;
	}
	crc_stop(&r);
	pd_assert_eq(first, pd_solid_crc(o.mode.hdisplay, o.mode.vdisplay, 0x3366cc));
	close(o.fd);
}

/* CRC frame numbers are vblank counts. */
static void test_frame_is_vblank(void)
{
	struct output o;
	struct crc_reader r;
	struct fb fb;
	drmVBlank vbl;
	uint32_t frame, value;

	setup_output(&o);
	fb = make_fb(&o, DRM_FORMAT_XRGB8888, 0x102030);
	show(&o, &fb);
	crc_start(&o, &r);
	crc_read(&r, &frame, &value);
	for (int i = 0; i < 5; i++) {
		memset(&vbl, 0, sizeof(vbl));
		vbl.request.type = DRM_VBLANK_ABSOLUTE;
		vbl.request.sequence = frame + 2;
		pd_assert(drmWaitVBlank(o.fd, &vbl) == 0);
		/* Entries up to frame + 2 exist now or very soon; find it. */
		do {
			crc_read(&r, &frame, &value);
		} while ((int32_t)(frame - vbl.reply.sequence) < 0);
		pd_assert_f(frame == vbl.reply.sequence,
			    "CRC for frame %u where vblank %u was expected",
			    frame, vbl.reply.sequence);
	}
	crc_stop(&r);
	close(o.fd);
}

/* Same colours in any format and buffer: same CRC; other colours: other CRC. */
static void test_compare_formats(void)
{
	static const uint32_t formats[] = {
		DRM_FORMAT_XRGB8888, DRM_FORMAT_XBGR8888, DRM_FORMAT_RGB888,
		DRM_FORMAT_BGR888, DRM_FORMAT_RGB565,
	};
	/* Colours exact in RGB565 too (5/6/5 bits with replicated low bits). */
	static const uint32_t colours[] = { 0xffffff, 0x000000, 0xff0000, 0x00ff00, 0x0000ff };
	struct output o;
	uint32_t ref[5];

	setup_output(&o);
	for (size_t c = 0; c < 5; c++) {
		ref[c] = pd_solid_crc(o.mode.hdisplay, o.mode.vdisplay, colours[c]);
		for (size_t c2 = 0; c2 < c; c2++)
			pd_assert(ref[c] != ref[c2]);
	}
	for (size_t f = 0; f < sizeof(formats) / sizeof(formats[0]); f++) {
		for (size_t c = 0; c < 5; c++) {
			struct fb fb = make_fb(&o, formats[f], colours[c]);
			uint32_t crc;

			show(&o, &fb);
			crc = crc_current(&o);
			pd_assert_f(crc == ref[c], "format %.4s colour %06x: CRC 0x%08x, expected 0x%08x",
				    (const char *)&formats[f], colours[c], crc, ref[c]);
			drmModeRmFB(o.fd, fb.id);
			pd_dumb_destroy(o.fd, fb.handle);
		}
	}
	close(o.fd);
}

/* CRCs keep coming, consecutive and each one of the two pictures, while flipping. */
static void test_nonblocking_crc(void)
{
	struct output o;
	struct crc_reader r;
	struct fb a, b;
	uint32_t ca, cb, frame, value, prev = 0;
	int flips = 0, seen_a = 0, seen_b = 0;

	setup_output(&o);
	a = make_fb(&o, DRM_FORMAT_XRGB8888, 0xff8000);
	b = make_fb(&o, DRM_FORMAT_XRGB8888, 0x0080ff);
	ca = pd_solid_crc(o.mode.hdisplay, o.mode.vdisplay, 0xff8000);
	cb = pd_solid_crc(o.mode.hdisplay, o.mode.vdisplay, 0x0080ff);
	show(&o, &a);
	crc_start(&o, &r);
	for (int i = 0; i < 40; i++) {
		drmEventContext ev = { .version = 2 };
		struct pollfd pfd = { .fd = o.fd, .events = POLLIN };

		if (drmModePageFlip(o.fd, o.crtc, (i & 1) ? a.id : b.id,
				    DRM_MODE_PAGE_FLIP_EVENT, NULL) == 0)
			flips++;
		crc_read(&r, &frame, &value);
		pd_assert_f(value == ca || value == cb, "CRC 0x%08x is neither picture", value);
		seen_a += value == ca;
		seen_b += value == cb;
		if (i)
			pd_assert_f(frame == prev + 1, "frame %u after %u", frame, prev);
		prev = frame;
		if (poll(&pfd, 1, 2000) == 1)
			drmHandleEvent(o.fd, &ev);
	}
	crc_stop(&r);
	pd_assert(flips > 0);
	pd_assert_f(seen_a && seen_b, "both pictures must appear (a %d, b %d)", seen_a, seen_b);
	close(o.fd);
}

static void test_bad_source(void)
{
	struct output o;
	char dir[256], path[512];
	int ctl;

	setup_output(&o);
	pd_require(pd_debugfs_dir(o.fd, dir, sizeof(dir)), "debugfs not available");
	snprintf(path, sizeof(path), "%s/crtc-%d/crc/control", dir, o.crtc_index);
	ctl = open(path, O_WRONLY);
	pd_assert(ctl >= 0);
	pd_assert_errno(write(ctl, "bogus", 5), EINVAL);
	close(ctl);
	close(o.fd);
}

static const struct pd_subtest subtests[] = {
	{ "read-crc", test_read_crc, "static frame: consecutive frames, stable CRC equal to the reference" },
	{ "read-crc-frame-sequence", test_frame_is_vblank, "CRC frame numbers are the vblank counts" },
	{ "compare-crc-formats", test_compare_formats, "5 formats x 5 colours against userspace reference CRCs" },
	{ "nonblocking-crc", test_nonblocking_crc, "CRCs while page flipping: consecutive, each a known picture" },
	{ "bad-source", test_bad_source, "unknown CRC source is EINVAL" },
	{ }
};

PD_MAIN(subtests, "CRCs of the composed frame through DRM's debugfs CRC interface.");
