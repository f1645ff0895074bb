// SPDX-License-Identifier: GPL-2.0
/*
 * core_getversion_pd - the device is found by its DRM driver name and reports
 * a sane version, render node and capabilities.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <xf86drm.h>

#include "pdtest.h"

static void check_version(int fd, const char *node)
{
	drmVersionPtr v = drmGetVersion(fd);

	pd_assert_f(v, "DRM_IOCTL_VERSION failed on the %s node", node);
	pd_info("%s node: driver \"%s\" version %d.%d.%d date \"%s\" desc \"%s\"",
		node, v->name, v->version_major, v->version_minor,
		v->version_patchlevel, v->date, v->desc);
	pd_assert_streq(v->name, pd_driver_name());
	pd_assert_f(v->desc_len > 0 && v->desc && v->desc[0],
		    "empty driver description");
	pd_assert_f(v->date_len > 0 && v->date && v->date[0], "empty driver date");
	pd_assert_f(v->version_major >= 1,
		    "driver version %d.%d is below 1.0",
		    v->version_major, v->version_minor);
	drmFreeVersion(v);
}

static void test_basic(void)
{
	int fd = pd_open_card(NULL);

	pd_assert_eq(drmGetNodeTypeFromFd(fd), DRM_NODE_PRIMARY);
	check_version(fd, "primary");
	close(fd);
}

/*
 * A render node with the same driver name exists, belongs to the same
 * device as the card node, opens, and answers DRM_IOCTL_VERSION.
 */
static void test_render_node(void)
{
	char card_dev[PATH_MAX], render_dev[PATH_MAX], seen[512];
	int card = pd_open_card(NULL);
	int render;

	pd_assert_f(pd_sysfs_device_of(card, card_dev, sizeof(card_dev)),
		    "cannot resolve the sysfs device of the card node");
	render = pd_try_open_render_of(card, seen, sizeof(seen));
	pd_assert_f(render >= 0,
		    "no render node of driver \"%s\" for device %s (render nodes: %s)",
		    pd_driver_name(), card_dev, seen[0] ? seen : "none");
	pd_assert(pd_sysfs_device_of(render, render_dev, sizeof(render_dev)));
	pd_info("render node minor %d (device %s)", pd_drm_minor_of(render), render_dev);
	pd_assert_eq(drmGetNodeTypeFromFd(render), DRM_NODE_RENDER);
	check_version(render, "render");
	close(render);
	close(card);
}

static uint64_t get_cap(int fd, uint64_t cap, const char *name)
{
	uint64_t val = 0;

	pd_assert_f(drmGetCap(fd, cap, &val) == 0, "DRM_IOCTL_GET_CAP(%s) failed", name);
	pd_info("%s = %llu", name, (unsigned long long)val);
	return val;
}

#define GET_CAP(fd, cap) get_cap(fd, cap, #cap)

static void test_caps(void)
{
	int fd = pd_open_card(NULL);
	uint64_t prime;

	pd_assert_eq(GET_CAP(fd, DRM_CAP_DUMB_BUFFER), 1);

	prime = GET_CAP(fd, DRM_CAP_PRIME);
	pd_assert_f(prime & DRM_PRIME_CAP_IMPORT, "DRM_CAP_PRIME = 0x%llx lacks IMPORT",
		    (unsigned long long)prime);
	pd_assert_f(prime & DRM_PRIME_CAP_EXPORT, "DRM_CAP_PRIME = 0x%llx lacks EXPORT",
		    (unsigned long long)prime);

	pd_assert_eq(GET_CAP(fd, DRM_CAP_CRTC_IN_VBLANK_EVENT), 1);
	pd_assert_eq(GET_CAP(fd, DRM_CAP_TIMESTAMP_MONOTONIC), 1);

	pd_assert_f(drmSetClientCap(fd, DRM_CLIENT_CAP_ATOMIC, 1) == 0,
		    "DRM_CLIENT_CAP_ATOMIC cannot be enabled");
	close(fd);
}

static const struct pd_subtest subtests[] = {
	{ "basic", test_basic, "device found by name; DRM_IOCTL_VERSION is sane" },
	{ "render-node", test_render_node, "a render node of the same device works" },
	{ "caps", test_caps, "dumb, prime, atomic, vblank event and timestamp caps" },
	{ }
};

PD_MAIN(subtests, "Checks that the device is found by its driver name and "
	"reports a sane version and capabilities.")
