#pragma once
// Mixed precision: which dtype the forward pass autocasts to on a device, and a scope
// guard that enables LibTorch's autocast for it (API differs between 1.13 and 2.x).
#include <string>

#include <torch/types.h>

namespace simclr {

// "auto" -> bf16 on CUDA, fp32 on CPU. Returns kFloat when no autocast is wanted.
// Throws ConfigError for fp16 on the CPU.
torch::ScalarType autocast_dtype(const std::string& precision, const torch::Device& device);

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
