// SPDX-License-Identifier: GPL-2.0
/*
 * kunit_pd - primedisp's KUnit tests (drm/tests/, the module
 * primedisp_kunit.ko) run from the test suite, one subtest per KUnit suite.
 *
 * The kernel must have KUnit with its debugfs results (CONFIG_KUNIT,
 * CONFIG_KUNIT_DEBUGFS: primedisp's debug kernel, make check K=debug);
 * on others, which do not build the module, every subtest skips.  Needs
 * root and PRIMEDISP_KO (the test module is looked for beside it).  Each
 * subtest loads the module (KUnit runs its suites then), reads its suite's
 * KTAP results from /sys/kernel/debug/kunit/SUITE/results, prints them and
 * unloads the module again, so that primedisp itself stays unloadable.
 */
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pdtest.h"

#define KUNIT_DEBUGFS	"/sys/kernel/debug/kunit"
#define KUNIT_MODULE	"primedisp_kunit"

static char *run_quiet(char *const argv[], int *rc)
{
	char *out = NULL;

	*rc = pd_run_argv(argv, &out);
	return out;
}

static void unload(void)
{
	char *rmmod[] = { "rmmod", KUNIT_MODULE, NULL };
	int rc;

	if (pd_kmod_loaded(KUNIT_MODULE))
		free(run_quiet(rmmod, &rc));
}

/* Load primedisp_kunit.ko: KUnit runs every suite in it before insmod returns. */
static void load(void)
{
	const char *ko = getenv("PRIMEDISP_KO");
	char path[PATH_MAX], dir[PATH_MAX], *out;
	char *insmod[] = { "insmod", path, NULL };
	int rc;

	pd_require(access(KUNIT_DEBUGFS, F_OK) == 0,
		   "this kernel has no KUnit results in debugfs (CONFIG_KUNIT, CONFIG_KUNIT_DEBUGFS): run it under the debug kernel, make check K=debug T=kunit_pd");
	pd_require(ko && *ko, "PRIMEDISP_KO is not set (the path of primedisp.ko; %s.ko is beside it)",
		   KUNIT_MODULE);
	pd_require(geteuid() == 0, "needs root to load modules");
	snprintf(dir, sizeof(dir), "%s", ko);
	snprintf(path, sizeof(path), "%s/%s.ko", dirname(dir), KUNIT_MODULE);
	pd_assert_f(access(path, R_OK) == 0,
		    "%s is missing, though this kernel has KUnit (Kbuild builds it where CONFIG_KUNIT is set)",
		    path);
	pd_path_add_sbin();
	unload();
	atexit(unload);
	out = run_quiet(insmod, &rc);
	pd_assert_f(rc == 0, "insmod %s exited with %d: %s", path, rc, out ? out : "");
	free(out);
}

/*
 * Print suite @suite's KTAP results and count its cases: the result lines
 * one level below the suite ("    ok N name" / "    not ok N name").
 */
static void check_suite(const char *suite)
{
	char path[PATH_MAX], line[1024];
	int ok = 0, failed = 0, skipped = 0;
	bool suite_ok = false, suite_seen = false;
	FILE *f;

	load();
	snprintf(path, sizeof(path), KUNIT_DEBUGFS "/%s/results", suite);
	f = fopen(path, "re");
	pd_assert_f(f, "%s: %s (is suite %s still in %s.ko?)", path, strerror(errno), suite,
		    KUNIT_MODULE);
	while (fgets(line, sizeof(line), f)) {
		const char *p = line;
		int indent = 0;
		bool not_ok;

		fputs(line, stdout);
		while (*p == ' ') {
			p++;
			indent++;
		}
		not_ok = strncmp(p, "not ok ", 7) == 0;
		if (!not_ok && strncmp(p, "ok ", 3) != 0)
			continue;
		if (indent == 0) {
			suite_seen = true;
			suite_ok = !not_ok;
		} else if (indent == 4) {
			if (not_ok)
				failed++;
			else if (strstr(p, "# SKIP"))
				skipped++;
			else
				ok++;
		}
	}
	fclose(f);
	pd_info("suite %s: %d cases passed, %d failed, %d skipped", suite, ok, failed, skipped);
	pd_assert_f(suite_seen, "no result line for suite %s in %s", suite, path);
	pd_assert_f(failed == 0 && suite_ok, "suite %s: %d of %d cases failed (above)", suite,
		    failed, ok + failed + skipped);
	pd_assert_f(ok > 0, "suite %s ran no case", suite);
	pd_assert_f(skipped == 0, "suite %s skipped %d cases", suite, skipped);
}

static void test_curve(void)
{
	check_suite("primedisp_curve");
}

static void test_crtc_color(void)
{
	check_suite("primedisp_crtc_color");
}

static void test_pipeline(void)
{
	check_suite("primedisp_pipeline");
}

static void test_formats(void)
{
	check_suite("primedisp_formats");
}

static void test_blend(void)
{
	check_suite("primedisp_blend");
}

static const struct pd_subtest subtests[] = {
	{ "primedisp_curve", test_curve,
	  "the named curves (sRGB, PQ, BT.2020, gamma 2.2) against their formulas" },
	{ "primedisp_crtc_color", test_crtc_color,
	  "DEGAMMA_LUT, CTM and GAMMA_LUT: rounding, order, clamping" },
	{ "primedisp_pipeline", test_pipeline,
	  "plane colour pipeline stages: matrices, multipliers, 1D and 3D LUTs, curves" },
	{ "primedisp_formats", test_formats,
	  "format readers and writers, YCbCr encodings and ranges, chroma subsampling" },
	{ "primedisp_blend", test_blend, "blend modes and plane alpha, nearest-neighbour scaling" },
	{ }
};

PD_MAIN(subtests, "primedisp's KUnit tests of its pixel arithmetic, under kernels with KUnit.");
