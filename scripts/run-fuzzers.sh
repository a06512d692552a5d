#!/usr/bin/env bash
# Runs nncc's libFuzzer harnesses (test/fuzz) built in BUILD_DIR with
# NNCC_FUZZ, JOBS at a time, each for SECONDS (0: no time bound) and at
# most RUNS executions (0: no bound), with libFuzzer's random SEED (0: a
# new one per run; CI's smoke fixes it, so that what it tries is the same
# on every machine up to its speed).  Each starts from the committed seed
# corpus plus what earlier runs of this build directory found
# (BUILD_DIR/fuzz/corpus/NAME: new inputs go there, never into the source
# tree) and first replays every committed crash reproducer.
#
#   scripts/run-fuzzers.sh BUILD_DIR SECONDS RUNS JOBS SEED NAME...
#
# Prints one line per harness (executions, edges covered, features, corpus,
# peak RSS) and exits 1 if any harness found a crash, a leak, a timeout or an
# out-of-memory, naming the reproducer to commit under test/fuzz/crashes/NAME/.
set -euo pipefail
build=$1 seconds=$2 runs=$3 jobs=$4 seed=$5
shift 5
src=$(cd "$(dirname "$0")/.." && pwd)
work="$build/fuzz"
mkdir -p "$work"

run_one() {
  local name=$1 bin="$build/bin/nncc-fuzz-$1"
  local corpus="$work/corpus/$name" crashes="$work/crashes/$name"
  local log="$work/$name.log" dict="$src/test/fuzz/dicts/$name.dict"
  mkdir -p "$corpus" "$crashes"
  local args=(-max_total_time="$seconds" -timeout=25 -rss_limit_mb=2048
              -print_final_stats=1 -artifact_prefix="$crashes/")
  [ "$runs" -gt 0 ] && args+=(-runs="$runs")
  [ "$seed" -gt 0 ] && args+=(-seed="$seed")
  [ -f "$dict" ] && args+=(-dict="$dict")
  # Committed reproducers first: a regression is reported as itself.
  local reproducers=("$src/test/fuzz/crashes/$name"/*)
  if [ -e "${reproducers[0]}" ] &&
     ! "$bin" -timeout=25 "${reproducers[@]}" > "$work/$name.replay.log" 2>&1; then
    echo "$name: a committed reproducer fails again (see $work/$name.replay.log)"
    return 1
  fi
  local status=0
  "$bin" "${args[@]}" "$corpus" "$src/test/fuzz/corpus/$name" > "$log" 2>&1 ||
    status=$?
  local stats execs cov ft corp rss
  stats=$(grep -E '^#[0-9]+\s+(DONE|pulse|NEW|REDUCE|INITED)' "$log" | tail -1 || true)
  execs=$(sed -n 's/^stat::number_of_executed_units: //p' "$log")
  rss=$(sed -n 's/^stat::peak_rss_mb: //p' "$log")
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<< "$stats")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<< "$stats")
  corp=$(sed -n 's/.* corp: \([0-9]*\).*/\1/p' <<< "$stats")
  if [ "$status" -ne 0 ]; then
    local artifact
    artifact=$(sed -n 's/.*Test unit written to \(.*\)/\1/p' "$log" | tail -1)
    echo "$name: FAILED after ${execs:-?} executions: $(grep -m1 -E 'ERROR|runtime error|contract broken|Timeout|out-of-memory' "$log" || echo "exit $status")"
    echo "$name: reproducer ${artifact:-(none)}; log $log; commit it under test/fuzz/crashes/$name/ once fixed"
    return 1
  fi
  printf '%-16s %10s execs  cov %6s  ft %7s  corpus %6s  peak %5s MB\n' \
    "$name" "${execs:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}" "${rss:-?}"
}
export -f run_one
export build seconds runs seed work src

printf '%s\n' "$@" | xargs -P "$jobs" -I{} bash -c 'run_one {}' || exit 1
