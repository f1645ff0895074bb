#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# run-suite.sh - run primedisp's IGT-style tests, one subtest per process, and
# check the kernel log after each for kernel reports.  Meant to run as root
# inside the test VM.
#
# Usage: run-suite.sh [-T PATTERN]... [BINDIR]
#   BINDIR      directory of test binaries (default: build/ next to this script)
#   -T PATTERN  only run BIN or BIN@SUBTEST matching the fnmatch-style PATTERN
#               (repeatable, or comma-separated), e.g. -T dumb_buffer_pd -T 'kms_*@set-*'
#
# Prints one line per subtest:
#   PASS BIN@SUB (1.2s)
#   FAIL BIN@SUB: REASON        followed by the subtest's output, indented
#   SKIP BIN@SUB: REASON
# then "N passed, N failed, N skipped".  Exit status: 0, 1 if anything failed,
# 2 on usage errors or when no subtest matched.
#
# Environment: SUBTEST_TIMEOUT (seconds per subtest, default 700: a hang
# catcher above every test's own PDTEST_TIMEOUT, generous for busy hosts).
# Binaries named module_* run last: they reload the driver.

set -u

SUBTEST_TIMEOUT=${SUBTEST_TIMEOUT:-700}
KERNEL_REPORT_RE='WARNING:|BUG:|kernel BUG at|Oops|general protection fault|KASAN|UBSAN|possible circular locking|inconsistent lock state|refcount_t:|list_add corruption|list_del corruption|Call Trace:|blocked for more than|ODEBUG:'

usage() {
	sed -n '4,21s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
}

patterns=()
while getopts "T:h" opt; do
	case $opt in
	T)
		IFS=, read -ra p <<<"$OPTARG"
		patterns+=("${p[@]}")
		;;
	h)
		usage
		exit 0
		;;
	*)
		usage >&2
		exit 2
		;;
	esac
done
shift $((OPTIND - 1))
if [ $# -gt 1 ]; then
	usage >&2
	exit 2
fi

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
bindir=${1:-$here/build}
if [ ! -d "$bindir" ]; then
	echo "run-suite: $bindir: no such directory (build with: make -C igt-tests)" >&2
	exit 2
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/run-suite.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT

# ---- kernel log ---------------------------------------------------------------
# Preferred: a unique marker written to /dev/kmsg before each subtest, and the
# log after it.  Fallback: dmesg line counts.
klog=none
if dmesg >/dev/null 2>&1; then
	klog=count
	probe="primedisp-suite: probe $$"
	if { echo "<6>$probe" >/dev/kmsg; } 2>/dev/null && dmesg | grep -qF "$probe"; then
		klog=marker
	fi
else
	echo "run-suite: warning: cannot read the kernel log (dmesg); kernel reports are not checked" >&2
fi

run_no=0
# klog_mark ID: remember where the log is before a subtest.
klog_mark() {
	run_no=$((run_no + 1))
	case $klog in
	marker)
		mark="primedisp-suite: begin $1 ($$.$run_no)"
		echo "<6>$mark" >/dev/kmsg 2>/dev/null
		;;
	count)
		mark=$(dmesg | wc -l)
		;;
	esac
}

# klog_since: the kernel log written since klog_mark.
klog_since() {
	case $klog in
	marker)
		dmesg | awk -v m="$mark" 'found { print } index($0, m) { found = 1 }'
		;;
	count)
		dmesg | tail -n +"$((mark + 1))"
		;;
	esac
}

# ---- selection ----------------------------------------------------------------
selected() {
	local bin=$1 sub=$2 p
	[ ${#patterns[@]} -eq 0 ] && return 0
	for p in "${patterns[@]}"; do
		# shellcheck disable=SC2053 # glob match intended
		[[ $bin == $p || $bin@$sub == $p ]] && return 0
	done
	return 1
}

bins=()
late=()
for f in "$bindir"/*; do
	if [ ! -f "$f" ] || [ ! -x "$f" ]; then
		continue
	fi
	case $(basename "$f") in
	module_*) late+=("$f") ;;
	*) bins+=("$f") ;;
	esac
done
bins+=("${late[@]}")

# ---- run ------------------------------------------------------------------------
passed=0
failed=0
skipped=0

indent() {
	sed 's/^/    /'
}

# The failure reason from a subtest's output: the assertion/timeout/crash
# line plus its indented detail lines, joined by " | ".
fail_reason() {
	awk '
		/^(Test assertion failure|Test timeout|Test crashed|Test aborted)/ {
			r = r (r == "" ? "" : " | ") $0; cont = 1; next
		}
		cont && /^  / { sub(/^ +/, ""); r = r " | " $0; next }
		{ cont = 0 }
		END { print r }
	' "$1"
}

skip_reason() {
	sed -n 's/^Test requirement not met in .*() at [^ ]*:[0-9]*: //p' "$1" | head -n 1
}

for bin in "${bins[@]}"; do
	name=$(basename "$bin")
	if ! subs=$("$bin" --list-subtests 2>"$tmp/list.err"); then
		if selected "$name" ""; then
			echo "FAIL $name: --list-subtests failed"
			indent <"$tmp/list.err"
			failed=$((failed + 1))
		fi
		continue
	fi
	for sub in $subs; do
		id="$name@$sub"
		selected "$name" "$sub" || continue

		klog_mark "$id"
		start=$(date +%s.%N)
		timeout -k 10 "$SUBTEST_TIMEOUT" "$bin" --run-subtest "$sub" >"$tmp/out" 2>&1 </dev/null
		rc=$?
		end=$(date +%s.%N)
		secs=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')
		klog_since >"$tmp/klog" 2>/dev/null
		report=$(grep -E -m 1 "$KERNEL_REPORT_RE" "$tmp/klog" | sed 's/^\[[^]]*\] *//')

		reason=
		case $rc in
		0) result=PASS ;;
		77)
			result=SKIP
			reason=$(skip_reason "$tmp/out")
			[ -n "$reason" ] || reason="no reason given"
			;;
		124 | 137)
			result=FAIL
			reason="timeout (${SUBTEST_TIMEOUT} s)"
			;;
		*)
			result=FAIL
			reason=$(fail_reason "$tmp/out")
			if [ -z "$reason" ]; then
				case $rc in
				79) reason="unknown subtest" ;;
				112) reason="aborted" ;;
				*) reason="exit code $rc" ;;
				esac
			fi
			;;
		esac
		if [ -n "$report" ]; then
			if [ "$result" = FAIL ]; then
				reason="$reason; kernel report: $report"
			else
				result=FAIL
				reason="kernel report: $report"
			fi
		fi

		case $result in
		PASS)
			echo "PASS $id (${secs}s)"
			passed=$((passed + 1))
			;;
		SKIP)
			echo "SKIP $id: $reason"
			skipped=$((skipped + 1))
			;;
		FAIL)
			echo "FAIL $id: $reason"
			indent <"$tmp/out"
			if [ -s "$tmp/klog" ]; then
				echo "    --- kernel log during $id ---"
				head -n 300 "$tmp/klog" | indent
			fi
			failed=$((failed + 1))
			;;
		esac
	done
done

echo "$passed passed, $failed failed, $skipped skipped"
if [ $((passed + failed + skipped)) -eq 0 ]; then
	echo "run-suite: no subtest matched${patterns[*]:+ -T ${patterns[*]}} in $bindir" >&2
	exit 2
fi
[ "$failed" -eq 0 ] || exit 1
exit 0
