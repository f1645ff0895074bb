// SPDX-License-Identifier: GPL-2.0
/*
 * primedisp_gem - primedisp's own ioctls (uapi/drm/primedisp_drm.h):
 * PRIMEDISP_GEM_CREATE, PRIMEDISP_GEM_MMAP_OFFSET and PRIMEDISP_GEM_INFO,
 * checked against the rules of Documentation/process/botching-up-ioctls.rst:
 * every input is validated (unknown flags, inconsistent or overflowing
 * dimensions give EINVAL), unknown handles give ENOENT, nothing leaks on
 * the success or the error paths, and the ioctls work on the render node.
 *
 * What the formats are checked against: the uapi promises that the formats
 * primedisp scans out are accepted.  The test asks KMS for the formats of
 * every plane and expects exactly those to be accepted by GEM_CREATE, with
 * a layout (pitches, offsets, size) that DRM_IOCTL_MODE_ADDFB2 takes.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <grp.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xf86drm.h>
#include <xf86drmMode.h>
#include <drm_fourcc.h>

#include "pdtest.h"
#include "pd_atomic.h"
#include "pd_crc.h"
#include "pd_prime.h"
#include "pd_vgem.h"

#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#define DIV_ROUND_UP(a, b)	(((a) + (b) - 1) / (b))
#define ALIGN_UP(a, b)		(DIV_ROUND_UP(a, b) * (b))

#define MAX_GEM_SIZE		(1ull << 30)	/* PD_GEM_MAX_SIZE */
#define MAX_FB_DIM		8192u		/* PD_MAX_FB_SIZE */
#define SCANOUT_PITCH_ALIGN	64u

static size_t page_size(void)
{
	return sysconf(_SC_PAGESIZE);
}

static uint64_t page_align(uint64_t v)
{
	return ALIGN_UP(v, (uint64_t)page_size());
}

static const char *fourcc_str(uint32_t f)
{
	static char buf[4][8];
	static int idx;
	char *s = buf[idx++ % 4];

	for (int i = 0; i < 4; i++) {
		char c = (f >> (8 * i)) & 0xff;

		s[i] = c >= 0x20 && c < 0x7f ? c : '?';
	}
	s[4] = '\0';
	return s;
}

/* ---- the layouts the test expects ------------------------------------------ */

struct fmt_layout {
	uint32_t fourcc;
	unsigned int planes;
	unsigned int cpp[3];
	unsigned int hsub, vsub;	/* of planes 1 and 2 */
};

/* Single-planar RGB formats, packed YUV, and the common multi-planar YUV. */
static const struct fmt_layout layouts[] = {
	{ DRM_FORMAT_C8, 1, { 1 }, 1, 1 },
	{ DRM_FORMAT_R8, 1, { 1 }, 1, 1 },
	{ DRM_FORMAT_RGB565, 1, { 2 }, 1, 1 },
	{ DRM_FORMAT_BGR565, 1, { 2 }, 1, 1 },
	{ DRM_FORMAT_XRGB1555, 1, { 2 }, 1, 1 },
	{ DRM_FORMAT_ARGB1555, 1, { 2 }, 1, 1 },
	{ DRM_FORMAT_RGB888, 1, { 3 }, 1, 1 },
	{ DRM_FORMAT_BGR888, 1, { 3 }, 1, 1 },
	{ DRM_FORMAT_XRGB8888, 1, { 4 }, 1, 1 },
	{ DRM_FORMAT_ARGB8888, 1, { 4 }, 1, 1 },
	{ DRM_FORMAT_XBGR8888, 1, { 4 }, 1, 1 },
	{ DRM_FORMAT_ABGR8888, 1, { 4 }, 1, 1 },
	{ DRM_FORMAT_RGBX8888, 1, { 4 }, 1, 1 },
	{ DRM_FORMAT_BGRX8888, 1, { 4 }, 1, 1 },
	{ DRM_FORMAT_XRGB2101010, 1, { 4 }, 1, 1 },
	{ DRM_FORMAT_ARGB2101010, 1, { 4 }, 1, 1 },
	{ DRM_FORMAT_XBGR2101010, 1, { 4 }, 1, 1 },
	{ DRM_FORMAT_XRGB16161616F, 1, { 8 }, 1, 1 },
	{ DRM_FORMAT_ARGB16161616F, 1, { 8 }, 1, 1 },
	{ DRM_FORMAT_YUYV, 1, { 2 }, 1, 1 },
	{ DRM_FORMAT_UYVY, 1, { 2 }, 1, 1 },
	{ DRM_FORMAT_NV12, 2, { 1, 2 }, 2, 2 },
	{ DRM_FORMAT_NV21, 2, { 1, 2 }, 2, 2 },
	{ DRM_FORMAT_NV16, 2, { 1, 2 }, 2, 1 },
	{ DRM_FORMAT_NV61, 2, { 1, 2 }, 2, 1 },
	{ DRM_FORMAT_NV24, 2, { 1, 2 }, 1, 1 },
	{ DRM_FORMAT_NV42, 2, { 1, 2 }, 1, 1 },
	{ DRM_FORMAT_P010, 2, { 2, 4 }, 2, 2 },
	{ DRM_FORMAT_YUV420, 3, { 1, 1, 1 }, 2, 2 },
	{ DRM_FORMAT_YVU420, 3, { 1, 1, 1 }, 2, 2 },
	{ DRM_FORMAT_YUV422, 3, { 1, 1, 1 }, 2, 1 },
	{ DRM_FORMAT_YUV444, 3, { 1, 1, 1 }, 1, 1 },
};

/* Packed 4:2:2 formats hold pixel pairs: odd widths are refused. */
static bool packed_pairs(uint32_t fourcc)
{
	return fourcc == DRM_FORMAT_YUYV || fourcc == DRM_FORMAT_YVYU ||
	       fourcc == DRM_FORMAT_UYVY || fourcc == DRM_FORMAT_VYUY;
}

static const struct fmt_layout *find_layout(uint32_t fourcc)
{
	for (size_t i = 0; i < ARRAY_SIZE(layouts); i++)
		if (layouts[i].fourcc == fourcc)
			return &layouts[i];
	return NULL;
}

/* The formats of all planes of the device (KMS), deduplicated. */
struct fmt_set {
	uint32_t f[256];
	unsigned int n;
};

static bool fmt_set_has(const struct fmt_set *s, uint32_t f)
{
	for (unsigned int i = 0; i < s->n; i++)
		if (s->f[i] == f)
			return true;
	return false;
}

static void plane_formats(int card, struct fmt_set *s)
{
	drmModePlaneResPtr res;

	s->n = 0;
	pd_assert(drmSetClientCap(card, DRM_CLIENT_CAP_UNIVERSAL_PLANES, 1) == 0);
	res = drmModeGetPlaneResources(card);
	pd_assert_f(res, "drmModeGetPlaneResources failed");
	for (uint32_t i = 0; i < res->count_planes; i++) {
		drmModePlanePtr p = drmModeGetPlane(card, res->planes[i]);

		pd_assert_f(p, "drmModeGetPlane(%u) failed", res->planes[i]);
		for (uint32_t j = 0; j < p->count_formats; j++)
			if (!fmt_set_has(s, p->formats[j]) && s->n < ARRAY_SIZE(s->f))
				s->f[s->n++] = p->formats[j];
		drmModeFreePlane(p);
	}
	drmModeFreePlaneResources(res);
	pd_assert_f(s->n > 0, "no plane lists any format");
}

static const char *fmt_set_str(const struct fmt_set *s)
{
	static char buf[1024];
	size_t n = 0;

	buf[0] = '\0';
	for (unsigned int i = 0; i < s->n && n < sizeof(buf) - 8; i++)
		n += snprintf(buf + n, sizeof(buf) - n, "%s%s", i ? " " : "",
			      fourcc_str(s->f[i]));
	return buf;
}

/* ---- helpers ---------------------------------------------------------------------- */

