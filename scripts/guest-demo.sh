#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# guest-demo.sh - the demo's part inside the VM (primedisp is loaded):
# the device, a test pattern, camera -> display both ways (zero copy),
# kmscube, and a writeback capture.  Writes its PNGs and report to
# $PRIMEDISP_OUTDIR.
#
# The demo runs in stages.  Each one prints "== [N/M] STAGE: what" when it
# starts and "-- STAGE: ok (S s)" or "-- STAGE: FAILED (why)" when it ends,
# runs under a time limit of its own (a stage is this script run again
# with --stage NAME under timeout(1), which ends the stage's helpers with
# it), and no stage waits for a helper process that could outlive it.  The
# exit status is 0 if every stage passed; otherwise the last line names the
# stages that failed.  scripts/demo-test.sh checks the report and PNGs.

set -euo pipefail

# name:time limit in seconds:what it shows.  The limits add up to well
# under the VM's (scripts/demo.sh), so a stuck stage is reported by name.
STAGES=(
	"device:60:the device (primedisp-info)"
	"pattern:90:test pattern, scanned-out frames saved (pd-pattern)"
	"camera-import:150:camera -> display, the camera exports (vivid, cam2disp --import)"
	"camera-export:150:camera -> display, primedisp exports (vivid, cam2disp --export)"
	"kmscube:480:GPU-style client -> display (kmscube on Mesa's GBM, llvmpipe)"
	"writeback:90:writeback of the composed frame next to the scanned-out one"
)

out=${PRIMEDISP_OUTDIR:?run by scripts/demo.sh through vm-run.sh}
krel=$(uname -r)
report="$out/report-$krel.txt"
tools=userspace/build

find_card() {
	local c
	for c in /sys/class/drm/card[0-9]; do
		if [ "$(basename "$(readlink -f "$c/device/driver")")" = primedisp ]; then
			echo "/dev/dri/$(basename "$c")"
			return 0
		fi
	done
	echo "guest-demo: primedisp did not register a card" >&2
	return 1
}

# camera DIR: vivid -> primedisp with cam2disp (DIR import or export), a
# PNG of the frame on screen (read while cam2disp holds the display) and
# cam2disp's figures; fails unless frames were shown with zero copy.
camera() {
	local dir=$1 card video fifo log pid rc=0
	card=$(find_card)
	modprobe vivid n_devs=1 node_types=0x1 num_inputs=1 input_types=0x00 ||
		{ echo "vivid is not available in this kernel"; return 1; }
	video=$(for v in /sys/class/video4linux/video*; do
		grep -q vivid "$v/name" 2>/dev/null && echo "/dev/${v##*/}" && break; done || true)
	[ -n "$video" ] || { echo "vivid registered no video device"; return 1; }
	fifo=$(mktemp -u) log=$(mktemp)
	mkfifo "$fifo"
	# --hold keeps the last frame on screen until its stdin (the FIFO) closes.
	"$tools/cam2disp" "--$dir" --camera "$video" --device "$card" --fps 5 \
		--frames 15 --hold --quiet <"$fifo" >"$log" 2>&1 &
	pid=$!
	exec 9>"$fifo"
	# Wait for the event: cam2disp's zero-copy line (it then holds the frame).
	until grep -q '^zero-copy' "$log"; do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.2
	done
	"$tools/pdcapture" --device "$card" --method getfb "$out/camera-$dir-$krel.png" ||
		rc=1
	exec 9>&-
	wait "$pid" || { echo "cam2disp exited with $?"; rc=1; }
	grep -E '^(cam2disp:|zero-copy|result:)' "$log" || true
	grep -q '^result: .*zero_copy=yes' "$log" ||
		{ echo "no frame was shown with zero copy:"; sed 's/^/    /' "$log"; rc=1; }
	rm -f "$fifo" "$log"
	modprobe -r vivid || true
	return $rc
}

