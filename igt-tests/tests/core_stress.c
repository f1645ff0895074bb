// SPDX-License-Identifier: GPL-2.0
/*
 * core_stress - primedisp under several clients at once while the device
 * is unbound and bound again, 100 times.
 *
 * Four worker processes each run a fixed number of cycles:
 *  - exporter: a dumb buffer filled with a pattern, exported, the pattern
 *    read back through a mapping of the dma-buf;
 *  - importer: a vgem buffer and a buffer of primedisp's render node, both
 *    exported and imported into primedisp's card node (the latter into
 *    vgem too), framebuffers added on both, contents read back;
 *  - flipper: DRM master, sets a 640x480 mode and flips between two known
 *    frames with blocking atomic commits; every fourth flip also captures
 *    the frame through writeback and compares it with the frame, byte for
 *    byte;
 *  - capturer: reads two CRCs at a time through debugfs while the
 *    flipper's frames are up; each must be the CRC of one of the two
 *    frames, frame numbers consecutive;
 * while the main process unbinds and binds primedisp through sysfs, each
 * time once every worker has done PER_BIND more cycles.  Starting an
 * unbind releases the workers' next PER_BIND cycles, so that the device
 * goes away under clients in the middle of their work; the last PER_BIND
 * cycles run on the device of the last bind, and the flipper keeps its
 * frames up until the capturer is done.
 * A worker whose device went away (ENODEV from an ioctl, EIO from debugfs)
 * reopens the new device and does the cycle again; such an error when
 * the device did not go away fails the test, as does any wrong content.
 *
 * Dma-bufs of primedisp exported before the first unbind stay open (and
 * mapped) through all of it: after every unbind and every bind their
 * contents are read back, through the old mapping and a new one.
 *
 * At the end: every worker exited 0 after its cycles, primedisp's live
 * GEM objects and the system's dma-bufs are back to their counts from the
 * start, and the device works (a modeset with a known frame and its CRC,
 * PRIME export and import).
 */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <drm_fourcc.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include <drm/primedisp_drm.h>

#include "pd_atomic.h"
#include "pd_bind.h"
#include "pd_crc.h"
#include "pd_prime.h"
#include "pd_vgem.h"
#include "pdtest.h"

#define UNBINDS		100
/* Cycles every worker does on each bound device before the next unbind. */
#define PER_BIND	1
/* Each worker's cycles: PER_BIND on each of the UNBINDS + 1 devices. */
#define CYCLES		(PER_BIND * (UNBINDS + 1))

/* The flipper's mode and frames. */
#define FB_W		640
#define FB_H		480
#define FB_PITCH	(FB_W * 4)
#define FB_SIZE		((size_t)FB_PITCH * FB_H)

/* How long a worker may wait for the device, the main process for a worker. */
#define WAIT_S		120

enum { W_EXPORTER, W_IMPORTER, W_FLIPPER, W_CAPTURER, NWORKERS };

static const char *const worker_name[NWORKERS] = {
	"exporter", "importer", "flipper", "capturer",
};

/* Where each process is, for a message when something takes too long. */
enum phase {
	PH_START, PH_PACE, PH_OPEN, PH_SETUP, PH_CYCLE, PH_DONE,
	PH_WAIT, PH_UNBIND, PH_CHECK_UNBOUND, PH_BIND, PH_CHECK_BOUND, PH_END,
};

static const char *const phase_name[] = {
	[PH_START] = "starting", [PH_PACE] = "waiting for the next unbind",
	[PH_OPEN] = "opening the device", [PH_SETUP] = "setting the mode",
	[PH_CYCLE] = "in a cycle", [PH_DONE] = "done",
	[PH_WAIT] = "waiting for the workers' cycles", [PH_UNBIND] = "unbinding",
	[PH_CHECK_UNBOUND] = "reading the kept dma-bufs (unbound)", [PH_BIND] = "binding",
	[PH_CHECK_BOUND] = "reading the kept dma-bufs (bound)", [PH_END] = "checking the end",
};

#define MAIN	NWORKERS	/* the main process's entry in shared.ph */

/* What the processes share (an anonymous shared mapping). */
struct shared {
	int gen;		/* odd while primedisp is being unbound and bound */
	int unbinds;		/* unbinds started */
	int binds;		/* binds done after an unbind */
	int flipper_gen;	/* gen in which the flipper's frames are up, -1: none */
	struct {
		int cycles;	/* completed */
		int restarts;	/* cycles done again because the device went away */
		int checks;	/* contents, CRCs, captures found right */
	} w[NWORKERS];
	struct {
		int phase;
		int cycle;
		double since;
	} ph[NWORKERS + 1];
};

static struct shared *sh;

static int ld(const int *p)
{
	return __atomic_load_n(p, __ATOMIC_SEQ_CST);
}

static void st(int *p, int v)
{
	__atomic_store_n(p, v, __ATOMIC_SEQ_CST);
}

static void inc(int *p)
{
	__atomic_add_fetch(p, 1, __ATOMIC_SEQ_CST);
}

static void set_phase(int who, int phase, int cycle)
{
	sh->ph[who].since = pd_now();
	sh->ph[who].cycle = cycle;
	st(&sh->ph[who].phase, phase);
}

/* Where everybody is. */
static void phases_show(void)
{
	double now = pd_now();

	for (int who = 0; who <= MAIN; who++)
		pd_info("  %s: %s for %.1f s (cycle %d, %d done, %d again), gen %d, flipper's gen %d",
			who == MAIN ? "main" : worker_name[who],
			phase_name[ld(&sh->ph[who].phase)], now - sh->ph[who].since,
			sh->ph[who].cycle, who == MAIN ? 0 : ld(&sh->w[who].cycles),
			who == MAIN ? 0 : ld(&sh->w[who].restarts), ld(&sh->gen),
			ld(&sh->flipper_gen));
}

/* The flipper's two frames, their CRCs and what writeback captures of them. */
static uint8_t *frame_px[2], *frame_wb[2];
static uint32_t frame_crc[2];

