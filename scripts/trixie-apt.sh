# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# trixie-apt.sh - the private apt configuration through which the 7.x
# kernels are found and downloaded (trixie and trixie-backports, amd64 and
# arm64), in $CACHE/apt-trixie: its own sources, lists, cache and an empty
# dpkg status.  The host's /etc/apt is never changed.  Sourced by
# fetch-kernels.sh and fetch-arm64.sh, which set CACHE and log().
#
# trixie_apt_ready sets TRIXIE_APT_OPTS (options for apt-get/apt-cache) and
# fetches the package lists once (again with PRIMEDISP_APT_UPDATE=1).

TRIXIE_APT_FORMAT=2
TRIXIE_APT_OPTS=()

trixie_apt_ready() {
	local d=$CACHE/apt-trixie kr=/usr/share/keyrings
	local mirror=${PRIMEDISP_MIRROR:-http://deb.debian.org/debian} opt
	TRIXIE_APT_OPTS=(-o "Dir::Etc=$d/etc" -o "Dir::Etc::SourceList=$d/etc/sources.list"
		-o "Dir::Etc::SourceParts=$d/etc/sources.list.d"
		-o "Dir::Etc::Preferences=$d/etc/preferences"
		-o "Dir::Etc::PreferencesParts=$d/etc/preferences.d"
		-o "Dir::State=$d/state" -o "Dir::State::status=$d/state/status"
		-o "Dir::Cache=$d/cache" -o "APT::Architecture=amd64"
		-o "APT::Architectures::=amd64" -o "APT::Architectures::=arm64"
		-o "APT::Sandbox::User=root")
	[ -f "$d/.ready-$TRIXIE_APT_FORMAT" ] && [ "${PRIMEDISP_APT_UPDATE:-0}" != 1 ] && return 0
	mkdir -p "$d/etc/sources.list.d" "$d/etc/preferences.d" \
		"$d/state/lists/partial" "$d/cache/archives/partial"
	: >"$d/state/status"
	opt="[signed-by=$kr/debian-archive-trixie-stable.gpg,$kr/debian-archive-trixie-automatic.gpg]"
	[ -f "$kr/debian-archive-trixie-stable.gpg" ] ||
		{ log "no trixie keys in $kr (debian-archive-keyring)"; exit 1; }
	printf 'deb %s %s trixie main\ndeb %s %s trixie-backports main\n' \
		"$opt" "$mirror" "$opt" "$mirror" >"$d/etc/sources.list"
	log "fetching trixie and trixie-backports package lists (private apt configuration in $d)"
	apt-get "${TRIXIE_APT_OPTS[@]}" update -qq >&2
	touch "$d/.ready-$TRIXIE_APT_FORMAT"
}

# trixie_relayout ROOT KREL: the 7.x packages install under
# /usr/lib/modules/KREL (vmlinuz, config and System.map there too); give
# ROOT the layout of the older kernels (boot/vmlinuz-KREL, lib/modules/KREL).
trixie_relayout() {
	local r=$1 rel=$2 f
	[ -d "$r/usr/lib/modules/$rel" ] || return 0
	mkdir -p "$r/lib/modules" "$r/boot"
	mv "$r/usr/lib/modules/$rel" "$r/lib/modules/$rel"
	for f in vmlinuz config System.map; do
		if [ -f "$r/lib/modules/$rel/$f" ]; then
			mv "$r/lib/modules/$rel/$f" "$r/boot/$f-$rel"
		fi
	done
	return 0
}
