#pragma once
// Mixed precision: which dtype the forward pass autocasts to on a device, and a scope
// guard that enables LibTorch's autocast for it (API differs between 1.13 and 2.x).
#include <string>

#include <torch/types.h>

namespace simclr {

// "auto" -> bf16 on CUDA, and on CPUs with native bf16 (AVX512-BF16 or AMX: measured 1.75x
// the fp32 step of the quickstart model on the 2-core machine, same loss); fp32 elsewhere.
// Returns kFloat when no autocast is wanted.
// Throws ConfigError for fp16 on the CPU.
torch::ScalarType autocast_dtype(const std::string& precision, const torch::Device& device);

// True when the CPU computes bf16 natively (AVX512-BF16 or AMX flags in /proc/cpuinfo).
bool cpu_has_native_bf16();

class AutocastGuard {
 public:
  AutocastGuard(const torch::Device& device, torch::ScalarType dtype);
  ~AutocastGuard();
  AutocastGuard(const AutocastGuard&) = delete;
  AutocastGuard& operator=(const AutocastGuard&) = delete;

 private:
  bool active_ = false;
  bool cuda_ = false;
};

}  // namespace simclr
