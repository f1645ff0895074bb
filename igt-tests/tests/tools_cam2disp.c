// SPDX-License-Identifier: GPL-2.0
/*
 * tools_cam2disp - userspace/build/cam2disp streams the vivid camera to
 * primedisp without copies, in both directions (--import, --export).
 *
 * The test first captures a frame from vivid itself, with vivid's on-screen
 * text switched off ("OSD Text Mode" = None) so that every frame of its
 * colour bars is the same, and computes the CRC that frame must give.  Then
 * cam2disp runs and holds its last frame on screen, and the test checks:
 *  - the CRTC's CRC (debugfs) equals the CRC of the test's own frame;
 *  - cam2disp's zero-copy line: the scanned-out framebuffer's GEM object is
 *    IMPORTED (--import) or primedisp's own EXPORTED one (--export), and its
 *    dma-buf inode is the camera buffer's;
 *  - the same, seen by the test itself: the CRTC's framebuffer (GETFB2)
 *    is an IMPORTED object (--import) or a primedisp-allocated EXPORTED
 *    one (--export), and PRIME export gives the dma-buf cam2disp named;
 *  - the kernel's dma-buf list agrees: that dma-buf's exporter is the
 *    camera's videobuf2 allocator with primedisp attached (--import), or
 *    primedisp ("primedisp", --export; videobuf2-vmalloc maps imported
 *    dma-bufs without attaching, so no attachment is listed then);
 *  - the frame count, and a frame rate near the 5 fps asked of vivid.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <drm_fourcc.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include <drm/primedisp_drm.h>

#include "pd_client.h"
#include "pd_crc.h"
#include "pd_prime.h"
#include "pd_toolrun.h"
#include "pd_v4l2.h"
#include "pdtest.h"

#define CAM_W		640
#define CAM_H		480
#define CAM_FPS		5	/* as prime_camera: 6.1's vivid cannot keep up faster under TCG */
#define FRAMES		10
#define TOOL_TIMEOUT_MS	40000

/* ---- vivid -------------------------------------------------------------------- */

/* Set the menu control named @name to its item named @item. */
static void set_menu_ctrl(int fd, const char *name, const char *item)
{
	struct v4l2_queryctrl q = { .id = V4L2_CTRL_FLAG_NEXT_CTRL };

	while (ioctl(fd, VIDIOC_QUERYCTRL, &q) == 0) {
		if (!strcmp((char *)q.name, name)) {
			pd_assert_f(q.type == V4L2_CTRL_TYPE_MENU, "control \"%s\" is no menu", name);
			for (int i = q.minimum; i <= q.maximum; i++) {
				struct v4l2_querymenu m = { .id = q.id, .index = i };
				struct v4l2_control c = { .id = q.id, .value = i };

				if (ioctl(fd, VIDIOC_QUERYMENU, &m) || strcmp((char *)m.name, item))
					continue;
				pd_assert_f(ioctl(fd, VIDIOC_S_CTRL, &c) == 0,
					    "VIDIOC_S_CTRL \"%s\" = \"%s\" failed", name, item);
				pd_info("vivid: %s = %s", name, item);
				return;
			}
			pd_fail("control \"%s\" has no item \"%s\"", name, item);
		}
		q.id |= V4L2_CTRL_FLAG_NEXT_CTRL;
	}
	pd_fail("vivid has no control \"%s\"", name);
}

/*
 * Load vivid, switch its text overlay off and capture two frames of
 * @fourcc; they must be equal (a still picture).  The frame goes to
 * *@frame (malloc'd) and its bytes per line to *@pitch; the node's path to
 * @node.
 */
