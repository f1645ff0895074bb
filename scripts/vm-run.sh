#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# vm-run.sh - run a command (or a shell) in a throw-away QEMU VM that boots
# one of the Debian kernels provisioned by fetch-kernels.sh.
#
# The guest sees the host's / read-only over 9p with a tmpfs overlay on top
# (so it can write anywhere; nothing reaches the host), runs as root, and
# finds the test kernel's modules at /lib/modules/KREL.  The command's output
# streams to our stdout, the guest kernel log is saved to a file and scanned
# for kernel reports (WARN, BUG, lockdep, KASAN, ...).
#
# Channels between guest and host:
#   ttyS0            kernel console -> the log file (-l)
#   ttyS1            command stdout+stderr -> FIFO -> our stdout
#                    (--shell: the interactive terminal, on our stdin/stdout)
#   9p "hostroot"    the host's /, read-only (lower layer of the overlay)
#   9p "vmrun"       per-run directory, read-write: config, env, status
#   9p "outdir"      -o DIR, read-write, mounted at the same path
#
# Caches (under $PRIMEDISP_CACHE, like fetch-kernels.sh): the initramfs
# (busybox-static, the 9p/overlayfs modules, guest-init.sh) per KREL and
# init-script hash; an ELF vmlinux unpacked from the bzImage, which QEMU boots
# through PVH without the slow in-guest decompression; and fetch-kernels.sh's
# answer while apt's package lists stay the same.
#
# A guest whose kernel dies before our init's stage 2 ran is booted once
# more (see the end of this file), as nothing under test can have caused it.
#
# See usage() for options and exit statuses.  The guest side lives in
# guest-init.sh next to this file.

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
GUEST_INIT=$HERE/guest-init.sh
CACHE=${PRIMEDISP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/primedisp}

# Modules the initramfs loads to reach the host's root (plus their
# dependencies; built-in ones are skipped).
INITRAMFS_MODULES="virtio_pci 9pnet_virtio 9p overlay"
# Bump when the initramfs layout changes (it is part of the cache key).
INITRAMFS_FORMAT=1

# Kernel reports: any of these (extended regexps, case-sensitive) in the
# guest kernel log fails the run.
REPORT_PATTERNS=(
	'WARNING:'                      # WARN*()
	'BUG:'                          # BUG: sleeping function..., KASAN, ...
	'kernel BUG at'                 # BUG()
	'\bOops\b'
	'general protection fault'
	'KASAN'
	'UBSAN'
	'possible circular locking'     # lockdep
	'possible recursive locking'
	'inconsistent lock state'
	'suspicious RCU usage'
	'refcount_t:'
	'list_add corruption'
	'list_del corruption'
	'Call Trace:'
	'[Kk]ernel panic'
	'hung_task'
	'blocked for more than'
	'DEBUG_LOCKS_WARN_ON'
	'kmemleak: [0-9]+ new suspected'
	'unreferenced object'
	'ODEBUG:'                       # DEBUG_OBJECTS (debug kernel)
)

# Exit statuses of our own (otherwise: the command's).
EXIT_USAGE=2
EXIT_REPORT=3
EXIT_MODULE=4
EXIT_GUEST=5
EXIT_BOOT=6
EXIT_TIMEOUT=124

