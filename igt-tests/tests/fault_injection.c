// SPDX-License-Identifier: GPL-2.0
/*
 * fault_injection - primedisp's paths when the kernel's allocations fail,
 * one allocation at a time.
 *
 * The kernel's fault injection (CONFIG_FAULT_INJECTION with CONFIG_FAILSLAB
 * and CONFIG_FAIL_PAGE_ALLOC) makes the N-th allocation of a task fail once
 * N is written to /proc/self/task/TID/fail-nth; read back after the
 * operation, the file says 0 if the failure was injected and what is left
 * of N if the operation made fewer allocations.  failslab and
 * fail_page_alloc are set (through debugfs) to count every allocation,
 * GFP_KERNEL ones and single pages included, and to stay silent: with
 * "verbose" above 1 each injected failure would print a stack dump, which
 * the suite's kernel-log check would take for a kernel report.  Real
 * reports (WARN, BUG, KASAN, lockdep...) still fail the subtest.
 *
 * For each path, with N = 1, 2, 3, ...:
 *  - the operation runs once with its N-th allocation failing;
 *  - if it fails, the error must be one an allocation failure explains
 *    (ENOMEM) and the user must see nothing changed; if it succeeds (the
 *    failure was "absorbed": a fallback or retry covered for it), its
 *    result is checked in full;
 *  - then the same operation, without injection, must succeed with a
 *    correct result (buffer contents, CRCs, captured frames): on the same
 *    object after a failure, on a new one after an absorbed injection;
 *  - no GEM object, dma-buf, framebuffer or file descriptor is left over;
 * until the operation makes fewer than N allocations.  Operations run with
 * raw ioctls and blocking commits, so that every allocation is made by the
 * calling task and none by userspace libraries.
 *
 * A failure names the N it happened at; to repeat that injection alone:
 *	PD_FAULT_NTH=N fault_injection --run-subtest SUBTEST
 * and with PD_FAULT_VERBOSE=2 the kernel log shows the stack of the
 * allocation made to fail (run it by hand, not under run-suite.sh, whose
 * kernel-log check would take that stack dump for a kernel report).
 *
 * Stock Debian kernels have no fault injection: there every subtest skips.
 */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/dma-heap.h>
#include <linux/udmabuf.h>

#include <drm_fourcc.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include <drm/primedisp_drm.h>

#include "pd_atomic.h"
#include "pd_crc.h"
#include "pd_prime.h"
#include "pd_vgem.h"
#include "pdtest.h"

#define FI_FAILSLAB	"/sys/kernel/debug/failslab"
#define FI_PAGE_ALLOC	"/sys/kernel/debug/fail_page_alloc"

#define UDMABUF_DEV	"/dev/udmabuf"
#define SYSTEM_HEAP	"/dev/dma_heap/system"

/* The mode and the size of the framebuffers the display paths use. */
#define FB_W		640
#define FB_H		480

#define T_PLANE		DRM_MODE_OBJECT_PLANE
#define T_CRTC		DRM_MODE_OBJECT_CRTC
#define T_CONN		DRM_MODE_OBJECT_CONNECTOR

/* ---- fault injection ---------------------------------------------------------- */

struct fi_knob {
	const char *file;
	const char *value;
	char saved[32];
	bool changed;
};

static struct fi_knob fi_knobs[] = {
	/* Count allocations that may sleep (GFP_KERNEL), not only atomic ones. */
	{ FI_FAILSLAB "/ignore-gfp-wait", "N", "", false },
	/* 1 prints a line per injected failure, 2 (the default) a stack dump. */
	{ FI_FAILSLAB "/verbose", "0", "", false },
	{ FI_PAGE_ALLOC "/ignore-gfp-wait", "N", "", false },
	/* User and shmem pages are __GFP_HIGHMEM allocations. */
	{ FI_PAGE_ALLOC "/ignore-gfp-highmem", "N", "", false },
	/* Single pages too (the default counts order 1 and above). */
	{ FI_PAGE_ALLOC "/min-order", "0", "", false },
	{ FI_PAGE_ALLOC "/verbose", "0", "", false },
};

static int fi_nth_fd = -1;
static const char *fi_subtest = "";
static unsigned int fi_n;		/* the injection being worked on, 0: none */
static const char *fi_phase = "";

static int read_text(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

static int write_text(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, val, strlen(val));
	close(fd);
	return n == (ssize_t)strlen(val) ? 0 : -1;
}

/* At exit: where a failure happened, and the debugfs settings as they were. */
static void fi_atexit(void)
{
	if (fi_n)
		fprintf(stderr, "  at injection n=%u of %s (%s); to repeat it alone: "
			"PD_FAULT_NTH=%u %s --run-subtest %s\n", fi_n, fi_subtest, fi_phase,
			fi_n, pd_binary_name(), fi_subtest);
	for (size_t i = 0; i < sizeof(fi_knobs) / sizeof(fi_knobs[0]); i++)
		if (fi_knobs[i].changed)
			write_text(fi_knobs[i].file, fi_knobs[i].saved);
}

/* Skip unless the kernel injects faults; set failslab and fail_page_alloc up. */
static void fi_setup(const char *subtest)
{
	char path[64];

	fi_subtest = subtest;
	snprintf(path, sizeof(path), "/proc/self/task/%d/fail-nth", (int)gettid());
	fi_nth_fd = open(path, O_RDWR | O_CLOEXEC);
	pd_require(fi_nth_fd >= 0 || errno != ENOENT,
		   "no %s: this kernel has no fault injection (CONFIG_FAULT_INJECTION)", path);
	pd_assert_f(fi_nth_fd >= 0, "cannot open %s", path);
	pd_require(access(FI_FAILSLAB, F_OK) == 0,
		   "no %s: this kernel has no failslab (CONFIG_FAILSLAB, "
		   "CONFIG_FAULT_INJECTION_DEBUG_FS) or debugfs is not mounted", FI_FAILSLAB);
	pd_require(access(FI_PAGE_ALLOC, F_OK) == 0,
		   "no %s: this kernel has no fail_page_alloc (CONFIG_FAIL_PAGE_ALLOC)",
		   FI_PAGE_ALLOC);

	atexit(fi_atexit);
	for (size_t i = 0; i < sizeof(fi_knobs) / sizeof(fi_knobs[0]); i++) {
		struct fi_knob *k = &fi_knobs[i];
		const char *verbose = getenv("PD_FAULT_VERBOSE");

		/* To see the injected failure's stack when repeating it by hand. */
		if (verbose && *verbose && strstr(k->file, "/verbose"))
			k->value = verbose;
		pd_assert_f(read_text(k->file, k->saved, sizeof(k->saved)) == 0,
			    "cannot read %s", k->file);
		pd_assert_f(write_text(k->file, k->value) == 0, "cannot write %s to %s",
			    k->value, k->file);
		k->changed = true;
	}
}

/* Make the @n-th injection point this thread reaches fail. */
static void fi_arm(unsigned int n)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%u", n);

	pd_assert_f(pwrite(fi_nth_fd, buf, len, 0) == len, "cannot write %u to fail-nth", n);
}

