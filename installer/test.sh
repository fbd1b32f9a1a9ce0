#!/usr/bin/env bash
# The README's second command: install what is missing, build everything, run the whole
# test suite. Tests that need real data read $SIMCLR_DATA_DIR and say when they skip.
set -euo pipefail
cd "$(dirname "$0")/.."
./installer/install-deps.sh
# Adds the tests and benchmarks to the quickstart's build tree, with the same flags
# (installer/build.sh), so the code tested is the code users run and nothing is rebuilt.
./installer/build.sh -DSIMCLR_BUILD_TESTS=ON -DSIMCLR_BUILD_BENCHMARKS=ON
cd build
ctest --output-on-failure --parallel 2 "$@"