usage() {
	cat <<EOF
Usage: scripts/vm-run.sh [options] [--] [COMMAND...]

Boot a Debian test kernel in QEMU (TCG) and run COMMAND there as root with
'bash -c "COMMAND..."' in the current directory.  Without COMMAND the guest
just boots and powers off.

Options:
  -k, --kernel SERIES   kernel series of scripts/kernels.conf: 6.1, 6.12,
                        7.x (default 6.12), or debug
                        (scripts/build-debug-kernel.sh: KASAN, lockdep, ...)
  -m, --module PATH     load this .ko first (its 'depends' with modprobe,
                        then insmod PATH \$PRIMEDISP_PARAMS); exported to
                        COMMAND as PRIMEDISP_KO
  -o, --outdir DIR      host directory (created if missing) mounted
                        read-write at the same path; exported as
                        PRIMEDISP_OUTDIR
  -t, --timeout SECONDS kill the guest after this long (default 600; with
                        --shell on a terminal: no limit; 0: no limit)
      --boot-timeout SECONDS
                        a guest that has not started its init's second
                        stage this long after qemu started is hung while
                        booting: it is killed and booted again, three boots
                        in all (default 240, \$PRIMEDISP_VM_BOOT_TIMEOUT;
                        a boot takes about 8 s; 0: no limit)
      --append ARGS     add ARGS to the guest kernel's command line
  -l, --log FILE        save the guest kernel log here
                        (default: a file under \${TMPDIR:-/tmp}, removed
                        if the run succeeds)
      --shell           interactive bash in the guest instead of COMMAND
                        (Ctrl-A x kills the VM, Ctrl-A c is QEMU's monitor)
      --mem MB          guest memory (default 2048)
      --smp N           guest CPUs (default 2)
  -h, --help            this text

The guest sees the host's / read-only with a tmpfs overlay (writes are lost),
fresh tmpfs on /tmp and /run (the current directory and the module's
directory stay visible even when below them), the kernel's modules at
/lib/modules/KREL, and the host variables PRIMEDISP_*, T and K.

Exit status: COMMAND's, or $EXIT_USAGE usage/host error, $EXIT_REPORT kernel report (WARN, BUG, lockdep,
...) in the guest log, $EXIT_MODULE module failed to load, $EXIT_GUEST guest died without a
result, $EXIT_BOOT guest hung or died while booting, three times, $EXIT_TIMEOUT timeout.
EOF
}

msg() { echo "vm-run: $*" >&2; }
die() { msg "$*"; exit "$EXIT_USAGE"; }

# ------------------------------------------------------------ host tools --

# Install what we need from Debian's archive if it is missing.
ensure_tools() {
	local need=()
	command -v qemu-system-x86_64 >/dev/null || need+=(qemu-system-x86)
	# Must be the static busybox: it runs inside the initramfs.
	[ "$(dpkg-query -W -f='${Status}' busybox-static 2>/dev/null)" = "install ok installed" ] ||
		need+=(busybox-static)
	command -v modinfo >/dev/null || need+=(kmod)
	command -v cpio >/dev/null || need+=(cpio)
	command -v xz >/dev/null || need+=(xz-utils)
	command -v zstd >/dev/null || need+=(zstd)
	[ ${#need[@]} -eq 0 ] && return
	msg "installing ${need[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get install -y -q --no-install-recommends "${need[@]}" >&2 ||
		{ apt-get update -q >&2 &&
			apt-get install -y -q --no-install-recommends "${need[@]}" >&2; } ||
		die "cannot install ${need[*]}"
}

# ------------------------------------------------------------- initramfs --

# Copy module $1 of the test kernel and its dependencies into $2/modules,
# decompressed, appending them to $2/modules/load-order in load order.
add_module() {
	local name=$1 dir=$2 file dep base
	name=${name//-/_}
	[[ -n ${ADDED[$name]:-} ]] && return
	ADDED[$name]=1
	file=$(modinfo -b "$ROOT" -k "$KREL" -n "$name") ||
		die "module $name not found for $KREL"
	[ "$file" = "(builtin)" ] && return
	for dep in $(modinfo -b "$ROOT" -k "$KREL" -F depends "$name" | tr ',' ' '); do
		add_module "$dep" "$dir"
	done
	base=$(basename "$file")
	case $file in
	*.ko.xz) xz -dc "$file" >"$dir/modules/${base%.xz}" ;;
	*.ko.zst) zstd -qdc "$file" >"$dir/modules/${base%.zst}" ;;
	*.ko.gz) gzip -dc "$file" >"$dir/modules/${base%.gz}" ;;
	*) cp "$file" "$dir/modules/$base" ;;
	esac
	echo "${base%.ko*}.ko" >>"$dir/modules/load-order"
}

