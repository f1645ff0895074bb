// SPDX-License-Identifier: GPL-2.0
/*
 * client_gstreamer - GStreamer 1.22 (gst-launch-1.0) streams a V4L2 camera
 * (the vivid test driver) to primedisp through kmssink without copying a
 * frame:
 *
 *  dmabuf-*:	    v4l2src io-mode=dmabuf: vivid exports its buffers as
 *		    dma-bufs and kmssink imports them into primedisp (PRIME
 *		    import) to scan them out;
 *  dmabuf-import-*: v4l2src io-mode=dmabuf-import: kmssink allocates
 *		    primedisp dumb buffers, exports them (PRIME export) and
 *		    the camera captures into them.
 *
 * kmssink must not fall back to copying: its GST_PERFORMANCE category logs
 * "frame copy" when it does.  Its own log shows the PRIME paths taken.
 *
 * What reaches the screen: the test first captures frames from vivid
 * itself (OSD text off, so every frame is the same test pattern; two in a
 * row must be equal), computes the CRC they must give on screen with the
 * composer's arithmetic (lib/pd_ref.c) and the Y'CbCr encoding and range
 * vivid reports for them, and shows one on primedisp from a buffer of its
 * own, with the plane's COLOR_ENCODING and COLOR_RANGE set to match: the
 * CRC read must be that value.  While GStreamer streams, the CRC of the
 * screen must be that same value, except at the start, where kmssink shows
 * the buffer it set the mode with: a zero-filled buffer of the video format,
 * black for BGRx but green for YUY2 and NV12 (Y = Cb = Cr = 0), whose CRC
 * is computed the same way.  kmssink does not set COLOR_ENCODING or
 * COLOR_RANGE; the plane keeps the test's values (checked).  Samples taken
 * while one of kmssink's framebuffers stayed on screen must also equal the
 * CRC computed from that framebuffer's bytes (an imported camera buffer is
 * read through its dma-buf).
 *
 * Formats: BGRx (DRM XRGB8888), YUY2 and NV12, each if primedisp's primary
 * plane (the one kmssink flips with force-modesetting) lists the DRM format.
 *
 * The camera runs at 5 frames per second: 6.1's vivid warns with a stack
 * trace when its thread falls behind a faster rate under emulation.
 * GStreamer's registry lives under /tmp and only knows the three plugins the
 * pipelines need, so building it takes seconds, not minutes, under TCG.
 */
#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <drm_fourcc.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include "pd_atomic.h"
#include "pd_client.h"
#include "pd_crc.h"
#include "pd_ref.h"
#include "pd_v4l2.h"
#include "pdtest.h"

#define GST_LAUNCH	"/usr/bin/gst-launch-1.0"
#define PLUGIN_DIR	"/tmp/pd-gst-plugins"
#define REGISTRY	"/tmp/pd-gst-registry.bin"
#define CAM_W		640
#define CAM_H		480
#define CAM_FPS		5
#define NUM_BUFFERS	"50"	/* 10 s of video */

struct fmt {
	const char *gst;	/* GStreamer's name */
	uint32_t v4l2, drm;	/* same memory layout */
	uint32_t bpp, lines;	/* dumb buffer: bits per pixel, lines per 1 image line */
};

static const struct fmt fmt_bgrx = { "BGRx", V4L2_PIX_FMT_XBGR32, DRM_FORMAT_XRGB8888, 32, 2 };
static const struct fmt fmt_yuy2 = { "YUY2", V4L2_PIX_FMT_YUYV, DRM_FORMAT_YUYV, 16, 2 };
static const struct fmt fmt_nv12 = { "NV12", V4L2_PIX_FMT_NV12, DRM_FORMAT_NV12, 8, 3 };

/* ---- GStreamer --------------------------------------------------------------- */

/*
 * A plugin directory with only what the pipelines use: core elements
 * (capsfilter), v4l2src, kmssink.  Skips if a plugin is not installed.
 */
