#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# fetch-kernels.sh - provision Debian kernels for primedisp's VM runner.
#
# For each kernel series of scripts/kernels.conf this downloads the image,
# headers and kbuild packages from Debian's archive with `apt-get download`,
# unpacks them with `dpkg -x` into a cache folder (never into the host's /boot
# or /lib/modules) and runs depmod there.  Package names are discovered from
# the archive, so a new ABI is picked up without editing this file.
#
# bookworm's series (6.1, 6.12) come through the host's apt sources.  The
# 7.x series come from trixie-backports through a private apt configuration
# under $PRIMEDISP_CACHE/apt-trixie (scripts/trixie-apt.sh; the host's
# /etc/apt is never changed).  Their image is split into linux-binary
# (vmlinuz), linux-modules and linux-base (config, modules.*) under
# /usr/lib/modules; the cache entry gets the same layout as the others
# (boot/vmlinuz-KREL, boot/config-KREL, lib/modules/KREL).
#
# Usage: scripts/fetch-kernels.sh [SERIES]...
#   (default: the first-class series of scripts/kernels.conf)
# Prints nothing on stdout except, per kernel, "SERIES KREL ROOT".  Exit
# status 3 if a series has no installable kernel in the archive (e.g. the
# headers or modules of an older 7.x are gone), 1 on other errors.
# Environment: PRIMEDISP_CACHE (default ~/.cache/primedisp);
# PRIMEDISP_APT_UPDATE=1 refreshes the private trixie package lists.

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/kernels.conf
. "$HERE/kernels.conf"
# shellcheck source=scripts/trixie-apt.sh
. "$HERE/trixie-apt.sh"
CACHE=${PRIMEDISP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/primedisp}
mkdir -p "$CACHE/debs" "$CACHE/kernels"

log() { echo "fetch-kernels: $*" >&2; }

# apt for the series being provisioned: the host's, or the private trixie
# configuration (set by use_dist).
APT_OPTS=()
apt_cache() { apt-cache "${APT_OPTS[@]}" "$@"; }
apt_get() { apt-get "${APT_OPTS[@]}" "$@"; }

apt_ready() {
	# apt-cache knows nothing before the first `apt-get update`.
	if ! apt-cache show linux-image-amd64 >/dev/null 2>&1; then
		log "running apt-get update (package lists are empty)"
		apt-get update -qq >&2
	fi
}

use_dist() {
	case $(pd_series_dist "$1") in
	bookworm) APT_OPTS=(); apt_ready ;;
	trixie) trixie_apt_ready; APT_OPTS=("${TRIXIE_APT_OPTS[@]}") ;;
	esac
}

pkg_version() { apt_cache show --no-all-versions "$1" 2>/dev/null | sed -n 's/^Version: //p' | head -n1; }

# Echo the kernel release string (e.g. 6.1.0-56-amd64) of a series.
discover() {
	local series=$1 rel
	case $series in
	6.1)
		# The ABI that the linux-image-amd64 meta package currently depends on.
		rel=$(apt-cache show --no-all-versions linux-image-amd64 |
			sed -n 's/^Depends:.*linux-image-\(6\.1\.[0-9]*-[0-9]*-amd64\).*/\1/p' | head -n1)
		;;
	6.12)
		# Newest 6.12 image with a matching headers package.
		rel=$(apt-cache search --names-only '^linux-image-6\.12\..*\+deb12-amd64-unsigned$' |
			sed -n 's/^linux-image-\(6\.12\.[^ ]*-amd64\)-unsigned .*/\1/p' | sort -V |
			while read -r r; do
				apt-cache show "linux-headers-$r" >/dev/null 2>&1 && echo "$r"
			done | tail -n1)
		;;
	7.*)
		# Newest 7.x.y+deb13 kernel of the series whose modules and
		# headers are in the archive too (the image alone is only a meta
		# package: older series keep it after their modules are gone).
		rel=$(apt_cache pkgnames "linux-image-$series." |
			sed -n "s/^linux-image-\(${series//./\\.}\.[0-9]*+deb[0-9]*-amd64\)$/\1/p" |
			sort -V | while read -r r; do
				apt_cache show "linux-headers-$r" >/dev/null 2>&1 &&
					apt_cache show "linux-modules-$r" >/dev/null 2>&1 && echo "$r"
			done | tail -n1)
		if [ -z "$rel" ]; then
			log "Debian's archive has no installable $series kernel (image without modules or headers)"
			exit 3
		fi
		;;
	*) log "unknown kernel series '$series' (known: $PD_SERIES $PD_SMOKE_SERIES)"; exit 2 ;;
	esac
	[ -n "$rel" ] || { log "no $series kernel found in the archive"; exit 1; }
	echo "$rel"
}