# Build (or reuse) the initramfs for $KREL; sets INITRD.
build_initramfs() {
	local key tmp
	key=$( { cat "$GUEST_INIT"; echo "$INITRAMFS_MODULES $INITRAMFS_FORMAT"; } |
		sha256sum | cut -c1-16)
	INITRD=$CACHE/initramfs/$KREL-$key.cpio.gz
	[ -f "$INITRD" ] && return
	msg "building initramfs for $KREL"
	mkdir -p "$CACHE/initramfs"
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/vm-run-initramfs.XXXXXX")
	mkdir -p "$tmp/bin" "$tmp/modules"
	cp /bin/busybox "$tmp/bin/busybox"
	ln -s busybox "$tmp/bin/sh"
	cp "$GUEST_INIT" "$tmp/init"
	chmod 0755 "$tmp/init"
	: >"$tmp/modules/load-order"
	declare -gA ADDED=()
	local m
	for m in $INITRAMFS_MODULES; do
		add_module "$m" "$tmp"
	done
	(cd "$tmp" && find . -print0 | cpio --null -o -H newc -R 0:0 --quiet) |
		gzip -1 >"$INITRD.tmp"
	mv "$INITRD.tmp" "$INITRD"
	rm -rf "$tmp"
	# Old initramfs of this kernel (other init script versions).
	find "$CACHE/initramfs" -name "$KREL-*.cpio.gz" ! -path "$INITRD" -mtime +1 -delete
}

# ----------------------------------------------------------- kernel image --

# QEMU boots an uncompressed ELF vmlinux through PVH directly, which skips
# the decompressor (seconds under TCG for xz).  Extract it from the bzImage
# once (cached) and set KERNEL to it; keep the bzImage if anything is odd.
extract_vmlinux() {
	local bz=$1 out key setup_sects payload_off payload_len start magic tool tmp len
	grep -q '^CONFIG_PVH=y' "$ROOT/boot/config-$KREL" 2>/dev/null || return 0
	key=$(stat -c '%s-%Y' "$bz")
	out=$CACHE/vmlinux/$KREL-$key
	if [ ! -f "$out" ]; then
		# bzImage header: setup sectors at 0x1f1, payload offset and
		# length (compressed vmlinux + 4 size bytes) at 0x248/0x24c.
		setup_sects=$(od -An -tu1 -j $((0x1f1)) -N1 "$bz" | tr -d ' ')
		[ "$setup_sects" != 0 ] || setup_sects=4
		payload_off=$(od -An -tu4 -j $((0x248)) -N4 "$bz" | tr -d ' ')
		payload_len=$(od -An -tu4 -j $((0x24c)) -N4 "$bz" | tr -d ' ')
		start=$(((setup_sects + 1) * 512 + payload_off))
		magic=$(od -An -tx1 -j "$start" -N4 "$bz" | tr -d ' ')
		# xz and zstd payloads end with 4 size bytes of the kernel's
		# own; a gzip stream's trailer holds that size itself.
		len=$((payload_len - 4))
		case $magic in
		fd377a58) tool="xz -dcq --single-stream" ;;
		28b52ffd) tool="zstd -dcq" ;;
		1f8b*) tool="gzip -dcq"; len=$payload_len ;;
		*) return 0 ;;
		esac
		mkdir -p "$CACHE/vmlinux"
		tmp=$(mktemp "$CACHE/vmlinux/.tmp.XXXXXX")
		if dd if="$bz" iflag=skip_bytes,count_bytes skip="$start" \
			count="$len" status=none | $tool >"$tmp" 2>/dev/null &&
			[ "$(head -c4 "$tmp" | od -An -tx1 | tr -d ' ')" = 7f454c46 ]; then
			mv "$tmp" "$out"
			find "$CACHE/vmlinux" -name "$KREL-*" ! -path "$out" -delete
		else
			rm -f "$tmp"
			msg "note: cannot extract vmlinux from $bz, booting it compressed"
			return 0
		fi
	fi
	KERNEL=$out
}

