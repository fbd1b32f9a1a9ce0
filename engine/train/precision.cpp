#include "engine/train/precision.h"

#include <fstream>
#include <string>

#include <ATen/autocast_mode.h>
#include <torch/version.h>

#include "engine/core/error.h"

namespace simclr {

#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
#define SIMCLR_AUTOCAST_PER_DEVICE 1
#endif

bool cpu_has_native_bf16() {
  // Without AVX512-BF16 or AMX, bf16 matmuls are emulated and slower than fp32.
  static const bool has = [] {
    std::ifstream cpuinfo("/proc/cpuinfo");
    std::string line;
    while (std::getline(cpuinfo, line))
      if (line.rfind("flags", 0) == 0)
        return line.find(" avx512_bf16") != std::string::npos || line.find(" amx_bf16") != std::string::npos;
    return false;
  }();
  return has;
}

torch::ScalarType autocast_dtype(const std::string& precision, const torch::Device& device) {
  if (precision == "fp32") return torch::kFloat;
  if (precision == "bf16") return torch::kBFloat16;
  if (precision == "fp16") {
    if (!device.is_cuda()) throw ConfigError("training.precision: fp16 needs a CUDA device (use bf16 on the CPU)");
    return torch::kHalf;
  }
  if (device.is_cuda()) return torch::kBFloat16;
  return cpu_has_native_bf16() ? torch::kBFloat16 : torch::kFloat;
}

AutocastGuard::AutocastGuard(const torch::Device& device, torch::ScalarType dtype)
    : active_(dtype != torch::kFloat), cuda_(device.is_cuda()) {
  if (!active_) return;
#ifdef SIMCLR_AUTOCAST_PER_DEVICE
  const auto type = cuda_ ? at::kCUDA : at::kCPU;
  at::autocast::set_autocast_dtype(type, dtype);
  at::autocast::set_autocast_enabled(type, true);
#else
  if (cuda_) {
    at::autocast::set_autocast_gpu_dtype(dtype);
    at::autocast::set_enabled(true);
  } else {
    at::autocast::set_autocast_cpu_dtype(dtype);
    at::autocast::set_cpu_enabled(true);
  }
#endif
}

AutocastGuard::~AutocastGuard() {
  if (!active_) return;
#ifdef SIMCLR_AUTOCAST_PER_DEVICE
  at::autocast::set_autocast_enabled(cuda_ ? at::kCUDA : at::kCPU, false);
#else
  if (cuda_)
    at::autocast::set_enabled(false);
  else
    at::autocast::set_cpu_enabled(false);
#endif
  at::autocast::clear_cache();
}

}  // namespace simclr
