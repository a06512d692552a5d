#!/usr/bin/env bash
# Benchmark: `nncc explore` of LeNet-5 (Fashion-MNIST) on the default target
# over 64 points, 4 knobs: ADC bits 4..7 x rows read at once 16/32/64/128
# (target fields) x signed-weight scheme offset-reference/differential-rows
# x ADC range max/mse (mapping knobs); each point compiled and simulated
# with every effect on IMAGES training images (the validation set, not the
# test set) x INSTANCES chip instances.  A fresh output directory each run
# (--fresh), so nothing is resumed.  Prints wall time and peak RSS
# (bench/time_command.py).  Results and the machine: docs/performance.md
# ("Design-space exploration").
# Usage: bench/explore_lenet.sh [build-dir] [images] [instances] [runs] [ranks]
# With RANKS > 1 the sweep runs under `mpirun -np RANKS`.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
IMAGES=${2:-100}
INSTANCES=${3:-2}
RUNS=${4:-1}
RANKS=${5:-1}
DATA=${NNCC_FASHION_MNIST:-/usr/share/datasets/fashion-mnist}
DIR=${TMPDIR:-/tmp}/nncc-bench-explore
TRAIN_IMAGES=$DATA/train-images-idx3-ubyte.gz
TRAIN_LABELS=$DATA/train-labels-idx1-ubyte.gz
LAUNCH=()
if [ "$RANKS" -gt 1 ]; then
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
  LAUNCH=(mpirun -np "$RANKS" --oversubscribe)
fi

echo "machine: $(nproc) cores, $(uname -m); 64 points, $IMAGES images x $INSTANCES instances, $RANKS rank(s)"
/usr/bin/python3 bench/time_command.py --runs "$RUNS" --fresh "$DIR" -- \
  "${LAUNCH[@]}" "$BUILD/bin/nncc" explore examples/lenet5.onnx \
  --target targets/default.yaml \
  --sweep periphery.adc.bits=4..7 \
  --sweep array.rows_in_parallel=16,32,64,128 \
  --sweep scheme=offset-reference,differential-rows \
  --sweep adc-range=max,mse \
  --calibration "$TRAIN_IMAGES" \
  --accuracy-set "$TRAIN_IMAGES,$TRAIN_LABELS:$IMAGES" \
  --instances "$INSTANCES" -o "$DIR"