static int create_fmt(int fd, uint32_t w, uint32_t h, uint32_t format, uint32_t flags,
		      struct drm_primedisp_gem_create *c)
{
	memset(c, 0, sizeof(*c));
	c->width = w;
	c->height = h;
	c->format = format;
	c->flags = flags;
	return __pd_gem_create(fd, c);
}

static long objects_or_skip(void)
{
	long n = pd_gem_objects();

	pd_require(n >= 0, "cannot read primedisp_objects from debugfs "
		   "(/sys/kernel/debug/dri/*/primedisp_objects)");
	return n;
}

/*
 * @c must describe a @w x @h buffer of @l's format: check the pitches,
 * offsets and size GEM_CREATE returned against the layout computed here.
 */
static void check_layout(const struct drm_primedisp_gem_create *c,
			 const struct fmt_layout *l, uint32_t w, uint32_t h,
			 bool scanout)
{
	const char *f = fourcc_str(l->fourcc);
	uint64_t offset = 0;
	unsigned int i;

	pd_assert_f(c->num_planes == l->planes, "%s %ux%u: num_planes %u, expected %u",
		    f, w, h, c->num_planes, l->planes);
	for (i = 0; i < l->planes; i++) {
		uint32_t pw = i ? DIV_ROUND_UP(w, l->hsub) : w;
		uint32_t ph = i ? DIV_ROUND_UP(h, l->vsub) : h;
		uint64_t pitch = (uint64_t)pw * l->cpp[i];

		if (scanout)
			pitch = ALIGN_UP(pitch, SCANOUT_PITCH_ALIGN);
		pd_assert_f(c->pitches[i] == pitch,
			    "%s %ux%u%s plane %u: pitch %u, expected %llu", f, w, h,
			    scanout ? " SCANOUT" : "", i, c->pitches[i],
			    (unsigned long long)pitch);
		pd_assert_f(c->offsets[i] == offset,
			    "%s %ux%u plane %u: offset %u, expected %llu (planes packed in order)",
			    f, w, h, i, c->offsets[i], (unsigned long long)offset);
		offset += pitch * ph;
	}
	for (; i < 4; i++)
		pd_assert_f(c->pitches[i] == 0 && c->offsets[i] == 0,
			    "%s: unused plane %u has pitch %u offset %u", f, i,
			    c->pitches[i], c->offsets[i]);
	pd_assert_f(c->size == page_align(offset),
		    "%s %ux%u%s: size %llu, expected %llu (%llu bytes of planes, page aligned)",
		    f, w, h, scanout ? " SCANOUT" : "", (unsigned long long)c->size,
		    (unsigned long long)page_align(offset), (unsigned long long)offset);
}

/* Does KMS take the buffer as a framebuffer with the layout it was given? */
static void check_addfb(int card, const struct drm_primedisp_gem_create *c)
{
	uint32_t handles[4] = { 0 }, fb = 0;
	int ret;

	for (unsigned int i = 0; i < c->num_planes; i++)
		handles[i] = c->handle;
	ret = drmModeAddFB2(card, c->width, c->height, c->format, handles,
			    c->pitches, c->offsets, &fb, 0);
	pd_assert_f(ret == 0, "ADDFB2 %ux%u %s with GEM_CREATE's pitches %u/%u/%u and "
		    "offsets %u/%u/%u refused: %s", c->width, c->height,
		    fourcc_str(c->format), c->pitches[0], c->pitches[1], c->pitches[2],
		    c->offsets[0], c->offsets[1], c->offsets[2], strerror(-ret));
	pd_assert(drmModeRmFB(card, fb) == 0);
}

static const struct { uint32_t w, h; } fmt_sizes[] = {
	{ 1, 1 }, { 2, 2 }, { 17, 13 }, { 63, 1 }, { 64, 64 }, { 641, 479 },
	{ 1024, 768 }, { 1920, 1080 }, { 4095, 3 }, { 3, 4095 },
	{ MAX_FB_DIM, MAX_FB_DIM },
};

/* Create, check and ADDFB every size of @l's format; returns how many. */
static unsigned int create_format_sizes(int card, const struct fmt_layout *l)
{
	unsigned int count = 0;

	for (size_t s = 0; s < ARRAY_SIZE(fmt_sizes); s++) {
		for (int scanout = 0; scanout < 2; scanout++) {
			uint32_t w = fmt_sizes[s].w, h = fmt_sizes[s].h;
			uint32_t flags = scanout ? PRIMEDISP_GEM_CREATE_SCANOUT : 0;
			struct drm_primedisp_gem_create c;
			uint64_t info_size;
			uint32_t info_flags;

			if (packed_pairs(l->fourcc) && (w & 1)) {
				pd_assert_f(create_fmt(card, w, h, l->fourcc, flags, &c) == -1 &&
					    errno == EINVAL,
					    "GEM_CREATE %ux%u %s (odd width of pixel pairs) must be EINVAL",
					    w, h, fourcc_str(l->fourcc));
				continue;
			}
			pd_assert_f(create_fmt(card, w, h, l->fourcc, flags, &c) == 0,
				    "GEM_CREATE %ux%u %s flags 0x%x failed", w, h,
				    fourcc_str(l->fourcc), flags);
			pd_assert(c.handle != 0);
			/* Inputs are left as given. */
			pd_assert(c.width == w && c.height == h && c.format == l->fourcc &&
				  c.flags == flags);
			check_layout(&c, l, w, h, scanout);
			info_flags = pd_gem_info(card, c.handle, &info_size);
			pd_assert_eq(info_size, c.size);
			pd_assert_eq(info_flags, flags);
			check_addfb(card, &c);
			pd_gem_close(card, c.handle);
			count++;
		}
	}
	return count;
}

/* ---- subtests ---------------------------------------------------------------------- */

static void test_create_size(void)
{
	const uint64_t ps = page_size();
	const uint64_t sizes[] = {
		1, 4, ps - 1, ps, ps + 1, 3 * ps, 1 << 20, (1 << 20) + 1,
		64ull << 20, MAX_GEM_SIZE - ps + 1, MAX_GEM_SIZE,
	};
	uint32_t handles[ARRAY_SIZE(sizes)];
	int fd = pd_open_card(NULL);

	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		struct drm_primedisp_gem_create c = { .size = sizes[i] };
		uint64_t info_size;
		uint32_t flags;

		/* Output fields hold garbage: they must be overwritten. */
		memset(c.pitches, 0xff, sizeof(c.pitches));
		memset(c.offsets, 0xff, sizeof(c.offsets));
		c.num_planes = 7;
		c.handle = 0xdeadbeef;
		pd_assert_f(__pd_gem_create(fd, &c) == 0, "GEM_CREATE of %llu bytes failed",
			    (unsigned long long)sizes[i]);
		pd_info("size %llu: handle %u, size %llu", (unsigned long long)sizes[i],
			c.handle, (unsigned long long)c.size);
		pd_assert(c.handle != 0 && c.handle != 0xdeadbeef);
		pd_assert_eq(c.size, page_align(sizes[i]));
		pd_assert_eq(c.num_planes, 0);
		for (int p = 0; p < 4; p++)
			pd_assert_f(c.pitches[p] == 0 && c.offsets[p] == 0,
				    "plain size buffer: plane %d pitch %u offset %u", p,
				    c.pitches[p], c.offsets[p]);
		for (size_t j = 0; j < i; j++)
			pd_assert_f(handles[j] != c.handle, "handle %u given twice", c.handle);
		handles[i] = c.handle;

		flags = pd_gem_info(fd, c.handle, &info_size);
		pd_assert_eq(info_size, c.size);
		pd_assert_eq(flags, 0);
	}
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++)
		pd_gem_close(fd, handles[i]);
	/* Closed means gone. */
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		struct drm_primedisp_gem_info info;

		pd_assert_errno(__pd_gem_info(fd, handles[i], &info), ENOENT);
	}
	close(fd);
}

