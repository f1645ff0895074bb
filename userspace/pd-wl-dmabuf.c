// SPDX-License-Identifier: GPL-2.0
/*
 * pd-wl-dmabuf - a Wayland client that shows frames in buffers allocated
 * from primedisp's render node and shared with the compositor as dma-bufs
 * through linux-dmabuf (zwp_linux_dmabuf_v1), with the LINEAR modifier.
 *
 * The buffers come from DRM_IOCTL_PRIMEDISP_GEM_CREATE (width, height,
 * format, SCANOUT layout) and PRIME export; the pattern is written through
 * primedisp's own mmap (GEM_MMAP_OFFSET).  The surface is shown fullscreen
 * with zwp_fullscreen_shell_v1 or xdg-shell, so that a compositor can scan
 * the client's buffer out directly.  wp_presentation feedback tells, frame
 * by frame, whether the compositor did (the ZERO_COPY kind).
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
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include <wayland-client.h>
#include <xf86drm.h>
#include <drm_fourcc.h>

#include <drm/primedisp_drm.h>

#include "pd-common.h"
#include "linux-dmabuf-unstable-v1-client-protocol.h"
#include "fullscreen-shell-unstable-v1-client-protocol.h"
#include "xdg-shell-client-protocol.h"
#include "presentation-time-client-protocol.h"

#define MAX_BUFS	4
#define MAX_MODS	64

enum shell { SHELL_AUTO, SHELL_FULLSCREEN, SHELL_XDG };

struct buffer {
	struct app *app;
	struct wl_buffer *wl;
	uint32_t handle, pitch, offset;
	uint64_t size;
	int dmabuf;
	void *map;
	bool busy;		/* attached and not released yet */
	bool failed;		/* the compositor refused it */
};

struct app {
	/* options */
	unsigned int frames, nbufs, w, h;
	uint32_t format;
	enum shell shell;
	const char *render_node;
	bool hold, quiet;

	/* Wayland */
	struct wl_display *display;
	struct wl_registry *registry;
	struct wl_compositor *compositor;
	struct zwp_linux_dmabuf_v1 *dmabuf;
	struct zwp_fullscreen_shell_v1 *fshell;
	struct xdg_wm_base *wm_base;
	struct wp_presentation *presentation;
	struct wl_output *output;
	int32_t out_w, out_h;
	struct wl_surface *surface;
	struct xdg_surface *xdg_surface;
	struct xdg_toplevel *toplevel;
	bool configured;
	int32_t conf_w, conf_h;
	uint64_t mods[MAX_MODS];	/* modifiers advertised for our format */
	unsigned int nmods;

	/* frames */
	int drm;
	struct buffer bufs[MAX_BUFS];
	bool frame_done;
	unsigned int presented, zero_copy, discarded, feedback_pending;
	double t_first, t_last;
	bool closed;
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
		"Usage: pd-wl-dmabuf [OPTIONS]\n"
		"Show frames from primedisp buffers in a Wayland compositor through the\n"
		"linux-dmabuf protocol (LINEAR modifier), fullscreen, so that the compositor\n"
		"can scan them out without composition.\n\n"
		"  -n, --frames N        frames to show (default 10)\n"
		"  -s, --size WxH        buffer size (default: the output's current mode, which\n"
		"                        a fullscreen surface must match to be scanned out)\n"
		"  -f, --format FOURCC   XR24 (default), AR24, XB24 or AB24\n"
		"  -S, --shell SHELL     fullscreen (zwp_fullscreen_shell_v1), xdg (xdg-shell,\n"
		"                        set_fullscreen) or auto (default: fullscreen if the\n"
		"                        compositor offers it, else xdg)\n"
		"  -b, --buffers N       buffers in rotation, 1..%d (default 3)\n"
		"  -r, --render-node P   primedisp render node (default: the render node named\n"
		"                        primedisp)\n"
		"      --hold            keep the last frame on screen at the end until stdin\n"
		"                        reaches end of file (Ctrl-D) or Ctrl-C\n"
		"  -q, --quiet           no line per frame\n"
		"  -h, --help            this text\n\n"
		"Pixel (x, y) of frame F (from 0) is R = (x + 8F) mod 256, G = (y + 4F) mod\n"
		"256, B = 37F mod 256, alpha (AR24/AB24) 255.  Needs WAYLAND_DISPLAY (or\n"
		"wayland-0) under XDG_RUNTIME_DIR, like any Wayland client.\n"
		"Exit status: 0 if every frame was presented, 1 otherwise, 2 for bad options.\n",
		MAX_BUFS);
}

