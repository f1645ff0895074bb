#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# igt-build.sh - build upstream IGT GPU Tools (its tests and igt_runner) for
# `make igt` and `make check`, and print its install prefix on stdout.
#
# Usage: scripts/igt-build.sh [--cached]
#   --cached   only answer when the build is already there (exit 1 if not)
#
# IGT_SRC names the source: an igt-gpu-tools tarball or a git checkout of
# upstream IGT (default: ../shared/igt/igt-gpu-tools-*.tar.xz beside the
# repository, the newest if several).  The build is cached under
# $PRIMEDISP_CACHE/igt/KEY (~/.cache/primedisp/igt/KEY), KEY being the
# tarball's sha256 or the checkout's HEAD (plus a hash of its uncommitted
# changes, if any): a second run with the same source does nothing.
#
# IGT's Debian build dependencies are installed here, when IGT is built,
# not by install-deps.sh.  Progress goes to stderr, the build's log to
# KEY/build.log.  Exit status: 0, 1 no source or --cached without a build,
# 2 build failed.

set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${PRIMEDISP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/primedisp}
cached_only=0
[ "${1:-}" = --cached ] && cached_only=1

# Debian bookworm packages IGT's meson build needs for the options below.
IGT_PKGS=(
	meson ninja-build pkg-config flex bison gcc
	libdrm-dev libkmod-dev libproc2-dev libunwind-dev libdw-dev
	libpixman-1-dev libcairo2-dev libudev-dev libglib2.0-dev
	libjson-c-dev libpciaccess-dev zlib1g-dev python3-docutils
	xz-utils
)

# Tests and runner only; Intel's Xe tests are left out (nothing of them
# runs on primedisp) to keep the build short.
MESON_OPTS=(
	-Dtests=enabled -Drunner=enabled -Ddocs=disabled -Dman=disabled
	-Doverlay=disabled -Dchamelium=disabled -Dvalgrind=disabled
	-Dtestplan=disabled -Dsphinx=disabled -Dxe_driver=disabled
)

msg() { echo "igt-build: $*" >&2; }

# ---- the source and its key
src=${IGT_SRC:-}
if [ -z "$src" ]; then
	src=$(ls -1 "$top"/../shared/igt/igt-gpu-tools-*.tar.xz 2>/dev/null | sort | tail -n1 || true)
	[ -n "$src" ] || { msg "no IGT source: set IGT_SRC or provide ../shared/igt/igt-gpu-tools-*.tar.xz"; exit 1; }
fi
[ -e "$src" ] || { msg "IGT_SRC=$src does not exist"; exit 1; }
src=$(realpath "$src")
if [ -d "$src" ]; then
	git -C "$src" rev-parse HEAD >/dev/null 2>&1 ||
		{ msg "$src is not a git checkout of IGT"; exit 1; }
	key=$(git -C "$src" rev-parse HEAD | cut -c1-16)
	dirty=$(git -C "$src" status --porcelain --untracked-files=no)
	if [ -n "$dirty" ]; then
		key+=-$(git -C "$src" diff HEAD | sha256sum | cut -c1-8)
	fi
else
	key=$(sha256sum "$src" | cut -c1-16)
fi
dir=$CACHE/igt/$key
prefix=$dir/prefix
if [ -f "$dir/.complete" ]; then
	echo "$prefix"
	exit 0
fi
if [ $cached_only = 1 ]; then
	msg "IGT from $src is not built (scripts/igt-build.sh)"
	exit 1
fi

mkdir -p "$CACHE/igt"
# One build at a time per cache (make igt and make check may overlap).
exec 9>"$CACHE/igt/.lock"
flock 9
if [ -f "$dir/.complete" ]; then
	echo "$prefix"
	exit 0
fi

# ---- build dependencies
missing=()
for p in "${IGT_PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	[ "$(id -u)" = 0 ] || { msg "missing packages: ${missing[*]} (run as root)"; exit 2; }
	msg "installing ${missing[*]}"
	if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		"${missing[@]}" >&2; then
		apt-get update -qq >&2
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			"${missing[@]}" >&2 || { msg "cannot install ${missing[*]}"; exit 2; }
	fi
fi

# ---- unpack, configure, build
rm -rf "$dir"
mkdir -p "$dir"
log=$dir/build.log
start=$(date +%s)
if [ -d "$src" ]; then
	srcdir=$src
	msg "building IGT from the checkout $src (HEAD ${key%%-*})"
else
	msg "unpacking $(basename "$src")"
	mkdir -p "$dir/src"
	tar -xf "$src" -C "$dir/src"
	srcdir=$(find "$dir/src" -mindepth 1 -maxdepth 2 -name meson.build -printf '%h\n' | head -n1)
	[ -n "$srcdir" ] || { msg "no meson.build in $src"; exit 2; }
fi

fail() {
	tail -n 30 "$log" | sed 's/^/    /' >&2
	msg "$1 (log: $log)"
	exit 2
}

msg "configuring (meson; log: $log)"
meson setup "$dir/build" "$srcdir" "${MESON_OPTS[@]}" -Dprefix="$prefix" \
	>"$log" 2>&1 || fail "meson setup failed"
msg "compiling with ninja ($(nproc) jobs; progress every 10%)"
# ninja prints "[N/M] ..." per step: show it in tenths.
set +e
ninja -C "$dir/build" install 2>&1 | tee -a "$log" |
	awk -F'[][/]' '/^\[[0-9]+\/[0-9]+\]/ {
		p = int($2 * 10 / $3)
		if (p > last) { last = p; printf "igt-build:   %d%% (%d/%d steps)\n", p * 10, $2, $3 > "/dev/stderr" }
	}'
rc=${PIPESTATUS[0]}
set -e
[ "$rc" -eq 0 ] || fail "ninja failed"
[ -x "$prefix/bin/igt_runner" ] || fail "no igt_runner in $prefix/bin"
# The sources and objects are not needed any more; the prefix is.
rm -rf "$dir/build" "$dir/src"
echo "$src" >"$dir/source"
touch "$dir/.complete"
msg "built in $(($(date +%s) - start)) s: $prefix"
echo "$prefix"
