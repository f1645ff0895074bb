#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# arm64-check.sh - primedisp probed from the device tree on arm64: Debian's
# arm64 kernel in qemu-system-aarch64 -M virt (TCG), booted with QEMU's own
# DT plus dts/primedisp-overlay.dtso.
#
# Usage: scripts/arm64-check.sh [SERIES]...
#   (default: the first-class series of scripts/kernels.conf; 7.x from
#   trixie-backports, cross-built in the trixie build root)
#
# Per kernel series:
#   1. scripts/build-module.sh --arch arm64: primedisp.ko cross-built
#      against Debian's arm64 headers (scripts/fetch-arm64.sh), W=1 and
#      sparse as for x86, no warning allowed;
#   2. an initramfs: busybox-static:arm64, the DRM modules primedisp.ko
#      depends on (from the arm64 image, by modules.dep), primedisp.ko,
#      arm64/init.sh as /init and arm64/dt-probe.c built static for aarch64;
#   3. the DT: QEMU's virt DT dumped with the very options the guest boots
#      with, and the overlay applied with fdtoverlay;
#   4. the guest boots, loads the modules, runs dt-probe, unloads primedisp
#      and powers off; its serial console is the log.
#
# Output, one line per check, as scripts/check.sh's host_suite() reads it:
#   PASS arm64@SERIES-NAME
#   FAIL arm64@SERIES-NAME: REASON      (details follow, indented)
# NAME is build-w1-sparse (build-w1 on 7.x, where kbuild turns sparse off), then the guest's own checks (module-load, dt-probe,
# dt-settings, prime, scanout, crc, no-leak, module-unload; see
# arm64/dt-probe.c and arm64/init.sh), then kernel-log: any kernel report
# (the patterns of vm-run.sh) in the guest's log is a failure.  Exit status
# 0 if everything passed, 1 otherwise, 2 on bad usage.
#
# Files: build/arm64/ (DTBs, the test binary, per kernel the console log
# console-KREL.log and the run's initramfs).  Cached under
# $PRIMEDISP_CACHE/arm64: the unpacked packages (fetch-arm64.sh) and the
# kernel-module part of each initramfs.
#
# QEMU: "-cpu max,pauth-impdef=on" is -cpu max with an implementation-
# defined pointer-authentication hash instead of QARMA, which TCG computes
# far faster (the boot takes less than half the time); the guest sees the
# same features.  One vCPU: the host has two cores for everything.

set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/arm64
CACHE=${PRIMEDISP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/primedisp}
VM_TIMEOUT=${ARM64_VM_TIMEOUT:-300}

QEMU=qemu-system-aarch64
QEMU_MACHINE=virt
QEMU_ARGS=(-cpu "max,pauth-impdef=on" -smp 1 -m 1024 -nic none)
# Bump when the layout of the cached initramfs part changes.
INITRAMFS_FORMAT=1

# The checks the guest reports, in order; a missing one is a failure.
GUEST_CHECKS="module-load dt-probe dt-settings prime scanout crc no-leak module-unload"

# shellcheck source=scripts/kernels.conf
. "$top/scripts/kernels.conf"
# shellcheck disable=SC2086  # lists of series
[ $# -gt 0 ] || set -- $PD_SERIES
for s in "$@"; do
	case " $PD_SERIES $PD_SMOKE_SERIES " in
	*" $s "*) ;;
	*) echo "usage: $0 [SERIES]... (series of scripts/kernels.conf)" >&2; exit 2 ;;
	esac
done

mkdir -p "$out"
exec 9>"$out/.lock"
flock 9

fails=0
pass() { echo "PASS arm64@$1"; }
# fail NAME REASON [FILE]: the FAIL line, then FILE's tail indented.
fail() {
	echo "FAIL arm64@$1: $2"
	[ -z "${3:-}" ] || tail -n "${4:-25}" "$3" | tr -d '\r' | sed 's/^/    /'
	fails=$((fails + 1))
}
note() { echo "arm64-check: $*" >&2; }

# Kernel report patterns: vm-run.sh's REPORT_PATTERNS, the one list.
eval "$(sed -n '/^REPORT_PATTERNS=(/,/^)/p' "$top/scripts/vm-run.sh")"
if [ "${#REPORT_PATTERNS[@]}" -lt 5 ]; then
	echo "FAIL arm64@setup: cannot read REPORT_PATTERNS from scripts/vm-run.sh"
	exit 1
