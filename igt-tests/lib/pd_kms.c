// SPDX-License-Identifier: GPL-2.0
/*
 * pd_kms - finding an output to test on, shared by the kms_* tests.
 */
#include <xf86drm.h>
#include <xf86drmMode.h>

#include "pd_kms.h"
#include "pdtest.h"

void pd_kms_find_output(int fd, struct pd_kms_output *out)
{
	drmModeResPtr res = drmModeGetResources(fd);

	pd_assert_f(res, "GETRESOURCES failed: not a KMS device?");
	out->conn = 0;
	for (int i = 0; i < res->count_connectors && !out->conn; i++) {
		drmModeConnectorPtr c = drmModeGetConnector(fd, res->connectors[i]);
		drmModeEncoderPtr enc;

		if (!c || c->connection != DRM_MODE_CONNECTED || !c->count_modes ||
		    !c->count_encoders) {
			drmModeFreeConnector(c);
			continue;
		}
		enc = drmModeGetEncoder(fd, c->encoders[0]);
		for (int j = 0; enc && j < res->count_crtcs; j++) {
			if (enc->possible_crtcs & (1u << j)) {
				out->crtc = res->crtcs[j];
				out->crtc_index = j;
				out->conn = c->connector_id;
				break;
			}
		}
		drmModeFreeEncoder(enc);
		out->mode = c->modes[0];
		for (int m = 0; m < c->count_modes; m++)
			if (c->modes[m].type & DRM_MODE_TYPE_PREFERRED)
				out->mode = c->modes[m];
		drmModeFreeConnector(c);
	}
	drmModeFreeResources(res);
	pd_assert_f(out->conn, "no connected connector with a usable CRTC");
}

/* The first CRTC of @res any encoder of @c can drive, or -1. */
static int pd_kms_crtc_of(int fd, const drmModeRes *res, const drmModeConnector *c)
{
	uint32_t possible = 0;

	for (int e = 0; e < c->count_encoders; e++) {
		drmModeEncoder *enc = drmModeGetEncoder(fd, c->encoders[e]);

		if (enc)
			possible |= enc->possible_crtcs;
		drmModeFreeEncoder(enc);
	}
	for (int j = 0; j < res->count_crtcs; j++)
		if (possible & (1u << j))
			return j;
	return -1;
}

bool pd_kms_find_output_mode(int fd, uint32_t w, uint32_t h, struct pd_kms_output *out)
{
	drmModeRes *res = drmModeGetResources(fd);
	bool found = false;

	pd_assert_f(res, "GETRESOURCES failed: not a KMS device?");
	for (int i = 0; i < res->count_connectors && !found; i++) {
		drmModeConnector *c = drmModeGetConnector(fd, res->connectors[i]);
		int m, j;

		if (!c)
			continue;
		for (m = 0; c->connection == DRM_MODE_CONNECTED && m < c->count_modes; m++)
			if (c->modes[m].hdisplay == w && c->modes[m].vdisplay == h)
				break;
		j = c->connection == DRM_MODE_CONNECTED && m < c->count_modes ?
		    pd_kms_crtc_of(fd, res, c) : -1;
		if (j >= 0) {
			out->conn = c->connector_id;
			out->crtc = res->crtcs[j];
			out->crtc_index = j;
			out->mode = c->modes[m];
			found = true;
		}
		drmModeFreeConnector(c);
	}
	drmModeFreeResources(res);
	return found;
}
