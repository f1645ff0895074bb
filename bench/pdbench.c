// SPDX-License-Identifier: GPL-2.0
/*
 * pdbench - primedisp's benchmarks, one subcommand per measurement.  Each
 * prints "RESULT name median min max unit" lines (over its runs) that
 * scripts/bench.sh turns into BENCHMARKS.md.  See the files of the
 * subcommands for what they measure and how.
 */
#include <stdio.h>
#include <string.h>

#include "bench.h"

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
} cmds[] = {
	{ "compose", bench_compose, "DRIVER WxH one|three|nv12 SECONDS RUNS [FUNCTION]" },
	{ "memcpy", bench_memcpy, "WxH RUNS" },
	{ "fsum", bench_fsum, "WxH RUNS" },
	{ "zerocopy", bench_zerocopy, "WxH FLIPS RUNS" },
	{ "cputime", bench_cputime, "NAME FRAMES -- COMMAND [ARGS...]" },
	{ "prime", bench_prime, "SIZE fresh|reuse SECONDS RUNS EXPORTER:IMPORTER..." },
	{ "flips", bench_flips, "DRIVER FLIPS RUNS" },
	{ "memory", bench_memory, "gem|import DRIVER [EXPORTER] COUNT RUNS" },
	{ "commit", bench_commit, "DRIVER FLIPS RUNS" },
};

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (size_t i = 0; argc > 1 && i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(argv[1], cmds[i].name))
			return cmds[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "usage: pdbench SUBCOMMAND ARGS\n");
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(stderr, "  pdbench %s %s\n", cmds[i].name, cmds[i].help);
	return 2;
}
