#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# dt-check.sh - check primedisp's device-tree binding (dts/primedisp.yaml)
# and overlays (dts/*.dtso) with Debian's dt-schema and dtc, the way the
# kernel's "make dt_binding_check" and "make dtbs_check" do, but standalone.
#
# Everything is rebuilt into build/dt/ on each run.  Two files of the
# kernel's binding tree (vendor-prefixes.yaml and .yamllint) come from
# Debian's linux-source-6.12 and are cached like lint.sh's checkpatch.pl.
# Prints one line per check, "PASS dt@NAME" or "FAIL dt@NAME: reason"
# followed by the indented output; exits 1 if any check failed.
#
# QEMU's DT depends on the machine options (and QEMU's version): booting
# with a DTB made here needs the same -M/-cpu/-smp/-m as QEMU_ARGS.

set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
dts="$top/dts"
out="$top/build/dt"
CACHE=${PRIMEDISP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/primedisp}
QEMU_MACHINE=virt
QEMU_ARGS=(-cpu cortex-a57 -smp 1 -m 1024)

# $id of the binding is relative to dts/, as dt-doc-validate -u checks.
binding=primedisp.yaml
compat=primedisp,virtual-display

# Warnings the kernel turns off for binding examples (they come from the
# wrapper nodes dt-extract-example puts around each example).
EXAMPLE_DTC_FLAGS=(-Wno-avoid_unnecessary_addr_size -Wno-graph_child_address
		   -Wno-interrupt_provider -Wno-unique_unit_address)

# ---------------------------------------------------------------- tools

# command -> Debian package
declare -A need=(
	[dt-doc-validate]=dt-schema [dt-mk-schema]=dt-schema
	[dt-extract-example]=dt-schema [dt-validate]=dt-schema
	[dtc]=device-tree-compiler [fdtoverlay]=device-tree-compiler
	[fdtget]=device-tree-compiler [fdtput]=device-tree-compiler
	[qemu-system-aarch64]=qemu-system-arm [yamllint]=yamllint
)