/* Disarm; returns 0 if the failure was injected, else what was left of n. */
static unsigned int fi_disarm(void)
{
	char buf[16];
	ssize_t r = pread(fi_nth_fd, buf, sizeof(buf) - 1, 0);
	int err = errno;
	ssize_t w = pwrite(fi_nth_fd, "0", 1, 0);

	errno = err;
	pd_assert_f(r > 0, "cannot read fail-nth");
	pd_assert_f(w == 1, "cannot reset fail-nth");
	buf[r] = '\0';
	return (unsigned int)strtoul(buf, NULL, 10);
}

/* ---- what must not leak ----------------------------------------------------------- */

static int fi_card = -1;	/* primedisp's card node */

struct fi_counts {
	long objects, dmabufs, fbs;
	int fds;
};

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	pd_assert(d);
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1;	/* opendir's own */
}

/* Framebuffers of the device (debugfs "framebuffer"), -1 if unreadable. */
static long count_fbs(void)
{
	char dir[64], path[128], line[256];
	long n = 0;
	FILE *f;

	if (!pd_debugfs_dir(fi_card, dir, sizeof(dir)))
		return -1;
	snprintf(path, sizeof(path), "%s/framebuffer", dir);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "framebuffer[", 12))
			n++;
	fclose(f);
	return n;
}

static struct fi_counts counts_take(void)
{
	struct fi_counts c = {
		.objects = pd_gem_objects(), .dmabufs = pd_dmabuf_count(),
		.fbs = count_fbs(), .fds = count_fds(),
	};

	return c;
}

/* Everything back where it was (releases may lag a little behind close()). */
static void counts_expect(const struct fi_counts *want)
{
	double end = pd_now() + 3;
	struct fi_counts now;

	for (;;) {
		now = counts_take();
		if ((now.objects == want->objects && now.dmabufs == want->dmabufs &&
		     now.fbs == want->fbs && now.fds == want->fds) || pd_now() > end)
			break;
		pd_msleep(20);
	}
	errno = 0;
	pd_assert_f(now.objects == want->objects,
		    "primedisp_objects is %ld, was %ld before: a GEM object leaked",
		    now.objects, want->objects);
	pd_assert_f(now.dmabufs == want->dmabufs,
		    "%ld dma-bufs in the system, %ld before: a dma-buf leaked",
		    now.dmabufs, want->dmabufs);
	pd_assert_f(now.fbs == want->fbs, "%ld framebuffers, %ld before: a framebuffer leaked",
		    now.fbs, want->fbs);
	pd_assert_f(now.fds == want->fds, "%d open file descriptors, %d before: an fd leaked",
		    now.fds, want->fds);
}

/* ---- the loop ------------------------------------------------------------------------ */

/*
 * One path.  run() is the operation under injection: raw system calls
 * only, on memory already touched, returning 0 or -errno.  check() asserts
 * that a successful run's result is complete and correct and releases it;
 * check_failed() asserts that a failed run changed nothing the user sees.
 * prepare() and cleanup() make and release what one run works on.
 */
struct fi_op {
	const char *what;
	void (*prepare)(void);
	int (*run)(void);
	void (*check)(void);
	void (*check_failed)(void);
	void (*cleanup)(void);
	/* An error besides ENOMEM that an allocation failure gives here, and why. */
	int alt_errno;
	const char *alt_why;
};

#define FI_MAX_ERRNOS 8

struct fi_stats {
	unsigned int injected, absorbed, failed;
	int err[FI_MAX_ERRNOS];
	unsigned int err_count[FI_MAX_ERRNOS];
};

static void stats_errno(struct fi_stats *st, int err)
{
	int i;

	for (i = 0; i < FI_MAX_ERRNOS && st->err[i] && st->err[i] != err; i++)
		;
	if (i < FI_MAX_ERRNOS) {
		st->err[i] = err;
		st->err_count[i]++;
	}
}

static void op_prepare(const struct fi_op *op)
{
	if (op->prepare)
		op->prepare();
}

static void op_cleanup(const struct fi_op *op)
{
	if (op->cleanup)
		op->cleanup();
}

static void fi_loop(const struct fi_op *op)
{
	const char *only = getenv("PD_FAULT_NTH");
	unsigned int first = 1, last = UINT_MAX, n;
	struct fi_stats st = { 0 };
	struct fi_counts base;
	char errs[256] = "";
	double t0 = pd_now();
	int ret;

	if (only && *only) {
		first = last = (unsigned int)strtoul(only, NULL, 10);
		pd_assert_f(first > 0, "PD_FAULT_NTH=%s: give an injection number from 1", only);
	}

	/* Once without injection: it works, and its code and data are paged in. */
	base = counts_take();
	fi_phase = "run without injection";
	op_prepare(op);
	ret = op->run();
	pd_assert_f(ret == 0, "%s fails without injection: %s", op->what, strerror(-ret));
	op->check();
	op_cleanup(op);
	counts_expect(&base);

	for (n = first; n <= last; n++) {
		unsigned int left;

		fi_n = n;
		fi_phase = "preparation";
		op_prepare(op);
		fi_phase = "injected run";
		fi_arm(n);
		ret = op->run();
		left = fi_disarm();
		if (left) {
			/* Fewer than n injection points: nothing was injected. */
			fi_phase = "run with nothing left to inject";
			pd_assert_f(ret == 0, "%s failed (%s) although nothing was injected",
				    op->what, strerror(-ret));
			op->check();
			op_cleanup(op);
			counts_expect(&base);
			break;
		}
		st.injected++;
		if (!ret) {
			st.absorbed++;
			fi_phase = "check of the result of an absorbed injection";
			op->check();
			/* What the failure left behind must not show in the next run either. */
			op_cleanup(op);
			fi_phase = "preparation after an absorbed injection";
			op_prepare(op);
			fi_phase = "run without injection after an absorbed injection";
			ret = op->run();
			pd_assert_f(ret == 0, "%s fails (%s) without injection after an absorbed "
				    "injection", op->what, strerror(-ret));
			op->check();
		} else {
			st.failed++;
			stats_errno(&st, -ret);
			fi_phase = "state after the failed run";
			if (op->check_failed)
				op->check_failed();
			pd_assert_f(ret == -ENOMEM || (op->alt_errno && ret == -op->alt_errno),
				    "%s failed with %s: an allocation failure should give ENOMEM%s%s",
				    op->what, strerror(-ret), op->alt_errno ? " or " : "",
				    op->alt_errno ? strerrorname_np(op->alt_errno) : "");
			fi_phase = "run without injection after the failure";
			ret = op->run();
			pd_assert_f(ret == 0, "%s fails (%s) without injection after an injected "
				    "failure", op->what, strerror(-ret));
			op->check();
		}
		op_cleanup(op);
		fi_phase = "leak check";
		counts_expect(&base);
		if (n % 50 == 0)
			pd_info("%s: %u injections so far (%.0f s)", op->what, n, pd_now() - t0);
	}
	fi_n = 0;

	for (int i = 0; i < FI_MAX_ERRNOS && st.err[i]; i++)
		snprintf(errs + strlen(errs), sizeof(errs) - strlen(errs), "%s%s x%u",
			 i ? ", " : "", strerrorname_np(st.err[i]) ?: "?", st.err_count[i]);
	pd_info("%s: %u injection points exercised: %u failed cleanly (%s), %u absorbed "
		"(succeeded with a correct result) (%.1f s)", op->what, st.injected, st.failed,
		st.failed ? errs : "-", st.absorbed, pd_now() - t0);
	if (op->alt_errno && strstr(errs, strerrorname_np(op->alt_errno)))
		pd_info("  (%s: %s)", strerrorname_np(op->alt_errno), op->alt_why);
	pd_assert_f(st.injected > 0, only ?
		    "PD_FAULT_NTH=%s is beyond the injection points of %s" :
		    "%s%s: not one allocation could be made to fail", only ?: "", op->what);
}

