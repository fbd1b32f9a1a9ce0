#!/usr/bin/env bash
# Configures and builds into build/ (incremental; ccache and a shared Torch PCH keep
# rebuilds short). Extra arguments go to CMake's configure step.
#
# Both README commands build here with the same flags: -O2 without debug info (debug info
# costs about a third of the compile time on 2 cores). The quickstart builds only the
# workbench and the CLI; the test command then adds the tests and benchmarks to the same
# tree, so nothing the first command compiled is compiled again.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -DNDEBUG" "$@"
cmake --build build --parallel "$jobs"