# --------------------------------------------------------- kernel reports --

# Print the first kernel report of the log with some context; false if none.
print_report() {
	local args=() p first
	for p in "${REPORT_PATTERNS[@]}"; do
		args+=(-e "$p")
	done
	first=$(grep -n -a -E "${args[@]}" "$LOG" | head -n1 | cut -d: -f1) || true
	[ -n "$first" ] || return 1
	msg "kernel report in guest log:"
	sed -n "$((first > 10 ? first - 10 : 1)),$((first + 30))p" "$LOG" | tr -d '\r' >&2
}

# Print kernel report lines as they appear in the log, until qemu ($1) exits.
watch_reports() {
	local args=() p eol=$'\n'
	for p in "${REPORT_PATTERNS[@]}"; do
		args+=(-e "$p")
	done
	# A terminal in raw mode (--shell) needs explicit carriage returns.
	[ "$MODE" = shell ] && eol=$'\r\n'
	tail -s 0.3 --pid="$1" -n +1 -F "$LOG" 2>/dev/null |
		grep --line-buffered -a -E "${args[@]}" |
		while IFS= read -r line; do
			printf 'vm-run: guest kernel: %s%s' "${line%$'\r'}" "$eol" >&2
		done
}

last_kernel_lines() {
	tail -n "$1" "$LOG" | tr -d '\r' | sed 's/^/  /'
}

# -------------------------------------------------------------- options --

SERIES=6.12
MODULE=
OUTDIR=
TIMEOUT=
LOG=
MODE=cmd
MEM=2048
SMP=2
BOOT_TIMEOUT=${PRIMEDISP_VM_BOOT_TIMEOUT:-240}
EXTRA_APPEND=

while [ $# -gt 0 ]; do
	case $1 in
	-k | --kernel) SERIES=${2:?$1 needs an argument}; shift 2 ;;
	--kernel=*) SERIES=${1#*=}; shift ;;
	-m | --module) MODULE=${2:?$1 needs an argument}; shift 2 ;;
	--module=*) MODULE=${1#*=}; shift ;;
	-o | --outdir) OUTDIR=${2:?$1 needs an argument}; shift 2 ;;
	--outdir=*) OUTDIR=${1#*=}; shift ;;
	-t | --timeout) TIMEOUT=${2:?$1 needs an argument}; shift 2 ;;
	--timeout=*) TIMEOUT=${1#*=}; shift ;;
	-l | --log) LOG=${2:?$1 needs an argument}; shift 2 ;;
	--log=*) LOG=${1#*=}; shift ;;
	--shell) MODE=shell; shift ;;
	--mem) MEM=${2:?$1 needs an argument}; shift 2 ;;
	--mem=*) MEM=${1#*=}; shift ;;
	--smp) SMP=${2:?$1 needs an argument}; shift 2 ;;
	--smp=*) SMP=${1#*=}; shift ;;
	--boot-timeout) BOOT_TIMEOUT=${2:?$1 needs an argument}; shift 2 ;;
	--boot-timeout=*) BOOT_TIMEOUT=${1#*=}; shift ;;
	--append) EXTRA_APPEND=${2?$1 needs an argument}; shift 2 ;;
	--append=*) EXTRA_APPEND=${1#*=}; shift ;;
	-h | --help) usage; exit 0 ;;
	--) shift; break ;;
	-*) usage >&2; die "unknown option $1" ;;
	*) break ;;
	esac
done
COMMAND="$*"
[ "$MODE" = shell ] && [ -n "$COMMAND" ] && die "--shell and a COMMAND exclude each other"
[ -n "$COMMAND" ] || COMMAND=true
if [ -z "$TIMEOUT" ]; then
	# An interactive shell has no time limit; a fed one (stdin not a
	# terminal) does, in case the input forgets to exit.
	if [ "$MODE" = shell ] && [ -t 0 ]; then TIMEOUT=0; else TIMEOUT=600; fi
