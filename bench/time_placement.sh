#!/usr/bin/env bash
# Benchmark: placement of a ResNet-18-shaped model (11.7 M random weights) on
# targets/pimcomp-like.yaml (144 cores x 64 arrays), the case that used to
# run for more than 10 minutes.
#   1. the whole `nncc compile` (import, mapping, placement, outputs);
#   2. the placement pass alone, re-run on the compiled mapped.mlir
#      (nncc-opt -mlir-timing: the PlaceTiles line), writing the instance;
#   3. that instance in nncc-place-bench with the compiler's annealing
#      budget (500 moves per tile): objective, bound, gap, phase times.
# Usage: bench/time_placement.sh [build-dir]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
DIR=${TMPDIR:-/tmp}/nncc-bench-place
mkdir -p "$DIR"
MODEL=$DIR/r18.onnx
CAL=$DIR/r18cal.npy
[ -f "$MODEL" ] || /usr/bin/python3 bench/make_shaped_models.py resnet18 \
  "$MODEL" --calibration "$CAL"
echo "machine: $(nproc) cores, $(uname -m)"
echo "== nncc compile (whole) =="
/usr/bin/python3 bench/time_command.py --runs 3 -- \
  "$BUILD/bin/nncc" compile "$MODEL" --target targets/pimcomp-like.yaml \
  --calibration "$CAL" -o "$DIR/out"
grep -o 'cim.placement = {[^}]*}' "$DIR/out/mapped.mlir"
echo "== nncc-place alone (nncc-opt -mlir-timing) =="
"$BUILD/bin/nncc-opt" "$DIR/out/mapped.mlir" \
  --nncc-place="dump-problem=$DIR/r18.problem" -mlir-timing -o /dev/null \
  2>&1 | grep -E 'Parser|PlaceTiles|Total'
echo "== the same instance in nncc-place-bench =="
"$BUILD/bin/nncc-place-bench" --moves 500 --problem "$DIR/r18.problem"
