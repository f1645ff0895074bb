#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# igt-run.sh - upstream IGT against primedisp in a VM (`make igt`, and the
# IGT part of `make check`).
#
# Usage: scripts/igt-run.sh [-k SERIES] [-l full|ci] [-T PATTERNS] [-o DIR]
#   -k  kernel series (default 6.12)
#   -l  test list: full (igt-tests/upstream/testlist.txt, the default) or
#       ci (igt-tests/upstream/ci.testlist.txt, what `make check` runs)
#   -T  only tests matching these fnmatch patterns, comma-separated
#       (BIN, BIN@SUB, igt@BIN@SUB)
#   -o  results directory (default build/igt-SERIES)
#
# Builds IGT (scripts/igt-build.sh, cached) and primedisp for the kernel,
# boots one VM running scripts/guest-igt.sh and prints its PASS/FAIL/SKIP
# lines (igt@BIN@SUB), then "N passed, N failed, N skipped".  A kernel
# report in the guest log, a timeout or a failed boot is a FAIL line too.
# Environment: IGT_VM_TIMEOUT (default 3600 s), IGT_TEST_TIMEOUT (per
# subtest, default 120 s), IGT_RUNNER_ARGS (see guest-igt.sh), IGT_SRC
# (see igt-build.sh).
# Exit status: 0, 1 if anything failed, 2 if IGT or the module cannot be
# built.

set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
k=6.12 list=full T= out=
while getopts "k:l:T:o:h" opt; do
	case $opt in
	k) k=$OPTARG ;;
	l) list=$OPTARG ;;
	T) T=$OPTARG ;;
	o) out=$OPTARG ;;
	h) sed -n '4,24s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) exit 2 ;;
	esac
done
case $list in
full) listfile=igt-tests/upstream/testlist.txt ;;
ci) listfile=igt-tests/upstream/ci.testlist.txt ;;
*) echo "igt-run: unknown list '$list' (full or ci)" >&2; exit 2 ;;
esac
out=${out:-$top/build/igt-$k}
VM_TIMEOUT=${IGT_VM_TIMEOUT:-3600}

prefix=$(scripts/igt-build.sh) || { echo "igt-run: cannot build IGT" >&2; exit 2; }
ko=$(scripts/build-module.sh "$k") || { echo "igt-run: cannot build primedisp for $k" >&2; exit 2; }
rm -rf "$out"
mkdir -p "$out"
log=$out/guest.log

pats=()
IFS=, read -ra raw <<<"$T"
for p in "${raw[@]}"; do
	pats+=("$(printf %q "${p#igt@}")")
done

start=$(date +%s)
PRIMEDISP_IGT_TEST_TIMEOUT=${IGT_TEST_TIMEOUT:-120} \
PRIMEDISP_IGT_RUNNER_ARGS=${IGT_RUNNER_ARGS:-} \
scripts/vm-run.sh -k "$k" -m "$ko" -t "$VM_TIMEOUT" -l "$log" -o "$out" -- \
	"IGT_TEST_TIMEOUT=\$PRIMEDISP_IGT_TEST_TIMEOUT IGT_RUNNER_ARGS=\$PRIMEDISP_IGT_RUNNER_ARGS scripts/guest-igt.sh $prefix $listfile ${pats[*]}" \
	2>&1 | tee "$out/suite.log" | grep --line-buffered -E '^(PASS|FAIL|SKIP) |^guest-igt:|^vm-run:'
vmrc=${PIPESTATUS[0]}
echo "igt-run: guest run on $k took $(($(date +%s) - start)) s (kernel log: $log)" >&2

case $vmrc in
0 | 1) ;;
124) echo "FAIL igt@vm-timeout: guest did not finish in $VM_TIMEOUT s" ;;
3) echo "FAIL igt@kernel-log: kernel report in the guest log ($log)" ;;
6) echo "FAIL igt@vm-boot: the guest kernel hung or died while booting, three boots in a row ($log.boot*)" ;;
*) echo "FAIL igt@vm-run: vm-run exited with $vmrc (see $log)" ;;
esac | tee -a "$out/suite.log"

pass=$(grep -c '^PASS ' "$out/suite.log")
fail=$(grep -c '^FAIL ' "$out/suite.log")
skip=$(grep -c '^SKIP ' "$out/suite.log")
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