/* ---- the display ------------------------------------------------------------------- */

static struct pd_display disp;

static void display_open(void)
{
	pd_display_open(&disp);
	pd_display_use_mode(&disp, FB_W, FB_H);
	fi_card = disp.fd;
}

static uint32_t crc_now(void)
{
	uint32_t crc;

	pd_assert_f(pd_crtc_crc(disp.fd, disp.out.crtc_index, &crc),
		    "no CRC interface (debugfs crtc-%d/crc)", disp.out.crtc_index);
	return crc;
}

static void expect_crc(uint32_t want, const char *what)
{
	uint32_t got = crc_now();

	errno = 0;
	pd_assert_f(got == want, "%s: the CRTC's CRC is 0x%08x, expected 0x%08x", what, got,
		    want);
}

/* A full-screen XRGB8888 framebuffer shown on the primary plane, with its CRC. */
struct shown {
	struct pd_test_fb fb;
	struct pd_plane_cfg cfg;
	uint32_t crc;
};

static void shown_create(struct shown *s, uint32_t seed)
{
	pd_assert_eq(pd_test_fb_create(disp.fd, DRM_FORMAT_XRGB8888, FB_W, FB_H, seed, &s->fb),
		     0);
	s->cfg = pd_plane_cfg(&s->fb, 0, 0);
	s->crc = pd_expected_crc(&disp, &s->cfg, 1);
}

/* Show @base on the primary plane (with a modeset if @modeset), nothing else. */
static void show(const struct shown *base, bool modeset)
{
	pd_assert_eq(pd_apply(&disp, &base->cfg, 1, modeset, 0), 0);
}

/* @fb on the first overlay at (@x, @y), above @base on the primary plane. */
static void overlay_cfgs(const struct shown *base, const struct pd_test_fb *fb, int x, int y,
			 struct pd_plane_cfg cfgs[2])
{
	pd_require(disp.noverlays > 0, "CRTC %d has no overlay plane", disp.out.crtc_index);
	cfgs[0] = base->cfg;
	cfgs[1] = pd_plane_cfg(fb, x, y);
}

/*
 * Show @fb on the first overlay at (@x, @y) above @base, check that the
 * CRC is @want, then remove @fb, which takes it off.
 */
static void show_on_overlay_and_remove(const struct shown *base, const struct pd_test_fb *fb,
				       int x, int y, uint32_t want, const char *what)
{
	struct pd_plane_cfg cfgs[2];

	overlay_cfgs(base, fb, x, y, cfgs);
	pd_assert_eq(pd_apply(&disp, cfgs, 2, false, 0), 0);
	expect_crc(want, what);
	pd_assert_f(drmModeRmFB(disp.fd, fb->id) == 0, "RMFB %u failed", fb->id);
}

/* The whole display off: planes, CRTC, connectors. */
static void display_off(void)
{
	drmModeAtomicReqPtr req = drmModeAtomicAlloc();

	pd_assert(req);
	for (int i = 0; i < disp.nplanes; i++) {
		pd_req_add(req, disp.fd, disp.planes[i], T_PLANE, "FB_ID", 0);
		pd_req_add(req, disp.fd, disp.planes[i], T_PLANE, "CRTC_ID", 0);
	}
	pd_req_add(req, disp.fd, disp.out.conn, T_CONN, "CRTC_ID", 0);
	pd_req_add(req, disp.fd, disp.out.crtc, T_CRTC, "MODE_ID", 0);
	pd_req_add(req, disp.fd, disp.out.crtc, T_CRTC, "ACTIVE", 0);
	pd_assert_eq(pd_commit(&disp, req, DRM_MODE_ATOMIC_ALLOW_MODESET), 0);
	drmModeAtomicFree(req);
}

/* An atomic request built beforehand, committed with the raw ioctl. */
struct raw_req {
	uint32_t objs[8], counts[8], props[32];
	uint64_t values[32];
	unsigned int nobjs, nprops;
};

/* Add a property; the properties of one object must be added together. */
static void raw_add(struct raw_req *r, uint32_t obj, uint32_t type, const char *name,
		    uint64_t value)
{
	uint32_t prop = pd_prop_id(disp.fd, obj, type, name);

	pd_assert_f(prop, "object %u has no property \"%s\"", obj, name);
	pd_assert(r->nprops < 32);
	if (!r->nobjs || r->objs[r->nobjs - 1] != obj) {
		pd_assert(r->nobjs < 8);
		r->objs[r->nobjs] = obj;
		r->counts[r->nobjs++] = 0;
	}
	r->counts[r->nobjs - 1]++;
	r->props[r->nprops] = prop;
	r->values[r->nprops++] = value;
}

/* The primary plane showing @fb full screen. */
static void raw_primary(struct raw_req *r, uint32_t fb)
{
	uint32_t p = disp.primary;

	raw_add(r, p, T_PLANE, "FB_ID", fb);
	raw_add(r, p, T_PLANE, "CRTC_ID", disp.out.crtc);
	raw_add(r, p, T_PLANE, "SRC_X", 0);
	raw_add(r, p, T_PLANE, "SRC_Y", 0);
	raw_add(r, p, T_PLANE, "SRC_W", (uint64_t)FB_W << 16);
	raw_add(r, p, T_PLANE, "SRC_H", (uint64_t)FB_H << 16);
	raw_add(r, p, T_PLANE, "CRTC_X", 0);
	raw_add(r, p, T_PLANE, "CRTC_Y", 0);
	raw_add(r, p, T_PLANE, "CRTC_W", FB_W);
	raw_add(r, p, T_PLANE, "CRTC_H", FB_H);
}

static int raw_commit(const struct raw_req *r, uint32_t flags, uint64_t user_data)
{
	struct drm_mode_atomic a = {
		.flags = flags,
		.count_objs = r->nobjs,
		.objs_ptr = (uintptr_t)r->objs,
		.count_props_ptr = (uintptr_t)r->counts,
		.props_ptr = (uintptr_t)r->props,
		.prop_values_ptr = (uintptr_t)r->values,
		.user_data = user_data,
	};

	return ioctl(disp.fd, DRM_IOCTL_MODE_ATOMIC, &a) ? -errno : 0;
}

static drmModeCrtcPtr get_crtc(void)
{
	drmModeCrtcPtr c = drmModeGetCrtc(disp.fd, disp.out.crtc);

	pd_assert_f(c, "GETCRTC %u failed", disp.out.crtc);
	return c;
}

/* ---- buffers: contents written and read back ----------------------------------------- */