static void gst_setup(void)
{
	static const struct { const char *file, *package; } plugins[] = {
		{ "libgstcoreelements.so", "libgstreamer1.0-0" },
		{ "libgstvideo4linux2.so", "gstreamer1.0-plugins-good" },
		{ "libgstkms.so", "gstreamer1.0-plugins-bad" },
	};

	pd_client_require(GST_LAUNCH, "gstreamer1.0-tools");
	mkdir(PLUGIN_DIR, 0755);
	for (size_t i = 0; i < sizeof(plugins) / sizeof(plugins[0]); i++) {
		char pattern[128], link[128];
		glob_t g;

		snprintf(pattern, sizeof(pattern), "/usr/lib/*/gstreamer-1.0/%s", plugins[i].file);
		pd_require(glob(pattern, 0, NULL, &g) == 0 && g.gl_pathc >= 1,
			   "GStreamer plugin %s not found (apt-get install %s)",
			   plugins[i].file, plugins[i].package);
		snprintf(link, sizeof(link), PLUGIN_DIR "/%s", plugins[i].file);
		if (access(link, F_OK))
			pd_assert_f(symlink(g.gl_pathv[0], link) == 0, "symlink %s", link);
		globfree(&g);
	}
	setenv("GST_PLUGIN_SYSTEM_PATH_1_0", PLUGIN_DIR, 1);
	unsetenv("GST_PLUGIN_PATH");
	unsetenv("GST_PLUGIN_PATH_1_0");
	setenv("GST_REGISTRY", REGISTRY, 1);
	setenv("GST_DEBUG_NO_COLOR", "1", 1);
}

/* ---- the camera ------------------------------------------------------------------- */

/* Set vivid's "OSD Text Mode" to "None": no counters or clock in the frames. */
static void vivid_osd_off(int fd)
{
	struct v4l2_queryctrl qc = { .id = V4L2_CTRL_FLAG_NEXT_CTRL };

	while (ioctl(fd, VIDIOC_QUERYCTRL, &qc) == 0) {
		if (!strcmp((char *)qc.name, "OSD Text Mode") && qc.type == V4L2_CTRL_TYPE_MENU) {
			for (int i = qc.minimum; i <= qc.maximum; i++) {
				struct v4l2_querymenu qm = { .id = qc.id, .index = i };
				struct v4l2_ext_control c = { .id = qc.id, .value = i };
				struct v4l2_ext_controls cs = {
					.which = V4L2_CTRL_WHICH_CUR_VAL, .count = 1, .controls = &c,
				};

				if (ioctl(fd, VIDIOC_QUERYMENU, &qm) || strcmp((char *)qm.name, "None"))
					continue;
				pd_assert_f(ioctl(fd, VIDIOC_S_EXT_CTRLS, &cs) == 0,
					    "cannot set vivid's OSD Text Mode to None");
				pd_info("vivid: OSD text off");
				return;
			}
		}
		qc.id |= V4L2_CTRL_FLAG_NEXT_CTRL;
	}
	pd_fail("vivid has no \"OSD Text Mode\" control with a \"None\" entry");
}

struct frame {
	uint8_t *data;
	uint32_t pitch, size;
	int encoding, range;	/* PD_REF_ENC_*, PD_REF_RANGE_* (YCbCr formats) */
};

/*
 * The DRM COLOR_ENCODING and COLOR_RANGE (pd_ref's values) of what V4L2
 * says @pix holds, with V4L2's defaults for the colorspace resolved.
 */
static void camera_colorimetry(const struct v4l2_pix_format *pix, struct frame *fr)
{
	uint32_t enc = pix->ycbcr_enc, q = pix->quantization;

	if (enc == V4L2_YCBCR_ENC_DEFAULT)
		enc = V4L2_MAP_YCBCR_ENC_DEFAULT(pix->colorspace);
	if (q == V4L2_QUANTIZATION_DEFAULT)
		q = V4L2_MAP_QUANTIZATION_DEFAULT(false, pix->colorspace, enc);
	switch (enc) {
	case V4L2_YCBCR_ENC_601:
		fr->encoding = PD_REF_ENC_BT601;
		break;
	case V4L2_YCBCR_ENC_709:
		fr->encoding = PD_REF_ENC_BT709;
		break;
	case V4L2_YCBCR_ENC_BT2020:
		fr->encoding = PD_REF_ENC_BT2020;
		break;
	default:
		pd_skip("vivid's frames use Y'CbCr encoding %u, which DRM's COLOR_ENCODING lacks",
			enc);
	}
	fr->range = q == V4L2_QUANTIZATION_FULL_RANGE ? PD_REF_RANGE_FULL : PD_REF_RANGE_LIMITED;
	pd_info("camera colorimetry: colorspace %u, Y'CbCr encoding %u, quantization %u: "
		"%s, %s range", pix->colorspace, enc, q,
		fr->encoding == PD_REF_ENC_BT601 ? "BT.601" :
		fr->encoding == PD_REF_ENC_BT709 ? "BT.709" : "BT.2020",
		fr->range == PD_REF_RANGE_FULL ? "full" : "limited");
}

