#pragma once
// Choosing where the engine computes: "cpu", "cuda" or "auto", and how many CPU threads.
#include <string>

#include <torch/types.h>

namespace simclr {

// Resolves "cpu" | "cuda" | "cuda:N" | "auto". Throws ConfigError for an unknown name or
// for "cuda" on a build or machine without CUDA.
torch::Device resolve_device(const std::string& name);

// Sets LibTorch's intra-op threads (Debian's build starts with one). 0 = all cores.
// Returns the count in effect.
int configure_threads(int requested);

// "CPU (2 threads)" or "CUDA: NVIDIA H100 80GB HBM3" — for status bars and logs.
std::string describe_device(const torch::Device& device);

}  // namespace simclr
