#pragma once
// Parameter counts for logs, the GUI and the tests.
#include <cstdint>

#include <torch/nn/module.h>

namespace simclr {

// Number of trainable parameter elements (requires_grad), counted recursively.
int64_t count_parameters(const torch::nn::Module& module);

// Number of all parameter elements, trainable or frozen (buffers excluded).
int64_t count_all_parameters(const torch::nn::Module& module);

}  // namespace simclr