fi
[[ $TIMEOUT =~ ^[0-9]+$ ]] || die "bad timeout '$TIMEOUT'"
[[ $BOOT_TIMEOUT =~ ^[0-9]+$ ]] || die "bad boot timeout '$BOOT_TIMEOUT'"
[[ $MEM =~ ^[0-9]+$ ]] || die "bad memory size '$MEM'"
[[ $SMP =~ ^[0-9]+$ ]] || die "bad CPU count '$SMP'"

ensure_tools

# The kernel: "SERIES KREL ROOT" from fetch-kernels.sh.  Its answer only
# changes with the apt package lists (or the script), and asking apt takes
# seconds, so it is remembered under that key while the kernel is there.
find_kernel() {
	local memo key line
	if [ "$SERIES" = debug ]; then
		# primedisp's debug kernel: built (once per configuration) by
		# build-debug-kernel.sh, which answers at once when it is there.
		line=$("$HERE/build-debug-kernel.sh") || die "build-debug-kernel.sh failed"
		read -r _ KREL ROOT <<<"$line"
		[ -n "${ROOT:-}" ] || die "build-debug-kernel.sh gave no kernel"
		return
	fi
	[[ $SERIES =~ ^[0-9.]+$ ]] || die "bad kernel series '$SERIES'"
	memo=$CACHE/vm-run-kernel-$SERIES
	key=$( { stat -c %Y /var/lib/apt/lists /var/cache/apt/pkgcache.bin \
		"$CACHE/apt-trixie/state/lists" 2>/dev/null || true
		cat "$HERE/fetch-kernels.sh" "$HERE/kernels.conf"; } | sha256sum | cut -c1-16)
	if [ -f "$memo" ]; then
		read -r mkey _ KREL ROOT <"$memo" || true
		[ "${mkey:-}" = "$key" ] && [ -f "${ROOT:-/nonexistent}/.complete" ] && return
	fi
	line=$("$HERE/fetch-kernels.sh" "$SERIES") || die "fetch-kernels.sh $SERIES failed"
	read -r _ KREL ROOT <<<"$line"
	[ -n "${ROOT:-}" ] || die "fetch-kernels.sh gave no kernel for '$SERIES'"
	mkdir -p "$CACHE"
	echo "$key $line" >"$memo"
}
find_kernel
KERNEL=$ROOT/boot/vmlinuz-$KREL
[ -f "$KERNEL" ] || die "missing $KERNEL"

if [ -n "$MODULE" ]; then
	[ -f "$MODULE" ] || die "no such module file: $MODULE"
	MODULE=$(realpath "$MODULE")
	vermagic=$(modinfo -F vermagic "$MODULE" 2>/dev/null) || die "$MODULE is not a kernel module"
	[ "${vermagic%% *}" = "$KREL" ] ||
		msg "warning: $MODULE was built for ${vermagic%% *}, the guest runs $KREL"
fi
if [ -n "$OUTDIR" ]; then
	mkdir -p "$OUTDIR"
	OUTDIR=$(realpath "$OUTDIR")
fi

extract_vmlinux "$KERNEL"
build_initramfs

# ------------------------------------------------------------ run setup --

RUN=$(mktemp -d "${TMPDIR:-/tmp}/vm-run.XXXXXX")
QEMU_PID=
RELAY_PID=
WATCH_PID=
BOOTWATCH_PID=
FEED_PID=
# shellcheck disable=SC2317  # invoked by the traps
cleanup() {
	# Only our own helpers, by pid; they normally ended already.  QEMU_PID
	# is timeout(1), which passes the signal on to qemu.
	[ -z "$QEMU_PID" ] || kill "$QEMU_PID" 2>/dev/null || true
	[ -z "$RELAY_PID" ] || kill "$RELAY_PID" 2>/dev/null || true
	[ -z "$WATCH_PID" ] || kill "$WATCH_PID" 2>/dev/null || true
	[ -z "$BOOTWATCH_PID" ] || kill "$BOOTWATCH_PID" 2>/dev/null || true
	if [ -n "$FEED_PID" ]; then
		# The feeder's cat may still wait for input that never comes.
		pkill -P "$FEED_PID" 2>/dev/null || true
		kill "$FEED_PID" 2>/dev/null || true
	fi
	rm -rf "$RUN"
}
trap cleanup EXIT
# Make signals run the EXIT trap too, so no qemu is left behind.
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

