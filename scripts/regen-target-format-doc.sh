#!/bin/sh
# Rewrites the field table of docs/target-format.md (between its SCHEMA
# markers) from `nncc target schema`, the loader's own description of every
# field; test/Target/schema-doc.test checks they agree.
#   scripts/regen-target-format-doc.sh [NNCC]
set -eu
nncc=${1:-build/bin/nncc}
doc=$(dirname "$0")/../docs/target-format.md
table=$(mktemp)
trap 'rm -f "$table" "$doc.tmp"' EXIT
"$nncc" target schema > "$table"
awk -v table="$table" '
  /<!-- END SCHEMA -->/ { skip = 0 }
  !skip { print }
  /<!-- BEGIN SCHEMA -->/ { while ((getline line < table) > 0) print line; skip = 1 }
' "$doc" > "$doc.tmp"
mv "$doc.tmp" "$doc"