static void test_create_format(void)
{
	int card = pd_open_card(NULL);
	unsigned int count = 0, checked = 0;
	struct fmt_set s;

	plane_formats(card, &s);
	pd_info("formats of the planes: %s", fmt_set_str(&s));
	for (unsigned int i = 0; i < s.n; i++) {
		const struct fmt_layout *l = find_layout(s.f[i]);

		if (!l) {
			pd_info("plane format %s is not in this test's table, not checked",
				fourcc_str(s.f[i]));
			continue;
		}
		count += create_format_sizes(card, l);
		checked++;
	}
	pd_assert_f(checked > 0, "none of the plane formats (%s) is known to the test",
		    fmt_set_str(&s));
	pd_info("%u formats, %u buffers created, checked and added as framebuffers",
		checked, count);
	close(card);
}

static void test_create_planar(void)
{
	int card = pd_open_card(NULL);
	unsigned int checked = 0;
	struct fmt_set s;

	plane_formats(card, &s);
	for (size_t i = 0; i < ARRAY_SIZE(layouts); i++) {
		if (layouts[i].planes < 2 || !fmt_set_has(&s, layouts[i].fourcc))
			continue;
		pd_info("%s: %u planes", fourcc_str(layouts[i].fourcc), layouts[i].planes);
		create_format_sizes(card, &layouts[i]);
		checked++;
	}
	close(card);
	pd_require(checked > 0, "no plane scans out a multi-planar format "
		   "(plane formats: %s)", fmt_set_str(&s));
}

/*
 * ADDFB2 of 4:2:0/4:2:2 layouts whose chroma planes end exactly at the end
 * of the object, or just past it when a subsampled plane's width or height
 * is rounded up as it must be (odd sizes).  Older kernels' framebuffer
 * helper rounded down and at height 1 wrapped around, accepting any chroma
 * offset; primedisp checks every plane itself, so the answer is the same
 * on every kernel.
 */
static void test_addfb_odd_chroma(void)
{
	const uint32_t S = 2 * page_size();
	static const struct {
		const char *what;
		uint32_t format, w, h;
		uint32_t pitches[3], offsets_from_end[3];	/* 0: offset 0 */
		int err;
	} cases[] = {
		{ "NV12 64x3, CbCr's 2 rows end at the end", DRM_FORMAT_NV12, 64, 3,
		  { 64, 64 }, { 0, 128 }, 0 },
		{ "NV12 64x3, CbCr's second row past the end", DRM_FORMAT_NV12, 64, 3,
		  { 64, 64 }, { 0, 64 }, EINVAL },
		{ "NV12 64x1, CbCr's row ends at the end", DRM_FORMAT_NV12, 64, 1,
		  { 64, 64 }, { 0, 64 }, 0 },
		{ "NV12 64x1, CbCr's row half past the end", DRM_FORMAT_NV12, 64, 1,
		  { 64, 64 }, { 0, 32 }, EINVAL },
		{ "NV12 64x1, CbCr at the last byte", DRM_FORMAT_NV12, 64, 1,
		  { 64, 64 }, { 0, 1 }, EINVAL },
		{ "NV12 63x3, CbCr pitch 64 (32 pairs)", DRM_FORMAT_NV12, 63, 3,
		  { 64, 64 }, { 0, 128 }, 0 },
		{ "NV12 63x3, CbCr pitch 62 (31 pairs)", DRM_FORMAT_NV12, 63, 3,
		  { 64, 62 }, { 0, 128 }, EINVAL },
		{ "YUV420 64x3, Cr's 2 rows end at the end", DRM_FORMAT_YUV420, 64, 3,
		  { 64, 32, 32 }, { 0, 256, 64 }, 0 },
		{ "YUV420 64x3, Cr's second row past the end", DRM_FORMAT_YUV420, 64, 3,
		  { 64, 32, 32 }, { 0, 256, 32 }, EINVAL },
		{ "YUV420 64x1, Cr at the last byte", DRM_FORMAT_YUV420, 64, 1,
		  { 64, 32, 32 }, { 0, 256, 1 }, EINVAL },
		{ "NV16 64x3, CbCr's 3 rows end at the end", DRM_FORMAT_NV16, 64, 3,
		  { 64, 64 }, { 0, 192 }, 0 },
		{ "NV16 64x3, CbCr's third row past the end", DRM_FORMAT_NV16, 64, 3,
		  { 64, 64 }, { 0, 128 }, EINVAL },
	};
	int fd = pd_open_card(NULL);
	uint64_t size = S;
	uint32_t handle = pd_gem_create(fd, &size, 0);

	pd_assert_eq(size, S);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		uint32_t handles[4] = { 0 }, pitches[4] = { 0 }, offsets[4] = { 0 }, fb = 0;
		unsigned int planes = cases[i].format == DRM_FORMAT_YUV420 ? 3 : 2;
		int ret;

		for (unsigned int p = 0; p < planes; p++) {
			handles[p] = handle;
			pitches[p] = cases[i].pitches[p];
			if (cases[i].offsets_from_end[p])
				offsets[p] = S - cases[i].offsets_from_end[p];
		}
		ret = drmModeAddFB2(fd, cases[i].w, cases[i].h, cases[i].format, handles,
				    pitches, offsets, &fb, 0);
		pd_info("%s: %s", cases[i].what, ret ? strerror(-ret) : "accepted");
		if (cases[i].err) {
			pd_assert_f(ret == -cases[i].err, "%s: ADDFB2 gave %s, expected %s",
				    cases[i].what, ret ? strerror(-ret) : "success",
				    strerror(cases[i].err));
		} else {
			pd_assert_f(ret == 0, "%s: ADDFB2 refused: %s", cases[i].what,
				    strerror(-ret));
			pd_assert(drmModeRmFB(fd, fb) == 0);
		}
	}
	pd_gem_close(fd, handle);
	close(fd);
}

static void test_scanout_pitch(void)
{
	int card = pd_open_card(NULL);
	struct fmt_set s;
	unsigned int count = 0;

	plane_formats(card, &s);
	for (unsigned int i = 0; i < s.n; i++) {
		const struct fmt_layout *l = find_layout(s.f[i]);

		if (!l)
			continue;
		for (uint32_t w = 1; w <= 130; w++) {
			struct drm_primedisp_gem_create c;

			if (packed_pairs(l->fourcc) && (w & 1))
				continue;
			pd_assert(create_fmt(card, w, 3, l->fourcc,
					     PRIMEDISP_GEM_CREATE_SCANOUT, &c) == 0);
			for (unsigned int p = 0; p < c.num_planes; p++)
				pd_assert_f(c.pitches[p] % SCANOUT_PITCH_ALIGN == 0,
					    "%s width %u SCANOUT: plane %u pitch %u not a multiple of 64",
					    fourcc_str(l->fourcc), w, p, c.pitches[p]);
			check_layout(&c, l, w, 3, true);
			pd_gem_close(card, c.handle);
			count++;
		}
	}
	pd_assert(count > 0);
	pd_info("%u SCANOUT buffers, every pitch a multiple of 64", count);
	close(card);
}

static void test_invalid_flags(void)
{
	static const uint32_t bad[] = {
		1u << 2, 1u << 15, PRIMEDISP_GEM_INFO_IMPORTED,
		PRIMEDISP_GEM_INFO_EXPORTED, 1u << 31, ~PRIMEDISP_GEM_CREATE_FLAGS,
		~0u,
	};
	int fd = pd_open_card(NULL);
	long before = objects_or_skip();

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct drm_primedisp_gem_create c = { .size = 4096, .flags = bad[i] };

		pd_assert_errno(__pd_gem_create(fd, &c), EINVAL);
		/* Also together with valid flags and on the format path. */
		c = (struct drm_primedisp_gem_create){
			.size = 4096, .flags = bad[i] | PRIMEDISP_GEM_CREATE_WC,
		};
		pd_assert_errno(__pd_gem_create(fd, &c), EINVAL);
		pd_assert_errno(create_fmt(fd, 64, 64, DRM_FORMAT_XRGB8888,
					   bad[i] | PRIMEDISP_GEM_CREATE_SCANOUT, &c), EINVAL);
	}
	pd_assert_eq(pd_gem_objects(), before);
	close(fd);
}