LOG_IS_TEMP=0
if [ -z "$LOG" ]; then
	# Kept only if the run fails (its path is printed then).
	LOG=$(mktemp "${TMPDIR:-/tmp}/vm-run-$KREL.XXXXXX.log")
	LOG_IS_TEMP=1
fi
mkdir -p "$(dirname "$LOG")"
LOG=$(realpath "$LOG")

# Terminal size and type for --shell.
ROWS='' COLS=
if [ "$MODE" = shell ] && [ -t 0 ]; then
	read -r ROWS COLS < <(stty size 2>/dev/null) || true
fi

# What the guest's stage 2 sources (see guest-init.sh).
{
	printf 'VM_MODE=%q\n' "$MODE"
	printf 'VM_KREL=%q\n' "$KREL"
	printf 'VM_MODROOT=%q\n' "$ROOT/lib/modules/$KREL"
	printf 'VM_KO=%q\n' "$MODULE"
	printf 'VM_OUTDIR=%q\n' "$OUTDIR"
	printf 'VM_CWD=%q\n' "$PWD"
	printf 'VM_CMD=%q\n' "$COMMAND"
	printf 'VM_TERM=%q\n' "${TERM:-linux}"
	printf 'VM_ROWS=%q\nVM_COLS=%q\n' "$ROWS" "$COLS"
	# 1: --shell with input from a pipe or file.
	if [ "$MODE" = shell ] && [ ! -t 0 ]; then echo VM_FED=1; else echo VM_FED=0; fi
} >"$RUN/config"
{
	for v in $(compgen -e); do
		case $v in
		PRIMEDISP_* | T | K) printf 'export %s=%q\n' "$v" "${!v}" ;;
		esac
	done
	[ -z "$MODULE" ] || printf 'export PRIMEDISP_KO=%q\n' "$MODULE"
	[ -z "$OUTDIR" ] || printf 'export PRIMEDISP_OUTDIR=%q\n' "$OUTDIR"
} >"$RUN/env"

# Kernel command line: console on ttyS0 with the default loglevel (7, so
# WARN/BUG and everything else reach the log); a panic reboots at once,
# which -no-reboot turns into a qemu exit.
APPEND="console=ttyS0,115200 panic=-1 printk.devkmsg=on rdinit=/init"
# The debug kernel reports every KASAN error, not only the first, so that
# each subtest's report is its own; pointers in reports are printed as
# they are (the guest is thrown away).
[ "$SERIES" != debug ] || APPEND+=" kasan_multi_shot no_hash_pointers pci=noacpi"
APPEND+="${EXTRA_APPEND:+ $EXTRA_APPEND}"

# shellcheck disable=SC2054  # commas are qemu's
QEMU=(
	qemu-system-x86_64
	-accel tcg,thread=multi -cpu max -smp "$SMP" -m "$MEM"
	-vga none -nodefaults -no-reboot -display none
	-kernel "$KERNEL" -initrd "$INITRD" -append "$APPEND"
	# ttyS0: kernel console
	-chardev "file,id=klog,path=$LOG" -serial chardev:klog
	# 9p shares
	-fsdev "local,id=hostroot,path=/,security_model=none,readonly=on,multidevs=remap"
	-device virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot
	-fsdev "local,id=vmrun,path=$RUN,security_model=none"
	-device virtio-9p-pci,fsdev=vmrun,mount_tag=vmrun
)
if [ -n "$OUTDIR" ]; then
	# shellcheck disable=SC2054
	QEMU+=(-fsdev "local,id=outdir,path=$OUTDIR,security_model=none,multidevs=remap"
		-device virtio-9p-pci,fsdev=outdir,mount_tag=outdir)
