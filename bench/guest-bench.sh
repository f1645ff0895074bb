#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# guest-bench.sh - the measurements of `make bench`, inside the VM that
# scripts/bench.sh boots (primedisp already loaded with fbdev=0).  Loads
# the peers (vkms from $VKMS_KO, vgem, vivid), runs bench/build/pdbench
# and appends its RESULT lines to $PRIMEDISP_OUTDIR/results.txt.
#
# Environment: VKMS_KO (required), PRIMEDISP_KO (set by vm-run.sh),
# BENCH_RUNS (runs per measurement, default 3), BENCH_FLIPS (flips per run
# of the flip timing, default 1000), BENCH_ONLY (space-separated sections
# to run: compose zerocopy prime flips memory commit; default all).

set -uo pipefail

cd "$(dirname "$0")/.."
B=bench/build/pdbench
out=${PRIMEDISP_OUTDIR:?run through scripts/bench.sh}/results.txt
RUNS=${BENCH_RUNS:-3}
FLIPS=${BENCH_FLIPS:-1000}
ONLY=${BENCH_ONLY:-}
[ -n "$ONLY" ] || ONLY="compose zerocopy prime flips memory commit"
: >"$out"

want() { [[ " $ONLY " == *" $1 "* ]]; }
log() { echo "bench: $*" >&2; }
# run CMD...: a pdbench run whose RESULT lines go to the results
run() {
	local o rc
	o=$("$B" "$@")
	rc=$?
	grep '^RESULT ' <<<"$o" | tee -a "$out"
	[ $rc -eq 0 ] || log "pdbench $* failed ($rc)"
}

{
	echo "INFO kernel $(uname -r)"
	echo "INFO cpu $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//') x $(nproc)"
	echo "INFO date $(date -u +%Y-%m-%d)"
	echo "INFO runs $RUNS"
	echo "INFO flips $FLIPS"
} >>"$out"

insmod "${VKMS_KO:?}" enable_overlay=1 enable_cursor=1 || { log "cannot load vkms"; exit 1; }
modprobe vgem || { log "cannot load vgem"; exit 1; }

if want compose; then
	log "composer with CRCs (primedisp, vkms, memcpy)"
	for size in 1920x1080 3840x2160; do
		secs=2
		[ "$size" = 3840x2160 ] && secs=4
		for c in one three nv12; do
			run compose primedisp "$size" "$c" "$secs" "$RUNS" pd_compose_work
			[ "$c" = nv12 ] && continue	# vkms of 6.12 has no YUV formats
			run compose vkms "$size" "$c" "$secs" "$RUNS" vkms_composer_worker
		done
		run memcpy "$size" "$RUNS"
		run fsum "$size" "$RUNS"
	done
	# The CRTC's colour management.  vkms of 6.12 applies its gamma LUT at
	# about 0.8 s per 640x480 frame here: it is measured at that size only,
	# over 8 s per run; it has no CTM (pdbench prints no result then).
	log "composer with gamma and CTM (primedisp, vkms)"
	for c in one gamma gamma-ctm; do
		run compose primedisp 640x480 "$c" 2 "$RUNS" pd_compose_work
		run compose vkms 640x480 "$c" 8 "$RUNS" vkms_composer_worker
		[ "$c" = one ] || run compose primedisp 1920x1080 "$c" 2 "$RUNS" pd_compose_work
	done
fi

if want zerocopy; then
	log "zero copy: flips without a consumer, cam2disp CPU time"
	for size in 640x480 1920x1080; do
		run zerocopy "$size" 120 "$RUNS"
	done
	if modprobe vivid n_devs=1 node_types=0x1 num_inputs=1 input_types=0x00 2>/dev/null; then
		video=$(for v in /sys/class/video4linux/video*; do
			grep -q vivid "$v/name" 2>/dev/null && echo "/dev/${v##*/}" && break; done)
		for size in 640x480 1920x1080; do
			for dir in import export; do
				run cputime "cam2disp.$dir.$size" 60 "$RUNS" -- \
					userspace/build/cam2disp "--$dir" --camera "$video" \
					--size "$size" --fps 15 --frames 60 --quiet
			done
		done
		modprobe -r vivid
	else
		log "vivid is not available: no cam2disp figures"
	fi
fi

if want prime; then
	log "PRIME cycles"
	for size in 4K 8M 32M; do
		for variant in fresh reuse; do
			run prime "$size" "$variant" 1.0 "$RUNS" primedisp:vkms vgem:vkms \
				vkms:primedisp vkms:vgem primedisp:vgem vgem:primedisp
		done
	done
fi

if want memory; then
	log "memory per object"
	for d in primedisp vgem vkms; do
		run memory gem "$d" 2000 "$RUNS"
	done
	run memory import primedisp vgem 2000 "$RUNS"
	run memory import vkms vgem 2000 "$RUNS"
	run memory import vgem primedisp 2000 "$RUNS"
fi

if want flips; then
	log "flip timing ($FLIPS flips per run)"
	run flips primedisp "$FLIPS" "$RUNS"
	run flips vkms "$FLIPS" "$RUNS"
fi

if want commit; then
	log "commit time with 1..4 outputs"
	run commit vkms 60 "$RUNS"
	for n in 1 2 3 4; do
		rmmod primedisp || { log "cannot unload primedisp"; break; }
		insmod "$PRIMEDISP_KO" fbdev=0 num_outputs=$n || { log "cannot load primedisp num_outputs=$n"; break; }
		run commit primedisp 60 "$RUNS"
	done
fi
log "done"
