#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh - primedisp's whole test run (what `make check` calls).
#
#   K="6.1 6.12 7.3"  kernel series to test (default: the first-class series
#                 of scripts/kernels.conf); a smoke series there (7.0, 7.1,
#                 7.2) runs only PD_SMOKE_T (unless T is given); a series
#                 Debian no longer carries installably is skipped; "debug" is primedisp's
#                 debug kernel (scripts/build-debug-kernel.sh, `make
#                 check-debug`): built on first use, the host checks are
#                 left to the Debian kernels' runs, the time limits are
#                 raised and kmemleak is checked before and after the suite
#   T=PATTERN     run only matching tests: BIN or BIN@SUBTEST, fnmatch style
#
# Installs missing Debian packages, provisions the kernels, builds the module
# for each (W=1 and sparse: a warning is a failure), runs checkpatch, builds
# the tests, runs the host suites (device tree, DKMS, documentation, the arm64
# DT probe in an aarch64 VM), then boots one VM per kernel and runs the suite
# inside it.
# Prints a line per test, a summary per kernel and, last, the plain line
# "N passed, N failed, N skipped".  Exits non-zero on any failure.

set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
# shellcheck source=scripts/kernels.conf
. scripts/kernels.conf
K=${K:-$PD_SERIES}
T=${T:-}
# The smoke subset of a smoke series: the build (W=1, sparse), loading, the
# basic ioctls, CRCs of the pipe and PRIME both ways with vgem.
PD_SMOKE_T=${PD_SMOKE_T:-module_load,core_getversion_pd,kms_pipe_crc_basic_pd@read-crc,kms_pipe_crc_basic_pd@compare-crc-formats,prime_vgem_pd@basic-import,prime_vgem_pd@basic-export,prime_vgem_pd@scanout-import,dumb_buffer_pd}
# Hang catchers only (a passing run never comes near them), generous so
# that a busy host (make check-loaded) is not mistaken for a hung guest.
VM_TIMEOUT=${VM_TIMEOUT:-3600}
# The debug kernel (KASAN, lockdep, kmemleak... under TCG) is many times
# slower: its own limits for the VM, each subtest and each test's alarm.
DEBUG_VM_TIMEOUT=${DEBUG_VM_TIMEOUT:-21600}
DEBUG_SUBTEST_TIMEOUT=${DEBUG_SUBTEST_TIMEOUT:-900}
DEBUG_PDTEST_TIMEOUT=${DEBUG_PDTEST_TIMEOUT:-840}
# After the suite, each first-class kernel's run fuzzes the ioctls
# (pd-fuzz, fuzz@seed-SEED; FUZZ_SEEDS="" for none): FUZZ_OPS operations
# per seed in FUZZ_PROCS processes, the last FUZZ_NOBODY of them as an
# unprivileged user on the render node, primedisp reloaded with
# FUZZ_OUTPUTS outputs, FUZZ_LIMIT seconds at most per seed.
FUZZ_SEEDS=${FUZZ_SEEDS-1 2}
FUZZ_OPS=${FUZZ_OPS:-20000}
FUZZ_PROCS=${FUZZ_PROCS:-3}
FUZZ_NOBODY=${FUZZ_NOBODY:-1}
FUZZ_LIMIT=${FUZZ_LIMIT:-1800}
FUZZ_OUTPUTS=${FUZZ_OUTPUTS:-2}
# The debug kernel's run fuzzes with these seeds (debug@fuzz-SEED; "" for
# none).
DEBUG_FUZZ_SEEDS=${DEBUG_FUZZ_SEEDS-1 2 3}
DEBUG_FUZZ_OPS=${DEBUG_FUZZ_OPS:-2000}
DEBUG_FUZZ_PROCS=${DEBUG_FUZZ_PROCS:-2}
DEBUG_T=${DEBUG_T:-}
# DEBUG_BUILD=0: use the debug kernel only if it is already built (cached);
# otherwise its run is recorded as skipped instead of building it (about
# 45 minutes on two cores: more than CI's budget).
DEBUG_BUILD=${DEBUG_BUILD:-1}
# Debian's kernels in K (fetch-kernels.sh takes those); the first-class
# ones among them get the host checks that concern a kernel (DKMS, arm64).
debian_k=
first_k=
for k in $K; do
	[ "$k" = debug ] || debian_k+="${debian_k:+ }$k"
	[[ " $PD_SERIES " == *" $k "* ]] && first_k+="${first_k:+ }$k"
