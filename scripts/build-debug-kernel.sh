#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# build-debug-kernel.sh - build primedisp's debug kernel (KASAN, lockdep,
# UBSAN, kmemleak, DEBUG_OBJECTS, DMA-API debugging, fault injection) from
# Debian's linux-source-6.12, for the VM runner (K=debug).
#
# The configuration is Debian's amd64 one (linux-config-6.12) with
#   kernel/modules.list  the only modules kept (localmodconfig),
#   kernel/trim.config   built-in parts and packaging features dropped,
#   kernel/debug.config  the debugging options and test modules added,
# and every option those two fragments set is checked in the result.
#
# Everything lives outside the repository, under
#   $PRIMEDISP_CACHE/debug-kernel/src/VERSION/   the unpacked sources
#   $PRIMEDISP_CACHE/debug-kernel/KEY/build/     the object tree (O=)
#   $PRIMEDISP_CACHE/debug-kernel/KEY/root/      what vm-run.sh needs, laid
#       out like fetch-kernels.sh's kernels: boot/vmlinuz-KREL,
#       boot/config-KREL, lib/modules/KREL, usr/src/linux-headers-KREL
#       (a link to the object tree, to build primedisp.ko against)
# where KEY hashes the three files above, the source and config packages'
# versions and CONFIG_FORMAT below.  A complete KEY is reused as is, so the
# kernel is rebuilt only when one of those changes.
#
# Usage: scripts/build-debug-kernel.sh [--config-only] [--force] [--cached]
#   --config-only  write and check the .config, do not build
#   --force        rebuild even if the cache is complete
#   --cached       only report a complete cached build; exit status 3
#                  (and a message on stderr) if there is none
# Prints nothing on stdout except "debug KREL ROOT" (as fetch-kernels.sh
# does for Debian's kernels); progress goes to stderr.
# Environment: PRIMEDISP_CACHE (default ~/.cache/primedisp),
#   DEBUG_KERNEL_JOBS (make -j, default 2; the build runs under nice 19).

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$HERE/.." && pwd)
CACHE=${PRIMEDISP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/primedisp}
BASE=$CACHE/debug-kernel
JOBS=${DEBUG_KERNEL_JOBS:-2}
SRCPKG=linux-source-6.12
CFGPKG=linux-config-6.12
SRCTAR=/usr/src/$SRCPKG.tar.xz
CFGXZ=/usr/src/$CFGPKG/config.amd64_none_amd64.xz
FRAGMENTS=("$TOP/kernel/trim.config" "$TOP/kernel/debug.config")
MODLIST=$TOP/kernel/modules.list
# Bump when the way the configuration or the root is made changes.
CONFIG_FORMAT=1

msg() { echo "build-debug-kernel: $*" >&2; }
die() { msg "$*"; exit 1; }

CONFIG_ONLY=0
FORCE=0
CACHED=0
while [ $# -gt 0 ]; do
	case $1 in
	--config-only) CONFIG_ONLY=1 ;;
	--force) FORCE=1 ;;
	--cached) CACHED=1 ;;
	-h | --help) sed -n '4,37s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; exit 0 ;;
	*) die "unknown argument '$1' (see --help)" ;;
	esac
	shift
done

pkg_installed() {
	[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]
}