static void vivid_still_frame(uint32_t fourcc, uint8_t **frame, uint32_t *pitch,
			      char *node, size_t node_len)
{
	struct v4l2_pix_format pix;
	struct v4l2_buffer buf;
	uint8_t *map[2], *first;
	size_t len[2], frame_len;
	int fd;

	pd_vivid_load(PD_VIVID_VMALLOC);
	fd = pd_vivid_open(node, node_len);
	pd_require(pd_v4l2_has_format(fd, fourcc), "vivid does not offer %s",
		   pd_v4l2_fourcc_str(fourcc));
	set_menu_ctrl(fd, "OSD Text Mode", "None");
	pd_v4l2_set_format(fd, CAM_W, CAM_H, fourcc, &pix);
	pd_v4l2_set_fps(fd, CAM_FPS);
	*pitch = pix.bytesperline;
	frame_len = (size_t)pix.bytesperline * CAM_H;

	pd_assert_eq(pd_v4l2_reqbufs(fd, V4L2_MEMORY_MMAP, 2), 2);
	for (int i = 0; i < 2; i++) {
		map[i] = pd_v4l2_mmap(fd, i, &len[i], PROT_READ);
		pd_v4l2_qbuf(fd, V4L2_MEMORY_MMAP, i, -1, 0);
	}
	pd_v4l2_streamon(fd);
	pd_v4l2_dqbuf(fd, V4L2_MEMORY_MMAP, &buf, 5000);
	first = malloc(frame_len);
	pd_assert(first);
	memcpy(first, map[buf.index], frame_len);
	pd_v4l2_qbuf(fd, V4L2_MEMORY_MMAP, buf.index, -1, 0);
	pd_v4l2_dqbuf(fd, V4L2_MEMORY_MMAP, &buf, 5000);
	pd_assert_f(!memcmp(first, map[buf.index], frame_len),
		    "two vivid frames with its text overlay off differ: the expected CRC "
		    "cannot be computed from one of them");
	pd_v4l2_streamoff(fd);
	for (int i = 0; i < 2; i++)
		munmap(map[i], len[i]);
	pd_v4l2_reqbufs(fd, V4L2_MEMORY_MMAP, 0);
	close(fd);
	*frame = first;
}

/*
 * The object behind the CRTC's framebuffer, looked up by the test: its
 * primedisp GEM_INFO flags to *@flags; returns its dma-buf's inode.
 */
static unsigned long scanout_dmabuf(int card, uint32_t crtc_id, uint32_t *flags)
{
	struct drm_primedisp_gem_info info = { 0 };
	drmModeCrtcPtr crtc = drmModeGetCrtc(card, crtc_id);
	drmModeFB2Ptr fb;
	unsigned long ino;
	int dmabuf;

	pd_assert_f(crtc && crtc->buffer_id, "CRTC %u scans out nothing", crtc_id);
	fb = drmModeGetFB2(card, crtc->buffer_id);
	pd_assert_f(fb && fb->handles[0], "GETFB2 of fb %u gave no handle", crtc->buffer_id);
	info.handle = fb->handles[0];
	pd_assert_f(drmIoctl(card, DRM_IOCTL_PRIMEDISP_GEM_INFO, &info) == 0,
		    "PRIMEDISP_GEM_INFO of the scanned-out object failed");
	*flags = info.flags;
	pd_assert_f(drmPrimeHandleToFD(card, fb->handles[0], DRM_CLOEXEC, &dmabuf) == 0,
		    "PRIME export of the scanned-out object failed");
	ino = pd_fd_ino(dmabuf);
	close(dmabuf);
	drmCloseBufferHandle(card, fb->handles[0]);
	drmModeFreeFB2(fb);
	drmModeFreeCrtc(crtc);
	return ino;
}

/* ---- the run -------------------------------------------------------------------- */

