#!/usr/bin/env bash
# Native AOT (the size-tracking and plotting bundles) links with a C toolchain, and bundling reads the native files
# with objdump. Installs gcc, libc6-dev and binutils when one is missing and this runs as root on Debian; otherwise
# says what to install.
set -euo pipefail
if { command -v gcc >/dev/null || command -v clang >/dev/null; } && command -v objdump >/dev/null \
   && [[ -e /usr/lib/x86_64-linux-gnu/crt1.o ]]; then
  exit 0
fi
if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gcc libc6-dev binutils >/dev/null
  exit 0
fi
echo "Native AOT needs a C toolchain: gcc (or clang), libc6-dev and binutils (Debian: apt-get install gcc libc6-dev binutils)" >&2
exit 1