fi

# ------------------------------------------------------------------ tools

need_tools() {
	local c missing=()
	for c in aarch64-linux-gnu-gcc "$QEMU" dtc fdtoverlay fdtget modinfo cpio gzip xz zstd rsync; do
		command -v "$c" >/dev/null 2>&1 || missing+=("$c")
	done
	[ -f /usr/aarch64-linux-gnu/lib/libc.a ] || missing+=(libc.a)
	[ ${#missing[@]} -eq 0 ] && return 0
	note "missing ${missing[*]}: running scripts/install-deps.sh"
	"$top/scripts/install-deps.sh" >"$out/install-deps.log" 2>&1 || {
		echo "FAIL arm64@setup: scripts/install-deps.sh failed (missing ${missing[*]})"
		sed 's/^/    /' "$out/install-deps.log" | tail -n 20
		exit 1
	}
}

# ------------------------------------------------------------- the DT

# QEMU's DT for exactly the options the guest boots with, plus the overlay.
# Sets DTB, and DT_SETTINGS to the overlay's preferred-width, -height,
# max-width, -height and num-outputs ("-" for one it leaves out) for the
# guest to check.
make_dtb() {
	local log=$out/dtb.log p v
	DT_SETTINGS=
	: >"$log"
	rm -f "$out/virt.dtb" "$out/virt-primedisp.dtb"
	if ! "$QEMU" -M "$QEMU_MACHINE,dumpdtb=$out/virt.dtb" "${QEMU_ARGS[@]}" \
		-display none </dev/null >"$out/dumpdtb.log" 2>&1 || [ ! -s "$out/virt.dtb" ]; then
		cat "$out/dumpdtb.log" >>"$log"
		echo "qemu dumped no DTB" >>"$log"
		return 1
	fi
	# Any dtc/fdtoverlay output (a warning) is a failure too.
	dtc -@ -I dts -O dtb -o "$out/primedisp-overlay.dtbo" \
		"$top/dts/primedisp-overlay.dtso" >>"$log" 2>&1 &&
		fdtoverlay -i "$out/virt.dtb" -o "$out/virt-primedisp.dtb" \
			"$out/primedisp-overlay.dtbo" >>"$log" 2>&1 &&
		[ ! -s "$log" ] || return 1
	[ "$(fdtget "$out/virt-primedisp.dtb" /display-controller compatible 2>>"$log")" = \
		primedisp,virtual-display ] ||
		{ echo "no /display-controller with our compatible in the DTB" >>"$log"; return 1; }
	for p in preferred-width preferred-height max-width max-height num-outputs; do
		v=$(fdtget -t u "$out/virt-primedisp.dtb" /display-controller "primedisp,$p" 2>/dev/null) ||
			v=-
		DT_SETTINGS+=${DT_SETTINGS:+,}$v
	done
	# QEMU loads a -dtb file into a buffer of 2 * (size + 10000) bytes and
	# gives the guest that as the DT's totalsize; arm64 Linux refuses a DT
	# over 2 MiB and stops before any console output.  dumpdtb writes
	# 1 MiB (its whole buffer), so the dump itself cannot be booted;
	# fdtoverlay's output is packed.
	v=$(stat -c %s "$out/virt-primedisp.dtb")
	if [ "$v" -gt $((1024 * 1024 - 10000)) ]; then
		echo "virt-primedisp.dtb is $v bytes: QEMU would hand the kernel more than 2 MiB" >>"$log"
		return 1
	fi
	DTB=$out/virt-primedisp.dtb
}

# ------------------------------------------------------------ test binary

build_test() {
	aarch64-linux-gnu-gcc -static -O2 -std=gnu11 -D_GNU_SOURCE \
		-Wall -Wextra -Werror -o "$out/dt-probe" "$top/arm64/dt-probe.c" \
		>"$out/dt-probe-build.log" 2>&1
}

# -------------------------------------------------------------- initramfs

# add_module NAME DIR: module NAME of $KREL and its dependencies,
# decompressed into DIR/modules, appended to DIR/modules/load-order.
add_module() {
	local name=${1//-/_} dir=$2 file dep base
	[[ -n ${ADDED[$name]:-} ]] && return 0
	ADDED[$name]=1
	file=$(modinfo -b "$ROOT" -k "$KREL" -n "$name" 2>/dev/null) ||
		{ echo "module $name not found for $KREL"; return 1; }
	[ "$file" = "(builtin)" ] && return 0
	for dep in $(modinfo -b "$ROOT" -k "$KREL" -F depends "$name" | tr ',' ' '); do
		add_module "$dep" "$dir" || return 1
	done
	base=$(basename "$file")
	case $file in
	*.ko.xz) xz -dc "$file" >"$dir/modules/${base%.xz}" ;;
	*.ko.zst) zstd -qdc "$file" >"$dir/modules/${base%.zst}" ;;
	*.ko.gz) gzip -dc "$file" >"$dir/modules/${base%.gz}" ;;
	*) cp "$file" "$dir/modules/$base" ;;
	esac || return 1
	echo "${base%.ko*}.ko" >>"$dir/modules/load-order"
}