install_missing() {
	local missing=() cmd
	for cmd in "${!need[@]}"; do
		command -v "$cmd" >/dev/null 2>&1 || missing+=("${need[$cmd]}")
	done
	ls /usr/src/linux-source-6.12.tar.* >/dev/null 2>&1 ||
		missing+=(linux-source-6.12)
	[ ${#missing[@]} -eq 0 ] && return 0
	mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
	if [ "$(id -u)" != 0 ]; then
		echo "FAIL dt@deps: missing ${missing[*]} (run as root, or apt-get install them)"
		exit 1
	fi
	if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends "${missing[@]}" >/dev/null 2>&1; then
		apt-get update -qq >/dev/null 2>&1
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			--no-install-recommends "${missing[@]}" >"$out/apt.log" 2>&1 || {
			echo "FAIL dt@deps: apt-get install ${missing[*]} failed"
			sed 's/^/    /' "$out/apt.log"
			exit 1
		}
	fi
}

# vendor-prefixes.yaml and .yamllint of the kernel's binding tree, taken
# once from linux-source-6.12 (reading the tarball takes ~20 s).
kernel_bindings() {
	local tarball stamp
	tarball=$(find /usr/src -maxdepth 1 -name 'linux-source-6.12.tar.*' | sort | head -n1)
	kb="$CACHE/dt-bindings"
	stamp="$kb/.from-$(basename "$tarball")-$(stat -c %Y "$tarball")"
	[ -f "$stamp" ] && return 0
	rm -rf "$kb"
	mkdir -p "$kb"
	tar -xf "$tarball" -C "$kb" --strip-components=4 --wildcards \
		'*/Documentation/devicetree/bindings/vendor-prefixes.yaml' \
		'*/Documentation/devicetree/bindings/.yamllint' &&
		touch "$stamp"
}

# ---------------------------------------------------------------- helpers

fails=0
reason=""

# check NAME FUNCTION: run FUNCTION with its output in build/dt/NAME.log;
# FUNCTION sets $reason when it fails.
check() {
	local name=$1 fn=$2 log="$out/$1.log"
	reason=""
	if "$fn" >"$log" 2>&1; then
		echo "PASS dt@$name"
	else
		echo "FAIL dt@$name: ${reason:-failed}"
		sed 's/^/    /' "$log"
		fails=$((fails + 1))
	fi
}

# silent CMD...: CMD must exit 0 and print nothing (dt-schema's tools exit 0
# after reporting errors, and dt-doc-validate only prints a wrong $id).
silent() {
	local o rc=0
	o=$("$@" 2>&1) || rc=$?
	if [ $rc -ne 0 ] || [ -n "$o" ]; then
		echo "\$ ${*#"$top/"}"
		printf '%s\n' "$o"
		[ -n "$reason" ] ||
			reason="$(basename "$1") $([ $rc -ne 0 ] && echo "exited $rc" || echo "reported problems")"
		return 1
	fi
}

# matched DTB N: dt-validate -M shows N nodes matched by our binding.
matched() {
	local dtb=$1 want=$2 n o
	o=$(dt-validate -s "$out/processed-schema.json" -l "$binding" -M "$dtb" 2>&1)
	n=$(grep -c "^[[:space:]]*http://devicetree.org/schemas/$binding#" <<<"$o")
	if [ "$n" != "$want" ]; then
		printf '%s\n' "$o"
		reason="$n node(s) matched by $binding, expected $want"
		return 1
	fi
}

# same_props DTBO NODE DTB: every property of NODE in the overlay is in
# DTB's NODE with the same value.
same_props() {
	local dtbo=$1 path=$2 dtb=$3 p a b
	fdtget "$dtb" "$path" compatible >/dev/null || { reason="no $path in $(basename "$dtb")"; return 1; }
	for p in $(fdtget -p "$dtbo" "/fragment@0/__overlay__$path"); do
		a=$(fdtget -t x "$dtbo" "/fragment@0/__overlay__$path" "$p")
		b=$(fdtget -t x "$dtb" "$path" "$p") || { reason="$path/$p missing"; return 1; }
		[ "$a" = "$b" ] || { echo "$path/$p: $b, overlay says $a"; reason="$path/$p differs"; return 1; }
	done
}

# ---------------------------------------------------------------- checks

doc_validate() {
	silent yamllint -f parsable -c "$kb/.yamllint" "$dts/$binding" &&
		silent dt-doc-validate -u "$dts" "$dts/$binding"
}

example_validate() {
	# A directory, not the file: with one file argument dt-mk-schema
	# takes it for an already processed schema (dt-schema 2022.08).
	mkdir -p "$out/schemas"
	cp "$dts/$binding" "$out/schemas/"
	silent dt-mk-schema -j -o "$out/processed-schema.json" "$out/schemas" || return 1
	dt-extract-example "$dts/$binding" >"$out/primedisp.example.dts" || { reason="dt-extract-example failed"; return 1; }
	silent dtc "${EXAMPLE_DTC_FLAGS[@]}" -I dts -O dtb \
		-o "$out/primedisp.example.dtb" "$out/primedisp.example.dts" || return 1
	# -m: like dt_binding_check, every compatible must be documented.
	silent dt-validate -m -s "$out/processed-schema.json" "$out/primedisp.example.dtb" || return 1
	matched "$out/primedisp.example.dtb" 2
}

# The schema must refuse what the driver would refuse (and more).
bad_node_rejected() {
	local o e
	cat >"$out/bad.dts" <<-EOF
	/dts-v1/;
	/ {
		compatible = "foo";
		model = "foo";
		#address-cells = <1>;
		#size-cells = <1>;

		display@0 {
			compatible = "$compat";
			primedisp,max-height = <9000>;
			primedisp,preferred-width = <0>;
			primedisp,num-outputs = <5>;
			primedisp,refresh-rate = <60>;
		};
	};
	EOF
	dtc -q -I dts -O dtb -o "$out/bad.dtb" "$out/bad.dts" || { reason="dtc failed"; return 1; }
	o=$(dt-validate -s "$out/processed-schema.json" "$out/bad.dtb" 2>&1)
	printf '%s\n' "$o"
	for e in "'display@0' does not match" \
		 "max-height:0:0: 9000 is greater than the maximum of 8192" \
		 "preferred-width:0:0: 0 is less than the minimum of 1" \
		 "num-outputs:0:0: 5 is greater than the maximum of 4" \
		 "'primedisp,refresh-rate' does not match any of the regexes"; do
		grep -qF -- "$e" <<<"$o" || { reason="not reported: $e"; return 1; }
	done
}

# The kernel's vendor-prefix registry (a schema applied to every node)
# refuses our properties; with one entry for "primedisp" it takes them.
vendor_prefix() {
	local o
	mkdir -p "$out/vp-kernel" "$out/vp-ours"
	cp "$dts/$binding" "$kb/vendor-prefixes.yaml" "$out/vp-kernel/"
	cp "$dts/$binding" "$out/vp-ours/"
	LC_ALL=C awk '
		/# Keep list in alphabetical order/ { sorted = 1 }
		sorted && !done && match($0, /^  "\^[a-z0-9][a-z0-9-]*,/) &&
		    substr($0, 5, RLENGTH - 5) > "primedisp" {
			print "  \"^primedisp,.*\":"
			print "    description: primedisp virtual display (out-of-tree driver)"
			done = 1
		}
		{ print }
		END { if (!done) exit 1 }' "$kb/vendor-prefixes.yaml" \
		>"$out/vp-ours/vendor-prefixes.yaml" || { reason="cannot add the prefix to vendor-prefixes.yaml"; return 1; }
	silent dt-mk-schema -j -o "$out/vp-kernel.json" "$out/vp-kernel" &&
		silent dt-mk-schema -j -o "$out/vp-ours.json" "$out/vp-ours" || return 1

	o=$(dt-validate -s "$out/vp-kernel.json" "$out/primedisp.example.dtb" 2>&1)
	if ! grep -q "'primedisp,max-width'.*do not match any of the regexes" <<<"$o"; then
		printf '%s\n' "$o"
		reason="the kernel's vendor-prefixes.yaml did not refuse primedisp,* properties"
		return 1
	fi
	silent dt-validate -s "$out/vp-ours.json" "$out/primedisp.example.dtb"
}

overlay_compile() {
	local o
	for o in primedisp-overlay primedisp-pool-overlay; do
		silent dtc -@ -I dts -O dtb -o "$out/$o.dtbo" "$dts/$o.dtso" || return 1
	done
}

# QEMU's DT, then the overlay on it.  Applying must not change the root's
# cell sizes nor add any dtc warning, and must give our node with exactly
# the overlay's properties.
overlay_apply() {
	# -nic none: no NIC ROM needed; the DT is the same with or without.
	if ! qemu-system-aarch64 "${QEMU_ARGS[@]}" -M "$QEMU_MACHINE,dumpdtb=$out/virt.dtb" \
		-nic none -nographic </dev/null || [ ! -s "$out/virt.dtb" ]; then
		reason="qemu-system-aarch64 dumped no DTB"
		return 1
	fi
	silent dtc -I dtb -O dts -o "$out/virt.dts" "$out/virt.dtb" || return 1
	silent fdtoverlay -i "$out/virt.dtb" -o "$out/virt-primedisp.dtb" \
		"$out/primedisp-overlay.dtbo" || return 1
	silent dtc -I dtb -O dts -o "$out/virt-primedisp.dts" "$out/virt-primedisp.dtb" || return 1
	grep -q "^	display-controller {" "$out/virt-primedisp.dts" ||
		{ reason="no display-controller node in virt-primedisp.dts"; return 1; }
	same_props "$out/primedisp-overlay.dtbo" /display-controller "$out/virt-primedisp.dtb"
}

overlay_validate() {
	silent dt-validate -s "$out/processed-schema.json" -l "$binding" \
		"$out/virt-primedisp.dtb" &&
		matched "$out/virt-primedisp.dtb" 1
}

# QEMU's virt has no /reserved-memory: add an empty one as a board's DT
# would have, then both overlays.  memory-region must point at the pool.
pool_overlay_apply() {
	local base="$out/virt-rmem.dtb" dtb="$out/virt-primedisp-pool.dtb" ph pool
	cp "$out/virt.dtb" "$base" || return 1
	silent fdtput -c "$base" /reserved-memory &&
		silent fdtput -t u "$base" /reserved-memory '#address-cells' 2 &&
		silent fdtput -t u "$base" /reserved-memory '#size-cells' 2 &&
		silent fdtput "$base" /reserved-memory ranges || return 1
	silent fdtoverlay -i "$base" -o "$dtb" "$out/primedisp-overlay.dtbo" \
		"$out/primedisp-pool-overlay.dtbo" || return 1
	silent dtc -I dtb -O dts -o "$out/virt-primedisp-pool.dts" "$dtb" || return 1
	same_props "$out/primedisp-overlay.dtbo" /display-controller "$dtb" || return 1
	pool=/reserved-memory/primedisp-pool
	[ "$(fdtget "$dtb" $pool compatible)" = shared-dma-pool ] ||
		{ reason="no shared-dma-pool at $pool"; return 1; }
	ph=$(fdtget -t u "$dtb" $pool phandle) || { reason="$pool has no phandle"; return 1; }
	[ "$(fdtget -t u "$dtb" /display-controller memory-region)" = "$ph" ] ||
		{ reason="memory-region does not point at $pool"; return 1; }
}

pool_overlay_validate() {
	silent dt-validate -s "$out/processed-schema.json" -l "$binding" \
		"$out/virt-primedisp-pool.dtb" &&
		matched "$out/virt-primedisp-pool.dtb" 1
}

# ---------------------------------------------------------------- main

rm -rf "$out"
mkdir -p "$out"
install_missing
if ! kernel_bindings >"$out/kernel-bindings.log" 2>&1; then
	echo "FAIL dt@deps: cannot extract the kernel's binding files"
	sed 's/^/    /' "$out/kernel-bindings.log"
	exit 1
fi

check doc-validate doc_validate
check example-validate example_validate
check bad-node-rejected bad_node_rejected
check vendor-prefix vendor_prefix
check overlay-compile overlay_compile
check overlay-apply overlay_apply
check overlay-validate overlay_validate
check pool-overlay-apply pool_overlay_apply
check pool-overlay-validate pool_overlay_validate

[ $fails -eq 0 ]
