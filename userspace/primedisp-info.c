// SPDX-License-Identifier: GPL-2.0
/*
 * primedisp-info - a primedisp device at a glance: driver, capabilities,
 * outputs, planes with their formats and modifiers, and properties.
 *
 * Copyright (C) 2026 The primedisp authors
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xf86drm.h>
#include <xf86drmMode.h>
#include <drm_fourcc.h>

#include "pd-common.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: primedisp-info [OPTIONS]\n"
		"Print a primedisp device's driver, capabilities, outputs, planes,\n"
		"formats, modifiers and properties.\n\n"
		"  -d, --device PATH   DRM card node (default: the card named primedisp)\n"
		"  -p, --properties    also list every object's properties and values\n"
		"  -h, --help          this text\n");
}

static const char *fourcc(uint32_t f, char buf[5])
{
	for (int i = 0; i < 4; i++)
		buf[i] = (char)(f >> (8 * i));
	buf[4] = 0;
	return buf;
}

static void print_props(int fd, uint32_t id, uint32_t type, const char *indent)
{
	drmModeObjectPropertiesPtr props = drmModeObjectGetProperties(fd, id, type);

	if (!props)
		return;
	for (uint32_t i = 0; i < props->count_props; i++) {
		drmModePropertyPtr p = drmModeGetProperty(fd, props->props[i]);

		if (!p)
			continue;
		printf("%s%s = %" PRIu64 "%s\n", indent, p->name, props->prop_values[i],
		       (p->flags & DRM_MODE_PROP_IMMUTABLE) ? " (immutable)" : "");
		drmModeFreeProperty(p);
	}
	drmModeFreeObjectProperties(props);
}

static void print_in_formats(int fd, uint32_t plane_id)
{
	drmModeObjectPropertiesPtr props =
		drmModeObjectGetProperties(fd, plane_id, DRM_MODE_OBJECT_PLANE);

	for (uint32_t i = 0; props && i < props->count_props; i++) {
		drmModePropertyPtr p = drmModeGetProperty(fd, props->props[i]);
		drmModePropertyBlobPtr blob;
		drmModeFormatModifierIterator it = { 0 };
		char buf[5];

		if (!p || strcmp(p->name, "IN_FORMATS")) {
			drmModeFreeProperty(p);
			continue;
		}
		blob = drmModeGetPropertyBlob(fd, props->prop_values[i]);
		printf("    format/modifier pairs:");
		while (blob && drmModeFormatModifierBlobIterNext(blob, &it))
			printf(" %s:%s", fourcc(it.fmt, buf),
			       it.mod == DRM_FORMAT_MOD_LINEAR ? "LINEAR" : "other");
		printf("\n");
		drmModeFreePropertyBlob(blob);
		drmModeFreeProperty(p);
	}
	drmModeFreeObjectProperties(props);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "properties", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const struct { uint64_t cap; const char *name; } caps[] = {
		{ DRM_CAP_DUMB_BUFFER, "dumb buffers" },
		{ DRM_CAP_PRIME, "PRIME (1 import, 2 export)" },
		{ DRM_CAP_TIMESTAMP_MONOTONIC, "monotonic timestamps" },
		{ DRM_CAP_CRTC_IN_VBLANK_EVENT, "CRTC in vblank event" },
		{ DRM_CAP_CURSOR_WIDTH, "cursor width" },
		{ DRM_CAP_CURSOR_HEIGHT, "cursor height" },
		{ DRM_CAP_ADDFB2_MODIFIERS, "ADDFB2 modifiers" },
		{ DRM_CAP_ASYNC_PAGE_FLIP, "async page flip" },
		{ DRM_CAP_SYNCOBJ, "syncobj" },
	};
	const char *device = NULL;
	bool props = false;
	drmVersionPtr ver;
	drmModeResPtr res;
	drmModePlaneResPtr planes;
	int fd, c;

	while ((c = getopt_long(argc, argv, "d:ph", opts, NULL)) != -1) {
		switch (c) {
		case 'd': device = optarg; break;
		case 'p': props = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	fd = pd_open_device(device);
	if (fd < 0)
		return 1;
	drmSetClientCap(fd, DRM_CLIENT_CAP_UNIVERSAL_PLANES, 1);
	drmSetClientCap(fd, DRM_CLIENT_CAP_ATOMIC, 1);

	ver = drmGetVersion(fd);
	printf("driver: %s %d.%d.%d (%s, %s)\n", ver->name, ver->version_major,
	       ver->version_minor, ver->version_patchlevel, ver->desc, ver->date);
	drmFreeVersion(ver);
	printf("capabilities:\n");
	for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		uint64_t v = 0;

		if (drmGetCap(fd, caps[i].cap, &v) == 0)
			printf("  %-28s %" PRIu64 "\n", caps[i].name, v);
		else
			printf("  %-28s (not supported)\n", caps[i].name);
	}

	res = drmModeGetResources(fd);
	if (!res) {
		fprintf(stderr, "GETRESOURCES failed: %s\n", strerror(errno));
		return 1;
	}
	printf("framebuffer size: %ux%u .. %ux%u\n", res->min_width, res->min_height,
	       res->max_width, res->max_height);
	for (int i = 0; i < res->count_crtcs; i++) {
		drmModeCrtcPtr crtc = drmModeGetCrtc(fd, res->crtcs[i]);

		printf("CRTC %u: %s, fb %u\n", crtc->crtc_id,
		       crtc->mode_valid ? crtc->mode.name : "off", crtc->buffer_id);
		if (props)
			print_props(fd, crtc->crtc_id, DRM_MODE_OBJECT_CRTC, "    ");
		drmModeFreeCrtc(crtc);
	}
	for (int i = 0; i < res->count_connectors; i++) {
		drmModeConnectorPtr conn = drmModeGetConnector(fd, res->connectors[i]);

		printf("connector %u: %s-%u, %s, %d modes:", conn->connector_id,
		       drmModeGetConnectorTypeName(conn->connector_type),
		       conn->connector_type_id,
		       conn->connection == DRM_MODE_CONNECTED ? "connected" : "disconnected",
		       conn->count_modes);
		for (int m = 0; m < conn->count_modes; m++)
			printf(" %s%s@%u", conn->modes[m].name,
			       (conn->modes[m].type & DRM_MODE_TYPE_PREFERRED) ? "*" : "",
			       conn->modes[m].vrefresh);
		printf("\n");
		if (props)
			print_props(fd, conn->connector_id, DRM_MODE_OBJECT_CONNECTOR, "    ");
		drmModeFreeConnector(conn);
	}
	drmModeFreeResources(res);

	planes = drmModeGetPlaneResources(fd);
	for (uint32_t i = 0; planes && i < planes->count_planes; i++) {
		drmModePlanePtr p = drmModeGetPlane(fd, planes->planes[i]);
		char buf[5];

		printf("plane %u: crtcs 0x%x, fb %u, formats:", p->plane_id,
		       p->possible_crtcs, p->fb_id);
		for (uint32_t f = 0; f < p->count_formats; f++)
			printf(" %s", fourcc(p->formats[f], buf));
		printf("\n");
		print_in_formats(fd, p->plane_id);
		if (props)
			print_props(fd, p->plane_id, DRM_MODE_OBJECT_PLANE, "    ");
		drmModeFreePlane(p);
	}
	drmModeFreePlaneResources(planes);
	close(fd);
	return 0;
}
