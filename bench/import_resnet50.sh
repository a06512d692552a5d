#!/usr/bin/env bash
# Benchmark: import + verify of a ResNet-50-shaped ONNX model (25.6 M random
# weights, ~100 MB).  Targets (issue #2): < 5 s and peak RSS < 3x the file.
# Usage: bench/import_resnet50.sh [build-dir]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
MODEL=${TMPDIR:-/tmp}/nncc-bench-resnet50.onnx
[ -f "$MODEL" ] || /usr/bin/python3 bench/make_resnet50.py "$MODEL"
SIZE_MIB=$(( $(stat -c %s "$MODEL") / 1048576 ))
echo "model: $MODEL (${SIZE_MIB} MiB), machine: $(nproc) cores, $(uname -m)"
# --summary imports, verifies the module and prints one line per layer, so
# the measurement is import + verify without printing 100 MB of hex.
/usr/bin/python3 bench/time_command.py --runs 5 -- \
  "$BUILD/bin/nncc" import "$MODEL" --summary
