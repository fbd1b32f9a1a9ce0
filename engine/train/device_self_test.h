#pragma once
// A self-test of every path the engine takes on a compute device, on tiny generated data
// (no dataset, seconds on a CPU): device selection, the training views on the device
// against the CPU's, bf16 and fp16 autocast (fp16 with loss scaling), data kept on the
// device through a step, one optimizer step, a checkpoint saved on the device and loaded
// on the CPU and back, feature extraction, kNN and the t-SNE input path. Each check gives
// one PASS, FAIL or SKIP line with what it measured; `simclr-cli selftest` prints them.
//
// For tests of the reporting itself: SIMCLR_SELFTEST_PERTURB=<check name> adds 1 to that
// check's device result before it is compared, so that the check must FAIL.
#include <functional>
#include <string>
#include <vector>

namespace simclr {

enum class CheckStatus { Pass, Fail, Skip };

struct CheckOutcome {
  CheckStatus status = CheckStatus::Pass;
  std::string detail;  // what was measured ("max |diff| 2.4e-07 (tol 1e-03)") or why skipped
};

struct SelfTestCheck {
  std::string name;
  std::function<CheckOutcome()> run;  // may throw: an exception is a FAIL with its message
};

struct SelfTestLine {
  std::string name;
  CheckOutcome outcome;
  double seconds = 0;
};

struct SelfTestOptions {
  std::string device = "cpu";  // a name resolve_device() takes; resolved before any check
  uint64_t seed = 7;
};

// The checks for options.device, in order. Throws ConfigError when the device cannot be
// used here (unknown name, CUDA asked for on a machine or build without it).
std::vector<SelfTestCheck> device_self_test_checks(const SelfTestOptions& options);

// Runs every check in order (a failing one does not stop the rest), calling on_line after
// each. An exception from a check (LibTorch's included) is reported as its FAIL.
std::vector<SelfTestLine> run_self_test(const std::vector<SelfTestCheck>& checks,
                                        const std::function<void(const SelfTestLine&)>& on_line = {});

// 0 when no line FAILed, 1 otherwise.
int self_test_exit_code(const std::vector<SelfTestLine>& lines);

// "PASS  augment           training views on cuda:0 vs cpu: max |diff| 2.4e-07 (tol 1e-03)  [0.21 s]"
std::string format_self_test_line(const SelfTestLine& line);

// PASS when 0 <= diff <= tolerance (a NaN difference fails), with "<what>: max |diff| ... (tol ...)".
CheckOutcome within_tolerance(const std::string& what, double diff, double tolerance);

}  // namespace simclr