/*
 * Load vivid, turn its OSD off and capture frames of @f: the second is the
 * reference, the third must equal it.
 */
static void capture_frame(const struct fmt *f, char *dev, size_t dev_len, struct frame *out)
{
	struct v4l2_pix_format pix;
	struct v4l2_buffer buf;
	void *maps[2];
	size_t lens[2];
	int fd;

	pd_vivid_load(PD_VIVID_VMALLOC);
	fd = pd_vivid_open(dev, dev_len);
	pd_require(pd_v4l2_has_format(fd, f->v4l2), "vivid does not offer %s",
		   pd_v4l2_fourcc_str(f->v4l2));
	vivid_osd_off(fd);
	pd_v4l2_set_format(fd, CAM_W, CAM_H, f->v4l2, &pix);
	pd_v4l2_set_fps(fd, CAM_FPS);
	if (f->drm == DRM_FORMAT_XRGB8888) {
		out->encoding = PD_REF_ENC_BT601;	/* RGB: not used */
		out->range = PD_REF_RANGE_LIMITED;
	} else {
		camera_colorimetry(&pix, out);
	}
	pd_assert_eq(pd_v4l2_reqbufs(fd, V4L2_MEMORY_MMAP, 2), 2);
	for (uint32_t i = 0; i < 2; i++) {
		maps[i] = pd_v4l2_mmap(fd, i, &lens[i], PROT_READ);
		pd_v4l2_qbuf(fd, V4L2_MEMORY_MMAP, i, -1, 0);
	}
	pd_v4l2_streamon(fd);
	pd_v4l2_dqbuf(fd, V4L2_MEMORY_MMAP, &buf, 5000);
	pd_v4l2_qbuf(fd, V4L2_MEMORY_MMAP, buf.index, -1, 0);
	pd_v4l2_dqbuf(fd, V4L2_MEMORY_MMAP, &buf, 5000);
	out->pitch = pix.bytesperline;
	out->size = pix.sizeimage;
	pd_assert_f(buf.bytesused >= out->size, "frame of %u bytes, %u expected",
		    buf.bytesused, out->size);
	out->data = malloc(out->size);
	pd_assert(out->data);
	memcpy(out->data, maps[buf.index], out->size);
	pd_v4l2_qbuf(fd, V4L2_MEMORY_MMAP, buf.index, -1, 0);
	pd_v4l2_dqbuf(fd, V4L2_MEMORY_MMAP, &buf, 5000);
	pd_assert_f(buf.bytesused >= out->size && !memcmp(out->data, maps[buf.index], out->size),
		    "two frames of vivid's test pattern differ: no single picture to expect");
	pd_v4l2_streamoff(fd);
	for (int i = 0; i < 2; i++)
		munmap(maps[i], lens[i]);
	pd_v4l2_reqbufs(fd, V4L2_MEMORY_MMAP, 0);
	close(fd);
	pd_info("captured a %ux%u %s frame from %s (pitch %u), the next one equal", CAM_W, CAM_H,
		pd_v4l2_fourcc_str(f->v4l2), dev, out->pitch);
}

/*
 * The CRC of a CAM_W x CAM_H frame of @f at @data (V4L2's layout: NV12's
 * CbCr plane follows the Y plane with the same pitch) filling the screen,
 * shown with the frame's encoding and range: lib/pd_ref.c, independent of
 * the driver.
 */
static uint32_t expected_crc(const struct fmt *f, const uint8_t *data, const struct frame *fr)
{
	struct pd_ref_fb fb = {
		.format = f->drm, .width = CAM_W, .height = CAM_H,
		.data = { data }, .pitch = { fr->pitch },
	};
	struct pd_ref_plane plane = {
		.fb = &fb, .src_w = CAM_W << 16, .src_h = CAM_H << 16,
		.crtc_w = CAM_W, .crtc_h = CAM_H, .rotation = DRM_MODE_ROTATE_0,
		.alpha = 0xffff, .blend = PD_REF_BLEND_PREMULTI,
		.encoding = fr->encoding, .range = fr->range,
	};
	struct pd_ref_px *frame = malloc(sizeof(*frame) * CAM_W * CAM_H);
	uint32_t crc;

	pd_assert(frame);
	if (f->drm == DRM_FORMAT_NV12) {
		fb.data[1] = data + (size_t)fr->pitch * CAM_H;
		fb.pitch[1] = fr->pitch;
	}
	pd_ref_compose(&plane, 1, CAM_W, CAM_H, frame);
	crc = pd_ref_frame_crc(frame, CAM_W, CAM_H);
	free(frame);
	return crc;
}

