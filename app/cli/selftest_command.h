#pragma once
// simclr-cli selftest [--device cpu|cuda|cuda:N|auto]: the engine's device self-test
// (engine/train/device_self_test.h), one PASS/FAIL/SKIP line per check.
#include <CLI/CLI.hpp>

#include "app/cli/cli_command.h"

namespace simclr::cli {

void register_selftest_command(CLI::App& root, const GlobalOptions& global);

}  // namespace simclr::cli
