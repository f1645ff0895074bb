// SPDX-License-Identifier: GPL-2.0
/*
 * gpu2disp - a GPU-like producer feeding a primedisp output with implicit
 * synchronisation.
 *
 * vgem, the kernel's virtual GEM driver, stands in for the GPU: its
 * buffers are shared with primedisp as dma-bufs, and it can put a write
 * fence on a buffer that stays unsignalled until userspace signals it,
 * like a GPU job that has not finished.  For every frame gpu2disp
 *
 *   1. attaches a vgem write fence to the next buffer ("the GPU starts"),
 *   2. flips to it with a nonblocking atomic commit, which must return at
 *      once although the fence is pending,
 *   3. writes the frame into the buffer through vgem's mmap ("the GPU
 *      renders") and waits --fence-delay milliseconds, during which no
 *      flip may complete,
 *   4. signals the fence ("the GPU is done"), after which the flip must
 *      complete: the time from the signal to the flip event is printed.
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
#include <sys/mman.h>
#include <unistd.h>

#include <xf86drm.h>
#include <xf86drmMode.h>
#include <drm_fourcc.h>

#include <drm/primedisp_drm.h>

#include "pd-common.h"
#include "pd-kms.h"

/*
 * vgem's driver ioctls (Linux 4.10 onwards, unchanged since; Debian ships
 * no userspace header for them): FENCE_ATTACH puts a new fence on a
 * buffer (as its writer with VGEM_FENCE_WRITE) and returns its id;
 * FENCE_SIGNAL signals it.  vgem signals a fence itself after 10 s.
 */
struct vgem_fence_attach {
	uint32_t handle;
	uint32_t flags;
	uint32_t out_fence;
	uint32_t pad;
};

struct vgem_fence_signal {
	uint32_t fence;
	uint32_t flags;
};

#define VGEM_FENCE_WRITE	0x1u
#define VGEM_IOCTL_FENCE_ATTACH \
	DRM_IOWR(DRM_COMMAND_BASE + 0x1, struct vgem_fence_attach)
#define VGEM_IOCTL_FENCE_SIGNAL \
	DRM_IOW(DRM_COMMAND_BASE + 0x2, struct vgem_fence_signal)
#define VGEM_FENCE_TIMEOUT_MS	10000

#define MAX_BUFS	4

struct buf {
	uint32_t vgem_handle, pitch;
	uint64_t size;
	uint32_t *map;
	int dmabuf;
	ino_t ino;
	uint32_t pd_handle, fb;
};

struct opts {
	const char *device, *vgem;
	uint32_t connector;
	unsigned int w, h, frames, nbufs, delay_ms;
	bool hold, quiet;
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: gpu2disp [OPTIONS]\n"
		"Feed a primedisp output from a GPU-like producer (vgem) with implicit\n"
		"synchronisation: each frame is flipped with a nonblocking atomic commit\n"
		"while the buffer's write fence is still pending, and must reach the screen\n"
		"only after the fence is signalled.\n\n"
		"  -n, --frames N        frames to produce (default 10)\n"
		"  -D, --fence-delay MS  how long the \"GPU\" keeps each fence pending after\n"
		"                        the commit, 1..%d ms (default 200)\n"
		"  -s, --size WxH        display mode and buffer size (default: the preferred\n"
		"                        mode)\n"
		"  -b, --buffers N       buffers in rotation, 2..%d (default 2)\n"
		"  -d, --device PATH     primedisp card node (default: the card named primedisp)\n"
		"  -C, --connector ID    connector to use (default: the first connected one)\n"
		"  -g, --vgem PATH       vgem card node (default: the card named vgem)\n"
		"      --hold            keep the last frame on screen at the end until stdin\n"
		"                        reaches end of file (Ctrl-D) or Ctrl-C\n"
		"  -q, --quiet           no line per frame\n"
		"  -h, --help            this text\n\n"
		"The frames are XRGB8888; pixel (x, y) of frame F (F = 0 for the first one,\n"
		"shown by the mode set) is R = (x + 8F) mod 256, G = (y + 4F) mod 256,\n"
		"B = 37F mod 256.\n"
		"Exit status: 0 if every flip waited for its fence and no commit blocked,\n"
		"1 otherwise, 2 for bad options.\n", VGEM_FENCE_TIMEOUT_MS / 2, MAX_BUFS);
}

static void draw(struct buf *b, unsigned int w, unsigned int h, unsigned int frame)
{
	uint32_t blue = (37u * frame) & 0xff;

	for (unsigned int y = 0; y < h; y++) {
		uint32_t *row = b->map + (size_t)y * (b->pitch / 4);
		uint32_t green = ((y + 4u * frame) & 0xff) << 8;

		for (unsigned int x = 0; x < w; x++)
			row[x] = ((x + 8u * frame) & 0xff) << 16 | green | blue;
	}
}

