#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# fetch-kernels.sh - provision Debian kernels for primedisp's VM runner.
#
# For each supported kernel series (6.1 and 6.12) this downloads the image,
# headers and kbuild packages from Debian's archive with `apt-get download`,
# unpacks them with `dpkg -x` into a cache folder (never into the host's /boot
# or /lib/modules) and runs depmod there.  Package names are discovered from
# the archive, so a new ABI is picked up without editing this file.
#
# Usage: scripts/fetch-kernels.sh [6.1|6.12]...   (default: both)
# Prints nothing on stdout except, per kernel, "SERIES KREL ROOT".
# Environment: PRIMEDISP_CACHE (default ~/.cache/primedisp)

set -euo pipefail

CACHE=${PRIMEDISP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/primedisp}
mkdir -p "$CACHE/debs" "$CACHE/kernels"

log() { echo "fetch-kernels: $*" >&2; }

apt_ready() {
	# apt-cache knows nothing before the first `apt-get update`.
	if ! apt-cache show linux-image-amd64 >/dev/null 2>&1; then
		log "running apt-get update (package lists are empty)"
		apt-get update -qq >&2
	fi
}

pkg_version() { apt-cache show --no-all-versions "$1" 2>/dev/null | sed -n 's/^Version: //p' | head -n1; }

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
	*) log "unknown kernel series '$series' (supported: 6.1 6.12)"; exit 2 ;;
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
		(cd "$CACHE/debs" && apt-get download -q -o APT::Sandbox::User=root "$pkg=$ver" >&2)
		deb=$(ls "$CACHE/debs/${pkg}_${ver//:/%3a}_"*.deb | head -n1)
	fi
	dpkg -x "$deb" "$root"
}

provision() {
	local series=$1 rel root kbuild common img
	rel=$(discover "$series")
	root="$CACHE/kernels/$rel"
	if [ -f "$root/.complete" ]; then
		echo "$series $rel $root"
		return
	fi
	log "provisioning $series: $rel into $root"
	rm -rf "$root.tmp"
	mkdir -p "$root.tmp"
	img="linux-image-$rel-unsigned"
	apt-cache show "$img" >/dev/null 2>&1 || img="linux-image-$rel"
	fetch_unpack "$img" "$root.tmp"
	fetch_unpack "linux-headers-$rel" "$root.tmp"
	# The headers depend on a -common package and a kbuild package; take
	# their exact names from the headers' Depends line.
	for dep in $(apt-cache show --no-all-versions "linux-headers-$rel" |
		sed -n 's/^Depends: //p' | tr ',' '\n' | sed 's/ *(.*//; s/^ *//; s/ |.*//' |
		grep -E '^linux-(headers-.*-common|kbuild-)'); do
		fetch_unpack "$dep" "$root.tmp"
	done
	depmod -b "$root.tmp" "$rel"
	# The headers' Makefile includes the -common one by its absolute
	# /usr/src path; point it into the cache instead.
	sed -i "s|^include /usr/src/|include $root/usr/src/|" \
		"$root.tmp/usr/src/linux-headers-$rel/Makefile"
	[ -f "$root.tmp/boot/vmlinuz-$rel" ] || { log "no vmlinuz in $img"; exit 1; }
	[ -f "$root.tmp/usr/src/linux-headers-$rel/Makefile" ] || { log "no headers for $rel"; exit 1; }
	touch "$root.tmp/.complete"
	rm -rf "$root"
	mv "$root.tmp" "$root"
	echo "$series $rel $root"
}

apt_ready
[ $# -gt 0 ] || set -- 6.1 6.12
for s in "$@"; do
	provision "$s"
done