# The sources, Debian's configuration and the build tools.
ensure_packages() {
	local need=() p
	for p in "$SRCPKG" "$CFGPKG" gcc make bc bison flex libelf-dev libssl-dev \
		cpio xz-utils kmod; do
		pkg_installed "$p" || need+=("$p")
	done
	[ ${#need[@]} -eq 0 ] && return
	[ "$(id -u)" = 0 ] || die "missing packages: ${need[*]} (run as root)"
	msg "installing ${need[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get install -y -q --no-install-recommends "${need[@]}" >&2 ||
		{ apt-get update -q >&2 &&
			apt-get install -y -q --no-install-recommends "${need[@]}" >&2; } ||
		die "cannot install ${need[*]}"
}

ensure_packages
[ -f "$SRCTAR" ] || die "no $SRCTAR (package $SRCPKG)"
[ -f "$CFGXZ" ] || die "no $CFGXZ (package $CFGPKG)"
for f in "${FRAGMENTS[@]}" "$MODLIST"; do
	[ -f "$f" ] || die "missing $f"
done

SRCVER=$(dpkg-query -W -f='${Version}' "$SRCPKG")
CFGVER=$(dpkg-query -W -f='${Version}' "$CFGPKG")
KEY=$( { echo "format $CONFIG_FORMAT $SRCPKG $SRCVER $CFGPKG $CFGVER"
	cat "$MODLIST" "${FRAGMENTS[@]}"; } | sha256sum | cut -c1-16)
DIR=$BASE/$KEY
OBJ=$DIR/build
ROOT=$DIR/root

if [ "$FORCE" = 0 ] && [ "$CONFIG_ONLY" = 0 ] && [ -f "$DIR/.complete" ]; then
	echo "debug $(cat "$DIR/krel") $ROOT"
	exit 0
fi
if [ "$CACHED" = 1 ]; then
	msg "no complete build for key $KEY in $BASE (make debug-kernel builds it)"
	exit 3
fi

mkdir -p "$BASE"
# One build at a time; a second caller waits and then finds it complete.
exec 9>"$BASE/.lock"
if ! flock -n 9; then
	msg "another build of the debug kernel is running, waiting for it"
	flock 9
fi
if [ "$FORCE" = 0 ] && [ "$CONFIG_ONLY" = 0 ] && [ -f "$DIR/.complete" ]; then
	echo "debug $(cat "$DIR/krel") $ROOT"
	exit 0
fi

# ---------------------------------------------------------------- sources --

SRC=$BASE/src/$SRCVER
if [ ! -f "$SRC/.complete" ]; then
	msg "unpacking $SRCTAR ($SRCPKG $SRCVER)"
	rm -rf "$SRC.tmp"
	mkdir -p "$SRC.tmp"
	tar -xJf "$SRCTAR" -C "$SRC.tmp" --strip-components=1
	touch "$SRC.tmp/.complete"
	rm -rf "$SRC"
	mv "$SRC.tmp" "$SRC"
	# Sources of older package versions are of no more use.
	find "$BASE/src" -mindepth 1 -maxdepth 1 ! -path "$SRC" -exec rm -rf {} +
fi

# ---------------------------------------------------------- configuration --

kmake() { make -C "$SRC" O="$OBJ" "$@"; }

# Is every option of fragment $1 what it asks for in $OBJ/.config?
check_fragment() {
	local frag=$1 line sym bad=0
	while IFS= read -r line; do
		case $line in
		CONFIG_*=*)
			grep -qxF "$line" "$OBJ/.config" && continue
			sym=${line%%=*}
			msg "${frag##*/}: wanted $line, got $(grep -E "^$sym=|^# $sym is not set" \
				"$OBJ/.config" || echo "nothing (dependencies not met)")"
			bad=1
			;;
		"# CONFIG_"*" is not set")
			sym=${line#\# }
			sym=${sym%% *}
			grep -q "^$sym=" "$OBJ/.config" || continue
			msg "${frag##*/}: wanted $sym off, got $(grep "^$sym=" "$OBJ/.config")"
			bad=1
			;;
		esac
	done <"$frag"
	return $bad
}

make_config() {
	local lsmod=$OBJ/lsmod f bad=0
	mkdir -p "$OBJ"
	xz -dc "$CFGXZ" >"$OBJ/.config"
	grep -v -e '^#' -e '^[[:space:]]*$' "$MODLIST" >"$lsmod"
	msg "configuring: Debian's config, modules limited to ${MODLIST#"$TOP"/}"
	# localmodconfig may ask about options it turns off; take the defaults.
	kmake -s LSMOD="$lsmod" localmodconfig >"$OBJ/config.log" 2>&1 < <(yes '') ||
		{ cat "$OBJ/config.log" >&2; die "localmodconfig failed"; }
	msg "configuring: merging ${FRAGMENTS[*]#"$TOP"/}"
	(cd "$OBJ" && "$SRC/scripts/kconfig/merge_config.sh" -m -O "$OBJ" "$OBJ/.config" \
		"${FRAGMENTS[@]}") >>"$OBJ/config.log" 2>&1 ||
		{ cat "$OBJ/config.log" >&2; die "merge_config.sh failed"; }
	kmake -s olddefconfig >>"$OBJ/config.log" 2>&1 ||
		{ cat "$OBJ/config.log" >&2; die "olddefconfig failed"; }
	for f in "${FRAGMENTS[@]}"; do
		check_fragment "$f" || bad=1
	done
	[ $bad = 0 ] || die "the configuration lost options of the fragments (log: $OBJ/config.log)"
	msg "configuration: $(grep -c '=y$' "$OBJ/.config") built-in options, $(grep -c '=m$' \
		"$OBJ/.config") modules ($OBJ/.config)"
}

