#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# guest-demo.sh - the demo's part inside the VM (primedisp is loaded).
# Writes its PNGs and report to $PRIMEDISP_OUTDIR.

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
	echo "PNGs of what was scanned out: $out/pattern-$krel.png, $out/pattern-800x600-$krel.png"
} 2>&1 | tee "$report"
echo "report: $report"
