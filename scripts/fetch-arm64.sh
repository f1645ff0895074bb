#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# fetch-arm64.sh - provision Debian's arm64 kernels (and an arm64 busybox)
# for primedisp's arm64 device-tree check (scripts/arm64-check.sh).
#
# For each series the arm64 kernel has the same ABI as the x86 one that
# fetch-kernels.sh provisions (6.1.0-56-amd64 -> 6.1.0-56-arm64).  Into
# CACHE/arm64/kernels/KREL/ this unpacks, with `dpkg -x`:
#   linux-image-KREL[-unsigned]:arm64   Image (boot/vmlinuz-KREL), modules
#   linux-headers-KREL:arm64            the headers an external module needs
#   linux-headers-*-common (all)        the arch-independent half of those
#   linux-kbuild-* :amd64               kbuild's host tools, built for the host
# The headers depend on linux-kbuild of their own architecture; an arm64
# fixdep or modpost does not run here, the amd64 build of the same kbuild
# version does, and it cross-builds for arm64 (kbuild takes the target from
# the headers' .kernelvariables).  busybox-static:arm64 goes to
# CACHE/arm64/busybox/.  Downloads are kept in CACHE/debs/ (shared with
# fetch-kernels.sh, so -common and kbuild are not fetched twice).
#
# :arm64 packages need arm64 as a dpkg foreign architecture; it is added
# (once, followed by `apt-get update`) if missing.
#
# The 7.x series (trixie-backports) come through the private apt
# configuration of scripts/trixie-apt.sh, from their split packages
# (linux-binary, linux-modules, linux-base :arm64), with the same layout.
#
# Usage: scripts/fetch-arm64.sh [SERIES]...
#   (default: the bookworm series of scripts/kernels.conf)
# Prints nothing on stdout except, per kernel, "SERIES KREL ROOT", and last
# "busybox PATH" (the static arm64 busybox binary).
# Environment: PRIMEDISP_CACHE (default ~/.cache/primedisp)

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/kernels.conf
. "$HERE/kernels.conf"
# shellcheck source=scripts/trixie-apt.sh
. "$HERE/trixie-apt.sh"
CACHE=${PRIMEDISP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/primedisp}
A64=$CACHE/arm64
mkdir -p "$CACHE/debs" "$A64/kernels"

log() { echo "fetch-arm64: $*" >&2; }
die() { log "$*"; exit 1; }

# The key of what apt knows: its package lists and these scripts.  Answers
# derived from apt (which release, which busybox) are remembered under it,
# as vm-run.sh does, because each apt-cache call takes seconds.
apt_key() {
	{ stat -c %Y /var/lib/apt/lists /var/cache/apt/pkgcache.bin \
		"$CACHE/apt-trixie/state/lists" 2>/dev/null || true
		cat "$HERE/fetch-kernels.sh" "$HERE/fetch-arm64.sh"; } | sha256sum | cut -c1-16
}

# Make sure apt knows arm64 packages (cheap when it does).
apt_ready() {
	if ! dpkg --print-foreign-architectures | grep -qx arm64; then
		[ "$(id -u)" = 0 ] || die "arm64 is not a dpkg architecture here; as root: dpkg --add-architecture arm64 && apt-get update"
		log "adding arm64 as a dpkg foreign architecture"
		dpkg --add-architecture arm64
		apt-get update -qq >&2 || true
	fi
	if ! compgen -G '/var/lib/apt/lists/*_binary-arm64_Packages*' >/dev/null; then
		log "running apt-get update (no arm64 package lists yet)"
		apt-get update -qq >&2 || true
		compgen -G '/var/lib/apt/lists/*_binary-arm64_Packages*' >/dev/null ||
			die "apt has no arm64 package lists (is the archive reachable?)"
	fi
}

# pkg_version NAME:ARCH
# apt for the series being provisioned: the host's (bookworm) or the
# private trixie configuration (set by provision()).
APT_OPTS=()
apt_cache() { apt-cache "${APT_OPTS[@]}" "$@"; }

pkg_version() { apt_cache show --no-all-versions "$1" 2>/dev/null | sed -n 's/^Version: //p' | head -n1; }