/* ---- events ---------------------------------------------------------------------- */

/* How long to wait for any single answer from the compositor. */
#define ANSWER_TIMEOUT_S 20

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int lost(struct app *a)
{
	const struct wl_interface *iface = NULL;
	uint32_t id = 0, code;
	int err = wl_display_get_error(a->display);

	if (err == EPROTO) {
		code = wl_display_get_protocol_error(a->display, &iface, &id);
		fprintf(stderr, "pd-wl-dmabuf: the compositor ended the connection with protocol "
			"error %u on %s@%u\n", code, iface ? iface->name : "?", id);
	} else {
		fprintf(stderr, "pd-wl-dmabuf: lost the connection to the compositor: %s\n",
			strerror(err ? err : errno));
	}
	return -1;
}

/*
 * Read and dispatch Wayland events, waiting at most @timeout_ms (-1: no
 * limit) for some to arrive.  With @in_eof, stdin is watched too and
 * *@in_eof set at its end of file.  Unlike wl_display_dispatch(), a signal
 * ends the wait (SIGINT, SIGTERM).  Returns 0, or -1 on a signal or a lost
 * connection.
 */
static int wait_events(struct app *a, int timeout_ms, bool *in_eof)
{
	struct pollfd p[2] = {
		{ .fd = wl_display_get_fd(a->display), .events = POLLIN },
		{ .fd = STDIN_FILENO, .events = POLLIN },
	};
	int ret;

	while (wl_display_prepare_read(a->display) != 0)
		if (wl_display_dispatch_pending(a->display) < 0)
			return lost(a);
	if (wl_display_flush(a->display) < 0 && errno != EAGAIN) {
		wl_display_cancel_read(a->display);
		return lost(a);
	}
	ret = poll(p, in_eof ? 2 : 1, timeout_ms);
	if (ret <= 0 || !(p[0].revents & (POLLIN | POLLERR | POLLHUP))) {
		wl_display_cancel_read(a->display);
	} else if (wl_display_read_events(a->display) < 0) {
		return lost(a);
	}
	if (ret < 0 && errno != EINTR) {
		fprintf(stderr, "pd-wl-dmabuf: poll failed: %s\n", strerror(errno));
		return -1;
	}
	if (wl_display_dispatch_pending(a->display) < 0)
		return lost(a);
	if (ret > 0 && in_eof && (p[1].revents & (POLLIN | POLLHUP))) {
		char buf[256];

		if (read(STDIN_FILENO, buf, sizeof(buf)) <= 0)
			*in_eof = true;
	}
	return stop ? -1 : 0;
}

/*
 * Dispatch events until @cond holds; -1 (with a message naming @what) if
 * the compositor does not bring it about within ANSWER_TIMEOUT_S, on a
 * signal or a lost connection.
 */
#define WAIT_UNTIL(a, cond, what) ({						\
	double __end = now() + ANSWER_TIMEOUT_S;				\
	int __r = 0;								\
	while (!(cond)) {							\
		int __left = (int)((__end - now()) * 1000);			\
		if (__left <= 0) {						\
			fprintf(stderr, "pd-wl-dmabuf: no %s from the compositor "	\
				"within %d s\n", (what), ANSWER_TIMEOUT_S);	\
			__r = -1;						\
			break;							\
		}								\
		if (wait_events((a), __left, NULL) < 0) {			\
			__r = -1;						\
			break;							\
		}								\
	}									\
	__r;									\
})

static void sync_done(void *data, struct wl_callback *cb, uint32_t serial)
{
	bool *done = data;

	(void)serial;
	*done = true;
	wl_callback_destroy(cb);
}

static const struct wl_callback_listener sync_listener = {
	.done = sync_done,
};

