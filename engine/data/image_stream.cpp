#include "engine/data/image_stream.h"

#include <torch/torch.h>

namespace simclr {

SubsetStream::SubsetStream(std::shared_ptr<const ImageStream> base, torch::Tensor indices)
    : base_(std::move(base)), indices_(indices.to(torch::kCPU, torch::kLong).reshape({-1}).contiguous()) {}

torch::Tensor SubsetStream::fetch(const torch::Tensor& indices) const {
  return base_->fetch(indices_.index_select(0, indices.to(torch::kCPU, torch::kLong).reshape({-1})));
}

void SubsetStream::prefetch(const torch::Tensor& indices) const {
  base_->prefetch(indices_.index_select(0, indices.to(torch::kCPU, torch::kLong).reshape({-1})));
}

torch::Tensor TensorStream::fetch(const torch::Tensor& indices) const {
  return images_.index_select(0, indices.to(images_.device(), torch::kLong).reshape({-1}));
}

JoinedStream::JoinedStream(std::shared_ptr<const ImageStream> first, std::shared_ptr<const ImageStream> second)
    : first_(std::move(first)), second_(std::move(second)) {}

torch::Tensor JoinedStream::fetch(const torch::Tensor& indices) const {
  const torch::Tensor idx = indices.to(torch::kCPU, torch::kLong).reshape({-1});
  const int64_t split = first_->size();
  const torch::Tensor in_first = idx.lt(split);
  const torch::Tensor a = torch::nonzero(in_first).reshape({-1}), b = torch::nonzero(in_first.logical_not()).reshape({-1});
  torch::Tensor out = torch::empty({idx.numel(), channels(), height(), width()}, torch::kByte);
  if (a.numel() > 0) out.index_copy_(0, a, first_->fetch(idx.index_select(0, a)));
  if (b.numel() > 0) out.index_copy_(0, b, second_->fetch(idx.index_select(0, b).sub(split)));
  return out;
}

void JoinedStream::prefetch(const torch::Tensor& indices) const {
  const torch::Tensor idx = indices.to(torch::kCPU, torch::kLong).reshape({-1});
  const int64_t split = first_->size();
  const torch::Tensor in_first = idx.lt(split);
  first_->prefetch(idx.masked_select(in_first));
  second_->prefetch(idx.masked_select(in_first.logical_not()).sub(split));
}

}  // namespace simclr
