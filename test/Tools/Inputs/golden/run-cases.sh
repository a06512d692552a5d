#!/bin/sh
# The compiles whose outputs must not change byte-wise across a refactor
# (issue #12): the examples and the VGG-8 benchmark, with and without the
# accuracy simulation, one time-multiplexed.  Runs each into DIR/<case>/,
# from inside DIR with relative model and target paths, so that no output
# depends on where the checkout lives.
#   run-cases.sh NNCC SRC DIR
# Recording new expectations after a change that names what it changed:
#   run-cases.sh build/bin/nncc . /tmp/golden &&
#   for c in /tmp/golden/*/; do (cd $c && sha256sum *) > \
#     test/Tools/Inputs/golden/$(basename $c).sha256; done
set -eu
nncc=$1
src=$2
dir=$3
fmnist=/usr/share/datasets/fashion-mnist
train=$fmnist/train-images-idx3-ubyte.gz
test=$fmnist/t10k-images-idx3-ubyte.gz,$fmnist/t10k-labels-idx1-ubyte.gz
mkdir -p "$dir"
cp "$src/examples/lenet5.onnx" "$src/examples/mlp.onnx" \
   "$src/targets/default.yaml" "$src/targets/ibm-pcm-like.yaml" \
   "$src/targets/neurosim-rram-22nm-pr32.yaml" \
   "$src/test/Tools/Inputs/tiny-16-arrays.yaml" "$dir/"
cd "$dir"
/usr/bin/python3 "$src/bench/make_shaped_models.py" vgg8 vgg8.onnx \
  --calibration vgg8-cal.npy --samples 1 > /dev/null
"$nncc" compile lenet5.onnx --target default.yaml -o lenet5-default \
  --calibration $train --calibration-limit 64 \
  --simulate $test:200 --instances 2 > /dev/null
"$nncc" compile mlp.onnx --target ibm-pcm-like.yaml -o mlp-pcm \
  --calibration $train --calibration-limit 64 --seed 7 \
  --simulate $test:200 --instances 2 --time 1s,1y > /dev/null
"$nncc" compile lenet5.onnx --target tiny-16-arrays.yaml -o lenet5-tm \
  --calibration $train --calibration-limit 16 --time-multiplex > /dev/null
"$nncc" compile vgg8.onnx --target neurosim-rram-22nm-pr32.yaml -o vgg8 \
  --calibration vgg8-cal.npy --calibration-limit 1 > /dev/null
