#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# guest-reload.sh - inside the test VM, load primedisp again with
# num_outputs=N (and the run's other parameters, PRIMEDISP_PARAMS), from
# the module vm-run.sh loaded (PRIMEDISP_KO).  guest-igt.sh and
# guest-fuzz.sh use it for their runs with several outputs.
#
# Usage: guest-reload.sh N
# Exit status 0, or 1 after saying on stderr what failed.

n=${1:?usage: guest-reload.sh N}
ko=${PRIMEDISP_KO:-}
[ -n "$ko" ] || { echo "guest-reload: PRIMEDISP_KO not set, cannot reload primedisp" >&2; exit 1; }
rmmod primedisp || { echo "guest-reload: rmmod primedisp failed (still in use?)" >&2; exit 1; }
# shellcheck disable=SC2086  # parameters are words on purpose
insmod "$ko" ${PRIMEDISP_PARAMS:-} num_outputs="$n" ||
	{ echo "guest-reload: insmod $ko num_outputs=$n failed" >&2; exit 1; }