/* ---- the reference on screen ------------------------------------------------------ */

/*
 * Show @fr on primedisp from a dumb buffer of our own, at CAM_W x CAM_H, with
 * the plane's COLOR_ENCODING and COLOR_RANGE set to the frame's, and return
 * the CRC of that frame, which must be the one pd_ref computes from its
 * bytes.  Uses a second file descriptor as DRM master and closes it
 * afterwards (which removes the framebuffer).
 */
static uint32_t reference_crc(struct pd_screen *s, const struct fmt *f, const struct frame *fr)
{
	uint32_t expect = expected_crc(f, fr->data, fr);
	uint32_t handle, pitch, fb, handles[4] = { 0 }, pitches[4] = { 0 }, offsets[4] = { 0 };
	drmModeConnector *c;
	drmModeModeInfo mode = { 0 };
	uint64_t size;
	uint32_t crc;
	uint8_t *map;
	int fd, ret;

	fd = pd_open_card(NULL);
	if (!drmIsMaster(fd))
		pd_assert_f(drmSetMaster(fd) == 0, "cannot become DRM master");
	c = drmModeGetConnector(fd, s->conn);
	pd_assert(c);
	for (int i = 0; i < c->count_modes && !mode.clock; i++)
		if (c->modes[i].hdisplay == CAM_W && c->modes[i].vdisplay == CAM_H)
			mode = c->modes[i];
	drmModeFreeConnector(c);
	pd_assert_f(mode.clock, "connector %u offers no %dx%d mode", s->conn, CAM_W, CAM_H);

	/* Two lines per image line cover NV12's chroma plane (half as many). */
	handle = pd_dumb_create(fd, CAM_W, CAM_H * f->lines / 2, f->bpp, &pitch, &size);
	map = pd_dumb_map(fd, handle, size, PROT_READ | PROT_WRITE);
	for (uint32_t y = 0; y < CAM_H; y++)
		memcpy(map + (size_t)y * pitch, fr->data + (size_t)y * fr->pitch,
		       CAM_W * f->bpp / 8);
	handles[0] = handle;
	pitches[0] = pitch;
	if (f->drm == DRM_FORMAT_NV12) {
		/* V4L2's NV12: the CbCr plane follows the Y plane, same pitch. */
		for (uint32_t y = 0; y < CAM_H / 2; y++)
			memcpy(map + (size_t)(CAM_H + y) * pitch,
			       fr->data + (size_t)(CAM_H + y) * fr->pitch, CAM_W);
		handles[1] = handle;
		pitches[1] = pitch;
		offsets[1] = pitch * CAM_H;
	}
	munmap(map, size);
	/* The camera's Y'CbCr encoding and range on the plane (kmssink keeps them). */
	if (f->drm != DRM_FORMAT_XRGB8888) {
		static const char *const names[] = { "COLOR_ENCODING", "COLOR_RANGE" };
		const uint64_t values[] = { fr->encoding, fr->range };

		for (int i = 0; i < 2; i++) {
			uint32_t prop = pd_prop_id(fd, s->plane, DRM_MODE_OBJECT_PLANE, names[i]);

			pd_assert_f(prop, "plane %u lists %.4s but has no %s property", s->plane,
				    (const char *)&f->drm, names[i]);
			ret = drmModeObjectSetProperty(fd, s->plane, DRM_MODE_OBJECT_PLANE, prop,
						       values[i]);
			pd_assert_f(ret == 0, "setting %s of plane %u to %llu failed", names[i],
				    s->plane, (unsigned long long)values[i]);
		}
	}
	ret = drmModeAddFB2(fd, CAM_W, CAM_H, f->drm, handles, pitches, offsets, &fb, 0);
	pd_assert_f(ret == 0, "ADDFB2 %dx%d %s failed", CAM_W, CAM_H, f->gst);
	ret = drmModeSetCrtc(fd, s->crtc, fb, 0, 0, &s->conn, 1, &mode);
	pd_assert_f(ret == 0, "SETCRTC %s with a %s framebuffer failed", mode.name, f->gst);
	pd_assert_f(pd_crtc_crc(fd, s->crtc_idx, &crc), "no CRC");
	pd_assert_f(crc == expect, "camera frame shown by the test: CRC 0x%08x, its pixels give 0x%08x",
		    crc, expect);
	pd_assert_f(crc != pd_solid_crc(CAM_W, CAM_H, 0), "the camera frame is black");
	pd_info("the camera frame shown by the test: CRC 0x%08x", crc);
	close(fd);	/* removes the framebuffer: the CRTC goes off */
	return crc;
}