/* Fill @size bytes of @handle through one mapping and read them through another. */
static void check_pages(uint32_t handle, uint64_t size, bool dumb, uint32_t seed)
{
	uint32_t got;
	void *p;
	long off;

	p = dumb ? pd_dumb_map(fi_card, handle, size, PROT_READ | PROT_WRITE) :
		   pd_gem_map(fi_card, handle, size, PROT_READ | PROT_WRITE);
	pd_fill_pattern(p, size, seed);
	munmap(p, size);
	p = dumb ? pd_dumb_map(fi_card, handle, size, PROT_READ) :
		   pd_gem_map(fi_card, handle, size, PROT_READ);
	off = pd_check_pattern(p, size, seed, &got);
	munmap(p, size);
	pd_assert_f(off < 0, "buffer %u at byte %ld holds 0x%08x, written 0x%08x", handle, off,
		    got, pd_pattern_word(off, seed));
}

/* ---- allocation: CREATE_DUMB ------------------------------------------------------------ */

static const struct drm_mode_create_dumb dumb_in = { .width = 256, .height = 64, .bpp = 32 };
static struct drm_mode_create_dumb dumb_args;

static int dumb_run(void)
{
	dumb_args = dumb_in;
	return ioctl(fi_card, DRM_IOCTL_MODE_CREATE_DUMB, &dumb_args) ? -errno : 0;
}

static void dumb_check(void)
{
	pd_assert_f(dumb_args.handle, "CREATE_DUMB succeeded with handle 0");
	pd_assert_f(dumb_args.pitch >= dumb_in.width * 4 &&
		    dumb_args.size >= (uint64_t)dumb_args.pitch * dumb_in.height,
		    "CREATE_DUMB 256x64x32 gave pitch %u, size %llu", dumb_args.pitch,
		    (unsigned long long)dumb_args.size);
	check_pages(dumb_args.handle, dumb_args.size, true, fi_n + 1);
	pd_dumb_destroy(fi_card, dumb_args.handle);
}

/* A new buffer is a shmem file; shmem gives ENOSPC for an inode it cannot allocate. */
#define SHMEM_WHY	"shmem reports an inode it could not allocate as ENOSPC"

static const struct fi_op op_dumb = {
	.what = "CREATE_DUMB", .run = dumb_run, .check = dumb_check,
	.alt_errno = ENOSPC, .alt_why = SHMEM_WHY,
};

static void test_alloc_dumb(void)
{
	fi_setup("alloc-dumb");
	fi_card = pd_open_card(NULL);
	fi_loop(&op_dumb);
	close(fi_card);
}

/* ---- allocation: PRIMEDISP_GEM_CREATE --------------------------------------------------- */

static const struct drm_primedisp_gem_create gem_in = {
	.width = FB_W, .height = FB_H, .format = DRM_FORMAT_NV12,
	.flags = PRIMEDISP_GEM_CREATE_SCANOUT,
};
static struct drm_primedisp_gem_create gem_args;

static int gem_run(void)
{
	gem_args = gem_in;
	return ioctl(fi_card, DRM_IOCTL_PRIMEDISP_GEM_CREATE, &gem_args) ? -errno : 0;
}

static void gem_check(void)
{
	uint64_t want = ((uint64_t)FB_W * FB_H * 3 / 2 + 4095) & ~4095ull, size;

	pd_assert_f(gem_args.handle, "GEM_CREATE succeeded with handle 0");
	pd_assert_eq(gem_args.num_planes, 2);
	pd_assert_eq(gem_args.pitches[0], FB_W);
	pd_assert_eq(gem_args.pitches[1], FB_W);
	pd_assert_eq(gem_args.offsets[0], 0);
	pd_assert_eq(gem_args.offsets[1], FB_W * FB_H);
	pd_assert_eq(gem_args.size, want);
	pd_assert_eq(pd_gem_info(fi_card, gem_args.handle, &size), PRIMEDISP_GEM_CREATE_SCANOUT);
	pd_assert_eq(size, want);
	check_pages(gem_args.handle, gem_args.size, false, fi_n + 2);
	pd_gem_close(fi_card, gem_args.handle);
}

static const struct fi_op op_gem = {
	.what = "PRIMEDISP_GEM_CREATE", .run = gem_run, .check = gem_check,
	.alt_errno = ENOSPC, .alt_why = SHMEM_WHY,
};

static void test_alloc_gem(void)
{
	fi_setup("alloc-gem-create");
	fi_card = pd_open_card(NULL);
	fi_loop(&op_gem);
	close(fi_card);
}

/* ---- mmap and the first touch of every page ------------------------------------------- */

#define MM_SIZE		(64u << 10)
#define MM_PAGES	(MM_SIZE / 4096)

static uint32_t mm_handle;
static uint64_t mm_offset;
static volatile uint32_t *mm_ptr;
static sigjmp_buf mm_jmp;
static volatile sig_atomic_t mm_sigbus = -1;
static volatile unsigned int mm_page;

static void mm_on_sigbus(int sig)
{
	(void)sig;
	mm_sigbus = (sig_atomic_t)mm_page;
	siglongjmp(mm_jmp, 1);
}

static uint32_t mm_word(unsigned int page)
{
	return 0x5a000000u ^ (fi_n << 8) ^ page;
}

/* A new buffer each time: its pages are allocated by the mmap. */
static void mm_prepare(void)
{
	uint64_t size = MM_SIZE;

	mm_handle = pd_gem_create(fi_card, &size, 0);
	pd_assert_f(__pd_gem_mmap_offset(fi_card, mm_handle, 0, &mm_offset) == 0,
		    "MMAP_OFFSET of handle %u failed", mm_handle);
	mm_ptr = NULL;
	mm_sigbus = -1;
}

static int mm_run(void)
{
	void *p = mmap(NULL, MM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fi_card, mm_offset);

	if (p == MAP_FAILED)
		return -errno;
	mm_ptr = p;
	if (sigsetjmp(mm_jmp, 1))
		return -EFAULT;
	for (mm_page = 0; mm_page < MM_PAGES; mm_page++)
		mm_ptr[mm_page * 1024] = mm_word(mm_page);
	return 0;
}

static void mm_check(void)
{
	volatile uint32_t *p;

	for (unsigned int i = 0; i < MM_PAGES; i++)
		pd_assert_f(mm_ptr[i * 1024] == mm_word(i), "page %u reads 0x%08x, wrote 0x%08x",
			    i, mm_ptr[i * 1024], mm_word(i));
	munmap((void *)mm_ptr, MM_SIZE);
	mm_ptr = NULL;
	/* The writes are in the buffer, not only in that mapping. */
	p = pd_gem_map(fi_card, mm_handle, MM_SIZE, PROT_READ);
	for (unsigned int i = 0; i < MM_PAGES; i++)
		pd_assert_f(p[i * 1024] == mm_word(i),
			    "page %u reads 0x%08x through a new mapping, wrote 0x%08x", i,
			    p[i * 1024], mm_word(i));
	munmap((void *)p, MM_SIZE);
}

static void mm_check_failed(void)
{
	pd_assert_f(mm_sigbus < 0, "mmap succeeded but touching page %d raised SIGBUS",
		    (int)mm_sigbus);
	pd_assert(!mm_ptr);
}

static void mm_cleanup(void)
{
	if (mm_ptr)
		munmap((void *)mm_ptr, MM_SIZE);
	mm_ptr = NULL;
	pd_gem_close(fi_card, mm_handle);
}

