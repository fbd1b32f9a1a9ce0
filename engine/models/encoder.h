#pragma once
// The encoder f(·) of SimCLR: maps an image batch to its representation h. Concrete
// encoders (ResNet now, ViT later) derive from EncoderImpl and are handled through
// std::shared_ptr<EncoderImpl>, since an abstract module cannot be a TORCH_MODULE holder.
#include <cstdint>
#include <memory>
#include <string>

#include <torch/nn/module.h>
#include <torch/types.h>

namespace simclr {

struct EncoderImpl : torch::nn::Module {
  // x [B, C, H, W] -> h [B, feature_dim()]
  virtual torch::Tensor forward(torch::Tensor x) = 0;
  // Size of the representation h (the input size of a projection head or a probe).
  virtual int64_t feature_dim() const = 0;
  // One line for logs and the GUI: "ResNet-18 (cifar stem, width 64, ...)".
  virtual std::string describe() const = 0;
};

using EncoderPtr = std::shared_ptr<EncoderImpl>;

}  // namespace simclr
