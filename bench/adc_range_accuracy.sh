#!/usr/bin/env bash
# Accuracy of LeNet-5 / Fashion-MNIST by ADC range method (docs/simulation.md,
# "ADC range"): the default target over the whole test set with max,
# percentile:99.9 and mse, every effect and without IR drop; and the
# NeuroSim RRAM and SRAM configurations at 32, 64 and 128 rows read at once
# over the first IMAGES test images with max and mse.  One chip instance
# each: these targets have ideal devices, so every instance is the same
# chip.  The ADC is calibrated on 64 training images.
# Usage: bench/adc_range_accuracy.sh [build-dir] [images]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
IMAGES=${2:-2000}
NNCC=$BUILD/bin/nncc
DATA=${NNCC_FASHION_MNIST:-/usr/share/datasets/fashion-mnist}
DIR=${TMPDIR:-/tmp}/nncc-bench-adc-range
mkdir -p "$DIR"
TEST=$DATA/t10k-images-idx3-ubyte.gz,$DATA/t10k-labels-idx1-ubyte.gz
TRAIN=$DATA/train-images-idx3-ubyte.gz

accuracy() { # out-dir effects method images-suffix
  "$NNCC" simulate "$1" --instances 1 --dataset "$TEST$4" \
    --adc-calibration "$TRAIN:64" --effects="$2" --adc-range "$3" 2>/dev/null |
    awk '/^[0-9.]+[smhdy]? / { print $2; exit }'
}

echo "target | effects | method | LeNet-5 accuracy (%)"
for t in default neurosim-rram-22nm-pr32 neurosim-rram-22nm-pr64 \
         neurosim-rram-22nm neurosim-sram-22nm-pr32 neurosim-sram-22nm-pr64 \
         neurosim-sram-22nm; do
  "$NNCC" compile examples/lenet5.onnx --target "$t" -o "$DIR/$t" \
    --calibration "$TRAIN" > /dev/null
  if [ "$t" = default ]; then methods="max percentile:99.9 mse"; images=""
  else methods="max mse"; images=":$IMAGES"; fi
  for e in all -ir_drop; do
    for m in $methods; do
      echo "$t | $e | $m | $(accuracy "$DIR/$t" "$e" "$m" "$images")"
    done
  done
done