static void frames_make(void)
{
	for (int i = 0; i < 2; i++) {
		frame_px[i] = malloc(FB_SIZE);
		frame_wb[i] = malloc(FB_SIZE);
		pd_assert(frame_px[i] && frame_wb[i]);
		pd_ref_random_fill(frame_px[i], FB_SIZE, 0x5f00 + i);
		frame_crc[i] = pd_frame_crc(frame_px[i], FB_W, FB_H, FB_PITCH,
					    DRM_FORMAT_XRGB8888);
		/* Writeback writes XRGB8888 with X = 0. */
		for (size_t o = 0; o < FB_SIZE; o += 4) {
			memcpy(frame_wb[i] + o, frame_px[i] + o, 3);
			frame_wb[i][o + 3] = 0;
		}
	}
	pd_assert_f(frame_crc[0] != frame_crc[1], "the two frames have the same CRC");
}

/* ---- a worker's device ---------------------------------------------------------------- */

struct dev {
	int fd;		/* primedisp's card node, -1: closed */
	int gen;	/* sh->gen when it was opened */
};

/*
 * Did the device go away since @d was opened?  Errors of a gone device are
 * expected; the same errors otherwise are failures.
 */
static bool dev_gone(const struct dev *d)
{
	int g = ld(&sh->gen);

	return g != d->gen || (g & 1);
}

static void dev_close(struct dev *d)
{
	if (d->fd >= 0)
		close(d->fd);
	d->fd = -1;
}

/*
 * Open the card of the bound device; drop DRM master unless @master, which
 * waits until it can become master instead.
 */
static void dev_open(struct dev *d, bool master, const char *who)
{
	double end = pd_now() + WAIT_S;

	dev_close(d);
	for (; pd_now() < end; pd_msleep(10)) {
		int g = ld(&sh->gen);

		if (g & 1)
			continue;
		d->fd = pd_try_open_card(NULL);
		if (d->fd < 0)
			continue;
		d->gen = g;
		if (master) {
			if (drmIsMaster(d->fd) || drmSetMaster(d->fd) == 0)
				return;
		} else if (!drmIsMaster(d->fd) || drmDropMaster(d->fd) == 0) {
			return;
		}
		dev_close(d);
	}
	phases_show();
	pd_fail("%s: could not open primedisp%s within %d s", who,
		master ? " as DRM master" : "", WAIT_S);
}

/*
 * In a cycle: @ok, or the device went away (the cycle ends and is done
 * again on the new device), or a failure.
 */
#define CHECK(ok, ...) do {						\
	if (!(ok)) {							\
		int __e = errno;					\
		if (dev_gone(d)) {					\
			gone = true;					\
			goto out;					\
		}							\
		errno = __e;						\
		pd_fail(__VA_ARGS__);					\
	}								\
} while (0)

static int dmabuf_sync(int fd, uint64_t flags)
{
	struct dma_buf_sync s = { .flags = flags };
	int ret;

	do {
		ret = ioctl(fd, DMA_BUF_IOCTL_SYNC, &s);
	} while (ret && (errno == EINTR || errno == EAGAIN));
	return ret;
}

/* The pattern of @seed in @size bytes of the dma-buf @fd, through a new mapping. */
static void dmabuf_expect(int fd, size_t size, uint32_t seed, const char *what)
{
	uint8_t *p = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0);
	uint32_t got;
	long off;

	pd_assert_f(p != MAP_FAILED, "%s: mmap of the dma-buf failed", what);
	pd_assert_f(dmabuf_sync(fd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ) == 0,
		    "%s: DMA_BUF_IOCTL_SYNC failed", what);
	off = pd_check_pattern(p, size, seed, &got);
	dmabuf_sync(fd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ);
	munmap(p, size);
	pd_assert_f(off < 0, "%s: byte %ld of the dma-buf reads 0x%08x, it was filled with 0x%08x",
		    what, off, got, pd_pattern_word(off, seed));
}

/* ---- exporter ------------------------------------------------------------------------ */

static bool exporter_cycle(struct dev *d, int c)
{
	struct drm_mode_create_dumb cr = { .width = 256, .height = 128, .bpp = 32 };
	struct drm_mode_map_dumb mp = { 0 };
	uint32_t seed = 0xe0000 + c;
	void *map = MAP_FAILED;
	bool gone = false;
	int dmabuf = -1;

	CHECK(ioctl(d->fd, DRM_IOCTL_MODE_CREATE_DUMB, &cr) == 0, "exporter: CREATE_DUMB failed");
	mp.handle = cr.handle;
	CHECK(ioctl(d->fd, DRM_IOCTL_MODE_MAP_DUMB, &mp) == 0, "exporter: MAP_DUMB failed");
	map = mmap(NULL, cr.size, PROT_READ | PROT_WRITE, MAP_SHARED, d->fd, mp.offset);
	CHECK(map != MAP_FAILED, "exporter: mmap of the dumb buffer failed");
	pd_fill_pattern(map, cr.size, seed);
	CHECK(drmPrimeHandleToFD(d->fd, cr.handle, DRM_CLOEXEC | DRM_RDWR, &dmabuf) == 0,
	      "exporter: PRIME export failed");
out:
	/* Whatever happened to the device, what was exported reads right. */
	if (dmabuf >= 0) {
		dmabuf_expect(dmabuf, cr.size, seed, "exporter");
		inc(&sh->w[W_EXPORTER].checks);
		close(dmabuf);
	}
	if (map != MAP_FAILED)
		munmap(map, cr.size);
	if (cr.handle && !gone && __pd_dumb_destroy(d->fd, cr.handle)) {
		pd_assert_f(dev_gone(d), "exporter: DESTROY_DUMB failed");
		gone = true;
	}
	return !gone;
}

/* ---- importer -------------------------------------------------------------------------- */

static int importer_vgem = -1;

