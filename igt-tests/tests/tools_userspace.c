// SPDX-License-Identifier: GPL-2.0
/*
 * tools_userspace - primedisp's own userspace tools work against the
 * device: primedisp-info describes it, pd-pattern shows a pattern and saves
 * the scanned-out frame as a PNG of the mode's size.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pdtest.h"

#define TOOLS "userspace/build"

static void require_tool(const char *name)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), TOOLS "/%s", name);
	pd_require(access(path, X_OK) == 0,
		   "%s not built (make -C userspace; run from the repository top)", path);
	fd = pd_try_open_card(NULL);
	pd_require(fd >= 0, "no primedisp device");
	/* Close at once: an open card fd would hold DRM master. */
	close(fd);
}

static void test_info(void)
{
	char *out = NULL;
	int rc;

	require_tool("primedisp-info");
	rc = pd_run_cmd(&out, TOOLS "/primedisp-info --properties");
	pd_assert_f(rc == 0, "primedisp-info exited %d:\n%s", rc, out);
	pd_assert_f(strstr(out, "driver: primedisp "), "no driver line:\n%s", out);
	pd_assert_f(strstr(out, ", connected, "), "no connected connector:\n%s", out);
	pd_assert_f(strstr(out, "1024x768*"), "preferred mode 1024x768 not marked:\n%s", out);
	pd_assert_f(strstr(out, "XR24:LINEAR"), "XR24 with LINEAR not listed:\n%s", out);
	pd_assert_f(strstr(out, "MODE_ID = "), "--properties printed no CRTC properties:\n%s", out);
	free(out);
	rc = pd_run_cmd(&out, TOOLS "/primedisp-info --device /nonexistent 2>&1");
	pd_assert_f(rc != 0 && strstr(out, "/nonexistent"),
		    "a bad --device must fail and name the path (rc %d):\n%s", rc, out);
	free(out);
}

static void test_pattern_png(void)
{
	const char *png = "/tmp/pd-pattern-test.png";
	unsigned char hdr[24];
	char *out = NULL;
	FILE *f;
	int rc;

	require_tool("pd-pattern");
	unlink(png);
	rc = pd_run_cmd(&out, TOOLS "/pd-pattern --mode 800x600 --seconds 0 --png %s 2>&1", png);
	pd_assert_f(rc == 0, "pd-pattern exited %d:\n%s", rc, out);
	free(out);
	f = fopen(png, "rb");
	pd_assert_f(f, "no PNG written");
	pd_assert(fread(hdr, 1, sizeof(hdr), f) == sizeof(hdr));
	fclose(f);
	pd_assert(memcmp(hdr, "\x89PNG\r\n\x1a\n", 8) == 0);
	pd_assert(memcmp(hdr + 12, "IHDR", 4) == 0);
	/* Width and height, big endian, are the mode's. */
	pd_assert_eq(hdr[16] << 24 | hdr[17] << 16 | hdr[18] << 8 | hdr[19], 800);
	pd_assert_eq(hdr[20] << 24 | hdr[21] << 16 | hdr[22] << 8 | hdr[23], 600);
	unlink(png);
}

static const struct pd_subtest subtests[] = {
	{ "primedisp-info", test_info, "describes driver, connector, modes, planes, properties" },
	{ "pd-pattern-png", test_pattern_png, "sets 800x600 and saves a PNG of that size" },
	{ }
};

PD_MAIN(subtests, "primedisp's userspace tools against the device.");
