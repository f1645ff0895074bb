// SPDX-License-Identifier: GPL-2.0
/*
 * bench.h - what primedisp's benchmark programs share: finding a DRM
 * device by driver name, its outputs and planes, dumb framebuffers, atomic
 * requests, clocks, statistics and the "RESULT" lines that scripts/bench.sh
 * collects.
 */
#ifndef PD_BENCH_H
#define PD_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#define BENCH_MAX_PLANES 16
#define BENCH_MAX_OUTPUTS 8

struct bench_output {
	uint32_t conn, crtc, primary;
	int crtc_index;
};

struct bench_dev {
	int fd;
	char driver[32];
	char debugfs[64];		/* /sys/kernel/debug/dri/MINOR */
	struct bench_output out[BENCH_MAX_OUTPUTS];
	int nout;
	/* planes of out[0]'s CRTC */
	uint32_t overlay, cursor;
};

struct bench_fb {
	uint32_t id, handle, pitch, w, h, format;
	uint64_t size;
	uint8_t *map;
};

/* Exit with a message (printf style). */
void bench_die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
/* Seconds on CLOCK_MONOTONIC. */
double bench_now(void);
/* CPU time (user + system) of this process, seconds. */
double bench_cpu(void);

/* Open the card node of @driver (atomic, universal planes); false if none. */
bool bench_open(struct bench_dev *d, const char *driver);
void bench_close(struct bench_dev *d);
/* A file descriptor of @driver's card node, nothing else set up, or -1. */
int bench_open_fd(const char *driver);

/* Property @name of object @obj (asserts it exists). */
uint32_t bench_prop(int fd, uint32_t obj, uint32_t type, const char *name);
void bench_add(drmModeAtomicReqPtr req, int fd, uint32_t obj, uint32_t type,
	       const char *name, uint64_t value);
/* A @w x @h mode at @hz (simple timings), as a property blob. */
uint32_t bench_mode_blob(int fd, int w, int h, int hz);
/* Connector, CRTC (mode @blob, active) of out[@i] into @req. */
void bench_req_modeset(struct bench_dev *d, drmModeAtomicReqPtr req, int i, uint32_t blob);
/* @plane shows @fb at (@x, @y), unscaled, on out[@i]'s CRTC (@fb NULL: off). */
void bench_req_plane(struct bench_dev *d, drmModeAtomicReqPtr req, int i, uint32_t plane,
		     const struct bench_fb *fb, int x, int y);

/*
 * A dumb-buffer framebuffer of @format (XRGB8888, ARGB8888 or NV12),
 * filled from @seed (for ARGB8888 with partial alpha).
 */
void bench_fb_create(int fd, uint32_t format, uint32_t w, uint32_t h, uint32_t seed,
		     struct bench_fb *fb);
void bench_fb_destroy(int fd, struct bench_fb *fb);

/* Page-flip events of commits made with a struct bench_event as user data. */
struct bench_event {
	int pending;			/* events still to come */
	unsigned int seq, sec, usec;	/* of the last one */
};
/* Wait until @e has no event pending (dies after 5 s without one). */
void bench_wait_events(int fd, struct bench_event *e);

/* Statistics over @n values (sorted in place). */
struct bench_stats {
	double median, min, max;
	int n;
};
struct bench_stats bench_stats(double *v, int n);
/* "RESULT name median min max unit" for scripts/bench.sh. */
void bench_result(const char *name, const char *unit, double *v, int n);

/*
 * The composer's frames, bytes read and nanoseconds since the process first
 * asked, from its tracepoint (igt-tests/lib/pd_compose_trace.h); false if
 * tracefs or the tracepoint is absent.
 */
bool bench_composer_counters(const struct bench_dev *d, long long *frames,
			     long long *bytes, long long *ns);

/* Subcommands (pdbench.c dispatches). */
int bench_compose(int argc, char **argv);
int bench_memcpy(int argc, char **argv);
int bench_fsum(int argc, char **argv);
int bench_zerocopy(int argc, char **argv);
int bench_cputime(int argc, char **argv);
int bench_prime(int argc, char **argv);
int bench_flips(int argc, char **argv);
int bench_memory(int argc, char **argv);
int bench_commit(int argc, char **argv);

#endif