static void test_invalid_format(void)
{
	static const uint32_t always_bad[] = {
		0, 0xffffffff, fourcc_code('P', 'D', '?', '!'), 0x20202020,
	};
	int card = pd_open_card(NULL);
	long before = objects_or_skip();
	unsigned int refused = 0;
	struct fmt_set s;

	plane_formats(card, &s);
	for (size_t i = 0; i < ARRAY_SIZE(always_bad); i++) {
		struct drm_primedisp_gem_create c;

		pd_assert_errno(create_fmt(card, 64, 64, always_bad[i], 0, &c), EINVAL);
		pd_assert_errno(create_fmt(card, 64, 64, always_bad[i],
					   PRIMEDISP_GEM_CREATE_SCANOUT, &c), EINVAL);
	}
	/* Real formats no plane scans out: refused as well. */
	for (size_t i = 0; i < ARRAY_SIZE(layouts); i++) {
		struct drm_primedisp_gem_create c;
		uint32_t f = layouts[i].fourcc;

		if (fmt_set_has(&s, f))
			continue;
		errno = 0;
		if (create_fmt(card, 64, 64, f, 0, &c) == 0) {
			pd_gem_close(card, c.handle);
			pd_fail("GEM_CREATE accepted %s, which no plane lists (planes: %s)",
				fourcc_str(f), fmt_set_str(&s));
		}
		pd_assert_f(errno == EINVAL, "GEM_CREATE with unsupported %s: errno %d, not EINVAL",
			    fourcc_str(f), errno);
		refused++;
	}
	pd_info("%u known formats no plane lists were refused with EINVAL", refused);
	pd_assert_eq(pd_gem_objects(), before);
	close(card);
}

struct bad_create {
	uint64_t size;
	uint32_t w, h, format, flags;
	const char *what;
};

static void expect_einval(int fd, const struct bad_create *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct drm_primedisp_gem_create c = {
			.size = b[i].size, .width = b[i].w, .height = b[i].h,
			.format = b[i].format, .flags = b[i].flags,
		};
		int ret, err;

		errno = 0;
		ret = __pd_gem_create(fd, &c);
		err = errno;
		pd_info("%-44s %s", b[i].what, ret ? strerror(err) : "created!");
		if (ret == 0) {
			uint32_t handle = c.handle;

			__pd_gem_close(fd, handle);
			pd_fail("GEM_CREATE with %s succeeded: handle %u size %llu",
				b[i].what, handle, (unsigned long long)c.size);
		}
		pd_assert_f(err == EINVAL, "GEM_CREATE with %s: expected EINVAL, got %d (%s)",
			    b[i].what, err, strerror(err));
	}
}

#define XR24	DRM_FORMAT_XRGB8888
#define SCANOUT	PRIMEDISP_GEM_CREATE_SCANOUT

static void test_invalid_dimensions(void)
{
	static const struct bad_create cases[] = {
		{ 0, 64, 0, XR24, 0, "width without height" },
		{ 0, 0, 64, XR24, 0, "height without width" },
		{ 0, 0, 64, 0, 0, "height only" },
		{ 0, 64, 64, 0, 0, "width and height without format" },
		{ 4096, 0, 0, XR24, 0, "size with a format" },
		{ 4096, 64, 64, XR24, 0, "size together with width" },
		{ 1, 1, 1, XR24, 0, "size 1 together with 1x1" },
		{ 4096, 64, 0, XR24, 0, "size with width, no height" },
		{ 4096, 0, 0, 0, SCANOUT, "SCANOUT without width (plain size)" },
		{ 0, 0, 0, 0, SCANOUT, "SCANOUT alone" },
		{ 0, 0, 64, XR24, SCANOUT, "SCANOUT with height but no width" },
		{ 0, MAX_FB_DIM + 1, 1, XR24, 0, "width above the maximum (8193)" },
		{ 0, 1, MAX_FB_DIM + 1, XR24, 0, "height above the maximum (8193)" },
		{ 0, 0x40000000, 4, XR24, 0, "width*cpp = 2^32" },
		{ 0, 0x40000001, 1, XR24, SCANOUT, "width*cpp overflows 32 bits" },
		{ 0, 0xffffffff, 0xffffffff, XR24, 0, "width*height*cpp overflows 64 bits" },
		{ 0, 0x10000, 0x10000, XR24, 0, "width*height*cpp = 2^34" },
		{ 0, 0xffffffff, 1, DRM_FORMAT_RGB888, 0, "width 2^32-1, cpp 3" },
	};
	int fd = pd_open_card(NULL);
	long before = objects_or_skip();

	expect_einval(fd, cases, ARRAY_SIZE(cases));
	pd_assert_eq(pd_gem_objects(), before);
	close(fd);
}

static void test_invalid_size(void)
{
	const uint64_t ps = page_size();
	const struct bad_create cases[] = {
		{ 0, 0, 0, 0, 0, "size 0" },
		{ 0, 0, 0, 0, PRIMEDISP_GEM_CREATE_WC, "size 0, WC" },
		{ MAX_GEM_SIZE + 1, 0, 0, 0, 0, "1 GiB + 1" },
		{ MAX_GEM_SIZE + ps, 0, 0, 0, 0, "1 GiB + 1 page" },
		{ 2 * MAX_GEM_SIZE, 0, 0, 0, 0, "2 GiB" },
		{ 1ull << 32, 0, 0, 0, 0, "4 GiB" },
		{ (1ull << 32) + 4096, 0, 0, 0, 0, "4 GiB + 4096 (wraps in 32 bits)" },
		{ UINT64_MAX - ps + 2, 0, 0, 0, 0, "page-aligned size wraps to 0" },
		{ UINT64_MAX, 0, 0, 0, 0, "2^64-1" },
		{ 1ull << 63, 0, 0, 0, 0, "2^63" },
	};
	int fd = pd_open_card(NULL);
	long before = objects_or_skip();

	expect_einval(fd, cases, ARRAY_SIZE(cases));
	pd_assert_eq(pd_gem_objects(), before);
	close(fd);
}

/* MMAP_OFFSET: map, write, map again, read, on @fd. */
static void mmap_roundtrip(int fd, uint32_t flags)
{
	uint64_t size = 256 * 1024 + 1, off1, off2;
	uint32_t handle, got = 0;
	void *a, *b;
	long bad;

	handle = pd_gem_create(fd, &size, flags);
	pd_assert(__pd_gem_mmap_offset(fd, handle, 0, &off1) == 0);
	pd_assert_f(off1 && off1 % page_size() == 0, "offset 0x%llx",
		    (unsigned long long)off1);
	pd_assert(__pd_gem_mmap_offset(fd, handle, 0, &off2) == 0);
	pd_assert_f(off1 == off2, "second MMAP_OFFSET: 0x%llx, first 0x%llx",
		    (unsigned long long)off2, (unsigned long long)off1);

	a = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, off1);
	pd_assert(a != MAP_FAILED);
	/* A new buffer is zeroed. */
	for (uint64_t i = 0; i < size; i += 4)
		pd_assert_f(((uint32_t *)a)[i / 4] == 0, "new buffer: word at %llu = 0x%08x",
			    (unsigned long long)i, ((uint32_t *)a)[i / 4]);
	pd_fill_pattern(a, size, 1);

	/* A second mapping, alive at the same time, sees it... */
	b = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, off2);
	pd_assert(b != MAP_FAILED);
	bad = pd_check_pattern(b, size, 1, &got);
	pd_assert_f(bad < 0, "second mapping: word at %ld = 0x%08x, written 0x%08x",
		    bad, got, pd_pattern_word(bad, 1));
	/* ...and writes through it show in the first. */
	pd_fill_pattern(b, size, 2);
	bad = pd_check_pattern(a, size, 2, &got);
	pd_assert_f(bad < 0, "first mapping: word at %ld = 0x%08x, written 0x%08x",
		    bad, got, pd_pattern_word(bad, 2));
	pd_assert(munmap(a, size) == 0);
	pd_assert(munmap(b, size) == 0);

	/* Mapped anew after both are gone: the data stayed. */
	a = pd_gem_map(fd, handle, size, PROT_READ);
	bad = pd_check_pattern(a, size, 2, &got);
	pd_assert_f(bad < 0, "remapped: word at %ld = 0x%08x, written 0x%08x",
		    bad, got, pd_pattern_word(bad, 2));
	pd_assert(munmap(a, size) == 0);

	/* Beyond the end of the object: no mapping. */
	pd_assert(mmap(NULL, size + page_size(), PROT_READ, MAP_SHARED, fd, off1) ==
		  MAP_FAILED);
	pd_gem_close(fd, handle);
	/* The offset dies with the object. */
	pd_assert(mmap(NULL, page_size(), PROT_READ, MAP_SHARED, fd, off1) == MAP_FAILED);
}