done
is_smoke() { [[ " $PD_SMOKE_SERIES " == *" $1 "* ]]; }
results="$top/build/results"
rm -rf "$results"
mkdir -p "$results"

pass=0 fail=0 skip=0
declare -A kpass kfail kskip

# record KERNEL RESULT NAME [REASON]
record() {
	local k=$1 r=$2 name=$3 reason=${4:-}
	case $r in
	PASS) pass=$((pass + 1)); kpass[$k]=$((${kpass[$k]:-0} + 1)) ;;
	FAIL) fail=$((fail + 1)); kfail[$k]=$((${kfail[$k]:-0} + 1)) ;;
	SKIP) skip=$((skip + 1)); kskip[$k]=$((${kskip[$k]:-0} + 1)) ;;
	esac
	printf '%s [%s] %s%s\n' "$r" "$k" "$name" "${reason:+: $reason}"
}

selected() {	# does test NAME (BIN@SUB) match T (comma-separated patterns)?
	local pat pats
	[ -z "$T" ] && return 0
	IFS=, read -ra pats <<<"$T"
	for pat in "${pats[@]}"; do
		# shellcheck disable=SC2254
		case $1 in $pat | $pat@*) return 0 ;; esac
	done
	return 1
}

echo "== setup: packages, kernels, tests"
scripts/install-deps.sh || { echo "check: could not install packages"; exit 1; }
# A series whose kernel Debian's archive no longer carries installably
# (fetch-kernels.sh exits 3: e.g. 7.0 and 7.1 without their modules and
# headers) is skipped, not failed.
declare -A unavailable
for k in $debian_k; do
	scripts/fetch-kernels.sh "$k" >/dev/null 2>"$results/fetch-$k.err"
	case $? in
	0) ;;
	3) unavailable[$k]=$(tail -n1 "$results/fetch-$k.err" | sed 's/^fetch-kernels: //') ;;
	*) cat "$results/fetch-$k.err"; echo "check: could not provision kernel $k"; exit 1 ;;
	esac
done
if [[ " $K " == *" debug "* ]] && [ "$DEBUG_BUILD" != 0 ]; then
	# Half an hour or more the first time; its progress goes to stderr.
	scripts/build-debug-kernel.sh >/dev/null ||
		{ echo "check: could not build the debug kernel"; exit 1; }
fi
if ! { make -s -C igt-tests && make -s -C userspace; } >"$results/igt-build.log" 2>&1; then
	cat "$results/igt-build.log"
	record host FAIL host@build-tests "see $results/igt-build.log"
fi

# The host checks concern the sources and Debian's kernels: a run of the
# debug kernel alone leaves them to `make check`.
host_checks=1
if [ -z "$debian_k" ]; then
	host_checks=0
	echo "== host checks: left to make check (K=$K)"
fi

if [ $host_checks = 1 ] && selected host@checkpatch; then
	if scripts/lint.sh >"$results/checkpatch.log" 2>&1; then
		record host PASS host@checkpatch
	else
		sed 's/^/    /' "$results/checkpatch.log"
		record host FAIL host@checkpatch "checkpatch --strict reported problems"
	fi
fi

# host_suite NAME COMMAND...: a host-side script printing PASS/FAIL lines.
host_suite() {
	local name=$1 log="$results/$1.log" line rest
	shift
	[ $host_checks = 1 ] || return 0
	selected "$name@x" || return 0
	echo "== $name"
	"$@" >"$log" 2>&1
	local rc=$?
	while IFS= read -r line; do
		case $line in
		PASS\ *) record host PASS "${line#PASS }" ;;
		FAIL\ *) rest=${line#FAIL }; record host FAIL "${rest%%: *}" "${rest#*: }" ;;
		"    "*) echo "$line" ;;
		esac
	done <"$log"
	if [ $rc -ne 0 ] && ! grep -q '^FAIL ' "$log"; then
		tail -n 20 "$log" | sed 's/^/    /'
		record host FAIL "$name@run" "exited with $rc (log: $log)"
	fi
}

# The main job itself: `make demo`'s scripts, its report and PNGs checked
# (scripts/demo-test.sh), on DEMO_K (default: every first-class series in K).
DEMO_K=${DEMO_K-$first_k}
[ -z "$DEMO_K" ] || host_suite demo scripts/demo-test.sh $DEMO_K
# The VM runner itself: exit status, boot watchdog (on the newest
# first-class series).
[ -z "$first_k" ] || host_suite vm-run scripts/vm-run-test.sh "${first_k##* }"
# Device tree binding and overlay; DKMS builds for each kernel's headers.
host_suite dt scripts/dt-check.sh
[ -z "$first_k" ] || host_suite dkms scripts/dkms-test.sh $first_k
# The Sphinx book, kernel-doc included; any warning fails.
host_suite docs scripts/docs-build.sh --check
# primedisp probed from the DT overlay on Debian's arm64 kernels (qemu virt),
# the first-class series.
[ -z "$first_k" ] || host_suite arm64 scripts/arm64-check.sh $first_k