static const struct fi_op op_mmap = {
	.what = "mmap and first touch", .prepare = mm_prepare, .run = mm_run,
	.check = mm_check, .check_failed = mm_check_failed, .cleanup = mm_cleanup,
};

static void test_mmap(void)
{
	struct sigaction sa = { .sa_handler = mm_on_sigbus };

	fi_setup("mmap-first-touch");
	fi_card = pd_open_card(NULL);
	pd_assert(sigaction(SIGBUS, &sa, NULL) == 0);
	fi_loop(&op_mmap);
	close(fi_card);
}

/* ---- export: PRIME HANDLE_TO_FD ------------------------------------------------------------ */

#define EX_SIZE		(64u << 10)

static uint32_t ex_handle;
static int ex_fd = -1;

/* A new buffer each time, never exported before. */
static void ex_prepare(void)
{
	uint64_t size = EX_SIZE;
	void *p;

	ex_handle = pd_gem_create(fi_card, &size, 0);
	p = pd_gem_map(fi_card, ex_handle, EX_SIZE, PROT_READ | PROT_WRITE);
	pd_fill_pattern(p, EX_SIZE, fi_n + 3);
	munmap(p, EX_SIZE);
	ex_fd = -1;
}

static int ex_run(void)
{
	struct drm_prime_handle a = {
		.handle = ex_handle, .flags = DRM_CLOEXEC | DRM_RDWR, .fd = -1,
	};

	if (ioctl(fi_card, DRM_IOCTL_PRIME_HANDLE_TO_FD, &a))
		return -errno;
	ex_fd = a.fd;
	return 0;
}

static void ex_check(void)
{
	uint32_t got;
	long off;
	void *p;

	pd_assert_f(ex_fd >= 0, "HANDLE_TO_FD succeeded with fd %d", ex_fd);
	pd_assert_eq(__pd_dmabuf_size(ex_fd), EX_SIZE);
	p = pd_dmabuf_map(ex_fd, EX_SIZE, PROT_READ);
	pd_dmabuf_sync(ex_fd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ);
	off = pd_check_pattern(p, EX_SIZE, fi_n + 3, &got);
	pd_dmabuf_sync(ex_fd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ);
	munmap(p, EX_SIZE);
	pd_assert_f(off < 0, "the dma-buf at byte %ld holds 0x%08x, the buffer 0x%08x", off, got,
		    pd_pattern_word(off, fi_n + 3));
	/* Imported back: the same object. */
	pd_assert_eq(pd_prime_fd_to_handle(fi_card, ex_fd), ex_handle);
	pd_assert(pd_gem_info(fi_card, ex_handle, NULL) & PRIMEDISP_GEM_INFO_EXPORTED);
	close(ex_fd);
	ex_fd = -1;
}

static void ex_check_failed(void)
{
	pd_assert_eq(ex_fd, -1);
}

static void ex_cleanup(void)
{
	pd_gem_close(fi_card, ex_handle);
}

static const struct fi_op op_export = {
	.what = "PRIME HANDLE_TO_FD", .prepare = ex_prepare, .run = ex_run, .check = ex_check,
	.check_failed = ex_check_failed, .cleanup = ex_cleanup,
};

static void test_export(void)
{
	fi_setup("export");
	fi_card = pd_open_card(NULL);
	fi_loop(&op_export);
	close(fi_card);
}

/* ---- import: PRIME FD_TO_HANDLE of other devices' buffers ----------------------------- */

/*
 * The imported buffer: small (its pages are mapped one by one for primedisp,
 * each an injection point), shown on an overlay at (IM_X, IM_Y).
 */
#define IM_W		128
#define IM_H		64
#define IM_X		64
#define IM_Y		48

enum im_kind { IM_VGEM, IM_UDMABUF, IM_HEAP };

static enum im_kind im_kind;
static struct shown im_base;
static uint8_t im_template[IM_W * 4 * IM_H];	/* what every new buffer holds */
static uint32_t im_crc;				/* the CRC with it on screen */
static int im_dmabuf = -1;	/* the exporter's dma-buf */
static uint8_t *im_map;		/* its pixels, through the exporter */
static size_t im_size;
static uint32_t im_pitch, im_handle;
static int im_vgem = -1, im_udmabuf = -1, im_memfd = -1;
static uint32_t im_vgem_handle;

/* The template's rows into a buffer of pitch @pitch. */
static void im_fill(uint8_t *p, uint32_t pitch)
{
	for (int y = 0; y < IM_H; y++)
		memcpy(p + (size_t)y * pitch, im_template + (size_t)y * IM_W * 4, IM_W * 4);
}

/* A new IM_W x IM_H XRGB8888 buffer of the exporter, holding the template. */
static void im_prepare(void)
{
	im_pitch = IM_W * 4;
	im_size = (size_t)im_pitch * IM_H;
	switch (im_kind) {
	case IM_VGEM: {
		uint64_t size;

		im_vgem_handle = pd_vgem_create(im_vgem, IM_W, IM_H, 32, &im_pitch, &size);
		im_size = size;
		im_map = pd_dumb_map(im_vgem, im_vgem_handle, im_size, PROT_READ | PROT_WRITE);
		im_fill(im_map, im_pitch);
		im_dmabuf = pd_prime_handle_to_fd(im_vgem, im_vgem_handle);
		break;
	}
	case IM_UDMABUF: {
		struct udmabuf_create c = { .flags = UDMABUF_FLAGS_CLOEXEC, .size = im_size };

		im_map = pd_udmabuf_memfd("fault-injection", im_size, &im_memfd);
		im_fill(im_map, im_pitch);
		c.memfd = im_memfd;
		im_dmabuf = ioctl(im_udmabuf, UDMABUF_CREATE, &c);
		pd_assert_f(im_dmabuf >= 0, "UDMABUF_CREATE of %zu bytes failed", im_size);
		break;
	}
	case IM_HEAP: {
		struct dma_heap_allocation_data a = {
			.len = im_size, .fd_flags = O_RDWR | O_CLOEXEC,
		};
		int heap = open(SYSTEM_HEAP, O_RDONLY | O_CLOEXEC);

		pd_assert_f(heap >= 0, "cannot open %s", SYSTEM_HEAP);
		pd_assert_f(ioctl(heap, DMA_HEAP_IOCTL_ALLOC, &a) == 0,
			    "DMA_HEAP_IOCTL_ALLOC of %zu bytes failed", im_size);
		close(heap);
		im_dmabuf = a.fd;
		im_map = pd_dmabuf_map(im_dmabuf, im_size, PROT_READ | PROT_WRITE);
		pd_dmabuf_sync(im_dmabuf, DMA_BUF_SYNC_START | DMA_BUF_SYNC_WRITE);
		im_fill(im_map, im_pitch);
		pd_dmabuf_sync(im_dmabuf, DMA_BUF_SYNC_END | DMA_BUF_SYNC_WRITE);
		break;
	}
	}
	im_handle = 0;
}

static int im_run(void)
{
	struct drm_prime_handle a = { .fd = im_dmabuf };

	if (ioctl(fi_card, DRM_IOCTL_PRIME_FD_TO_HANDLE, &a))
		return -errno;
	im_handle = a.handle;
	return 0;
}