/* wl_display_roundtrip() with a time limit, and that a signal interrupts. */
static int roundtrip(struct app *a)
{
	bool done = false;

	wl_callback_add_listener(wl_display_sync(a->display), &sync_listener, &done);
	return WAIT_UNTIL(a, done, "answer to wl_display.sync");
}

/* ---- buffers -------------------------------------------------------------------- */

static void draw(struct app *a, struct buffer *b, unsigned int frame)
{
	uint32_t blue = (37u * frame) & 0xff;
	bool bgr = a->format == DRM_FORMAT_XBGR8888 || a->format == DRM_FORMAT_ABGR8888;

	for (unsigned int y = 0; y < a->h; y++) {
		uint32_t *row = (uint32_t *)((uint8_t *)b->map + b->offset + (size_t)y * b->pitch);
		uint32_t green = (y + 4u * frame) & 0xff;

		for (unsigned int x = 0; x < a->w; x++) {
			uint32_t red = (x + 8u * frame) & 0xff;

			row[x] = 0xff000000u | green << 8 |
				 (bgr ? (blue << 16 | red) : (red << 16 | blue));
		}
	}
}

static void buffer_release(void *data, struct wl_buffer *wl)
{
	struct buffer *b = data;

	(void)wl;
	b->busy = false;
}

static const struct wl_buffer_listener buffer_listener = {
	.release = buffer_release,
};

static void params_created(void *data, struct zwp_linux_buffer_params_v1 *params,
			   struct wl_buffer *wl)
{
	struct buffer *b = data;

	b->wl = wl;
	wl_buffer_add_listener(wl, &buffer_listener, b);
	zwp_linux_buffer_params_v1_destroy(params);
}

static void params_failed(void *data, struct zwp_linux_buffer_params_v1 *params)
{
	struct buffer *b = data;

	b->failed = true;
	zwp_linux_buffer_params_v1_destroy(params);
}

static const struct zwp_linux_buffer_params_v1_listener params_listener = {
	.created = params_created,
	.failed = params_failed,
};

/* GEM_CREATE on the render node, map, export, and wrap as a wl_buffer. */
static int create_buffer(struct app *a, struct buffer *b, unsigned int index)
{
	struct drm_primedisp_gem_create c = {
		.width = a->w, .height = a->h, .format = a->format,
		.flags = PRIMEDISP_GEM_CREATE_SCANOUT,
	};
	struct drm_primedisp_gem_mmap_offset mo = { 0 };
	struct zwp_linux_buffer_params_v1 *params;
	uint64_t mod = DRM_FORMAT_MOD_LINEAR;
	char f[PD_FOURCC_LEN];

	b->app = a;
	if (drmIoctl(a->drm, DRM_IOCTL_PRIMEDISP_GEM_CREATE, &c)) {
		fprintf(stderr, "pd-wl-dmabuf: PRIMEDISP_GEM_CREATE %ux%u %s failed: %s\n",
			a->w, a->h, pd_fourcc_str(a->format, f), strerror(errno));
		return -1;
	}
	b->handle = c.handle;
	b->pitch = c.pitches[0];
	b->offset = c.offsets[0];
	b->size = c.size;
	mo.handle = c.handle;
	if (drmIoctl(a->drm, DRM_IOCTL_PRIMEDISP_GEM_MMAP_OFFSET, &mo)) {
		fprintf(stderr, "pd-wl-dmabuf: PRIMEDISP_GEM_MMAP_OFFSET failed: %s\n",
			strerror(errno));
		return -1;
	}
	b->map = mmap(NULL, b->size, PROT_READ | PROT_WRITE, MAP_SHARED, a->drm, mo.offset);
	if (b->map == MAP_FAILED) {
		b->map = NULL;
		fprintf(stderr, "pd-wl-dmabuf: mmap of a primedisp buffer failed: %s\n",
			strerror(errno));
		return -1;
	}
	if (drmPrimeHandleToFD(a->drm, c.handle, DRM_CLOEXEC | DRM_RDWR, &b->dmabuf)) {
		fprintf(stderr, "pd-wl-dmabuf: PRIME export failed: %s\n", strerror(errno));
		return -1;
	}

	params = zwp_linux_dmabuf_v1_create_params(a->dmabuf);
	zwp_linux_buffer_params_v1_add_listener(params, &params_listener, b);
	zwp_linux_buffer_params_v1_add(params, b->dmabuf, 0, b->offset, b->pitch,
				       mod >> 32, mod & 0xffffffff);
	zwp_linux_buffer_params_v1_create(params, a->w, a->h, a->format, 0);
	if (WAIT_UNTIL(a, b->wl || b->failed, "answer to the dma-buf import (created/failed)"))
		return -1;
	if (b->failed) {
		fprintf(stderr, "pd-wl-dmabuf: the compositor refused the dma-buf "
			"(zwp_linux_buffer_params_v1.failed): %ux%u %s LINEAR, pitch %u; it must "
			"import dma-bufs of this format and modifier\n", a->w, a->h,
			pd_fourcc_str(a->format, f), b->pitch);
		return -1;
	}
	printf("buffer %u: primedisp handle %u, %ux%u %s pitch %u, LINEAR, dma-buf fd %d "
	       "-> wl_buffer\n", index, b->handle, a->w, a->h, pd_fourcc_str(a->format, f),
	       b->pitch, b->dmabuf);
	return 0;
}

