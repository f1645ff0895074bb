#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# build-vkms.sh - build vkms, the kernel's own virtual KMS driver, as an
# out-of-tree module for the benchmarks' comparisons (make bench).  It is
# not part of primedisp and is never installed or shipped: Debian's kernels
# do not build it, so its sources are taken from Debian's linux-source-6.12
# (drivers/gpu/drm/vkms) and built against the 6.12 headers that
# fetch-kernels.sh provisioned.
#
# Usage: scripts/build-vkms.sh [SERIES]   (default 6.12; prints the .ko path)
# The sources are unpacked once into the cache; the module is built in
# build/vkms-KREL/ (log: build.log there).

set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
series=${1:-6.12}
CACHE=${PRIMEDISP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/primedisp}
tarball=$(ls /usr/src/linux-source-"$series".tar.* 2>/dev/null | head -n1 || true)
[ -n "$tarball" ] || { echo "build-vkms: install linux-source-$series (apt-get install linux-source-$series)" >&2; exit 1; }

read -r _ krel root < <("$top/scripts/fetch-kernels.sh" "$series")
[ -n "${krel:-}" ] || { echo "build-vkms: no kernel for $series" >&2; exit 1; }
kdir="$root/usr/src/linux-headers-$krel"

src="$CACHE/vkms-src-$series"
stamp="$src/.from-$(basename "$tarball")-$(stat -c %Y "$tarball")"
if [ ! -f "$stamp" ]; then
	rm -rf "$src"
	mkdir -p "$src"
	tar -xf "$tarball" -C "$src" --strip-components=4 --wildcards '*/drivers/gpu/drm/vkms/*'
	touch "$stamp"
fi

out="$top/build/vkms-$krel"
mkdir -p "$out"
rsync -a "$src/vkms/" "$out/"
if ! make -C "$kdir" M="$out" CONFIG_DRM_VKMS=m modules >"$out/build.log" 2>&1; then
	cat "$out/build.log" >&2
	echo "build-vkms: build for $krel failed" >&2
	exit 1
fi
echo "$out/vkms.ko"
