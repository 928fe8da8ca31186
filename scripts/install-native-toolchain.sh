#!/usr/bin/env bash
# Installs the C toolchain that Native AOT links a Lambda bootstrap with, for each architecture named (x86_64, arm64;
# default: arm64, the deployment's default): the host's own compiler, C runtime and binutils for its own processor, or
# Debian's/Ubuntu's cross toolchain for the other one. Checks again after installing, and fails saying what is missing
# where it cannot install (not root, not Debian/Ubuntu, not Linux). With --qemu, also qemu-user and the other
# processor's OpenSSL (Debian multiarch), which the tests use to run arm64 bootstraps on an x86-64 machine (and x86-64
# ones on arm64): .NET opens libssl.so.3 for any cryptography, as Lambda's Amazon Linux 2023 provides it.
set -euo pipefail

usage() { echo "usage: $0 [--qemu] [x86_64|arm64]..." >&2; exit 2; }
targets=() qemu=false
for argument in "$@"; do
  case $argument in
    x86_64|arm64) targets+=("$argument") ;;
    --qemu) qemu=true ;;
    *) usage ;;
  esac
done
[[ ${#targets[@]} -gt 0 ]] || targets=(arm64)

if [[ $(uname -s) != Linux ]]; then
  echo "Native AOT builds a Lambda bootstrap only on Linux; on $(uname -s), synth builds it in Docker (AWS's SAM build image) or deploys it managed (docs/deploy.md)." >&2
  exit 1
fi
case $(uname -m) in
  x86_64) host=x86_64 ;;
  aarch64|arm64) host=arm64 ;;
  *) echo "Lambda runs x86_64 and arm64; this machine is $(uname -m), so synth builds in Docker or deploys managed." >&2; exit 1 ;;
esac
triplet() { [[ $1 == arm64 ]] && echo aarch64-linux-gnu || echo x86_64-linux-gnu; }
debian_arch() { [[ $1 == arm64 ]] && echo arm64 || echo amd64; }

# What NativeToolchain in src/Infrastructure/Catalog looks for, per target: a compiler, objcopy, the C runtime.
installed() {
  local t; t=$(triplet "$1")
  if [[ $1 == "$host" ]]; then
    { command -v clang || command -v gcc; } >/dev/null && command -v objcopy >/dev/null \
      && { [[ -e /usr/lib/$t/crt1.o ]] || [[ -e /usr/lib64/crt1.o ]] || [[ -e /usr/lib/crt1.o ]]; }
  else
    command -v "$t-gcc" >/dev/null && command -v "$t-objcopy" >/dev/null && [[ -e /usr/$t/lib/crt1.o ]]
  fi
}
packages() {
  local t; t=$(triplet "$1")
  if [[ $1 == "$host" ]]; then
    echo gcc libc6-dev binutils
  else
    echo "gcc-${t//_/-} binutils-${t//_/-} libc6-dev-$(debian_arch "$1")-cross"
  fi
}

missing=()
for target in "${targets[@]}"; do
  installed "$target" || missing+=($(packages "$target"))
done
foreign_ssl=""
if $qemu; then
  other=$([[ $host == arm64 ]] && echo x86_64 || echo aarch64)
  command -v "qemu-$other-static" >/dev/null || missing+=(qemu-user-static)
  other_debian=$([[ $host == arm64 ]] && echo amd64 || echo arm64)
  [[ -e /usr/lib/$other-linux-gnu/libssl.so.3 ]] || foreign_ssl="libssl3:$other_debian"
fi
[[ ${#missing[@]} -eq 0 && -z $foreign_ssl ]] && exit 0

if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null; then
  echo "Native AOT for ${targets[*]} needs, on Debian or Ubuntu: apt-get install ${missing[*]}" >&2
  echo "(other distributions: a C compiler and C runtime for the target, and its binutils; or build in Docker, see docs/deploy.md)" >&2
  exit 1
fi
if [[ -n $foreign_ssl ]]; then
  dpkg --add-architecture "${foreign_ssl#*:}"
  missing+=("$foreign_ssl")
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null

for target in "${targets[@]}"; do
  installed "$target" || { echo "installed ${missing[*]}, but the toolchain for $target is still incomplete" >&2; exit 1; }
done
glibc=$(getconf GNU_LIBC_VERSION 2>/dev/null | cut -d' ' -f2)
if [[ -n $glibc && $(printf '%s\n' 2.36 "$glibc" | sort -V | tail -1) != 2.36 ]]; then
  echo "note: this machine's $(getconf GNU_LIBC_VERSION) is newer than 2.36; synth builds native bundles in Docker here, or deploys them managed (docs/deploy.md)" >&2
fi
