#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# check-loaded.sh - `make check` on a busy host (what `make check-loaded`
# calls): one busy loop per host CPU runs at normal priority for the whole
# run, so the VMs get a fraction of the machine, as on a laptop doing other
# work or a shared CI machine.  A test whose verdict changes here depends
# on the host's speed: it should wait for the event it needs instead.
#
# Environment: as scripts/check.sh (K, T, ...); LOAD_PROCS (busy loops,
# default: the number of CPUs).

set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
procs=${LOAD_PROCS:-$(nproc)}
pids=()
stop_load() {
	[ ${#pids[@]} -eq 0 ] || kill "${pids[@]}" 2>/dev/null
	wait 2>/dev/null
}
trap stop_load EXIT
trap 'exit 130' INT TERM
for _ in $(seq 1 "$procs"); do
	bash -c 'while :; do :; done' &
	pids+=($!)
done
echo "check-loaded: $procs busy loops running (PIDs ${pids[*]}) for the whole run"
"$top/scripts/check.sh"