/* The import is the exporter's buffer: same dma-buf, and it shows its pixels. */
static void im_check(void)
{
	uint32_t handles[4] = { im_handle }, pitches[4] = { im_pitch }, offsets[4] = { 0 };
	struct pd_test_fb fb = { .fd = fi_card, .handle = im_handle };
	uint64_t size;
	int reexp;

	pd_assert_f(im_handle, "FD_TO_HANDLE succeeded with handle 0");
	pd_assert(pd_gem_info(fi_card, im_handle, &size) & PRIMEDISP_GEM_INFO_IMPORTED);
	pd_assert_eq(size, im_size);
	reexp = pd_prime_handle_to_fd(fi_card, im_handle);
	pd_assert_f(pd_fd_ino(reexp) == pd_fd_ino(im_dmabuf),
		    "the import exports another dma-buf than the one imported");
	close(reexp);

	pd_assert_f(drmModeAddFB2(fi_card, IM_W, IM_H, DRM_FORMAT_XRGB8888, handles, pitches,
				  offsets, &fb.id, 0) == 0, "ADDFB2 of the import failed");
	fb.ref.format = DRM_FORMAT_XRGB8888;
	fb.ref.width = IM_W;
	fb.ref.height = IM_H;
	show_on_overlay_and_remove(&im_base, &fb, IM_X, IM_Y, im_crc,
				   "the imported buffer on screen");
	pd_gem_close(fi_card, im_handle);
	im_handle = 0;
}

static void im_cleanup(void)
{
	munmap(im_map, im_size);
	close(im_dmabuf);
	im_dmabuf = -1;
	if (im_kind == IM_VGEM)
		pd_gem_close(im_vgem, im_vgem_handle);
	if (im_memfd >= 0)
		close(im_memfd);
	im_memfd = -1;
}

static const struct fi_op op_import = {
	.what = "PRIME FD_TO_HANDLE", .prepare = im_prepare, .run = im_run, .check = im_check,
	.cleanup = im_cleanup,
};

static void test_import(enum im_kind kind, const char *name)
{
	fi_setup(name);
	im_kind = kind;
	switch (kind) {
	case IM_VGEM:
		im_vgem = pd_vgem_open();
		break;
	case IM_UDMABUF:
		im_udmabuf = open(UDMABUF_DEV, O_RDWR | O_CLOEXEC);
		pd_require(im_udmabuf >= 0 || errno != ENOENT,
			   "no %s: this kernel has no udmabuf (CONFIG_UDMABUF)", UDMABUF_DEV);
		pd_assert_f(im_udmabuf >= 0, "cannot open %s", UDMABUF_DEV);
		break;
	case IM_HEAP:
		pd_require(access(SYSTEM_HEAP, F_OK) == 0,
			   "no %s: this kernel has no system dma-buf heap "
			   "(CONFIG_DMABUF_HEAPS_SYSTEM)", SYSTEM_HEAP);
		break;
	}
	display_open();
	shown_create(&im_base, 1);
	show(&im_base, true);
	{
		struct pd_test_fb fb = {
			.ref = {
				.format = DRM_FORMAT_XRGB8888, .width = IM_W, .height = IM_H,
				.data = { im_template }, .pitch = { IM_W * 4 },
			},
		};
		struct pd_plane_cfg cfgs[2];

		pd_ref_random_fill(im_template, sizeof(im_template), 100);
		overlay_cfgs(&im_base, &fb, IM_X, IM_Y, cfgs);
		im_crc = pd_expected_crc(&disp, cfgs, 2);
	}
	fi_loop(&op_import);
	pd_test_fb_destroy(&im_base.fb);
	pd_display_close(&disp);
}

static void test_import_vgem(void) { test_import(IM_VGEM, "import-vgem"); }
static void test_import_udmabuf(void) { test_import(IM_UDMABUF, "import-udmabuf"); }
static void test_import_heap(void) { test_import(IM_HEAP, "import-dma-heap"); }

/* ---- ADDFB2 ------------------------------------------------------------------------------- */

static struct shown af_base;
static struct pd_test_fb af_buf;	/* the buffer, its framebuffer removed */
static uint32_t af_crc;			/* the CRC with it on screen */
static struct drm_mode_fb_cmd2 af_in, af_args;

static int af_run(void)
{
	af_args = af_in;
	return ioctl(fi_card, DRM_IOCTL_MODE_ADDFB2, &af_args) ? -errno : 0;
}

static void af_check(void)
{
	drmModeFB2Ptr got;
	struct pd_test_fb fb = af_buf;
	char name[8];

	pd_assert_f(af_args.fb_id, "ADDFB2 succeeded with framebuffer id 0");
	got = drmModeGetFB2(fi_card, af_args.fb_id);
	pd_assert_f(got, "GETFB2 of the new framebuffer %u failed", af_args.fb_id);
	pd_assert_eq(got->width, FB_W);
	pd_assert_eq(got->height, FB_H);
	pd_assert_f(got->pixel_format == af_in.pixel_format, "GETFB2 says format %s",
		    pd_fourcc_str(got->pixel_format, name));
	for (int i = 0; i < 4; i++) {
		pd_assert_eq(got->pitches[i], af_in.pitches[i]);
		pd_assert_eq(got->offsets[i], af_in.offsets[i]);
	}
	/* GETFB2 gave us handles of our own to the buffer. */
	for (int i = 0; i < 4; i++)
		if (got->handles[i] && (i == 0 || got->handles[i] != got->handles[0]))
			pd_gem_close(fi_card, got->handles[i]);
	drmModeFreeFB2(got);
	fb.id = af_args.fb_id;
	show_on_overlay_and_remove(&af_base, &fb, 0, 0, af_crc, "the new framebuffer on screen");
}

static const struct fi_op op_addfb = {
	.what = "ADDFB2", .run = af_run, .check = af_check,
};

static void test_addfb(uint32_t format, const char *name)
{
	int np, cpp[4], hs, vs;

	fi_setup(name);
	display_open();
	shown_create(&af_base, 1);
	show(&af_base, true);
	pd_assert_eq(pd_test_fb_create(fi_card, format, FB_W, FB_H, 7, &af_buf), 0);
	{
		struct pd_plane_cfg cfgs[2];

		overlay_cfgs(&af_base, &af_buf, 0, 0, cfgs);
		af_crc = pd_expected_crc(&disp, cfgs, 2);
	}
	pd_assert(drmModeRmFB(fi_card, af_buf.id) == 0);
	af_buf.id = 0;
	pd_assert_eq(pd_ref_format_layout(format, &np, cpp, &hs, &vs), 0);
	af_in = (struct drm_mode_fb_cmd2){
		.width = FB_W, .height = FB_H, .pixel_format = format,
	};
	for (int i = 0; i < np; i++) {
		af_in.handles[i] = af_buf.handle;
		af_in.pitches[i] = af_buf.ref.pitch[i];
		af_in.offsets[i] = af_buf.offsets[i];
	}
	fi_loop(&op_addfb);
	munmap(af_buf.map, af_buf.size);
	pd_dumb_destroy(fi_card, af_buf.handle);
	pd_test_fb_destroy(&af_base.fb);
	pd_display_close(&disp);
}

