#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# dkms-test.sh - prove that primedisp's dkms.conf works: `dkms add`, `dkms
# build` and `dkms install` against Debian's headers of each kernel, in
# private trees only.
#
# Usage: scripts/dkms-test.sh [SERIES]...
#   (default: the first-class series of scripts/kernels.conf)
#
# The 7.x kernels need gcc-14: for them dkms itself (trixie's) runs in the
# trixie build root (scripts/build-root.sh), with the private trees and the
# kernel bind-mounted at the same paths; everything below holds inside it.
#
# First, the check "dkms@exclusive-range": dkms.conf's BUILD_EXCLUSIVE_KERNEL
# accepts a release of each series of scripts/kernels.conf that Debian
# carries (a smoke series whose kernel is gone from the archive, so never
# tested, must be refused) and refuses the series around them (6.0, 6.2,
# 6.11, 6.13, 7.4, 8.0 ...): its range is exactly what is tested.
#
# Prints one line per kernel on stdout and nothing else:
#   PASS dkms@build-install-KREL
#   FAIL dkms@build-install-KREL: REASON     followed by the log's tail, indented
# (KREL is the kernel release, e.g. 6.1.0-56-amd64; the series if the kernel
# could not be provisioned).
# Exit status 0 if every kernel passed, 1 if one failed, 2 on bad usage.
#
# Everything lives in build/dkms/KREL/ (removed at the start of each run):
#   src-stage/primedisp/  what a -dkms package ships: dkms.conf, Kbuild,
#          drm/, uapi/ (`dkms add` copies it to src/, the --sourcetree)
#   var/   dkms --dkmstree
#   root/lib/modules/   dkms --installtree: the kernel's own modules as
#          symlinks into the provisioned kernel, plus what dkms installs
#   mok/   the module signing key dkms generates, tmp/ its TMPDIR, log/ logs
#
# Nothing of the host is touched:
# - the trees are given on dkms's command line, which overrides
#   /etc/dkms/framework.conf;
# - `dkms install --no-depmod`: dkms would run `depmod -a KREL` on the host's
#   /lib/modules (its depmod ignores --installtree); this script runs depmod
#   itself on the private tree instead.  dkms 3.0.10 no longer touches the
#   initramfs (REMAKE_INITRD is deprecated and ignored);
# - sign_file, mok_signing_key and mok_certificate come from the environment,
#   so the key dkms generates is private (its default is /var/lib/dkms/mok.*);
# - dkms runs in a private mount namespace where /etc/dkms is empty (no host
#   framework.conf or /etc/dkms/primedisp.conf can redirect a path or turn on
#   modprobe_on_install) and /lib/modules, /var/lib/dkms, /usr/src and /boot
#   are read-only, so any write there would fail the test.

set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/kernels.conf
. "$top/scripts/kernels.conf"
base="$top/build/dkms"
arch=$(uname -m)

# shellcheck disable=SC2086  # lists of series
[ $# -gt 0 ] || set -- $PD_SERIES
for s in "$@"; do
	case " $PD_SERIES $PD_SMOKE_SERIES " in
	*" $s "*) ;;
	*) echo "usage: $0 [SERIES]... (series of scripts/kernels.conf)" >&2; exit 2 ;;
	esac
done

mkdir -p "$base"
# Two runs at once would share build/dkms/KREL.
exec 9>"$base/.lock"
flock 9

failed=0

# fail NAME REASON [LOG]: print the FAIL line and the log's tail.
fail() {
	echo "FAIL dkms@build-install-$1: $2"
	if [ -n "${3:-}" ] && [ -s "$3" ]; then
		tail -n 20 "$3" | sed 's/^/    /'
	fi
	failed=1
}

