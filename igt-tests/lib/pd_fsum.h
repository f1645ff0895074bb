// SPDX-License-Identifier: GPL-2.0
/*
 * pd_fsum - primedisp's frame checksum, the value its CRTCs report as their
 * CRC (debugfs crtc-N/crc, source "auto"), computed in userspace.
 *
 * The frame is fed row by row (one pd_fsum_line() per row of the CRTC's
 * mode), each pixel a little-endian XRGB8888 word with X = 0.  The function
 * is defined in Documentation/overview.rst ("The frame checksum") and must
 * stay bit for bit the kernel's (drm/primedisp_composer.c).  Header-only so
 * that tools outside the test library (the arm64 probe) use the same code.
 */
#ifndef PD_FSUM_H
#define PD_FSUM_H

#include <endian.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define PD_FSUM_K	0x9e3779b97f4a7c15ULL
#define PD_FSUM_K2	0xd6e8feb86659fd93ULL
/* Masks applied to each 64-bit word: all bytes, or XRGB with X zeroed. */
#define PD_FSUM_ALL	(~0ULL)
#define PD_FSUM_XRGB	0x00ffffff00ffffffULL

struct pd_fsum {
	uint64_t a, b;
};

static inline void pd_fsum_init(struct pd_fsum *s)
{
	s->a = 0x243f6a8885a308d3ULL;
	s->b = 0x13198a2e03707344ULL;
}

static inline uint64_t pd_fsum_rol(uint64_t v, int r)
{
	return (v << r) | (v >> (64 - r));
}

static inline uint64_t pd_fsum_le64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return le64toh(v);
}

static inline uint32_t pd_fsum_le32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return le32toh(v);
}

static inline uint64_t pd_fsum_step(uint64_t h, uint64_t w)
{
	return pd_fsum_rol((h ^ w) * PD_FSUM_K, 29);
}

/*
 * Add one row: @n bytes (a multiple of 4) at @p, each 64-bit little-endian
 * word masked with @mask; 16-byte chunks feed lanes a and b, an 8-byte rest
 * lane a, a 4-byte rest lane b.
 */
static inline void pd_fsum_line(struct pd_fsum *s, const uint8_t *p, size_t n, uint64_t mask)
{
	uint64_t a = s->a, b = s->b;

	for (; n >= 16; n -= 16, p += 16) {
		a = pd_fsum_step(a, pd_fsum_le64(p) & mask);
		b = pd_fsum_step(b, pd_fsum_le64(p + 8) & mask);
	}
	if (n >= 8) {
		a = pd_fsum_step(a, pd_fsum_le64(p) & mask);
		n -= 8;
		p += 8;
	}
	if (n >= 4)
		b = pd_fsum_step(b, pd_fsum_le32(p) & (uint32_t)mask);
	s->a = a;
	s->b = b;
}

static inline uint32_t pd_fsum_final(const struct pd_fsum *s)
{
	uint64_t x = s->a ^ pd_fsum_rol(s->b, 31);

	x ^= x >> 32;
	x *= PD_FSUM_K2;
	x ^= x >> 29;
	x *= PD_FSUM_K;
	x ^= x >> 32;
	return (uint32_t)x;
}

/*
 * The checksum of a @w x @h frame of XRGB8888 (or ARGB8888) pixels at @p,
 * @pitch bytes per row, filling the CRTC.
 */
static inline uint32_t pd_fsum_xrgb(const uint8_t *p, uint32_t w, uint32_t h, uint32_t pitch)
{
	struct pd_fsum s;

	pd_fsum_init(&s);
	for (uint32_t y = 0; y < h; y++)
		pd_fsum_line(&s, p + (size_t)y * pitch, (size_t)w * 4, PD_FSUM_XRGB);
	return pd_fsum_final(&s);
}

#endif