# Does T select any test that runs in the VM?  (Saves a boot for T=docs.)
vm_tests_selected() {
	local bin name sub
	[ -z "$T" ] && return 0
	for bin in igt-tests/build/*; do
		[ -f "$bin" ] && [ -x "$bin" ] || continue
		name=${bin##*/}
		while IFS= read -r sub; do
			selected "$name@$sub" && return 0
		done < <("$bin" --list-subtests 2>/dev/null)
	done
	return 1
}

T_ALL=$T
for k in $K; do
	# DEBUG_T: another test selection for the debug kernel (CI keeps it
	# to the kernel-facing tests; see .ci/run).
	T=$T_ALL
	[ "$k" != debug ] || T=${DEBUG_T:-$T_ALL}
	if [ -n "${unavailable[$k]:-}" ]; then
		echo "== kernel $k"
		record "$k" SKIP "$k@kernel" "${unavailable[$k]}"
		continue
	fi
	# A smoke series runs its subset unless T asks for something else.
	if is_smoke "$k" && [ -z "$T_ALL" ]; then
		T=$PD_SMOKE_T
	fi
	run_suite=1
	fuzz_here=0
	if [ "$k" != debug ] && ! is_smoke "$k" && [ -n "$FUZZ_SEEDS" ] && selected fuzz@seed; then
		fuzz_here=1
	fi
	if ! vm_tests_selected; then
		# T=debug@fuzz, T=fuzz: the fuzzing alone.
		if [ "$k" = debug ] && [ -n "$DEBUG_FUZZ_SEEDS" ] && selected debug@fuzz; then
			run_suite=0
		elif [ $fuzz_here = 1 ]; then
			run_suite=0
		else
			echo "== kernel $k: no test in the VM matches T=$T"
			continue
		fi
	fi
	echo "== kernel $k"
	if [ "$k" = debug ] && [ "$DEBUG_BUILD" = 0 ] &&
		! scripts/build-debug-kernel.sh --cached >/dev/null 2>"$results/build-$k.err"; then
		sed 's/^/    /' "$results/build-$k.err"
		record "$k" SKIP "debug@suite" "the debug kernel is not built and DEBUG_BUILD=0 (make debug-kernel)"
		continue
	fi
	ko=$(scripts/build-module.sh "$k" C=2 CHECK=sparse 2>"$results/build-$k.err")
	rc=$?
	if [ $rc -eq 0 ] && grep -q '^build-module: sparse not run' "$results/build-$k.err"; then
		# 7.x: kbuild turned sparse off (too old for the headers).
		record "$k" PASS "host@build-w1"
		record "$k" SKIP "host@sparse" "$(sed -n 's/^build-module: sparse not run: //p' "$results/build-$k.err")"
	elif [ $rc -eq 0 ]; then
		record "$k" PASS "host@build-w1-sparse"
	else
		sed 's/^/    /' "$results/build-$k.err" | tail -n 40
		record "$k" FAIL "host@build-w1-sparse" "module build failed or warned"
		[ $rc -eq 1 ] && continue
	fi

	log="$results/guest-$k.log"
	suite="igt-tests/run-suite.sh ${T:+-T $(printf %q "$T")} igt-tests/build"
	timeout=$VM_TIMEOUT
	if [ "$k" = debug ]; then
		# kmemleak before (boot, then cleared) and after the suite, the
		# fuzzer in between.
		timeout=$DEBUG_VM_TIMEOUT
		fuzz=:
		if [ -n "$DEBUG_FUZZ_SEEDS" ] && selected debug@fuzz; then
			fuzz="scripts/guest-fuzz.sh -n $DEBUG_FUZZ_OPS -p $DEBUG_FUZZ_PROCS -u $FUZZ_NOBODY $DEBUG_FUZZ_SEEDS"
		fi
		[ "$run_suite" = 1 ] || suite=:
		suite="scripts/guest-kmemleak.sh --boot --save $results/out-$k/kmemleak-boot.txt
			SUBTEST_TIMEOUT=$DEBUG_SUBTEST_TIMEOUT PDTEST_TIMEOUT=$DEBUG_PDTEST_TIMEOUT $suite
			rc=\$?
			$fuzz || rc=1
			scripts/guest-kmemleak.sh --save $results/out-$k/kmemleak.txt || rc=1
			exit \$rc"
	elif [ $fuzz_here = 1 ]; then
		[ "$run_suite" = 1 ] || suite=:
		suite="$suite
			rc=\$?
			scripts/guest-fuzz.sh -N fuzz@seed -n $FUZZ_OPS -p $FUZZ_PROCS -u $FUZZ_NOBODY -O $FUZZ_OUTPUTS -t $FUZZ_LIMIT $FUZZ_SEEDS || rc=1
			exit \$rc"
	fi
	start=$(date +%s)
	scripts/vm-run.sh -k "$k" -m "$ko" -t "$timeout" -l "$log" -o "$results/out-$k" -- "$suite" \
		2>&1 | tee "$results/suite-$k.log" | grep --line-buffered -v -E '^(PASS|FAIL|SKIP) |^[0-9]+ passed, '
	vmrc=${PIPESTATUS[0]}
	echo "   (guest run took $(($(date +%s) - start)) s, kernel log: $log)"

	while IFS= read -r line; do
		case $line in
		PASS\ *) record "$k" PASS "${line#PASS }" ;;
		SKIP\ *) rest=${line#SKIP }; record "$k" SKIP "${rest%%: *}" "${rest#*: }" ;;
		FAIL\ *) rest=${line#FAIL }; record "$k" FAIL "${rest%%: *}" "${rest#*: }" ;;
		esac
	done < <(grep -E '^(PASS|FAIL|SKIP) ' "$results/suite-$k.log")

	case $vmrc in
	0 | 1) ;;	# the suite ran; its failures are counted above
	124) record "$k" FAIL vm@timeout "guest did not finish in $timeout s" ;;
	3) record "$k" FAIL vm@kernel-log "kernel report in the guest log (see above and $log)" ;;
	6) record "$k" FAIL vm@boot "the guest kernel hung or died while booting, three boots in a row (see $log.boot*)" ;;
	*) record "$k" FAIL vm@run "vm-run exited with $vmrc (see $log)" ;;
	esac
