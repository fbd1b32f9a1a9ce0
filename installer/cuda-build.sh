#!/usr/bin/env bash
# The engine, simclr-cli and the benchmarks against a CUDA LibTorch, without Qt, OpenCV or
# the download libraries: what a GPU machine that has only a CUDA build of PyTorch can build.
#
#   installer/cuda-build.sh stage    # here, on Debian: copies the two header-only libraries
#                                    # the engine needs (nlohmann-json, CLI11) with their
#                                    # CMake files into build-deps/, to take along
#   installer/cuda-build.sh build    # there: configures build-cuda/ with PyTorch's LibTorch
#                                    # (Torch_DIR from `python3 -c 'import torch'`) and builds
#
# Environment: PYTHON (the python whose torch is used), SIMCLR_CUDA_BUILD_DIR (default
# build-cuda), SIMCLR_CUDA_TARGETS (space-separated targets to build instead of all, e.g.
# "simclr-cli bench_training_throughput" as tests/bench/gpu_check.sh does).
set -euo pipefail
cd "$(dirname "$0")/.."
deps=build-deps

case "${1:-}" in
  stage)
    rm -rf "$deps"
    mkdir -p "$deps/include" "$deps/share/cmake"
    for header in /usr/include/nlohmann /usr/include/CLI; do
      [ -d "$header" ] || { echo "missing $header: apt-get install nlohmann-json3-dev libcli11-dev" >&2; exit 1; }
      cp -r "$header" "$deps/include/"
    done
    cp -r /usr/share/cmake/nlohmann_json /usr/share/cmake/CLI11 "$deps/share/cmake/"
    echo "staged in $deps/ ($(du -sh "$deps" | cut -f1))"
    ;;
  build)
    python=${PYTHON:-python3}
    torch_prefix=$("$python" -c 'import torch; print(torch.utils.cmake_prefix_path)') || {
      echo "no PyTorch for $python: set PYTHON to one that has it" >&2; exit 1; }
    generator=(); command -v ninja >/dev/null && generator=(-G Ninja)
    build_dir=${SIMCLR_CUDA_BUILD_DIR:-build-cuda}
    targets=(); for t in ${SIMCLR_CUDA_TARGETS:-}; do targets+=(--target "$t"); done
    cmake -S . -B "$build_dir" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_PREFIX_PATH="$torch_prefix;$PWD/$deps" \
      -DSIMCLR_BUILD_GUI=OFF -DSIMCLR_BUILD_TESTS=OFF -DSIMCLR_WITH_DOWNLOAD=OFF \
      -DSIMCLR_BUILD_BENCHMARKS=ON "${@:2}"
    cmake --build "$build_dir" --parallel "$(nproc 2>/dev/null || echo 2)" "${targets[@]}"
    ;;
  *)
    echo "usage: installer/cuda-build.sh stage|build [cmake options]" >&2
    exit 2
    ;;
esac
