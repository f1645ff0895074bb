#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# demo-test.sh - the test of primedisp's main job: run `make demo`'s script
# (scripts/demo.sh, with its guest script scripts/guest-demo.sh: the same
# code a user runs, not a copy) for each kernel series given, and check
# what it produced, as a person would look at it:
#
#   demo@run            the demo exited 0 and its report says every stage passed
#   demo@pattern        both pattern PNGs are pd-pattern's colour bars, pixel
#                       for pixel, at 1024x768 and 800x600
#   demo@camera-import  cam2disp showed frames with zero copy confirmed in
#   demo@camera-export  each direction, and the frame on screen is a picture
#                       (vivid's colour bars: many colours), not a blank
#   demo@kmscube        kmscube rendered its 120 frames and the frame saved
#                       mid-run is a shaded cube (many colours)
#   demo@writeback      the frame captured by writeback equals the
#                       framebuffer scanned out, and both are the colour bars
#
# Usage: scripts/demo-test.sh SERIES...   (e.g. 6.1 6.12)
# Prints "PASS demo@CHECK [SERIES]" or "FAIL demo@CHECK [SERIES]: why" lines
# (scripts/check.sh counts them); exits 1 if any failed.

set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
check=userspace/build/pd-pngcheck
failed=0

pass() { echo "PASS demo@$1 [$k]"; }
fail() {
	echo "FAIL demo@$1 [$k]: $2"
	failed=1
}

# result_line MODE: cam2disp's "result:" line of that direction.
result_line() { grep -m1 "^result: mode=$1 " "$report" || true; }

make -s -C userspace || { echo "FAIL demo@build: the userspace tools do not build"; exit 1; }
for k in "$@"; do
	out="$top/build/results/demo-$k"
	rm -rf "$out"
	mkdir -p "$out"
	start=$(date +%s)
	K=$k DEMO_OUT=$out scripts/demo.sh >"$out/demo.log" 2>&1
	rc=$?
	echo "    demo on $k: exit $rc after $(($(date +%s) - start)) s (log: $out/demo.log)"
	report=$(ls "$out"/report-*.txt 2>/dev/null | head -n 1)
	if [ -z "$report" ]; then
		tail -n 20 "$out/demo.log" | sed 's/^/    /'
		fail run "no report was written (exit $rc)"
		continue
	fi
	krel=${report##*/report-}
	krel=${krel%.txt}
	if [ $rc -eq 0 ] && grep -q '^demo: every stage passed$' "$report"; then
		pass run
	else
		grep -E '^-- |^demo: |^demo: FAILED' "$out/demo.log" | sed 's/^/    /'
		fail run "exit status $rc; $(grep -E '^demo: FAILED' "$out/demo.log" | tail -n 1)"
	fi

	# The pattern: exactly pd-pattern's bars, at both modes.
	if msg=$("$check" bars "$out/pattern-$krel.png" "$out/pattern-800x600-$krel.png" 2>&1); then
		pass pattern
	else
		fail pattern "$(echo "$msg" | grep -v 'every pixel' | head -n 1)"
	fi

	for dir in import export; do
		line=$(result_line "$dir")
		shown=$(sed -n 's/.* shown=\([0-9]*\) .*/\1/p' <<<"$line")
		if [ -z "$line" ]; then
			fail "camera-$dir" "no cam2disp result line in the report"
		elif [[ $line != *zero_copy=yes* ]] || [ "${shown:-0}" -lt 1 ]; then
			fail "camera-$dir" "$line"
		elif ! msg=$("$check" colours 8 "$out/camera-$dir-$krel.png" 2>&1); then
			fail "camera-$dir" "the camera frame on screen is no picture: $msg"
		else
			pass "camera-$dir"
		fi
	done

	frames=$(sed -n 's/^kmscube: Rendered \([0-9]*\) frames.*/\1/p' "$report" | tail -n 1)
	if [ "${frames:-0}" -lt 119 ]; then
		fail kmscube "kmscube reported ${frames:-no} frames rendered, 120 were asked"
	elif ! msg=$("$check" colours 16 "$out/kmscube-$krel.png" 2>&1); then
		fail kmscube "its frame on screen is no shaded cube: $msg"
	else
		pass kmscube
	fi

	if ! msg=$("$check" same "$out/writeback-$krel.png" "$out/scanout-$krel.png" 2>&1); then
		fail writeback "writeback differs from the scanned-out framebuffer: $msg"
	elif ! msg=$("$check" bars "$out/writeback-$krel.png" 2>&1); then
		fail writeback "the written-back frame is not the colour bars: $msg"
	else
		pass writeback
	fi
done
exit $failed