done

# Upstream IGT (scripts/igt-run.sh): a guest of its own per kernel in IGT_K
# (default 6.12 and the newest series) that is also in K, with the CI list
# (IGT_LIST), when its source is there.  IGT=0 leaves it out; with T, only
# igt@... patterns.
igt_t=
for p in ${T_ALL//,/ }; do
	case $p in igt@*) igt_t+="${igt_t:+,}${p#igt@}" ;; esac
done
if [ "${IGT:-1}" != 0 ] && { [ -z "$T_ALL" ] || [[ ",$T_ALL," == *,igt[,@]* ]]; }; then
	for k in ${IGT_K:-6.12 ${PD_SERIES##* }}; do
		[[ " $K " == *" $k "* ]] || continue
		if ! scripts/igt-build.sh >"$results/igt-build-$k.log" 2>&1; then
			if grep -q 'no IGT source' "$results/igt-build-$k.log"; then
				echo "== igt: no IGT source (IGT_SRC), left out"
				break
			fi
			tail -n 20 "$results/igt-build-$k.log" | sed 's/^/    /'
			record "$k" FAIL igt@build "see $results/igt-build-$k.log"
			continue
		fi
		echo "== igt, kernel $k"
		scripts/igt-run.sh -k "$k" -l "${IGT_LIST:-ci}" ${igt_t:+-T "$igt_t"} \
			-o "$results/igt-$k" >"$results/igt-$k.log" 2>&1
		while IFS= read -r line; do
			case $line in
			PASS\ *) record "$k" PASS "${line#PASS }" ;;
			SKIP\ *) rest=${line#SKIP }; record "$k" SKIP "${rest%%: *}" "${rest#*: }" ;;
			FAIL\ *) rest=${line#FAIL }; record "$k" FAIL "${rest%%: *}" "${rest#*: }" ;;
			igt-run:* | guest-igt:*) echo "   $line" ;;
			esac
		done <"$results/igt-$k.log"
	done
fi

echo "== summary"
for k in host $K; do
	printf '  %-6s %d passed, %d failed, %d skipped\n' "$k" \
		"${kpass[$k]:-0}" "${kfail[$k]:-0}" "${kskip[$k]:-0}"
done
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
