#!/usr/bin/env bash
# Builds the libFuzzer fuzzers and runs each harness for SECONDS (default 60).
#
#   tests/fuzz/run.sh [SECONDS] [HARNESS...]
#
# 1. Brings the ordinary build up to date for what the fuzzers link: the engine libraries
#    and the replay tool that writes the seed corpora ($SIMCLR_FUZZ_ENGINE_BUILD, default
#    build/, which must already be configured: installer/test.sh or cmake -B build).
# 2. Configures build-fuzz/ ($SIMCLR_FUZZ_BUILD) from tests/fuzz/libfuzzer with clang and
#    builds one fuzzer per harness (-fsanitize=fuzzer,address,undefined on the harnesses and
#    the readers they call; see tests/fuzz/libfuzzer/CMakeLists.txt for why only those).
# 3. Writes the seed corpora, then runs each fuzzer with its corpus (build-fuzz/corpus/<h>,
#    kept between runs), the seeds, tests/fuzz/corpus/<h>, tests/fuzz/regressions/<h> and
#    tests/fuzz/dict/<h>.dict, and copies every crash, leak, timeout or out-of-memory input
#    into tests/fuzz/regressions/<h>/, where ctest replays it once the reader is fixed.
#
# Environment: SIMCLR_FUZZ_JOBS (build jobs, default 2), SIMCLR_FUZZ_KEEP_GOING=1 (go on
# after a crash: libFuzzer's -fork=1 -ignore_crashes=1 ...; without it a harness stops at
# its first finding), SIMCLR_FUZZ_ARGS (more libFuzzer flags).
set -euo pipefail

seconds=${1:-60}
[[ $# -gt 0 ]] && shift
root=$(cd "$(dirname "$0")/../.." && pwd)
engine_build=${SIMCLR_FUZZ_ENGINE_BUILD:-$root/build}
fuzz_build=${SIMCLR_FUZZ_BUILD:-$root/build-fuzz}
jobs=${SIMCLR_FUZZ_JOBS:-2}
harnesses=("$@")
if [[ ${#harnesses[@]} -eq 0 ]]; then
  # The names between "set(SIMCLR_FUZZ_HARNESSES" and ")" in harnesses.cmake.
  mapfile -t harnesses < <(sed -n '/^set(SIMCLR_FUZZ_HARNESSES/,/)/p' "$root/tests/fuzz/harnesses.cmake" | sed 1d |
                           tr -d ' )' | grep -v '^$')
fi

if [[ ! -f $engine_build/CMakeCache.txt ]]; then
  echo "run.sh: $engine_build is not a configured build (cmake -S . -B build -DSIMCLR_BUILD_TESTS=ON," \
       "or set SIMCLR_FUZZ_ENGINE_BUILD)" >&2
  exit 2
fi
command -v clang++ >/dev/null || { echo "run.sh: clang++ not found (apt-get install clang)" >&2; exit 2; }

echo "== ordinary build ($engine_build): engine libraries and the seed writer"
nice -n 10 cmake --build "$engine_build" -j "$jobs" --target simclr_fuzz_replay simclr_engine_core \
  simclr_engine_data simclr_engine_augment simclr_engine_models simclr_engine_losses simclr_engine_eval \
  simclr_engine_project simclr_engine_distributed simclr_engine_train

echo "== fuzz build ($fuzz_build)"
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
[[ -f $fuzz_build/CMakeCache.txt ]] && generator=()
cmake -S "$root/tests/fuzz/libfuzzer" -B "$fuzz_build" "${generator[@]}" -DCMAKE_CXX_COMPILER=clang++ \
  -DSIMCLR_ENGINE_BUILD="$engine_build" >/dev/null
targets=()
for h in "${harnesses[@]}"; do targets+=("fuzz_$h"); done
nice -n 10 cmake --build "$fuzz_build" -j "$jobs" --target "${targets[@]}"

echo "== seeds"
seeds=$fuzz_build/seeds
OMP_NUM_THREADS=1 "$engine_build/tests/fuzz/simclr_fuzz_replay" --write-seeds "$seeds" >/dev/null

keep_going=()
[[ ${SIMCLR_FUZZ_KEEP_GOING:-0} == 1 ]] && keep_going=(-fork=1 -ignore_crashes=1 -ignore_ooms=1 -ignore_timeouts=1)
# Scratch files of a crashed input stay in $TMPDIR: keep them inside the build folder.
export TMPDIR=$fuzz_build/tmp OMP_NUM_THREADS=1 OPENCV_LOG_LEVEL=SILENT
# Leaks inside LibTorch (tests/fuzz/lsan.supp) are not ours to fix.
export LSAN_OPTIONS=suppressions=$root/tests/fuzz/lsan.supp:print_suppressions=0
mkdir -p "$TMPDIR"
status=0
for h in "${harnesses[@]}"; do
  corpus=$fuzz_build/corpus/$h
  artifacts=$fuzz_build/artifacts/$h
  log=$fuzz_build/logs/$h.log
  rm -rf "$artifacts"
  mkdir -p "$corpus" "$artifacts" "$(dirname "$log")"
  inputs=("$corpus" "$seeds/$h")
  for dir in "$root/tests/fuzz/corpus/$h" "$root/tests/fuzz/regressions/$h"; do [[ -d $dir ]] && inputs+=("$dir"); done
  # The shipped projects are seeds too (copied: libFuzzer reads folders recursively, and
  # projects/runs may hold run folders).
  [[ $h == project_json ]] && cp "$root"/projects/*.json "$seeds/project_json/"
  dict=()
  [[ -f $root/tests/fuzz/dict/$h.dict ]] && dict=(-dict="$root/tests/fuzz/dict/$h.dict")
  echo "== $h: ${seconds}s (log: $log)"
  set +e
  # shellcheck disable=SC2086
  "$fuzz_build/fuzz_$h" "${inputs[@]}" "${dict[@]}" "${keep_going[@]}" -max_total_time="$seconds" \
    -artifact_prefix="$artifacts/" -timeout=20 -rss_limit_mb=4096 -print_final_stats=1 \
    ${SIMCLR_FUZZ_ARGS:-} >"$log" 2>&1
  rc=$?
  set -e
  # The last status line: executions (#N), edge coverage (cov), features, corpus, speed.
  grep -E '^#[0-9]+' "$log" | tail -1 || true
  found=0
  for f in "$artifacts"/crash-* "$artifacts"/leak-* "$artifacts"/timeout-* "$artifacts"/oom-*; do
    [[ -f $f ]] || continue
    mkdir -p "$root/tests/fuzz/regressions/$h"
    cp -n "$f" "$root/tests/fuzz/regressions/$h/"
    echo "   found: tests/fuzz/regressions/$h/$(basename "$f")"
    found=1
  done
  if [[ $rc -ne 0 || $found -eq 1 ]]; then
    echo "   $h: libFuzzer exited $rc; see $log"
    status=1
  fi
done
rm -rf "$TMPDIR"
exit $status
