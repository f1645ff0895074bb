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
 *    userspace from the bytes of the framebuffer the CRTC scanned out
 *    during that frame (read through GETFB2 and a dumb-buffer mapping);
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

/**
 * struct pd_screen - primedisp's output as a watching test sees it
 * @fd: the card node, universal planes on, never DRM master (so that the
 *	client under test can be)
 * @card: "cardN", the node's name (as Weston's --drm-device wants it)
 * @path: "/dev/dri/cardN"
 * @conn, @crtc, @plane: the connected connector, its CRTC and the CRTC's
 *	primary plane
 * @crtc_idx: index of @crtc (debugfs crtc-N)
 * @pref: the connector's preferred mode
 */
struct pd_screen {
	int fd;
	char card[16];
	char path[32];
	uint32_t conn, crtc, plane;
	int crtc_idx;
	drmModeModeInfo pref;
};

/*
 * Open primedisp's card node as a watcher: drop DRM master if the open made
 * us master, find the output and its primary plane, and skip if CRCs
 * cannot be read (no debugfs).
 */
void pd_screen_open(struct pd_screen *s);
void pd_screen_close(struct pd_screen *s);

/* The CRTC's current state: active mode size and framebuffer (0: none). */
struct pd_crtc_view {
	bool active;
	uint32_t w, h, fb, x, y;
};
struct pd_crtc_view pd_screen_view(struct pd_screen *s);

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
 * struct pd_fb_info - what a framebuffer holds (filled by pd_fb_crc())
 * @format, @pitch: the framebuffer's
 * @colours: distinct colours in the visible window (counted up to 64)
 * @colour, @count: the first (up to) 8 of them and how many pixels have each
 */
struct pd_fb_info {
	uint32_t format, pitch;
	int colours;
	uint32_t colour[8], count[8];
};

/*
 * The CRC computed from the framebuffer @fb_id as the CRTC shows it now
 * (its @v->w x @v->h window at @v->x, @v->y): GETFB2 (root sees the GEM
 * handles), MAP_DUMB, conversion to XRGB8888 with X = 0 as primedisp's
 * composer does.  Formats: XR24 AR24 XB24 AB24 RG16 RG24 BG24.  Returns
 * false if the buffer cannot be read that way (other format, not
 * mappable).  @info (may be NULL) describes the contents.
 */
bool pd_fb_crc(struct pd_screen *s, uint32_t fb_id, const struct pd_crtc_view *v,
	       uint32_t *crc, struct pd_fb_info *info);

/* "XR24 pitch 4096, 3 colours: 000000 x786000, ..." for messages (static buffer). */
const char *pd_fb_info_str(const struct pd_fb_info *info);

/**
 * struct pd_sample - one look at the screen
 * @crc: CRC of a frame
 * @fb: the framebuffer on the CRTC before and after that frame
 * @w, @h: the mode's size then
 * @checked: @fb was the same before the CRC was read, after it, and after
 *	its bytes were read, and they could be read: @ref and @info are valid
 * @ref: the CRC computed from @fb's bytes
 * @match: @checked and @crc == @ref.  A client that flips faster than the
 *	samples are taken (or renders into the buffer on screen) may show
 *	another picture in between, so one sample proves nothing wrong;
 *	static pictures must match.
 * @info: what @fb holds
 */
struct pd_sample {
	uint32_t crc, fb, w, h, ref;
	bool checked, match;
	struct pd_fb_info info;
};

/*
 * Read a CRC and, when the framebuffer on screen did not change around it,
 * the reference CRC from its bytes.
 */
void pd_screen_sample(struct pd_screen *s, struct pd_sample *out);

#endif /* PD_CLIENT_H */
