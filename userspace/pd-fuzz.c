// SPDX-License-Identifier: GPL-2.0
/*
 * pd-fuzz - a seeded, reproducible fuzzer of primedisp's ioctls.
 *
 * Drives primedisp's card and render nodes with random sequences of
 * operations: dumb and GEM_CREATE buffers, their mmaps, GEM_INFO, PRIME
 * export and import (also of udmabuf, dma-heap and vgem buffers), dma-buf
 * mmap/SYNC/sync-file ioctls, ADDFB2/RMFB/GETFB2, property blobs, atomic
 * commits with random properties and flags (fences, events, writeback,
 * on 7.x the planes' colour pipelines and their stages' blobs),
 * legacy KMS ioctls, vblank waits, CRC capture through debugfs on any
 * CRTC, master changes, output hotplug through sysfs, and closing and
 * reopening the file descriptors in between, so that everything is
 * released in random orders.
 *
 * Reproducibility: operation N draws its random numbers from a generator
 * seeded with (seed, N) alone, so the N-th operation and its arguments are
 * the same in every run with that seed, whatever the kernel answered
 * before (timing-dependent answers, such as EBUSY from a pending commit,
 * change what the kernel does, not what we ask).  Every run prints its
 * seed; "pd-fuzz --seed S --ops N" repeats the first N operations.  With
 * --kmsg each operation is announced in the kernel log ("pd-fuzz: op N
 * KIND"), which places a kernel report at the operation that caused it.
 *
 * The kernel log is the main oracle (KASAN, lockdep, ... in the debug
 * kernel).  pd-fuzz itself fails (exit 1) on a SIGBUS/SIGSEGV touching a
 * mapping the kernel granted, on an operation that stays blocked for a
 * minute, when primedisp's live GEM objects (debugfs primedisp_objects),
 * the system's dma-bufs or their attachments (debugfs dma_buf/bufinfo) do
 * not return to their count at start once everything is closed, and, with
 * --unprivileged, when the card node cannot allocate a small buffer while
 * uid 65534 streams work on the render node.
 *
 * Copyright (C) 2026 The primedisp authors
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <inttypes.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/dma-buf.h>
#include <linux/dma-heap.h>
#include <linux/udmabuf.h>

#include <drm.h>
#include <drm_fourcc.h>
#include <drm_mode.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include <drm/primedisp_drm.h>

#include "pd-common.h"

/* ---- sw_sync (debugfs, CONFIG_SW_SYNC): its ABI, not in the uapi headers */
struct pdf_sw_sync_create_fence {
	uint32_t value;
	char name[32];
	int32_t fence;
};
#define PDF_SW_SYNC_IOC_CREATE_FENCE \
	_IOWR('W', 0, struct pdf_sw_sync_create_fence)
#define PDF_SW_SYNC_IOC_INC _IOW('W', 1, uint32_t)

/* CLOSEFB: 6.8 and later; older kernels refuse it, which is fine. */
struct pdf_mode_closefb {
	uint32_t fb_id;
	uint32_t pad;
};
#define PDF_IOCTL_MODE_CLOSEFB DRM_IOWR(0xD0, struct pdf_mode_closefb)

/* ---- random numbers: splitmix64, one stream per operation -------------- */

struct rng {
	uint64_t s;
};