fi
# ttyS1, the command's channel.
OUT_FIFO=
if [ "$MODE" = shell ] && [ -t 0 ]; then
	# ttyS1 on our terminal, multiplexed with the monitor: Ctrl-C goes to
	# the guest, Ctrl-A x quits.
	# shellcheck disable=SC2054
	QEMU+=(-chardev stdio,id=term,mux=on,signal=off -serial chardev:term
		-mon chardev=term,mode=readline)
elif [ "$MODE" = shell ]; then
	# Shell fed from a pipe or file: ttyS1 through two FIFOs, so that the
	# input can wait until the guest's tty is ready for it (see boot_vm).
	OUT_FIFO=$RUN/term.out
	QEMU+=(-chardev "pipe,id=term,path=$RUN/term" -serial chardev:term)
else
	# ttyS1 into a FIFO that cat copies to our stdout (qemu never touches
	# our stdout: its stdio backend would make it non-blocking).
	OUT_FIFO=$RUN/out
	QEMU+=(-chardev "file,id=out,path=$RUN/out" -serial chardev:out)
fi

# ------------------------------------------------------------------ run --

# boot_watch PID: the boot watchdog.  Under TCG a guest kernel very rarely
# hangs while booting (seen once in a CI run: 6.1 silent after "NET:
# Registered PF_INET protocol family", until the run's hour was up).  The
# init's second stage writes "stage2" to the status file within seconds of
# a normal boot; if it has not after BOOT_TIMEOUT seconds, mark the boot
# as hung and stop qemu (PID is timeout(1), which passes the signal on).
# This is a limit on one event, generous (thirty times a boot on an idle
# host), not a measurement.
boot_watch() {
	local pid=$1 deadline=$((SECONDS + BOOT_TIMEOUT))
	until grep -qx stage2 "$RUN/status" 2>/dev/null; do
		kill -0 "$pid" 2>/dev/null || return 0
		if [ $SECONDS -ge $deadline ]; then
			echo "$BOOT_TIMEOUT" >"$RUN/boot-hung"
			kill "$pid" 2>/dev/null || true
			return 0
		fi
		sleep 1
	done
}

# Boot the guest once and wait for it; sets qemu_rc.
boot_vm() {
	local qemu_pid fd
	rm -f "$RUN/status" "$RUN/module-error" "$RUN/out" "$RUN/term.in" "$RUN/term.out" \
		"$RUN/boot-hung"
	: >"$LOG"
	if [ -n "$OUT_FIFO" ]; then
		[ "$MODE" = shell ] && mkfifo "$RUN/term.in"
		mkfifo "$OUT_FIFO"
		cat "$OUT_FIFO" &
		RELAY_PID=$!
	fi

	set +e
	# --foreground: qemu stays in our process group (terminal, Ctrl-C).
	if [ "$MODE" = shell ] && [ -t 0 ]; then
		timeout --foreground -k 10 "$TIMEOUT" "${QEMU[@]}" 0<&0 &
	else
		timeout --foreground -k 10 "$TIMEOUT" "${QEMU[@]}" </dev/null &
	fi
	QEMU_PID=$!
	qemu_pid=$QEMU_PID
	watch_reports "$QEMU_PID" &
	WATCH_PID=$!
	if [ "$BOOT_TIMEOUT" -gt 0 ]; then
		boot_watch "$QEMU_PID" &
		BOOTWATCH_PID=$!
	fi
	if [ "$MODE" = shell ] && [ ! -t 0 ]; then
		# Feed our stdin to the guest shell once its tty is open
		# (earlier bytes would be lost while the UART initialises),
		# then a Ctrl-D: end of input ends the shell as it would on a
		# terminal.
		(
			until grep -qx tty-ready "$RUN/status" 2>/dev/null; do
				kill -0 "$qemu_pid" 2>/dev/null || exit 0
				sleep 0.2
			done
			{ cat; printf '\004'; } >"$RUN/term.in"
		) 0<&0 &
		FEED_PID=$!
	fi
	wait "$QEMU_PID"
	qemu_rc=$?
	QEMU_PID=
	set -e

	# Let the relay and the watcher drain what is left.
	if [ -n "$RELAY_PID" ]; then
		# Unblock cat if qemu never opened the FIFO (O_RDWR does not
		# block).
		exec {fd}<>"$OUT_FIFO"
		exec {fd}>&-
		wait "$RELAY_PID" || true
		RELAY_PID=
	fi
	wait "$WATCH_PID" 2>/dev/null || true
	WATCH_PID=
	if [ -n "$BOOTWATCH_PID" ]; then
		kill "$BOOTWATCH_PID" 2>/dev/null || true
		wait "$BOOTWATCH_PID" 2>/dev/null || true
		BOOTWATCH_PID=
	fi
}

