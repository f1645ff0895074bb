#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# build-module.sh - build primedisp.ko for one of the provisioned kernels.
#
# Usage: scripts/build-module.sh [--arch arm64] SERIES [extra make args...]
#   SERIES is a series of scripts/kernels.conf (6.1, 6.12, 7.x) or debug
#   (scripts/build-debug-kernel.sh).  The sources are copied to build/KREL/ (Kbuild
#   writes its objects next to the sources, so each kernel gets its own
#   copy) and built there with W=1.  The build log is build/KREL/build.log;
#   the path of the module is printed on stdout.  Exit status 1 on a failed
#   build, 2 if the build printed a compiler warning.
#
#   --arch arm64 cross-builds for Debian's arm64 kernel of the series
#   (scripts/fetch-arm64.sh: KREL ends in -arm64) with gcc-aarch64-linux-gnu.
#   Without it (or with --arch x86_64) the build is for the x86 kernels of
#   fetch-kernels.sh, natively.
#
#   The 7.x kernels (trixie-backports) are built with gcc-14, which bookworm
#   does not have: their modules are built inside the cached trixie build
#   root (scripts/build-root.sh), with the sources and the kernel's headers
#   bind-mounted at the same paths.  Their kbuild turns sparse off (a
#   make warning, not a compiler one) when the checker cannot parse the
#   kernel's headers, as trixie's sparse 0.6.4 cannot parse 7.x's
#   (__typeof_unqual__); then this script says "build-module: sparse not
#   run: ..." on stderr, and the exit status is that of the build alone.

set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/kernels.conf
. "$top/scripts/kernels.conf"
arch=x86_64
case ${1:-} in
--arch) arch=${2:?--arch needs an argument}; shift 2 ;;
--arch=*) arch=${1#*=}; shift ;;
esac
series=${1:?usage: build-module.sh [--arch arm64] SERIES}
shift

cross=()
inroot=()
case $arch in
x86_64 | amd64)
	if [ "$series" = debug ]; then
		# The debug kernel has no DWARF of its own; primedisp.ko gets
		# it, so that reports in it resolve to lines (faddr2line).
		read -r _ krel root < <("$top/scripts/build-debug-kernel.sh")
		set -- KCFLAGS=-g "$@"
	else
		read -r _ krel root < <("$top/scripts/fetch-kernels.sh" "$series")
		if [ -n "${krel:-}" ] && [ "$(pd_series_dist "$series")" = trixie ]; then
			inroot=("$top/scripts/build-root.sh" run -b "$top/build" -b "$root" --)
		fi
	fi
	;;
arm64 | aarch64)
	read -r _ krel root < <("$top/scripts/fetch-arm64.sh" "$series")
	# The headers' .kernelvariables name the compiler $(CROSS_COMPILE)gcc-12
	# (bookworm's series) or gcc-14 (7.x: in the build root, like x86).
	cross=(ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-)
	if [ -n "${krel:-}" ] && [ "$(pd_series_dist "$series")" = trixie ]; then
		inroot=("$top/scripts/build-root.sh" run -b "$top/build" -b "$root" --)
	fi
	;;
*) echo "build-module: unknown architecture '$arch' (x86_64 or arm64)" >&2; exit 1 ;;
esac
[ -n "${krel:-}" ] || { echo "build-module: no $arch kernel for $series" >&2; exit 1; }
kdir="$root/usr/src/linux-headers-$krel"
out="$top/build/$krel"

# The sparse that kbuild would have run (in the build root for 7.x).
scripts_sparse_version() {
	"${inroot[@]}" sparse --version 2>/dev/null | sed 's/^/sparse /' || echo sparse
}

mkdir -p "$out"
# Several builds for one kernel (parallel test runs) must not interleave.
exec 9>"$out.lock"
flock 9
# Refresh the copy; rsync keeps timestamps so unchanged files don't rebuild.
rsync -a --delete --exclude='*.o' --exclude='*.ko' --exclude='.*.cmd' \
	--exclude='*.mod*' --exclude='build.log' --exclude='Module.symvers' \
	--exclude='modules.order' \
	"$top/Kbuild" "$top/drm" "$top/uapi" "$out/"

if ! "${inroot[@]}" make -C "$kdir" M="$out" "${cross[@]}" W=1 modules "$@" >"$out/build.log" 2>&1; then
	cat "$out/build.log" >&2
	echo "build-module: build for $krel failed (log: $out/build.log)" >&2
	exit 1
fi
if grep -q 'specified, but .* is not available or not up to date' "$out/build.log"; then
	echo "build-module: sparse not run: kbuild finds $(scripts_sparse_version) too old for $krel's headers" >&2
fi
if grep -E 'warning:|error:' "$out/build.log" >&2; then
	echo "build-module: build for $krel printed warnings (log: $out/build.log)" >&2
	echo "$out/primedisp.ko"
	exit 2
fi
echo "$out/primedisp.ko"
