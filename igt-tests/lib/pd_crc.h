// SPDX-License-Identifier: GPL-2.0
/*
 * pd_crc - primedisp's CRTC CRCs and their reference values.
 *
 * primedisp's CRC (debugfs crtc-N/crc, source "auto") is its frame
 * checksum (pd_fsum.h) of the composed frame, line by line, each pixel a
 * little-endian XRGB8888 word with X = 0.
 */
#ifndef PD_CRC_H
#define PD_CRC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pd_fsum.h"

/* Expected CRC of a @w x @h frame of 32-bit @format at @p filling the CRTC. */
uint32_t pd_frame_crc(const uint8_t *p, uint32_t w, uint32_t h, uint32_t pitch,
		      uint32_t format);
/*
 * The CRC of what CRTC @crtc_idx of @fd shows, from a frame that starts
 * after this call; false if the device has no CRC interface (debugfs).
 */
bool pd_crtc_crc(int fd, int crtc_idx, uint32_t *crc);
/*
 * The CRCs of consecutive frames of CRTC @crtc_idx, the first one a frame
 * that starts after this call: each is passed to @fn (with its frame
 * number) until @fn returns false or @max entries were read.  The frame
 * numbers are the caller's to check: on a busy host primedisp can still
 * leave a frame without a CRC entry.  Returns the number of entries read,
 * 0 if the device has no CRC interface (debugfs).
 */
int pd_crtc_crc_frames(int fd, int crtc_idx, int max,
		       bool (*fn)(uint32_t crc, uint32_t frame, void *arg), void *arg);
/*
 * The composer's work since this process first called it: frames composed
 * and bytes of plane pixels read, counted from the tracepoint
 * primedisp:primedisp_compose (pd_compose_trace.h; the first call starts
 * the count at 0).  Skips without tracefs or the tracepoint.
 */
void pd_composer_counters(int fd, long long *frames, long long *bytes);

#endif
