#pragma once
// Sums the gradients of a model over the ranks of a data-parallel run after backward, in
// flat buckets of about 25 MB (as DDP does), so a ResNet-18's 62 tensors travel in a few
// messages rather than 62. The ranks' losses are shares of the global loss (see
// gathered_negatives.h), so the summed gradient is the global batch's gradient.
#include <cstdint>
#include <vector>

#include <torch/types.h>

#include "engine/distributed/process_group.h"

namespace simclr {

void all_reduce_gradients(const std::vector<torch::Tensor>& parameters, ProcessGroup& group,
                          int64_t bucket_bytes = 25 << 20);

// Copies rank 0's parameters and buffers to every rank (a run starts from one model).
void broadcast_module_state(torch::nn::Module& module, ProcessGroup& group);

}  // namespace simclr