static bool importer_cycle(struct dev *d, int c)
{
	struct drm_primedisp_gem_create gc = {
		.width = 256, .height = 128, .format = DRM_FORMAT_XRGB8888,
	};
	uint32_t vseed = 0x10000 + c, pseed = 0x20000 + c;
	uint32_t vh = 0, h1 = 0, h3 = 0, hv = 0, fb1 = 0, fb2 = 0, pitch;
	int render = -1, vbuf = -1, pbuf = -1;
	uint64_t vsize = 0, off;
	void *vmap = MAP_FAILED, *pmap = MAP_FAILED;
	uint32_t handles[4] = { 0 }, pitches[4] = { 0 }, offsets[4] = { 0 };
	drmModeFB2Ptr info;
	bool gone = false;

	/* A vgem buffer, imported. */
	vh = pd_vgem_create(importer_vgem, 256, 128, 32, &pitch, &vsize);
	vmap = pd_dumb_map(importer_vgem, vh, vsize, PROT_READ | PROT_WRITE);
	pd_fill_pattern(vmap, vsize, vseed);
	vbuf = pd_prime_handle_to_fd(importer_vgem, vh);
	CHECK(drmPrimeFDToHandle(d->fd, vbuf, &h1) == 0, "importer: import of vgem's buffer failed");
	handles[0] = h1;
	pitches[0] = pitch;
	CHECK(drmModeAddFB2(d->fd, 256, 128, DRM_FORMAT_XRGB8888, handles, pitches, offsets, &fb1,
			    0) == 0, "importer: ADDFB2 on vgem's buffer failed");

	/* primedisp's own buffer from its render node, imported into the card and vgem. */
	render = pd_try_open_render_of(d->fd, NULL, 0);
	CHECK(render >= 0, "importer: no render node");
	CHECK(drmIoctl(render, DRM_IOCTL_PRIMEDISP_GEM_CREATE, &gc) == 0,
	      "importer: GEM_CREATE on the render node failed");
	CHECK(__pd_gem_mmap_offset(render, gc.handle, 0, &off) == 0, "importer: MMAP_OFFSET failed");
	pmap = mmap(NULL, gc.size, PROT_READ | PROT_WRITE, MAP_SHARED, render, off);
	CHECK(pmap != MAP_FAILED, "importer: mmap of the render node's buffer failed");
	pd_fill_pattern(pmap, gc.size, pseed);
	CHECK(drmPrimeHandleToFD(render, gc.handle, DRM_CLOEXEC | DRM_RDWR, &pbuf) == 0,
	      "importer: export from the render node failed");
	CHECK(drmPrimeFDToHandle(d->fd, pbuf, &h3) == 0, "importer: import of its own export failed");
	handles[0] = h3;
	pitches[0] = gc.pitches[0];
	CHECK(drmModeAddFB2(d->fd, 256, 128, DRM_FORMAT_XRGB8888, handles, pitches, offsets, &fb2,
			    0) == 0, "importer: ADDFB2 on its own export failed");
	pd_assert_f(drmPrimeFDToHandle(importer_vgem, pbuf, &hv) == 0,
		    "importer: vgem cannot import primedisp's dma-buf");

	info = drmModeGetFB2(d->fd, fb2);
	CHECK(info, "importer: GETFB2 failed");
	pd_assert_f(info->width == 256 && info->height == 128 &&
		    info->pixel_format == DRM_FORMAT_XRGB8888 && info->pitches[0] == pitches[0],
		    "importer: GETFB2 describes another framebuffer");
	if (info->handles[0])
		drmCloseBufferHandle(d->fd, info->handles[0]);
	drmModeFreeFB2(info);
out:
	if (vbuf >= 0) {
		dmabuf_expect(vbuf, vsize, vseed, "importer (vgem's buffer)");
		inc(&sh->w[W_IMPORTER].checks);
	}
	if (pbuf >= 0) {
		dmabuf_expect(pbuf, gc.size, pseed, "importer (its own export)");
		inc(&sh->w[W_IMPORTER].checks);
	}
	/* On a device that went away the old fds release everything. */
	if (!gone) {
		bool ok = (!fb1 || drmModeRmFB(d->fd, fb1) == 0) &&
			  (!fb2 || drmModeRmFB(d->fd, fb2) == 0) &&
			  (!h1 || drmCloseBufferHandle(d->fd, h1) == 0) &&
			  (!h3 || drmCloseBufferHandle(d->fd, h3) == 0) &&
			  (!gc.handle || drmCloseBufferHandle(render, gc.handle) == 0);

		if (!ok) {
			pd_assert_f(dev_gone(d), "importer: releasing its buffers failed");
			gone = true;
		}
	}
	if (hv)
		pd_gem_close(importer_vgem, hv);
	if (pmap != MAP_FAILED)
		munmap(pmap, gc.size);
	if (vmap != MAP_FAILED)
		munmap(vmap, vsize);
	if (pbuf >= 0)
		close(pbuf);
	if (vbuf >= 0)
		close(vbuf);
	if (render >= 0)
		close(render);
	pd_gem_close(importer_vgem, vh);
	return !gone;
}

/* ---- flipper ----------------------------------------------------------------------------- */

enum { P_FB_ID, P_CRTC_ID, P_SRC_X, P_SRC_Y, P_SRC_W, P_SRC_H, P_CRTC_X, P_CRTC_Y, P_CRTC_W,
       P_CRTC_H, P_CONN_CRTC, P_MODE_ID, P_ACTIVE, P_WB_CRTC, P_WB_FB, P_WB_FENCE, NPROPS };

static struct {
	uint32_t conn, crtc, plane, wb, blob;
	uint32_t fb[2], wb_fb;
	uint32_t prop[NPROPS];
	uint8_t *wb_map;
	size_t wb_size;
	uint32_t wb_pitch;
	int32_t fence;
} fl;

/* An atomic request: objects and properties added in order. */
struct req {
	uint32_t objs[4], counts[4], props[24];
	uint64_t values[24];
	unsigned int nobjs, nprops;
};

static void req_add(struct req *r, uint32_t obj, int prop, uint64_t value)
{
	if (!r->nobjs || r->objs[r->nobjs - 1] != obj) {
		r->objs[r->nobjs] = obj;
		r->counts[r->nobjs++] = 0;
	}
	r->counts[r->nobjs - 1]++;
	r->props[r->nprops] = fl.prop[prop];
	r->values[r->nprops++] = value;
}

