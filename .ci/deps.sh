#!/bin/bash
# Installs every build and test dependency on a Debian 12 machine (run as root).
# Sourced by .ci/run and .ci/demo.
set -euo pipefail
MODKIT_PACKAGES=(
	build-essential pkg-config meson ninja-build
	zlib1g-dev liblzma-dev libzstd-dev libssl-dev
	scdoc binutils python3 clang-format
	gzip xz-utils zstd openssl cpio file
	kmod libkmod-dev
	qemu-system-x86 busybox-static systemd
	valgrind time
	clang libclang-rt-14-dev
	bash-completion zsh fish
	debootstrap
	gtk-doc-tools
)
missing=()
for p in "${MODKIT_PACKAGES[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
	echo "modkit: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
