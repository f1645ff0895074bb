// SPDX-License-Identifier: GPL-2.0
/*
 * primedisp_crtc.c - primedisp's CRTCs and their vblank timer.
 *
 * There is no scanout engine to program: the "hardware" is the vblank
 * timer, which ticks at the refresh rate of the current mode and completes
 * page flips.  The composer (primedisp_composer.c) does the CRTC's work when
 * a consumer wants the frame's pixels.
 *
 * Copyright (C) 2026 The primedisp authors
 */

#include <linux/delay.h>
#include <linux/hrtimer.h>
#include <linux/ktime.h>
#include <linux/slab.h>

#include <drm/drm_atomic.h>
#include <drm/drm_atomic_helper.h>
#include <drm/drm_managed.h>
#include <drm/drm_modes.h>
#include <drm/drm_print.h>
#include <drm/drm_vblank.h>

#include "primedisp_compat.h"
#include "primedisp_drv.h"

/*
 * The vblank timer.  DRM has no helper for a timer-driven vblank in the
 * kernels we support, so it is written here.  The timer fires at the start
 * of each frame; it first records that start time (the scheduled expiry,
 * not the possibly late moment the callback runs), then moves itself
 * forward by whole frames and reports the vblank.  If the callback ran late
 * by several frames (common under emulation), the core counts the missed
 * vblanks from the timestamps, so the counter and timestamps still agree.
 */
static enum hrtimer_restart pd_vblank_timer_fn(struct hrtimer *timer)
{
	struct pd_output *out = container_of(timer, struct pd_output,
					     vblank_timer);
	unsigned long flags;
	ktime_t expires;
	u64 overruns;

	spin_lock_irqsave(&out->lock, flags);
	/*
	 * Vblank was turned off and on again while this callback was on its
	 * way: enable re-armed the timer, which must not be moved here.
	 */
	if (hrtimer_is_queued(timer)) {
		spin_unlock_irqrestore(&out->lock, flags);
		return HRTIMER_NORESTART;
	}
	expires = hrtimer_get_expires(timer);
	overruns = hrtimer_forward_now(timer, out->period);
	/* The most recent frame start, counting the skipped ones. */
	out->last_vblank = ktime_add_ns(expires,
					(overruns - 1) * ktime_to_ns(out->period));
	spin_unlock_irqrestore(&out->lock, flags);

	/*
	 * Once vblank interrupts are off the core refuses the vblank, and the
	 * timer stops here: pd_crtc_disable_vblank() cannot wait for it.
	 */
	if (!drm_crtc_handle_vblank(&out->crtc))
		return HRTIMER_NORESTART;
	pd_composer_vblank(out);

	return HRTIMER_RESTART;
}

static int pd_crtc_enable_vblank(struct drm_crtc *crtc)
{
	struct pd_output *out = crtc_to_pd_output(crtc);
	struct drm_vblank_crtc *vblank = &crtc->dev->vblank[drm_crtc_index(crtc)];
	unsigned long flags;
	ktime_t now;

	drm_calc_timestamping_constants(crtc, &crtc->mode);
	if (!vblank->framedur_ns)
		return -EINVAL;

	/* Under the lock, so that a late callback sees the timer re-armed. */
	spin_lock_irqsave(&out->lock, flags);
	out->period = ns_to_ktime(vblank->framedur_ns);
	now = ktime_get();
	out->last_vblank = now;
	hrtimer_start(&out->vblank_timer, ktime_add(now, out->period),
		      HRTIMER_MODE_ABS);
	spin_unlock_irqrestore(&out->lock, flags);
	return 0;
}

/*
 * The core calls this with its vblank spinlocks held, and the timer
 * callback takes the same locks in drm_crtc_handle_vblank(): waiting for a
 * running callback here (hrtimer_cancel()) would deadlock both CPUs with
 * interrupts off.  So only a queued timer is cancelled; a running callback
 * finds vblank off and does not restart the timer.
 */
static void pd_crtc_disable_vblank(struct drm_crtc *crtc)
{
	struct pd_output *out = crtc_to_pd_output(crtc);

	hrtimer_try_to_cancel(&out->vblank_timer);
}

/*
 * Report the start of the most recent frame the timer reported.  When called
 * outside the timer (for instance when a client asks for the vblank
 * counter), this is still that frame's start, so the core derives the exact
 * number of frames since the previous report from it.
 */
static bool pd_crtc_get_vblank_timestamp(struct drm_crtc *crtc,
					 int *max_error, ktime_t *vblank_time,
					 bool in_vblank_irq)
{
	struct pd_output *out = crtc_to_pd_output(crtc);
	unsigned long flags;
	ktime_t last, period, now;

	spin_lock_irqsave(&out->lock, flags);
	last = out->last_vblank;
	period = out->period;
	spin_unlock_irqrestore(&out->lock, flags);

	/* Before the first enable there is no frame grid yet. */
	if (!period) {
		*vblank_time = ktime_get();
		return true;
	}

	/*
	 * While the timer runs, a frame begins when its callback runs: that
	 * is when the composer latches the new state and when armed events
	 * complete.  Under emulation the callback is often late; reporting a
	 * frame from the grid before the callback ran would count it before
	 * it happened, and a commit made in that gap would be armed for the
	 * frame after (a missed vblank although nothing was late but the
	 * timer).  While vblank is off (the core asks when it turns it off
	 * and on) the grid, extended to now, keeps timestamps and counts in
	 * step.
	 */
	now = ktime_get();
	if (!hrtimer_active(&out->vblank_timer) &&
	    ktime_after(now, ktime_add(last, period))) {
		s64 frames = ktime_divns(ktime_sub(now, last),
					 ktime_to_ns(period));

		last = ktime_add_ns(last, frames * ktime_to_ns(period));
	}

	*vblank_time = last;
	*max_error = 0;
	return true;
}

