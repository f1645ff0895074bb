#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# install-deps.sh - install the Debian packages primedisp's build, VM and
# tests need, when they are missing.  Safe to run again: it installs only
# what is absent.  Needs root (apt-get).

set -euo pipefail

PKGS=(
	# module build against Debian's headers; mmdebstrap makes the trixie
	# build root (gcc-14) for the 7.x kernels (scripts/build-root.sh)
	gcc make rsync kmod xz-utils zstd dwarves bc mmdebstrap
	# userspace tools and tests
	pkg-config libdrm-dev libpng-dev libdrm-tests
	# the VM
	qemu-system-x86 busybox-static cpio
	# static checks: sparse, and checkpatch.pl from the 6.12 sources
	sparse perl linux-source-6.12
	# documentation (make docs): Sphinx; kernel-doc comes from linux-source-6.12
	python3-sphinx
	# device tree binding and overlay checks
	dt-schema device-tree-compiler qemu-system-arm yamllint
	# DKMS packaging test
	dkms openssl
	# arm64 device-tree probe (scripts/arm64-check.sh): cross compiler, static
	# libc and uapi headers for the guest's test; the arm64 kernels and
	# busybox are only downloaded (scripts/fetch-arm64.sh), never installed;
	# QEMU and dtc as for the dt group
	gcc-aarch64-linux-gnu libc6-dev-arm64-cross linux-libc-dev-arm64-cross
	qemu-system-arm device-tree-compiler
	# real clients driven by the client_* tests: kmscube and Weston (GL
	# through Mesa's GBM: kms_swrast/llvmpipe), GStreamer's v4l2src and
	# kmssink, v4l2-ctl for looking at the camera by hand
	kmscube weston libgl1-mesa-dri libegl-mesa0 libgbm1
	gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good
	gstreamer1.0-plugins-bad v4l-utils
	# userspace tools cam2disp, gpu2disp, pd-wl-dmabuf and their tests:
	# wayland-scanner and the linux-dmabuf/xdg-shell/fullscreen-shell XML
	# at build time; Weston (DRM backend, GL renderer on Mesa's kms_swrast)
	# to run the Wayland client against
	libwayland-dev libwayland-bin wayland-protocols weston libgl1-mesa-dri
	libegl-mesa0
)

missing=()
for p in "${PKGS[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
		missing+=("$p")
	fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "install-deps: missing packages: ${missing[*]}" >&2
	echo "install-deps: run as root, or: sudo apt-get install ${missing[*]}" >&2
	exit 1
fi
echo "install-deps: installing ${missing[*]}" >&2
if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2; then
	apt-get update -qq >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends "${missing[@]}" >&2
fi