static void destroy_buffer(struct app *a, struct buffer *b)
{
	if (b->wl)
		wl_buffer_destroy(b->wl);
	if (b->map)
		munmap(b->map, b->size);
	if (b->dmabuf > 0)
		close(b->dmabuf);
	if (b->handle)
		drmCloseBufferHandle(a->drm, b->handle);
	memset(b, 0, sizeof(*b));
}

/* ---- globals ------------------------------------------------------------------------ */

static void dmabuf_format(void *data, struct zwp_linux_dmabuf_v1 *d, uint32_t format)
{
	(void)data;
	(void)d;
	(void)format;
}

static void dmabuf_modifier(void *data, struct zwp_linux_dmabuf_v1 *d, uint32_t format,
			    uint32_t hi, uint32_t lo)
{
	struct app *a = data;

	(void)d;
	if (format == a->format && a->nmods < MAX_MODS)
		a->mods[a->nmods++] = (uint64_t)hi << 32 | lo;
}

static const struct zwp_linux_dmabuf_v1_listener dmabuf_listener = {
	.format = dmabuf_format,
	.modifier = dmabuf_modifier,
};

static void output_geometry(void *data, struct wl_output *o, int32_t x, int32_t y,
			    int32_t pw, int32_t ph, int32_t subpixel, const char *make,
			    const char *model, int32_t transform)
{
	(void)data; (void)o; (void)x; (void)y; (void)pw; (void)ph; (void)subpixel;
	(void)make; (void)model; (void)transform;
}

static void output_mode(void *data, struct wl_output *o, uint32_t flags, int32_t w,
			int32_t h, int32_t refresh)
{
	struct app *a = data;

	(void)o;
	(void)refresh;
	if (flags & WL_OUTPUT_MODE_CURRENT) {
		a->out_w = w;
		a->out_h = h;
	}
}

static void output_done(void *data, struct wl_output *o)
{
	(void)data;
	(void)o;
}

static void output_scale(void *data, struct wl_output *o, int32_t s)
{
	(void)data;
	(void)o;
	(void)s;
}

static const struct wl_output_listener output_listener = {
	.geometry = output_geometry,
	.mode = output_mode,
	.done = output_done,
	.scale = output_scale,
};

static void wm_ping(void *data, struct xdg_wm_base *wm, uint32_t serial)
{
	(void)data;
	xdg_wm_base_pong(wm, serial);
}

static const struct xdg_wm_base_listener wm_listener = {
	.ping = wm_ping,
};

