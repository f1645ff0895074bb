#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# init.sh - /init of the arm64 guest that scripts/arm64-check.sh boots
# (busybox sh; POSIX only).
#
# Loads the DRM modules primedisp depends on (listed in load order by the
# host in /modules/load-order), then /modules/primedisp.ko with module
# parameters that differ from every setting of the overlay (the DT's
# properties must win over them, as dts/README.md says), runs /dt-probe
# (arm64/dt-probe.c), unloads primedisp and powers off.  Its own results
# are lines "pd-dt-probe: PASS NAME" / "pd-dt-probe: FAIL NAME: REASON",
# like dt-probe's, written to /dev/kmsg so that they reach the serial
# console (the host's log) whole, between the kernel's own messages.
#
# Subtests of this script: module-load (the dependencies and primedisp load,
# and primedisp probes the DT device) and module-unload (rmmod works once
# the test is done).  The line "pd-dt-probe: finished" tells the host that
# the guest got to the end.

/bin/busybox mkdir -p /bin /sbin /usr/bin /usr/sbin /proc /sys /dev /tmp
/bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t debugfs debugfs /sys/kernel/debug
mount -t tmpfs tmpfs /tmp

say() {
	echo "<6>pd-dt-probe: $*" >/dev/kmsg
}

finish() {
	say finished
	sync
	poweroff -f
	while :; do sleep 1; done	# PID 1 must not exit
}

say "init: $(uname -r) $(uname -m), $(grep -c ^processor /proc/cpuinfo) CPU(s)"

load_failed=
while read -r mod; do
	if ! out=$(insmod "/modules/$mod" 2>&1); then
		load_failed="insmod $mod: $out"
		break
	fi
done </modules/load-order
if [ -z "$load_failed" ] && ! out=$(insmod /modules/primedisp.ko \
	pref_width=800 pref_height=600 max_width=2560 max_height=1600 num_outputs=2 \
	2>&1); then
	load_failed="insmod primedisp.ko: $out"
fi
if [ -n "$load_failed" ]; then
	say "FAIL module-load: $load_failed"
	finish
fi
# The driver probes the DT device while it registers, within insmod.
cards=$(find /sys/class/drm -maxdepth 1 -name 'card[0-9]*' ! -name '*-*')
if [ ! -e /sys/bus/platform/drivers/primedisp ] || [ -z "$cards" ]; then
	say "FAIL module-load: primedisp loaded but no DRM card appeared (see the kernel log)"
	finish
fi
say "PASS module-load"

/dt-probe
say "dt-probe exited with status $?"

if out=$(rmmod primedisp 2>&1); then
	if [ -e /sys/bus/platform/drivers/primedisp ]; then
		say "FAIL module-unload: the driver is still registered after rmmod"
	else
		say "PASS module-unload"
	fi
else
	say "FAIL module-unload: rmmod primedisp: $out"
fi
finish