static void test_mmap_offset(void)
{
	int fd = pd_open_card(NULL);
	uint64_t size = 4096, offset = 0x1234;
	uint32_t handle;

	mmap_roundtrip(fd, 0);

	handle = pd_gem_create(fd, &size, 0);
	pd_assert_errno(__pd_gem_mmap_offset(fd, handle, 1, &offset), EINVAL);
	pd_assert_errno(__pd_gem_mmap_offset(fd, handle, 0x80000000u, &offset), EINVAL);
	pd_assert_errno(__pd_gem_mmap_offset(fd, handle, ~0u, &offset), EINVAL);
	pd_assert_errno(__pd_gem_mmap_offset(fd, 0, 0, &offset), ENOENT);
	pd_assert_errno(__pd_gem_mmap_offset(fd, handle + 1000, 0, &offset), ENOENT);
	pd_assert_errno(__pd_gem_mmap_offset(fd, ~0u, 0, &offset), ENOENT);
	pd_gem_close(fd, handle);
	pd_assert_errno(__pd_gem_mmap_offset(fd, handle, 0, &offset), ENOENT);
	/* Flags are checked before the handle. */
	pd_assert_errno(__pd_gem_mmap_offset(fd, 0, 1, &offset), EINVAL);
	close(fd);
}

/*
 * Mappings of the DRM fd: shorter than the buffer is fine; at a page offset
 * past the fake offset is refused with EINVAL by the core (it looks the
 * offset up exactly).  Windows of a buffer are mapped through its dma-buf
 * (prime_mmap_pd@partial).
 */
static void test_mmap_partial(void)
{
	const uint64_t ps = page_size();
	int fd = pd_open_card(NULL);
	uint64_t size = 16 * ps, offset;
	uint32_t handle, *p;
	void *whole;

	handle = pd_gem_create(fd, &size, 0);
	whole = pd_gem_map(fd, handle, size, PROT_READ | PROT_WRITE);
	pd_fill_pattern(whole, size, 3);
	pd_assert(__pd_gem_mmap_offset(fd, handle, 0, &offset) == 0);

	for (uint64_t len = ps; len < size; len += 5 * ps) {
		long bad;
		uint32_t got = 0;

		p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, offset);
		pd_assert_f(p != MAP_FAILED, "mmap of the first %llu bytes failed",
			    (unsigned long long)len);
		bad = pd_check_pattern(p, len, 3, &got);
		pd_assert_f(bad < 0, "first %llu bytes: word at %ld reads 0x%08x, expected 0x%08x",
			    (unsigned long long)len, bad, got, pd_pattern_word(bad, 3));
		p[len / 4 - 1] = ~p[len / 4 - 1];
		pd_assert_eq(((uint32_t *)whole)[len / 4 - 1], ~pd_pattern_word(len - 4, 3));
		p[len / 4 - 1] = ~p[len / 4 - 1];
		pd_assert(munmap(p, len) == 0);
	}
	pd_assert_errno(mmap(NULL, ps, PROT_READ, MAP_SHARED, fd, offset + ps) == MAP_FAILED ?
			-1 : 0, EINVAL);
	pd_assert_errno(mmap(NULL, size, PROT_READ, MAP_SHARED, fd, offset + ps) == MAP_FAILED ?
			-1 : 0, EINVAL);
	pd_assert(munmap(whole, size) == 0);
	pd_gem_close(fd, handle);
	close(fd);
}

static void test_mmap_wc(void)
{
	int fd = pd_open_card(NULL);
	uint64_t size = 8192;
	uint32_t handle, flags;

	handle = pd_gem_create(fd, &size, PRIMEDISP_GEM_CREATE_WC);
	flags = pd_gem_info(fd, handle, NULL);
	pd_assert_eq(flags, PRIMEDISP_GEM_CREATE_WC);
	pd_gem_close(fd, handle);
	mmap_roundtrip(fd, PRIMEDISP_GEM_CREATE_WC);
	close(fd);
}

static void test_mmap_separate_fds(void)
{
	int fd1 = pd_open_card(NULL), fd2 = pd_open_card(NULL);
	uint64_t size = 4096, off1;
	uint32_t handle;
	void *p;

	/* A handle and its offset are private to the file that created it. */
	handle = pd_gem_create(fd1, &size, 0);
	pd_assert(__pd_gem_mmap_offset(fd1, handle, 0, &off1) == 0);
	/* fd2 is new and has no handles at all. */
	{
		struct drm_primedisp_gem_info info;
		uint64_t off2;

		pd_assert_errno(__pd_gem_info(fd2, handle, &info), ENOENT);
		pd_assert_errno(__pd_gem_mmap_offset(fd2, handle, 0, &off2), ENOENT);
	}
	p = mmap(NULL, size, PROT_READ, MAP_SHARED, fd2, off1);
	pd_assert_f(p == MAP_FAILED,
		    "another DRM file mapped an object it has no handle for");
	pd_gem_close(fd1, handle);
	close(fd1);
	close(fd2);
}

static void test_info(void)
{
	static const uint32_t flag_sets[] = {
		0, PRIMEDISP_GEM_CREATE_WC,
	};
	int fd = pd_open_card(NULL);
	struct drm_primedisp_gem_info info;
	struct drm_primedisp_gem_create c;
	uint32_t handle, pitch;
	uint64_t size;

	for (size_t i = 0; i < ARRAY_SIZE(flag_sets); i++) {
		size = 5000;
		handle = pd_gem_create(fd, &size, flag_sets[i]);
		/* Input flags must be 0: every bit is refused, nothing is changed. */
		for (unsigned int bit = 0; bit < 32; bit++) {
			memset(&info, 0, sizeof(info));
			info.handle = handle;
			info.flags = 1u << bit;
			pd_assert_errno(drmIoctl(fd, DRM_IOCTL_PRIMEDISP_GEM_INFO, &info),
					EINVAL);
			pd_assert_eq(info.flags, 1u << bit);
		}
		/* Only flags are input: size is overwritten, whatever it held. */
		memset(&info, 0, sizeof(info));
		info.handle = handle;
		info.size = ~0ull;
		pd_assert(drmIoctl(fd, DRM_IOCTL_PRIMEDISP_GEM_INFO, &info) == 0);
		pd_assert_eq(info.handle, handle);
		pd_assert_eq(info.flags, flag_sets[i]);
		pd_assert_eq(info.size, page_align(5000));
		pd_gem_close(fd, handle);
	}
	/* The creation flags of a format buffer. */
	pd_assert(create_fmt(fd, 100, 10, XR24, SCANOUT | PRIMEDISP_GEM_CREATE_WC, &c) == 0);
	pd_assert_eq(pd_gem_info(fd, c.handle, &size), SCANOUT | PRIMEDISP_GEM_CREATE_WC);
	pd_assert_eq(size, c.size);
	pd_gem_close(fd, c.handle);

	/* A dumb buffer is a primedisp object too: no creation flags. */
	handle = pd_dumb_create(fd, 64, 64, 32, &pitch, &size);
	pd_assert_eq(pd_gem_info(fd, handle, NULL), 0);
	pd_dumb_destroy(fd, handle);

	pd_assert_errno(__pd_gem_info(fd, 0, &info), ENOENT);
	pd_assert_errno(__pd_gem_info(fd, 0x7fffffff, &info), ENOENT);
	pd_assert_errno(__pd_gem_info(fd, ~0u, &info), ENOENT);
	pd_assert_errno(__pd_gem_info(fd, handle, &info), ENOENT);
	close(fd);
}

