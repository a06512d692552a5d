#!/bin/sh
# Builds main.cpp with one g++ line from nncc.pc (docs/embedding.md):
#   build-with-pkg-config.sh <prefix>/lib/pkgconfig OUTPUT
set -eu
export PKG_CONFIG_PATH="$1"
exec g++ "$(dirname "$0")/main.cpp" -o "$2" \
  -DNNCC_TARGETS_DIR="\"$(pkg-config --variable=targetsdir nncc)\"" \
  $(pkg-config --cflags --libs nncc)
