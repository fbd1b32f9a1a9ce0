#!/usr/bin/env bash
# The README's first command: install what is missing, build, then start on the quickstart
# project. Uses CIFAR-10 when it can be found ($SIMCLR_DATA_DIR, or downloaded with
# `simclr-cli dataset download cifar10`), else the offline Fashion-MNIST project.
set -euo pipefail
cd "$(dirname "$0")/.."
./installer/install-deps.sh
# Only what it runs: the workbench and the CLI (the test command adds the rest).
./installer/build.sh -DSIMCLR_BUILD_TESTS=OFF -DSIMCLR_BUILD_BENCHMARKS=OFF
cli=build/app/cli/simclr-cli
project=projects/quickstart.json
if ! $cli dataset info cifar10 >/dev/null 2>&1; then
  echo "quickstart: CIFAR-10 not found; training on the offline Fashion-MNIST project instead."
  echo "            (get CIFAR-10 with: $cli dataset download cifar10)"
  project=projects/fashion-mnist.json
fi
if [ -x build/app/gui/simclr-workbench ] && { [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; }; then
  exec build/app/gui/simclr-workbench "$project"
fi
# Headless: a short training run in the terminal (Ctrl+C stops it with a checkpoint).
exec $cli train "$project" --max-steps "${SIMCLR_QUICKSTART_STEPS:-100}" "$@"