# Download a package (if not cached yet) and unpack it into a root.
fetch_unpack() {
	local pkg=$1 root=$2 ver deb
	ver=$(pkg_version "$pkg")
	[ -n "$ver" ] || { log "package $pkg not found in the archive"; exit 1; }
	deb=$(ls "$CACHE/debs/${pkg}_${ver//:/%3a}_"*.deb 2>/dev/null | head -n1 || true)
	if [ -z "$deb" ]; then
		log "downloading $pkg $ver"
		(cd "$CACHE/debs" && apt_get download -q -o APT::Sandbox::User=root "$pkg=$ver" >&2)
		deb=$(ls "$CACHE/debs/${pkg}_${ver//:/%3a}_"*.deb | head -n1)
	fi
	dpkg -x "$deb" "$root"
}

provision() {
	local series=$1 rel root img pkgs p
	use_dist "$series"
	rel=$(discover "$series") || exit $?
	root="$CACHE/kernels/$rel"
	if [ -f "$root/.complete" ]; then
		echo "$series $rel $root"
		return
	fi
	log "provisioning $series: $rel into $root"
	rm -rf "$root.tmp"
	mkdir -p "$root.tmp"
	img="linux-image-$rel-unsigned"
	apt_cache show "$img" >/dev/null 2>&1 || img="linux-image-$rel"
	if apt_cache show "linux-binary-$rel" >/dev/null 2>&1; then
		# 7.x: the image package is a meta package over these three.
		pkgs="linux-binary-$rel linux-modules-$rel linux-base-$rel"
	else
		pkgs=$img
	fi
	for p in $pkgs; do
		fetch_unpack "$p" "$root.tmp"
	done
	trixie_relayout "$root.tmp" "$rel"
	fetch_unpack "linux-headers-$rel" "$root.tmp"
	# The headers depend on a -common package and a kbuild package; take
	# their exact names from the headers' Depends line.
	for dep in $(apt_cache show --no-all-versions "linux-headers-$rel" |
		sed -n 's/^Depends: //p' | tr ',' '\n' | sed 's/ *(.*//; s/^ *//; s/ |.*//' |
		grep -E '^linux-(headers-.*-common|kbuild-)'); do
		fetch_unpack "$dep" "$root.tmp"
	done
	depmod -b "$root.tmp" "$rel"
	# The headers' Makefile includes the -common one by its absolute
	# /usr/src path (and 7.x's sets KBUILD_OUTPUT to its own); point them
	# into the cache instead.
	sed -i -e "s|^include /usr/src/|include $root/usr/src/|" \
		-e "s|^KBUILD_OUTPUT=/usr/src/|KBUILD_OUTPUT=$root/usr/src/|" \
		"$root.tmp/usr/src/linux-headers-$rel/Makefile"
	[ -f "$root.tmp/boot/vmlinuz-$rel" ] || { log "no vmlinuz in $img"; exit 1; }
	[ -f "$root.tmp/usr/src/linux-headers-$rel/Makefile" ] || { log "no headers for $rel"; exit 1; }
	touch "$root.tmp/.complete"
	rm -rf "$root"
	mv "$root.tmp" "$root"
	echo "$series $rel $root"
}

# shellcheck disable=SC2086  # lists of series
[ $# -gt 0 ] || set -- $PD_SERIES
for s in "$@"; do
	provision "$s"
done