start=$(date +%s.%N)
# A guest that hung before stage 2 started (boot_watch), or died before it
# without a timeout, cannot have been stopped by the module or the command:
# the kernel itself crashed or hung while booting, which TCG rarely
# provokes (seen: "Oops: int3" from a text_poke race with thread=multi,
# and a silent hang).  Show what happened and boot again, three boots in
# all.
boots=0
boot_failed=
while :; do
	boots=$((boots + 1))
	boot_vm
	if [ -f "$RUN/boot-hung" ]; then
		boot_failed="hung while booting: no init after $BOOT_TIMEOUT s"
	elif [ "$qemu_rc" != 124 ] && [ "$qemu_rc" != 137 ] &&
		! grep -qx stage2 "$RUN/status" 2>/dev/null; then
		boot_failed="died while booting"
	else
		boot_failed=
		break
	fi
	print_report || { msg "guest $boot_failed; last kernel messages:"; last_kernel_lines 20 >&2; }
	cp "$LOG" "$LOG.boot$boots"
	[ "$boots" -lt 3 ] || break
	msg "guest $boot_failed (log: $LOG.boot$boots), booting again"
done
end=$(date +%s.%N)

status_rc=$(sed -n 's/^rc \([0-9]*\)$/\1/p' "$RUN/status" 2>/dev/null | tail -n1) || true
[ "$MODE" = shell ] && printf '\r\n' >&2

# The outcome, worst first.
rc=0
if [ -n "$boot_failed" ]; then
	msg "guest $boot_failed, $boots boots in a row; giving up (logs: $LOG.boot1 ...)"
	rc=$EXIT_BOOT
elif [ "$qemu_rc" = 124 ] || [ "$qemu_rc" = 137 ]; then
	msg "guest timed out after $TIMEOUT s (last kernel messages:"
	last_kernel_lines 10 >&2
	echo ")" >&2
	print_report || true
	rc=$EXIT_TIMEOUT
elif print_report; then
	rc=$EXIT_REPORT
elif grep -qx module-failed "$RUN/status" 2>/dev/null; then
	msg "failed to load $MODULE in the guest:"
	sed 's/^/  /' "$RUN/module-error" >&2 || true
	msg "last kernel messages:"
	last_kernel_lines 10 >&2
	rc=$EXIT_MODULE
elif [ -z "$status_rc" ]; then
	msg "guest ended without a result (qemu status $qemu_rc); last kernel messages:"
	last_kernel_lines 20 >&2
	rc=$EXIT_GUEST
else
	rc=$status_rc
fi
if [ -n "${PRIMEDISP_VM_TIMING:-}" ]; then
	msg "$(awk -v s="$start" -v e="$end" 'BEGIN { printf "guest ran for %.1f s", e - s }')"
fi
if [ "$rc" -eq 0 ] && [ "$LOG_IS_TEMP" = 1 ]; then
	rm -f "$LOG"
elif [ "$rc" -ne 0 ]; then
	msg "exit status $rc; guest kernel log: $LOG"
fi
exit "$rc"