static void run_cam2disp(bool export, uint32_t fourcc, uint32_t drm_format)
{
	char tool[PATH_MAX], node[64], line[1024], word[64], frames[16], exp_name[64];
	char attached[256], devpath[PATH_MAX], fourcc_s[8];
	struct pd_screen screen;
	struct pd_proc p;
	uint8_t *frame;
	uint32_t pitch, want, got, flags;
	unsigned long ino;
	double shown, fps;
	char *o, *dev;
	int card, status, rc;

	pd_tool_require("cam2disp", tool, sizeof(tool));
	pd_screen_open(&screen);	/* a watcher: cam2disp must become master */
	card = screen.fd;

	vivid_still_frame(fourcc, &frame, &pitch, node, sizeof(node));
	want = pd_frame_crc(frame, CAM_W, CAM_H, pitch, drm_format);
	pd_info("the camera's still frame (%s, pitch %u) must give CRC 0x%08x", node, pitch,
		want);

	snprintf(frames, sizeof(frames), "%d", FRAMES);
	snprintf(fourcc_s, sizeof(fourcc_s), "%s", pd_v4l2_fourcc_str(fourcc));
	{
		char *const argv[] = {
			tool, export ? "--export" : "--import", "--camera", node,
			"--format", fourcc_s, "--size", "640x480", "--fps", "5",
			"--frames", frames, "--hold", NULL,
		};

		pd_proc_start(&p, argv);
	}
	o = pd_proc_expect(&p, "holding the last frame", TOOL_TIMEOUT_MS, "cam2disp");
	free(o);

	/* What the output shows now. */
	got = pd_screen_crc(&screen);
	o = pd_proc_output(&p);
	pd_assert_f(got == want, "the CRTC's CRC is 0x%08x, the camera frame's 0x%08x; "
		    "cam2disp's output:\n%s", got, want, o);
	pd_info("CRTC CRC 0x%08x = the camera frame's", got);

	/* cam2disp's zero-copy evidence, from the kernel's side. */
	pd_assert_f(pd_out_line(o, "zero-copy: confirmed:", line, sizeof(line)),
		    "no confirmed zero-copy line:\n%s", o);
	pd_info("%s", line);
	pd_assert_f(strstr(line, export ? "flags EXPORTED" : "flags IMPORTED"),
		    "the scanned-out object is not flagged %s: %s",
		    export ? "EXPORTED" : "IMPORTED", line);
	dev = strstr(line, "its dma-buf inode ");
	pd_assert_f(dev && sscanf(dev, "its dma-buf inode %lu", &ino) == 1,
		    "no inode in: %s", line);

	/* The same, from the test's side of the kernel. */
	pd_assert_eq(scanout_dmabuf(card, screen.crtc, &flags), ino);
	pd_info("GETFB2 of CRTC %u: GEM flags 0x%x, dma-buf inode %lu", screen.crtc, flags, ino);
	if (export)
		pd_assert_f((flags & PRIMEDISP_GEM_INFO_EXPORTED) &&
			    !(flags & PRIMEDISP_GEM_INFO_IMPORTED),
			    "the scanned-out object is not primedisp's own exported buffer "
			    "(flags 0x%x)", flags);
	else
		pd_assert_f(flags & PRIMEDISP_GEM_INFO_IMPORTED,
			    "the scanned-out object is not imported (flags 0x%x)", flags);

	/* The kernel's own dma-buf list, while the frame is still on screen. */
	rc = pd_dmabuf_bufinfo(ino, exp_name, sizeof(exp_name), attached, sizeof(attached));
	pd_assert_f(rc >= 0, "cannot read /sys/kernel/debug/dma_buf/bufinfo");
	pd_assert_f(rc == 1, "no dma-buf with inode %lu in bufinfo", ino);
	pd_assert_f(pd_sysfs_device_of(card, devpath, sizeof(devpath)),
		    "cannot resolve primedisp's device");
	dev = strrchr(devpath, '/') + 1;
	pd_info("bufinfo: dma-buf inode %lu exported by %s, attached: %s", ino, exp_name,
		attached[0] ? attached : "(none)");
	if (export) {
		pd_assert_f(!strcmp(exp_name, "primedisp"),
			    "dma-buf %lu is exported by %s, not by primedisp", ino, exp_name);
	} else {
		pd_assert_f(strstr(exp_name, "videobuf2"),
			    "dma-buf %lu is exported by %s, not by the camera's videobuf2", ino,
			    exp_name);
		pd_assert_f(strstr(attached, dev), "primedisp (%s) is not attached to the "
			    "camera's dma-buf %lu (attached: %s)", dev, ino, attached);
	}
	free(o);

	o = pd_proc_finish(&p, 10000, &status);
	pd_assert_f(status == 0, "cam2disp exited with %d:\n%s", status, o);
	pd_assert_f(pd_out_line(o, "result:", line, sizeof(line)), "no result line:\n%s", o);
	pd_info("%s", line);
	pd_assert_f(pd_kv_word(line, "zero_copy", word, sizeof(word)) && !strcmp(word, "yes"),
		    "zero copy not confirmed: %s", line);
	pd_assert_f(pd_kv_double(line, "shown", &shown) && shown == FRAMES,
		    "%d frames asked, result: %s", FRAMES, line);
	/* vivid delivers 5 fps by its own clock; the display keeps up or drops. */
	pd_assert_f(pd_kv_double(line, "fps", &fps) && fps > 1.0 && fps < 10.0,
		    "frame rate implausible for a 5 fps camera: %s", line);
	free(o);
	pd_proc_cleanup(&p);
	free(frame);
	pd_screen_close(&screen);
	pd_vivid_unload(NULL);
}