static void registry_global(void *data, struct wl_registry *r, uint32_t name,
			    const char *iface, uint32_t version)
{
	struct app *a = data;

	if (!strcmp(iface, wl_compositor_interface.name)) {
		a->compositor = wl_registry_bind(r, name, &wl_compositor_interface,
						 version < 4 ? version : 4);
	} else if (!strcmp(iface, zwp_linux_dmabuf_v1_interface.name) && version >= 3) {
		/* Version 3 sends format/modifier pairs as events. */
		a->dmabuf = wl_registry_bind(r, name, &zwp_linux_dmabuf_v1_interface, 3);
		zwp_linux_dmabuf_v1_add_listener(a->dmabuf, &dmabuf_listener, a);
	} else if (!strcmp(iface, zwp_fullscreen_shell_v1_interface.name)) {
		a->fshell = wl_registry_bind(r, name, &zwp_fullscreen_shell_v1_interface, 1);
	} else if (!strcmp(iface, xdg_wm_base_interface.name)) {
		a->wm_base = wl_registry_bind(r, name, &xdg_wm_base_interface, 1);
		xdg_wm_base_add_listener(a->wm_base, &wm_listener, a);
	} else if (!strcmp(iface, wp_presentation_interface.name)) {
		a->presentation = wl_registry_bind(r, name, &wp_presentation_interface, 1);
	} else if (!strcmp(iface, wl_output_interface.name) && !a->output) {
		a->output = wl_registry_bind(r, name, &wl_output_interface,
					     version < 2 ? version : 2);
		wl_output_add_listener(a->output, &output_listener, a);
	}
}

static void registry_global_remove(void *data, struct wl_registry *r, uint32_t name)
{
	(void)data;
	(void)r;
	(void)name;
}

static const struct wl_registry_listener registry_listener = {
	.global = registry_global,
	.global_remove = registry_global_remove,
};

/* ---- xdg-shell ------------------------------------------------------------------------ */

static void xdg_surface_configure(void *data, struct xdg_surface *s, uint32_t serial)
{
	struct app *a = data;

	xdg_surface_ack_configure(s, serial);
	a->configured = true;
}

static const struct xdg_surface_listener xdg_surface_listener = {
	.configure = xdg_surface_configure,
};

static void toplevel_configure(void *data, struct xdg_toplevel *t, int32_t w, int32_t h,
			       struct wl_array *states)
{
	struct app *a = data;

	(void)t;
	(void)states;
	a->conf_w = w;
	a->conf_h = h;
}

static void toplevel_close(void *data, struct xdg_toplevel *t)
{
	struct app *a = data;

	(void)t;
	a->closed = true;
}

static const struct xdg_toplevel_listener toplevel_listener = {
	.configure = toplevel_configure,
	.close = toplevel_close,
};

/* ---- frames ------------------------------------------------------------------------------ */

static void frame_done(void *data, struct wl_callback *cb, uint32_t time)
{
	struct app *a = data;

	(void)time;
	wl_callback_destroy(cb);
	a->frame_done = true;
}

static const struct wl_callback_listener frame_listener = {
	.done = frame_done,
};

struct feedback {
	struct app *app;
	unsigned int frame;
};

static void fb_sync_output(void *data, struct wp_presentation_feedback *f,
			   struct wl_output *o)
{
	(void)data;
	(void)f;
	(void)o;
}

static void fb_presented(void *data, struct wp_presentation_feedback *f, uint32_t sec_hi,
			 uint32_t sec_lo, uint32_t nsec, uint32_t refresh, uint32_t seq_hi,
			 uint32_t seq_lo, uint32_t flags)
{
	struct feedback *fb = data;
	struct app *a = fb->app;
	double t = ((uint64_t)sec_hi << 32 | sec_lo) + nsec / 1e9;

	(void)refresh;
	a->presented++;
	a->feedback_pending--;
	if (flags & WP_PRESENTATION_FEEDBACK_KIND_ZERO_COPY)
		a->zero_copy++;
	if (!a->t_first)
		a->t_first = t;
	a->t_last = t;
	if (!a->quiet)
		printf("frame %u: presented at %.3f s (sequence %llu), kind:%s%s%s%s\n",
		       fb->frame, t, (unsigned long long)((uint64_t)seq_hi << 32 | seq_lo),
		       flags & WP_PRESENTATION_FEEDBACK_KIND_VSYNC ? " vsync" : "",
		       flags & WP_PRESENTATION_FEEDBACK_KIND_HW_CLOCK ? " hw_clock" : "",
		       flags & WP_PRESENTATION_FEEDBACK_KIND_HW_COMPLETION ? " hw_completion" : "",
		       flags & WP_PRESENTATION_FEEDBACK_KIND_ZERO_COPY ?
		       " zero_copy (scanned out directly)" : " composited (a copy)");
	wp_presentation_feedback_destroy(f);
	free(fb);
}