static int req_commit(int fd, const struct req *r, uint32_t flags)
{
	struct drm_mode_atomic a = {
		.flags = flags, .count_objs = r->nobjs,
		.objs_ptr = (uintptr_t)r->objs, .count_props_ptr = (uintptr_t)r->counts,
		.props_ptr = (uintptr_t)r->props, .prop_values_ptr = (uintptr_t)r->values,
	};

	return ioctl(fd, DRM_IOCTL_MODE_ATOMIC, &a);
}

/* The names of the device's properties, each asked for once per device. */
static struct {
	uint32_t id;
	char name[DRM_PROP_NAME_LEN];
} pnames[128];
static int npnames;

static bool prop_is(int fd, uint32_t id, const char *name)
{
	drmModePropertyPtr p;
	int i;

	for (i = 0; i < npnames && pnames[i].id != id; i++)
		;
	if (i == npnames) {
		p = drmModeGetProperty(fd, id);
		if (!p)
			return false;
		if (npnames < (int)(sizeof(pnames) / sizeof(pnames[0]))) {
			pnames[npnames].id = id;
			snprintf(pnames[npnames++].name, DRM_PROP_NAME_LEN, "%s", p->name);
		}
		i = strcmp(p->name, name) ? -1 : i;
		drmModeFreeProperty(p);
		return i >= 0;
	}
	return !strcmp(pnames[i].name, name);
}

/* Id (0: none) and value of the property @name of an object. */
static uint32_t prop_of(int fd, uint32_t obj, uint32_t type, const char *name, uint64_t *value)
{
	drmModeObjectPropertiesPtr props = drmModeObjectGetProperties(fd, obj, type);
	uint32_t id = 0;

	for (uint32_t i = 0; props && i < props->count_props && !id; i++) {
		if (prop_is(fd, props->props[i], name)) {
			id = props->props[i];
			if (value)
				*value = props->prop_values[i];
		}
	}
	drmModeFreeObjectProperties(props);
	return id;
}

/* A dumb framebuffer showing @px (FB_W x FB_H XRGB8888), or 0. */
static uint32_t fb_of(int fd, const uint8_t *px, uint8_t **map_out, size_t *size_out,
		      uint32_t *pitch_out)
{
	struct drm_mode_create_dumb cr = { .width = FB_W, .height = FB_H, .bpp = 32 };
	struct drm_mode_map_dumb mp = { 0 };
	uint32_t handles[4] = { 0 }, pitches[4] = { 0 }, offsets[4] = { 0 }, id = 0;
	uint8_t *map;

	if (ioctl(fd, DRM_IOCTL_MODE_CREATE_DUMB, &cr))
		return 0;
	mp.handle = cr.handle;
	if (ioctl(fd, DRM_IOCTL_MODE_MAP_DUMB, &mp))
		return 0;
	map = mmap(NULL, cr.size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, mp.offset);
	if (map == MAP_FAILED)
		return 0;
	for (uint32_t y = 0; px && y < FB_H; y++)
		memcpy(map + (size_t)y * cr.pitch, px + (size_t)y * FB_PITCH, FB_PITCH);
	handles[0] = cr.handle;
	pitches[0] = cr.pitch;
	if (drmModeAddFB2(fd, FB_W, FB_H, DRM_FORMAT_XRGB8888, handles, pitches, offsets, &id, 0))
		id = 0;
	if (map_out) {
		*map_out = map;
		*size_out = cr.size;
		*pitch_out = cr.pitch;
	} else {
		munmap(map, cr.size);
	}
	/* The framebuffer holds the buffer. */
	drmCloseBufferHandle(fd, cr.handle);
	return id;
}

