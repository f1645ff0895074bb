#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# guest-kmemleak.sh - kmemleak check of primedisp's debug runs (K=debug).
# Runs inside the test VM, as root, around igt-tests/run-suite.sh.
#
# Usage: guest-kmemleak.sh [--boot] [--save FILE]
#   --boot     the check before the suite: what leaked while the guest
#              booted and loaded primedisp.  The suspects are then cleared,
#              so that the check after the suite sees only the suite's.
#   --save F   write kmemleak's whole report to F as well
#
# Scans twice (kmemleak reports only objects older than 5 s that stayed
# unreferenced through a scan; the second scan drops those that were merely
# in flight) and reads /sys/kernel/debug/kmemleak.  A suspect is ours when
# its allocation backtrace goes through primedisp, through the DRM,
# dma-buf, fence, V4L2/vb2, vgem, udmabuf or dma-heap code that the tests
# drive, or through a module that is no longer loaded (its frames no longer
# resolve to symbols: primedisp is unloaded and reloaded by module_load).
# Other suspects are listed and do not fail.
#
# Prints, in run-suite.sh's format, one of
#   PASS debug@kmemleak[-boot] (N unrelated suspects)
#   FAIL debug@kmemleak[-boot]: N primedisp-related leaks  (then the reports)
#   SKIP debug@kmemleak[-boot]: REASON
# and exits 1 on FAIL, else 0.
#
# The kernel prints "kmemleak: N new suspected memory leaks" after a scan
# that found some; vm-run.sh fails a run on that line.  The verdict here is
# the one that counts (unrelated suspects must not fail the run), so the
# console log level is lowered during the scans: the line stays in dmesg
# but does not reach the console that vm-run.sh watches.

set -euo pipefail

KMEMLEAK=/sys/kernel/debug/kmemleak
name=debug@kmemleak
save=
boot=0
while [ $# -gt 0 ]; do
	case $1 in
	--boot) boot=1; name=debug@kmemleak-boot ;;
	--save) save=${2:?--save needs a file}; shift ;;
	*) echo "usage: guest-kmemleak.sh [--boot] [--save FILE]" >&2; exit 2 ;;
	esac
	shift
done

if [ ! -e "$KMEMLEAK" ]; then
	echo "SKIP $name: this kernel has no $KMEMLEAK (CONFIG_DEBUG_KMEMLEAK)"
	exit 0
fi

# Function names of the paths the tests drive (a leak allocated under one
# of them concerns primedisp or what it shares buffers with).
OURS_RE='\[primedisp\]|\b(__)?drm_|\bdma_buf|\bdma_fence|\bdma_resv|\bsync_file|\bsw_sync|\bsg_alloc_table|\budmabuf|\bdma_heap|\bsystem_heap|\bcma_heap|\bvgem_|\bvb2_|\bvivid_|\bv4l2_|\bvideo_ioctl|\bfb_|\bfbcon'

scan() {
	local level
	read -r level _ </proc/sys/kernel/printk
	echo 4 >/proc/sys/kernel/printk
	echo scan >"$KMEMLEAK" || true
	echo "$level" >/proc/sys/kernel/printk
}

t0=$(date +%s)
# Objects younger than 5 s are never reported: let the last test's settle.
sleep 5
scan
sleep 1
scan
report=$(cat "$KMEMLEAK")
secs=$(($(date +%s) - t0))
[ -z "$save" ] || printf '%s\n' "$report" >"$save"

# Split the report into one record per object (separated by NUL) and sort
# them into ours and the rest.
ours=0 others=0 ours_text=
while IFS= read -r -d '' rec; do
	[ -n "$rec" ] || continue
	bt=$(printf '%s\n' "$rec" | sed -n '/backtrace/,$p')
	# A frame without a symbol: an address in code that is gone.
	if printf '%s\n' "$bt" | grep -qE "$OURS_RE" ||
		printf '%s\n' "$bt" | grep -qE '\[<[0-9a-f]+>\] 0x[0-9a-f]+$'; then
		ours=$((ours + 1))
		ours_text+="$rec"$'\n'
	else
		others=$((others + 1))
	fi
done < <(printf '%s\n' "$report" | awk '
	/^unreferenced object/ && n++ { printf "%c", 0 }
	{ print }
	END { if (n) printf "%c", 0 }')

# After the boot check, what it saw is not the suite's.
[ "$boot" = 0 ] || echo clear >"$KMEMLEAK" || true
if [ "$ours" -gt 0 ]; then
	echo "FAIL $name: $ours primedisp-related leak(s) (and $others other suspects)"
	printf '%s' "$ours_text" | sed 's/^/    /'
	exit 1
fi
echo "PASS $name (${secs}s, $others unrelated suspects)"
exit 0
