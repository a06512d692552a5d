#!/usr/bin/env bash
# Installs the Debian packages nncc needs, but only when one is missing, so that
# `make run` / `make check` stay fast on a machine that already has them.
set -euo pipefail
PACKAGES=(
  cmake ninja-build g++ ccache pkg-config zlib1g-dev
  llvm-19-dev llvm-19-tools libmlir-19-dev mlir-19-tools
  libonnx-dev protobuf-compiler libprotobuf-dev
  libz3-dev libyaml-cpp-dev libgtest-dev
  python3 python3-onnx python3-numpy python3-jsonschema
  pybind11-dev python3-pytest
  chromium
  clang-19 libclang-rt-19-dev libfuzzer-19-dev
  openmpi-bin libopenmpi-dev
  ngspice iverilog
  libonnx-testdata dataset-fashion-mnist
)
missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "nncc: installing missing packages: ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