/* Are the write fences of @dmabuf all signalled? (poll's POLLIN on a dma-buf) */
static bool write_fence_signalled(int dmabuf)
{
	struct pollfd p = { .fd = dmabuf, .events = POLLIN };

	return poll(&p, 1, 0) == 1;
}

static int setup_bufs(int vgem, struct pd_kms *k, const struct opts *o, struct buf *bufs)
{
	for (unsigned int i = 0; i < o->nbufs; i++) {
		struct drm_mode_create_dumb c = { .width = o->w, .height = o->h, .bpp = 32 };
		struct drm_mode_map_dumb m = { 0 };
		struct drm_primedisp_gem_info info = { 0 };
		char flags[64];
		void *p;

		if (drmIoctl(vgem, DRM_IOCTL_MODE_CREATE_DUMB, &c)) {
			fprintf(stderr, "gpu2disp: vgem CREATE_DUMB %ux%u failed: %s\n", o->w, o->h,
				strerror(errno));
			return -1;
		}
		bufs[i].vgem_handle = c.handle;
		bufs[i].pitch = c.pitch;
		bufs[i].size = c.size;
		m.handle = c.handle;
		if (drmIoctl(vgem, DRM_IOCTL_MODE_MAP_DUMB, &m)) {
			fprintf(stderr, "gpu2disp: vgem MAP_DUMB failed: %s\n", strerror(errno));
			return -1;
		}
		p = mmap(NULL, c.size, PROT_READ | PROT_WRITE, MAP_SHARED, vgem, m.offset);
		if (p == MAP_FAILED) {
			fprintf(stderr, "gpu2disp: mmap of a vgem buffer failed: %s\n",
				strerror(errno));
			return -1;
		}
		bufs[i].map = p;
		if (drmPrimeHandleToFD(vgem, c.handle, DRM_CLOEXEC | DRM_RDWR, &bufs[i].dmabuf)) {
			fprintf(stderr, "gpu2disp: vgem PRIME export failed: %s\n", strerror(errno));
			return -1;
		}
		bufs[i].ino = pd_fd_ino(bufs[i].dmabuf);
		if (drmPrimeFDToHandle(k->fd, bufs[i].dmabuf, &bufs[i].pd_handle)) {
			fprintf(stderr, "gpu2disp: primedisp cannot import the vgem buffer: %s\n",
				strerror(errno));
			return -1;
		}
		info.handle = bufs[i].pd_handle;
		if (drmIoctl(k->fd, DRM_IOCTL_PRIMEDISP_GEM_INFO, &info)) {
			fprintf(stderr, "gpu2disp: PRIMEDISP_GEM_INFO failed: %s\n", strerror(errno));
			return -1;
		}
		if (pd_kms_addfb(k, o->w, o->h, DRM_FORMAT_XRGB8888, bufs[i].pd_handle,
				 bufs[i].pitch, 0, &bufs[i].fb))
			return -1;
		printf("buffer %u: vgem handle %u, %ux%u pitch %u, dma-buf inode %lu -> "
		       "primedisp handle %u (%s), fb %u\n", i, c.handle, o->w, o->h, c.pitch,
		       (unsigned long)bufs[i].ino, bufs[i].pd_handle,
		       pd_gem_flags_str(info.flags, flags, sizeof(flags)), bufs[i].fb);
	}
	return 0;
}

static void release_bufs(int vgem, struct pd_kms *k, struct buf *bufs, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		if (bufs[i].fb)
			drmModeRmFB(k->fd, bufs[i].fb);
		if (bufs[i].pd_handle)
			drmCloseBufferHandle(k->fd, bufs[i].pd_handle);
		if (bufs[i].dmabuf >= 0)
			close(bufs[i].dmabuf);
		if (bufs[i].map)
			munmap(bufs[i].map, bufs[i].size);
		if (bufs[i].vgem_handle)
			drmCloseBufferHandle(vgem, bufs[i].vgem_handle);
	}
}

struct stats {
	unsigned int frames, waited, early, blocked;
	double commit_max, lat_min, lat_max, lat_sum;
};