static enum drm_mode_status pd_crtc_mode_valid(struct drm_crtc *crtc,
					       const struct drm_display_mode *mode)
{
	struct pd_device *pd = to_pd_device(crtc->dev);
	int refresh;

	if (mode->clock < PD_MIN_CLOCK_KHZ)
		return MODE_CLOCK_LOW;
	if (mode->clock > PD_MAX_CLOCK_KHZ)
		return MODE_CLOCK_HIGH;
	if (mode->hdisplay > pd->config.max_width)
		return MODE_VIRTUAL_X;
	if (mode->vdisplay > pd->config.max_height)
		return MODE_VIRTUAL_Y;
	if (mode->hdisplay <= 0 || mode->vdisplay <= 0 ||
	    mode->htotal <= mode->hdisplay || mode->vtotal <= mode->vdisplay ||
	    mode->hsync_start < mode->hdisplay ||
	    mode->hsync_end < mode->hsync_start ||
	    mode->htotal < mode->hsync_end ||
	    mode->vsync_start < mode->vdisplay ||
	    mode->vsync_end < mode->vsync_start ||
	    mode->vtotal < mode->vsync_end)
		return MODE_BAD;

	refresh = drm_mode_vrefresh(mode);
	if (refresh < PD_MIN_REFRESH_HZ)
		return MODE_BAD_VVALUE;
	if (refresh > PD_MAX_REFRESH_HZ)
		return MODE_BAD_VVALUE;
	return MODE_OK;
}

/*
 * Complete a commit's event at the next vblank, or at once if the CRTC is
 * off (the vblank reference cannot be taken then) or the flip was
 * asynchronous: a scanout without a vblank shows a new buffer from the
 * moment it is set, tearing allowed.
 */
static void pd_crtc_complete_event(struct drm_crtc *crtc)
{
	struct drm_crtc_state *cs = crtc->state;
	struct drm_pending_vblank_event *event = cs->event;

	if (!event)
		return;
	cs->event = NULL;

	spin_lock_irq(&crtc->dev->event_lock);
	if (cs->active && !cs->async_flip && drm_crtc_vblank_get(crtc) == 0)
		drm_crtc_arm_vblank_event(crtc, event);
	else
		drm_crtc_send_vblank_event(crtc, event);
	spin_unlock_irq(&crtc->dev->event_lock);
}

/*
 * The commit tail flushes planes before it enables CRTCs, so the event of
 * the commit that turns this CRTC on is left for here: armed once vblank
 * runs, it completes at the first frame of the new mode, as on hardware,
 * rather than at once with the counter of the old, stopped grid.
 */
static void pd_crtc_atomic_enable(struct drm_crtc *crtc,
				  struct drm_atomic_commit *state)
{
	drm_crtc_vblank_on(crtc);
	pd_crtc_complete_event(crtc);
}

/*
 * Hardware turns a pipe off at the end of the frame it is scanning out.
 * Doing the same keeps the frame count honest: the core sends pending
 * events and stops the counter at vblank off, and a pipe stopped in the
 * middle of a frame would have counted a frame that was never shown.  The
 * wait is at most one frame, capped for very low refresh rates.
 */
static void pd_crtc_wait_frame_end(struct pd_output *out)
{
	unsigned long flags;
	ktime_t last, period, now;
	u64 since;
	u32 left;

	spin_lock_irqsave(&out->lock, flags);
	last = out->last_vblank;
	period = out->period;
	spin_unlock_irqrestore(&out->lock, flags);
	if (!period)
		return;

	now = ktime_get();
	if (ktime_before(now, last))
		return;
	/* A period is at most a second (PD_MIN_REFRESH_HZ): it fits a u32. */
	since = ktime_to_ns(ktime_sub(now, last));
	left = (u32)ktime_to_ns(period) - do_div(since, (u32)ktime_to_ns(period));
	fsleep(min_t(u32, left / NSEC_PER_USEC + 1, PD_DISABLE_WAIT_US));
}

static void pd_crtc_atomic_disable(struct drm_crtc *crtc,
				   struct drm_atomic_commit *state)
{
	pd_crtc_wait_frame_end(crtc_to_pd_output(crtc));
	drm_crtc_vblank_off(crtc);
	/* No vblank will hand pending writeback jobs over any more. */
	pd_writeback_flush(crtc_to_pd_output(crtc));
}

