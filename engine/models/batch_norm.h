#pragma once
// Batch normalisation over the channels of [N, C] or [N, C, H, W] inputs, the same
// computation (and parameter and buffer names) as torch::nn::BatchNorm1d/2d, with one
// addition: given a BatchStatsReducer, training-mode statistics are taken over the batches
// of every process of a data-parallel run (synchronised BN, the SimCLR paper's "global
// BN"), in forward and backward, on CPU and CUDA alike. LibTorch's C++ API has no
// SyncBatchNorm, so the models use this module for every BN.
#include <cstdint>
#include <memory>

#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>
#include <torch/types.h>

namespace simclr {

// Sums tensors in place over the processes of a run (implemented by engine/distributed;
// the models see only this interface).
class BatchStatsReducer {
 public:
  virtual ~BatchStatsReducer() = default;
  virtual void all_reduce_sum(torch::Tensor& tensor) = 0;
};

class BatchNormImpl : public torch::nn::Module {
 public:
  explicit BatchNormImpl(int64_t channels, double eps = 1e-5, double momentum = 0.1);
  // x [N, C] or [N, C, H, W] -> same shape.
  torch::Tensor forward(const torch::Tensor& x);
  void reset_parameters();
  int64_t channels() const { return channels_; }

  // With a reducer, training-mode forward and backward reduce their statistics through
  // it; nullptr (the default) is plain per-process BN.
  void set_reducer(std::shared_ptr<BatchStatsReducer> reducer) { reducer_ = std::move(reducer); }

  torch::Tensor weight, bias;                                    // [C] parameters (gamma, beta)
  torch::Tensor running_mean, running_var, num_batches_tracked;  // buffers

 private:
  int64_t channels_;
  double eps_, momentum_;
  std::shared_ptr<BatchStatsReducer> reducer_;
};
TORCH_MODULE(BatchNorm);

// Gives every BatchNorm in `module` the reducer (nullptr turns synchronisation off).
void set_batch_norm_reducer(torch::nn::Module& module, const std::shared_ptr<BatchStatsReducer>& reducer);

}  // namespace simclr
