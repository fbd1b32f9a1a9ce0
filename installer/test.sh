#!/usr/bin/env bash
# The README's second command: install what is missing, build everything, run the whole
# test suite. Tests that need real data read $SIMCLR_DATA_DIR and say when they skip.
set -euo pipefail
cd "$(dirname "$0")/.."
./installer/install-deps.sh
# Optimised like the default build (-O2, so the tested code is the code users run) but
# without debug info, which costs about a third of the compile time on 2 cores.
./installer/build.sh -DSIMCLR_BUILD_TESTS=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -DNDEBUG"
cd build
ctest --output-on-failure --parallel 2 "$@"