/* One fenced frame; false if implicit sync was not honoured. */
static bool fenced_frame(int vgem, struct pd_kms *k, const struct opts *o, struct buf *b,
			 unsigned int frame, struct stats *st)
{
	struct vgem_fence_attach fa = { .handle = b->vgem_handle, .flags = VGEM_FENCE_WRITE };
	struct vgem_fence_signal fs = { 0 };
	struct pd_flip_event ev;
	double t0, t_commit, t_sig, t_flip, lat;
	bool ok = true;
	int ret;

	if (drmIoctl(vgem, VGEM_IOCTL_FENCE_ATTACH, &fa)) {
		fprintf(stderr, "gpu2disp: VGEM_FENCE_ATTACH failed: %s\n", strerror(errno));
		return false;
	}
	if (write_fence_signalled(b->dmabuf)) {
		fprintf(stderr, "gpu2disp: the dma-buf shows no pending write fence after "
			"VGEM_FENCE_ATTACH\n");
		ok = false;
	}

	/* 2. Flip while the "GPU" still owns the buffer. */
	t0 = pd_now();
	ret = pd_kms_flip(k, b->fb, b);
	t_commit = pd_now() - t0;
	if (ret) {
		fprintf(stderr, "gpu2disp: the nonblocking commit of frame %u failed: %s\n",
			frame, strerror(-ret));
		fs.fence = fa.out_fence;
		drmIoctl(vgem, VGEM_IOCTL_FENCE_SIGNAL, &fs);
		return false;
	}
	if (t_commit > st->commit_max)
		st->commit_max = t_commit;
	if (write_fence_signalled(b->dmabuf)) {
		/* Only we, or vgem after 10 s, signal it: the commit waited. */
		printf("frame %u: BLOCKED: the commit returned after %.3f s with the fence "
		       "already signalled (vgem's %d s timeout): it waited for the fence\n",
		       frame, t_commit, VGEM_FENCE_TIMEOUT_MS / 1000);
		st->blocked++;
		ok = false;
	}

	/* 3. Render, then keep the fence pending for --fence-delay. */
	draw(b, o->w, o->h, frame);
	ret = pd_kms_wait_event(k, o->delay_ms, &ev);
	if (ret < 0)
		return false;
	if (ret > 0) {
		printf("frame %u: EARLY: the flip completed %.1f ms after the commit, before "
		       "its write fence was signalled\n", frame, (pd_now() - t0) * 1e3);
		st->early++;
		ok = false;
	}

	/* 4. "GPU done". */
	t_sig = pd_now();
	fs.fence = fa.out_fence;
	if (drmIoctl(vgem, VGEM_IOCTL_FENCE_SIGNAL, &fs)) {
		fprintf(stderr, "gpu2disp: VGEM_FENCE_SIGNAL failed: %s%s\n", strerror(errno),
			errno == ETIMEDOUT ? " (vgem had signalled it after its 10 s timeout)" : "");
		if (errno != ETIMEDOUT)
			return false;
		ok = false;
	}
	if (ret == 0) {
		ret = pd_kms_wait_event(k, 2000, &ev);
		if (ret <= 0) {
			fprintf(stderr, "gpu2disp: no flip event within 2 s of signalling the fence "
				"of frame %u\n", frame);
			return false;
		}
	}
	t_flip = pd_now();
	lat = ev.time - t_sig;
	if (lat < 0 && ok)
		lat = 0;	/* the vblank it landed on began as we signalled */
	if (ok) {
		st->waited++;
		if (st->waited == 1 || lat < st->lat_min)
			st->lat_min = lat;
		if (lat > st->lat_max)
			st->lat_max = lat;
		st->lat_sum += lat;
	}
	st->frames++;
	if (!o->quiet)
		printf("frame %u: commit returned in %.2f ms with the fence pending; no flip "
		       "during the %u ms the fence stayed pending; flip completed %.2f ms after "
		       "the fence was signalled (vblank %u; event read %.2f ms after it)\n",
		       frame, t_commit * 1e3, o->delay_ms, lat * 1e3, ev.sequence,
		       (t_flip - t_sig) * 1e3);
	fflush(stdout);
	return ok;
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "frames", required_argument, NULL, 'n' },
		{ "fence-delay", required_argument, NULL, 'D' },
		{ "size", required_argument, NULL, 's' },
		{ "buffers", required_argument, NULL, 'b' },
		{ "device", required_argument, NULL, 'd' },
		{ "connector", required_argument, NULL, 'C' },
		{ "vgem", required_argument, NULL, 'g' },
		{ "hold", no_argument, NULL, 'H' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct opts o = { .frames = 10, .nbufs = 2, .delay_ms = 200 };
	struct sigaction sa = { .sa_handler = on_signal };
	struct buf bufs[MAX_BUFS];
	struct stats st = { 0 };
	struct pd_kms k;
	bool bad = false, all_ok = true;
	int c, vgem, ret = 1;

	while ((c = getopt_long(argc, argv, "n:D:s:b:d:C:g:qh", lopts, NULL)) != -1) {
		switch (c) {
		case 'n': o.frames = pd_parse_uint("gpu2disp", optarg, "--frames", &bad); break;
		case 'D': o.delay_ms = pd_parse_uint("gpu2disp", optarg, "--fence-delay", &bad); break;
		case 's':
			if (sscanf(optarg, "%ux%u", &o.w, &o.h) != 2 || !o.w || !o.h) {
				fprintf(stderr, "gpu2disp: --size wants WxH, e.g. 1024x768\n");
				bad = true;
			}
			break;
		case 'b': o.nbufs = pd_parse_uint("gpu2disp", optarg, "--buffers", &bad); break;
		case 'd': o.device = optarg; break;
		case 'C': o.connector = pd_parse_uint("gpu2disp", optarg, "--connector", &bad); break;
		case 'g': o.vgem = optarg; break;
		case 'H': o.hold = true; break;
		case 'q': o.quiet = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "gpu2disp: unexpected argument \"%s\" (see --help)\n", argv[optind]);
		bad = true;
	}
	if (o.nbufs < 2 || o.nbufs > MAX_BUFS) {
		fprintf(stderr, "gpu2disp: --buffers must be 2..%d\n", MAX_BUFS);
		bad = true;
	}
	if (!o.delay_ms || o.delay_ms > VGEM_FENCE_TIMEOUT_MS / 2) {
		fprintf(stderr, "gpu2disp: --fence-delay must be 1..%d ms: vgem signals a fence "
			"itself after %d s\n", VGEM_FENCE_TIMEOUT_MS / 2, VGEM_FENCE_TIMEOUT_MS / 1000);
		bad = true;
	}
	if (bad)
		return 2;
	setvbuf(stdout, NULL, _IOLBF, 0);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	for (unsigned int i = 0; i < MAX_BUFS; i++)
		bufs[i] = (struct buf){ .dmabuf = -1 };

	if (o.vgem) {
		vgem = open(o.vgem, O_RDWR | O_CLOEXEC);
		if (vgem < 0) {
			fprintf(stderr, "gpu2disp: cannot open %s: %s\n", o.vgem, strerror(errno));
			return 1;
		}
	} else {
		vgem = pd_open_card_of("vgem");
		if (vgem < 0) {
			fprintf(stderr, "gpu2disp: no vgem device in /dev/dri: load it (modprobe "
				"vgem, as root) or pass --vgem\n");
			return 1;
		}
	}
	if (pd_kms_open(&k, o.device, o.connector, o.w, o.h))
		goto out_vgem;
	o.w = k.mode.hdisplay;
	o.h = k.mode.vdisplay;
	if (setup_bufs(vgem, &k, &o, bufs))
		goto out_bufs;

	/* Frame 0, unfenced, switches the output on. */
	draw(&bufs[0], o.w, o.h, 0);
	if (pd_kms_modeset(&k, bufs[0].fb))
		goto out_bufs;
	printf("output on: %s on connector %u, CRTC %u, frame 0 in buffer 0\n", k.mode.name,
	       k.conn_id, k.crtc_id);
	for (unsigned int f = 1; f <= o.frames && !stop; f++)
		all_ok &= fenced_frame(vgem, &k, &o, &bufs[f % o.nbufs], f, &st);

	printf("implicit sync: %u of %u flips waited for their fence (%u early, %u blocked "
	       "commits); slowest commit %.2f ms; fence signal -> flip: min %.2f, avg %.2f, "
	       "max %.2f ms\n", st.waited, st.frames, st.early, st.blocked, st.commit_max * 1e3,
	       st.lat_min * 1e3, st.waited ? st.lat_sum / st.waited * 1e3 : 0.0,
	       st.lat_max * 1e3);
	printf("result: frames=%u waited=%u early=%u blocked=%u commit_max_ms=%.2f "
	       "signal_to_flip_min_ms=%.2f signal_to_flip_max_ms=%.2f last_frame=%u\n",
	       st.frames, st.waited, st.early, st.blocked, st.commit_max * 1e3,
	       st.lat_min * 1e3, st.lat_max * 1e3, st.frames);
	fflush(stdout);
	ret = all_ok && st.frames == o.frames ? 0 : 1;
	if (o.hold && !stop)
		pd_hold_stdin(k.crtc_id, &stop);
out_bufs:
	release_bufs(vgem, &k, bufs, o.nbufs);
	pd_kms_close(&k);
out_vgem:
	close(vgem);
	return ret;
}
