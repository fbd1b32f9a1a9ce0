#include "engine/core/version.h"

#include <torch/cuda.h>
#include <torch/version.h>

namespace simclr {

std::string engine_version() {
  return SIMCLR_VERSION;
}

std::string torch_version() {
  return std::to_string(TORCH_VERSION_MAJOR) + "." + std::to_string(TORCH_VERSION_MINOR) + "." +
         std::to_string(TORCH_VERSION_PATCH);
}

bool cuda_available() {
  return torch::cuda::is_available();
}

std::string build_summary() {
  return "simclr-workbench " + engine_version() + " (LibTorch " + torch_version() + ", CUDA " +
         (cuda_available() ? "available" : "not available") + ")";
}

}  // namespace simclr