# dkms and openssl (dkms generates its signing key with it).  No
# recommends: they would pull linux-headers-amd64 into the host's /usr/src.
ensure_tools() {
	local missing=()
	command -v dkms >/dev/null || missing+=(dkms)
	command -v openssl >/dev/null || missing+=(openssl)
	[ ${#missing[@]} -eq 0 ] && return 0
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		-o DPkg::Lock::Timeout=600 --no-install-recommends "${missing[@]}"
}

# Mount namespace for dkms, if the kernel lets us create one.
use_ns=
if unshare --mount --propagation private true 2>/dev/null; then
	use_ns=1
fi

# For a 7.x series: the build root command that wraps dkms (set per series).
in_root=()

# run_dkms T LOG ARGS...: run dkms with T's private trees and key, output to LOG.
run_dkms() {
	local t=$1 log=$2
	shift 2
	local trees=(--dkmstree "$t/var" --sourcetree "$t/src"
		--installtree "$t/root/lib/modules")
	local envs=(env -u modprobe_on_install TMPDIR="$t/tmp"
		sign_file="$t/sign-file" mok_signing_key="$t/mok/mok.key"
		mok_certificate="$t/mok/mok.pub")
	echo "# dkms $*" >>"$log"
	if [ -n "$use_ns" ]; then
		# shellcheck disable=SC2016  # expanded by the inner bash
		"${in_root[@]}" "${envs[@]}" unshare --mount --propagation private -- bash -c '
			set -e
			mount --bind "$1" /etc/dkms
			for d in /lib/modules /var/lib/dkms /usr/src /boot; do
				if [ -d "$d" ]; then
					mount --bind "$d" "$d"
					mount -o remount,bind,ro "$d"
				fi
			done
			shift
			exec dkms "$@"' bash "$t/etc-dkms" "$1" "${trees[@]}" "${@:2}" \
			>>"$log" 2>&1
	else
		"${in_root[@]}" "${envs[@]}" dkms "$1" "${trees[@]}" "${@:2}" >>"$log" 2>&1
	fi
}

# Without a mount namespace the host's dkms configuration applies: refuse
# to run if it sets anything that could write outside the private trees.
host_conf_problem() {
	local f
	[ -n "$use_ns" ] && return 1
	for f in /etc/dkms/primedisp*.conf; do
		[ -e "$f" ] && { echo "no mount namespace and $f exists"; return 0; }
	done
	if grep -sqE '^[[:space:]]*(export[[:space:]]+)?(modprobe_on_install|sign_file|mok_signing_key|mok_certificate|tmp_location)=' \
		/etc/dkms/framework.conf /etc/dkms/framework.conf.d/*.conf; then
		echo "no mount namespace and /etc/dkms/framework.conf* sets a signing, tmp or modprobe option"
		return 0
	fi
	return 1
}

# prepare_tree T KREL ROOT KDIR: fill T (see the top of this file).
prepare_tree() {
	local t=$1 krel=$2 root=$3 kdir=$4

	# What a -dkms package ships: dkms.conf and the module's sources.
	rsync -a --exclude='*.o' --exclude='*.ko' --exclude='.*.cmd' \
		--exclude='*.mod*' --exclude='Module.symvers' --exclude='modules.order' \
		"$top/dkms.conf" "$top/Kbuild" "$top/drm" "$top/uapi" \
		"$t/src-stage/primedisp/" &&
	# The install tree holds the kernel's modules (symlinks), so that
	# depmod can resolve primedisp's dependencies in it.
	cp -as "$root/lib/modules/$krel/kernel" "$t/root/lib/modules/$krel/" &&
	cp "$root/lib/modules/$krel"/modules.{order,builtin,builtin.modinfo} \
		"$t/root/lib/modules/$krel/" &&
	# Debian's headers carry the kernel's sign-file (scripts/ -> kbuild).
	ln -s "$kdir/scripts/sign-file" "$t/sign-file"
}

test_series() {
	local series=$1 out krel root kdir t log ver ko n vermagic license signer why

	# The kernel's headers, provisioned by fetch-kernels.sh into the cache.
	log="$base/fetch-$series.log"
	: >"$log"
	if ! out=$("$top/scripts/fetch-kernels.sh" "$series" 2>"$log"); then
		fail "$series" "fetch-kernels.sh $series failed" "$log"
		return
	fi
	read -r _ krel root <<<"$out"
	kdir="$root/usr/src/linux-headers-$krel"
	in_root=()
	if [ "$(pd_series_dist "$series")" = trixie ]; then
		in_root=("$top/scripts/build-root.sh" run -b "$base" -b "$root" --)
	fi

	t="$base/$krel"
	rm -rf "${t:?}"
	mkdir -p "$t/src" "$t/var" "$t/tmp" "$t/mok" "$t/etc-dkms" "$t/log" \
		"$t/src-stage/primedisp" "$t/root/lib/modules/$krel"
	log="$t/log/dkms.log"
	: >"$log"

	if [ ${#in_root[@]} = 0 ] && why=$(host_conf_problem); then
		fail "$krel" "$why"
		return
	fi

	if ! prepare_tree "$t" "$krel" "$root" "$kdir" >>"$log" 2>&1; then
		fail "$krel" "preparing the private trees failed" "$log"
		return
	fi
	# shellcheck disable=SC1091  # dkms reads dkms.conf the same way
	ver=$(set +eu; . "$t/src-stage/primedisp/dkms.conf" >/dev/null 2>&1
		echo "$PACKAGE_VERSION") || ver=
	if [ -z "$ver" ]; then
		fail "$krel" "dkms.conf has no PACKAGE_VERSION" "$log"
		return
	fi

	if ! run_dkms "$t" "$log" add "$t/src-stage/primedisp"; then
		fail "$krel" "dkms add failed" "$log"
		return
	fi
	if ! run_dkms "$t" "$log" build -m "primedisp/$ver" -k "$krel/$arch" \
		--kernelsourcedir "$kdir"; then
		local blog="$t/var/primedisp/$ver/build/make.log"
		[ -s "$blog" ] || blog=$log
		fail "$krel" "dkms build failed" "$blog"
		return
	fi
	if ! run_dkms "$t" "$log" install --no-depmod -m "primedisp/$ver" \
		-k "$krel/$arch" --kernelsourcedir "$kdir"; then
		fail "$krel" "dkms install failed" "$log"
		return
	fi
	local mlog="$t/var/primedisp/$ver/$krel/$arch/log/make.log"
	if grep -qE 'warning:|error:' "$mlog"; then
		fail "$krel" "the module's build printed warnings ($mlog)" "$mlog"
		return
	fi
	# dkms's own complaints (not readelf's, which dkms runs on the 6.12
	# headers' BTF-only vmlinux to detect clang).
	if grep -qE '^(Deprecated feature|Warning:)' "$log"; then
		fail "$krel" "dkms printed a deprecation or a warning" "$log"
		return
	fi
	run_dkms "$t" "$log" status -m "primedisp/$ver" -k "$krel/$arch" || true
	if ! grep -qxF "primedisp/$ver, $krel, $arch: installed" "$log"; then
		fail "$krel" "dkms status does not say installed" "$log"
		return
	fi

	# Installed where Debian's dkms puts modules, and only there.
	n=$(find "$t/root/lib/modules/$krel" -name 'primedisp.ko*' | wc -l) || n=0
	ko=$(find "$t/root/lib/modules/$krel/updates/dkms" -maxdepth 1 \
		-name 'primedisp.ko*' 2>/dev/null | head -n1) || ko=
	if [ -z "$ko" ] || [ "$n" -ne 1 ]; then
		fail "$krel" "expected one primedisp.ko* in updates/dkms/, found $n" "$log"
		return
	fi

	vermagic=$(modinfo -F vermagic "$ko" 2>>"$log" | awk '{ print $1 }') || vermagic=
	license=$(modinfo -F license "$ko" 2>>"$log") || license=
	signer=$(modinfo -F signer "$ko" 2>>"$log") || signer=
	{
		echo "# module: $ko"
		echo "# vermagic: $vermagic"
		echo "# license: $license"
		echo "# signer: $signer"
	} >>"$log"
	if [ "$vermagic" != "$krel" ]; then
		fail "$krel" "vermagic is '$vermagic', not $krel" "$log"
		return
	fi
	if [ "$license" != "GPL" ]; then
		fail "$krel" "license is '$license', not GPL" "$log"
		return
	fi
	if [ "$signer" != "DKMS module signing key" ] || [ ! -s "$t/mok/mok.key" ]; then
		fail "$krel" "module not signed with the private DKMS key (signer '$signer')" "$log"
		return
	fi

	# What `dkms install` leaves to depmod, on the private tree: every
	# symbol primedisp uses (with its modversion CRC) resolves against the
	# kernel's Module.symvers and modules, and modules.dep lists its
	# dependencies.  (Debian's /boot/System.map is a placeholder; -E it is.)
	log="$t/log/depmod.log"
	if ! depmod -b "$t/root" -e -E "$kdir/Module.symvers" "$krel" >"$log" 2>&1; then
		fail "$krel" "depmod failed on the private tree" "$log"
		return
	fi
	if grep -q primedisp "$log"; then
		fail "$krel" "depmod: primedisp has unresolved symbols" "$log"
		return
	fi
	grep -E '^updates/dkms/primedisp\.ko[^:]*:' \
		"$t/root/lib/modules/$krel/modules.dep" >>"$log" || true
	if ! grep -qE '^updates/dkms/primedisp\.ko[^:]*:.*kernel/drivers/gpu/drm/drm\.ko' \
		"$t/root/lib/modules/$krel/modules.dep"; then
		fail "$krel" "modules.dep has no primedisp entry depending on drm.ko" "$log"
		return
	fi

	echo "PASS dkms@build-install-$krel"
}

# exclusive_range: dkms.conf's BUILD_EXCLUSIVE_KERNEL against the series.
exclusive_range() {
	local re rel s bad=
	# shellcheck disable=SC1091  # dkms reads dkms.conf the same way
	re=$(set +eu; . "$top/dkms.conf" >/dev/null 2>&1; echo "$BUILD_EXCLUSIVE_KERNEL")
	for s in $PD_SERIES $PD_SMOKE_SERIES; do
		rel="$s.5-amd64"
		[ "$s" = 6.1 ] && rel=6.1.0-57-amd64
		if [[ " $PD_SMOKE_SERIES " == *" $s "* ]] &&
			! "$top/scripts/fetch-kernels.sh" "$s" >/dev/null 2>&1; then
			[[ $rel =~ $re ]] && bad+=" $s (accepted, not tested: Debian has no kernel)"
			continue
		fi
		[[ $rel =~ $re ]] || bad+=" $s (not accepted)"
	done
	for s in 5.15 6.0 6.2 6.6 6.11 6.13 6.19 7.4 7.10 8.0 10.1; do
		[[ " $PD_SERIES $PD_SMOKE_SERIES " == *" $s "* ]] && continue
		[[ "$s.1-amd64" =~ $re ]] && bad+=" $s (accepted)"
	done
	if [ -n "$bad" ]; then
		echo "FAIL dkms@exclusive-range: BUILD_EXCLUSIVE_KERNEL='$re' does not match scripts/kernels.conf:$bad"
		failed=1
	else
		echo "PASS dkms@exclusive-range"
	fi
}
exclusive_range

if ! ensure_tools >"$base/apt.log" 2>&1; then
	for s in "$@"; do
		fail "$s" "cannot install dkms/openssl with apt-get" "$base/apt.log"
	done
	exit 1
fi

for s in "$@"; do
	test_series "$s"
done
exit $failed
