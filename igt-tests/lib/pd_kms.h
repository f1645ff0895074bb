// SPDX-License-Identifier: GPL-2.0
/*
 * pd_kms - finding an output to test on, shared by the kms_* tests.
 */
#ifndef PD_KMS_H
#define PD_KMS_H

#include <stdbool.h>
#include <stdint.h>
#include <xf86drmMode.h>

/**
 * struct pd_kms_output - a connected connector and the CRTC that drives it
 * @conn: connector id
 * @crtc: CRTC id (the first CRTC the connector's encoder can use)
 * @crtc_index: index of @crtc, as in debugfs "crtc-N"
 * @mode: the connector's preferred mode (its first mode if none is marked)
 */
struct pd_kms_output {
	uint32_t conn, crtc;
	int crtc_index;
	drmModeModeInfo mode;
};

/* Fill @out from the first connected connector of @fd; asserts there is one. */
void pd_kms_find_output(int fd, struct pd_kms_output *out);
/*
 * Fill @out from the first connected connector of @fd that offers a @w x @h
 * mode and has a CRTC (any its encoders can use), with that mode; false if
 * there is none.
 */
bool pd_kms_find_output_mode(int fd, uint32_t w, uint32_t h, struct pd_kms_output *out);

#endif