/*
 * An asynchronous (tearing) flip only swaps buffers: no mode change.  What
 * the commit needs memory for once it is accepted is allocated here.
 */
static int pd_crtc_atomic_check(struct drm_crtc *crtc,
				struct drm_atomic_commit *state)
{
	struct drm_crtc_state *cs = drm_atomic_get_new_crtc_state(state, crtc);
	int ret;

	if (cs->async_flip && drm_atomic_crtc_needs_modeset(cs))
		return -EINVAL;
	ret = pd_color_check(cs);
	if (ret)
		return ret;
	return pd_composer_check(cs);
}

/*
 * The event of an asynchronous flip tells the client that the old buffer
 * is no longer read, so it waits for a composition (CRC, writeback) that
 * began with the old buffer.  A commit that turns the CRTC on completes
 * its event in pd_crtc_atomic_enable().
 */
static void pd_crtc_atomic_flush(struct drm_crtc *crtc,
				 struct drm_atomic_commit *state)
{
	struct drm_crtc_state *cs = crtc->state;
	struct pd_output *out = crtc_to_pd_output(crtc);

	pd_composer_commit(out, state);
	if (!cs->event)
		return;
	if (cs->active && drm_atomic_crtc_needs_modeset(cs))
		return;
	if (cs->async_flip)
		pd_composer_wait(out);
	pd_crtc_complete_event(crtc);
}

static const struct drm_crtc_helper_funcs pd_crtc_helper_funcs = {
	.mode_valid = pd_crtc_mode_valid,
	.atomic_check = pd_crtc_atomic_check,
	.atomic_flush = pd_crtc_atomic_flush,
	.atomic_enable = pd_crtc_atomic_enable,
	.atomic_disable = pd_crtc_atomic_disable,
};

/* A state never committed frees the snapshot it was checked with. */
static void pd_crtc_destroy_state(struct drm_crtc *crtc,
				  struct drm_crtc_state *state)
{
	struct pd_crtc_state *s = to_pd_crtc_state(state);

	__drm_atomic_helper_crtc_destroy_state(state);
	kfree(s->snap);
	kfree(s);
}

static struct drm_crtc_state *pd_crtc_duplicate_state(struct drm_crtc *crtc)
{
	struct pd_crtc_state *s;

	if (drm_WARN_ON(crtc->dev, !crtc->state))
		return NULL;
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return NULL;
	__drm_atomic_helper_crtc_duplicate_state(crtc, &s->base);
	return &s->base;
}

static void pd_crtc_reset(struct drm_crtc *crtc)
{
	struct pd_crtc_state *s = kzalloc(sizeof(*s), GFP_KERNEL);

	if (crtc->state)
		pd_crtc_destroy_state(crtc, crtc->state);
	__drm_atomic_helper_crtc_reset(crtc, s ? &s->base : NULL);
}

static const struct drm_crtc_funcs pd_crtc_funcs = {
	.reset = pd_crtc_reset,
	.set_config = drm_atomic_helper_set_config,
	.page_flip = drm_atomic_helper_page_flip,
	.atomic_duplicate_state = pd_crtc_duplicate_state,
	.atomic_destroy_state = pd_crtc_destroy_state,
	.enable_vblank = pd_crtc_enable_vblank,
	.disable_vblank = pd_crtc_disable_vblank,
	.get_vblank_timestamp = pd_crtc_get_vblank_timestamp,
	.set_crc_source = pd_crtc_set_crc_source,
	.verify_crc_source = pd_crtc_verify_crc_source,
	.get_crc_sources = pd_crtc_get_crc_sources,
};

/*
 * The timer must stop before the CRC worker's queue and the CRTC go away:
 * this action is added after both, so it runs before their cleanup.
 */
static void pd_crtc_release(struct drm_device *drm, void *data)
{
	struct pd_output *out = data;

	hrtimer_cancel(&out->vblank_timer);
}

/**
 * pd_crtc_init - create the CRTC of one output, with its vblank timer,
 * colour properties and composer
 * @pd: the primedisp device
 * @out: the output, whose planes exist
 * @index: the output's index, which is also its CRTC index
 *
 * Return: 0 or a negative errno.
 */
int pd_crtc_init(struct pd_device *pd, struct pd_output *out,
		 unsigned int index)
{
	struct drm_device *drm = &pd->drm;
	int ret;

	spin_lock_init(&out->lock);
	ret = drmm_mutex_init(drm, &out->snap_lock);
	if (ret)
		return ret;
	hrtimer_setup(&out->vblank_timer, pd_vblank_timer_fn, CLOCK_MONOTONIC,
		      HRTIMER_MODE_ABS);

	ret = drmm_crtc_init_with_planes(drm, &out->crtc, out->primary,
					 out->cursor,
					 &pd_crtc_funcs, "primedisp-crtc-%u",
					 index);
	if (ret)
		return ret;
	drm_crtc_helper_add(&out->crtc, &pd_crtc_helper_funcs);
	ret = pd_color_init(&out->crtc);
	if (ret)
		return ret;

	ret = pd_composer_init(out);
	if (ret)
		return ret;
	return drmm_add_action_or_reset(drm, pd_crtc_release, out);
}