static void test_info_exported(void)
{
	int fd = pd_open_card(NULL);
	uint64_t size = 4096;
	uint32_t handle, flags;
	int dmabuf;

	handle = pd_gem_create(fd, &size, PRIMEDISP_GEM_CREATE_WC);
	flags = pd_gem_info(fd, handle, NULL);
	pd_assert_f(!(flags & (PRIMEDISP_GEM_INFO_EXPORTED | PRIMEDISP_GEM_INFO_IMPORTED)),
		    "new buffer: INFO flags 0x%x", flags);
	dmabuf = pd_prime_handle_to_fd(fd, handle);
	flags = pd_gem_info(fd, handle, NULL);
	pd_info("after export: INFO flags 0x%x", flags);
	pd_assert_eq(flags, PRIMEDISP_GEM_CREATE_WC | PRIMEDISP_GEM_INFO_EXPORTED);
	close(dmabuf);
	pd_info("dma-buf fd closed, handle open: INFO flags 0x%x",
		pd_gem_info(fd, handle, NULL));
	pd_gem_close(fd, handle);

	/* A second handle to the same buffer, imported from its dma-buf. */
	size = 4096;
	handle = pd_gem_create(fd, &size, 0);
	dmabuf = pd_prime_handle_to_fd(fd, handle);
	{
		int fd2 = pd_open_card(NULL);
		uint32_t h2 = pd_prime_fd_to_handle(fd2, dmabuf);

		/* Same device: this is the same object, not an import. */
		flags = pd_gem_info(fd2, h2, NULL);
		pd_assert_eq(flags, PRIMEDISP_GEM_INFO_EXPORTED);
		close(fd2);
	}
	close(dmabuf);
	pd_gem_close(fd, handle);
	close(fd);
}

static void test_info_imported(void)
{
	int vgem = pd_vgem_open(), fd = pd_open_card(NULL);
	long before = objects_or_skip();
	uint32_t vh, h, pitch, flags, got = 0;
	uint64_t vsize, size, offset;
	int dmabuf, dmabuf2;
	void *vptr;
	long bad;

	vh = pd_dumb_create(vgem, 256, 64, 32, &pitch, &vsize);
	vptr = pd_dumb_map(vgem, vh, vsize, PROT_READ | PROT_WRITE);
	pd_fill_pattern(vptr, vsize, 7);
	dmabuf = pd_prime_handle_to_fd(vgem, vh);

	h = pd_prime_fd_to_handle(fd, dmabuf);
	pd_assert_eq(pd_gem_objects(), before + 1);
	flags = pd_gem_info(fd, h, &size);
	pd_info("imported vgem buffer: INFO flags 0x%x size %llu", flags,
		(unsigned long long)size);
	pd_assert_f(flags & PRIMEDISP_GEM_INFO_IMPORTED, "IMPORTED missing: 0x%x", flags);
	pd_assert_f(!(flags & PRIMEDISP_GEM_INFO_EXPORTED), "an import is not EXPORTED: 0x%x",
		    flags);
	pd_assert_f(!(flags & PRIMEDISP_GEM_CREATE_FLAGS),
		    "creation flags on an import: 0x%x", flags);
	pd_assert_eq(size, vsize);

	/* Its pages belong to vgem: no DRM mmap, the dma-buf is the way. */
	pd_assert_errno(__pd_gem_mmap_offset(fd, h, 0, &offset), EINVAL);

	/* Exported again from primedisp: the very same dma-buf. */
	dmabuf2 = pd_prime_handle_to_fd(fd, h);
	pd_assert_eq(pd_fd_ino(dmabuf2), pd_fd_ino(dmabuf));
	{
		void *p = pd_dmabuf_map(dmabuf2, size, PROT_READ);

		pd_dmabuf_sync(dmabuf2, DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ);
		bad = pd_check_pattern(p, size, 7, &got);
		pd_dmabuf_sync(dmabuf2, DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ);
		pd_assert_f(bad < 0, "import re-exported: word at %ld = 0x%08x, vgem wrote 0x%08x",
			    bad, got, pd_pattern_word(bad, 7));
		munmap(p, size);
	}
	close(dmabuf2);

	pd_gem_close(fd, h);
	pd_assert_eq(pd_counter_wait(pd_gem_objects, before, 2000), before);
	close(dmabuf);
	munmap(vptr, vsize);
	close(vgem);
	close(fd);
}

/* The module parameter client_budget_mb, in bytes. */
static uint64_t client_budget(void)
{
	FILE *f = fopen("/sys/module/primedisp/parameters/client_budget_mb", "r");
	unsigned long long mb = 0;

	pd_assert_f(f, "no /sys/module/primedisp/parameters/client_budget_mb");
	pd_assert(fscanf(f, "%llu", &mb) == 1);
	fclose(f);
	return mb << 20;
}

/*
 * An unprivileged client (uid 65534, no capabilities) on the render node
 * and on the card node without master creates buffers until the budget of
 * unprivileged clients is used up (ENOMEM, at exactly the budget); the
 * DRM master (the compositor: also uid 65534 here, privileged only by
 * being master) can still allocate and map.  The budget comes back when a
 * buffer is freed, not before: an exported buffer keeps its charge.  Dumb
 * buffers follow GEM_CREATE's rules: at most 1 GiB, same budget.
 */
static void test_client_budget(void)
{
	const uint64_t GiB = 1ull << 30, budget = client_budget();
	int master = pd_open_card(NULL), card = pd_open_card(NULL);
	int render = pd_open_render(NULL);
	static uint32_t handles[4096];
	struct drm_primedisp_gem_create c;
	struct drm_mode_create_dumb dumb;
	uint64_t used = 0, size, offset;
	unsigned int n = 0;
	int dmabuf;

	if (!drmIsMaster(master))
		pd_assert_f(drmSetMaster(master) == 0, "cannot become DRM master");
	pd_assert(!drmIsMaster(card));
	pd_info("budget of unprivileged clients: %llu MiB",
		(unsigned long long)(budget >> 20));
	pd_assert(budget >= GiB && budget / GiB < ARRAY_SIZE(handles) - 2);

	/* From here on nobody, without capabilities. */
	pd_assert(setgroups(0, NULL) == 0);
	pd_assert(setresgid(65534, 65534, 65534) == 0);
	pd_assert(setresuid(65534, 65534, 65534) == 0);
	pd_assert(geteuid() == 65534);

	while (used + GiB <= budget) {
		c = (struct drm_primedisp_gem_create){ .size = GiB };
		pd_assert_f(__pd_gem_create(render, &c) == 0,
			    "GEM_CREATE of 1 GiB on the render node failed after %llu MiB "
			    "of a %llu MiB budget", (unsigned long long)(used >> 20),
			    (unsigned long long)(budget >> 20));
		handles[n++] = c.handle;
		used += GiB;
	}
	if (used < budget) {
		c = (struct drm_primedisp_gem_create){ .size = budget - used };
		pd_assert(__pd_gem_create(render, &c) == 0);
		handles[n++] = c.handle;
		used = budget;
	}
	pd_info("%u buffers, %llu MiB, created on the render node",
		n, (unsigned long long)(used >> 20));
	/* Used up: one more page, on either node, is refused. */
	c = (struct drm_primedisp_gem_create){ .size = 4096 };
	pd_assert_errno(__pd_gem_create(render, &c), ENOMEM);
	pd_assert_errno(__pd_gem_create(card, &c), ENOMEM);
	pd_assert_errno(__pd_dumb_create(card, 64, 64, 32, &dumb), ENOMEM);

	/* The compositor is not starved: it allocates, maps and writes. */
	for (int i = 0; i < 4; i++) {
		size = GiB;
		handles[n++] = pd_gem_create(master, &size, 0);
		pd_assert(__pd_gem_mmap_offset(master, handles[n - 1], 0, &offset) == 0);
	}
	{
		uint32_t pitch, h = pd_dumb_create(master, 64, 64, 32, &pitch, &size);
		uint64_t off;
		uint32_t *px;

		pd_assert(__pd_dumb_map_offset(master, h, &off) == 0);
		px = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, master, off);
		pd_assert(px != MAP_FAILED);
		px[0] = 0x00ff00ff;
		pd_assert_eq(px[0], 0x00ff00ff);
		munmap(px, size);
	}
	/* Dumb buffers: 1 GiB at most, like GEM_CREATE, for the master too. */
	pd_assert_errno(__pd_dumb_create(master, 16384, 16385, 32, &dumb), EINVAL);

	/* An exported buffer keeps its charge until the dma-buf is gone. */
	dmabuf = pd_prime_handle_to_fd(render, handles[0]);
	pd_gem_close(render, handles[0]);
	pd_assert_errno(__pd_gem_create(render, &c), ENOMEM);
	close(dmabuf);
	pd_assert_f(__pd_gem_create(render, &c) == 0,
		    "the budget did not come back when the last buffer reference went");
	pd_gem_close(render, c.handle);

	close(render);
	close(card);
	close(master);
}

