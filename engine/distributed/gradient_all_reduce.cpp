#include "engine/distributed/gradient_all_reduce.h"

#include <torch/torch.h>

namespace simclr {

namespace {

void reduce_bucket(std::vector<torch::Tensor>& grads, ProcessGroup& group) {
  if (grads.empty()) return;
  std::vector<torch::Tensor> flat_parts;
  for (const auto& g : grads) flat_parts.push_back(g.reshape(-1));
  torch::Tensor flat = torch::cat(flat_parts);
  group.all_reduce_sum(flat);
  int64_t offset = 0;
  for (auto& g : grads) {
    g.copy_(flat.slice(0, offset, offset + g.numel()).view_as(g));
    offset += g.numel();
  }
  grads.clear();
}

}  // namespace

void all_reduce_gradients(const std::vector<torch::Tensor>& parameters, ProcessGroup& group, int64_t bucket_bytes) {
  torch::NoGradGuard no_grad;
  // Buckets hold one dtype and device each; a parameter without a gradient this step gets a
  // zero one, so every rank sends the same sequence of buckets.
  std::vector<torch::Tensor> bucket;
  int64_t bytes = 0;
  for (const auto& p : parameters) {
    if (!p.requires_grad()) continue;
    if (!p.grad().defined()) p.mutable_grad() = torch::zeros_like(p);
    const torch::Tensor& g = p.grad();
    if (!bucket.empty() && (bucket.front().scalar_type() != g.scalar_type() || bucket.front().device() != g.device() ||
                            bytes + static_cast<int64_t>(g.nbytes()) > bucket_bytes)) {
      reduce_bucket(bucket, group);
      bytes = 0;
    }
    bucket.push_back(g);
    bytes += static_cast<int64_t>(g.nbytes());
  }
  reduce_bucket(bucket, group);
}

void broadcast_module_state(torch::nn::Module& module, ProcessGroup& group) {
  torch::NoGradGuard no_grad;
  for (auto& p : module.parameters()) group.broadcast(p, 0);
  for (auto& b : module.buffers()) group.broadcast(b, 0);
}

}  // namespace simclr
