#!/usr/bin/env bash
# Configures and builds into build/ (incremental; ccache and a shared Torch PCH keep
# rebuilds short). Extra arguments go to CMake's configure step.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)
cmake -S . -B build -G Ninja "$@"
cmake --build build --parallel "$jobs"
