#!/bin/sh
# Compile + PPA of NeuroSim's VGG-8 (random weights) on the NeuroSim RRAM
# PR=32 target: the whole `nncc compile` (import, mapping passes,
# replication, placement, schedules, PPA, all outputs) timed by
# bench/time_command.py, then the PPA share of it from a perf profile.
# Results: docs/performance.md, "Compile + PPA of VGG-8".
# Usage: bench/time_ppa_vgg8.sh [BUILD_DIR] [RUNS]
set -eu
build=${1:-build}
runs=${2:-5}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
here=$(dirname "$0")
/usr/bin/python3 "$here/make_shaped_models.py" vgg8 "$dir/vgg8.onnx" \
  --calibration "$dir/cal.npy" --samples 1 > /dev/null
cmd="$build/bin/nncc compile $dir/vgg8.onnx --target $here/../targets/neurosim-rram-22nm-pr32.yaml -o $dir/out --calibration $dir/cal.npy --calibration-limit 1"
echo "into a new output directory each run:"
/usr/bin/python3 "$here/time_command.py" --runs "$runs" --fresh "$dir/out" -- $cmd
echo "replacing the previous run's outputs:"
/usr/bin/python3 "$here/time_command.py" --runs "$runs" -- $cmd
if command -v perf > /dev/null; then
  perf record -q -o "$dir/perf.data" $cmd > /dev/null 2>&1
  # Share of samples in the PPA library (roll-up and report writers).
  perf report -q -i "$dir/perf.data" --no-children --sort symbol 2>/dev/null |
    awk '/nncc::ppa::|ppa::/ { s += $1 } END { printf "ppa share of samples: %.2f %%\n", s }'
fi
