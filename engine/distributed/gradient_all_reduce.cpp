#include "engine/distributed/gradient_all_reduce.h"

#include <chrono>

#include <torch/torch.h>

namespace simclr {

namespace {
constexpr int64_t kFirstBucketBytes = 1 << 20;
}

GradientReducer::GradientReducer(std::vector<torch::Tensor> parameters, ProcessGroup& group, bool overlap,
                                 int64_t bucket_bytes)
    : group_(group), overlap_(overlap) {
  // One dtype and device per bucket; the same parameters give the same buckets on every rank.
  int64_t bytes = 0;
  for (auto it = parameters.rbegin(); it != parameters.rend(); ++it) {
    if (!it->requires_grad()) continue;
    const int64_t size = static_cast<int64_t>(it->nbytes());
    const int64_t limit = buckets_.size() == 1 ? kFirstBucketBytes : bucket_bytes;
    const bool fits = !buckets_.empty() && bytes + size <= limit &&
                      buckets_.back().flat.scalar_type() == it->scalar_type() &&
                      buckets_.back().flat.device() == it->device();
    if (!fits) {
      buckets_.emplace_back();
      buckets_.back().flat = torch::empty({0}, it->options().requires_grad(false));
      bytes = 0;
    }
    Slot slot;
    slot.parameter = *it;
    slot.bucket = buckets_.size() - 1;
    slot.offset = bytes / it->element_size();
    buckets_.back().slots.push_back(slots_.size());
    slots_.push_back(slot);
    bytes += size;
  }
  // Each bucket's flat buffer, sized once its members are known (flat held only the options).
  for (auto& bucket : buckets_) {
    const Slot& last = slots_[bucket.slots.back()];
    bucket.flat = torch::empty({last.offset + last.parameter.numel()}, bucket.flat.options());
  }
  if (!overlap_) return;
  for (size_t i = 0; i < slots_.size(); ++i)
    slots_[i].hook = slots_[i].parameter.register_hook([this, i](const torch::Tensor& grad) { on_gradient(i, grad); });
}

GradientReducer::~GradientReducer() {
  if (overlap_)
    for (auto& slot : slots_) slot.parameter.remove_hook(slot.hook);
}

void GradientReducer::on_gradient(size_t index, const torch::Tensor& grad) {
  torch::NoGradGuard no_grad;
  Slot& slot = slots_[index];
  Bucket& bucket = buckets_[slot.bucket];
  if (bucket.pending) return;  // only after a backward that finish() never followed
  torch::Tensor part = bucket.flat.slice(0, slot.offset, slot.offset + slot.parameter.numel());
  if (slot.arrived) {
    part.add_(grad.reshape(-1));  // a second backward before finish(): gradients accumulate
    return;
  }
  part.copy_(grad.reshape(-1));
  slot.arrived = true;
  if (++bucket.arrived == bucket.slots.size()) start_ready_buckets();
}

void GradientReducer::start_ready_buckets() {
  while (next_to_start_ < buckets_.size() &&
         buckets_[next_to_start_].arrived == buckets_[next_to_start_].slots.size()) {
    Bucket& bucket = buckets_[next_to_start_++];
    bucket.pending.emplace(group_.start_all_reduce_sum(bucket.flat));
  }
}

void GradientReducer::finish() {
  torch::NoGradGuard no_grad;
  // What backward did not deliver: the whole model without overlap, else unused parameters.
  for (auto& slot : slots_) {
    if (slot.arrived) continue;
    Bucket& bucket = buckets_[slot.bucket];
    torch::Tensor part = bucket.flat.slice(0, slot.offset, slot.offset + slot.parameter.numel());
    const torch::Tensor& grad = slot.parameter.grad();
    if (grad.defined())
      part.copy_(grad.reshape(-1));
    else
      part.zero_();
    slot.arrived = true;
    ++bucket.arrived;
  }
  const auto start = std::chrono::steady_clock::now();
  try {
    start_ready_buckets();
    for (auto& bucket : buckets_) bucket.pending->wait();
    seconds_waiting_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  } catch (...) {
    reset();
    throw;
  }
  for (auto& slot : slots_) {
    const torch::Tensor sum =
        buckets_[slot.bucket].flat.slice(0, slot.offset, slot.offset + slot.parameter.numel()).view_as(slot.parameter);
    if (slot.parameter.grad().defined())
      slot.parameter.mutable_grad().copy_(sum);
    else
      slot.parameter.mutable_grad() = sum.clone();
  }
  reset();
}

void GradientReducer::reset() {
  for (auto& slot : slots_) slot.arrived = false;
  for (auto& bucket : buckets_) {
    bucket.arrived = 0;
    bucket.pending.reset();
  }
  next_to_start_ = 0;
}

void broadcast_module_state(torch::nn::Module& module, ProcessGroup& group) {
  torch::NoGradGuard no_grad;
  for (auto& p : module.parameters()) group.broadcast(p, 0);
  for (auto& b : module.buffers()) group.broadcast(b, 0);
}

}  // namespace simclr