# The newest complete build of the same sources, if any: a new
# configuration starts from a copy of its objects, and Kbuild recompiles
# only what the changed options touch.
previous_build() {
	local d
	# shellcheck disable=SC2045 # KEY directories: hex names
	for d in $(ls -dt "$BASE"/*/ 2>/dev/null); do
		d=${d%/}
		[ "$d" != "$DIR" ] && [ -f "$d/.complete" ] && [ -d "$d/build" ] &&
			[ "$(cat "$d/srcver" 2>/dev/null)" = "$SRCVER" ] && { echo "$d"; return; }
	done
	return 0
}

if [ -d "$OBJ" ] && [ ! -f "$DIR/.complete" ] && [ -f "$DIR/.config-ok" ]; then
	msg "resuming the interrupted build in $OBJ"
else
	rm -rf "$DIR"
	prev=$(previous_build)
	if [ -n "$prev" ] && [ "$CONFIG_ONLY" = 0 ]; then
		msg "starting from the objects of $prev (only what changed is rebuilt)"
		mkdir -p "$DIR"
		cp -a "$prev/build" "$OBJ"
		rm -f "$OBJ/build.log" "$OBJ/install.log"
	fi
	make_config
	echo "$SRCVER" >"$DIR/srcver"
	touch "$DIR/.config-ok"
fi
[ "$CONFIG_ONLY" = 0 ] || exit 0

# ------------------------------------------------------------------ build --

# Compiled objects of the last complete build, for a progress estimate
# (none for a build that starts from another one's objects).
estimate=$(cat "$BASE/objects" 2>/dev/null || echo 0)
[ -z "${prev:-}" ] || estimate=0

# Print a progress line every minute while make (pid $1) runs: objects
# compiled so far (Kbuild's "CC" lines) against the last build's count.
progress() {
	local pid=$1 log=$2 t0=$SECONDS n
	while kill -0 "$pid" 2>/dev/null; do
		sleep 60 & wait $! || true
		kill -0 "$pid" 2>/dev/null || break
		n=$(grep -c '^  CC ' "$log" || true)
		if [ "$estimate" -gt 0 ]; then
			msg "$(((SECONDS - t0) / 60)) min: $n of about $estimate objects" \
				"($((n * 100 / estimate))%), last: $(tail -n1 "$log" | sed 's/^ *//')"
		else
			msg "$(((SECONDS - t0) / 60)) min: $n objects," \
				"last: $(tail -n1 "$log" | sed 's/^ *//')"
		fi
	done
}

msg "building in $OBJ with nice -n 19 make -j$JOBS (log: $OBJ/build.log)"
start=$SECONDS
set +e
nice -n 19 make -C "$SRC" O="$OBJ" -j"$JOBS" bzImage modules >"$OBJ/build.log" 2>&1 &
make_pid=$!
progress "$make_pid" "$OBJ/build.log" &
progress_pid=$!
wait "$make_pid"
rc=$?
kill "$progress_pid" 2>/dev/null
wait "$progress_pid" 2>/dev/null
set -e
if [ $rc -ne 0 ]; then
	grep -E -B2 -A5 'error:|Error [0-9]' "$OBJ/build.log" | tail -n 40 >&2 || tail -n 40 "$OBJ/build.log" >&2
	die "build failed (log: $OBJ/build.log)"
fi
grep -c '^  CC ' "$OBJ/build.log" >"$BASE/objects.tmp" && mv "$BASE/objects.tmp" "$BASE/objects"
msg "built in $(((SECONDS - start) / 60)) min $(((SECONDS - start) % 60)) s"
# Known once the build has synced the configuration (LOCALVERSION).
KREL=$(cat "$OBJ/include/config/kernel.release")
[ -n "$KREL" ] || die "no kernel release in $OBJ/include/config/kernel.release"

# ------------------------------------------------------------------- root --

rm -rf "$ROOT"
mkdir -p "$ROOT/boot" "$ROOT/usr/src"
cp "$OBJ/arch/x86/boot/bzImage" "$ROOT/boot/vmlinuz-$KREL"
cp "$OBJ/.config" "$ROOT/boot/config-$KREL"
cp "$OBJ/System.map" "$ROOT/boot/System.map-$KREL"
kmake -s INSTALL_MOD_PATH="$ROOT" modules_install >"$OBJ/install.log" 2>&1 ||
	{ cat "$OBJ/install.log" >&2; die "modules_install failed"; }
# Out-of-tree modules build against the object tree itself.
ln -sfn "$OBJ" "$ROOT/usr/src/linux-headers-$KREL"
ln -sfn "$OBJ" "$ROOT/lib/modules/$KREL/build"
depmod -b "$ROOT" "$KREL"
echo "$KREL" >"$DIR/krel"
touch "$DIR/.complete"
msg "ready: $KREL in $ROOT"

# Builds of older fragments: keep the newest other one, drop the rest.
find "$BASE" -mindepth 1 -maxdepth 1 -type d ! -name src ! -path "$DIR" -printf '%T@ %p\n' |
	sort -rn | tail -n +2 | cut -d' ' -f2- | while read -r old; do
	msg "removing the old build $old"
	rm -rf "$old"
done

echo "debug $KREL $ROOT"