/* ---- memory cgroups ------------------------------------------------------ */

static char cg_root[64];
static bool cg_mounted;

static void cg_write(const char *dir, const char *file, const char *value)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	f = fopen(path, "we");
	pd_assert_f(f, "%s: %s", path, strerror(errno));
	pd_assert_f(fputs(value, f) >= 0 && fclose(f) == 0, "writing \"%s\" to %s: %s",
		    value, path, strerror(errno));
}

static long long cg_current(const char *dir)
{
	char path[256];
	long long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "%s/memory.current", dir);
	f = fopen(path, "re");
	pd_assert_f(f, "%s: %s", path, strerror(errno));
	pd_assert(fscanf(f, "%lld", &v) == 1);
	fclose(f);
	return v;
}

/* Back to the root cgroup, the test's cgroup removed, cgroup2 unmounted. */
static void cg_cleanup(void)
{
	char dir[128], pid[32];

	snprintf(dir, sizeof(dir), "%s/pd-memcg-%d", cg_root, (int)getpid());
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	cg_write(cg_root, "cgroup.procs", pid);
	rmdir(dir);
	if (cg_mounted)
		umount(cg_root);
}

/*
 * A framebuffer put on screen has its pages charged to the memory cgroup
 * of the process that committed it, as display hardware pins a scanout
 * buffer at the commit: not to the composer's kworker (the root cgroup),
 * which would otherwise be the first to touch a buffer nobody wrote to,
 * once a CRC reader needs the frame.  16 MiB never written by the client:
 * its cgroup's memory.current grows by at least that at the commit, and
 * stays so while a CRC is composed from it.
 */
static void test_memcg_scanout(void)
{
	const uint32_t w = 2048, h = 2048;
	struct pd_display d;
	char dir[128], pid[32], controllers[256] = "";
	uint32_t handle, pitch, fb;
	uint64_t size;
	long long before, after, later;
	struct pd_test_fb tfb = { };
	struct pd_plane_cfg cfg;
	drmModeAtomicReqPtr req;
	uint32_t crc;
	FILE *f;

	pd_require(geteuid() == 0, "needs root to create a memory cgroup");
	if (access("/sys/fs/cgroup/cgroup.controllers", F_OK) == 0) {
		snprintf(cg_root, sizeof(cg_root), "/sys/fs/cgroup");
	} else {
		snprintf(cg_root, sizeof(cg_root), "/tmp/pd-cgroup.XXXXXX");
		pd_assert(mkdtemp(cg_root));
		pd_require(mount("none", cg_root, "cgroup2", 0, NULL) == 0,
			   "cannot mount cgroup2: %s", strerror(errno));
		cg_mounted = true;
	}
	snprintf(dir, sizeof(dir), "%s/cgroup.controllers", cg_root);
	f = fopen(dir, "re");
	pd_assert(f);
	pd_assert(fgets(controllers, sizeof(controllers), f) || feof(f));
	fclose(f);
	if (!strstr(controllers, "memory")) {
		if (cg_mounted)
			umount(cg_root);
		pd_skip("the memory controller is not available (cgroup.controllers: %s)",
			controllers);
	}
	cg_write(cg_root, "cgroup.subtree_control", "+memory");
	snprintf(dir, sizeof(dir), "%s/pd-memcg-%d", cg_root, (int)getpid());
	pd_assert_f(mkdir(dir, 0755) == 0, "mkdir %s: %s", dir, strerror(errno));
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	cg_write(dir, "cgroup.procs", pid);
	atexit(cg_cleanup);

	pd_display_open(&d);
	handle = pd_dumb_create(d.fd, w, h, 32, &pitch, &size);
	pd_assert_f(drmModeAddFB2(d.fd, w, h, DRM_FORMAT_XRGB8888, (uint32_t[4]){ handle },
				  (uint32_t[4]){ pitch }, (uint32_t[4]){ 0 }, &fb, 0) == 0,
		    "ADDFB2 %ux%u: %s", w, h, strerror(errno));
	tfb.id = fb;
	tfb.ref.format = DRM_FORMAT_XRGB8888;
	tfb.ref.width = w;
	tfb.ref.height = h;
	cfg = pd_plane_cfg(&tfb, 0, 0);
	cfg.src_w = (uint32_t)d.out.mode.hdisplay << 16;
	cfg.src_h = (uint32_t)d.out.mode.vdisplay << 16;
	cfg.crtc_w = d.out.mode.hdisplay;
	cfg.crtc_h = d.out.mode.vdisplay;

	before = cg_current(dir);
	req = drmModeAtomicAlloc();
	pd_req_modeset(&d, req);
	pd_req_plane(&d, req, d.primary, &cfg);
	pd_assert_eq(pd_commit(&d, req, DRM_MODE_ATOMIC_ALLOW_MODESET), 0);
	drmModeAtomicFree(req);
	after = cg_current(dir);
	pd_info("memory.current %lld -> %lld bytes at the commit of a %llu-byte buffer",
		before, after, (unsigned long long)size);
	pd_assert_f(after - before >= (long long)size,
		    "the commit charged %lld bytes to the committing cgroup, the buffer has %llu",
		    after - before, (unsigned long long)size);

	if (pd_crtc_crc(d.fd, d.out.crtc_index, &crc)) {
		later = cg_current(dir);
		pd_info("after a CRC of the frame: %lld bytes", later);
		pd_assert_f(later >= after - (long long)size / 16,
			    "the cgroup lost its charge while the buffer is on screen");
	}
	req = drmModeAtomicAlloc();
	pd_req_plane(&d, req, d.primary, &(struct pd_plane_cfg){ });
	pd_commit(&d, req, DRM_MODE_ATOMIC_ALLOW_MODESET);
	drmModeAtomicFree(req);
	drmModeRmFB(d.fd, fb);
	pd_dumb_destroy(d.fd, handle);
	pd_display_close(&d);
}