/* ---- streaming ------------------------------------------------------------------- */

static char *read_file(const char *path)
{
	size_t len = 0, cap = 1 << 20, n;
	char *buf = malloc(cap);
	FILE *f = fopen(path, "re");

	pd_assert(buf);
	while (f && (n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
		len += n;
		if (cap - len < 65536)
			pd_assert((buf = realloc(buf, cap *= 2)));
	}
	buf[len] = '\0';
	if (f)
		fclose(f);
	return buf;
}

static void stream(const struct fmt *f, bool import)
{
	const char *io = import ? "dmabuf-import" : "dmabuf";
	char dev[32], devarg[48], ioarg[48], caps[128], sink[3][48], log[] = "/tmp/pd-gst-XXXXXX";
	char *argv[16], *out, *text;
	struct pd_crtc_view v;
	struct pd_screen s;
	struct pd_proc p;
	struct frame fr;
	uint32_t ref, zero;
	uint8_t *zeroes;
	int argc = 0, matched = 0, samples = 0, checked = 0, rc, logfd;
	double t0;

	gst_setup();
	pd_screen_open(&s);
	pd_require(pd_screen_plane_has_format(&s, f->drm), "primedisp has no %.4s plane format",
		   (const char *)&f->drm);

	capture_frame(f, dev, sizeof(dev), &fr);
	ref = reference_crc(&s, f, &fr);
	zeroes = calloc(1, fr.size);
	pd_assert(zeroes);
	zero = expected_crc(f, zeroes, &fr);
	free(zeroes);
	pd_info("kmssink's zero-filled mode-setting buffer would give CRC 0x%08x", zero);

	logfd = mkstemp(log);
	pd_assert(logfd >= 0);
	close(logfd);
	setenv("GST_DEBUG", "kmssink:6,kmsallocator:6,GST_PERFORMANCE:5,v4l2src:4", 1);
	setenv("GST_DEBUG_FILE", log, 1);
	snprintf(devarg, sizeof(devarg), "device=%s", dev);
	snprintf(ioarg, sizeof(ioarg), "io-mode=%s", io);
	snprintf(caps, sizeof(caps), "video/x-raw,format=%s,width=%d,height=%d,framerate=%d/1",
		 f->gst, CAM_W, CAM_H, CAM_FPS);
	snprintf(sink[0], sizeof(sink[0]), "driver-name=%s", pd_driver_name());
	snprintf(sink[1], sizeof(sink[1]), "connector-id=%u", s.conn);
	snprintf(sink[2], sizeof(sink[2]), "plane-id=%u", s.plane);
	argv[argc++] = GST_LAUNCH;
	argv[argc++] = "v4l2src";
	argv[argc++] = devarg;
	argv[argc++] = ioarg;
	argv[argc++] = "num-buffers=" NUM_BUFFERS;
	argv[argc++] = "!";
	argv[argc++] = caps;
	argv[argc++] = "!";
	argv[argc++] = "kmssink";
	argv[argc++] = sink[0];
	argv[argc++] = "force-modesetting=true";
	argv[argc++] = sink[1];
	argv[argc++] = sink[2];
	argv[argc] = NULL;
	pd_info("running: %s v4l2src %s %s num-buffers=%s ! %s ! kmssink %s force-modesetting=true %s %s",
		GST_LAUNCH, devarg, ioarg, NUM_BUFFERS, caps, sink[0], sink[1], sink[2]);
	t0 = pd_now();
	pd_proc_start(&p, argv);

	if (!pd_screen_wait(&s, CAM_W, CAM_H, 0, 40000, &p, &v)) {
		out = pd_proc_output(&p);
		pd_client_show("gst-launch-1.0", out, 30);
		pd_fail("gst-launch-1.0 %s before the CRTC showed %dx%d",
			pd_proc_poll(&p) ? "exited" : "did not set a mode within 40 s", CAM_W, CAM_H);
	}
	pd_info("kmssink set %ux%u after %.1f s", v.w, v.h, pd_now() - t0);

	/*
	 * The camera's frames on screen: the reference CRC, again and again,
	 * after kmssink's zero-filled mode-setting buffer perhaps.
	 */
	while (matched < 3 && !pd_proc_poll(&p) && pd_now() - t0 < 60) {
		const struct pd_plane_view *pv;
		struct pd_screen_planes sp;
		struct pd_sample smp;

		pd_screen_sample(&s, &smp);
		v = pd_screen_view(&s);
		pd_screen_planes(&s, &sp);
		if (pd_proc_poll(&p) || v.w != CAM_W || v.h != CAM_H)
			break;	/* the pipeline ended: no longer its frame */
		samples++;
		checked += smp.checked;
		pd_info("%5.1f s: fb %u CRC 0x%08x%s%s%s%s", pd_now() - t0, smp.fb, smp.crc,
			smp.crc == ref ? " = the camera frame" :
			smp.crc == zero ? " = kmssink's zero-filled buffer" : "",
			smp.match ? ", = CRC of the framebuffer's bytes" :
			smp.checked ? ", NOT the CRC of the framebuffer's bytes" : " (not checked: ",
			smp.checked ? "" : smp.why, smp.checked ? "" : ")");
		if (smp.checked)
			pd_assert_f(smp.match, "CRC 0x%08x on screen, but kmssink's framebuffer %u "
				    "gives 0x%08x (%s)", smp.crc, smp.fb, smp.ref,
				    pd_fb_info_str(&smp.info));
		pv = pd_screen_plane_view(&sp, s.plane);
		pd_assert_f(pv->encoding == (uint64_t)fr.encoding && pv->range == (uint64_t)fr.range,
			    "plane %u: COLOR_ENCODING %llu COLOR_RANGE %llu while streaming, the "
			    "camera's are %d %d", s.plane, (unsigned long long)pv->encoding,
			    (unsigned long long)pv->range, fr.encoding, fr.range);
		if (smp.crc == ref) {
			matched++;
		} else {
			/* kmssink shows its mode-setting buffer first; nothing else. */
			pd_assert_f(smp.crc == zero && !matched,
				    "CRC 0x%08x on screen while streaming: neither the camera frame "
				    "(0x%08x) nor kmssink's zero-filled mode-setting buffer (0x%08x)%s",
				    smp.crc, ref, zero, matched ? " (after the camera frame)" : "");
		}
		pd_msleep(500);
	}

	rc = pd_proc_wait(&p, (int)((90 - (pd_now() - t0)) * 1000));
	out = pd_proc_output(&p);
	text = read_file(log);
	if (rc || matched < 3)
		pd_client_show("gst-launch-1.0", out, 30);
	pd_info("pipeline ran %.1f s: %d samples, %d showed the camera frame, %d equal to the "
		"CRC of the framebuffer's bytes; kmssink: %d imports, %d cached imports, "
		"%d exports, %d frame copies",
		pd_now() - t0, samples, matched, checked, pd_count_lines(text, "setting KMS mem"),
		pd_count_lines(text, "found KMS mem"), pd_count_lines(text, "Exported bo handle"),
		pd_count_lines(text, "frame copy"));
	pd_assert_f(rc != -1, "gst-launch-1.0 did not finish %s buffers", NUM_BUFFERS);
	pd_assert_f(rc == 0, "gst-launch-1.0 exited with %d", rc);
	pd_assert_f(matched >= 3, "the camera frame was on screen in %d of %d samples",
		    matched, samples);

	if (!strstr(text, "prime import (\u2713) / prime export (\u2713)"))
		pd_client_show("GStreamer log", text, 40);
	pd_assert_f(strstr(text, "prime import (\u2713) / prime export (\u2713)"),
		    "kmssink does not see PRIME import and export");
	pd_assert_f(!strstr(text, "frame copy"), "kmssink copied frames (GST_PERFORMANCE: frame copy)");
	if (import) {
		/* kmssink's own buffers, exported to the camera, come back to it. */
		pd_assert_f(pd_count_lines(text, "Exported bo handle") >= 2,
			    "kmssink exported no primedisp buffers to the camera");
		pd_assert_f(pd_count_lines(text, "found KMS mem") >= 3,
			    "kmssink did not get its exported buffers back filled");
	} else {
		/* The camera's dma-bufs imported into primedisp. */
		pd_assert_f(pd_count_lines(text, "setting KMS mem") >= 1,
			    "kmssink imported no camera dma-buf into primedisp");
	}
	free(text);
	free(out);
	unlink(log);
	free(fr.data);
	pd_proc_cleanup(&p);
	pd_screen_close(&s);
	pd_vivid_unload(NULL);
}

/*
 * The CRC of the camera frame @fr shown by plane view @pv on a @mw x @mh
 * screen, when the plane covers the whole screen (what is below does not
 * show); 0 otherwise.
 */
static uint32_t scaled_crc(const struct fmt *f, const struct frame *fr,
			   const struct pd_plane_view *pv, uint32_t mw, uint32_t mh)
{
	struct pd_ref_fb fb = {
		.format = f->drm, .width = CAM_W, .height = CAM_H,
		.data = { fr->data }, .pitch = { fr->pitch },
	};
	struct pd_ref_plane plane = {
		.fb = &fb, .src_x = pv->src_x, .src_y = pv->src_y,
		.src_w = pv->src_w, .src_h = pv->src_h,
		.crtc_x = pv->crtc_x, .crtc_y = pv->crtc_y,
		.crtc_w = pv->crtc_w, .crtc_h = pv->crtc_h,
		.rotation = DRM_MODE_ROTATE_0, .alpha = 0xffff,
		.blend = PD_REF_BLEND_PREMULTI, .encoding = fr->encoding, .range = fr->range,
	};
	struct pd_ref_px *frame;
	uint32_t crc;

	if (pv->crtc_x != 0 || pv->crtc_y != 0 || pv->crtc_w != mw || pv->crtc_h != mh)
		return 0;
	frame = malloc(sizeof(*frame) * mw * mh);
	pd_assert(frame);
	pd_ref_compose(&plane, 1, mw, mh, frame);
	crc = pd_ref_frame_crc(frame, mw, mh);
	free(frame);
	return crc;
}

/*
 * Without force-modesetting kmssink keeps the mode it finds (fbcon's) and
 * shows the 640x480 camera with SetPlane on an overlay plane, scaled up to
 * fit: the overlay scans the camera's dma-buf out, scaled over the whole
 * console, and the screen's CRC equals the camera frame (captured by the
 * test) scaled the same way in userspace (pd_ref).
 */
static void test_overlay_scaled(void)
{
	const struct fmt *f = &fmt_bgrx;
	char dev[32], devarg[48], caps[128], sink[3][48], log[] = "/tmp/pd-gst-XXXXXX";
	char *argv[16], *out, *text;
	struct pd_crtc_view v;
	struct pd_screen s;
	struct pd_proc p;
	struct frame fr;
	uint32_t overlay = 0, want;
	int argc = 0, scaled = 0, matched = 0, rc, logfd;
	double t0;

	gst_setup();
	pd_screen_open(&s);
	for (int i = 0; i < s.nplanes && !overlay; i++)
		if (s.plane_type[i] == DRM_PLANE_TYPE_OVERLAY)
			overlay = s.planes[i];
	pd_require(overlay, "CRTC %d has no overlay plane", s.crtc_idx);
	v = pd_screen_view(&s);
	pd_require(v.active && v.w > CAM_W, "no mode larger than the camera is set (fbdev off?)");

	capture_frame(f, dev, sizeof(dev), &fr);
	logfd = mkstemp(log);
	pd_assert(logfd >= 0);
	close(logfd);
	setenv("GST_DEBUG", "kmssink:6,GST_PERFORMANCE:5", 1);
	setenv("GST_DEBUG_FILE", log, 1);
	snprintf(devarg, sizeof(devarg), "device=%s", dev);
	snprintf(caps, sizeof(caps), "video/x-raw,format=%s,width=%d,height=%d,framerate=%d/1",
		 f->gst, CAM_W, CAM_H, CAM_FPS);
	snprintf(sink[0], sizeof(sink[0]), "driver-name=%s", pd_driver_name());
	snprintf(sink[1], sizeof(sink[1]), "connector-id=%u", s.conn);
	snprintf(sink[2], sizeof(sink[2]), "plane-id=%u", overlay);
	argv[argc++] = GST_LAUNCH;
	argv[argc++] = "v4l2src";
	argv[argc++] = devarg;
	argv[argc++] = "io-mode=dmabuf";
	argv[argc++] = "num-buffers=" NUM_BUFFERS;
	argv[argc++] = "!";
	argv[argc++] = caps;
	argv[argc++] = "!";
	argv[argc++] = "kmssink";
	argv[argc++] = sink[0];
	argv[argc++] = sink[1];
	argv[argc++] = sink[2];
	argv[argc++] = "can-scale=true";
	argv[argc] = NULL;
	pd_info("running: %s v4l2src %s io-mode=dmabuf ! %s ! kmssink %s %s %s can-scale=true",
		GST_LAUNCH, devarg, caps, sink[0], sink[1], sink[2]);
	t0 = pd_now();
	pd_proc_start(&p, argv);

	while (matched < 3 && !pd_proc_poll(&p) && pd_now() - t0 < 60) {
		const struct pd_plane_view *pv;
		struct pd_screen_planes sp;
		struct pd_sample smp;

		pd_screen_planes(&s, &sp);
		pv = pd_screen_plane_view(&sp, overlay);
		if (!pv->fb) {
			pd_msleep(300);
			continue;
		}
		if (pv->src_w == CAM_W << 16 && pv->src_h == CAM_H << 16 &&
		    (pv->crtc_w > CAM_W || pv->crtc_h > CAM_H))
			scaled++;
		pd_screen_sample(&s, &smp);
		want = scaled_crc(f, &fr, pv, v.w, v.h);
		pd_info("%5.1f s: overlay fb %u %ux%u -> %ux%u at %d,%d; CRC 0x%08x%s",
			pd_now() - t0, pv->fb, pv->src_w >> 16, pv->src_h >> 16, pv->crtc_w,
			pv->crtc_h, pv->crtc_x, pv->crtc_y, smp.crc,
			smp.crc == want ? " = the camera frame scaled (pd_ref)" :
			want ? " DIFFERS from the camera frame scaled (pd_ref)" :
			" (overlay does not fill the screen: not computed)");
		pd_assert_f(!want || smp.crc == want,
			    "CRC 0x%08x on screen, the camera frame scaled to %ux%u is 0x%08x",
			    smp.crc, pv->crtc_w, pv->crtc_h, want);
		matched += smp.crc == want;
		pd_msleep(500);
	}
	rc = pd_proc_wait(&p, (int)((90 - (pd_now() - t0)) * 1000));
	out = pd_proc_output(&p);
	text = read_file(log);
	if (rc || matched < 3)
		pd_client_show("gst-launch-1.0", out, 30);
	pd_assert_f(rc == 0, "gst-launch-1.0 exited with %d", rc);
	pd_assert_f(scaled > 0, "kmssink never showed the camera scaled on overlay plane %u",
		    overlay);
	pd_assert_f(matched >= 3, "the scaled camera frame was on screen in only %d samples",
		    matched);
	pd_assert_f(strstr(text, "prime import (\u2713)"), "kmssink does not see PRIME import");
	pd_assert_f(!strstr(text, "frame copy"), "kmssink copied frames (GST_PERFORMANCE: frame copy)");
	v = pd_screen_view(&s);
	pd_info("the mode stayed %ux%u: kmssink did no mode set", v.w, v.h);
	free(text);
	free(out);
	unlink(log);
	free(fr.data);
	pd_proc_cleanup(&p);
	pd_screen_close(&s);
	pd_vivid_unload(NULL);
}

static void test_dmabuf_bgrx(void)
{
	stream(&fmt_bgrx, false);
}

static void test_dmabuf_import_bgrx(void)
{
	stream(&fmt_bgrx, true);
}

static void test_dmabuf_yuy2(void)
{
	stream(&fmt_yuy2, false);
}

static void test_dmabuf_import_yuy2(void)
{
	stream(&fmt_yuy2, true);
}

static void test_dmabuf_nv12(void)
{
	stream(&fmt_nv12, false);
}

static void test_dmabuf_import_nv12(void)
{
	stream(&fmt_nv12, true);
}

static const struct pd_subtest subtests[] = {
	{ "overlay-scaled-bgrx", test_overlay_scaled,
	  "no force-modesetting: the 640x480 camera scaled on an overlay over the console" },
	{ "dmabuf-bgrx", test_dmabuf_bgrx,
	  "v4l2src io-mode=dmabuf ! kmssink, BGRx: camera dma-bufs imported, frame on screen" },
	{ "dmabuf-import-bgrx", test_dmabuf_import_bgrx,
	  "v4l2src io-mode=dmabuf-import ! kmssink, BGRx: camera fills primedisp's buffers" },
	{ "dmabuf-yuy2", test_dmabuf_yuy2, "as dmabuf-bgrx with YUY2 (needs a YUYV primary plane)" },
	{ "dmabuf-import-yuy2", test_dmabuf_import_yuy2,
	  "as dmabuf-import-bgrx with YUY2 (needs a YUYV primary plane)" },
	{ "dmabuf-nv12", test_dmabuf_nv12, "as dmabuf-bgrx with NV12 (needs an NV12 primary plane)" },
	{ "dmabuf-import-nv12", test_dmabuf_import_nv12,
	  "as dmabuf-import-bgrx with NV12 (needs an NV12 primary plane)" },
	{ }
};

int main(int argc, char **argv)
{
	/* Registry, camera, reference and 10 s of video: more than the default. */
	setenv("PDTEST_TIMEOUT", "400", 0);
	return pd_main(argc, argv, subtests,
		       "GStreamer: a V4L2 camera to primedisp through kmssink with PRIME, no copies.");
}
