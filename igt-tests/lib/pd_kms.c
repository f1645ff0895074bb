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
