#pragma once
// The common first step of the explore algorithms: features as float32 rows of unit length.
#include <string>

#include <torch/types.h>

namespace simclr {

// features: [N, D] of any floating type, any device. Returns float32 [N, D] on the same
// device with every row scaled to unit L2 norm (a zero row stays zero). Throws ConfigError
// naming `what` for a shape that is not [N >= 1, D >= 1] or a non-floating type, DataError
// for a NaN or infinite value.
torch::Tensor normalised_rows(const torch::Tensor& features, const std::string& what);

// The same checks without normalising: float32 [N, D] on the same device.
torch::Tensor checked_rows(const torch::Tensor& features, const std::string& what);

}  // namespace simclr