static void fb_discarded(void *data, struct wp_presentation_feedback *f)
{
	struct feedback *fb = data;

	fb->app->discarded++;
	fb->app->feedback_pending--;
	if (!fb->app->quiet)
		printf("frame %u: discarded (never shown)\n", fb->frame);
	wp_presentation_feedback_destroy(f);
	free(fb);
}

static const struct wp_presentation_feedback_listener feedback_listener = {
	.sync_output = fb_sync_output,
	.presented = fb_presented,
	.discarded = fb_discarded,
};

static struct buffer *idle_buffer(struct app *a)
{
	for (unsigned int i = 0; i < a->nbufs; i++)
		if (!a->bufs[i].busy)
			return &a->bufs[i];
	return NULL;
}

static int show_frame(struct app *a, unsigned int frame)
{
	struct wl_callback *cb;
	struct buffer *b;

	if (WAIT_UNTIL(a, idle_buffer(a), "wl_buffer.release of a buffer to draw into"))
		return -1;
	b = idle_buffer(a);
	draw(a, b, frame);
	b->busy = true;
	wl_surface_attach(a->surface, b->wl, 0, 0);
	if (wl_surface_get_version(a->surface) >= 4)
		wl_surface_damage_buffer(a->surface, 0, 0, a->w, a->h);
	else
		wl_surface_damage(a->surface, 0, 0, a->w, a->h);
	a->frame_done = false;
	cb = wl_surface_frame(a->surface);
	wl_callback_add_listener(cb, &frame_listener, a);
	if (a->presentation) {
		struct feedback *fb = calloc(1, sizeof(*fb));

		if (fb) {
			fb->app = a;
			fb->frame = frame;
			wp_presentation_feedback_add_listener(
				wp_presentation_feedback(a->presentation, a->surface),
				&feedback_listener, fb);
			a->feedback_pending++;
		}
	}
	wl_surface_commit(a->surface);
	if (WAIT_UNTIL(a, a->frame_done || a->closed,
		       "frame callback (the surface is not being shown)"))
		return -1;
	if (a->closed)
		fprintf(stderr, "pd-wl-dmabuf: the compositor closed the window\n");
	return a->closed ? -1 : 0;
}

/* Dispatch Wayland events until stdin reaches end of file or a signal. */
static void hold(struct app *a)
{
	bool eof = false;

	printf("holding the last frame: close stdin (Ctrl-D) or press Ctrl-C to exit\n");
	fflush(stdout);
	while (!eof && !a->closed)
		if (wait_events(a, -1, &eof) < 0)
			break;
}

static const char *device_of(int fd, char *buf, size_t len)
{
	struct stat st;

	if (fstat(fd, &st))
		snprintf(buf, len, "?");
	else
		snprintf(buf, len, "%u:%u", major(st.st_rdev), minor(st.st_rdev));
	return buf;
}