static uint64_t rnd(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Uniform in [0, n); 0 for n == 0. */
static uint32_t below(struct rng *r, uint32_t n)
{
	return n ? (uint32_t)(rnd(r) % n) : 0;
}

static bool chance(struct rng *r, unsigned int percent)
{
	return below(r, 100) < percent;
}

/* A value that often breaks things: limits, zero, small, or anything. */
static uint64_t nasty(struct rng *r)
{
	static const uint64_t v[] = {
		0, 1, 2, 3, 4, 7, 8, 63, 64, 255, 256, 4095, 4096, 4097,
		0x7fff, 0x8000, 0xffff, 0x10000, 0x7fffffff, 0x80000000,
		0xffffffff, 0x100000000ull, 0x7fffffffffffffffull,
		0xffffffffffffffffull, 0xfffffffffffff000ull,
	};

	switch (below(r, 3)) {
	case 0:
		return v[below(r, sizeof(v) / sizeof(v[0]))];
	case 1:
		return below(r, 5000);
	default:
		return rnd(r);
	}
}

/* ---- state ----------------------------------------------------------------- */

#define NFD	4	/* 0, 1: card node; 2, 3: render node */
#define NHANDLE	48
#define NFB	24
#define NDMABUF	24
#define NMAP	24
#define NBLOB	16
#define NFENCE	16
#define NKOBJ	128
#define NPROP	48
#define MAX_PROCS	8	/* --procs */
#define PD_FUZZ_MAX_BLOB	(64u << 20)	/* see op_blob() */

struct dfd {
	int fd;
	unsigned int gen;	/* bumped at each (re)open */
	bool card;
};

/* Everything an fd gave out is tagged with the fd's slot and generation:
 * used with another fd or after a reopen, it is a stale value on purpose. */
struct handle {
	bool used;
	int slot;
	unsigned int gen;
	uint32_t handle;
	uint64_t size;
	uint32_t width, height, pitch;
	/* GEM_CREATE with a format: the layout ADDFB2 wants */
	uint32_t format, num_planes, pitches[4], offsets[4];
};

struct fb {
	bool used;
	int slot;
	unsigned int gen;
	uint32_t id;
	uint32_t width, height;
};

struct dmabuf {
	int fd;		/* -1: empty */
	uint64_t size;
};

struct map {
	uint8_t *ptr;	/* NULL: empty */
	size_t len;
	bool ro;	/* PROT_READ only */
	int slot;	/* the DRM fd it maps through, -1: a dma-buf */
	unsigned int gen;
};

struct blob {
	bool used;
	int slot;
	unsigned int gen;
	uint32_t id;
};

struct prop {
	uint32_t id;
	char name[DRM_PROP_NAME_LEN];
	uint32_t flags;
	uint64_t values[16];	/* range: min, max; enum/bitmask: values */
	int count_values;
};

struct kobj {
	uint32_t id;
	uint32_t type;		/* DRM_MODE_OBJECT_*, or PD_OBJECT_COLOROP */
	uint64_t subtype;	/* plane: DRM_PLANE_TYPE_*; connector: its type;
				 * colorop: its TYPE (enum drm_colorop_type) */
	uint32_t crtcs;		/* plane: possible CRTCs; CRTC: its own bit */
	uint32_t plane;		/* colorop: its plane */
	uint32_t pipeline;	/* colorop: its pipeline's COLOR_PIPELINE value */
	uint32_t size;		/* colorop: its LUT's SIZE */
	struct prop props[NPROP];
	int count_props;
};

static struct {
	uint64_t seed;
	unsigned long ops, op;
	bool verbose, kmsg;
	int fail_slab;		/* percent, 0: off */
	unsigned int procs;	/* concurrent processes (streams) */
	bool mark;		/* a kernel log line every 1000 ops */
	unsigned long progress;	/* print progress every N ops, 0: never */
	int worker;		/* this process's stream */
	bool in_fork;		/* a FORK op's child */
	unsigned int nobody;	/* --unprivileged: the last N streams */
	bool unpriv;		/* this stream runs as uid 65534 */
	bool cursor_thread;	/* --cursor-thread */
	char card_path[64], render_path[64], debugfs[96];
	int minor;		/* of the card node */

	struct dfd fds[NFD];
	struct handle handles[NHANDLE];
	struct fb fbs[NFB];
	struct dmabuf dmabufs[NDMABUF];
	struct map maps[NMAP];
	struct blob blobs[NBLOB];
	int fences[NFENCE];	/* sync files; -1: empty */
	int32_t out_fences[4];	/* OUT_FENCE_PTR targets */

	struct kobj kobjs[NKOBJ];
	int count_kobjs;
	uint32_t crtcs[8], planes[16], conns[8];
	int count_crtcs, count_planes, count_conns;
	drmModeModeInfo modes[16];
	int count_modes;
	uint32_t formats[64];
	int count_formats;

	int timeline;		/* sw_sync timeline, -1 if none */
	uint32_t tl_value;	/* its value */
	uint32_t tl_next;	/* the last point created (>= tl_value) */
	int vgem;		/* a vgem card, -1 if none */
	uint32_t vgem_handles[16];	/* our dma-bufs imported there */
	int udmabuf_dev;	/* /dev/udmabuf, -1 if none */
	int heap;		/* /dev/dma_heap/system, -1 if none */
	int crc_data;		/* debugfs crtc-0/crc/data, -1 if closed */

	unsigned long stat_ok[64], stat_err[64];
	uint64_t stat_ns[64];
	unsigned long sigbus, blocked;
} st;

/* ---- watchdog: blocking waits are interrupted, real hangs reported ---- */

static volatile sig_atomic_t ticks;
#define TICK_MS		2000	/* an interruptible wait ends after this */
#define HANG_TICKS	30	/* an operation blocked this long is a hang */

static void on_alarm(int sig)
{
	char msg[160];
	int n;

	(void)sig;
	if (++ticks < HANG_TICKS)
		return;
	n = snprintf(msg, sizeof(msg), "pd-fuzz: FAIL seed %" PRIu64 ": op %lu still "
		     "blocked after %d s\n", st.seed, st.op, HANG_TICKS * TICK_MS / 1000);
	if (write(STDOUT_FILENO, msg, (size_t)n) < 0)
		_exit(3);
	_exit(3);
}

/* Per thread: a fault is taken back only in the thread that touched. */
static __thread sigjmp_buf touch_jmp;
static __thread volatile sig_atomic_t touching;

static void on_fault(int sig)
{
	if (touching)
		siglongjmp(touch_jmp, sig);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void setup_signals(void)
{
	struct sigaction sa;
	struct itimerval it = {
		.it_interval = { TICK_MS / 1000, (TICK_MS % 1000) * 1000 },
		.it_value = { TICK_MS / 1000, (TICK_MS % 1000) * 1000 },
	};

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;	/* no SA_RESTART: waits return EINTR */
	sigaction(SIGALRM, &sa, NULL);
	sa.sa_handler = on_fault;
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGSEGV, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	setitimer(ITIMER_REAL, &it, NULL);
}

/* ---- logging --------------------------------------------------------------- */

static void kmsg(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void kmsg(int level, const char *fmt, ...)
{
	static int fd = -2;
	char buf[256];
	va_list ap;
	int n;

	if (fd == -2)
		fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = snprintf(buf, sizeof(buf), "<%d>", level);
	va_start(ap, fmt);
	n += vsnprintf(buf + n, sizeof(buf) - (size_t)n, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(buf) - 1)
		n = sizeof(buf) - 1;
	if (write(fd, buf, (size_t)n) < 0)
		return;
}

/*
 * Output while the watchdog runs: write(2) retried on EINTR (stdio would
 * drop a line whose write a tick interrupted).  vlog() collects a line.
 */
static void emit(const char *s, size_t len)
{
	while (len) {
		ssize_t n = write(STDOUT_FILENO, s, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		s += n;
		len -= (size_t)n;
	}
}

static void out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void out(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	emit(buf, n < (int)sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

static void vlog(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void vlog(const char *fmt, ...)
{
	static char line[1024];
	static size_t len;
	va_list ap;
	int n;

	if (!st.verbose)
		return;
	va_start(ap, fmt);
	n = vsnprintf(line + len, sizeof(line) - len, fmt, ap);
	va_end(ap);
	if (n > 0)
		len = len + (size_t)n < sizeof(line) ? len + (size_t)n : sizeof(line) - 1;
	if (len && line[len - 1] == '\n') {
		emit(line, len);
		len = 0;
	}
}

/* An ioctl without libdrm's retry loop: EINTR (the watchdog) ends it. */
static int xioctl(int fd, unsigned long req, void *arg)
{
	int ret = ioctl(fd, req, arg);

	return ret < 0 ? -errno : ret;
}

/* ---- the device ------------------------------------------------------------ */

static bool is_driver(int fd, const char *name)
{
	drmVersionPtr v = drmGetVersion(fd);
	bool ok = v && v->name && strcmp(v->name, name) == 0;

	drmFreeVersion(v);
	return ok;
}

/* Path of the first node PREFIX<i> of @driver into @path; false if none. */
static bool find_node(const char *prefix, int first, const char *driver,
		      char *path, size_t len)
{
	int i, fd;

	for (i = first; i < first + 64; i++) {
		snprintf(path, len, "%s%d", prefix, i);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (is_driver(fd, driver)) {
			close(fd);
			return true;
		}
		close(fd);
	}
	return false;
}

/*
 * Plane colour pipelines (uapi of 6.19, newer than bookworm's libdrm): the
 * client cap that shows COLOR_PIPELINE and the colorop objects, their
 * object type and the values of their TYPE property.
 */
#define PD_CLIENT_CAP_PLANE_COLOR_PIPELINE	7
#define PD_OBJECT_COLOROP			0xfafafafa
enum { PD_COLOROP_1D_CURVE, PD_COLOROP_1D_LUT, PD_COLOROP_CTM_3X4, PD_COLOROP_MULTIPLIER,
       PD_COLOROP_3D_LUT };

/*
 * The caps a compositor sets; with @pipeline also the colour pipelines
 * (which hide COLOR_ENCODING and COLOR_RANGE: the card slots differ).
 */
static void setup_caps(int fd, bool pipeline)
{
	drmSetClientCap(fd, DRM_CLIENT_CAP_UNIVERSAL_PLANES, 1);
	drmSetClientCap(fd, DRM_CLIENT_CAP_ATOMIC, 1);
	drmSetClientCap(fd, DRM_CLIENT_CAP_WRITEBACK_CONNECTORS, 1);
	if (pipeline)
		drmSetClientCap(fd, PD_CLIENT_CAP_PLANE_COLOR_PIPELINE, 1);
}

/*
 * The cursor thread (--cursor-thread) uses the card slots' files while
 * the operations run: under this lock it duplicates a slot's descriptor
 * (the same open file, so the same DRM file and master), and a slot is
 * closed or reopened only under it, so the thread never reaches a
 * descriptor number that has since been given to something else.  Its
 * ioctls run on the duplicate, outside the lock: a blocking one (SETPLANE
 * waits for the previous commit) never holds the operations up.
 */
static pthread_mutex_t slot_lock = PTHREAD_MUTEX_INITIALIZER;
static bool slot_locking;	/* the cursor thread runs */

static void slot_write_lock(void)
{
	if (slot_locking)
		pthread_mutex_lock(&slot_lock);
}

static void slot_write_unlock(void)
{
	if (slot_locking)
		pthread_mutex_unlock(&slot_lock);
}

static void slot_open(int s)
{
	struct dfd *d = &st.fds[s];

	slot_write_lock();
	d->card = s < 2;
	d->fd = open(d->card ? st.card_path : st.render_path,
		     O_RDWR | O_CLOEXEC | O_NONBLOCK);
	d->gen++;
	slot_write_unlock();
	if (d->fd >= 0 && d->card)
		setup_caps(d->fd, s == 0);
}

static void slot_close(int s)
{
	slot_write_lock();
	if (st.fds[s].fd >= 0)
		close(st.fds[s].fd);
	st.fds[s].fd = -1;
	slot_write_unlock();
}

static bool valid_for(int slot, unsigned int gen, int s)
{
	return slot == s && st.fds[s].fd >= 0 && st.fds[s].gen == gen;
}

static const struct prop *find_prop(const struct kobj *o, const char *name);

/*
 * Add the properties @props of object @o (only @only, if given) to its
 * list; the value of "type" (planes), "TYPE" and "SIZE" (colorops) is kept.
 */
static void read_props(int fd, struct kobj *o, drmModeObjectPropertiesPtr props,
		       const char *only)
{
	for (int j = 0; props && j < (int)props->count_props && o->count_props < NPROP; j++) {
		drmModePropertyPtr p = drmModeGetProperty(fd, props->props[j]);
		struct prop *q;

		if (p && only && strcmp(p->name, only)) {
			drmModeFreeProperty(p);
			continue;
		}
		q = &o->props[o->count_props++];
		q->id = props->props[j];
		if (!p)
			continue;
		snprintf(q->name, sizeof(q->name), "%s", p->name);
		if (!strcmp(p->name, "type") && o->type == DRM_MODE_OBJECT_PLANE)
			o->subtype = props->prop_values[j];
		if (!strcmp(p->name, "TYPE") && o->type == PD_OBJECT_COLOROP)
			o->subtype = props->prop_values[j];
		if (!strcmp(p->name, "SIZE") && o->type == PD_OBJECT_COLOROP)
			o->size = (uint32_t)props->prop_values[j];
		q->flags = p->flags;
		if (p->flags & (DRM_MODE_PROP_ENUM | DRM_MODE_PROP_BITMASK)) {
			for (int k = 0; k < p->count_enums && k < 16; k++)
				q->values[q->count_values++] = p->enums[k].value;
		} else {
			for (int k = 0; k < p->count_values && k < 16; k++)
				q->values[q->count_values++] = p->values[k];
		}
		drmModeFreeProperty(p);
	}
}

/*
 * On kernels with plane colour pipelines: each plane's COLOR_PIPELINE, and
 * the colorops of its pipelines as objects of their own (a fd with the
 * client cap sees them).
 */
static void read_pipelines(void)
{
	int fd = open(st.card_path, O_RDWR | O_CLOEXEC), nplanes = st.count_kobjs;

	if (fd < 0)
		return;
	setup_caps(fd, true);
	for (int i = 0; i < nplanes; i++) {
		struct kobj *pl = &st.kobjs[i];
		drmModeObjectPropertiesPtr props;
		const struct prop *cp;

		if (pl->type != DRM_MODE_OBJECT_PLANE)
			continue;
		props = drmModeObjectGetProperties(fd, pl->id, pl->type);
		read_props(fd, pl, props, "COLOR_PIPELINE");
		drmModeFreeObjectProperties(props);
		cp = find_prop(pl, "COLOR_PIPELINE");
		for (int v = 0; cp && v < cp->count_values; v++) {
			uint32_t op = (uint32_t)cp->values[v];

			while (op && st.count_kobjs < NKOBJ) {
				struct kobj *o = &st.kobjs[st.count_kobjs++];
				const struct prop *next;
				drmModeObjectPropertiesPtr ops =
					drmModeObjectGetProperties(fd, op, PD_OBJECT_COLOROP);

				*o = (struct kobj){ .id = op, .type = PD_OBJECT_COLOROP,
						    .plane = pl->id, .crtcs = pl->crtcs,
						    .pipeline = (uint32_t)cp->values[v] };
				read_props(fd, o, ops, NULL);
				next = find_prop(o, "NEXT");
				op = 0;
				for (uint32_t k = 0; next && ops && k < ops->count_props; k++)
					if (ops->props[k] == next->id)
						op = (uint32_t)ops->prop_values[k];
				drmModeFreeObjectProperties(ops);
			}
		}
	}
	close(fd);
}

/* Read the KMS objects, their properties, modes and formats once. */
static void read_kms(int fd)
{
	drmModeResPtr res = drmModeGetResources(fd);
	drmModePlaneResPtr pres = drmModeGetPlaneResources(fd);
	int i, j;

	if (!res || !pres) {
		fprintf(stderr, "pd-fuzz: cannot read the KMS resources\n");
		exit(2);
	}
	for (i = 0; i < res->count_crtcs && st.count_crtcs < 8; i++)
		st.crtcs[st.count_crtcs++] = res->crtcs[i];
	for (i = 0; i < res->count_connectors && st.count_conns < 8; i++) {
		drmModeConnectorPtr c = drmModeGetConnector(fd, res->connectors[i]);

		st.conns[st.count_conns++] = res->connectors[i];
		for (j = 0; c && j < c->count_modes && st.count_modes < 16; j++) {
			/* Kept sorted by size, smallest first: see pick_mode(). */
			int k = st.count_modes++;

			while (k && (uint32_t)st.modes[k - 1].hdisplay * st.modes[k - 1].vdisplay >
			       (uint32_t)c->modes[j].hdisplay * c->modes[j].vdisplay) {
				st.modes[k] = st.modes[k - 1];
				k--;
			}
			st.modes[k] = c->modes[j];
		}
		drmModeFreeConnector(c);
	}
	for (i = 0; i < (int)pres->count_planes && st.count_planes < 16; i++) {
		drmModePlanePtr p = drmModeGetPlane(fd, pres->planes[i]);

		st.planes[st.count_planes++] = pres->planes[i];
		for (j = 0; p && j < (int)p->count_formats; j++) {
			int k;

			for (k = 0; k < st.count_formats; k++)
				if (st.formats[k] == p->formats[j])
					break;
			if (k == st.count_formats && st.count_formats < 64)
				st.formats[st.count_formats++] = p->formats[j];
		}
		drmModeFreePlane(p);
	}

	/* Objects with their properties, in the kernel's (stable) order. */
	struct { uint32_t *ids; int n; uint32_t type; } lists[] = {
		{ st.planes, st.count_planes, DRM_MODE_OBJECT_PLANE },
		{ st.crtcs, st.count_crtcs, DRM_MODE_OBJECT_CRTC },
		{ st.conns, st.count_conns, DRM_MODE_OBJECT_CONNECTOR },
	};
	for (unsigned int l = 0; l < 3; l++) {
		for (i = 0; i < lists[l].n && st.count_kobjs < NKOBJ; i++) {
			struct kobj *o = &st.kobjs[st.count_kobjs++];
			drmModeObjectPropertiesPtr props =
				drmModeObjectGetProperties(fd, lists[l].ids[i], lists[l].type);

			o->id = lists[l].ids[i];
			o->type = lists[l].type;
			if (o->type == DRM_MODE_OBJECT_CRTC)
				o->crtcs = 1u << i;
			if (o->type == DRM_MODE_OBJECT_PLANE) {
				drmModePlanePtr pl = drmModeGetPlane(fd, o->id);

				o->crtcs = pl ? pl->possible_crtcs : 0;
				drmModeFreePlane(pl);
			}
			if (o->type == DRM_MODE_OBJECT_CONNECTOR) {
				drmModeConnectorPtr c = drmModeGetConnector(fd, o->id);

				o->subtype = c ? c->connector_type : 0;
				drmModeFreeConnector(c);
			}
			read_props(fd, o, props, NULL);
			drmModeFreeObjectProperties(props);
		}
	}
	drmModeFreeResources(res);
	drmModeFreePlaneResources(pres);
	read_pipelines();
}

static long read_objects(void)
{
	char path[160], buf[32];
	long n = -1;
	int fd;

	snprintf(path, sizeof(path), "%s/primedisp_objects", st.debugfs);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t len = read(fd, buf, sizeof(buf) - 1);

	if (len > 0) {
		buf[len] = 0;
		n = strtol(buf, NULL, 10);
	}
	close(fd);
	return n;
}

/* ---- picking things ------------------------------------------------------- */

/* A file descriptor slot; @card: card nodes only. */
static int pick_slot(struct rng *r, bool card)
{
	return card ? (int)below(r, 2) : (int)below(r, NFD);
}

/* A GEM handle for slot @s: mostly one of its own, sometimes anything. */
static uint32_t pick_handle(struct rng *r, int s, struct handle **out)
{
	int i = (int)below(r, NHANDLE), k;

	*out = NULL;
	if (chance(r, 8))
		return (uint32_t)nasty(r);
	for (k = 0; k < NHANDLE; k++) {
		struct handle *h = &st.handles[(i + k) % NHANDLE];

		if (h->used && (valid_for(h->slot, h->gen, s) || chance(r, 5))) {
			*out = h;
			return h->handle;
		}
	}
	return (uint32_t)below(r, 64);
}

static struct handle *new_handle(int s, uint32_t handle, uint64_t size,
				 uint32_t w, uint32_t h, uint32_t pitch, struct rng *r)
{
	int i = (int)below(r, NHANDLE), k;
	struct handle *e = NULL;

	for (k = 0; k < NHANDLE; k++) {
		if (!st.handles[(i + k) % NHANDLE].used) {
			e = &st.handles[(i + k) % NHANDLE];
			break;
		}
	}
	if (!e)	/* full: forget one (its handle stays open on the fd) */
		e = &st.handles[i];
	*e = (struct handle){ .used = true, .slot = s, .gen = st.fds[s].gen,
			      .handle = handle, .size = size, .width = w, .height = h,
			      .pitch = pitch };
	return e;
}

static uint32_t pick_fb(struct rng *r, int s)
{
	int i = (int)below(r, NFB), k;

	if (chance(r, 10))
		return chance(r, 50) ? 0 : (uint32_t)nasty(r);
	for (k = 0; k < NFB; k++) {
		struct fb *f = &st.fbs[(i + k) % NFB];

		if (f->used && (valid_for(f->slot, f->gen, s) || chance(r, 10)))
			return f->id;
	}
	return 0;
}

static uint32_t pick_blob(struct rng *r, int s)
{
	int i = (int)below(r, NBLOB), k;

	if (chance(r, 10))
		return chance(r, 50) ? 0 : (uint32_t)nasty(r);
	for (k = 0; k < NBLOB; k++) {
		struct blob *b = &st.blobs[(i + k) % NBLOB];

		if (b->used && (valid_for(b->slot, b->gen, s) || chance(r, 10)))
			return b->id;
	}
	return 0;
}

static int pick_dmabuf(struct rng *r)
{
	int i = (int)below(r, NDMABUF), k;

	for (k = 0; k < NDMABUF; k++)
		if (st.dmabufs[(i + k) % NDMABUF].fd >= 0)
			return (i + k) % NDMABUF;
	return -1;
}

static void put_dmabuf(struct rng *r, int fd, uint64_t size)
{
	int i = (int)below(r, NDMABUF);

	if (st.dmabufs[i].fd >= 0)
		close(st.dmabufs[i].fd);
	st.dmabufs[i].fd = fd;
	st.dmabufs[i].size = size;
}

/*
 * Whether dma-buf @fd was exported by @name (its exp_name in
 * /proc/self/fdinfo: "udmabuf", "system" for the system heap, ...).
 */
static bool dmabuf_exported_by(int fd, const char *name)
{
	char path[64], line[128];
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "re");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		char exp[64];

		found = sscanf(line, "exp_name: %63s", exp) == 1 && !strcmp(exp, name);
	}
	fclose(f);
	return found;
}

static void put_fence(struct rng *r, int fd)
{
	int i = (int)below(r, NFENCE);

	if (st.fences[i] >= 0)
		close(st.fences[i]);
	st.fences[i] = fd;
}

static int pick_fence(struct rng *r)
{
	int i = (int)below(r, NFENCE);

	if (chance(r, 10))
		return (int)nasty(r);
	return st.fences[i] >= 0 ? st.fences[i] : -1;
}

/* A plausible buffer size: mostly small, sometimes a mode, rarely absurd. */
/*
 * A mode, mostly one of the two smallest: under the debug kernel the cost
 * of an operation grows with the buffers it touches (pages allocated,
 * poisoned, mapped; frames composed for CRCs), and the paths are the same
 * for a small mode as for a large one.
 */
static drmModeModeInfo *pick_mode(struct rng *r)
{
	uint32_t n = (uint32_t)st.count_modes;

	return &st.modes[below(r, chance(r, 85) && n > 2 ? 2 : n)];
}

/* Buffer sizes: mostly small, some of a mode's size, a few large or absurd. */
static void pick_dims(struct rng *r, uint32_t *w, uint32_t *h)
{
	unsigned int c = below(r, 100);

	if (c < 75) {
		*w = 1 + below(r, 256);
		*h = 1 + below(r, 256);
	} else if (c < 95 && st.count_modes) {
		drmModeModeInfo *m = pick_mode(r);

		*w = m->hdisplay;
		*h = m->vdisplay;
	} else if (c < 98) {
		*w = 1 + below(r, 4096);
		*h = 1 + below(r, 2160);
	} else {
		*w = (uint32_t)nasty(r);
		*h = (uint32_t)nasty(r);
	}
}

static uint32_t pick_format(struct rng *r)
{
	if (st.count_formats && !chance(r, 5))
		return st.formats[below(r, (uint32_t)st.count_formats)];
	return chance(r, 50) ? (uint32_t)nasty(r) : DRM_FORMAT_XRGB8888;
}

/* ---- mappings --------------------------------------------------------------- */

/* Write (unless @ro) and read a few bytes of a mapping; false on a fault. */
static bool touch(struct rng *r, uint8_t *p, size_t len, bool ro)
{
	volatile uint8_t *v = p;
	int sig;

	if (!len)
		return true;
	touching = 1;
	sig = sigsetjmp(touch_jmp, 1);
	if (sig) {
		touching = 0;
		out("pd-fuzz: FAIL seed %" PRIu64 " op %lu: %s touching a %zu-byte mapping\n",
		    st.seed, st.op, strsignal(sig), len);
		st.sigbus++;
		return false;
	}
	for (int i = 0; i < 4; i++) {
		size_t off = below(r, (uint32_t)(len > 0xffffffffu ? 0xffffffffu : len));
		uint8_t b = (uint8_t)rnd(r);

		if (!ro)
			v[off] = b;
		(void)v[off];
	}
	if (!ro)
		v[0] = v[len - 1];
	touching = 0;
	return true;
}

static void add_map(struct rng *r, void *p, size_t len, bool ro, int slot)
{
	int i = (int)below(r, NMAP);

	if (st.maps[i].ptr)
		munmap(st.maps[i].ptr, st.maps[i].len);
	st.maps[i] = (struct map){ p, len, ro, slot, slot >= 0 ? st.fds[slot].gen : 0 };
}

/* Closing a node: its mappings mostly go too, as when a client exits.  One
 * left behind keeps the file (and DRM master, if it was) alive. */
static void unmap_slot(struct rng *r, int s)
{
	for (int i = 0; i < NMAP; i++) {
		struct map *m = &st.maps[i];

		if (m->ptr && valid_for(m->slot, m->gen, s) && chance(r, 90)) {
			munmap(m->ptr, m->len);
			m->ptr = NULL;
		}
	}
}

/* mmap @fd (slot @slot, or -1 for a dma-buf) at @offset; a failure is an
 * answer, not an error. */
static int map_and_touch(struct rng *r, int fd, int slot, uint64_t offset, uint64_t size)
{
	size_t len = (size_t)size;
	int prot = PROT_READ | PROT_WRITE;
	void *p;

	if (chance(r, 10))
		len = (size_t)(chance(r, 50) ? size + 4096 : nasty(r) & 0xfffffff);
	if (chance(r, 10))
		offset += chance(r, 50) ? 4096 : nasty(r);
	if (chance(r, 10))
		prot = PROT_READ;
	p = mmap(NULL, len, prot, MAP_SHARED, fd, (off_t)offset);
	if (p == MAP_FAILED)
		return -errno;
	/* Only what the object has: a longer mapping may fault beyond it. */
	touch(r, p, len < size ? len : (size_t)size, !(prot & PROT_WRITE));
	if (chance(r, 50))
		add_map(r, p, len, !(prot & PROT_WRITE), slot);
	else
		munmap(p, len);
	return 0;
}

/* ---- operations ----------------------------------------------------------- */

enum op {
	OP_REOPEN, OP_CLOSE_FD, OP_MASTER, OP_CAPS,
	OP_DUMB_CREATE, OP_GEM_CREATE, OP_GEM_INFO, OP_MAP_HANDLE, OP_UNMAP,
	OP_TOUCH, OP_GEM_CLOSE, OP_EXPORT, OP_IMPORT, OP_DMABUF_MMAP,
	OP_DMABUF_SYNC, OP_DMABUF_FENCES, OP_DMABUF_CLOSE, OP_FOREIGN,
	OP_ADDFB, OP_RMFB, OP_GETFB, OP_BLOB, OP_ATOMIC, OP_LEGACY,
	OP_VBLANK, OP_EVENTS, OP_CRC, OP_SW_FENCE, OP_FORK, OP_HOTPLUG,
	OP_COUNT
};

static const struct {
	const char *name;
	unsigned int weight;
} ops[OP_COUNT] = {
	[OP_REOPEN] = { "REOPEN", 2 },
	[OP_CLOSE_FD] = { "CLOSE_FD", 1 },
	[OP_MASTER] = { "MASTER", 1 },
	[OP_CAPS] = { "CAPS", 1 },
	[OP_DUMB_CREATE] = { "DUMB_CREATE", 6 },
	[OP_GEM_CREATE] = { "GEM_CREATE", 6 },
	[OP_GEM_INFO] = { "GEM_INFO", 3 },
	[OP_MAP_HANDLE] = { "MAP_HANDLE", 5 },
	[OP_UNMAP] = { "UNMAP", 3 },
	[OP_TOUCH] = { "TOUCH", 2 },
	[OP_GEM_CLOSE] = { "GEM_CLOSE", 4 },
	[OP_EXPORT] = { "EXPORT", 5 },
	[OP_IMPORT] = { "IMPORT", 5 },
	[OP_DMABUF_MMAP] = { "DMABUF_MMAP", 3 },
	[OP_DMABUF_SYNC] = { "DMABUF_SYNC", 3 },
	[OP_DMABUF_FENCES] = { "DMABUF_FENCES", 2 },
	[OP_DMABUF_CLOSE] = { "DMABUF_CLOSE", 3 },
	[OP_FOREIGN] = { "FOREIGN", 3 },
	[OP_ADDFB] = { "ADDFB2", 8 },
	[OP_RMFB] = { "RMFB", 3 },
	[OP_GETFB] = { "GETFB2", 2 },
	[OP_BLOB] = { "BLOB", 4 },
	[OP_ATOMIC] = { "ATOMIC", 14 },
	[OP_LEGACY] = { "LEGACY", 4 },
	[OP_VBLANK] = { "VBLANK", 2 },
	[OP_EVENTS] = { "EVENTS", 3 },
	[OP_CRC] = { "CRC", 2 },
	[OP_SW_FENCE] = { "SW_FENCE", 2 },
	[OP_FORK] = { "FORK", 1 },
	[OP_HOTPLUG] = { "HOTPLUG", 1 },
};

static int op_reopen(struct rng *r)
{
	int s = (int)below(r, NFD);

	unmap_slot(r, s);
	slot_close(s);
	slot_open(s);
	vlog(" slot %d fd %d", s, st.fds[s].fd);
	return st.fds[s].fd < 0 ? -ENODEV : 0;
}

static int op_close_fd(struct rng *r)
{
	int s = (int)below(r, NFD);

	vlog(" slot %d", s);
	unmap_slot(r, s);
	slot_close(s);
	return 0;
}

static int op_master(struct rng *r)
{
	int s = pick_slot(r, true);

	if (st.fds[s].fd < 0)
		return -EBADF;
	vlog(" slot %d", s);
	return xioctl(st.fds[s].fd, chance(r, 60) ? DRM_IOCTL_SET_MASTER :
		      DRM_IOCTL_DROP_MASTER, NULL);
}

static int op_caps(struct rng *r)
{
	struct drm_set_client_cap cap = {
		.capability = chance(r, 80) ? 1 + below(r, 6) : nasty(r),
		.value = chance(r, 80) ? below(r, 2) : nasty(r),
	};
	int s = pick_slot(r, false);

	if (st.fds[s].fd < 0)
		return -EBADF;
	vlog(" slot %d cap %llu=%llu", s, (unsigned long long)cap.capability,
	     (unsigned long long)cap.value);
	return xioctl(st.fds[s].fd, DRM_IOCTL_SET_CLIENT_CAP, &cap);
}

static int op_dumb_create(struct rng *r)
{
	static const uint32_t bpps[] = { 32, 16, 8, 24, 1, 0, 12, 64, 33 };
	struct drm_mode_create_dumb c = { 0 };
	int s = pick_slot(r, chance(r, 80)), ret;

	pick_dims(r, &c.width, &c.height);
	c.bpp = chance(r, 80) ? 32 : bpps[below(r, 9)];
	if (chance(r, 5))
		c.flags = (uint32_t)nasty(r);
	if (st.fds[s].fd < 0)
		return -EBADF;
	vlog(" slot %d %ux%u bpp %u flags %#x", s, c.width, c.height, c.bpp, c.flags);
	ret = xioctl(st.fds[s].fd, DRM_IOCTL_MODE_CREATE_DUMB, &c);
	if (!ret)
		new_handle(s, c.handle, c.size, c.width, c.height, c.pitch, r);
	return ret;
}

static int op_gem_create(struct rng *r)
{
	struct drm_primedisp_gem_create c = { 0 };
	int s = pick_slot(r, false), ret;

	if (chance(r, 40)) {
		c.size = chance(r, 80) ? 1 + below(r, 8 << 20) : nasty(r);
	} else {
		pick_dims(r, &c.width, &c.height);
		c.format = pick_format(r);
		if (chance(r, 5))
			c.size = nasty(r);
	}
	c.flags = chance(r, 90) ? below(r, 4) : (uint32_t)nasty(r);
	if (chance(r, 5))
		c.handle = (uint32_t)nasty(r);
	if (chance(r, 5))
		c.pitches[below(r, 4)] = (uint32_t)nasty(r);
	if (st.fds[s].fd < 0)
		return -EBADF;
	vlog(" slot %d size %llu %ux%u fmt %#x flags %#x", s, (unsigned long long)c.size,
	     c.width, c.height, c.format, c.flags);
	ret = xioctl(st.fds[s].fd, DRM_IOCTL_PRIMEDISP_GEM_CREATE, &c);
	if (!ret) {
		struct handle *h = new_handle(s, c.handle, c.size, c.width, c.height,
					      c.pitches[0], r);

		h->format = c.format;
		h->num_planes = c.num_planes < 4 ? c.num_planes : 4;
		memcpy(h->pitches, c.pitches, sizeof(h->pitches));
		memcpy(h->offsets, c.offsets, sizeof(h->offsets));
	}
	return ret;
}

static int op_gem_info(struct rng *r)
{
	struct drm_primedisp_gem_info i = { 0 };
	struct handle *h;
	int s = pick_slot(r, false);

	i.handle = pick_handle(r, s, &h);
	if (chance(r, 5))
		i.flags = (uint32_t)nasty(r);
	if (st.fds[s].fd < 0)
		return -EBADF;
	vlog(" slot %d handle %u", s, i.handle);
	return xioctl(st.fds[s].fd, DRM_IOCTL_PRIMEDISP_GEM_INFO, &i);
}

static int op_map_handle(struct rng *r)
{
	struct handle *h;
	int s = pick_slot(r, chance(r, 60)), ret;
	uint32_t handle = pick_handle(r, s, &h);
	uint64_t offset, size = h ? h->size : 4096;

	if (st.fds[s].fd < 0)
		return -EBADF;
	vlog(" slot %d handle %u", s, handle);
	if (chance(r, 50)) {
		struct drm_mode_map_dumb m = { .handle = handle };

		if (chance(r, 5))
			m.pad = (uint32_t)nasty(r);
		ret = xioctl(st.fds[s].fd, DRM_IOCTL_MODE_MAP_DUMB, &m);
		offset = m.offset;
	} else {
		struct drm_primedisp_gem_mmap_offset m = { .handle = handle };

		if (chance(r, 5))
			m.flags = (uint32_t)nasty(r);
		ret = xioctl(st.fds[s].fd, DRM_IOCTL_PRIMEDISP_GEM_MMAP_OFFSET, &m);
		offset = m.offset;
	}
	if (ret)
		return ret;
	/* Through this fd or, sometimes, another one (which must refuse). */
	int ms = chance(r, 90) ? s : pick_slot(r, false);

	return st.fds[ms].fd < 0 ? -EBADF : map_and_touch(r, st.fds[ms].fd, ms, offset, size);
}

static int op_unmap(struct rng *r)
{
	int i = (int)below(r, NMAP);

	if (!st.maps[i].ptr)
		return -ENOENT;
	if (chance(r, 30))
		touch(r, st.maps[i].ptr, st.maps[i].len, st.maps[i].ro);
	munmap(st.maps[i].ptr, st.maps[i].len);
	st.maps[i].ptr = NULL;
	return 0;
}

static int op_touch(struct rng *r)
{
	int i = (int)below(r, NMAP);

	if (!st.maps[i].ptr)
		return -ENOENT;
	return touch(r, st.maps[i].ptr, st.maps[i].len, st.maps[i].ro) ? 0 : -EFAULT;
}

static int op_gem_close(struct rng *r)
{
	struct drm_gem_close c = { 0 };
	struct handle *h;
	int s = pick_slot(r, false), ret;

	c.handle = pick_handle(r, s, &h);
	if (st.fds[s].fd < 0)
		return -EBADF;
	vlog(" slot %d handle %u", s, c.handle);
	ret = xioctl(st.fds[s].fd, chance(r, 80) ? DRM_IOCTL_GEM_CLOSE :
		     DRM_IOCTL_MODE_DESTROY_DUMB, &c);
	if (!ret && h && valid_for(h->slot, h->gen, s))
		h->used = false;
	return ret;
}

static int op_export(struct rng *r)
{
	static const uint32_t fl[] = { DRM_CLOEXEC | DRM_RDWR, DRM_CLOEXEC, DRM_RDWR, 0 };
	struct drm_prime_handle p = { 0 };
	struct handle *h;
	int s = pick_slot(r, false), ret;

	p.handle = pick_handle(r, s, &h);
	p.flags = chance(r, 95) ? fl[below(r, 4)] : (uint32_t)nasty(r);
	if (chance(r, 3))
		p.fd = (int32_t)nasty(r);
	if (st.fds[s].fd < 0)
		return -EBADF;
	vlog(" slot %d handle %u flags %#x", s, p.handle, p.flags);
	ret = xioctl(st.fds[s].fd, DRM_IOCTL_PRIME_HANDLE_TO_FD, &p);
	if (!ret)
		put_dmabuf(r, p.fd, h ? h->size : 4096);
	return ret;
}

static int op_import(struct rng *r)
{
	struct drm_prime_handle p = { 0 };
	int s = pick_slot(r, false), i = pick_dmabuf(r), ret;

	p.fd = i >= 0 ? st.dmabufs[i].fd : -1;
	if (chance(r, 5))	/* not a dma-buf, or not a file at all */
		p.fd = chance(r, 50) ? st.fds[pick_slot(r, false)].fd : (int32_t)nasty(r);
	if (chance(r, 3))
		p.flags = (uint32_t)nasty(r);
	if (chance(r, 25)) {
		/* Into vgem: another device attaches to and maps the buffer
		 * (primedisp's dma-buf attach/map, DMA-API debugging). */
		struct drm_gem_close c = { 0 };
		int k = (int)below(r, 16);

		if (st.vgem < 0)
			return -ENODEV;
		/*
		 * The system heap maps its 1 MiB chunks for vgem, whose device
		 * takes 64 KiB segments: the DMA-API debugger reports it, a
		 * heap and vgem matter that primedisp has no part in.  Heap
		 * buffers go into primedisp (below) and its exports into vgem.
		 */
		if (i >= 0 && p.fd == st.dmabufs[i].fd && dmabuf_exported_by(p.fd, "system"))
			return -EOPNOTSUPP;
		vlog(" into vgem dmabuf fd %d", p.fd);
		ret = xioctl(st.vgem, DRM_IOCTL_PRIME_FD_TO_HANDLE, &p);
		if (ret)
			return ret;
		/* Held for a while: dropped when its slot is reused. */
		if (st.vgem_handles[k]) {
			c.handle = st.vgem_handles[k];
			xioctl(st.vgem, DRM_IOCTL_GEM_CLOSE, &c);
		}
		st.vgem_handles[k] = p.handle;
		return 0;
	}
	if (st.fds[s].fd < 0)
		return -EBADF;
	vlog(" slot %d dmabuf fd %d", s, p.fd);
	ret = xioctl(st.fds[s].fd, DRM_IOCTL_PRIME_FD_TO_HANDLE, &p);
	if (!ret) {
		uint64_t size = i >= 0 ? st.dmabufs[i].size : 4096;

		new_handle(s, p.handle, size, 0, 0, 0, r);
	}
	return ret;
}

static int op_dmabuf_mmap(struct rng *r)
{
	int i = pick_dmabuf(r);

	if (i < 0)
		return -ENOENT;
	vlog(" dmabuf fd %d", st.dmabufs[i].fd);
	return map_and_touch(r, st.dmabufs[i].fd, -1, 0, st.dmabufs[i].size);
}

static int op_dmabuf_sync(struct rng *r)
{
	static const uint64_t fl[] = {
		DMA_BUF_SYNC_START | DMA_BUF_SYNC_RW, DMA_BUF_SYNC_END | DMA_BUF_SYNC_RW,
		DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ, DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ,
		DMA_BUF_SYNC_START | DMA_BUF_SYNC_WRITE, DMA_BUF_SYNC_END | DMA_BUF_SYNC_WRITE,
	};
	struct dma_buf_sync sync;
	int i = pick_dmabuf(r);

	sync.flags = chance(r, 90) ? fl[below(r, 6)] : nasty(r);
	if (i < 0)
		return -ENOENT;
	/*
	 * udmabuf (6.12) maps its pages once, with the direction of the first
	 * CPU access, and syncs every later access on that mapping, whatever
	 * its direction: the DMA-API debugger reports each other direction as
	 * udmabuf's error.  primedisp's own accesses are all bidirectional,
	 * so read-write is the one direction that exercises udmabuf here
	 * without tripping over that.
	 */
	if (dmabuf_exported_by(st.dmabufs[i].fd, "udmabuf"))
		sync.flags = (sync.flags & DMA_BUF_SYNC_END) | DMA_BUF_SYNC_RW;
	vlog(" dmabuf fd %d flags %#llx", st.dmabufs[i].fd, (unsigned long long)sync.flags);
	return xioctl(st.dmabufs[i].fd, DMA_BUF_IOCTL_SYNC, &sync);
}

static int op_dmabuf_fences(struct rng *r)
{
	int i = pick_dmabuf(r), ret;

	if (i < 0)
		return -ENOENT;
	switch (below(r, 4)) {
	case 0: {
		struct dma_buf_export_sync_file e = {
			.flags = chance(r, 90) ? 1 + below(r, 3) : (uint32_t)nasty(r),
			.fd = -1,
		};

		vlog(" export sync file flags %#x", e.flags);
		ret = xioctl(st.dmabufs[i].fd, DMA_BUF_IOCTL_EXPORT_SYNC_FILE, &e);
		if (!ret)
			put_fence(r, e.fd);
		return ret;
	}
	case 1: {
		struct dma_buf_import_sync_file m = {
			.flags = chance(r, 90) ? 1 + below(r, 3) : (uint32_t)nasty(r),
			.fd = pick_fence(r),
		};

		vlog(" import sync file %d flags %#x", m.fd, m.flags);
		return xioctl(st.dmabufs[i].fd, DMA_BUF_IOCTL_IMPORT_SYNC_FILE, &m);
	}
	case 2: {
		char name[40];

		snprintf(name, sizeof(name), "pd-fuzz-%lu", st.op);
		vlog(" set name");
		return xioctl(st.dmabufs[i].fd, DMA_BUF_SET_NAME_B, name);
	}
	default: {
		int fd = dup(st.dmabufs[i].fd);

		vlog(" dup");
		if (fd < 0)
			return -errno;
		put_dmabuf(r, fd, st.dmabufs[i].size);
		return 0;
	}
	}
}

static int op_dmabuf_close(struct rng *r)
{
	int i = pick_dmabuf(r);

	if (i < 0)
		return -ENOENT;
	vlog(" dmabuf fd %d", st.dmabufs[i].fd);
	close(st.dmabufs[i].fd);
	st.dmabufs[i].fd = -1;
	return 0;
}

/* A dma-buf from another exporter: udmabuf, the system heap or vgem. */
static int op_foreign(struct rng *r)
{
	uint32_t w, h;
	uint64_t size;
	int ret;

	pick_dims(r, &w, &h);
	size = (uint64_t)(w & 0xfff) * (h & 0xfff) * 4;
	size = (size + 4095) & ~4095ull;
	if (!size || size > (64u << 20))
		size = 4096;
	switch (below(r, 3)) {
	case 0: {
		struct udmabuf_create c = { .flags = UDMABUF_FLAGS_CLOEXEC, .size = size };
		int mfd;

		if (st.udmabuf_dev < 0)
			return -ENODEV;
		mfd = memfd_create("pd-fuzz", MFD_ALLOW_SEALING);
		if (mfd < 0)
			return -errno;
		if (ftruncate(mfd, (off_t)size) || fcntl(mfd, F_ADD_SEALS, F_SEAL_SHRINK)) {
			close(mfd);
			return -errno;
		}
		c.memfd = (uint32_t)mfd;
		if (chance(r, 5))
			c.offset = nasty(r);
		vlog(" udmabuf %llu", (unsigned long long)size);
		ret = ioctl(st.udmabuf_dev, UDMABUF_CREATE, &c);
		close(mfd);
		if (ret < 0)
			return -errno;
		put_dmabuf(r, ret, size);
		return 0;
	}
	case 1: {
		struct dma_heap_allocation_data a = {
			.len = size, .fd_flags = O_RDWR | O_CLOEXEC,
		};

		if (st.heap < 0)
			return -ENODEV;
		vlog(" heap %llu", (unsigned long long)size);
		ret = xioctl(st.heap, DMA_HEAP_IOCTL_ALLOC, &a);
		if (!ret)
			put_dmabuf(r, (int)a.fd, size);
		return ret;
	}
	default: {
		struct drm_mode_create_dumb c = { .width = w & 0xfff, .height = h & 0xfff, .bpp = 32 };
		struct drm_prime_handle p = { .flags = DRM_CLOEXEC | DRM_RDWR };
		struct drm_gem_close gc = { 0 };

		if (st.vgem < 0)
			return -ENODEV;
		vlog(" vgem %ux%u", c.width, c.height);
		ret = xioctl(st.vgem, DRM_IOCTL_MODE_CREATE_DUMB, &c);
		if (ret)
			return ret;
		p.handle = c.handle;
		ret = xioctl(st.vgem, DRM_IOCTL_PRIME_HANDLE_TO_FD, &p);
		gc.handle = c.handle;
		xioctl(st.vgem, DRM_IOCTL_GEM_CLOSE, &gc);
		if (!ret)
			put_dmabuf(r, p.fd, c.size);
		return ret;
	}
	}
}

static int op_addfb(struct rng *r)
{
	struct drm_mode_fb_cmd2 f = { 0 };
	struct handle *h;
	int s = pick_slot(r, chance(r, 90)), ret, np, i;

	f.pixel_format = pick_format(r);
	f.handles[0] = pick_handle(r, s, &h);
	if (h && h->format && h->num_planes && chance(r, 70)) {
		/* GEM_CREATE's layout, as it is meant to be used */
		f.pixel_format = h->format;
		f.width = h->width;
		f.height = h->height;
		for (i = 0; i < (int)h->num_planes; i++) {
			f.handles[i] = h->handle;
			f.pitches[i] = h->pitches[i];
			f.offsets[i] = h->offsets[i];
		}
		if (chance(r, 10))
			f.offsets[below(r, h->num_planes)] += 64;
		goto add;
	}
	if (h && h->width && chance(r, 70)) {
		/* a dumb buffer: 32 bpp formats fit it */
		static const uint32_t fmt32[] = {
			DRM_FORMAT_XRGB8888, DRM_FORMAT_ARGB8888, DRM_FORMAT_XBGR8888,
			DRM_FORMAT_ABGR8888, DRM_FORMAT_RGBX8888, DRM_FORMAT_BGRA8888,
		};

		if (chance(r, 70))
			f.pixel_format = fmt32[below(r, 6)];
		f.width = h->width;
		f.height = h->height;
		f.pitches[0] = h->pitch;
	} else {
		pick_dims(r, &f.width, &f.height);
		f.pitches[0] = chance(r, 70) ? f.width * 4 : (uint32_t)nasty(r);
	}
	if (chance(r, 20)) {
		f.width = 1 + below(r, f.width ? f.width : 1);
		f.height = 1 + below(r, f.height ? f.height : 1);
	}
	/* Multi-planar formats: more planes, same or other handles. */
	np = chance(r, 80) ? 1 : 1 + (int)below(r, 4);
	for (i = 1; i < np; i++) {
		struct handle *h2;

		f.handles[i] = chance(r, 70) ? f.handles[0] : pick_handle(r, s, &h2);
		f.pitches[i] = chance(r, 70) ? f.pitches[0] / 2 : (uint32_t)nasty(r);
		f.offsets[i] = chance(r, 70) ? f.pitches[0] * f.height : (uint32_t)nasty(r);
	}
	if (chance(r, 10))
		f.offsets[0] = (uint32_t)nasty(r);
	if (chance(r, 10)) {
		f.flags = chance(r, 50) ? DRM_MODE_FB_MODIFIERS : (uint32_t)nasty(r);
		for (i = 0; i < 4; i++)
			f.modifier[i] = chance(r, 50) ? DRM_FORMAT_MOD_LINEAR : nasty(r);
	}
add:
	if (st.fds[s].fd < 0)
		return -EBADF;
	vlog(" slot %d %ux%u fmt %#x handle %u pitch %u", s, f.width, f.height,
	     f.pixel_format, f.handles[0], f.pitches[0]);
	ret = xioctl(st.fds[s].fd, DRM_IOCTL_MODE_ADDFB2, &f);
	if (!ret) {
		struct fb *e = &st.fbs[below(r, NFB)];

		*e = (struct fb){ true, s, st.fds[s].gen, f.fb_id, f.width, f.height };
	}
	return ret;
}

static int op_rmfb(struct rng *r)
{
	int s = pick_slot(r, true), i = (int)below(r, NFB);
	uint32_t id = st.fbs[i].used ? st.fbs[i].id : (uint32_t)nasty(r);
	int ret;

	if (st.fds[s].fd < 0)
		return -EBADF;
	vlog(" slot %d fb %u", s, id);
	if (chance(r, 70)) {
		ret = xioctl(st.fds[s].fd, DRM_IOCTL_MODE_RMFB, &id);
	} else {
		struct pdf_mode_closefb c = { .fb_id = id };

		ret = xioctl(st.fds[s].fd, PDF_IOCTL_MODE_CLOSEFB, &c);
	}
	if (!ret)
		st.fbs[i].used = false;
	return ret;
}

static int op_getfb(struct rng *r)
{
	struct drm_mode_fb_cmd2 f = { 0 };
	int s = pick_slot(r, true), ret, i;

	f.fb_id = pick_fb(r, s);
	if (st.fds[s].fd < 0)
		return -EBADF;
	vlog(" slot %d fb %u", s, f.fb_id);
	ret = xioctl(st.fds[s].fd, DRM_IOCTL_MODE_GETFB2, &f);
	if (ret)
		return ret;
	/* The handles are ours now (distinct ones, once each). */
	for (i = 0; i < 4; i++) {
		if (!f.handles[i] || (i && f.handles[i] == f.handles[i - 1]))
			continue;
		new_handle(s, f.handles[i], (uint64_t)f.pitches[i] * f.height,
			   f.width, f.height, f.pitches[i], r);
	}
	return 0;
}

static int op_blob(struct rng *r)
{
	int s = pick_slot(r, chance(r, 90)), ret;
	uint8_t data[512];
	struct drm_mode_create_blob c = { .data = (uintptr_t)data };

	if (st.fds[s].fd < 0)
		return -EBADF;
	if (chance(r, 25)) {
		struct drm_mode_destroy_blob d = { .blob_id = pick_blob(r, s) };

		vlog(" slot %d destroy %u", s, d.blob_id);
		return xioctl(st.fds[s].fd, DRM_IOCTL_MODE_DESTROYPROPBLOB, &d);
	}
	switch (below(r, 3)) {
	case 0: {	/* a mode, mostly one of the connectors' */
		struct drm_mode_modeinfo m = { 0 };

		if (st.count_modes)
			memcpy(&m, pick_mode(r), sizeof(m));
		if (chance(r, 30)) {	/* one of hdisplay .. vtotal */
			uint16_t v = (uint16_t)nasty(r);

			memcpy((char *)&m + offsetof(struct drm_mode_modeinfo, hdisplay) +
			       2 * below(r, 9), &v, sizeof(v));
		}
		if (chance(r, 10))
			m.clock = (uint32_t)nasty(r);
		memcpy(data, &m, sizeof(m));
		c.length = sizeof(m);
		break;
	}
	case 1: {	/* damage clips */
		struct drm_mode_rect *rc = (void *)data;
		uint32_t n = below(r, 8);

		for (uint32_t i = 0; i < n; i++) {
			rc[i].x1 = (int32_t)(chance(r, 80) ? below(r, 1024) : nasty(r));
			rc[i].y1 = (int32_t)(chance(r, 80) ? below(r, 768) : nasty(r));
			rc[i].x2 = rc[i].x1 + (int32_t)below(r, 512);
			rc[i].y2 = rc[i].y1 + (int32_t)below(r, 512);
		}
		c.length = n * sizeof(*rc);
		break;
	}
	default:
		for (size_t i = 0; i < sizeof(data); i++)
			data[i] = (uint8_t)rnd(r);
		c.length = below(r, sizeof(data) + 1);
		if (chance(r, 5))
			c.length = (uint32_t)nasty(r);
		break;
	}
	if (c.length > sizeof(data) && chance(r, 90))
		c.length = sizeof(data);
	/*
	 * The core allocates a blob of any length below 2 GiB before it copies
	 * the data in (any client of the card node may ask, the memory charged
	 * to its cgroup): one of most of the VM's memory ends in the OOM
	 * killer, which is the kernel doing what it was asked.  Lengths that
	 * big are tried at 64 MiB; larger ones are refused outright.
	 */
	if (c.length > PD_FUZZ_MAX_BLOB && c.length <= INT32_MAX)
		c.length = PD_FUZZ_MAX_BLOB;
	if (chance(r, 2))
		c.data = nasty(r);
	vlog(" slot %d create %u bytes", s, c.length);
	ret = xioctl(st.fds[s].fd, DRM_IOCTL_MODE_CREATEPROPBLOB, &c);
	if (!ret)
		st.blobs[below(r, NBLOB)] = (struct blob){ true, s, st.fds[s].gen, c.blob_id };
	return ret;
}

/* A value for property @p of an object, used through slot @s. */
static uint64_t prop_value(struct rng *r, const struct prop *p, int s)
{
	uint32_t type = p->flags & DRM_MODE_PROP_EXTENDED_TYPE;

	if (chance(r, 5))
		return nasty(r);
	if (!strcmp(p->name, "FB_ID") || !strcmp(p->name, "WRITEBACK_FB_ID"))
		return pick_fb(r, s);
	if (!strcmp(p->name, "CRTC_ID"))
		return chance(r, 85) && st.count_crtcs ?
		       st.crtcs[below(r, (uint32_t)st.count_crtcs)] : 0;
	if (!strcmp(p->name, "IN_FENCE_FD"))
		return (uint64_t)(int64_t)pick_fence(r);
	if (!strcmp(p->name, "OUT_FENCE_PTR") || !strcmp(p->name, "WRITEBACK_OUT_FENCE_PTR")) {
		static const uint64_t bad[] = { 0x10, 0xffff800000000000ull, 1 };

		if (chance(r, 70))
			return (uintptr_t)&st.out_fences[below(r, 4)];
		return chance(r, 60) ? 0 : bad[below(r, 3)];
	}
	if (!strcmp(p->name, "SRC_X") || !strcmp(p->name, "SRC_Y"))
		return (uint64_t)below(r, 1024) << 16;
	if (!strcmp(p->name, "SRC_W") || !strcmp(p->name, "SRC_H"))
		return (uint64_t)(1 + below(r, 1920)) << 16;
	if (!strcmp(p->name, "CRTC_X") || !strcmp(p->name, "CRTC_Y"))
		return (uint64_t)(int64_t)((int32_t)below(r, 2048) - 512);
	if (!strcmp(p->name, "CRTC_W") || !strcmp(p->name, "CRTC_H"))
		return 1 + below(r, 2048);
	if (!strcmp(p->name, "ACTIVE") || !strcmp(p->name, "VRR_ENABLED"))
		return below(r, 2);
	if (p->flags & DRM_MODE_PROP_BLOB)
		return pick_blob(r, s);
	if (p->flags & DRM_MODE_PROP_ENUM)
		return p->count_values ? p->values[below(r, (uint32_t)p->count_values)] : 0;
	if (p->flags & DRM_MODE_PROP_BITMASK) {
		uint64_t v = 0;

		for (int i = 0; i < p->count_values; i++)
			if (chance(r, 30))
				v |= 1ull << p->values[i];
		return v;
	}
	if ((p->flags & DRM_MODE_PROP_RANGE) && p->count_values == 2) {
		uint64_t span = p->values[1] - p->values[0] + 1;	/* 0: all of 64 bits */

		return p->values[0] + (p->values[1] > p->values[0] ?
		       (span ? rnd(r) % span : rnd(r)) : 0);
	}
	if (type == DRM_MODE_PROP_SIGNED_RANGE && p->count_values == 2)
		return (uint64_t)((int64_t)p->values[0] + (int64_t)below(r, 4096));
	if (type == DRM_MODE_PROP_OBJECT)
		return chance(r, 50) ? 0 : nasty(r);
	return nasty(r);
}

/* Mostly make card slot @s the DRM master (as a compositor would be), so
 * that KMS ioctls get past the permission check. */
static void ensure_master(struct rng *r, int s)
{
	if (!chance(r, 85) || s >= 2 || st.fds[s].fd < 0)
		return;
	if (st.fds[!s].fd >= 0)
		vlog(" [drop %d: %d]", !s, xioctl(st.fds[!s].fd, DRM_IOCTL_DROP_MASTER, NULL));
	vlog(" [set %d: %d]", s, xioctl(st.fds[s].fd, DRM_IOCTL_SET_MASTER, NULL));
}

/* A framebuffer of slot @s with its size, or NULL. */
static struct fb *pick_fb_entry(struct rng *r, int s)
{
	int i = (int)below(r, NFB), k;

	for (k = 0; k < NFB; k++) {
		struct fb *f = &st.fbs[(i + k) % NFB];

		if (f->used && valid_for(f->slot, f->gen, s))
			return f;
	}
	return NULL;
}

static const struct prop *find_prop(const struct kobj *o, const char *name)
{
	for (int i = 0; i < o->count_props; i++)
		if (!strcmp(o->props[i].name, name))
			return &o->props[i];
	return NULL;
}

static const struct kobj *pick_kobj(struct rng *r, uint32_t type, int subtype,
				    uint32_t crtc_bit)
{
	int i = (int)below(r, (uint32_t)st.count_kobjs), k;

	for (k = 0; k < st.count_kobjs; k++) {
		const struct kobj *o = &st.kobjs[(i + k) % st.count_kobjs];

		if (o->type != type || (subtype >= 0 && o->subtype != (uint64_t)subtype))
			continue;
		if (crtc_bit && (type == DRM_MODE_OBJECT_PLANE || type == PD_OBJECT_COLOROP) &&
		    !(o->crtcs & crtc_bit))
			continue;
		return o;
	}
	return NULL;
}

/* An atomic request being built. */
struct req {
	uint32_t objs[16], count_props[16], props[96];
	uint64_t values[96];
	int nobj, nprop;
};

static void req_set(struct req *q, const struct kobj *o, const char *name, uint64_t v)
{
	const struct prop *p = o ? find_prop(o, name) : NULL;
	int i;

	if (!p || q->nprop >= 96)
		return;
	for (i = 0; i < q->nobj; i++)
		if (q->objs[i] == o->id)
			break;
	/* Set already: the new value replaces the old one. */
	for (int j = 0, at = 0; i < q->nobj && j <= i; at += (int)q->count_props[j++]) {
		if (j < i)
			continue;
		for (int k = at; k < at + (int)q->count_props[j]; k++) {
			if (q->props[k] == p->id) {
				q->values[k] = v;
				return;
			}
		}
	}
	if (i == q->nobj) {
		if (q->nobj >= 16)
			return;
		q->objs[q->nobj] = o->id;
		q->count_props[q->nobj++] = 0;
	}
	/* Properties are grouped by object, in the order of objs[]. */
	int at = 0;

	for (int j = 0; j <= i; j++)
		at += (int)q->count_props[j];
	memmove(&q->props[at + 1], &q->props[at], (size_t)(q->nprop - at) * sizeof(q->props[0]));
	memmove(&q->values[at + 1], &q->values[at], (size_t)(q->nprop - at) * sizeof(q->values[0]));
	q->props[at] = p->id;
	q->values[at] = v;
	q->count_props[i]++;
	q->nprop++;
}

/* A new @w x @h XRGB8888/ARGB8888 framebuffer on card slot @s, or NULL. */
static struct fb *make_fb(struct rng *r, int s, uint32_t w, uint32_t h)
{
	struct drm_mode_create_dumb c = { .width = w, .height = h, .bpp = 32 };
	struct drm_mode_fb_cmd2 f = {
		.width = w, .height = h,
		.pixel_format = chance(r, 50) ? DRM_FORMAT_XRGB8888 : DRM_FORMAT_ARGB8888,
	};
	struct fb *e = &st.fbs[below(r, NFB)];

	if (s >= 2 || st.fds[s].fd < 0 || xioctl(st.fds[s].fd, DRM_IOCTL_MODE_CREATE_DUMB, &c))
		return NULL;
	new_handle(s, c.handle, c.size, w, h, c.pitch, r);
	f.handles[0] = c.handle;
	f.pitches[0] = c.pitch;
	if (xioctl(st.fds[s].fd, DRM_IOCTL_MODE_ADDFB2, &f))
		return NULL;
	*e = (struct fb){ true, s, st.fds[s].gen, f.fb_id, w, h };
	return e;
}

/* A plane showing (part of) a framebuffer somewhere on a @w x @h CRTC. */
static void req_plane(struct rng *r, struct req *q, const struct kobj *pl, uint32_t crtc,
		      int s, uint32_t w, uint32_t h, bool full)
{
	struct fb *f = chance(r, 70) ? pick_fb_entry(r, s) : NULL;
	uint32_t fw, fh;

	if (!f) {
		if (full && chance(r, 80)) {
			fw = w;
			fh = h;
		} else if (pl->subtype == DRM_PLANE_TYPE_CURSOR) {
			fw = fh = 64u << below(r, 3);
		} else {
			fw = 1 + below(r, w);
			fh = 1 + below(r, h);
		}
		f = make_fb(r, s, fw, fh);
	}
	fw = f ? f->width : 64;
	fh = f ? f->height : 64;

	req_set(q, pl, "FB_ID", f ? f->id : pick_fb(r, s));
	req_set(q, pl, "CRTC_ID", crtc);
	if (full) {
		req_set(q, pl, "SRC_X", 0);
		req_set(q, pl, "SRC_Y", 0);
		req_set(q, pl, "SRC_W", (uint64_t)fw << 16);
		req_set(q, pl, "SRC_H", (uint64_t)fh << 16);
		req_set(q, pl, "CRTC_X", 0);
		req_set(q, pl, "CRTC_Y", 0);
		req_set(q, pl, "CRTC_W", w);
		req_set(q, pl, "CRTC_H", h);
	} else {
		uint32_t sx = below(r, fw), sy = below(r, fh);

		uint32_t sw = 1 + below(r, fw - sx), sh = 1 + below(r, fh - sy);
		bool same = chance(r, 70);	/* mostly unscaled */

		req_set(q, pl, "SRC_X", (uint64_t)sx << 16);
		req_set(q, pl, "SRC_Y", (uint64_t)sy << 16);
		req_set(q, pl, "SRC_W", (uint64_t)sw << 16);
		req_set(q, pl, "SRC_H", (uint64_t)sh << 16);
		req_set(q, pl, "CRTC_X", (uint64_t)(int64_t)((int32_t)below(r, w + 64) - 32));
		req_set(q, pl, "CRTC_Y", (uint64_t)(int64_t)((int32_t)below(r, h + 64) - 32));
		req_set(q, pl, "CRTC_W", same ? sw : 1 + below(r, 2 * sw));
		req_set(q, pl, "CRTC_H", same ? sh : 1 + below(r, 2 * sh));
	}
	/* Some of its other properties: rotation, alpha, blending, zpos,
	 * colour encoding and range, damage clips... */
	for (int k = chance(r, 50) ? 0 : 1 + (int)below(r, 2); k > 0 && pl->count_props; k--) {
		const struct prop *p = &pl->props[below(r, (uint32_t)pl->count_props)];
		uint64_t v = prop_value(r, p, s);

		if (!strcmp(p->name, "rotation"))	/* one angle, maybe reflected */
			v = (1u << below(r, 4)) | (chance(r, 30) ? (1u << (4 + below(r, 2))) : 0);
		else if (!strcmp(p->name, "IN_FENCE_FD"))
			v = chance(r, 50) ? (uint64_t)-1 : (uint64_t)(int64_t)st.fences[below(r, NFENCE)];
		req_set(q, pl, p->name, v);
	}
}

/*
 * A blob for a colorop's DATA: mostly of the size its TYPE and SIZE take,
 * with random entries (huge matrix coefficients, any LUT values); 0 if it
 * cannot be made.
 */
static uint32_t colorop_blob(struct rng *r, const struct kobj *o, int s)
{
	size_t n = o->subtype == PD_COLOROP_CTM_3X4 ? 12 * 8 :
		   o->subtype == PD_COLOROP_1D_LUT ? (size_t)o->size * 16 :
		   o->subtype == PD_COLOROP_3D_LUT ? (size_t)o->size * o->size * o->size * 16 :
		   0;
	struct drm_mode_create_blob c = { 0 };
	uint64_t *data;

	if (chance(r, 10))
		n = below(r, 2 * (uint32_t)n + 64);
	if (!n || n > (1u << 20))
		return 0;
	/* Room for the CTM's 12 coefficients below, whatever the length. */
	data = malloc((n > 12 * 8 ? n : 12 * 8) + 8);
	if (!data)
		return 0;
	for (size_t i = 0; i < n / 8 + 1; i++)
		data[i] = chance(r, 90) ? rnd(r) >> below(r, 64) : nasty(r);
	if (o->subtype == PD_COLOROP_CTM_3X4 && chance(r, 70))
		for (int i = 0; i < 12; i++)	/* S31.32 within +-4.0, maybe negative */
			data[i] = (rnd(r) & ((1ull << 34) - 1)) | (chance(r, 20) ? 1ull << 63 : 0);
	c.data = (uintptr_t)data;
	c.length = (uint32_t)n;
	if (!xioctl(st.fds[s].fd, DRM_IOCTL_MODE_CREATEPROPBLOB, &c))
		st.blobs[below(r, NBLOB)] = (struct blob){ true, s, st.fds[s].gen, c.blob_id };
	else
		c.blob_id = 0;
	free(data);
	return c.blob_id;
}

/*
 * A colour pipeline stage of a plane on CRTC @crtc_bit in @q: its BYPASS,
 * curve, multiplier or data, and mostly its plane's pipeline selected.
 * Through a fd without the client cap the kernel refuses the properties.
 */
static void req_colorop(struct rng *r, struct req *q, int s, uint32_t crtc_bit)
{
	const struct kobj *o = pick_kobj(r, PD_OBJECT_COLOROP, -1, crtc_bit), *pl;
	const struct prop *p;

	if (!o)
		return;
	req_set(q, o, "BYPASS", chance(r, 80) ? 0 : 1);
	p = find_prop(o, "CURVE_1D_TYPE");
	if (p)
		req_set(q, o, "CURVE_1D_TYPE", prop_value(r, p, s));
	if (find_prop(o, "MULTIPLIER"))
		req_set(q, o, "MULTIPLIER", chance(r, 80) ?
			(rnd(r) & ((1ull << 36) - 1)) | (chance(r, 10) ? 1ull << 63 : 0) :
			nasty(r));
	if (find_prop(o, "DATA"))
		req_set(q, o, "DATA", chance(r, 85) ? colorop_blob(r, o, s) : pick_blob(r, s));
	for (int k = 0; k < st.count_kobjs; k++) {
		pl = &st.kobjs[k];
		if (pl->type == DRM_MODE_OBJECT_PLANE && pl->id == o->plane && chance(r, 80))
			req_set(q, pl, "COLOR_PIPELINE", chance(r, 90) ? o->pipeline : 0);
	}
}

/* A commit that makes sense: a mode on a CRTC, its connector, its primary
 * plane and some of its other planes, maybe writeback and fences. */
static void plausible_commit(struct rng *r, struct req *q, int s)
{
	const struct kobj *crtc = pick_kobj(r, DRM_MODE_OBJECT_CRTC, -1, 0);
	const struct kobj *conn, *pl;
	drmModeModeInfo *m;
	uint32_t w = 1024, h = 768;

	if (!crtc)
		return;
	if (st.count_modes && chance(r, 80)) {
		struct drm_mode_create_blob c;

		m = pick_mode(r);
		w = m->hdisplay;
		h = m->vdisplay;
		c = (struct drm_mode_create_blob){ .data = (uintptr_t)m, .length = sizeof(*m) };
		if (!xioctl(st.fds[s].fd, DRM_IOCTL_MODE_CREATEPROPBLOB, &c)) {
			st.blobs[below(r, NBLOB)] =
				(struct blob){ true, s, st.fds[s].gen, c.blob_id };
			req_set(q, crtc, "MODE_ID", c.blob_id);
		}
	}
	req_set(q, crtc, "ACTIVE", chance(r, 90));
	if (chance(r, 20))
		req_set(q, crtc, "OUT_FENCE_PTR", (uintptr_t)&st.out_fences[0]);
	conn = pick_kobj(r, DRM_MODE_OBJECT_CONNECTOR, -1, 0);
	if (conn && conn->subtype == DRM_MODE_CONNECTOR_WRITEBACK)
		conn = pick_kobj(r, DRM_MODE_OBJECT_CONNECTOR, -1, 0);
	if (conn && conn->subtype != DRM_MODE_CONNECTOR_WRITEBACK && chance(r, 90))
		req_set(q, conn, "CRTC_ID", crtc->id);
	pl = pick_kobj(r, DRM_MODE_OBJECT_PLANE, DRM_PLANE_TYPE_PRIMARY, crtc->crtcs);
	if (pl && chance(r, 90))
		req_plane(r, q, pl, crtc->id, s, w, h, chance(r, 70));
	for (int k = (int)below(r, 4); k > 0; k--) {
		pl = pick_kobj(r, DRM_MODE_OBJECT_PLANE, -1, crtc->crtcs);
		if (pl && pl->subtype == DRM_PLANE_TYPE_PRIMARY)
			continue;
		if (pl && chance(r, 80))
			req_plane(r, q, pl, crtc->id, s, w, h, false);
		else if (pl)	/* off */
			req_set(q, pl, "FB_ID", 0), req_set(q, pl, "CRTC_ID", 0);
	}
	if (chance(r, 20)) {
		const struct kobj *wb = pick_kobj(r, DRM_MODE_OBJECT_CONNECTOR,
						  DRM_MODE_CONNECTOR_WRITEBACK, 0);
		struct fb *f = pick_fb_entry(r, s);

		if (wb) {
			req_set(q, wb, "CRTC_ID", crtc->id);
			req_set(q, wb, "WRITEBACK_FB_ID", f ? f->id : 0);
			if (chance(r, 60))
				req_set(q, wb, "WRITEBACK_OUT_FENCE_PTR",
					(uintptr_t)&st.out_fences[1]);
		}
	}
	if (chance(r, 30))
		req_colorop(r, q, s, crtc->crtcs);
	/* And now and then one value that is wrong. */
	if (q->nprop && chance(r, 8))
		q->values[below(r, (uint32_t)q->nprop)] = nasty(r);
}

static int op_atomic(struct rng *r)
{
	static struct req q;
	uint32_t *objs = q.objs, *count_props = q.count_props, *props = q.props;
	uint64_t *values = q.values;
	struct drm_mode_atomic a = { 0 };
	int s = pick_slot(r, chance(r, 95)), n = 1 + (int)below(r, 5), np = 0, i;
	bool plausible = chance(r, 60);

	if (!st.count_kobjs)
		return -ENODEV;
	if (st.fds[s].fd < 0)
		return -EBADF;
	ensure_master(r, s);
	memset(&q, 0, sizeof(q));
	if (plausible) {
		plausible_commit(r, &q, s);
		n = q.nobj;
		np = q.nprop;
	}
	for (i = 0; !plausible && i < n; i++) {
		const struct kobj *o = &st.kobjs[below(r, (uint32_t)st.count_kobjs)];
		int k = chance(r, 70) ? (int)below(r, 4) + 1 : (int)below(r, 10);

		objs[i] = chance(r, 3) ? (uint32_t)nasty(r) : o->id;
		count_props[i] = 0;
		for (int j = 0; j < k && np < 64; j++) {
			const struct prop *p = o->count_props ?
				&o->props[below(r, (uint32_t)o->count_props)] : NULL;

			props[np] = !p || chance(r, 3) ? (uint32_t)nasty(r) : p->id;
			values[np] = p ? prop_value(r, p, s) : nasty(r);
			np++;
			count_props[i]++;
		}
	}
	a.count_objs = (uint32_t)n;
	a.objs_ptr = (uintptr_t)objs;
	a.count_props_ptr = (uintptr_t)count_props;
	a.props_ptr = (uintptr_t)props;
	a.prop_values_ptr = (uintptr_t)values;
	a.user_data = st.op;
	if (chance(r, plausible ? 20 : 50))
		a.flags |= DRM_MODE_ATOMIC_TEST_ONLY;
	if (chance(r, 40))
		a.flags |= DRM_MODE_ATOMIC_NONBLOCK;
	if (chance(r, plausible ? 85 : 40))
		a.flags |= DRM_MODE_ATOMIC_ALLOW_MODESET;
	if (chance(r, 30) && (!(a.flags & DRM_MODE_ATOMIC_TEST_ONLY) || chance(r, 10)))
		a.flags |= DRM_MODE_PAGE_FLIP_EVENT;
	if (chance(r, 5))
		a.flags |= DRM_MODE_PAGE_FLIP_ASYNC;
	if (chance(r, 3))
		a.flags = (uint32_t)nasty(r);
	if (chance(r, 2))
		a.reserved = nasty(r);
	if (st.fds[s].fd < 0)
		return -EBADF;
	for (i = 0; i < 4; i++)
		st.out_fences[i] = -1;
	vlog(" slot %d %s%d objects %d props flags %#x", s, plausible ? "plausible " : "",
	     n, np, a.flags);
	int ret = xioctl(st.fds[s].fd, DRM_IOCTL_MODE_ATOMIC, &a);

	for (i = 0; i < 4; i++)
		if (st.out_fences[i] >= 0)
			put_fence(r, st.out_fences[i]);
	return ret;
}

static int op_legacy(struct rng *r)
{
	int s = pick_slot(r, chance(r, 95));
	int fd = st.fds[s].fd;
	uint32_t crtc = st.count_crtcs && chance(r, 95) ?
		st.crtcs[below(r, (uint32_t)st.count_crtcs)] : (uint32_t)nasty(r);

	if (fd < 0)
		return -EBADF;
	ensure_master(r, s);
	switch (below(r, 6)) {
	case 0: {
		struct drm_mode_crtc c = { .crtc_id = crtc };
		uint32_t conn = st.count_conns ? st.conns[below(r, (uint32_t)st.count_conns)] : 0;

		if (chance(r, 80)) {
			c.fb_id = pick_fb(r, s);
			c.set_connectors_ptr = (uintptr_t)&conn;
			c.count_connectors = chance(r, 95) ? 1 : (uint32_t)nasty(r);
			if (st.count_modes) {
				memcpy(&c.mode, pick_mode(r), sizeof(c.mode));
				c.mode_valid = 1;
			}
			c.x = chance(r, 80) ? 0 : (uint32_t)below(r, 2048);
			c.y = chance(r, 80) ? 0 : (uint32_t)below(r, 2048);
		}
		vlog(" SETCRTC crtc %u fb %u", crtc, c.fb_id);
		return xioctl(fd, DRM_IOCTL_MODE_SETCRTC, &c);
	}
	case 1: {
		struct drm_mode_crtc_page_flip_target f = {
			.crtc_id = crtc, .fb_id = pick_fb(r, s), .user_data = st.op,
		};

		f.flags = chance(r, 70) ? DRM_MODE_PAGE_FLIP_EVENT : 0;
		if (chance(r, 10))
			f.flags |= DRM_MODE_PAGE_FLIP_ASYNC;
		if (chance(r, 10)) {
			f.flags |= DRM_MODE_PAGE_FLIP_TARGET_RELATIVE;
			f.sequence = below(r, 3);
		}
		if (chance(r, 3))
			f.flags = (uint32_t)nasty(r);
		vlog(" PAGE_FLIP crtc %u fb %u flags %#x", crtc, f.fb_id, f.flags);
		return xioctl(fd, DRM_IOCTL_MODE_PAGE_FLIP, &f);
	}
	case 2: {
		struct handle *h;
		struct drm_mode_cursor2 c = {
			.crtc_id = crtc,
			.flags = chance(r, 90) ? 1 + below(r, 3) : (uint32_t)nasty(r),
			.x = (int32_t)below(r, 1200) - 100, .y = (int32_t)below(r, 900) - 100,
			.width = chance(r, 80) ? 64u << below(r, 4) : (uint32_t)nasty(r),
		};

		c.height = chance(r, 80) ? c.width : (uint32_t)nasty(r);
		c.handle = chance(r, 20) ? 0 : pick_handle(r, s, &h);
		c.hot_x = (int32_t)below(r, 64);
		c.hot_y = (int32_t)below(r, 64);
		vlog(" CURSOR crtc %u flags %#x handle %u %ux%u", crtc, c.flags, c.handle,
		     c.width, c.height);
		return xioctl(fd, chance(r, 50) ? DRM_IOCTL_MODE_CURSOR2 :
			      DRM_IOCTL_MODE_CURSOR, &c);
	}
	case 3: {
		struct drm_mode_set_plane p = {
			.plane_id = st.count_planes ? st.planes[below(r, (uint32_t)st.count_planes)] : 0,
			.crtc_id = crtc, .fb_id = pick_fb(r, s),
			.crtc_x = (int32_t)below(r, 1024) - 64, .crtc_y = (int32_t)below(r, 768) - 64,
			.crtc_w = 1 + below(r, 1024), .crtc_h = 1 + below(r, 768),
			.src_w = (1 + below(r, 1024)) << 16, .src_h = (1 + below(r, 768)) << 16,
		};

		if (chance(r, 10))
			p.flags = (uint32_t)nasty(r);
		vlog(" SETPLANE plane %u fb %u", p.plane_id, p.fb_id);
		return xioctl(fd, DRM_IOCTL_MODE_SETPLANE, &p);
	}
	case 4: {
		struct drm_clip_rect clips[4];
		struct drm_mode_fb_dirty_cmd d = {
			.fb_id = pick_fb(r, s), .num_clips = below(r, 5),
			.clips_ptr = (uintptr_t)clips,
		};

		for (int i = 0; i < 4; i++) {
			clips[i].x1 = (uint16_t)below(r, 1024);
			clips[i].y1 = (uint16_t)below(r, 768);
			clips[i].x2 = (uint16_t)(clips[i].x1 + below(r, 1024));
			clips[i].y2 = (uint16_t)(clips[i].y1 + below(r, 768));
		}
		if (chance(r, 5))
			d.num_clips = (uint32_t)nasty(r);
		vlog(" DIRTYFB fb %u clips %u", d.fb_id, d.num_clips);
		return xioctl(fd, DRM_IOCTL_MODE_DIRTYFB, &d);
	}
	default: {
		struct drm_mode_crtc c = { .crtc_id = crtc };

		vlog(" GETCRTC %u", crtc);
		return xioctl(fd, DRM_IOCTL_MODE_GETCRTC, &c);
	}
	}
}

static int op_vblank(struct rng *r)
{
	int s = pick_slot(r, false), fd = st.fds[s].fd;
	uint32_t crtc = st.count_crtcs ? st.crtcs[below(r, (uint32_t)st.count_crtcs)] : 0;

	if (fd < 0)
		return -EBADF;
	switch (below(r, 3)) {
	case 0: {
		union drm_wait_vblank v = { 0 };

		v.request.type = _DRM_VBLANK_RELATIVE;
		if (st.count_crtcs > 1 && chance(r, 50))
			v.request.type |= (below(r, (uint32_t)st.count_crtcs) <<
					   _DRM_VBLANK_HIGH_CRTC_SHIFT) & _DRM_VBLANK_HIGH_CRTC_MASK;
		if (chance(r, 30))
			v.request.type |= _DRM_VBLANK_EVENT;
		if (chance(r, 5))
			v.request.type = (enum drm_vblank_seq_type)nasty(r);
		v.request.sequence = below(r, 3);
		v.request.signal = st.op;
		vlog(" WAIT_VBLANK type %#x seq %u", v.request.type, v.request.sequence);
		return xioctl(fd, DRM_IOCTL_WAIT_VBLANK, &v);
	}
	case 1: {
		struct drm_crtc_get_sequence g = { .crtc_id = crtc };

		vlog(" CRTC_GET_SEQUENCE %u", crtc);
		return xioctl(fd, DRM_IOCTL_CRTC_GET_SEQUENCE, &g);
	}
	default: {
		struct drm_crtc_queue_sequence q = {
			.crtc_id = crtc, .flags = DRM_CRTC_SEQUENCE_RELATIVE,
			.sequence = below(r, 4), .user_data = st.op,
		};

		if (chance(r, 10))
			q.flags = (uint32_t)nasty(r);
		vlog(" CRTC_QUEUE_SEQUENCE %u +%llu", crtc, (unsigned long long)q.sequence);
		return xioctl(fd, DRM_IOCTL_CRTC_QUEUE_SEQUENCE, &q);
	}
	}
}

static int op_events(struct rng *r)
{
	int s = pick_slot(r, true);
	char buf[4096];
	ssize_t n;

	if (st.fds[s].fd < 0)
		return -EBADF;
	/* Sometimes a buffer too small for one event. */
	n = read(st.fds[s].fd, buf, chance(r, 90) ? sizeof(buf) : below(r, 32));
	vlog(" slot %d read %zd", s, n);
	return n < 0 ? -errno : 0;
}

static int op_crc(struct rng *r)
{
	char path[160], buf[256];
	uint32_t crtc;
	int fd;

	switch (below(r, 3)) {
	case 0:	/* start (or restart) capturing */
		if (st.crc_data >= 0)
			close(st.crc_data);
		st.crc_data = -1;
		crtc = below(r, (uint32_t)st.count_crtcs);
		snprintf(path, sizeof(path), "%s/crtc-%u/crc/control", st.debugfs, crtc);
		fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			return -errno;
		if (write(fd, chance(r, 90) ? "auto" : "bogus", chance(r, 90) ? 4 : 5) < 0) {
			close(fd);
			return -errno;
		}
		close(fd);
		snprintf(path, sizeof(path), "%s/crtc-%u/crc/data", st.debugfs, crtc);
		st.crc_data = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		vlog(" open %d", st.crc_data);
		return st.crc_data < 0 ? -errno : 0;
	case 1:
		if (st.crc_data < 0)
			return -EBADF;
		vlog(" read");
		return read(st.crc_data, buf, sizeof(buf)) < 0 ? -errno : 0;
	default:
		if (st.crc_data >= 0)
			close(st.crc_data);
		st.crc_data = -1;
		vlog(" close");
		return 0;
	}
}

/*
 * An output plugged or unplugged through primedisp's sysfs interface
 * (outputN_status), while commits, CRC readers and writeback jobs use it.
 */
static int op_hotplug(struct rng *r)
{
	static const char *const what[] = { "connected", "disconnected", "disconnected\n",
					     "connected\n", "maybe", "" };
	uint32_t out = below(r, (uint32_t)st.count_crtcs + 1);
	const char *v = what[below(r, 6)];
	char path[128];
	int fd, ret = 0;

	snprintf(path, sizeof(path), "/sys/class/drm/card%d/device/output%u_status", st.minor,
		 out);
	vlog(" %s <- \"%s\"", path, v);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, v, strlen(v)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

static int op_sw_fence(struct rng *r)
{
	struct pdf_sw_sync_create_fence c = { 0 };
	int ret;

	if (st.timeline < 0)
		return -ENODEV;
	if (chance(r, 30)) {
		uint32_t inc = 1 + below(r, 3);

		vlog(" inc %u", inc);
		st.tl_value += inc;
		if (st.tl_next < st.tl_value)
			st.tl_next = st.tl_value;
		return xioctl(st.timeline, PDF_SW_SYNC_IOC_INC, &inc);
	}
	if (chance(r, 20)) {
		int i = (int)below(r, NFENCE);

		vlog(" close fence %d", i);
		if (st.fences[i] >= 0)
			close(st.fences[i]);
		st.fences[i] = -1;
		return 0;
	}
	c.value = ++st.tl_next;
	snprintf(c.name, sizeof(c.name), "pd-fuzz-%lu", st.op);
	vlog(" fence at %u", c.value);
	ret = xioctl(st.timeline, PDF_SW_SYNC_IOC_CREATE_FENCE, &c);
	if (!ret)
		put_fence(r, c.fence);
	return ret;
}

static int (*const op_fn[OP_COUNT])(struct rng *r);
static struct rng op_rng(unsigned long op, uint64_t sub);
static int pick_kind(struct rng *r);

/*
 * A child process inherits every descriptor and mapping, runs a few
 * operations of its own on them (drawn from this operation's generator)
 * and exits without cleaning up, so that the kernel releases its share of
 * each object at exit while the parent still holds the rest.  The parent
 * waits for it: the run stays reproducible.  What the child changes (a
 * handle it closed, a framebuffer it removed) the parent finds out by
 * errors later, as an application would.
 */
static int op_fork(struct rng *r)
{
	unsigned int n = 2 + (unsigned int)below(r, 12), i;
	int status;
	pid_t pid;

	if (st.in_fork)
		return -EAGAIN;
	vlog(" %u ops in a child", n);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		st.in_fork = true;
		slot_locking = false;	/* the cursor thread stayed in the parent */
		st.verbose = false;
		setup_signals();	/* timers are not inherited */
		for (i = 0; i < n; i++) {
			struct rng cr = op_rng(st.op, i + 1);
			int kind = pick_kind(&cr);

			ticks = 0;

			if (kind != OP_FORK)
				op_fn[kind](&cr);
		}
		/* A fault in a granted mapping is as much a failure here. */
		_exit(st.sigbus ? 1 : 0);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (WIFSIGNALED(status) || WEXITSTATUS(status)) {
		char msg[128];
		int len;

		len = snprintf(msg, sizeof(msg), "pd-fuzz: op %lu: the FORK child %s %d\n", st.op,
			       WIFSIGNALED(status) ? "died of signal" : "exited with",
			       WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
		emit(msg, (size_t)len);
		st.sigbus++;
		return -ECHILD;
	}
	return 0;
}

static int (*const op_fn[OP_COUNT])(struct rng *r) = {
	[OP_REOPEN] = op_reopen, [OP_CLOSE_FD] = op_close_fd,
	[OP_MASTER] = op_master, [OP_CAPS] = op_caps,
	[OP_DUMB_CREATE] = op_dumb_create, [OP_GEM_CREATE] = op_gem_create,
	[OP_GEM_INFO] = op_gem_info, [OP_MAP_HANDLE] = op_map_handle,
	[OP_UNMAP] = op_unmap, [OP_TOUCH] = op_touch,
	[OP_GEM_CLOSE] = op_gem_close, [OP_EXPORT] = op_export,
	[OP_IMPORT] = op_import, [OP_DMABUF_MMAP] = op_dmabuf_mmap,
	[OP_DMABUF_SYNC] = op_dmabuf_sync, [OP_DMABUF_FENCES] = op_dmabuf_fences,
	[OP_DMABUF_CLOSE] = op_dmabuf_close, [OP_FOREIGN] = op_foreign,
	[OP_ADDFB] = op_addfb, [OP_RMFB] = op_rmfb, [OP_GETFB] = op_getfb,
	[OP_BLOB] = op_blob, [OP_ATOMIC] = op_atomic, [OP_LEGACY] = op_legacy,
	[OP_VBLANK] = op_vblank, [OP_EVENTS] = op_events, [OP_CRC] = op_crc,
	[OP_SW_FENCE] = op_sw_fence, [OP_FORK] = op_fork, [OP_HOTPLUG] = op_hotplug,
};

/* ---- the cursor thread --------------------------------------------------- */

/*
 * A compositor moves the cursor from its input thread while its render
 * thread flips: legacy cursor ioctls (the driver's asynchronous cursor
 * path) and SETPLANE on cursor planes, on the same DRM master's file,
 * while the operations above commit (nonblocking ones too), read CRCs and
 * write back.  The thread draws from its own generator; its interleaving
 * with the operations is the scheduler's, so a report it provokes may
 * take a few runs of the same command to show again.
 */
struct cursor_bo {
	unsigned int gen;	/* of the slot it was made on; 0: none */
	uint32_t handle[2], fb[2];
};

static struct {
	pthread_t tid;
	bool running;
	atomic_bool stop;
	unsigned long ok, err;
	struct cursor_bo bo[2];	/* per card slot */
} ct;

/* Two cursor images (64x64 and 128x128, opaque colours) on the slot's file. */
static void cursor_bo_make(int fd, struct cursor_bo *b, unsigned int gen)
{
	static const uint32_t colour[2] = { 0xffff8000, 0xff00c0ff };
	int i;

	memset(b, 0, sizeof(*b));
	b->gen = gen;
	for (i = 0; i < 2; i++) {
		struct pd_dumb d;
		struct drm_mode_fb_cmd2 f = { .width = 64u << i, .height = 64u << i,
					      .pixel_format = DRM_FORMAT_ARGB8888 };
		uint32_t *px;

		/* Says why on stderr if it fails; the thread goes on without. */
		if (pd_dumb_create(fd, f.width, f.height, 32, &d))
			continue;
		px = d.map.ptr;
		for (size_t k = 0; k < d.size / 4; k++)
			px[k] = colour[i];
		pd_unmap(&d.map);
		b->handle[i] = d.handle;
		f.handles[0] = d.handle;
		f.pitches[0] = d.pitch;
		if (!xioctl(fd, DRM_IOCTL_MODE_ADDFB2, &f))
			b->fb[i] = f.fb_id;
	}
}

/* One cursor operation on @fd, a duplicate of card slot @s at @gen. */
static int cursor_op(struct rng *r, int s, int fd, unsigned int gen)
{
	struct cursor_bo *b = &ct.bo[s];
	uint32_t crtc = st.crtcs[below(r, (uint32_t)st.count_crtcs)];
	int i = (int)below(r, 2);

	if (b->gen != gen)
		cursor_bo_make(fd, b, gen);
	switch (below(r, 4)) {
	case 0: {	/* a new image, or none */
		struct drm_mode_cursor2 c = {
			.flags = DRM_MODE_CURSOR_BO, .crtc_id = crtc,
			.width = 64u << i, .height = 64u << i,
			.handle = chance(r, 90) ? b->handle[i] : 0,
			.hot_x = (int32_t)below(r, 16), .hot_y = (int32_t)below(r, 16),
		};

		return xioctl(fd, DRM_IOCTL_MODE_CURSOR2, &c);
	}
	case 1:
	case 2: {	/* a move, as the pointer does most */
		struct drm_mode_cursor c = {
			.flags = DRM_MODE_CURSOR_MOVE, .crtc_id = crtc,
			.x = (int32_t)below(r, 1200) - 100, .y = (int32_t)below(r, 900) - 100,
		};

		return xioctl(fd, DRM_IOCTL_MODE_CURSOR, &c);
	}
	default: {	/* the cursor plane through SETPLANE */
		const struct kobj *pl = NULL;
		struct drm_mode_set_plane p = { .crtc_id = crtc };
		int k, n = 0;

		for (k = 0; k < st.count_kobjs; k++)
			if (st.kobjs[k].type == DRM_MODE_OBJECT_PLANE &&
			    st.kobjs[k].subtype == DRM_PLANE_TYPE_CURSOR && !below(r, ++n))
				pl = &st.kobjs[k];
		if (!pl)
			return -ENOENT;
		p.plane_id = pl->id;
		p.fb_id = chance(r, 85) ? b->fb[i] : 0;
		p.crtc_x = (int32_t)below(r, 1100) - 64;
		p.crtc_y = (int32_t)below(r, 800) - 64;
		p.crtc_w = p.crtc_h = 64u << i;
		p.src_w = p.src_h = (64u << i) << 16;
		return xioctl(fd, DRM_IOCTL_MODE_SETPLANE, &p);
	}
	}
}

static void *cursor_thread(void *arg)
{
	struct rng r = op_rng(~0ul, 0x637572736f72ull);
	int last_ok = 0;

	(void)arg;
	while (!atomic_load(&ct.stop)) {
		/* Mostly the file that was the master last time. */
		int s = chance(&r, 75) ? last_ok : (int)below(&r, 2), fd = -1, ret = -EBADF;
		unsigned int gen;

		pthread_mutex_lock(&slot_lock);
		if (st.fds[s].fd >= 0)
			fd = fcntl(st.fds[s].fd, F_DUPFD_CLOEXEC, 0);
		gen = st.fds[s].gen;
		pthread_mutex_unlock(&slot_lock);
		if (fd >= 0) {
			ret = cursor_op(&r, s, fd, gen);
			close(fd);
		}
		if (ret) {
			ct.err++;
		} else {
			ct.ok++;
			last_ok = s;
		}
		/* A pointer reports at up to 1 kHz, some events in a burst. */
		if (chance(&r, 70))
			usleep(below(&r, 1000));
	}
	return NULL;
}

/* Start the thread with SIGALRM blocked: the watchdog is the operations'. */
static int cursor_thread_start(void)
{
	sigset_t alrm, old;
	int ret;

	if (!st.count_crtcs)
		return 0;
	sigemptyset(&alrm);
	sigaddset(&alrm, SIGALRM);
	pthread_sigmask(SIG_BLOCK, &alrm, &old);
	slot_locking = true;
	ret = pthread_create(&ct.tid, NULL, cursor_thread, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (ret) {
		slot_locking = false;
		fprintf(stderr, "pd-fuzz: cannot start the cursor thread: %s\n", strerror(ret));
		return -1;
	}
	ct.running = true;
	return 0;
}

/*
 * Stop the thread; one that does not return from its ioctl within the
 * watchdog's limit is a hang.  Return: false then.
 */
static bool cursor_thread_stop(void)
{
	struct timespec until;

	if (!ct.running)
		return true;
	atomic_store(&ct.stop, true);
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += HANG_TICKS * TICK_MS / 1000;
	if (pthread_timedjoin_np(ct.tid, NULL, &until)) {
		printf("pd-fuzz: FAIL seed %" PRIu64 " stream %d: the cursor thread is still"
		       " blocked in an ioctl after %d s\n", st.seed, st.worker,
		       HANG_TICKS * TICK_MS / 1000);
		return false;
	}
	ct.running = false;
	slot_locking = false;
	printf("pd-fuzz: stream %d: cursor thread: %lu ok, %lu failed\n", st.worker, ct.ok,
	       ct.err);
	return true;
}

/* ---- run -------------------------------------------------------------------- */

/*
 * The generator of operation @op of stream @worker of the run's seed.
 * Stream 0 is what a single process runs, so "--procs 1" and stream 0 of
 * any run do the same operations.
 */
static struct rng op_rng(unsigned long op, uint64_t sub)
{
	struct rng r = { st.seed * 0x2545f4914f6cdd1dull ^ (op + 1) * 0xd1b54a32d192ed03ull ^
			 (uint64_t)st.worker * 0x9e3779b97f4a7c15ull ^ sub * 0xbf58476d1ce4e5b9ull };

	rnd(&r);
	return r;
}

static int pick_kind(struct rng *r)
{
	static uint32_t total;
	uint32_t pick;
	int kind;

	if (!total)
		for (kind = 0; kind < OP_COUNT; kind++)
			total += ops[kind].weight;
	pick = below(r, total);
	for (kind = 0; pick >= ops[kind].weight; kind++)
		pick -= ops[kind].weight;
	return kind;
}

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* Signal every sw_sync point created so far: no fence outlives 16 ops,
 * so no commit or wait depends on one for long. */
static void settle_fences(void)
{
	uint32_t inc;

	if (st.timeline < 0)
		return;
	inc = st.tl_next - st.tl_value;
	if (inc && ioctl(st.timeline, PDF_SW_SYNC_IOC_INC, &inc) == 0)
		st.tl_value = st.tl_next;
}

static void release_all(void)
{
	int i;

	for (i = 0; i < NMAP; i++)
		if (st.maps[i].ptr)
			munmap(st.maps[i].ptr, st.maps[i].len);
	for (i = 0; i < NDMABUF; i++)
		if (st.dmabufs[i].fd >= 0)
			close(st.dmabufs[i].fd);
	for (i = 0; i < NFENCE; i++)
		if (st.fences[i] >= 0)
			close(st.fences[i]);
	if (st.crc_data >= 0)
		close(st.crc_data);
	for (i = 0; i < NFD; i++)
		slot_close(i);
	if (st.timeline >= 0)
		close(st.timeline);	/* signals what is left */
	/*
	 * Closing the vgem file drops our imports there, and a FORK child's
	 * too: those stay in the vgem file the child shared with us, out of
	 * our table.
	 */
	if (st.vgem >= 0)
		close(st.vgem);
	st.vgem = -1;
	memset(st.vgem_handles, 0, sizeof(st.vgem_handles));
	memset(st.handles, 0, sizeof(st.handles));
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: pd-fuzz [--seed N] [--ops N] [--procs N | --stream W] [--kmsg | --mark]\n"
		"               [--progress N] [--verbose] [--fail-slab PCT] [--unprivileged N]\n"
		"               [--cursor-thread]\n"
		"\n"
		"Random, reproducible sequences of primedisp ioctls (see the top of\n"
		"pd-fuzz.c).  Needs root (DRM master, debugfs) and primedisp loaded.\n"
		"\n"
		"  --seed N        the run's seed (default: from the clock; always printed)\n"
		"  --ops N         number of operations in all (default 2000)\n"
		"  --procs N       run N streams in N concurrent processes (1..%d);\n"
		"                  stream W of seed S draws the same operations every run\n"
		"  --stream W      run only stream W, in this process (to reproduce what\n"
		"                  stream W of a --procs run did: give it that run's --ops\n"
		"                  divided by --procs)\n"
		"  --kmsg          announce every operation in the kernel log (at debug\n"
		"                  level: in dmesg, not on the console)\n"
		"  --mark          a kernel log line every 1000 operations\n"
		"  --progress N    print a line every N operations of each stream\n"
		"  --verbose       print every operation and its result\n"
		"  --fail-slab PCT make PCT%% of this process's slab allocations fail\n"
		"                  (CONFIG_FAILSLAB, debugfs; the debug kernel)\n"
		"  --unprivileged N the last N streams run as uid 65534 on the render node\n"
		"                  (its mode must let them: chmod 0666 as udev does); with\n"
		"                  --procs > 1 the parent meanwhile allocates on the card\n"
		"                  node every 200 ms, and fails the run if it cannot\n"
		"  --cursor-thread a second thread in each privileged stream moves and\n"
		"                  changes the cursor (legacy cursor ioctls, SETPLANE) on\n"
		"                  the stream's card node files while the operations run\n"
		"                  (its timing is the scheduler's: not reproducible)\n"
		"\n"
		"Exit status: 0 done, 1 a mapping faulted, a child failed or objects\n"
		"leaked, 2 usage or setup error, 3 an operation stayed blocked.\n", MAX_PROCS);
}

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -1;
	if (write(fd, s, strlen(s)) < 0)
		ret = -1;
	close(fd);
	return ret;
}

static int setup_fail_slab(int pct)
{
	char v[16];

	snprintf(v, sizeof(v), "%d", pct);
	if (write_file("/sys/kernel/debug/failslab/probability", v) ||
	    write_file("/sys/kernel/debug/failslab/interval", "1") ||
	    write_file("/sys/kernel/debug/failslab/times", "-1") ||
	    write_file("/sys/kernel/debug/failslab/verbose", "0") ||
	    write_file("/sys/kernel/debug/failslab/task-filter", "Y") ||
	    write_file("/sys/kernel/debug/failslab/ignore-gfp-wait", "N") ||
	    write_file("/proc/self/make-it-fail", "1")) {
		fprintf(stderr, "pd-fuzz: cannot set up failslab (CONFIG_FAILSLAB, "
			"CONFIG_FAULT_INJECTION_DEBUG_FS, root?)\n");
		return -1;
	}
	return 0;
}

/* Become uid/gid 65534 (nobody) with no supplementary groups. */
static int drop_privileges(void)
{
	if (setgroups(0, NULL) || setgid(65534) || setuid(65534)) {
		fprintf(stderr, "pd-fuzz: cannot become uid 65534: %s\n", strerror(errno));
		return -1;
	}
	if (access(st.render_path, R_OK | W_OK)) {
		fprintf(stderr, "pd-fuzz: uid 65534 cannot open %s: make render nodes mode 0666"
			" as udev does (chmod 0666 %s)\n", st.render_path, st.render_path);
		return -1;
	}
	return 0;
}

/*
 * The display's own allocation, tried while the streams run: a 64x64 dumb
 * buffer and its mmap offset on the card node.  Whatever the streams do
 * (an unprivileged one above all), the compositor must still get this.
 * Return: 0 or the -errno of the step that failed.
 */
static int canary(int fd)
{
	struct drm_mode_create_dumb c = { .width = 64, .height = 64, .bpp = 32 };
	struct drm_mode_map_dumb m = { 0 };
	struct drm_mode_destroy_dumb d = { 0 };
	int ret;

	do
		ret = xioctl(fd, DRM_IOCTL_MODE_CREATE_DUMB, &c);
	while (ret == -EINTR);
	if (ret)
		return ret;
	m.handle = c.handle;
	do
		ret = xioctl(fd, DRM_IOCTL_MODE_MAP_DUMB, &m);
	while (ret == -EINTR);
	d.handle = c.handle;
	xioctl(fd, DRM_IOCTL_MODE_DESTROY_DUMB, &d);
	return ret;
}

/*
 * Every dma-buf in the system and every attachment to one, from debugfs
 * (dma_buf/bufinfo): the leak oracle beyond primedisp's own objects.
 * Return: false if the file cannot be read.
 */
static bool dmabuf_census(long *bufs, long *attachments)
{
	FILE *f = fopen("/sys/kernel/debug/dma_buf/bufinfo", "re");
	char line[256];
	long n;

	*bufs = -1;
	*attachments = 0;
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		/* sscanf() counts the number even when the words after it differ. */
		if (sscanf(line, "Total %ld", &n) != 1)
			continue;
		if (strstr(line, " devices attached"))
			*attachments += n;
		else if (strstr(line, " objects"))
			*bufs = n;
	}
	fclose(f);
	return *bufs >= 0;
}

/*
 * Run one stream of @nops operations in this process: open the nodes,
 * fuzz, close everything.  Return: the exit status (0 done, 1 a mapping
 * faulted, 2 setup failed, 3 blocked).
 */
static int run_stream(unsigned long nops)
{
	unsigned long mark_every = 1000;
	int i, kms;

	kms = open(st.card_path, O_RDWR | O_CLOEXEC);
	if (kms < 0) {
		fprintf(stderr, "pd-fuzz: cannot open %s: %s\n", st.card_path, strerror(errno));
		return 2;
	}
	setup_caps(kms, false);
	read_kms(kms);
	close(kms);
	for (i = 0; i < NDMABUF; i++)
		st.dmabufs[i].fd = -1;
	for (i = 0; i < NFENCE; i++)
		st.fences[i] = -1;
	st.crc_data = -1;
	st.timeline = open("/sys/kernel/debug/sync/sw_sync", O_RDWR | O_CLOEXEC);
	st.udmabuf_dev = open("/dev/udmabuf", O_RDWR | O_CLOEXEC);
	st.heap = open("/dev/dma_heap/system", O_RDONLY | O_CLOEXEC);
	{
		char vpath[64];

		st.vgem = find_node("/dev/dri/card", 0, "vgem", vpath, sizeof(vpath)) ?
			  open(vpath, O_RDWR | O_CLOEXEC) : -1;
	}
	/*
	 * An unprivileged stream keeps the buffer sources opened above (a
	 * client handed them) and then is what any local user is: uid 65534
	 * on the render node, which it may open (udev makes render nodes
	 * mode 0666), while the card node and debugfs refuse it.
	 */
	if (st.unpriv && drop_privileges())
		return 2;
	for (i = 0; i < NFD; i++)
		slot_open(i);
	if (st.fds[st.unpriv ? 2 : 0].fd < 0) {
		fprintf(stderr, "pd-fuzz: cannot open %s: %s\n",
			st.unpriv ? st.render_path : st.card_path, strerror(errno));
		return 2;
	}
	printf("pd-fuzz: stream %d: %lu ops (%d KMS objects, %d formats; sw_sync %s,"
	       " udmabuf %s, heap %s, vgem %s)\n", st.worker, nops, st.count_kobjs,
	       st.count_formats, st.timeline >= 0 ? "yes" : "no",
	       st.udmabuf_dev >= 0 ? "yes" : "no", st.heap >= 0 ? "yes" : "no",
	       st.vgem >= 0 ? "yes" : "no");

	setup_signals();
	if (st.fail_slab && setup_fail_slab(st.fail_slab))
		return 2;
	/* Cursor ioctls need the card node: not for an unprivileged stream. */
	if (st.cursor_thread && !st.unpriv && cursor_thread_start())
		return 2;
	for (st.op = 0; st.op < nops; st.op++) {
		struct rng r = op_rng(st.op, 0);
		int kind = pick_kind(&r), ret;
		uint64_t t0;

		if (st.op % 16 == 0)
			settle_fences();
		/* A closed node stays closed for a few operations. */
		if (st.op % 8 == 0)
			for (i = 0; i < NFD; i++)
				if (st.fds[i].fd < 0)
					slot_open(i);
		if (st.kmsg)
			kmsg(7, "pd-fuzz: op %lu/%d %s\n", st.op, st.worker, ops[kind].name);
		else if (st.mark && st.op % mark_every == 0)
			kmsg(6, "pd-fuzz: op %lu/%d and on\n", st.op, st.worker);
		vlog("op %lu/%d %s", st.op, st.worker, ops[kind].name);
		ticks = 0;
		t0 = now_ns();
		ret = op_fn[kind](&r);
		st.stat_ns[kind] += now_ns() - t0;
		if (ticks >= 1)
			st.blocked++;
		vlog(" -> %s\n", ret ? strerror(-ret) : "ok");
		if (ret)
			st.stat_err[kind]++;
		else
			st.stat_ok[kind]++;
		if (!st.verbose && st.progress && (st.op + 1) % st.progress == 0)
			printf("pd-fuzz: stream %d: %lu of %lu ops\n", st.worker, st.op + 1, nops);
	}
	if (st.fail_slab)
		write_file("/proc/self/make-it-fail", "0");
	{
		struct itimerval off = { { 0, 0 }, { 0, 0 } };

		setitimer(ITIMER_REAL, &off, NULL);
	}
	if (!cursor_thread_stop())
		return 3;
	release_all();

	printf("pd-fuzz: stream %d operations (ok/failed, ms):", st.worker);
	for (i = 0; i < OP_COUNT; i++)
		printf("%s %s %lu/%lu %.0f", i % 5 ? "," : "\n ", ops[i].name, st.stat_ok[i],
		       st.stat_err[i], (double)st.stat_ns[i] / 1e6);
	printf("\npd-fuzz: stream %d: %lu interrupted waits\n", st.worker, st.blocked);
	if (st.sigbus) {
		printf("pd-fuzz: FAIL seed %" PRIu64 " stream %d: %lu faults in granted mappings"
		       " or failed children\n", st.seed, st.worker, st.sigbus);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "seed", required_argument, NULL, 's' },
		{ "ops", required_argument, NULL, 'n' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "kmsg", no_argument, NULL, 'k' },
		{ "fail-slab", required_argument, NULL, 'f' },
		{ "procs", required_argument, NULL, 'p' },
		{ "stream", required_argument, NULL, 'w' },
		{ "mark", no_argument, NULL, 'm' },
		{ "progress", required_argument, NULL, 'P' },
		{ "unprivileged", required_argument, NULL, 'u' },
		{ "cursor-thread", no_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ }
	};
	struct timespec ts;
	long objects0, objects1 = -1, bufs0, bufs1 = -1, att0, att1 = -1;
	unsigned long canaries = 0;
	bool census;
	int c, i, minor, rc = 0;
	uint64_t start;
	char *end;

	clock_gettime(CLOCK_REALTIME, &ts);
	st.seed = (uint64_t)ts.tv_sec * 1000003u ^ (uint64_t)ts.tv_nsec;
	st.seed %= 1000000000u;
	st.ops = 2000;
	st.procs = 1;
	while ((c = getopt_long(argc, argv, "s:n:vkf:p:w:mP:u:Ch", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			st.seed = strtoull(optarg, &end, 0);
			if (*end) {
				usage(stderr);
				return 2;
			}
			break;
		case 'n':
			st.ops = strtoul(optarg, &end, 0);
			if (*end) {
				usage(stderr);
				return 2;
			}
			break;
		case 'v':
			st.verbose = true;
			break;
		case 'k':
			st.kmsg = true;
			break;
		case 'f':
			st.fail_slab = atoi(optarg);
			if (st.fail_slab < 0 || st.fail_slab > 100) {
				usage(stderr);
				return 2;
			}
			break;
		case 'p':
			st.procs = (unsigned int)strtoul(optarg, &end, 0);
			if (*end || !st.procs || st.procs > MAX_PROCS) {
				usage(stderr);
				return 2;
			}
			break;
		case 'w':
			st.worker = (int)strtoul(optarg, &end, 0);
			if (*end || st.worker < 0 || st.worker >= MAX_PROCS) {
				usage(stderr);
				return 2;
			}
			break;
		case 'm':
			st.mark = true;
			break;
		case 'P':
			st.progress = strtoul(optarg, &end, 0);
			if (*end) {
				usage(stderr);
				return 2;
			}
			break;
		case 'u':
			st.nobody = (unsigned int)strtoul(optarg, &end, 0);
			if (*end || st.nobody > MAX_PROCS) {
				usage(stderr);
				return 2;
			}
			break;
		case 'C':
			st.cursor_thread = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc || (st.worker && st.procs > 1) || st.nobody > st.procs) {
		usage(stderr);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);

	if (!find_node("/dev/dri/card", 0, "primedisp", st.card_path, sizeof(st.card_path)) ||
	    !find_node("/dev/dri/renderD", 128, "primedisp", st.render_path,
		       sizeof(st.render_path))) {
		fprintf(stderr, "pd-fuzz: no primedisp card and render node (module loaded?)\n");
		return 2;
	}
	{
		int fd = open(st.card_path, O_RDWR | O_CLOEXEC);
		struct stat sb;

		if (fd < 0) {
			fprintf(stderr, "pd-fuzz: cannot open %s: %s\n", st.card_path,
				strerror(errno));
			return 2;
		}
		minor = fstat(fd, &sb) ? 0 : (int)minor(sb.st_rdev);
		close(fd);
	}
	snprintf(st.debugfs, sizeof(st.debugfs), "/sys/kernel/debug/dri/%d", minor);
	st.minor = minor;
	objects0 = read_objects();
	census = dmabuf_census(&bufs0, &att0);

	printf("pd-fuzz: seed %" PRIu64 ", %lu ops in %u process%s on %s and %s\n", st.seed,
	       st.ops, st.procs, st.procs > 1 ? "es" : "", st.card_path, st.render_path);
	if (st.kmsg || st.mark)
		kmsg(6, "pd-fuzz: seed %" PRIu64 ", %lu ops, %u processes\n", st.seed, st.ops,
		     st.procs);
	start = now_ns();
	if (st.procs == 1) {
		st.unpriv = st.nobody > 0;
		rc = run_stream(st.ops);
	} else {
		pid_t pids[MAX_PROCS];
		unsigned long share = st.ops / st.procs, extra = st.ops % st.procs;
		unsigned int w, left = st.procs;
		int cfd = open(st.card_path, O_RDWR | O_CLOEXEC);

		/* Not the master: that is for the streams to fight over. */
		if (cfd >= 0)
			drmDropMaster(cfd);

		fflush(stdout);
		for (w = 0; w < st.procs; w++) {
			pids[w] = fork();
			if (pids[w] < 0) {
				perror("pd-fuzz: fork");
				return 2;
			}
			if (pids[w] == 0) {
				st.worker = (int)w;
				st.unpriv = w >= st.procs - st.nobody;
				_exit(run_stream(share + (w < extra)));
			}
		}
		/*
		 * While the streams run, the parent is the compositor: every
		 * 200 ms it allocates a small buffer on the card node.
		 */
		while (left) {
			int status = 0, ret;
			pid_t pid = waitpid(-1, &status, WNOHANG);

			if (pid > 0) {
				for (w = 0; w < st.procs && pids[w] != pid; w++)
					;
				left--;
				if (WIFSIGNALED(status)) {
					printf("pd-fuzz: FAIL seed %" PRIu64 ": stream %u died of"
					       " signal %d\n", st.seed, w, WTERMSIG(status));
					rc = rc ? rc : 1;
				} else if (WEXITSTATUS(status)) {
					rc = rc ? rc : WEXITSTATUS(status);
				}
				continue;
			}
			if (pid < 0 && errno != EINTR)
				break;
			ret = cfd < 0 ? -EBADF : canary(cfd);
			canaries++;
			if (ret) {
				printf("pd-fuzz: FAIL seed %" PRIu64 ": the card node could not"
				       " allocate a 64x64 dumb buffer while the streams ran: %s\n",
				       st.seed, strerror(-ret));
				rc = rc ? rc : 1;
				close(cfd);	/* said once */
				cfd = -1;
			}
			usleep(200000);
		}
		if (cfd >= 0)
			close(cfd);
	}
	/* Every output (one per CRTC) plugged in again, as the run found them. */
	for (i = 0; i < st.count_crtcs; i++) {
		char path[128];

		snprintf(path, sizeof(path), "/sys/class/drm/card%d/device/output%d_status",
			 st.minor, i);
		write_file(path, "connected");
	}
	/* Pending commits and deferred frees finish within a few frames. */
	for (i = 0; i < 50; i++) {
		objects1 = read_objects();
		if (census)
			dmabuf_census(&bufs1, &att1);
		if (objects1 == objects0 && (!census || (bufs1 == bufs0 && att1 == att0)))
			break;
		usleep(100000);
	}
	if (objects0 >= 0 && objects1 != objects0) {
		printf("pd-fuzz: FAIL seed %" PRIu64 ": %ld primedisp objects before, %ld after"
		       " closing everything\n", st.seed, objects0, objects1);
		rc = rc ? rc : 1;
	}
	if (census && (bufs1 != bufs0 || att1 != att0)) {
		printf("pd-fuzz: FAIL seed %" PRIu64 ": %ld dma-bufs with %ld attachments before,"
		       " %ld with %ld after closing everything\n", st.seed, bufs0, att0, bufs1,
		       att1);
		rc = rc ? rc : 1;
	}
	{
		double secs = (double)(now_ns() - start) / 1e9;

		printf("pd-fuzz: seed %" PRIu64 ": %lu ops %s in %.1f s (%.0f ops/s), objects %ld"
		       " -> %ld, dma-bufs %ld -> %ld, attachments %ld -> %ld, %lu canaries\n",
		       st.seed, st.ops, rc ? "FAILED" : "done", secs,
		       secs > 0 ? (double)st.ops / secs : 0.0, objects0, objects1, bufs0, bufs1,
		       att0, att1, canaries);
	}
	if (st.kmsg || st.mark)
		kmsg(6, "pd-fuzz: seed %" PRIu64 " %s\n", st.seed, rc ? "failed" : "done");
	return rc;
}