/* Find the output, make the frames, set the mode with frame 0; false if the device went away. */
static bool flipper_setup(struct dev *d)
{
	drmModePlaneResPtr pr;
	drmModeResPtr res;
	drmModeConnectorPtr c = NULL;
	drmModeModeInfo mode;
	bool found = false, gone = false;
	struct req r = { 0 };

	if (fl.wb_map)
		munmap(fl.wb_map, fl.wb_size);
	memset(&fl, 0, sizeof(fl));
	npnames = 0;
	CHECK(drmSetClientCap(d->fd, DRM_CLIENT_CAP_ATOMIC, 1) == 0, "flipper: no atomic");
	CHECK(drmSetClientCap(d->fd, DRM_CLIENT_CAP_WRITEBACK_CONNECTORS, 1) == 0,
	      "flipper: no writeback connectors");
	res = drmModeGetResources(d->fd);
	CHECK(res, "flipper: GETRESOURCES failed");
	for (int i = 0; i < res->count_connectors && !found; i++) {
		c = drmModeGetConnector(d->fd, res->connectors[i]);
		if (c && c->connector_type == DRM_MODE_CONNECTOR_WRITEBACK && !fl.wb)
			fl.wb = c->connector_id;
		for (int m = 0; c && c->connection == DRM_MODE_CONNECTED && m < c->count_modes; m++) {
			if (c->modes[m].hdisplay == FB_W && c->modes[m].vdisplay == FB_H &&
			    c->connector_type != DRM_MODE_CONNECTOR_WRITEBACK) {
				mode = c->modes[m];
				fl.conn = c->connector_id;
				found = true;
				break;
			}
		}
		drmModeFreeConnector(c);
	}
	for (int i = 0; i < res->count_connectors && !fl.wb; i++) {
		c = drmModeGetConnector(d->fd, res->connectors[i]);
		if (c && c->connector_type == DRM_MODE_CONNECTOR_WRITEBACK)
			fl.wb = c->connector_id;
		drmModeFreeConnector(c);
	}
	/* One output (num_outputs=1): its CRTC is the first. */
	fl.crtc = res->count_crtcs ? res->crtcs[0] : 0;
	drmModeFreeResources(res);
	CHECK(found && fl.crtc && fl.wb, "flipper: no %dx%d output with writeback", FB_W, FB_H);
	pr = drmModeGetPlaneResources(d->fd);
	CHECK(pr, "flipper: GETPLANERESOURCES failed");
	for (uint32_t i = 0; i < pr->count_planes && !fl.plane; i++) {
		drmModePlanePtr p = drmModeGetPlane(d->fd, pr->planes[i]);
		uint64_t type = 0;

		if (p && (p->possible_crtcs & 1) &&
		    prop_of(d->fd, p->plane_id, DRM_MODE_OBJECT_PLANE, "type", &type) &&
		    type == DRM_PLANE_TYPE_PRIMARY)
			fl.plane = p->plane_id;
		drmModeFreePlane(p);
	}
	drmModeFreePlaneResources(pr);
	CHECK(fl.plane, "flipper: no primary plane");

	{
		static const char *const names[NPROPS] = {
			"FB_ID", "CRTC_ID", "SRC_X", "SRC_Y", "SRC_W", "SRC_H", "CRTC_X",
			"CRTC_Y", "CRTC_W", "CRTC_H", "CRTC_ID", "MODE_ID", "ACTIVE", "CRTC_ID",
			"WRITEBACK_FB_ID", "WRITEBACK_OUT_FENCE_PTR",
		};

		for (int i = 0; i < NPROPS; i++) {
			uint32_t obj = i <= P_CRTC_H ? fl.plane : i == P_CONN_CRTC ? fl.conn :
				       i <= P_ACTIVE ? fl.crtc : fl.wb;
			uint32_t type = i <= P_CRTC_H ? DRM_MODE_OBJECT_PLANE :
					i == P_CONN_CRTC || i >= P_WB_CRTC ?
					DRM_MODE_OBJECT_CONNECTOR : DRM_MODE_OBJECT_CRTC;

			fl.prop[i] = prop_of(d->fd, obj, type, names[i], NULL);
			CHECK(fl.prop[i], "flipper: no property %s", names[i]);
		}
	}
	CHECK(drmModeCreatePropertyBlob(d->fd, &mode, sizeof(mode), &fl.blob) == 0,
	      "flipper: CREATEPROPBLOB failed");
	for (int i = 0; i < 2; i++) {
		fl.fb[i] = fb_of(d->fd, frame_px[i], NULL, NULL, NULL);
		CHECK(fl.fb[i], "flipper: framebuffer %d failed", i);
	}
	fl.wb_fb = fb_of(d->fd, NULL, &fl.wb_map, &fl.wb_size, &fl.wb_pitch);
	CHECK(fl.wb_fb, "flipper: writeback framebuffer failed");

	req_add(&r, fl.plane, P_FB_ID, fl.fb[0]);
	req_add(&r, fl.plane, P_CRTC_ID, fl.crtc);
	req_add(&r, fl.plane, P_SRC_X, 0);
	req_add(&r, fl.plane, P_SRC_Y, 0);
	req_add(&r, fl.plane, P_SRC_W, (uint64_t)FB_W << 16);
	req_add(&r, fl.plane, P_SRC_H, (uint64_t)FB_H << 16);
	req_add(&r, fl.plane, P_CRTC_X, 0);
	req_add(&r, fl.plane, P_CRTC_Y, 0);
	req_add(&r, fl.plane, P_CRTC_W, FB_W);
	req_add(&r, fl.plane, P_CRTC_H, FB_H);
	req_add(&r, fl.conn, P_CONN_CRTC, fl.crtc);
	req_add(&r, fl.crtc, P_MODE_ID, fl.blob);
	req_add(&r, fl.crtc, P_ACTIVE, 1);
	req_add(&r, fl.wb, P_WB_CRTC, fl.crtc);
	CHECK(req_commit(d->fd, &r, DRM_MODE_ATOMIC_ALLOW_MODESET) == 0,
	      "flipper: the modeset failed");
	/* Frame 0 is up on this device (unless it is already going away). */
	if (!dev_gone(d))
		st(&sh->flipper_gen, d->gen);
out:
	return !gone;
}

static bool flipper_cycle(struct dev *d, int c)
{
	int f = (c + 1) % 2;
	bool capture = c % 4 == 3, gone = false;
	struct req r = { 0 };

	req_add(&r, fl.plane, P_FB_ID, fl.fb[f]);
	if (capture) {
		fl.fence = -1;
		memset(fl.wb_map, 0x5a, fl.wb_size);
		req_add(&r, fl.wb, P_WB_FB, fl.wb_fb);
		req_add(&r, fl.wb, P_WB_FENCE, (uint64_t)(uintptr_t)&fl.fence);
	}
	CHECK(req_commit(d->fd, &r, 0) == 0, "flipper: flip %d failed", c);
	if (capture) {
		struct pollfd pfd = { .fd = fl.fence, .events = POLLIN };
		int pr;

		pd_assert_f(fl.fence >= 0, "flipper: a writeback commit gave no out-fence");
		pr = poll(&pfd, 1, 10000);
		close(fl.fence);
		/* A capture cut short by the unbind may fail; one that was not must be right. */
		CHECK(pr == 1 && !dev_gone(d), "flipper: writeback not done within 10 s");
		for (uint32_t y = 0; y < FB_H; y++)
			pd_assert_f(!memcmp(fl.wb_map + (size_t)y * fl.wb_pitch,
					    frame_wb[f] + (size_t)y * FB_PITCH, FB_PITCH) ||
				    dev_gone(d),
				    "flipper: row %u of the writeback capture of frame %d differs",
				    y, f);
		if (!dev_gone(d))
			inc(&sh->w[W_FLIPPER].checks);
	}
out:
	return !gone;
}

/* ---- capturer ---------------------------------------------------------------------------- */

