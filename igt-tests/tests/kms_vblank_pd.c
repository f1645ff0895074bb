// SPDX-License-Identifier: GPL-2.0
/*
 * kms_vblank_pd - vblank and kms_flip timing: vblank counters, timestamps
 * and page flip events of primedisp.
 *
 * primedisp's vblank timestamps are the scheduled starts of frames, so even
 * under a slow emulator the difference of two timestamps must be the
 * difference of their sequence numbers times the frame period of the mode,
 * to within a microsecond or so; what varies under load is only how late
 * userspace hears of a vblank, which is not asserted.
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>
#include <time.h>

#include <xf86drm.h>
#include <xf86drmMode.h>
#include <drm_fourcc.h>

#include "pd_kms.h"
#include "pdtest.h"

#define TS_TOLERANCE_US	5

struct output {
	int fd;
	uint32_t conn, crtc, fb[2];
	drmModeModeInfo mode;
	double period_us;
};

static void setup(struct output *o)
{
	struct pd_kms_output k;

	o->fd = pd_open_card(NULL);
	pd_kms_find_output(o->fd, &k);
	o->conn = k.conn;
	o->crtc = k.crtc;
	o->mode = k.mode;
	/* The frame period as the kernel computes it: htotal*vtotal/clock. */
	o->period_us = (double)o->mode.htotal * o->mode.vtotal * 1000.0 / o->mode.clock;

	for (int i = 0; i < 2; i++) {
		uint32_t pitch, handle;
		uint64_t size;

		handle = pd_dumb_create(o->fd, o->mode.hdisplay, o->mode.vdisplay, 32,
					&pitch, &size);
		pd_assert(drmModeAddFB2(o->fd, o->mode.hdisplay, o->mode.vdisplay,
					DRM_FORMAT_XRGB8888, (uint32_t[4]){ handle },
					(uint32_t[4]){ pitch }, (uint32_t[4]){ 0 },
					&o->fb[i], 0) == 0);
	}
	pd_assert_eq(drmModeSetCrtc(o->fd, o->crtc, o->fb[0], 0, 0, &o->conn, 1,
				    &o->mode), 0);
}

static double ts_us(long sec, long usec)
{
	return sec * 1e6 + usec;
}

/* Timestamps @t1 - @t0 must be (@s1 - @s0) frames apart. */
static void check_ts(struct output *o, uint32_t s0, double t0, uint32_t s1, double t1)
{
	double want = (double)(s1 - s0) * o->period_us, got = t1 - t0;

	pd_assert_f(got > want - TS_TOLERANCE_US && got < want + TS_TOLERANCE_US,
		    "sequence %u -> %u: timestamps %.1f us apart, expected %.1f (period %.3f us)",
		    s0, s1, got, want, o->period_us);
}

static void test_query(void)
{
	struct output o;
	drmVBlank a = { .request.type = DRM_VBLANK_RELATIVE }, b;

	setup(&o);
	pd_assert(drmWaitVBlank(o.fd, &a) == 0);
	pd_msleep(200);
	b = (drmVBlank){ .request.type = DRM_VBLANK_RELATIVE };
	pd_assert(drmWaitVBlank(o.fd, &b) == 0);
	pd_assert_f(b.reply.sequence > a.reply.sequence,
		    "no vblank in 200 ms (%u -> %u)", a.reply.sequence, b.reply.sequence);
	check_ts(&o, a.reply.sequence, ts_us(a.reply.tval_sec, a.reply.tval_usec),
		 b.reply.sequence, ts_us(b.reply.tval_sec, b.reply.tval_usec));
	close(o.fd);
}

static void test_wait(void)
{
	struct output o;
	drmVBlank v = { .request.type = DRM_VBLANK_RELATIVE };
	uint32_t seq0, prev;
	double t0, tprev;

	setup(&o);
	pd_assert(drmWaitVBlank(o.fd, &v) == 0);
	seq0 = prev = v.reply.sequence;
	t0 = tprev = ts_us(v.reply.tval_sec, v.reply.tval_usec);
	for (int i = 0; i < 60; i++) {
		v = (drmVBlank){ .request.type = DRM_VBLANK_RELATIVE, .request.sequence = 1 };
		pd_assert(drmWaitVBlank(o.fd, &v) == 0);
		pd_assert_f(v.reply.sequence > prev, "sequence %u after %u", v.reply.sequence, prev);
		check_ts(&o, prev, tprev, v.reply.sequence,
			 ts_us(v.reply.tval_sec, v.reply.tval_usec));
		prev = v.reply.sequence;
		tprev = ts_us(v.reply.tval_sec, v.reply.tval_usec);
	}
	check_ts(&o, seq0, t0, prev, tprev);
	pd_info("60 waits: %u frames, mean period %.3f us (mode %.3f us)",
		prev - seq0, (tprev - t0) / (prev - seq0), o.period_us);
	close(o.fd);
}

