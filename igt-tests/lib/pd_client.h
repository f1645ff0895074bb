/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pd_client - running real display clients (modetest, kmscube, Weston,
 * GStreamer) from a test and checking what they put on primedisp's screen.
 *
 * The clients run as background processes (struct pd_proc of pdtest.h)
 * while the test watches the output through a second, non-master file
 * descriptor of the card (struct pd_screen): the CRTC's mode and
 * framebuffer, and CRCs of the composed frame read through debugfs.
 *
 * Evidence that pixels reached the screen, strongest first:
 *  - pd_screen_sample(): the CRC of a frame equals the CRC computed in
 *    userspace (lib/pd_ref.c, the composer's arithmetic) from the bytes of
 *    the framebuffers the CRTC's planes scanned out during that frame and
 *    the planes' properties (GETFB2, a dumb-buffer or dma-buf mapping);
 *  - the CRC differs from the one of a black (or other solid) frame,
 *    computed with pd_solid_crc();
 *  - CRCs sampled over time differ (for clients that animate).
 *
 * Conventions as in pdtest.h: pd_*() functions assert or skip.
 */
#ifndef PD_CLIENT_H
#define PD_CLIENT_H

#include <stdbool.h>
#include <stdint.h>

#include <xf86drmMode.h>

#include "pdtest.h"

/* ---- client processes ------------------------------------------------------- */

/* Skip unless @path is an executable (Debian package @package provides it). */
void pd_client_require(const char *path, const char *package);

/*
 * Print @text under a header, each line indented; with @max_lines > 0 only
 * the last @max_lines lines.
 */
void pd_client_show(const char *what, const char *text, int max_lines);

/*
 * Wait until the output of @p contains @needle, @p exits or @timeout_ms
 * pass.  Returns whether @needle was seen.
 */
bool pd_client_wait_output(struct pd_proc *p, const char *needle, int timeout_ms);

/*
 * End @p: send @sig, wait up to @timeout_ms for it to exit, then SIGKILL.
 * Returns its exit status (pdtest's convention: 128 + signal if killed by
 * one), or -1 if it ignored @sig and had to be killed.
 */
int pd_client_stop(struct pd_proc *p, int sig, int timeout_ms);

/* Number of lines of @text containing @needle. */
int pd_count_lines(const char *text, const char *needle);

/* ---- the screen ------------------------------------------------------------------ */

#define PD_SCREEN_MAX_PLANES	8
#define PD_SCREEN_PLANE_PROPS	16

/**
 * struct pd_screen - primedisp's output as a watching test sees it
 * @fd: the card node, atomic (and so universal planes) on, never DRM master
 *	(so that the client under test can be)
 * @card: "cardN", the node's name (as Weston's --drm-device wants it)
 * @path: "/dev/dri/cardN"
 * @conn, @crtc, @plane: the connected connector, its CRTC and the CRTC's
 *	primary plane
 * @crtc_idx: index of @crtc (debugfs crtc-N)
 * @pref: the connector's preferred mode
 * @planes, @plane_type, @nplanes: every plane that can show on @crtc
 *	(primary, overlays, cursor: whatever the device has), its
 *	DRM_PLANE_TYPE_*
 * @plane_prop: ids of the plane properties pd_screen_planes() reads
 *	(private; 0 where a plane has none)
 */
struct pd_screen {
	int fd;
	char card[16];
	char path[32];
	uint32_t conn, crtc, plane;
	int crtc_idx;
	drmModeModeInfo pref;
	uint32_t planes[PD_SCREEN_MAX_PLANES];
	int plane_type[PD_SCREEN_MAX_PLANES];
	int nplanes;
	uint32_t plane_prop[PD_SCREEN_MAX_PLANES][PD_SCREEN_PLANE_PROPS];
};

/*
 * Open primedisp's card node as a watcher: find the output and its planes,
 * reset the plane properties clients do not set to their defaults (see
 * below), drop DRM master if the open made us master, and skip if CRCs
 * cannot be read (no debugfs).
 *
 * Plane properties persist across processes: a test before this one may
 * have left a plane rotated, translucent or with another YCbCr encoding,
 * and clients that do not know these properties (modetest, Weston 10,
 * kmssink) would show their pictures that way.  So while the watcher is
 * master it commits rotation 0, alpha opaque, pixel blend mode
 * "Pre-multiplied", COLOR_ENCODING BT.601 and COLOR_RANGE limited on every
 * plane of the CRTC that has them and differs (zpos stays: its defaults are
 * the driver's), and turns the CRTC's DEGAMMA_LUT, CTM and GAMMA_LUT off.
 */
void pd_screen_open(struct pd_screen *s);
void pd_screen_close(struct pd_screen *s);

/* The CRTC's current state: active mode size and framebuffer (0: none). */
struct pd_crtc_view {
	bool active;
	uint32_t w, h, fb, x, y;
};
struct pd_crtc_view pd_screen_view(struct pd_screen *s);

/**
 * struct pd_plane_view - one plane as its (atomic) properties describe it
 * @id: the plane
 * @crtc, @fb: its CRTC_ID and FB_ID
 * @src_x, @src_y, @src_w, @src_h: source rectangle, 16.16
 * @crtc_x, @crtc_y, @crtc_w, @crtc_h: destination on the CRTC
 * @rotation, @alpha, @blend, @zpos, @encoding, @range: the properties of
 *	those names (rotation, alpha, pixel blend mode, zpos, COLOR_ENCODING,
 *	COLOR_RANGE) or their defaults if the plane has none
 */
struct pd_plane_view {
	uint32_t id, crtc, fb;
	uint32_t src_x, src_y, src_w, src_h;
	int32_t crtc_x, crtc_y;
	uint32_t crtc_w, crtc_h;
	uint64_t rotation, alpha, blend, zpos, encoding, range;
};

/* Every plane of @s->planes, in that order. */
struct pd_screen_planes {
	int n;
	struct pd_plane_view p[PD_SCREEN_MAX_PLANES];
};
void pd_screen_planes(struct pd_screen *s, struct pd_screen_planes *out);

/* The view of plane @id in @sp (asserts it is there). */
const struct pd_plane_view *pd_screen_plane_view(const struct pd_screen_planes *sp, uint32_t id);

/*
 * Wait up to @timeout_ms until the CRTC is active with a @w x @h mode (0:
 * any size) and a framebuffer other than 0 and @not_fb.  Stops early if @p
 * (may be NULL) exits.  Returns whether it happened; the state is in *@v.
 */
bool pd_screen_wait(struct pd_screen *s, uint32_t w, uint32_t h, uint32_t not_fb,
		    int timeout_ms, struct pd_proc *p, struct pd_crtc_view *v);

/* The CRC of a frame that starts after this call (asserts). */
uint32_t pd_screen_crc(struct pd_screen *s);

/* CRC of a @w x @h frame of the single colour @rgb (0xRRGGBB). */
uint32_t pd_solid_crc(uint32_t w, uint32_t h, uint32_t rgb);

/* Does the primary plane list @format? */
bool pd_screen_plane_has_format(struct pd_screen *s, uint32_t format);

/**
 * struct pd_fb_info - what a composed frame holds (filled by pd_screen_ref())
 * @format, @pitch: the primary plane's framebuffer's (0 if it shows none)
 * @planes: how many planes the frame was composed of
 * @colours: distinct colours (0xRRGGBB as the CRC sees them) in the frame
 *	(counted up to 64)
 * @colour, @count: the first (up to) 8 of them and how many pixels have each
 */
struct pd_fb_info {
	uint32_t format, pitch;
	int planes;
	int colours;
	uint32_t colour[8], count[8];
};

/*
 * The CRC of the @w x @h frame that the planes in @sp compose, computed in
 * userspace with pd_ref (the composer's arithmetic, every format it knows)
 * from the framebuffers' bytes: GETFB2 (root sees the GEM handles), then
 * MAP_DUMB, or for an imported buffer an mmap of its dma-buf.  Only planes
 * on @s's CRTC with a framebuffer count.  Returns false if a framebuffer
 * cannot be read that way (unknown format or modifier, not mappable, gone).
 * @info (may be NULL) describes the frame.
 */
bool pd_screen_ref(struct pd_screen *s, const struct pd_screen_planes *sp, uint32_t w,
		   uint32_t h, uint32_t *crc, struct pd_fb_info *info);

/* "XR24 pitch 4096, 3 colours: 000000 x786000, ..." for messages (static buffer). */
const char *pd_fb_info_str(const struct pd_fb_info *info);

/**
 * struct pd_sample - one look at the screen
 * @crc: CRC of a frame
 * @fb: the framebuffer on the CRTC's primary plane before and after that frame
 * @w, @h: the mode's size then
 * @checked: the planes (framebuffers, properties) were the same before the
 *	CRC was read, after it, and after their bytes were read, and they
 *	could be read: @ref and @info are valid
 * @ref: the CRC computed from the planes' bytes (pd_screen_ref())
 * @match: @checked and @crc == @ref.  A client that flips faster than the
 *	samples are taken (or renders into the buffer on screen) may show
 *	another picture in between, so one sample proves nothing wrong;
 *	static pictures must match.
 * @info: what the frame holds
 * @why: why not @checked (static text, valid until the next sample), or NULL
 */
struct pd_sample {
	uint32_t crc, fb, w, h, ref;
	bool checked, match;
	struct pd_fb_info info;
	const char *why;
};

/*
 * Read a CRC and, when the planes on screen did not change around it, the
 * reference CRC from their bytes.
 */
void pd_screen_sample(struct pd_screen *s, struct pd_sample *out);

#endif /* PD_CLIENT_H */
