// simclr-cli selftest: every device path of the engine on tiny generated data, one line per
// check. Exit 0 when nothing FAILed, 1 when a check FAILed, 2 for a device that cannot be
// used here (an unknown name, CUDA on a machine or build without it).
#include "app/cli/selftest_command.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>

#include "engine/core/device.h"
#include "engine/core/error.h"
#include "engine/core/version.h"
#include "engine/train/device_self_test.h"

namespace simclr::cli {

namespace {

struct SelftestArgs {
  std::string device = "auto";
  int threads = 0;
  uint64_t seed = 7;
  std::vector<std::string> only;
};

// The checks named in --only (all when empty), in the self-test's order.
std::vector<SelfTestCheck> selected(std::vector<SelfTestCheck> checks, const std::vector<std::string>& only) {
  if (only.empty()) return checks;
  std::string known;
  for (const auto& c : checks) known += (known.empty() ? "" : ", ") + c.name;
  for (const auto& name : only)
    if (std::none_of(checks.begin(), checks.end(), [&](const SelfTestCheck& c) { return c.name == name; }))
      throw ConfigError("--only: no check named '" + name + "' (the checks: " + known + ")");
  checks.erase(
      std::remove_if(checks.begin(), checks.end(),
                     [&](const SelfTestCheck& c) { return std::find(only.begin(), only.end(), c.name) == only.end(); }),
      checks.end());
  return checks;
}

void run_selftest(const SelftestArgs& args, const GlobalOptions& global) {
  configure_threads(args.threads);
  SelfTestOptions options;
  options.device = args.device;
  options.seed = args.seed;
  // Resolves the device first: a device that cannot be used is bad input (exit 2), not a FAIL.
  const auto checks = selected(device_self_test_checks(options), args.only);
  const torch::Device device = resolve_device(args.device);
  if (!global.quiet) std::cout << "selftest on " << describe_device(device) << "; " << build_summary() << '\n';
  const auto start = std::chrono::steady_clock::now();
  const auto lines = run_self_test(checks, [](const SelfTestLine& line) {
    std::cout << format_self_test_line(line) << std::endl;  // one line as each check ends
  });
  int passed = 0, failed = 0, skipped = 0;
  for (const auto& line : lines) {
    passed += line.outcome.status == CheckStatus::Pass;
    failed += line.outcome.status == CheckStatus::Fail;
    skipped += line.outcome.status == CheckStatus::Skip;
  }
  char summary[160];
  std::snprintf(summary, sizeof summary, "selftest on %s: %d passed, %d failed, %d skipped in %.1f s",
                device.str().c_str(), passed, failed, skipped,
                std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  std::cout << summary << '\n';
  if (self_test_exit_code(lines) != 0)
    throw Error("selftest: " + std::to_string(failed) + " check(s) FAILED on " + device.str());
}

}  // namespace

void register_selftest_command(CLI::App& root, const GlobalOptions& global) {
  static SelftestArgs args;
  auto* cmd = root.add_subcommand(
      "selftest",
      "Check every device path (device, augmentations, bf16/fp16 autocast, a training step, checkpoints, "
      "features, kNN, t-SNE input) on tiny generated data: one PASS/FAIL/SKIP line each; exit 1 if any FAILed");
  cmd->add_option("--device", args.device, "cpu, cuda, cuda:N or auto (CUDA when present)")->capture_default_str();
  cmd->add_option("--threads", args.threads, "CPU threads (0 = all cores)")->capture_default_str();
  cmd->add_option("--only", args.only, "Run only these checks (names as printed, comma-separated)")->delimiter(',');
  cmd->add_option("--seed", args.seed, "Seed of the generated data and models")->capture_default_str();
  cmd->callback([&global] { run_selftest(args, global); });
}

}  // namespace simclr::cli
