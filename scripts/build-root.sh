#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# build-root.sh - the Debian trixie build root that builds primedisp for the
# kernels bookworm's toolchain cannot build for (the 7.x kernels from
# trixie-backports are built with gcc-14; bookworm's gcc-12 rejects their
# flags, e.g. -fmin-function-alignment=16).
#
# The root is made once with mmdebstrap (minbase: gcc-14 and its aarch64
# cross compiler for the arm64 DT probe, make, libelf,
# pahole, sparse, perl for W=1's kernel-doc, dkms and openssl for the DKMS
# test) from trixie and trixie-backports, and cached in
# $PRIMEDISP_CACHE/trixie-root.  The host's apt sources are never changed.
#
# Usage:
#   scripts/build-root.sh            make the root if missing; print its path
#   scripts/build-root.sh run [-b DIR]... -- COMMAND [ARGS...]
#          run COMMAND in the root (chroot, private mount namespace) with
#          /proc, /dev and each DIR bind-mounted at the same path as on the
#          host (read-write), in the current directory if it is one of them.
#
# Progress goes to stderr.  Bump ROOT_FORMAT when the package list changes:
# an older root is then made again.

set -euo pipefail

CACHE=${PRIMEDISP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/primedisp}
ROOT=$CACHE/trixie-root
ROOT_FORMAT=2
MIRROR=${PRIMEDISP_MIRROR:-http://deb.debian.org/debian}
PKGS=gcc-14,gcc-14-aarch64-linux-gnu,make,libc6-dev,libelf-dev,bc,bison,flex,libssl-dev,kmod,pahole,perl,rsync,sparse,dkms,openssl,xz-utils,zstd

log() { echo "build-root: $*" >&2; }

ensure_root() {
	local stamp="$ROOT/.primedisp-root-$ROOT_FORMAT" start
	[ -f "$stamp" ] && return 0
	[ "$(id -u)" = 0 ] || { log "making the build root needs root (mmdebstrap)"; exit 1; }
	command -v mmdebstrap >/dev/null ||
		{ log "mmdebstrap missing (scripts/install-deps.sh)"; exit 1; }
	mkdir -p "$CACHE"
	exec 8>"$CACHE/trixie-root.lock"
	flock 8
	[ -f "$stamp" ] && return 0
	log "making the trixie build root in $ROOT (once; about a minute)"
	start=$(date +%s)
	rm -rf "$ROOT.tmp"
	mmdebstrap --variant=minbase --include="$PKGS" \
		--aptopt='Apt::Install-Recommends "false"' \
		trixie "$ROOT.tmp" \
		"deb $MIRROR trixie main" \
		"deb $MIRROR trixie-backports main" >&2
	# apt inside the root (dkms's dependencies, by hand) needs a resolver.
	cp /etc/resolv.conf "$ROOT.tmp/etc/resolv.conf" 2>/dev/null || true
	touch "$ROOT.tmp/.primedisp-root-$ROOT_FORMAT"
	rm -rf "$ROOT"
	mv "$ROOT.tmp" "$ROOT"
	log "build root ready in $(($(date +%s) - start)) s"
}

run_in_root() {
	local binds=() cwd
	while [ $# -gt 0 ]; do
		case $1 in
		-b) binds+=("$(realpath "$2")"); shift 2 ;;
		--) shift; break ;;
		*) break ;;
		esac
	done
	[ $# -gt 0 ] || { log "run: no command"; exit 2; }
	cwd=/
	for b in "${binds[@]}"; do
		case $PWD/ in "$b"/*) cwd=$PWD ;; esac
	done
	# shellcheck disable=SC2016  # expanded by the inner bash
	exec unshare --mount --propagation private -- bash -c '
		set -e
		root=$1 cwd=$2 n=$3
		shift 3
		# The root as a mount point of its own, so that a command can
		# unshare the mount namespace again inside (dkms-test.sh).
		mount --bind "$root" "$root"
		mount --rbind /dev "$root/dev"
		mount -t proc proc "$root/proc"
		for _ in $(seq "$n"); do
			mkdir -p "$root$1"
			mount --bind "$1" "$root$1"
			shift
		done
		exec chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
			HOME=/root LANG=C.UTF-8 bash -c "cd \"\$1\" && shift && exec \"\$@\"" \
			bash "$cwd" "$@"' bash "$ROOT" "$cwd" "${#binds[@]}" "${binds[@]}" "$@"
}

case ${1:-} in
"") ensure_root; echo "$ROOT" ;;
run) shift; ensure_root; run_in_root "$@" ;;
*) echo "usage: $0 [run [-b DIR]... -- COMMAND...]" >&2; exit 2 ;;
esac
