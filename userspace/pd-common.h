/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pd-common.h - small helpers shared by primedisp's userspace tools.
 *
 * Copyright (C) 2026 The primedisp authors
 */
#ifndef PD_COMMON_H
#define PD_COMMON_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <xf86drmMode.h>

struct pd_mapping {
	void *ptr;
	size_t size;
};

struct pd_dumb {
	uint32_t handle, width, height, pitch;
	uint64_t size;
	struct pd_mapping map;
};

struct pd_output {
	uint32_t connector_id, crtc_id;
	drmModeModeInfo mode;
};

/* Open PATH, or the first /dev/dri/cardN whose driver is "primedisp". */
int pd_open_device(const char *path);
/* Open PATH, or the first /dev/dri/renderDN whose driver is "primedisp". */
int pd_open_render_node(const char *path);
/*
 * The first /dev/dri/cardN whose driver is @driver, or -1 (no message:
 * the caller knows what to advise).
 */
int pd_open_card_of(const char *driver);
/* "XR24"-style name of a fourcc into @buf (PD_FOURCC_LEN bytes); returns @buf. */
#define PD_FOURCC_LEN 12
const char *pd_fourcc_str(uint32_t fourcc, char *buf);
/* Parse "XR24" into a fourcc (spaces allowed for short codes); 0 if invalid. */
uint32_t pd_fourcc_parse(const char *s);
/* First connected connector with a CRTC; mode WxH or the preferred one. */
int pd_find_output(int fd, unsigned int w, unsigned int h, struct pd_output *out);
int pd_dumb_create(int fd, uint32_t w, uint32_t h, uint32_t bpp, struct pd_dumb *d);
void pd_dumb_destroy(int fd, struct pd_dumb *d);
int pd_map_handle(int fd, uint32_t handle, size_t size, struct pd_mapping *m);
void pd_unmap(struct pd_mapping *m);

/*
 * Parse option @opt's value @s as a number up to 1000000; on anything else
 * print "TOOL: OPT wants a number" and set *@bad.
 */
unsigned int pd_parse_uint(const char *tool, const char *s, const char *opt, bool *bad);
/*
 * --hold: keep the last frame of CRTC @crtc_id on screen until stdin ends
 * or *@stop is set (by a signal handler).
 */
void pd_hold_stdin(uint32_t crtc_id, volatile sig_atomic_t *stop);

/*
 * pd-pattern's picture: SMPTE-like colour bars over the top three quarters,
 * a grey ramp below, a one-pixel white frame, as XRGB8888 into @px (rows
 * @stride bytes apart).  pd-pngcheck compares saved frames with it.
 */
void pd_draw_bars(uint32_t *px, unsigned int w, unsigned int h, unsigned int stride);

/* The id of property @name of object @obj (DRM_MODE_OBJECT_@type), or 0. */
uint32_t pd_prop_id(int fd, uint32_t obj, uint32_t type, const char *name);
/* The same, and its current value to *@val (if @val is not NULL) when found. */
uint32_t pd_prop_lookup(int fd, uint32_t obj, uint32_t type, const char *name,
			uint64_t *val);

/*
 * The writeback connector that can capture CRTC index @crtc_index, or 0.
 * @fd must have the atomic and writeback-connector client caps.
 */
uint32_t pd_writeback_connector(int fd, int crtc_index);
/*
 * Capture the frame CRTC @crtc_id composes into framebuffer @fb_id (of the
 * mode's size) through writeback connector @wb_conn: one atomic commit
 * (DRM master needed), then up to @timeout_ms for its out-fence.  Prints
 * what went wrong as "@tool: ..."; 0 or -1.
 */
int pd_writeback_capture(const char *tool, int fd, uint32_t crtc_id, uint32_t wb_conn,
			 uint32_t fb_id, int timeout_ms);
#endif