static void test_addfb_xrgb(void) { test_addfb(DRM_FORMAT_XRGB8888, "addfb2"); }
static void test_addfb_nv12(void) { test_addfb(DRM_FORMAT_NV12, "addfb2-nv12"); }

/* ---- atomic modeset ------------------------------------------------------------------------ */

static struct shown cm_a;
static struct raw_req cm_on;

static void cm_prepare(void)
{
	drmModeCrtcPtr c = get_crtc();

	if (c->mode_valid)
		display_off();
	drmModeFreeCrtc(c);
}

static int cm_run(void)
{
	return raw_commit(&cm_on, DRM_MODE_ATOMIC_ALLOW_MODESET, 0);
}

static void cm_check(void)
{
	drmModeCrtcPtr c = get_crtc();

	pd_assert_f(c->mode_valid && c->mode.hdisplay == FB_W && c->mode.vdisplay == FB_H,
		    "after the modeset the CRTC is %s, %ux%u", c->mode_valid ? "on" : "off",
		    c->mode.hdisplay, c->mode.vdisplay);
	pd_assert_eq(c->buffer_id, cm_a.fb.id);
	drmModeFreeCrtc(c);
	expect_crc(cm_a.crc, "after the modeset");
}

static void cm_check_failed(void)
{
	drmModeCrtcPtr c = get_crtc();

	pd_assert_f(!c->mode_valid && !c->buffer_id,
		    "a failed modeset left the CRTC on (mode %s, framebuffer %u)",
		    c->mode_valid ? "set" : "none", c->buffer_id);
	drmModeFreeCrtc(c);
}

static const struct fi_op op_modeset = {
	.what = "atomic modeset", .prepare = cm_prepare, .run = cm_run, .check = cm_check,
	.check_failed = cm_check_failed,
};

static void test_commit_modeset(void)
{
	fi_setup("commit-modeset");
	display_open();
	shown_create(&cm_a, 3);
	raw_add(&cm_on, disp.out.conn, T_CONN, "CRTC_ID", disp.out.crtc);
	raw_add(&cm_on, disp.out.crtc, T_CRTC, "MODE_ID", disp.mode_blob);
	raw_add(&cm_on, disp.out.crtc, T_CRTC, "ACTIVE", 1);
	raw_primary(&cm_on, cm_a.fb.id);
	fi_loop(&op_modeset);
	pd_test_fb_destroy(&cm_a.fb);
	pd_display_close(&disp);
}

/* ---- page flip ------------------------------------------------------------------------------ */

static struct shown fl_a, fl_b;
static struct raw_req fl_to_a, fl_to_b;
static bool fl_on_b;

static void fl_prepare(void)
{
	if (fl_on_b)
		pd_assert_eq(raw_commit(&fl_to_a, 0, 0), 0);
	fl_on_b = false;
}

static uint64_t fl_cookie(void)
{
	return 0xf11f0000ull + fi_n;
}

static int fl_run(void)
{
	return raw_commit(&fl_to_b, DRM_MODE_PAGE_FLIP_EVENT, fl_cookie());
}

static bool event_pending(int timeout_ms)
{
	struct pollfd pfd = { .fd = disp.fd, .events = POLLIN };

	return poll(&pfd, 1, timeout_ms) == 1;
}

static void fl_check(void)
{
	struct drm_event_vblank ev;
	drmModeCrtcPtr c;
	ssize_t n;

	/* The commit was blocking: its event is there already. */
	pd_assert_f(event_pending(1000), "no flip event after a successful flip");
	n = read(disp.fd, &ev, sizeof(ev));
	pd_assert_eq(n, sizeof(ev));
	pd_assert_eq(ev.base.type, DRM_EVENT_FLIP_COMPLETE);
	pd_assert_eq(ev.user_data, fl_cookie());
	pd_assert_eq(ev.crtc_id, disp.out.crtc);
	pd_assert_f(!event_pending(0), "a second event after one flip");
	fl_on_b = true;
	c = get_crtc();
	pd_assert_eq(c->buffer_id, fl_b.fb.id);
	drmModeFreeCrtc(c);
	expect_crc(fl_b.crc, "after the flip");
}

static void fl_check_failed(void)
{
	pd_assert_f(!event_pending(0), "an event for a flip that failed");
	expect_crc(fl_a.crc, "after a failed flip");
}

static const struct fi_op op_flip = {
	.what = "atomic page flip", .prepare = fl_prepare, .run = fl_run, .check = fl_check,
	.check_failed = fl_check_failed,
};

static void test_commit_flip(void)
{
	fi_setup("commit-flip");
	display_open();
	shown_create(&fl_a, 4);
	shown_create(&fl_b, 5);
	show(&fl_a, true);
	raw_primary(&fl_to_a, fl_a.fb.id);
	raw_add(&fl_to_b, disp.primary, T_PLANE, "FB_ID", fl_b.fb.id);
	fi_loop(&op_flip);
	pd_test_fb_destroy(&fl_b.fb);
	pd_test_fb_destroy(&fl_a.fb);
	pd_display_close(&disp);
}

/* ---- writeback ------------------------------------------------------------------------------ */

static struct shown wb_scene;
static struct pd_test_fb wb_fb;
static uint8_t *wb_want;
static struct raw_req wb_req;
static int32_t wb_fence = -1;

static void wb_prepare(void)
{
	memset(wb_fb.map, 0x5a, wb_fb.size);
	wb_fence = -1;
}

static int wb_run(void)
{
	return raw_commit(&wb_req, 0, 0);
}

static void wb_check(void)
{
	struct pollfd pfd = { .fd = wb_fence, .events = POLLIN };
	uint32_t pitch = wb_fb.ref.pitch[0];

	pd_assert_f(wb_fence >= 0, "writeback commit succeeded without an out-fence");
	pd_assert_f(poll(&pfd, 1, 10000) == 1, "writeback out-fence not signalled within 10 s");
	close(wb_fence);
	wb_fence = -1;
	for (uint32_t y = 0; y < FB_H; y++) {
		const uint8_t *got = wb_fb.map + (size_t)y * pitch, *want = wb_want + (size_t)y * pitch;

		for (uint32_t x = 0; x < FB_W * 4; x++)
			pd_assert_f(got[x] == want[x],
				    "captured frame differs at pixel (%u,%u): byte %u is 0x%02x, "
				    "expected 0x%02x", x / 4, y, x % 4, got[x], want[x]);
	}
	pd_assert_eq(pd_prop_get(disp.fd, disp.wb_conn, T_CONN, "WRITEBACK_FB_ID"), 0);
}

static void wb_check_failed(void)
{
	drmVBlank vbl = {
		.request.type = (drmVBlankSeqType)(DRM_VBLANK_RELATIVE |
			(disp.out.crtc_index << DRM_VBLANK_HIGH_CRTC_SHIFT)),
		.request.sequence = 3,
	};

	pd_assert_f(wb_fence == -1, "a failed writeback commit returned out-fence %d", wb_fence);
	/* Nothing may write the buffer: wait for the frames a capture would take. */
	pd_assert(drmWaitVBlank(disp.fd, &vbl) == 0);
	for (size_t i = 0; i < wb_fb.size; i++)
		pd_assert_f(wb_fb.map[i] == 0x5a,
			    "a failed writeback commit wrote the buffer (byte %zu is 0x%02x)", i,
			    wb_fb.map[i]);
}