# fetch_unpack NAME ARCH ROOT: download (if not cached) and unpack.
fetch_unpack() {
	local pkg=$1 arch=$2 root=$3 ver deb
	[ ${#APT_OPTS[@]} -gt 0 ] || apt_ready
	ver=$(pkg_version "$pkg:$arch")
	[ -n "$ver" ] || die "package $pkg:$arch not found in the archive"
	deb=$CACHE/debs/${pkg}_${ver//:/%3a}_$arch.deb
	if [ ! -f "$deb" ]; then
		log "downloading $pkg:$arch $ver"
		(cd "$CACHE/debs" && apt-get "${APT_OPTS[@]}" download -q -o APT::Sandbox::User=root \
			"$pkg:$arch=$ver" >&2)
		[ -f "$deb" ] || die "apt-get download gave no $deb"
	fi
	dpkg -x "$deb" "$root"
}

# The arm64 release of the x86 kernel fetch-kernels.sh uses for a series
# (remembered under apt_key: asking apt takes many seconds for 6.12).
discover() {
	local series=$1 memo mkey mrel line rel
	memo=$A64/discover-$series
	if [ -f "$memo" ] && read -r mkey mrel <"$memo" && [ "$mkey" = "$(apt_key)" ] &&
		[ -f "$A64/kernels/$mrel/.complete" ]; then
		echo "$mrel"
		return
	fi
	apt_ready
	line=$("$HERE/fetch-kernels.sh" "$series") || die "fetch-kernels.sh $series failed"
	read -r _ rel _ <<<"$line"
	case $rel in
	*-amd64) rel=${rel%-amd64}-arm64 ;;
	*) die "unexpected x86 kernel release '$rel'" ;;
	esac
	echo "$(apt_key) $rel" >"$memo"
	echo "$rel"
}

provision() {
	local series=$1 rel root img dep hdr p pkgs
	APT_OPTS=()
	if [ "$(pd_series_dist "$series")" = trixie ]; then
		trixie_apt_ready
		APT_OPTS=("${TRIXIE_APT_OPTS[@]}")
	fi
	rel=$(discover "$series")
	root=$A64/kernels/$rel
	if [ -f "$root/.complete" ]; then
		echo "$series $rel $root"
		return
	fi
	log "provisioning arm64 $series: $rel into $root"
	rm -rf "$root.tmp"
	mkdir -p "$root.tmp"
	img=linux-image-$rel-unsigned
	apt_cache show "$img:arm64" >/dev/null 2>&1 || img=linux-image-$rel
	if apt_cache show "linux-binary-$rel:arm64" >/dev/null 2>&1; then
		# 7.x: the image package is a meta package over these three.
		pkgs="linux-binary-$rel linux-modules-$rel linux-base-$rel"
	else
		pkgs=$img
	fi
	for p in $pkgs; do
		fetch_unpack "$p" arm64 "$root.tmp"
	done
	trixie_relayout "$root.tmp" "$rel"
	fetch_unpack "linux-headers-$rel" arm64 "$root.tmp"
	for dep in $(apt_cache show --no-all-versions "linux-headers-$rel:arm64" |
		sed -n 's/^Depends: //p' | tr ',' '\n' | sed 's/ *(.*//; s/^ *//; s/ |.*//'); do
		case $dep in
		linux-headers-*-common) fetch_unpack "$dep" all "$root.tmp" ;;
		linux-kbuild-*) fetch_unpack "$dep" amd64 "$root.tmp" ;;
		esac
	done
	hdr=$root.tmp/usr/src/linux-headers-$rel
	[ -f "$root.tmp/boot/vmlinuz-$rel" ] || die "no vmlinuz in $img"
	[ -f "$hdr/Makefile" ] || die "no headers for $rel"
	grep -q '^override ARCH = arm64$' "$hdr/.kernelvariables" ||
		die "$hdr/.kernelvariables does not set ARCH = arm64"
	[ -x "$hdr/scripts/basic/fixdep" ] || die "no kbuild host tools for $rel"
	depmod -b "$root.tmp" "$rel"
	# As in fetch-kernels.sh: the Makefile includes -common by absolute path.
	sed -i -e "s|^include /usr/src/|include $root/usr/src/|" \
		-e "s|^KBUILD_OUTPUT=/usr/src/|KBUILD_OUTPUT=$root/usr/src/|" "$hdr/Makefile"
	touch "$root.tmp/.complete"
	rm -rf "$root"
	mv "$root.tmp" "$root"
	echo "$series $rel $root"
}

busybox() {
	local ver dir=$A64/busybox key='' have=
	APT_OPTS=()	# bookworm's, whatever the kernels' series
	[ -f "$dir/.complete" ] && read -r key have <"$dir/.complete"
	if [ "$key" != "$(apt_key)" ]; then
		apt_ready
		ver=$(pkg_version busybox-static:arm64)
		if [ "$have" != "$ver" ]; then
			rm -rf "$dir"
			mkdir -p "$dir"
			fetch_unpack busybox-static arm64 "$dir"
			[ -x "$dir/bin/busybox" ] || die "no bin/busybox in busybox-static:arm64"
		fi
		echo "$(apt_key) $ver" >"$dir/.complete"
	fi
	echo "busybox $dir/bin/busybox"
}

if [ $# -eq 0 ]; then
	for s in $PD_SERIES; do
		[ "$(pd_series_dist "$s")" = bookworm ] && set -- "$@" "$s"
	done
fi
for s in "$@"; do
	case " $PD_SERIES $PD_SMOKE_SERIES " in
	*" $s "*) ;;
	*) die "unknown kernel series '$s' (known: $PD_SERIES $PD_SMOKE_SERIES)" ;;
	esac
done
for s in "$@"; do
	provision "$s"
done
busybox