struct flip_state {
	uint32_t seq;
	double ts;
	int done;
	double ts_of[4];	/* timestamp of event number done, modulo 4 */
};

static void flip_handler(int fd, unsigned int seq, unsigned int sec, unsigned int usec,
			 void *data)
{
	struct flip_state *st = data;

	(void)fd;
	st->seq = seq;
	st->ts = ts_us(sec, usec);
	st->ts_of[st->done % 4] = st->ts;
	st->done++;
}

/*
 * 60 page flips with events: every flip completes, each at a later vblank
 * than the previous one, and the event's timestamp is that vblank's.  A
 * second flip right behind each is refused with EBUSY while the first is
 * pending; on a slow host the first may have completed already, which its
 * event's timestamp (before the second call returned) then shows, and both
 * flips complete.
 */
static void test_plain_flip_ts(void)
{
	struct output o;
	drmEventContext ev = { .version = 2, .page_flip_handler = flip_handler };
	struct flip_state st = { 0 };
	uint32_t prev_seq = 0;
	double prev_ts = 0;
	bool pending_second;
	int accepted = 0;

	setup(&o);
	for (int i = 0; i < 60; i++) {
		struct pollfd pfd = { .fd = o.fd, .events = POLLIN };
		drmVBlank v = { .request.type = DRM_VBLANK_RELATIVE };
		int done = st.done, want = done + 1, ret;
		struct timespec returned;

		pd_assert_eq(drmModePageFlip(o.fd, o.crtc, o.fb[(i + 1) & 1],
					     DRM_MODE_PAGE_FLIP_EVENT, &st), 0);
		/*
		 * Only one flip may be pending: a second one is EBUSY, unless the
		 * first completed before the kernel looked, which is before the
		 * call returned (its event then has an earlier timestamp).
		 */
		ret = drmModePageFlip(o.fd, o.crtc, o.fb[i & 1], DRM_MODE_PAGE_FLIP_EVENT, &st);
		clock_gettime(CLOCK_MONOTONIC, &returned);
		if (ret == 0) {
			want = done + 2;
			pending_second = true;
		} else {
			pd_assert_eq(ret, -EBUSY);
			pending_second = false;
		}
		while (st.done < want) {
			pd_assert_f(poll(&pfd, 1, 5000) == 1, "flip %d: no event in 5 s", i);
			pd_assert(drmHandleEvent(o.fd, &ev) == 0);
		}
		if (pending_second) {
			double t = returned.tv_sec * 1e6 + returned.tv_nsec / 1e3;

			pd_assert_f(st.ts_of[done % 4] <= t,
				    "flip %d: a second flip was accepted while the first was pending (its event at %.0f us, the second call returned at %.0f us)",
				    i, st.ts_of[done % 4], t);
			accepted++;
		}
		if (i) {
			pd_assert_f(st.seq > prev_seq, "flip at %u after flip at %u", st.seq, prev_seq);
			check_ts(&o, prev_seq, prev_ts, st.seq, st.ts);
		}
		/* The event's timestamp is the one of its vblank. */
		v.request.type = DRM_VBLANK_RELATIVE;
		pd_assert(drmWaitVBlank(o.fd, &v) == 0);
		check_ts(&o, st.seq, st.ts, v.reply.sequence,
			 ts_us(v.reply.tval_sec, v.reply.tval_usec));
		prev_seq = st.seq;
		prev_ts = st.ts;
	}
	pd_info("second flips: %d refused with EBUSY, %d accepted after the first had completed",
		60 - accepted, accepted);
	close(o.fd);
}

static const struct pd_subtest subtests[] = {
	{ "query-idle", test_query, "vblank counter advances, timestamps = frames x period" },
	{ "wait-idle", test_wait, "60 waits for the next vblank: sequences and timestamps agree" },
	{ "plain-flip-ts-check", test_plain_flip_ts, "60 page flips: events at later vblanks with exact timestamps; second flip EBUSY" },
	{ }
};

PD_MAIN(subtests, "Vblank counters, timestamps and page flip events.");
