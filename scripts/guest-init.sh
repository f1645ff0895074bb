#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# guest-init.sh - init of primedisp's throw-away test VM (see vm-run.sh).
#
# The same file runs twice:
#
#  stage 1  as /init of the initramfs, under busybox sh.  Loads the modules
#           needed for virtio/9p/overlayfs (listed by vm-run.sh in
#           /modules/load-order), mounts the host's root read-only over 9p,
#           puts a tmpfs overlay on top of it, copies itself into the new
#           root and switch_root's into it.
#
#  stage 2  as PID 1 of the new root, under the host's bash.  Sets up /dev,
#           /proc, /sys, /tmp, ..., reads the run description vm-run.sh left
#           in the shared run directory (9p tag "vmrun"), loads the module
#           under test, runs the command (or an interactive shell) with its
#           output on ttyS1, writes the exit status into the run directory and
#           powers the VM off.
#
# The kernel console is ttyS0 (vm-run.sh saves it as the guest log); this
# script's own diagnostics go there too, never to the command's output.
#
# This is POSIX sh on purpose: busybox sh must be able to run stage 1 (which
# is why there is no `set -o pipefail` and no bash-only syntax here).

set -eu

# 9p options shared by all mounts; 256 KiB messages are accepted by both
# kernel series' virtio transport.
P9OPTS=trans=virtio,version=9p2000.L,msize=262144

# Where stage 2 finds things (all below the fresh tmpfs on /run).
RUNDIR=/run/vm-run          # the host's per-run directory, read-write
HOSTVIEW=/run/vm-host       # the root overlay without /tmp, /run on top
SELF=/run/vm-run-init       # stage 2's copy of this script

# Log a line to the kernel log (and so to the guest log file).
log() {
	echo "vm-run-init: $*" >/dev/kmsg 2>/dev/null || echo "vm-run-init: $*"
}

# Power off at once.  PID 1 must never return: that would be a panic.
power_off() {
	sync || true
	busybox poweroff -f 2>/dev/null || true
	echo o >/proc/sysrq-trigger 2>/dev/null || true
	while :; do sleep 1; done
}

# ---------------------------------------------------------------- stage 1 --

stage1_die() {
	log "stage 1 failed: $*"
	power_off
}

stage1() {
	/bin/busybox mkdir -p /bin /sbin /usr/bin /usr/sbin /proc /sys /dev
	/bin/busybox --install -s
	mount -t proc proc /proc
	mount -t sysfs sysfs /sys
	mount -t devtmpfs devtmpfs /dev

	# Modules in dependency order (decompressed by vm-run.sh).
	while read -r mod; do
		insmod "/modules/$mod" || stage1_die "insmod $mod"
	done </modules/load-order

	mkdir -p /lower /rw /newroot
	# The host's / (read-only on the host side too), cached aggressively:
	# nothing on the host is supposed to change under a short test run.
	mount -t 9p -o "$P9OPTS,ro,cache=loose" hostroot /lower ||
		stage1_die "cannot mount the host root over 9p"
	# Writes anywhere in the guest land in this tmpfs.
	mount -t tmpfs -o mode=0755 vm-rw /rw
	mkdir -p /rw/upper /rw/work
	mount -t overlay -o lowerdir=/lower,upperdir=/rw/upper,workdir=/rw/work \
		overlay /newroot || stage1_die "cannot mount the root overlay"

	# A fresh /run that stage 2 will find its own copy of this script in.
	mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs /newroot/run
	cp /init /newroot$SELF
	for d in dev proc sys; do
		mount --move "/$d" "/newroot/$d"
	done
	exec switch_root /newroot /bin/bash "$SELF" stage2
}

# ---------------------------------------------------------------- stage 2 --

# Append a line to the status file on the host (9p, cache=none: written
# through to the host before echo returns).
status() {
	echo "$*" >>"$RUNDIR/status"
}

# Unexpected failure of stage 2: tell the host and power off.
stage2_fatal() {
	trap - EXIT
	log "stage 2 failed"
	status "error stage 2 setup failed, see the kernel log" 2>/dev/null || true
	power_off
}

