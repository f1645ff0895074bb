#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# demo.sh - primedisp's main job (what `make demo` calls): boot a VM with a
# Debian kernel (K=6.12 by default), load primedisp, show a test pattern,
# a camera (vivid) through dma-bufs both ways and kmscube on its output,
# save PNGs of what was scanned out (and a writeback capture), and print a
# report.
# Results go to demo-output/ in the repository.

set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
K=${K:-6.12}
outdir="$top/demo-output"
mkdir -p "$outdir"

echo "demo: installing missing packages, fetching kernel $K (first run only)"
scripts/install-deps.sh
scripts/fetch-kernels.sh "$K" >/dev/null
echo "demo: building primedisp.ko for $K and the tools"
ko=$(scripts/build-module.sh "$K")
make -s -C userspace

echo "demo: booting the VM"
scripts/vm-run.sh -k "$K" -m "$ko" -t 600 -o "$outdir" -l "$outdir/kernel-$K.log" -- \
	scripts/guest-demo.sh
echo "demo: done; kernel log in $outdir/kernel-$K.log"