static void test_import(void)
{
	run_cam2disp(false, V4L2_PIX_FMT_XBGR32, DRM_FORMAT_XRGB8888);
}

static void test_export(void)
{
	run_cam2disp(true, V4L2_PIX_FMT_XBGR32, DRM_FORMAT_XRGB8888);
}

static void test_import_xb24(void)
{
	/* R, G, B, X bytes: a channel swap in the mapping would change the CRC. */
	run_cam2disp(false, V4L2_PIX_FMT_RGBX32, DRM_FORMAT_XBGR8888);
}

static void test_export_xb24(void)
{
	run_cam2disp(true, V4L2_PIX_FMT_RGBX32, DRM_FORMAT_XBGR8888);
}

/* Usage errors say what is wrong and exit non-zero; --help works. */
static void test_usage(void)
{
	char tool[PATH_MAX], *o = NULL;
	int rc;

	pd_tool_require("cam2disp", tool, sizeof(tool));
	rc = pd_run_cmd(&o, "%s --help", tool);
	pd_assert_f(rc == 0 && strstr(o, "--export") && strstr(o, "--import") &&
		    strstr(o, "--connector"), "--help (rc %d):\n%s", rc, o);
	free(o);
	rc = pd_run_cmd(&o, "%s --size 640 2>&1", tool);
	pd_assert_f(rc == 2 && strstr(o, "WxH"), "bad --size (rc %d):\n%s", rc, o);
	free(o);
	rc = pd_run_cmd(&o, "%s --buffers 1 2>&1", tool);
	pd_assert_f(rc == 2 && strstr(o, "--buffers"), "--buffers 1 (rc %d):\n%s", rc, o);
	free(o);
	rc = pd_run_cmd(&o, "%s --camera /nonexistent/video9 2>&1", tool);
	pd_assert_f(rc == 1 && strstr(o, "/nonexistent/video9"),
		    "a missing camera must fail and name it (rc %d):\n%s", rc, o);
	free(o);
	rc = pd_run_cmd(&o, "%s --size 123x45 2>&1", tool);
	pd_assert_f(rc == 1 && strstr(o, "no 123x45 mode"),
		    "a size the display lacks must fail and say so (rc %d):\n%s", rc, o);
	free(o);
}

static const struct pd_subtest subtests[] = {
	{ "import", test_import,
	  "camera exports (EXPBUF), primedisp imports and scans out: CRC, zero copy, rate" },
	{ "export", test_export,
	  "primedisp exports, camera captures into it (DMABUF): CRC, zero copy, rate" },
	{ "import-xb24", test_import_xb24, "--import with R,G,B,X bytes (XB24)" },
	{ "export-xb24", test_export_xb24, "--export with R,G,B,X bytes (XB24)" },
	{ "usage", test_usage, "bad options and missing devices give clear errors" },
	{ }
};

PD_MAIN(subtests, "cam2disp: V4L2 camera to primedisp with zero copies, both directions.");