# Make the host directory $1 visible at the same path if a tmpfs of ours
# hides it (it is under /tmp or /run; /run itself must stay ours).
expose() {
	case $1 in
	/run/vm-run | /run/vm-run/* | /run/vm-host | /run/vm-host/*) return 0 ;;
	/tmp | /tmp/* | /run/*) ;;
	*) return 0 ;;
	esac
	[ -d "$HOSTVIEW$1" ] || return 0
	mkdir -p "$1"
	mount --bind "$HOSTVIEW$1" "$1"
}

# Load the module under test: its dependencies with modprobe, then insmod.
# Any failure is reported to the host as "module-failed".
load_module() {
	ko=$1
	if ! deps=$(modinfo -F depends "$ko" 2>&1); then
		printf '%s\n' "modinfo $ko: $deps" >"$RUNDIR/module-error"
		return 1
	fi
	for dep in $(echo "$deps" | tr ',' ' '); do
		if ! out=$(modprobe "$dep" 2>&1); then
			printf '%s\n' "modprobe $dep: $out" >"$RUNDIR/module-error"
			return 1
		fi
	done
	# PRIMEDISP_PARAMS is split into words on purpose.
	# shellcheck disable=SC2086
	if ! out=$(insmod "$ko" ${PRIMEDISP_PARAMS:-} 2>&1); then
		printf '%s\n' "insmod $ko ${PRIMEDISP_PARAMS:-}: $out" >"$RUNDIR/module-error"
		return 1
	fi
	log "loaded $ko"
}

stage2() {
	trap stage2_fatal EXIT
	# Exec'ing the host's dynamically linked tools costs 50-150 ms each
	# under TCG over 9p; the host's static busybox is much cheaper.
	for tool in mount mkdir ln hostname dirname; do
		eval "$tool() { /bin/busybox $tool \"\$@\"; }"
	done
	export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
	export HOME=/root
	cd /

	# /dev extras (devtmpfs itself came from stage 1).
	mkdir -p /dev/pts /dev/shm
	mount -t devpts -o gid=5,mode=0620,ptmxmode=0666 devpts /dev/pts
	mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /dev/shm
	ln -sf /proc/self/fd /dev/fd
	ln -sf /proc/self/fd/0 /dev/stdin
	ln -sf /proc/self/fd/1 /dev/stdout
	ln -sf /proc/self/fd/2 /dev/stderr
	mount -t debugfs debugfs /sys/kernel/debug
	mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null || true

	# The run directory: config, env, status.
	mkdir -p "$RUNDIR"
	mount -t 9p -o "$P9OPTS,cache=none" vmrun "$RUNDIR"
	status "stage2"
	# Sets VM_MODE VM_KREL VM_MODROOT VM_KO VM_OUTDIR VM_CWD VM_CMD
	# VM_TERM VM_ROWS VM_COLS VM_FED (written by vm-run.sh with printf %q).
	# shellcheck disable=SC1091
	. "$RUNDIR/config"

	# Keep a view of the host's /tmp and /run before hiding them.
	mkdir -p "$HOSTVIEW"
	mount --bind / "$HOSTVIEW"
	mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /tmp
	expose "$VM_CWD"
	[ -z "$VM_KO" ] || expose "$(dirname "$VM_KO")"

	# The test kernel's modules, where modprobe looks for them.
	mkdir -p "/lib/modules/$VM_KREL"
	mount --bind "$HOSTVIEW$VM_MODROOT" "/lib/modules/$VM_KREL"

	# Results directory, shared read-write with the host.
	if [ -n "$VM_OUTDIR" ]; then
		mkdir -p "$VM_OUTDIR"
		mount -t 9p -o "$P9OPTS,cache=mmap" outdir "$VM_OUTDIR"
	fi

	hostname primedisp-vm
	# PRIMEDISP_*, T, K from the host plus PRIMEDISP_KO/PRIMEDISP_OUTDIR.
	# shellcheck disable=SC1091
	. "$RUNDIR/env"

	if [ -n "$VM_KO" ] && ! load_module "$VM_KO"; then
		status "module-failed"
		trap - EXIT
		power_off
	fi

	read -r up _ </proc/uptime
	log "guest ready after ${up}s, running the ${VM_MODE}"
	set +e
	if [ "$VM_MODE" = shell ]; then
		# Keep ttyS1 open (so initialised) from now on: the UART drops
		# what arrives before that, later input waits in the tty.  A
		# child holds it so that PID 1 does not make it its terminal.
		/bin/busybox sleep 2147483647 <>/dev/ttyS1 &
		holder=$!
		stty -F /dev/ttyS1 sane
		[ -z "$VM_ROWS" ] || stty -F /dev/ttyS1 rows "$VM_ROWS" cols "$VM_COLS"
		# Input from a pipe ends with a Ctrl-D from vm-run.sh.  It must
		# reach readline as a plain character: as the tty's EOF it would
		# be lost if it arrives while a command runs.
		[ "$VM_FED" = 0 ] || stty -F /dev/ttyS1 eof undef
		# vm-run.sh sends piped input only after this.
		status "tty-ready"
		(
			cd "$VM_CWD" 2>/dev/null || cd /
			export TERM="$VM_TERM"
			# New session with ttyS1 as controlling terminal: job
			# control works and Ctrl-C reaches the shell's children.
			exec setsid --ctty bash -l
		) </dev/ttyS1 >/dev/ttyS1 2>&1
		rc=$?
		kill "$holder"
	else
		# Raw: the output reaches the host byte for byte.
		stty -F /dev/ttyS1 raw -echo
		(
			cd "$VM_CWD" 2>/dev/null || {
				echo "vm-run: $VM_CWD is not visible in the guest, running in /"
				cd /
			}
			exec bash -c "$VM_CMD"
		) </dev/null >/dev/ttyS1 2>&1
		rc=$?
		# stty sets the termios with TCSADRAIN, so this returns only
		# once the UART has handed every byte to the host.
		stty -F /dev/ttyS1 raw -echo
	fi
	set -e
	log "${VM_MODE} exited with status $rc"
	status "rc $rc"
	trap - EXIT
	power_off
}

case ${1:-} in
stage2) stage2 ;;
*) stage1 ;;
esac