static void test_render_node(void)
{
	int render = pd_open_render(NULL);
	struct drm_mode_create_dumb dumb;
	struct drm_primedisp_gem_create c;
	struct drm_primedisp_gem_info info;
	uint64_t size = 65536, offset;
	uint32_t handle;
	int dmabuf, ret, err;

	/* Everything the uapi offers works on the render node. */
	mmap_roundtrip(render, 0);
	mmap_roundtrip(render, PRIMEDISP_GEM_CREATE_WC);
	pd_assert(create_fmt(render, 640, 480, XR24, SCANOUT, &c) == 0);
	pd_assert_eq(c.pitches[0], 2560);
	pd_assert_eq(pd_gem_info(render, c.handle, NULL), SCANOUT);
	pd_gem_close(render, c.handle);

	handle = pd_gem_create(render, &size, 0);
	dmabuf = pd_prime_handle_to_fd(render, handle);
	pd_assert_eq(pd_gem_info(render, handle, NULL), PRIMEDISP_GEM_INFO_EXPORTED);
	pd_assert_eq(__pd_dmabuf_size(dmabuf), size);
	close(dmabuf);
	pd_gem_close(render, handle);

	/* ... and the errors are the same. */
	c = (struct drm_primedisp_gem_create){ .size = 4096, .flags = 1u << 7 };
	pd_assert_errno(__pd_gem_create(render, &c), EINVAL);
	pd_assert_errno(__pd_gem_mmap_offset(render, 0, 0, &offset), ENOENT);
	pd_assert_errno(__pd_gem_info(render, 0, &info), ENOENT);

	/* Dumb buffers are for KMS: the core refuses them on render nodes. */
	errno = 0;
	ret = __pd_dumb_create(render, 64, 64, 32, &dumb);
	err = errno;
	pd_info("CREATE_DUMB on the render node: %s", ret ? strerror(err) : "created!");
	pd_assert_f(ret == -1 && err == EACCES,
		    "CREATE_DUMB on a render node: expected EACCES, got %s",
		    ret ? strerror(err) : "success");
	close(render);
}

static void test_invalid_ioctl(void)
{
	int fd = pd_open_card(NULL), render = pd_open_render(NULL);
	struct drm_primedisp_gem_info info = { .handle = 0 };
	/* The first numbers after primedisp's, and the end of the range. */
	const unsigned int nrs[] = { 0x03, 0x04, 0x10, 0x5f };

	for (size_t i = 0; i < ARRAY_SIZE(nrs); i++) {
		unsigned long req = DRM_IOWR(DRM_COMMAND_BASE + nrs[i],
					     struct drm_primedisp_gem_info);
		int ret, err;

		errno = 0;
		ret = ioctl(fd, req, &info);
		err = errno;
		pd_info("driver ioctl 0x%02x: %s", DRM_COMMAND_BASE + nrs[i],
			ret ? strerror(err) : "succeeded!");
		pd_assert_f(ret == -1 && err == EINVAL,
			    "unknown driver ioctl 0x%x on the card node: got %d errno %d (%s)",
			    DRM_COMMAND_BASE + nrs[i], ret, err, strerror(err));
		pd_assert_errno(ioctl(render, req, &info), EINVAL);
		/* No argument at all. */
		pd_assert_errno(ioctl(fd, DRM_IO(DRM_COMMAND_BASE + nrs[i])), EINVAL);
	}
	close(render);
	close(fd);
}

#define LEAK_OBJECTS	1000

static void test_no_leak(void)
{
	int fd = pd_open_card(NULL), render = pd_open_render(NULL);
	long before = objects_or_skip(), peak, after;
	uint32_t *handles = calloc(LEAK_OBJECTS, sizeof(*handles));

	pd_assert(handles);
	/* Created and closed one by one... */
	for (int i = 0; i < LEAK_OBJECTS; i++) {
		struct drm_primedisp_gem_create c;
		int dev = i & 1 ? render : fd;

		if (i % 3 == 0) {
			pd_assert(create_fmt(dev, 1 + i % 300, 1 + i % 7, XR24,
					     i % 2 ? SCANOUT : 0, &c) == 0);
		} else {
			uint64_t size = 1 + 37 * i;

			c.handle = pd_gem_create(dev, &size, i % 5 ? 0 : PRIMEDISP_GEM_CREATE_WC);
		}
		if (i % 10 == 0) {
			uint64_t size;
			uint8_t *p;

			pd_gem_info(dev, c.handle, &size);
			p = pd_gem_map(dev, c.handle, size, PROT_READ | PROT_WRITE);
			p[size - 1] = 1;
			munmap(p, size);
		}
		pd_gem_close(dev, c.handle);
	}
	after = pd_counter_wait(pd_gem_objects, before, 2000);
	pd_info("primedisp_objects: %ld before, %ld after %d create/close", before, after,
		LEAK_OBJECTS);
	pd_assert_eq(after, before);

	/* ...and all alive at once, released by closing the files. */
	for (int i = 0; i < LEAK_OBJECTS; i++) {
		uint64_t size = 4096;

		handles[i] = pd_gem_create(i & 1 ? render : fd, &size, 0);
	}
	peak = pd_gem_objects();
	pd_assert_eq(peak, before + LEAK_OBJECTS);
	close(fd);
	close(render);
	after = pd_counter_wait(pd_gem_objects, before, 2000);
	pd_info("primedisp_objects: %ld with %d buffers, %ld after closing the files",
		peak, LEAK_OBJECTS, after);
	pd_assert_eq(after, before);
	free(handles);
}

static const struct pd_subtest subtests[] = {
	{ "create-size", test_create_size,
	  "plain sizes up to 1 GiB: page-aligned size, unique handles, INFO agrees" },
	{ "create-format", test_create_format,
	  "every plane format, many sizes, with/without SCANOUT: layout and ADDFB2" },
	{ "create-planar", test_create_planar,
	  "multi-planar formats the planes list: per-plane pitches and offsets" },
	{ "addfb-odd-chroma", test_addfb_odd_chroma,
	  "4:2:0/4:2:2 chroma planes of odd sizes are checked rounded up, on every kernel" },
	{ "scanout-pitch", test_scanout_pitch, "SCANOUT pitches are multiples of 64" },
	{ "invalid-flags", test_invalid_flags, "unknown GEM_CREATE flags -> EINVAL" },
	{ "invalid-format", test_invalid_format,
	  "unknown formats and formats no plane lists -> EINVAL" },
	{ "invalid-dimensions", test_invalid_dimensions,
	  "inconsistent or overflowing width/height/size/SCANOUT -> EINVAL" },
	{ "invalid-size", test_invalid_size, "size 0 or above 1 GiB -> EINVAL" },
	{ "mmap-offset", test_mmap_offset,
	  "two mappings share data; flags -> EINVAL; unknown handle -> ENOENT" },
	{ "mmap-partial", test_mmap_partial,
	  "DRM fd: a shorter mapping works, one at a page offset -> EINVAL" },
	{ "mmap-wc", test_mmap_wc, "a WC buffer maps and keeps its data; INFO shows WC" },
	{ "mmap-separate-fds", test_mmap_separate_fds,
	  "another DRM file can neither look up nor map the object" },
	{ "info", test_info, "INFO reports size and creation flags; input flags or unknown handle -> EINVAL/ENOENT" },
	{ "info-exported", test_info_exported, "INFO shows EXPORTED once a dma-buf exists" },
	{ "info-imported", test_info_imported,
	  "a vgem dma-buf imported: IMPORTED, its size, no MMAP_OFFSET, same dma-buf back" },
	{ "client-budget", test_client_budget,
	  "unprivileged clients share a budget; the master still allocates; dumb <= 1 GiB" },
	{ "memcg-scanout", test_memcg_scanout,
	  "a buffer put on screen is charged to the committing process's memory cgroup" },
	{ "render-node", test_render_node,
	  "the ioctls work on the render node; CREATE_DUMB -> EACCES there" },
	{ "invalid-ioctl", test_invalid_ioctl,
	  "unknown ioctl numbers in the driver range -> EINVAL" },
	{ "no-leak", test_no_leak,
	  "primedisp_objects back to its start after 1000 create/close and file close" },
	{ }
};

PD_MAIN(subtests, "Tests primedisp's own GEM ioctls (uapi/drm/primedisp_drm.h).")