static const struct fi_op op_writeback = {
	.what = "writeback commit", .prepare = wb_prepare, .run = wb_run, .check = wb_check,
	.check_failed = wb_check_failed,
};

static void test_writeback(void)
{
	struct pd_ref_px *frame = malloc(sizeof(*frame) * FB_W * FB_H);
	struct pd_ref_plane plane;
	drmModeAtomicReqPtr req;

	fi_setup("writeback");
	display_open();
	pd_require(disp.wb_conn, "CRTC %d has no writeback connector", disp.out.crtc_index);
	shown_create(&wb_scene, 6);
	show(&wb_scene, true);
	/* The writeback connector stays on the CRTC; each commit only adds a job. */
	req = drmModeAtomicAlloc();
	pd_req_add(req, disp.fd, disp.wb_conn, T_CONN, "CRTC_ID", disp.out.crtc);
	pd_assert_eq(pd_commit(&disp, req, DRM_MODE_ATOMIC_ALLOW_MODESET), 0);
	drmModeAtomicFree(req);

	pd_assert_eq(pd_test_fb_create(disp.fd, DRM_FORMAT_XRGB8888, FB_W, FB_H, 0, &wb_fb), 0);
	wb_want = calloc(1, wb_fb.size);
	pd_assert(frame && wb_want);
	plane = pd_ref_of(&wb_scene.cfg, 0);
	pd_ref_compose(&plane, 1, FB_W, FB_H, frame);
	pd_assert(pd_ref_write(frame, FB_W, FB_H, DRM_FORMAT_XRGB8888, wb_want,
			       wb_fb.ref.pitch[0]));
	free(frame);
	raw_add(&wb_req, disp.wb_conn, T_CONN, "WRITEBACK_FB_ID", wb_fb.id);
	raw_add(&wb_req, disp.wb_conn, T_CONN, "WRITEBACK_OUT_FENCE_PTR",
		(uint64_t)(uintptr_t)&wb_fence);
	fi_loop(&op_writeback);
	free(wb_want);
	pd_test_fb_destroy(&wb_fb);
	pd_test_fb_destroy(&wb_scene.fb);
	pd_display_close(&disp);
}

/* ---- CRC through debugfs ----------------------------------------------------------------- */

static struct shown crc_scene;
static char crc_data_path[128];
static int crc_ctl = -1, crc_data = -1;
static char crc_line[64];

static void crc_prepare(void)
{
	crc_data = -1;
	memset(crc_line, 0, sizeof(crc_line));
}

/* Select the source, open the data and read one entry. */
static int crc_run(void)
{
	ssize_t n;

	if (write(crc_ctl, "auto", 4) != 4)
		return -errno;
	crc_data = open(crc_data_path, O_RDONLY | O_CLOEXEC);
	if (crc_data < 0)
		return -errno;
	n = read(crc_data, crc_line, sizeof(crc_line) - 1);
	return n < 0 ? -errno : 0;
}

static void crc_parse(const char *line, uint32_t *frame, uint32_t *crc)
{
	pd_assert_f(sscanf(line, "0x%x 0x%x", frame, crc) == 2, "malformed CRC entry \"%s\"",
		    line);
}

static void crc_check(void)
{
	uint32_t frame, crc, frame2, crc2;
	char line[64] = "";
	ssize_t n;

	pd_assert_f(crc_data >= 0, "no CRC data file");
	crc_parse(crc_line, &frame, &crc);
	pd_assert_f(crc == crc_scene.crc, "CRC of frame %u is 0x%08x, expected 0x%08x", frame,
		    crc, crc_scene.crc);
	/* And the next frame's. */
	n = read(crc_data, line, sizeof(line) - 1);
	pd_assert_f(n > 0, "reading the next CRC failed");
	crc_parse(line, &frame2, &crc2);
	pd_assert_f(frame2 == frame + 1, "CRC for frame %u after frame %u", frame2, frame);
	pd_assert_f(crc2 == crc_scene.crc, "CRC of frame %u is 0x%08x, expected 0x%08x",
		    frame2, crc2, crc_scene.crc);
	close(crc_data);
	crc_data = -1;
}

static void crc_check_failed(void)
{
	if (crc_data >= 0)
		close(crc_data);
	crc_data = -1;
}

static const struct fi_op op_crc = {
	.what = "CRC capture", .prepare = crc_prepare, .run = crc_run, .check = crc_check,
	.check_failed = crc_check_failed,
};

static void test_crc(void)
{
	char dir[64], path[128];

	fi_setup("crc");
	display_open();
	shown_create(&crc_scene, 8);
	show(&crc_scene, true);
	pd_require(pd_debugfs_dir(disp.fd, dir, sizeof(dir)), "no debugfs directory");
	snprintf(path, sizeof(path), "%s/crtc-%d/crc/control", dir, disp.out.crtc_index);
	snprintf(crc_data_path, sizeof(crc_data_path), "%s/crtc-%d/crc/data", dir,
		 disp.out.crtc_index);
	crc_ctl = open(path, O_WRONLY | O_CLOEXEC);
	pd_require(crc_ctl >= 0, "no %s", path);
	fi_loop(&op_crc);
	close(crc_ctl);
	pd_test_fb_destroy(&crc_scene.fb);
	pd_display_close(&disp);
}

static const struct pd_subtest subtests[] = {
	{ "alloc-dumb", test_alloc_dumb, "CREATE_DUMB; the buffer's pages hold what is written" },
	{ "alloc-gem-create", test_alloc_gem,
	  "PRIMEDISP_GEM_CREATE of an NV12 scanout layout; layout, GEM_INFO, pages" },
	{ "mmap-first-touch", test_mmap,
	  "mmap of a new buffer and the first write to each page; no SIGBUS" },
	{ "export", test_export, "PRIME HANDLE_TO_FD of a new buffer; contents, self-import" },
	{ "import-vgem", test_import_vgem,
	  "FD_TO_HANDLE of a vgem buffer; same dma-buf, CRC of it on screen" },
	{ "import-udmabuf", test_import_udmabuf,
	  "FD_TO_HANDLE of a udmabuf; same dma-buf, CRC of it on screen" },
	{ "import-dma-heap", test_import_heap,
	  "FD_TO_HANDLE of a system-heap buffer; same dma-buf, CRC of it on screen" },
	{ "addfb2", test_addfb_xrgb, "ADDFB2 XRGB8888; GETFB2, CRC of it on screen" },
	{ "addfb2-nv12", test_addfb_nv12, "ADDFB2 NV12 (two planes); GETFB2, CRC of it on screen" },
	{ "commit-modeset", test_commit_modeset,
	  "blocking atomic modeset; a failure leaves the CRTC off, success shows the frame" },
	{ "commit-flip", test_commit_flip,
	  "blocking atomic flip with an event; one event and the new frame, or neither" },
	{ "writeback", test_writeback,
	  "writeback commit with an out-fence; the captured frame equals the reference" },
	{ "crc", test_crc, "selecting, opening and reading the CRTC's debugfs CRC" },
	{ }
};

PD_MAIN(subtests, "primedisp's paths with each of their allocations failing in turn "
	"(fail-nth fault injection).");