/* What is on screen, for a CRC that is neither frame's. */
static void capturer_diagnose(struct dev *d, const char *dir)
{
	drmModePlaneResPtr pr = drmModeGetPlaneResources(d->fd);
	char path[160], line[256];
	FILE *f;

	for (uint32_t i = 0; pr && i < pr->count_planes; i++) {
		drmModePlanePtr p = drmModeGetPlane(d->fd, pr->planes[i]);
		drmModeFB2Ptr fb = p && p->fb_id ? drmModeGetFB2(d->fd, p->fb_id) : NULL;

		if (p && p->fb_id)
			pd_info("plane %u: crtc %u fb %u at %u,%u", p->plane_id, p->crtc_id, p->fb_id,
				p->crtc_x, p->crtc_y);
		if (fb && fb->handles[0] && fb->width == FB_W && fb->height == FB_H) {
			struct drm_mode_map_dumb mp = { .handle = fb->handles[0] };
			uint8_t *m;

			if (!ioctl(d->fd, DRM_IOCTL_MODE_MAP_DUMB, &mp) &&
			    (m = mmap(NULL, (size_t)fb->pitches[0] * FB_H, PROT_READ, MAP_SHARED,
				      d->fd, mp.offset)) != MAP_FAILED) {
				for (int k = 0; k < 2; k++) {
					size_t bad = 0, first = 0;

					for (uint32_t y = 0; y < FB_H; y++)
						for (uint32_t x = 0; x < FB_W * 4; x++)
							if ((x & 3) != 3 &&
							    m[(size_t)y * fb->pitches[0] + x] !=
							    frame_px[k][(size_t)y * FB_PITCH + x] &&
							    !bad++)
								first = (size_t)y * FB_PITCH + x;
					pd_info("  its bytes differ from frame %d's in %zu places, first "
						"at pixel (%zu,%zu)", k, bad, first % FB_PITCH / 4,
						first / FB_PITCH);
				}
				pd_info("  CRC of its bytes: 0x%08x", pd_frame_crc(m, FB_W, FB_H,
						fb->pitches[0], DRM_FORMAT_XRGB8888));
				munmap(m, (size_t)fb->pitches[0] * FB_H);
			}
		}
		if (fb && fb->handles[0])
			drmCloseBufferHandle(d->fd, fb->handles[0]);
		drmModeFreeFB2(fb);
		drmModeFreePlane(p);
	}
	drmModeFreePlaneResources(pr);
	snprintf(path, sizeof(path), "%s/state", dir);
	f = fopen(path, "re");
	for (int n = 0; f && n < 80 && fgets(line, sizeof(line), f); n++)
		pd_info("  state: %s", line);
	if (f)
		fclose(f);
}

static void worker_open(struct dev *d, int w);

/* Until the flipper's frames are up on the bound device; false if that never happens. */
static bool capturer_wait(int *g)
{
	double end = pd_now() + WAIT_S;

	for (; pd_now() < end; pd_msleep(10)) {
		*g = ld(&sh->gen);
		if (!(*g & 1) && ld(&sh->flipper_gen) == *g)
			return true;
	}
	return false;
}

static bool capturer_cycle(struct dev *d, int c)
{
	char dir[64], path[128], line[64];
	int ctl = -1, data = -1, g;
	uint32_t frame, crc, last = 0;
	bool gone = false;

	(void)c;
	if (!capturer_wait(&g)) {
		phases_show();
		pd_fail("capturer: the flipper's frames were not up within %d s", WAIT_S);
	}
	if (g != d->gen) {
		/* A device bound since the last cycle. */
		worker_open(d, W_CAPTURER);
		if (d->gen != g)
			return false;
	}
	CHECK(pd_debugfs_dir(d->fd, dir, sizeof(dir)), "capturer: no debugfs directory");
	snprintf(path, sizeof(path), "%s/crtc-0/crc/control", dir);
	ctl = open(path, O_WRONLY | O_CLOEXEC);
	CHECK(ctl >= 0, "capturer: cannot open %s", path);
	CHECK(write(ctl, "auto", 4) == 4, "capturer: cannot select the CRC source");
	snprintf(path, sizeof(path), "%s/crtc-0/crc/data", dir);
	data = open(path, O_RDONLY | O_CLOEXEC);
	CHECK(data >= 0, "capturer: cannot open %s", path);
	for (int i = 0; i < 2; i++) {
		struct pollfd pfd = { .fd = data, .events = POLLIN };
		ssize_t n;

		CHECK(poll(&pfd, 1, 10000) == 1, "capturer: no CRC within 10 s");
		n = read(data, line, sizeof(line) - 1);
		CHECK(n > 0, "capturer: reading a CRC failed");
		line[n] = '\0';
		pd_assert_f(sscanf(line, "0x%x 0x%x", &frame, &crc) == 2,
			    "capturer: malformed CRC entry \"%s\"", line);
		/* Only frames of a device that stayed, with the flipper's frames up, count. */
		if (dev_gone(d) || ld(&sh->flipper_gen) != g) {
			gone = true;
			goto out;
		}
		if (crc != frame_crc[0] && crc != frame_crc[1]) {
			phases_show();
			capturer_diagnose(d, dir);
		}
		pd_assert_f(crc == frame_crc[0] || crc == frame_crc[1],
			    "capturer: CRC 0x%08x of frame %u is neither frame's (0x%08x, 0x%08x)",
			    crc, frame, frame_crc[0], frame_crc[1]);
		pd_assert_f(!i || frame == last + 1, "capturer: CRC of frame %u after frame %u",
			    frame, last);
		last = frame;
		inc(&sh->w[W_CAPTURER].checks);
	}
out:
	if (data >= 0)
		close(data);
	if (ctl >= 0)
		close(ctl);
	return !gone;
}

/* ---- the workers ------------------------------------------------------------------------- */

static bool (*const cycle_fn[NWORKERS])(struct dev *, int) = {
	exporter_cycle, importer_cycle, flipper_cycle, capturer_cycle,
};

/* Open (again) the bound device, for the flipper with its frames up. */
static void worker_open(struct dev *d, int w)
{
	int phase = ld(&sh->ph[w].phase), cycle = sh->ph[w].cycle;

	for (;;) {
		set_phase(w, PH_OPEN, cycle);
		dev_open(d, w == W_FLIPPER, worker_name[w]);
		set_phase(w, PH_SETUP, cycle);
		if (w != W_FLIPPER || flipper_setup(d))
			break;
		dev_close(d);
	}
	set_phase(w, phase, cycle);
}