static int setup_surface(struct app *a)
{
	a->surface = wl_compositor_create_surface(a->compositor);
	if (a->shell == SHELL_FULLSCREEN) {
		zwp_fullscreen_shell_v1_present_surface(a->fshell, a->surface,
			ZWP_FULLSCREEN_SHELL_V1_PRESENT_METHOD_DEFAULT, NULL);
		return 0;
	}
	a->xdg_surface = xdg_wm_base_get_xdg_surface(a->wm_base, a->surface);
	xdg_surface_add_listener(a->xdg_surface, &xdg_surface_listener, a);
	a->toplevel = xdg_surface_get_toplevel(a->xdg_surface);
	xdg_toplevel_add_listener(a->toplevel, &toplevel_listener, a);
	xdg_toplevel_set_title(a->toplevel, "pd-wl-dmabuf");
	xdg_toplevel_set_app_id(a->toplevel, "primedisp.pd-wl-dmabuf");
	xdg_toplevel_set_fullscreen(a->toplevel, NULL);
	wl_surface_commit(a->surface);
	return WAIT_UNTIL(a, a->configured, "first xdg_surface.configure");
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "frames", required_argument, NULL, 'n' },
		{ "size", required_argument, NULL, 's' },
		{ "format", required_argument, NULL, 'f' },
		{ "shell", required_argument, NULL, 'S' },
		{ "buffers", required_argument, NULL, 'b' },
		{ "render-node", required_argument, NULL, 'r' },
		{ "hold", no_argument, NULL, 'H' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct app a = { .frames = 10, .nbufs = 3, .format = DRM_FORMAT_XRGB8888, .drm = -1 };
	struct sigaction sa = { .sa_handler = on_signal };
	char f[PD_FOURCC_LEN], dev[32];
	bool bad = false, linear = false;
	unsigned int shown = 0;
	int c, ret = 1;

	while ((c = getopt_long(argc, argv, "n:s:f:S:b:r:qh", lopts, NULL)) != -1) {
		switch (c) {
		case 'n': a.frames = pd_parse_uint("pd-wl-dmabuf", optarg, "--frames", &bad); break;
		case 's':
			if (sscanf(optarg, "%ux%u", &a.w, &a.h) != 2 || !a.w || !a.h) {
				fprintf(stderr, "pd-wl-dmabuf: --size wants WxH, e.g. 1024x768\n");
				bad = true;
			}
			break;
		case 'f':
			a.format = pd_fourcc_parse(optarg);
			if (a.format != DRM_FORMAT_XRGB8888 && a.format != DRM_FORMAT_ARGB8888 &&
			    a.format != DRM_FORMAT_XBGR8888 && a.format != DRM_FORMAT_ABGR8888) {
				fprintf(stderr, "pd-wl-dmabuf: --format must be XR24, AR24, XB24 or "
					"AB24\n");
				bad = true;
			}
			break;
		case 'S':
			if (!strcmp(optarg, "fullscreen"))
				a.shell = SHELL_FULLSCREEN;
			else if (!strcmp(optarg, "xdg"))
				a.shell = SHELL_XDG;
			else if (!strcmp(optarg, "auto"))
				a.shell = SHELL_AUTO;
			else {
				fprintf(stderr, "pd-wl-dmabuf: --shell must be fullscreen, xdg or "
					"auto\n");
				bad = true;
			}
			break;
		case 'b': a.nbufs = pd_parse_uint("pd-wl-dmabuf", optarg, "--buffers", &bad); break;
		case 'r': a.render_node = optarg; break;
		case 'H': a.hold = true; break;
		case 'q': a.quiet = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "pd-wl-dmabuf: unexpected argument \"%s\" (see --help)\n",
			argv[optind]);
		bad = true;
	}
	if (a.nbufs < 1 || a.nbufs > MAX_BUFS) {
		fprintf(stderr, "pd-wl-dmabuf: --buffers must be 1..%d\n", MAX_BUFS);
		bad = true;
	}
	if (bad)
		return 2;
	setvbuf(stdout, NULL, _IOLBF, 0);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	a.drm = pd_open_render_node(a.render_node);
	if (a.drm < 0)
		return 1;
	a.display = wl_display_connect(NULL);
	if (!a.display) {
		fprintf(stderr, "pd-wl-dmabuf: cannot connect to a Wayland compositor (%s): "
			"start one and set XDG_RUNTIME_DIR and WAYLAND_DISPLAY (now %s)\n",
			strerror(errno), getenv("WAYLAND_DISPLAY") ? getenv("WAYLAND_DISPLAY") :
			"unset, so wayland-0");
		goto out;
	}
	a.registry = wl_display_get_registry(a.display);
	wl_registry_add_listener(a.registry, &registry_listener, &a);
	if (roundtrip(&a) || roundtrip(&a))	/* globals; then modifiers, output modes */
		goto out;
	if (!a.compositor || !a.dmabuf) {
		fprintf(stderr, "pd-wl-dmabuf: the compositor offers no %s: it cannot take "
			"dma-buf buffers\n", !a.compositor ? "wl_compositor" :
			"zwp_linux_dmabuf_v1 (version 3 or later)");
		goto out;
	}
	if (a.shell == SHELL_AUTO)
		a.shell = a.fshell ? SHELL_FULLSCREEN : SHELL_XDG;
	if ((a.shell == SHELL_FULLSCREEN && !a.fshell) || (a.shell == SHELL_XDG && !a.wm_base)) {
		fprintf(stderr, "pd-wl-dmabuf: the compositor offers no %s: try --shell %s\n",
			a.shell == SHELL_FULLSCREEN ? "zwp_fullscreen_shell_v1" : "xdg_wm_base",
			a.shell == SHELL_FULLSCREEN ? "xdg" : "fullscreen");
		goto out;
	}
	printf("compositor: linux-dmabuf v3, %s, presentation feedback %s; render node %s "
	       "(primedisp)\n", a.shell == SHELL_FULLSCREEN ? "zwp_fullscreen_shell_v1" :
	       "xdg-shell", a.presentation ? "yes" : "no", device_of(a.drm, dev, sizeof(dev)));
	printf("compositor modifiers for %s:", pd_fourcc_str(a.format, f));
	for (unsigned int i = 0; i < a.nmods; i++) {
		linear |= a.mods[i] == DRM_FORMAT_MOD_LINEAR;
		if (a.mods[i] == DRM_FORMAT_MOD_LINEAR)
			printf(" LINEAR");
		else if (a.mods[i] == DRM_FORMAT_MOD_INVALID)
			printf(" INVALID (implicit)");
		else
			printf(" 0x%016llx", (unsigned long long)a.mods[i]);
	}
	printf("%s\n", a.nmods ? "" : " none advertised");
	if (!linear)
		printf("note: LINEAR is not among them; sending LINEAR buffers anyway\n");

	if (setup_surface(&a))
		goto out;
	if (!a.w) {
		a.w = a.conf_w > 0 ? a.conf_w : a.out_w;
		a.h = a.conf_h > 0 ? a.conf_h : a.out_h;
		if (!a.w || !a.h) {
			fprintf(stderr, "pd-wl-dmabuf: the compositor gave no output size: pass "
				"--size\n");
			goto out;
		}
	}
	printf("surface: %ux%u %s (output %dx%d)\n", a.w, a.h, pd_fourcc_str(a.format, f),
	       a.out_w, a.out_h);

	for (unsigned int i = 0; i < a.nbufs; i++)
		if (create_buffer(&a, &a.bufs[i], i))
			goto out;
	for (unsigned int frame = 0; frame < a.frames; frame++) {
		if (show_frame(&a, frame))
			break;
		shown++;
	}
	/* The last frames' presentation feedback. */
	if (shown == a.frames)
		WAIT_UNTIL(&a, !a.feedback_pending || a.closed, "presentation feedback");
	printf("pd-wl-dmabuf: %u frames committed, %u presented (%u zero-copy, i.e. scanned "
	       "out directly; %u composited), %u discarded; %.2f fps\n", shown, a.presented,
	       a.zero_copy, a.presented - a.zero_copy, a.discarded,
	       a.presented > 1 && a.t_last > a.t_first ?
	       (a.presented - 1) / (a.t_last - a.t_first) : 0.0);
	printf("result: frames=%u presented=%u zero_copy=%u discarded=%u last_frame=%d "
	       "size=%ux%u format=%s\n", shown, a.presented, a.zero_copy, a.discarded,
	       (int)shown - 1, a.w, a.h, pd_fourcc_str(a.format, f));
	fflush(stdout);
	ret = shown == a.frames && (!a.presentation || a.presented + a.discarded == shown) ?
	      0 : 1;
	if (a.hold && !stop && !a.closed)
		hold(&a);
out:
	for (unsigned int i = 0; i < MAX_BUFS; i++)
		if (a.bufs[i].app)
			destroy_buffer(&a, &a.bufs[i]);
	if (a.display)
		wl_display_disconnect(a.display);
	if (a.drm >= 0)
		close(a.drm);
	return ret;
}
