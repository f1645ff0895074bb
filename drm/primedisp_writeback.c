// SPDX-License-Identifier: GPL-2.0
/*
 * primedisp_writeback.c - the writeback connector of a primedisp output.
 *
 * Each output has a writeback connector on its CRTC: a commit that gives it
 * a framebuffer gets the next composed frame written there (the composer,
 * primedisp_composer.c, fills and signals the job).  A job waits for the
 * next vblank; one queued while the CRTC goes off is completed with what
 * the CRTC shows then.
 *
 * Copyright (C) 2026 The primedisp authors
 */

#include <linux/list.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include <drm/drm_atomic.h>
#include <drm/drm_atomic_helper.h>
#include <drm/drm_framebuffer.h>
#include <drm/drm_gem_framebuffer_helper.h>
#include <drm/drm_modeset_helper_vtables.h>
#include <drm/drm_print.h>
#include <drm/drm_probe_helper.h>
#include <drm/drm_vblank.h>
#include <drm/drm_writeback.h>

#include "primedisp_compat.h"
#include "primedisp_drv.h"

static inline struct pd_output *wb_to_pd_output(struct drm_connector *c)
{
	return container_of(drm_connector_to_writeback(c), struct pd_output,
			    writeback);
}

/*
 * A writeback buffer must have the size of the CRTC's mode (primedisp does
 * not scale writeback) and one of the writeback formats, which the core
 * checks; the core has also checked that a CRTC is attached and on.
 */
static int pd_wb_encoder_atomic_check(struct drm_encoder *encoder,
				      struct drm_crtc_state *crtc_state,
				      struct drm_connector_state *conn_state)
{
	struct drm_writeback_job *job = conn_state->writeback_job;
	struct drm_framebuffer *fb;

	if (!job || !job->fb)
		return 0;
	fb = job->fb;
	if (fb->width != crtc_state->mode.hdisplay ||
	    fb->height != crtc_state->mode.vdisplay) {
		drm_dbg_kms(encoder->dev, "writeback buffer %ux%u, mode %dx%d\n",
			    fb->width, fb->height, crtc_state->mode.hdisplay,
			    crtc_state->mode.vdisplay);
		return -EINVAL;
	}
	return pd_compat_check_wb_format(encoder, conn_state);
}

/*
 * pd_writeback_queue - a commit asked for a writeback capture
 * @out: the output
 * @state: the writeback connector's new state, with a job and a framebuffer
 *
 * The job is filled with the frame composed at the next vblank.  The vblank
 * interrupt stays on until then.
 */
static void pd_writeback_queue(struct pd_output *out,
			       struct drm_connector_state *state)
{
	struct pd_wb_job *job = state->writeback_job->priv;
	bool vblank = !drm_crtc_vblank_get(&out->crtc);

	/* Both queues in the same order: see &pd_output.wb_jobs. */
	spin_lock_irq(&out->lock);
	drm_writeback_queue_job(&out->writeback, state);
	list_add_tail(&job->node, &out->wb_jobs);
	if (vblank) {
		out->wb_queued++;
		out->wb_vblank_refs++;
	} else {
		/* No vblank to wait for: compose what is there now. */
		out->wb_active++;
	}
	spin_unlock_irq(&out->lock);
	if (!vblank)
		queue_work(out->crc_wq, &out->crc_work);
}

/**
 * pd_writeback_flush - the CRTC is going off: complete every job
 * @out: the output
 *
 * Jobs still waiting for a vblank that will not come are handed to the
 * worker, which completes them with the CRTC's current contents (or an
 * error if it is off by then).
 */
void pd_writeback_flush(struct pd_output *out)
{
	bool run;

	spin_lock_irq(&out->lock);
	out->wb_active += out->wb_queued;
	out->wb_queued = 0;
	run = out->wb_active;
	spin_unlock_irq(&out->lock);
	if (run)
		queue_work(out->crc_wq, &out->crc_work);
}

static const struct drm_encoder_helper_funcs pd_wb_encoder_helper_funcs = {
	.atomic_check = pd_wb_encoder_atomic_check,
};

static void pd_wb_atomic_commit(struct drm_connector *connector,
				struct drm_atomic_commit *state)
{
	struct drm_connector_state *conn_state =
		drm_atomic_get_new_connector_state(state, connector);

	if (conn_state->writeback_job && conn_state->writeback_job->fb)
		pd_writeback_queue(wb_to_pd_output(connector), conn_state);
}

/*
 * The buffer is mapped while the commit is prepared, so that one that
 * cannot be mapped fails the commit with the reason instead of completing
 * its job with an error later.  The mapping lasts until the core cleans
 * the job up (after its completion, or with a commit that failed).
 */
static int pd_wb_prepare_job(struct drm_writeback_connector *wb,
			     struct drm_writeback_job *job)
{
	struct pd_wb_job *pj;
	int ret;

	if (!job->fb)
		return 0;
	pj = kzalloc(sizeof(*pj), GFP_KERNEL);
	if (!pj)
		return -ENOMEM;
	ret = drm_gem_fb_vmap(job->fb, pj->map, pj->data);
	if (ret) {
		kfree(pj);
		return ret;
	}
	INIT_LIST_HEAD(&pj->node);
	pj->fb = job->fb;
	job->priv = pj;
	return 0;
}

static void pd_wb_cleanup_job(struct drm_writeback_connector *wb,
			      struct drm_writeback_job *job)
{
	struct pd_wb_job *pj = job->priv;

	if (!pj)
		return;
	drm_gem_fb_vunmap(pj->fb, pj->map);
	kfree(pj);
	job->priv = NULL;
}

static const struct drm_connector_helper_funcs pd_wb_connector_helper_funcs = {
	.get_modes = pd_connector_get_modes,
	.atomic_commit = pd_wb_atomic_commit,
	.prepare_writeback_job = pd_wb_prepare_job,
	.cleanup_writeback_job = pd_wb_cleanup_job,
};

/* drm_writeback_connector_init() makes an unmanaged connector. */
static const struct drm_connector_funcs pd_wb_connector_funcs = {
	.reset = drm_atomic_helper_connector_reset,
	.fill_modes = drm_helper_probe_single_connector_modes,
	.destroy = drm_connector_cleanup,
	.atomic_duplicate_state = drm_atomic_helper_connector_duplicate_state,
	.atomic_destroy_state = drm_atomic_helper_connector_destroy_state,
};

/**
 * pd_writeback_init - create the writeback connector of one output
 * @pd: the primedisp device
 * @out: the output, whose CRTC and encoder exist
 *
 * The output's encoder and its writeback encoder can be active on the CRTC
 * together (that is how a frame is captured while shown), and with nothing
 * else.
 *
 * Return: 0 or a negative errno.
 */
int pd_writeback_init(struct pd_device *pd, struct pd_output *out)
{
	int ret;

	INIT_LIST_HEAD(&out->wb_jobs);
	ret = drm_writeback_connector_init(&pd->drm, &out->writeback,
					   &pd_wb_connector_funcs,
					   &pd_wb_encoder_helper_funcs,
					   pd_writeback_formats,
					   pd_num_writeback_formats,
					   drm_crtc_mask(&out->crtc));
	if (ret)
		return ret;
	drm_connector_helper_add(&out->writeback.base,
				 &pd_wb_connector_helper_funcs);

	out->encoder.possible_clones = drm_encoder_mask(&out->encoder) |
				       drm_encoder_mask(&out->writeback.encoder);
	out->writeback.encoder.possible_clones = out->encoder.possible_clones;
	return 0;
}
