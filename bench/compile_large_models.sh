#!/bin/sh
# Compile time, peak RSS and output size of large models (issue #16 item 6):
# a BERT-base-shaped encoder (make_bert_base.py, 109 M weights), VGG-16
# (make_shaped_models.py vgg16, 138 M) and ResNet-50 (make_resnet50.py,
# 25.6 M), random weights, each `nncc compile`d on targets/default.yaml with
# --time-multiplex (none fits its 9,216 arrays) into a new directory.
# Prints per model: wall time (min/median of RUNS) and peak RSS from
# bench/time_command.py, and every output file's size against the model's.
# Acceptance: BERT and VGG-16 under 30 s, peak RSS under 3x and outputs
# under 1.5x the model file; ResNet-50 under 5 s.
# The models and their calibration samples are generated into MODEL_DIR
# (default /tmp/nncc-large-models; ~1.1 GB) once and reused.
# Results: docs/performance.md, "Large models".
# Usage: bench/compile_large_models.sh [BUILD_DIR] [RUNS] [EXTRA_COMPILE_ARGS...]
set -eu
build=${1:-build}
runs=${2:-3}
[ $# -ge 2 ] && shift 2 || shift $#
here=$(cd "$(dirname "$0")" && pwd)
models=${MODEL_DIR:-/tmp/nncc-large-models}
mkdir -p "$models"
py=/usr/bin/python3

[ -f "$models/bert-base.onnx" ] ||
  $py "$here/make_bert_base.py" "$models/bert-base.onnx" \
    --calibration "$models/bert-base-cal.npy" --samples 1
[ -f "$models/vgg16.onnx" ] ||
  $py "$here/make_shaped_models.py" vgg16 "$models/vgg16.onnx" \
    --calibration "$models/vgg16-cal.npy" --samples 1
[ -f "$models/resnet50.onnx" ] || {
  $py "$here/make_resnet50.py" "$models/resnet50.onnx"
  $py -c "import numpy as np; np.save('$models/resnet50-cal.npy', np.random.default_rng(0).random((1, 3, 224, 224), dtype=np.float32))"
}

echo "machine: $(nproc) cores, $(uname -m); build: $build"
for name in bert-base vgg16 resnet50; do
  model="$models/$name.onnx"
  out="$models/out-$name"
  model_bytes=$(stat -c %s "$model")
  echo "== $name: $(( model_bytes / 1048576 )) MiB"
  $py "$here/time_command.py" --runs "$runs" --fresh "$out" -- \
    "$build/bin/nncc" compile "$model" --target "$here/../targets/default.yaml" \
    --calibration "$models/$name-cal.npy" --time-multiplex -o "$out" "$@"
  echo "   peak RSS / model: see peak_rss above / $(( model_bytes / 1048576 )) MiB"
  total=0
  for f in "$out"/*; do
    bytes=$(stat -c %s "$f")
    total=$(( total + bytes ))
    awk -v f="$(basename "$f")" -v b="$bytes" -v m="$model_bytes" \
      'BEGIN { if (b > 1048576) printf "   %-18s %9.1f MiB  %.3fx the model\n", f, b / 1048576, b / m }'
  done
  awk -v b="$total" -v m="$model_bytes" \
    'BEGIN { printf "   %-18s %9.1f MiB  %.3fx the model\n", "output directory", b / 1048576, b / m }'
done
