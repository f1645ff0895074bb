#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# vm-run-test.sh - check the VM runner's own behaviour that the suites rely
# on but never see: the command's exit status comes back, and a guest
# kernel that hangs while booting is killed and booted again instead of
# holding the run until its hour is up (vm-run.sh's boot watchdog).
#
# Usage: scripts/vm-run-test.sh [SERIES]   (default 6.12)
# Prints "PASS vm-run@NAME" or "FAIL vm-run@NAME: reason" lines; exits 1 if
# any check failed.
#
# The hang is a real one: the guest kernel is told to look for an init that
# is not there (rdinit=/nonexistent), finds no root file system either and
# panics with panic=0, which waits forever instead of rebooting.

set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
k=${1:-6.12}
out="$top/build/vm-run-test"
rm -rf "$out"
mkdir -p "$out"
fails=0

pass() { echo "PASS vm-run@$1"; }
fail() {
	echo "FAIL vm-run@$1: $2"
	[ -z "${3:-}" ] || sed 's/^/    /' "$3" | tail -n 15
	fails=$((fails + 1))
}

# The command's own status, and its output on stdout.
scripts/vm-run.sh -k "$k" -l "$out/status.log" -- 'echo pd-guest-says-hello; exit 7' \
	>"$out/status.out" 2>"$out/status.err"
rc=$?
if [ "$rc" != 7 ]; then
	fail exit-status "vm-run exited with $rc, the command with 7" "$out/status.err"
elif ! grep -qx pd-guest-says-hello "$out/status.out"; then
	fail exit-status "the command's output did not reach stdout" "$out/status.err"
else
	pass exit-status
fi

# A boot that hangs: three boots, each stopped by the watchdog, then the
# runner's own status 6 with the reason, and each boot's log kept.
scripts/vm-run.sh -k "$k" -l "$out/hang.log" --boot-timeout 20 \
	--append "panic=0 rdinit=/nonexistent" -- 'echo pd-command-ran' \
	>"$out/hang.out" 2>"$out/hang.err"
rc=$?
if [ "$rc" != 6 ]; then
	fail boot-hang "vm-run exited with $rc, expected 6 (hung while booting)" "$out/hang.err"
elif grep -q pd-command-ran "$out/hang.out"; then
	fail boot-hang "the command ran in a guest that could not have booted" "$out/hang.err"
elif [ "$(grep -c 'hung while booting: no init after 20 s' "$out/hang.err")" != 3 ]; then
	fail boot-hang "vm-run did not report three hung boots" "$out/hang.err"
elif ! grep -q '3 boots in a row; giving up' "$out/hang.err"; then
	fail boot-hang "vm-run did not say why it gave up" "$out/hang.err"
elif ! [ -s "$out/hang.log.boot1" ] || ! [ -s "$out/hang.log.boot3" ]; then
	fail boot-hang "the hung boots' kernel logs were not kept" "$out/hang.err"
elif ! grep -aq 'Unable to mount root fs' "$out/hang.log.boot3"; then
	fail boot-hang "the kept log is not the hung boot's" "$out/hang.log.boot3"
else
	pass boot-hang
fi

[ "$fails" = 0 ]
