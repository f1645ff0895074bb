#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# guest-igt.sh - run upstream IGT's tests against primedisp with IGT's own
# runner, inside the test VM (scripts/igt-run.sh starts it through
# vm-run.sh, primedisp loaded as PRIMEDISP_KO).
#
# Usage: guest-igt.sh PREFIX LIST [PATTERN...]
#   PREFIX   IGT's install prefix (scripts/igt-build.sh)
#   LIST     the test list for one output, e.g. igt-tests/upstream/testlist.txt;
#            LIST with -2outputs before .txt (if present) is run afterwards
#            with primedisp reloaded with num_outputs=2
#   PATTERN  only tests matching these fnmatch patterns (BIN or BIN@SUB)
#
# vgem is loaded for the PRIME tests.  Each pass runs igt_runner with
# IGT_FORCE_DRIVER=primedisp, then scripts/igt-results.py compares its
# results.json with the expectations in the list's directory and prints
# PASS/FAIL/SKIP lines; the last line is "N passed, N failed, N skipped".
# Results go to /tmp/igt-N (N outputs), then to $PRIMEDISP_OUTDIR/igt-N if
# that is set.
# Environment: IGT_TEST_TIMEOUT (seconds per subtest, default 120),
# IGT_RUNNER_ARGS (more igt_runner options, e.g. --overall-timeout N).  Not
# -m (multiple mode): its results.json gives subtests stderr text of other
# subtests and stray bytes, which turns passing subtests into "warn".
# Exit status: 0, or 1 if anything failed.

set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
prefix=${1:?usage: guest-igt.sh PREFIX LIST [PATTERN...]}
list=${2:?usage: guest-igt.sh PREFIX LIST [PATTERN...]}
shift 2
list=$(realpath "$list")
expect=$(dirname "$list")
timeout=${IGT_TEST_TIMEOUT:-120}
outroot=${PRIMEDISP_OUTDIR:-/tmp}

libexec=$prefix/libexec/igt-gpu-tools
export LD_LIBRARY_PATH=$prefix/lib/x86_64-linux-gnu:$prefix/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
export PATH=$prefix/bin:$PATH
export IGT_FORCE_DRIVER=primedisp
[ -x "$prefix/bin/igt_runner" ] || { echo "guest-igt: no igt_runner in $prefix/bin" >&2; exit 2; }

# On a test's timeout igt_runner dumps every task's stack through
# /proc/sysrq-trigger; vm-run.sh would take those call traces for a kernel
# report.  The timeout is the test's result already: the dump goes nowhere.
mount --bind /dev/null /proc/sysrq-trigger 2>/dev/null ||
	echo "guest-igt: warning: a test timeout will show as a kernel report (sysrq task dump)" >&2

# Linux 7.x notes once per boot that /sys/kernel/debug/tracing, which IGT
# opens, is a deprecated automount: let that happen here, not in the first
# test, whose kernel log check would take the notice for a warning.
ls /sys/kernel/debug/tracing/ >/dev/null 2>&1 || true

modprobe vgem || echo "guest-igt: warning: cannot load vgem; the PRIME tests will skip" >&2

total_rc=0
passes=("1 $list")
two=${list%.txt}-2outputs.txt
[ -f "$two" ] && passes+=("2 $two")
for p in "${passes[@]}"; do
	read -r n file <<<"$p"
	# The runner's files are written in the guest's tmpfs: appending
	# through the 9p share garbled them (igt_runner then reports "warn");
	# they are copied to PRIMEDISP_OUTDIR afterwards.
	res=/tmp/igt-$n
	rm -rf "$res"
	mkdir -p "$res"
	runlist=$res/runlist.txt
	python3 "$here/igt-results.py" plan "$file" "$expect" "$@" >"$runlist" || exit 2
	if ! grep -q '^igt@' "$runlist"; then
		# Nothing to run here (a pattern, or only skips): report the skips.
		echo '{"tests": {}}' >"$res/results.json"
		python3 "$here/igt-results.py" report "$res/results.json" "$runlist" "$expect" |
			grep -v ' passed, .* failed, '
		continue
	fi
	cur=$(cat /sys/module/primedisp/parameters/num_outputs 2>/dev/null || echo 0)
	if [ "$cur" != "$n" ]; then
		"$here/guest-reload.sh" "$n" || { echo "FAIL igt@reload-num_outputs-$n: cannot reload primedisp"; total_rc=1; continue; }
	fi
	echo "guest-igt: $(grep -c '^igt@' "$runlist") tests with num_outputs=$n (results: $res)" >&2
	start=$(date +%s)
	# Per test, not in multiple mode: a crash or timeout costs one test.
	# shellcheck disable=SC2086  # IGT_RUNNER_ARGS are words on purpose
	igt_runner --test-list "$runlist" --per-test-timeout "$timeout" \
		--prune-mode=keep-subtests -e IGT_FORCE_DRIVER -o -s -l quiet \
		${IGT_RUNNER_ARGS:-} \
		"$libexec" "$res/run" >"$res/runner.log" 2>&1
	rc=$?
	echo "guest-igt: igt_runner (num_outputs=$n) exited with $rc after $(($(date +%s) - start)) s" >&2
	json=$res/run/results.json
	if [ ! -f "$json" ]; then
		igt_results "$res/run" >>"$res/runner.log" 2>&1 || true
	fi
	python3 "$here/igt-results.py" report "$json" "$runlist" "$expect" >"$res/report.txt"
	prc=$?
	grep -v ' passed, .* failed, ' "$res/report.txt"
	[ $prc -eq 0 ] || total_rc=1
	[ -f "$json" ] || { tail -n 20 "$res/runner.log" | sed 's/^/    /'; total_rc=1; }
	if [ "$outroot" != /tmp ]; then
		rm -rf "$outroot/igt-$n"
		cp -r "$res" "$outroot/igt-$n"
	fi
done
exit $total_rc