/*
 * May cycle @c start?  The cycles of the next PER_BIND are released when
 * an unbind starts, so that it finds the workers in the middle of them;
 * the last PER_BIND cycles only on the device of the last bind, so that no
 * worker is done (and its framebuffers gone) before.
 */
static bool worker_may_cycle(int c)
{
	return ld(&sh->unbinds) >= c / PER_BIND - 1 &&
	       (c < CYCLES - PER_BIND || ld(&sh->binds) == UNBINDS);
}

/*
 * Before cycle @c: wait until it may start.  A device that was replaced
 * meanwhile is opened again (the capturer waits for the flipper's frames).
 */
static void worker_pace(struct dev *d, int w, int c)
{
	double end = pd_now() + WAIT_S;

	set_phase(w, PH_PACE, c);
	while (!worker_may_cycle(c)) {
		int g = ld(&sh->gen);

		if (pd_now() > end) {
			phases_show();
			pd_fail("%s: the unbinds stopped (cycle %d)", worker_name[w], c);
		}
		if (!(g & 1) && g != d->gen)
			worker_open(d, w);
		pd_msleep(5);
	}
}

static void __attribute__((noreturn)) worker(int w)
{
	struct dev d = { .fd = -1, .gen = -1 };

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (w == W_IMPORTER)
		importer_vgem = pd_vgem_open();
	for (int c = 0; c < CYCLES;) {
		worker_pace(&d, w, c);
		if (d.fd < 0 || (dev_gone(&d) && !(ld(&sh->gen) & 1)))
			worker_open(&d, w);
		set_phase(w, PH_CYCLE, c);
		if (!cycle_fn[w](&d, c)) {
			inc(&sh->w[w].restarts);
			dev_close(&d);
			continue;
		}
		st(&sh->w[w].cycles, ++c);
	}
	set_phase(w, PH_DONE, CYCLES);
	/* Closing the flipper's fd takes its frames off: not under the capturer. */
	if (w == W_FLIPPER) {
		double end = pd_now() + WAIT_S;

		while (ld(&sh->w[W_CAPTURER].cycles) < CYCLES) {
			if (pd_now() > end) {
				phases_show();
				pd_fail("flipper: the capturer did not finish within %d s", WAIT_S);
			}
			pd_msleep(5);
		}
	}
	dev_close(&d);
	exit(PD_EXIT_SUCCESS);
}

/* ---- dma-bufs kept through every unbind ------------------------------------------------------ */

struct kept {
	int dmabuf;
	size_t size;
	uint32_t seed;
	uint8_t *map;	/* mapped before the first unbind */
	const char *what;
};

static void kept_make(struct kept *k, int card, int render, int i)
{
	uint32_t handle;
	uint64_t size;
	void *p;

	k->seed = 0x4b000 + i;
	if (i == 0) {
		handle = pd_dumb_create(card, 256, 128, 32, NULL, &size);
		p = pd_dumb_map(card, handle, size, PROT_READ | PROT_WRITE);
		k->what = "a dumb buffer's dma-buf";
	} else {
		size = i == 1 ? 256 << 10 : 3 << 14;
		handle = pd_gem_create(render, &size, i == 1 ? PRIMEDISP_GEM_CREATE_WC : 0);
		p = pd_gem_map(render, handle, size, PROT_READ | PROT_WRITE);
		k->what = i == 1 ? "a write-combined GEM_CREATE buffer's dma-buf" :
				   "a GEM_CREATE buffer's dma-buf";
	}
	k->size = size;
	pd_fill_pattern(p, size, k->seed);
	munmap(p, size);
	k->dmabuf = pd_prime_handle_to_fd(i == 0 ? card : render, handle);
	k->map = pd_dmabuf_map(k->dmabuf, k->size, PROT_READ);
	/* Only the dma-buf holds the buffer from now on. */
	pd_gem_close(i == 0 ? card : render, handle);
}

static void kept_check(struct kept *k, int n, const char *when)
{
	uint32_t got;
	long off;

	for (int i = 0; i < n; i++) {
		off = pd_check_pattern(k[i].map, k[i].size, k[i].seed, &got);
		pd_assert_f(off < 0, "%s %s: byte %ld of its first mapping reads 0x%08x, not 0x%08x",
			    k[i].what, when, off, got, pd_pattern_word(off, k[i].seed));
		dmabuf_expect(k[i].dmabuf, k[i].size, k[i].seed, k[i].what);
	}
}

/* ---- the device at the end ---------------------------------------------------------------- */

static void check_usable(void)
{
	struct pd_display d;
	struct pd_test_fb fb;
	struct pd_plane_cfg cfg;
	uint64_t size = 65536;
	uint32_t crc, h;
	int dmabuf;

	pd_display_open(&d);
	pd_display_use_mode(&d, FB_W, FB_H);
	pd_assert_eq(pd_test_fb_create(d.fd, DRM_FORMAT_XRGB8888, FB_W, FB_H, 9, &fb), 0);
	cfg = pd_plane_cfg(&fb, 0, 0);
	pd_assert_eq(pd_apply(&d, &cfg, 1, true, 0), 0);
	pd_assert_f(pd_crtc_crc(d.fd, d.out.crtc_index, &crc), "no CRC interface");
	pd_assert_eq(crc, pd_expected_crc(&d, &cfg, 1));
	h = pd_gem_create(d.fd, &size, 0);
	dmabuf = pd_prime_handle_to_fd(d.fd, h);
	pd_assert_eq(pd_prime_fd_to_handle(d.fd, dmabuf), h);
	close(dmabuf);
	pd_gem_close(d.fd, h);
	pd_test_fb_destroy(&fb);
	pd_display_close(&d);
}

/* ---- the subtest ---------------------------------------------------------------------------- */

static void progress(int i, double t0)
{
	char buf[256];
	int n = 0;

	for (int w = 0; w < NWORKERS; w++)
		n += snprintf(buf + n, sizeof(buf) - n, "%s%s %d (%d again)", w ? ", " : "",
			      worker_name[w], ld(&sh->w[w].cycles), ld(&sh->w[w].restarts));
	pd_info("unbind/bind %d/%d after %.0f s; cycles: %s", i, UNBINDS, pd_now() - t0, buf);
}

