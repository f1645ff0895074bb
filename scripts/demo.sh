#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# demo.sh - primedisp's main job (what `make demo` calls): boot a VM with a
# Debian kernel (K=6.12 by default), load primedisp, show a test pattern,
# a camera (vivid) through dma-bufs both ways and kmscube on its output,
# save PNGs of what was scanned out (and a writeback capture), and print a
# report.  The guest side, stage by stage, is scripts/guest-demo.sh.
#
# Environment: K (kernel series), DEMO_OUT (where the PNGs, the report and
# the guest's kernel log go; default demo-output/ in the repository),
# DEMO_VM_TIMEOUT (seconds for the whole VM, default 1800: the stages' own
# limits add up to 1020, far above the three minutes or so of a run).
# Exit status: 0 when every stage passed; otherwise the failed stages are
# named on the last line.

set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
K=${K:-6.12}
outdir=${DEMO_OUT:-$top/demo-output}
mkdir -p "$outdir"
outdir=$(cd "$outdir" && pwd)

step() { echo "demo: $*"; }

step "installing missing packages, fetching kernel $K (first run only)"
scripts/install-deps.sh
scripts/fetch-kernels.sh "$K" >/dev/null
step "building primedisp.ko for $K and the tools"
ko=$(scripts/build-module.sh "$K")
make -s -C userspace

step "booting the VM (Linux $K); the stages follow"
rc=0
scripts/vm-run.sh -k "$K" -m "$ko" -t "${DEMO_VM_TIMEOUT:-1800}" -o "$outdir" \
	-l "$outdir/kernel-$K.log" -- scripts/guest-demo.sh || rc=$?
case $rc in
0) step "done: PNGs and report in $outdir, kernel log $outdir/kernel-$K.log" ;;
3) step "FAILED: a kernel report (WARN, BUG, ...) in the guest's log: $outdir/kernel-$K.log" ;;
124)
	stage=$(sed -n 's/^== \[[0-9/]*\] \([^:]*\):.*/\1/p' "$outdir"/report-*.txt 2>/dev/null | tail -n 1)
	step "FAILED: the VM timed out${stage:+ in stage $stage}"
	;;
*) step "FAILED (vm-run exited with $rc): see the stage results above and $outdir" ;;
esac
exit $rc
