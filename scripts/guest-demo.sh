#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# guest-demo.sh - the demo's part inside the VM (primedisp is loaded):
# the device, a test pattern, camera -> display both ways (zero copy),
# kmscube, and a writeback capture.  Writes its PNGs and report to
# $PRIMEDISP_OUTDIR.

set -euo pipefail

out=${PRIMEDISP_OUTDIR:?run by scripts/demo.sh through vm-run.sh}
krel=$(uname -r)
report="$out/report-$krel.txt"

card=""
for c in /sys/class/drm/card[0-9]; do
	if [ "$(basename "$(readlink -f "$c/device/driver")")" = primedisp ]; then
		card=/dev/dri/$(basename "$c")
	fi
done
[ -n "$card" ] || { echo "guest-demo: primedisp did not register a card" >&2; exit 1; }

# camera_demo import|export: vivid -> primedisp with cam2disp, a PNG of the
# frame on screen (read while cam2disp holds the display) and its figures.
camera_demo() {
	local dir=$1 video fifo log pid
	if ! modprobe vivid n_devs=1 node_types=0x1 num_inputs=1 input_types=0x00 2>/dev/null; then
		echo "camera ($dir): vivid is not available in this kernel"
		return 0
	fi
	video=$(for v in /sys/class/video4linux/video*; do
		grep -q vivid "$v/name" 2>/dev/null && echo "/dev/${v##*/}" && break; done)
	fifo=$(mktemp -u) log=$(mktemp)
	mkfifo "$fifo"
	userspace/build/cam2disp "--$dir" --camera "$video" --device "$card" --fps 5 \
		--frames 15 --hold --quiet <"$fifo" >"$log" 2>&1 &
	pid=$!
	exec 9>"$fifo"
	for _ in $(seq 1 120); do
		grep -q '^zero-copy' "$log" && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.5
	done
	userspace/build/pdcapture --device "$card" --method getfb \
		"$out/camera-$dir-$krel.png" | sed 's/^/  /'
	exec 9>&-
	wait "$pid" || true
	grep -E '^(cam2disp:|zero-copy)' "$log" | sed "s/^/  ($dir) /"
	rm -f "$fifo" "$log"
	modprobe -r vivid 2>/dev/null || true
}

# kmscube for 120 frames at 640x480; a PNG of one of its frames mid-run.
kmscube_demo() {
	local log pid
	if ! command -v kmscube >/dev/null; then
		echo "kmscube is not installed (apt-get install kmscube)"
		return 0
	fi
	log=$(mktemp)
	# kmscube stops when stdin becomes readable: keep it open.
	sleep 600 | stdbuf -oL kmscube -D "$card" -c 120 -v 640x480 >"$log" 2>&1 &
	pid=$!
	# Mesa takes a while to start under emulation: wait for frames.
	for _ in $(seq 1 180); do
		grep -q 'Rendered [1-9]' "$log" && break
		sleep 0.5
	done
	userspace/build/pdcapture --device "$card" --method getfb \
		"$out/kmscube-$krel.png" | sed 's/^/  /'
	# kmscube ends by itself after its 120 frames.
	wait "$pid" 2>/dev/null || true
	pkill -f 'sleep 600' 2>/dev/null || true
	grep -E 'Using display' "$log" | sed 's/^/  kmscube: /'
	grep -E 'Rendered' "$log" | tail -n 1 | sed 's/^/  kmscube: /'
	rm -f "$log"
}

{
	echo "primedisp demo on Linux $krel"
	echo "device: $card"
	echo
	echo "== the device (primedisp-info)"
	userspace/build/primedisp-info --device "$card"
	echo
	echo "== test pattern"
	userspace/build/pd-pattern --device "$card" --seconds 1 --png "$out/pattern-$krel.png"
	userspace/build/pd-pattern --device "$card" --mode 800x600 --seconds 1 \
		--png "$out/pattern-800x600-$krel.png"
	echo
	echo "== camera -> display, zero copy (vivid, cam2disp)"
	camera_demo import
	camera_demo export
	echo
	echo "== GPU-style client -> display (kmscube on Mesa's GBM, llvmpipe)"
	kmscube_demo
	echo
	echo "== writeback of the composed frame (pdcapture)"
	if userspace/build/pdcapture --device "$card" "$out/writeback-$krel.png"; then
		echo "saved: $out/writeback-$krel.png"
	else
		echo "writeback capture failed"
	fi
	echo
	echo "PNGs of what was scanned out, in $out:"
	ls -1 "$out"/*-"$krel".png | sed 's|.*/|  |'
} 2>&1 | tee "$report"
echo "report: $report"