static void test_unbind_under_load(void)
{
	struct kept kept[3];
	pid_t pid[NWORKERS];
	long objects, dmabufs;
	int card, render, vgem;
	double t0 = pd_now(), t_last, t_wait = 0, t_unbind = 0, t_bind = 0;

	pd_ensure_bound();
	pd_require(access(PD_DRV_SYSFS "/unbind", W_OK) == 0,
		   "no %s/unbind (driver not loaded, or no sysfs)", PD_DRV_SYSFS);
	objects = pd_gem_objects();
	dmabufs = pd_dmabuf_count();
	pd_require(objects >= 0 && dmabufs >= 0, "no debugfs: primedisp_objects and bufinfo "
		   "are needed to check for leaks");
	vgem = pd_vgem_open();	/* loads vgem for the importer */
	close(vgem);
	frames_make();

	card = pd_open_card(NULL);
	render = pd_try_open_render_of(card, NULL, 0);
	pd_assert_f(render >= 0, "primedisp has no render node");
	for (int i = 0; i < 3; i++)
		kept_make(&kept[i], card, render, i);
	close(render);
	close(card);
	kept_check(kept, 3, "before the first unbind");

	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pd_assert(sh != MAP_FAILED);
	memset(sh, 0, sizeof(*sh));
	sh->flipper_gen = -1;
	for (int w = 0; w < NWORKERS; w++) {
		fflush(NULL);
		pid[w] = fork();
		pd_assert(pid[w] >= 0);
		if (!pid[w])
			worker(w);
	}

	t_last = pd_now();
	for (int i = 0; i < UNBINDS; i++) {
		double end = pd_now() + WAIT_S, t;

		/* Every worker did its cycles on this device. */
		set_phase(MAIN, PH_WAIT, i);
		for (int w = 0; w < NWORKERS; w++) {
			while (ld(&sh->w[w].cycles) < PER_BIND * (i + 1)) {
				for (int x = 0; x < NWORKERS; x++) {
					int status;

					if (waitpid(pid[x], &status, WNOHANG) == pid[x])
						pd_fail("the %s exited early (status 0x%x)",
							worker_name[x], status);
				}
				if (pd_now() > end) {
					phases_show();
					pd_fail("the %s did no cycle on the device of bind %d within %d s",
						worker_name[w], i, WAIT_S);
				}
				pd_msleep(2);
			}
		}
		t = pd_now();
		t_wait += t - t_last;
		st(&sh->unbinds, i + 1);
		inc(&sh->gen);
		set_phase(MAIN, PH_UNBIND, i);
		pd_unbind();
		t_unbind += pd_now() - t;
		set_phase(MAIN, PH_CHECK_UNBOUND, i);
		kept_check(kept, 3, "while primedisp is unbound");
		t = pd_now();
		set_phase(MAIN, PH_BIND, i);
		close(pd_rebind());
		t_bind += pd_now() - t;
		inc(&sh->gen);
		st(&sh->binds, i + 1);
		set_phase(MAIN, PH_CHECK_BOUND, i);
		kept_check(kept, 3, "after primedisp was bound again");
		t_last = pd_now();
		if ((i + 1) % 10 == 0)
			progress(i + 1, t0);
	}

	set_phase(MAIN, PH_END, UNBINDS);
	pd_info("time: %.1f s unbinding, %.1f s binding, %.1f s waiting for the workers' cycles",
		t_unbind, t_bind, t_wait);
	for (int w = 0; w < NWORKERS; w++) {
		double end = pd_now() + WAIT_S;
		int status = -1;

		while (waitpid(pid[w], &status, WNOHANG) != pid[w]) {
			if (pd_now() > end) {
				phases_show();
				pd_fail("the %s did not finish its %d cycles within %d s of the last bind",
					worker_name[w], CYCLES, WAIT_S);
			}
			pd_msleep(10);
		}
		pd_assert_f(WIFEXITED(status) && WEXITSTATUS(status) == 0,
			    "the %s failed (status 0x%x)", worker_name[w], status);
		pd_assert_eq(ld(&sh->w[w].cycles), CYCLES);
	}
	progress(UNBINDS, t0);
	pd_info("checks passed: %d exported dma-bufs read back, %d imported buffers read back, "
		"%d writeback captures, %d CRCs", ld(&sh->w[W_EXPORTER].checks),
		ld(&sh->w[W_IMPORTER].checks), ld(&sh->w[W_FLIPPER].checks),
		ld(&sh->w[W_CAPTURER].checks));
	for (int w = 0; w < NWORKERS; w++)
		pd_assert_f(ld(&sh->w[w].checks) > 0, "the %s checked nothing", worker_name[w]);

	kept_check(kept, 3, "at the end");
	for (int i = 0; i < 3; i++) {
		munmap(kept[i].map, kept[i].size);
		close(kept[i].dmabuf);
	}
	pd_assert_f(pd_counter_wait(pd_gem_objects, objects, 5000) == objects,
		    "primedisp_objects is %ld after everything was closed, %ld at the start",
		    pd_gem_objects(), objects);
	pd_assert_f(pd_counter_wait(pd_dmabuf_count, dmabufs, 5000) == dmabufs,
		    "%ld dma-bufs after everything was closed, %ld at the start",
		    pd_dmabuf_count(), dmabufs);
	check_usable();
	pd_info("%.1f s in all", pd_now() - t0);
}

static const struct pd_subtest subtests[] = {
	{ "unbind-under-load", test_unbind_under_load,
	  "exporter, importer, flipper and CRC reader at work while primedisp is unbound "
	  "and bound 100 times; kept dma-bufs, no leak, the device works" },
	{ }
};

int main(int argc, char **argv)
{
	/* 100 unbinds and binds with four clients: more than the default. */
	setenv("PDTEST_TIMEOUT", "400", 0);
	return pd_main(argc, argv, subtests,
		       "primedisp under several clients while it is unbound and bound again.");
}