# The initramfs of one run: a cached part (busybox and the kernel's DRM
# modules, per KREL and primedisp's dependencies) and this run's part
# (/init, primedisp.ko, /dt-probe), two gzip'd cpio archives one after the
# other, as the kernel accepts them.  Sets INITRD.
make_initramfs() {
	local ko=$1 deps key base tmp m
	deps=$(modinfo -F depends "$ko") || return 1
	key=$(printf '%s\n' "$KREL" "$deps" "$BUSYBOX" "$(stat -c %s-%Y "$BUSYBOX")" \
		"$INITRAMFS_FORMAT" | sha256sum | cut -c1-16)
	base=$CACHE/arm64/initramfs/$KREL-$key.cpio.gz
	if [ ! -f "$base" ]; then
		note "building the initramfs base for $KREL (modules: $deps)"
		mkdir -p "$CACHE/arm64/initramfs"
		tmp=$(mktemp -d "${TMPDIR:-/tmp}/arm64-initramfs.XXXXXX")
		mkdir -p "$tmp/bin" "$tmp/modules"
		cp "$BUSYBOX" "$tmp/bin/busybox"
		ln -s busybox "$tmp/bin/sh"
		: >"$tmp/modules/load-order"
		declare -gA ADDED=()
		for m in ${deps//,/ }; do
			add_module "$m" "$tmp" || { rm -rf "$tmp"; return 1; }
		done
		(cd "$tmp" && find . -print0 | LC_ALL=C sort -z |
			cpio --null -o -H newc -R 0:0 --quiet) | gzip -1 >"$base.tmp" &&
			mv "$base.tmp" "$base"
		rm -rf "$tmp"
		[ -f "$base" ] || return 1
		find "$CACHE/arm64/initramfs" -name "$KREL-*.cpio.gz" ! -path "$base" -delete
	fi
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/arm64-initramfs.XXXXXX")
	mkdir -p "$tmp/modules"
	install -m 0755 "$top/arm64/init.sh" "$tmp/init"
	install -m 0755 "$out/dt-probe" "$tmp/dt-probe"
	install -m 0644 "$ko" "$tmp/modules/primedisp.ko"
	INITRD=$out/initramfs-$KREL.cpio.gz
	{ cat "$base"; (cd "$tmp" && find . -print0 | LC_ALL=C sort -z |
		cpio --null -o -H newc -R 0:0 --quiet | gzip -1); } >"$INITRD"
	rm -rf "$tmp"
}

# ------------------------------------------------------------------ a run

# Print the first kernel report in $1 with context; false if none.
first_report() {
	local args=() p n
	for p in "${REPORT_PATTERNS[@]}"; do
		args+=(-e "$p")
	done
	n=$(grep -n -a -E "${args[@]}" "$1" | head -n1 | cut -d: -f1) || true
	[ -n "$n" ] || return 1
	sed -n "$((n > 10 ? n - 10 : 1)),$((n + 30))p" "$1" | tr -d '\r'
}

run_series() {
	local s=$1 ko rc log res line name reason start qrc c
	local -A got=()

	ko=$("$top/scripts/build-module.sh" --arch arm64 "$s" C=2 CHECK=sparse 2>"$out/build-$s.err")
	rc=$?
	if [ $rc -eq 0 ] && grep -q '^build-module: sparse not run' "$out/build-$s.err"; then
		# 7.x: kbuild turned sparse off (trixie's is too old for the headers).
		pass "$s-build-w1"
	elif [ $rc -eq 0 ]; then
		pass "$s-build-w1-sparse"
	else
		fail "$s-build-w1-sparse" "cross build for arm64 $([ $rc -eq 2 ] && echo printed warnings || echo failed)" \
			"$out/build-$s.err" 40
		[ $rc -eq 2 ] || return
	fi
	if [ -z "${DTB:-}" ]; then
		fail "$s-boot" "no DTB (see below)" "$out/dtb.log"
		return
	fi
	if [ ! -x "$out/dt-probe" ]; then
		fail "$s-boot" "arm64/dt-probe.c did not build" "$out/dt-probe-build.log"
		return
	fi
	if ! make_initramfs "$ko" >"$out/initramfs-$s.log" 2>&1; then
		fail "$s-boot" "could not build the initramfs" "$out/initramfs-$s.log"
		return
	fi

	log=$out/console-$KREL.log
	# A guest that timed out before its probe printed anything hung while
	# booting (TCG very rarely does that, see vm-run.sh): boot it once more.
	for boot in 1 2; do
		start=$(date +%s)
		timeout -k 10 "$VM_TIMEOUT" "$QEMU" -M "$QEMU_MACHINE" "${QEMU_ARGS[@]}" \
			-display none -monitor none -serial "file:$log" -no-reboot \
			-kernel "$ROOT/boot/vmlinuz-$KREL" -dtb "$DTB" -initrd "$INITRD" \
			-append "console=ttyAMA0 panic=-1 printk.devkmsg=on pd_dt=$DT_SETTINGS" \
			</dev/null >"$out/qemu-$s.log" 2>&1
		qrc=$?
		note "$s: guest ran $(($(date +%s) - start)) s (qemu status $qrc, log $log)"
		if [ "$boot" = 1 ] && { [ "$qrc" = 124 ] || [ "$qrc" = 137 ]; } &&
			! grep -aq 'pd-dt-probe:' "$log"; then
			cp "$log" "$log.boot1"
			note "$s: hung while booting (log $log.boot1), booting again"
			continue
		fi
		break
	done

	res=$(tr -d '\r' <"$log" | grep -a -o 'pd-dt-probe: .*')
	while IFS= read -r line; do
		case $line in
		"pd-dt-probe: PASS "*)
			name=${line#pd-dt-probe: PASS }
			got[$name]=1
			pass "$s-$name"
			;;
		"pd-dt-probe: FAIL "*)
			line=${line#pd-dt-probe: FAIL }
			name=${line%%: *}
			reason=${line#*: }
			got[$name]=1
			fail "$s-$name" "$reason"
			;;
		esac
	done <<<"$res"
	reason="guest gave no result"
	if [ "$qrc" = 124 ] || [ "$qrc" = 137 ]; then
		reason="guest timed out after $VM_TIMEOUT s"
	elif ! grep -qx 'pd-dt-probe: finished' <<<"$res"; then
		reason="guest ended early (qemu status $qrc)"
	fi
	# The log's tail goes with the first check that has no result.
	for c in $GUEST_CHECKS; do
		[ -n "${got[$c]:-}" ] && continue
		fail "$s-$c" "$reason" "$log" 15
		log=
	done
	log=$out/console-$KREL.log

	if first_report "$log" >"$out/report-$s.txt"; then
		fail "$s-kernel-log" "kernel report in the guest log $log" "$out/report-$s.txt" 41
	elif ! grep -q 'pd-dt-probe: finished' <<<"$res"; then
		fail "$s-kernel-log" "$reason: log incomplete" "$log" 15
	else
		pass "$s-kernel-log"
	fi
}

# ------------------------------------------------------------------ main

need_tools
if ! fetched=$("$top/scripts/fetch-arm64.sh" "$@" 2>"$out/fetch.log"); then
	for s in "$@"; do
		fail "$s-fetch" "scripts/fetch-arm64.sh failed" "$out/fetch.log"
	done
	exit 1
fi
BUSYBOX=$(sed -n 's/^busybox //p' <<<"$fetched")
DTB=
make_dtb || DTB=
build_test || rm -f "$out/dt-probe"

for s in "$@"; do
	read -r _ KREL ROOT < <(grep "^$s " <<<"$fetched")
	run_series "$s"
done
[ $fails -eq 0 ]
