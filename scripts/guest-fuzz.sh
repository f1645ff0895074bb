#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# guest-fuzz.sh - run primedisp's ioctl fuzzer (userspace/build/pd-fuzz)
# for some seeds inside the test VM, each run checked against the kernel
# log like a subtest of igt-tests/run-suite.sh.  `make check` runs it after
# the suite on each first-class kernel, `make check-debug` on the debug
# kernel, `make fuzz` for a million operations.
#
# Usage: guest-fuzz.sh [-N NAME] [-n OPS] [-p PROCS] [-u N] [-O N] [-t SECONDS] [-f PCT] [-K] SEED...
#   -N NAME     results are named NAME-SEED (default debug@fuzz)
#   -n OPS      operations per seed (default 2000)
#   -p PROCS    concurrent processes per seed (pd-fuzz --procs, default 1)
#   -u N        the last N of them run unprivileged (pd-fuzz --unprivileged:
#               uid 65534 on the render node, while the card node must
#               keep allocating)
#   -O N        first reload primedisp (PRIMEDISP_KO) with num_outputs=N:
#               commits, CRC readers and hotplugs on several outputs
#   -K          announce every operation in the kernel log (pd-fuzz --kmsg;
#               default: a line every 1000 operations, --mark)
#   -t SECONDS  time limit per seed (default 1800)
#   -f PCT      also make PCT% of the fuzzer's slab allocations fail
#               (failslab; names the results NAME-failslab-SEED)
#
# Prints, per seed, "PASS NAME-SEED (N s)" or "FAIL NAME-SEED:
# REASON" followed by the fuzzer's last lines and the kernel log written
# while it ran (which names the operation before a report: pd-fuzz --kmsg).
# Besides the kernel log, a kernel taint flag set during the run (a WARN,
# a bad page, a lockup) or lockdep switching itself off fails the seed.
# A failing seed reproduces with the same command line, printed with the
# failure; add --kmsg to place a report at its operation.
# Exit status 1 if a seed failed.

set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
fuzz=$here/../userspace/build/pd-fuzz
ops=2000
procs=1
nobody=0
prefix=debug@fuzz
limit=1800
failslab=0
mark=--mark
# What run-suite.sh treats as a kernel report.
report_re='WARNING:|BUG:|kernel BUG at|Oops|general protection fault|KASAN|UBSAN|possible circular locking|inconsistent lock state|refcount_t:|list_add corruption|list_del corruption|Call Trace:|blocked for more than|ODEBUG:'

outputs=
while getopts "N:n:p:u:O:t:f:K" opt; do
	case $opt in
	O) outputs=$OPTARG ;;
	N) prefix=$OPTARG ;;
	u) nobody=$OPTARG ;;
	n) ops=$OPTARG ;;
	p) procs=$OPTARG ;;
	K) mark=--kmsg ;;
	t) limit=$OPTARG ;;
	f) failslab=$OPTARG ;;
	*) echo "usage: guest-fuzz.sh [-N NAME] [-n OPS] [-p PROCS] [-u N] [-O N] [-t SECONDS] [-f PCT] [-K] SEED..." >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || { echo "guest-fuzz: no seed given" >&2; exit 2; }
if [ ! -x "$fuzz" ]; then
	echo "FAIL $prefix: $fuzz is not built (make -C userspace)"
	exit 1
fi

if [ -n "$outputs" ]; then
	if ! "$here/guest-reload.sh" "$outputs"; then
		echo "FAIL $prefix: cannot reload primedisp with num_outputs=$outputs"
		exit 1
	fi
	udevadm settle 2>/dev/null || sleep 1
fi
# vgem imports primedisp's dma-bufs (attach and map by another device).
modprobe vgem 2>/dev/null || true
# Render nodes as udev leaves them on a desktop: any user may open them
# (the unprivileged streams are such a user).
chmod 0666 /dev/dri/renderD* 2>/dev/null || true
# The DMA-API debugger (debug kernel) reports every error, not only the
# first of the boot.
if [ -w /sys/kernel/debug/dma-api/all_errors ]; then
	echo 1 >/sys/kernel/debug/dma-api/all_errors
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/guest-fuzz.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
failed=0
for seed in "$@"; do
	name=$prefix-$seed
	# --cursor-thread: the cursor moves from a second thread of each
	# privileged stream while it commits, as a compositor's input thread.
	args=(--seed "$seed" --ops "$ops" --procs "$procs" "$mark" --cursor-thread
	      --progress $((ops / procs / 10 + 1)))
	[ "$nobody" = 0 ] || args+=(--unprivileged "$nobody")
	if [ "$failslab" != 0 ]; then
		name=$prefix-failslab-$seed
		args+=(--fail-slab "$failslab")
	fi
	begin="guest-fuzz: begin $name ($$)"
	echo "<6>$begin" >/dev/kmsg
	start=$(date +%s)
	taint0=$(cat /proc/sys/kernel/tainted)
	rc=0
	# Progress lines go to the console as the run goes (a million
	# operations take a while); the rest is kept for a failure.
	set +e +o pipefail
	timeout -k 10 "$limit" "$fuzz" "${args[@]}" 2>&1 | tee "$tmp/out" |
		grep --line-buffered -E 'of [0-9]+ ops$' | sed -u "s/^/    $name: /"
	rc=${PIPESTATUS[0]}
	set -e -o pipefail
	secs=$(($(date +%s) - start))
	taint1=$(cat /proc/sys/kernel/tainted)
	dmesg | awk -v m="$begin" 'found { print } index($0, m) { found = 1 }' >"$tmp/klog"
	report=$(grep -E -m 1 "$report_re" "$tmp/klog" | sed 's/^\[[^]]*\] *//' || true)
	reason=
	case $rc in
	0) ;;
	124 | 137) reason="timeout ($limit s)" ;;
	*) reason=$(grep -m1 'FAIL' "$tmp/out" || echo "pd-fuzz exited with $rc") ;;
	esac
	# Taint flags this run added, without the module's own (O, E).
	newtaint=$(((taint1 & ~taint0) & ~(4096 | 8192)))
	if [ "$newtaint" != 0 ] && [ -z "$report" ]; then
		report="kernel taint flags added: $newtaint (see Documentation/admin-guide/tainted-kernels)"
	fi
	if [ -r /proc/lockdep_stats ] && grep -q 'debug_locks:[[:space:]]*0' /proc/lockdep_stats &&
		[ -z "$report" ]; then
		report="lockdep switched itself off (debug_locks 0)"
	fi
	if [ -n "$report" ]; then
		# The operation announced last before the first report.
		op=$(awk -v re="$report_re" '/pd-fuzz: op [0-9]+\/[0-9]+ / { last = $0 }
			$0 ~ re { print last; exit }' "$tmp/klog" | sed 's/^\[[^]]*\] *//')
		reason="${reason:+$reason; }kernel report after ${op:-?}: $report"
	fi
	if [ -z "$reason" ]; then
		echo "PASS $name (${secs}s)"
		# Throughput, leak and canary figures.
		grep -m1 ' ops done in ' "$tmp/out" | sed 's/^/    /' || true
		continue
	fi
	failed=1
	echo "FAIL $name: $reason"
	echo "    reproduce: userspace/build/pd-fuzz ${args[*]}"
	tail -n 15 "$tmp/out" | sed 's/^/    /'
	echo "    --- kernel log during $name (operation markers left out) ---"
	{ grep -v 'pd-fuzz: op ' "$tmp/klog" || true; } | head -n 300 | sed 's/^/    /' || true
done
exit $failed
