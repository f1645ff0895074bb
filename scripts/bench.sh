#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# bench.sh - primedisp's benchmarks (what `make bench` calls): builds
# primedisp.ko and vkms.ko (the comparison module, scripts/build-vkms.sh)
# for Debian's 6.12 kernel and bench/build/pdbench, boots one VM with
# primedisp, vkms and vgem loaded, runs bench/guest-bench.sh there and
# writes the table to BENCHMARKS.md (scripts/bench-report.py).
#
#   BENCH_RUNS=3       runs per measurement (medians with min/max)
#   BENCH_FLIPS=1000   flips per run of the flip timing
#   BENCH_ONLY="..."   sections: compose zerocopy prime flips memory commit
#                      (a partial run writes build/bench/BENCHMARKS.md only)
#
# Raw results: build/bench/results.txt; guest kernel log: build/bench/kernel.log.

set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
K=6.12
outdir="$top/build/bench"
rm -rf "$outdir"
mkdir -p "$outdir"

echo "bench: packages, kernel $K, modules and programs"
scripts/install-deps.sh
scripts/fetch-kernels.sh "$K" >/dev/null
ko=$(scripts/build-module.sh "$K")
vkms=$(scripts/build-vkms.sh "$K")
make -s -C bench
make -s -C userspace build/cam2disp

echo "bench: measuring in a VM (a few minutes)"
start=$(date +%s)
VKMS_KO=$vkms PRIMEDISP_PARAMS="fbdev=0" \
	scripts/vm-run.sh -k "$K" -m "$ko" -t 1800 -o "$outdir" -l "$outdir/kernel.log" -- \
	"VKMS_KO=$vkms BENCH_RUNS=${BENCH_RUNS:-3} BENCH_FLIPS=${BENCH_FLIPS:-1000} BENCH_ONLY='${BENCH_ONLY:-}' bench/guest-bench.sh"
echo "bench: guest ran for $(( $(date +%s) - start )) s"

report="$top/BENCHMARKS.md"
[ -z "${BENCH_ONLY:-}" ] || report="$outdir/BENCHMARKS.md"
python3 scripts/bench-report.py "$outdir/results.txt" >"$report.tmp"
mv "$report.tmp" "$report"
cat "$report"
echo "bench: wrote $report"
