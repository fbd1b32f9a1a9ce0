#pragma once
// Sums the gradients of a model over the ranks of a data-parallel run, in flat buckets (as
// DDP does), so a ResNet-18's 62 tensors travel in a few messages rather than 62. With
// overlap on, a bucket's sum starts from backward's own gradient hooks the moment its last
// gradient is computed, and travels while backward computes the earlier layers; finish()
// then waits only for what backward could not hide. The ranks' losses are shares of the
// global loss (see gathered_negatives.h), so the summed gradient is the global batch's.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include <torch/types.h>

#include "engine/distributed/process_group.h"

namespace simclr {

class GradientReducer {
 public:
  // Buckets follow the parameters in reverse (the order backward produces them); the first
  // is small (1 MB) so that the first sum starts early, the others hold up to bucket_bytes.
  GradientReducer(std::vector<torch::Tensor> parameters, ProcessGroup& group, bool overlap = true,
                  int64_t bucket_bytes = 25 << 20);
  ~GradientReducer();  // removes the hooks
  GradientReducer(const GradientReducer&) = delete;
  GradientReducer& operator=(const GradientReducer&) = delete;

  // After backward (the parameters' gradients were zero or undefined before it): starts the
  // buckets backward did not complete (a parameter without a gradient sends zeros, so every
  // rank sends the same buckets), waits for all, and writes the sums into .grad.
  void finish();

  // Time spent in finish() waiting for the sums: what backward did not hide.
  double seconds_waiting() const { return seconds_waiting_; }

 private:
  struct Slot {
    torch::Tensor parameter;
    size_t bucket = 0;
    int64_t offset = 0;
    bool arrived = false;  // backward delivered its gradient this step
    unsigned hook = 0;
  };
  struct Bucket {
    torch::Tensor flat;
    std::vector<size_t> slots;
    size_t arrived = 0;
    std::optional<PendingCollective> pending;
  };

  void on_gradient(size_t slot, const torch::Tensor& grad);
  void start_ready_buckets();  // in bucket order, which every rank shares
  void reset();

  std::vector<Slot> slots_;
  std::vector<Bucket> buckets_;
  ProcessGroup& group_;
  bool overlap_;
  size_t next_to_start_ = 0;
  double seconds_waiting_ = 0;
};

// Copies rank 0's parameters and buffers to every rank (a run starts from one model).
void broadcast_module_state(torch::nn::Module& module, ProcessGroup& group);

}  // namespace simclr
