#!/usr/bin/env bash
# Benchmark: the accuracy simulator on LeNet-5 / Fashion-MNIST against the
# float reference executor on the same images.
#   1. nncc compile examples/lenet5.onnx for targets/ibm-pcm-like.yaml
#      (activation calibration on the training images);
#   2. nncc simulate with every effect on, the ADC calibrated on 64 training
#      images, over IMAGES test images x INSTANCES chip instances;
#   3. nncc run (float) on the same IMAGES test images.
# Prints wall times (bench/time_command.py) and images/s for both; the
# simulator's rate counts every (image, instance) inference.
# Usage: bench/simulate_lenet.sh [build-dir] [images] [instances] [runs]
# The simulator's wall time includes its float and ideal-quantized passes
# and the ADC calibration, not the ablation that explains lost accuracy
# (--diagnose=false).  Results and the machine: docs/performance.md
# ("Accuracy simulation"); pass e.g. `build 1000 2` for a quick measurement.
# Effective MAC/s counts the model's multiply-accumulates (416,520 for
# LeNet-5) per inference.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
IMAGES=${2:-10000}
INSTANCES=${3:-10}
RUNS=${4:-1}
DATA=${NNCC_FASHION_MNIST:-/usr/share/datasets/fashion-mnist}
DIR=${TMPDIR:-/tmp}/nncc-bench-simulate
mkdir -p "$DIR"
TEST_IMAGES=$DATA/t10k-images-idx3-ubyte.gz
TEST_LABELS=$DATA/t10k-labels-idx1-ubyte.gz
TRAIN_IMAGES=$DATA/train-images-idx3-ubyte.gz

echo "machine: $(nproc) cores, $(uname -m); $IMAGES images, $INSTANCES instances"
"$BUILD/bin/nncc" compile examples/lenet5.onnx \
  --target targets/ibm-pcm-like.yaml --calibration "$TRAIN_IMAGES" \
  -o "$DIR/out" > "$DIR/compile.log"

# Runs time_command.py on the command after --, echoes its line and prints
# COUNT / median seconds as "LABEL: N images/s".
rate() {
  local label=$1 count=$2
  shift 2
  local line
  line=$(/usr/bin/python3 bench/time_command.py --runs "$RUNS" -- "$@")
  echo "$line"
  local median
  median=$(sed -n 's/.*median=\([0-9.]*\)s.*/\1/p' <<< "$line")
  /usr/bin/python3 -c "import sys; c, s = int(sys.argv[1]), float(sys.argv[2]); \
print(f'{sys.argv[3]}: {c / s:.1f} images/s ({1e3 * s / c:.3f} ms per image, \
{c * 416520 / s:.3g} effective MAC/s)')" \
    "$count" "$median" "$label"
}

echo "== nncc simulate (all effects) =="
rate "simulate ($INSTANCES instances, per image x instance)" \
  $((IMAGES * INSTANCES)) \
  "$BUILD/bin/nncc" simulate "$DIR/out" \
  --dataset "$TEST_IMAGES,$TEST_LABELS:$IMAGES" \
  --adc-calibration "$TRAIN_IMAGES:64" --instances "$INSTANCES" \
  --diagnose=false
echo "== nncc run (float) =="
rate "run float" "$IMAGES" \
  "$BUILD/bin/nncc" run examples/lenet5.onnx \
  --images "$TEST_IMAGES" --labels "$TEST_LABELS" --limit "$IMAGES"
