#!/usr/bin/env bash
# Benchmark: the accuracy simulator against the float reference executor on
# the same Fashion-MNIST images (issue #15: at most 4x per image).
#   1. nncc compile MODEL for TARGET (activation calibration on the
#      training images);
#   2. nncc simulate with every effect on, the ADC calibrated on 64
#      training images, over IMAGES test images x INSTANCES chip instances;
#   3. nncc run (float) on the same IMAGES test images.
# Prints wall times (bench/time_command.py), the rate of each and the
# simulator's time per inference (image x instance) over the float
# executor's per image.  The simulator's time includes its float and
# ideal-quantized passes and the ADC calibration of every instance, not the
# ablation that explains lost accuracy (--diagnose=false).
# Usage: bench/simulate_speed.sh [build-dir] [model] [target] [images]
#                                [instances] [runs]
# e.g.   bench/simulate_speed.sh build examples/lenet5.onnx \
#            targets/ibm-pcm-like.yaml 10000 10 1
# Results and the machine: docs/performance.md ("Accuracy simulation").
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
MODEL=${2:-examples/lenet5.onnx}
TARGET=${3:-targets/ibm-pcm-like.yaml}
IMAGES=${4:-10000}
INSTANCES=${5:-10}
RUNS=${6:-1}
DATA=${NNCC_FASHION_MNIST:-/usr/share/datasets/fashion-mnist}
DIR=${TMPDIR:-/tmp}/nncc-bench-simulate
mkdir -p "$DIR"
TEST_IMAGES=$DATA/t10k-images-idx3-ubyte.gz
TEST_LABELS=$DATA/t10k-labels-idx1-ubyte.gz
TRAIN_IMAGES=$DATA/train-images-idx3-ubyte.gz

echo "machine: $(nproc) cores, $(uname -m); $MODEL on $TARGET;" \
     "$IMAGES images, $INSTANCES instances"
"$BUILD/bin/nncc" compile "$MODEL" \
  --target "$TARGET" --calibration "$TRAIN_IMAGES" \
  -o "$DIR/out" > "$DIR/compile.log"

# Runs time_command.py on the command after --, echoes its line and prints
# the median seconds.
median() {
  local line
  line=$(/usr/bin/python3 bench/time_command.py --runs "$RUNS" -- "$@")
  echo "$line" >&2
  sed -n 's/.*median=\([0-9.]*\)s.*/\1/p' <<< "$line"
}

echo "== nncc simulate (all effects) =="
SIMULATE=$(median "$BUILD/bin/nncc" simulate "$DIR/out" \
  --dataset "$TEST_IMAGES,$TEST_LABELS:$IMAGES" \
  --adc-calibration "$TRAIN_IMAGES:64" --instances "$INSTANCES" \
  --diagnose=false)
echo "== nncc run (float) =="
FLOAT=$(median "$BUILD/bin/nncc" run "$MODEL" \
  --images "$TEST_IMAGES" --labels "$TEST_LABELS" --limit "$IMAGES")
/usr/bin/python3 - "$SIMULATE" "$FLOAT" "$IMAGES" "$INSTANCES" <<'PY'
import sys
simulate, run = float(sys.argv[1]), float(sys.argv[2])
images, instances = int(sys.argv[3]), int(sys.argv[4])
per_inference = simulate / (images * instances)
per_image = run / images
print(f"simulate: {images * instances / simulate:.1f} inferences/s "
      f"({1e3 * per_inference:.4f} ms per image x instance)")
print(f"run float: {images / run:.1f} images/s ({1e3 * per_image:.4f} ms per image)")
print(f"ratio: {per_inference / per_image:.2f}x the float executor per image")
PY