# kmscube for 120 frames at 640x480; a PNG of one of its frames mid-run.
kmscube_stage() {
	local card log fifo pid rc=0 status frames
	card=$(find_card)
	command -v kmscube >/dev/null || { echo "kmscube is not installed (apt-get install kmscube)"; return 1; }
	log=$(mktemp) fifo=$(mktemp -u)
	mkfifo "$fifo"
	# kmscube stops as soon as its stdin is readable: give it a FIFO that
	# this stage holds open and never writes to.  No pipeline: `wait` waits
	# for timeout(1) and so for kmscube alone.  kmscube's limit is inside
	# the stage's, so that a slow run still reports how far it got.
	timeout -k 5 $((STAGE_LIMIT - 30)) stdbuf -oL kmscube -D "$card" -c 120 -v 640x480 \
		<"$fifo" >"$log" 2>&1 &
	pid=$!
	exec 8>"$fifo"
	# Mesa takes a while to start under emulation: wait for its first frame.
	until grep -q 'Rendered [1-9]' "$log"; do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.2
	done
	"$tools/pdcapture" --device "$card" --method getfb "$out/kmscube-$krel.png" || rc=1
	# kmscube ends by itself after its 120 frames.
	status=0
	wait "$pid" || status=$?
	if [ $status -eq 124 ]; then
		echo "kmscube did not finish in $((STAGE_LIMIT - 30)) s"
		rc=1
	elif [ $status -ne 0 ]; then
		echo "kmscube exited with $status"
		rc=1
	fi
	exec 8>&-
	grep -E 'Using display|Rendered' "$log" | sed 's/^/kmscube: /' || true
	frames=$(sed -n 's/.*Rendered \([0-9]*\) frames.*/\1/p' "$log" | tail -n 1)
	[ "${frames:-0}" -ge 119 ] || { echo "kmscube rendered ${frames:-no} frames of 120"; rc=1; }
	rm -f "$log" "$fifo"
	return $rc
}

run_stage() {
	local card
	case $1 in
	device)
		card=$(find_card)
		"$tools/primedisp-info" --device "$card"
		;;
	pattern)
		card=$(find_card)
		"$tools/pd-pattern" --device "$card" --seconds 1 --png "$out/pattern-$krel.png"
		"$tools/pd-pattern" --device "$card" --mode 800x600 --seconds 1 \
			--png "$out/pattern-800x600-$krel.png"
		;;
	camera-import) camera import ;;
	camera-export) camera export ;;
	kmscube) kmscube_stage ;;
	writeback)
		card=$(find_card)
		"$tools/pd-pattern" --device "$card" --seconds 0 \
			--png "$out/scanout-$krel.png" --writeback "$out/writeback-$krel.png"
		;;
	*) echo "guest-demo: no stage '$1'" >&2; return 2 ;;
	esac
}

if [ "${1:-}" = --stage ]; then
	run_stage "$2"
	exit
fi

failed=()
{
	echo "primedisp demo on Linux $krel"
	echo "device: $(find_card)"
	n=0
	for s in "${STAGES[@]}"; do
		n=$((n + 1))
		name=${s%%:*} rest=${s#*:}
		limit=${rest%%:*} what=${rest#*:}
		echo
		echo "== [$n/${#STAGES[@]}] $name: $what (limit $limit s)"
		start=$(date +%s)
		rc=0
		STAGE_LIMIT=$limit timeout -k 5 "$limit" "$0" --stage "$name" 2>&1 || rc=$?
		took=$(($(date +%s) - start))
		if [ $rc -eq 0 ]; then
			echo "-- $name: ok ($took s)"
		elif [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
			echo "-- $name: FAILED (time limit of $limit s reached)"
			failed+=("$name")
		else
			echo "-- $name: FAILED (exit status $rc after $took s)"
			failed+=("$name")
		fi
	done
	echo
	echo "PNGs of what was scanned out, in $out:"
	ls -1 "$out"/*-"$krel".png 2>/dev/null | sed 's|.*/|  |'
	echo
	if [ ${#failed[@]} -eq 0 ]; then
		echo "demo: every stage passed"
	else
		echo "demo: FAILED stages: ${failed[*]}"
	fi
} 2>&1 | tee "$report"
echo "report: $report"
grep -q '^demo: every stage passed$' "$report"
