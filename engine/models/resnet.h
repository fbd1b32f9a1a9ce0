#pragma once
// ResNet encoders (He et al. 2016) laid out exactly as torchvision's resnet18/34/50/101/152
// (v1.5: a Bottleneck strides on its 3x3 conv) but without the final fc: the encoder ends
// with global average pooling and flatten. Submodules carry torchvision's names (conv1, bn1,
// layer1..layer4 as Sequentials of blocks, downsample as Sequential(conv, bn)), so the
// state dict of a width-64 ImageNet-stem encoder loads into torchvision with strict=True
// once an fc is added.
#include <cstdint>
#include <string>
#include <vector>

#include <torch/nn/module.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/pimpl.h>

#include "engine/core/config_issue.h"
#include "engine/models/batch_norm.h"
#include "engine/models/encoder.h"

namespace simclr {

struct ResNetConfig {
  int depth = 18;                   // 18, 34 (BasicBlock) or 50, 101, 152 (Bottleneck)
  std::string stem = "cifar";       // "cifar": 3x3 stride-1 conv, no max-pool;
                                    // "imagenet": 7x7 stride-2 conv + 3x3 stride-2 max-pool
  int64_t width = 64;               // channels of the first stage (stages: w, 2w, 4w, 8w);
                                    // torchvision = 64, the quickstart uses 16
  int64_t in_channels = 3;          // 1 for grey-scale datasets
  bool zero_init_residual = false;  // zero the last BN gamma of every block (Goyal et al.)

  // Every problem, located under `path` ("encoder.resnet.depth: ...").
  ConfigIssues validate(const std::string& path = "encoder.resnet") const;
};

// Depths make_resnet accepts, in ascending order.
const std::vector<int>& supported_resnet_depths();

// Two 3x3 convs; expansion 1. Used by ResNet-18/34.
// x [B, in, H, W] -> [B, planes, H/stride, W/stride]
class BasicBlockImpl : public torch::nn::Module {
 public:
  static constexpr int64_t expansion = 1;
  BasicBlockImpl(int64_t in_planes, int64_t planes, int64_t stride);
  torch::Tensor forward(torch::Tensor x);
  // The BN whose gamma zero_init_residual clears.
  BatchNorm last_bn() const { return bn2; }

  torch::nn::Conv2d conv1{nullptr}, conv2{nullptr};
  BatchNorm bn1{nullptr}, bn2{nullptr};
  torch::nn::Sequential downsample{nullptr};  // registered only when the shape changes
};
TORCH_MODULE(BasicBlock);

// 1x1 reduce, 3x3 (strided, v1.5), 1x1 expand; expansion 4. Used by ResNet-50/101/152.
// x [B, in, H, W] -> [B, 4 * planes, H/stride, W/stride]
class BottleneckImpl : public torch::nn::Module {
 public:
  static constexpr int64_t expansion = 4;
  BottleneckImpl(int64_t in_planes, int64_t planes, int64_t stride);
  torch::Tensor forward(torch::Tensor x);
  BatchNorm last_bn() const { return bn3; }

  torch::nn::Conv2d conv1{nullptr}, conv2{nullptr}, conv3{nullptr};
  BatchNorm bn1{nullptr}, bn2{nullptr}, bn3{nullptr};
  torch::nn::Sequential downsample{nullptr};
};
TORCH_MODULE(Bottleneck);

class ResNetImpl : public EncoderImpl {
 public:
  // Throws ConfigError listing every invalid field.
  explicit ResNetImpl(const ResNetConfig& config);

  // x [B, in_channels, H, W] -> h [B, feature_dim()]; any H, W >= 1 (ImageNet stem: >= 2).
  torch::Tensor forward(torch::Tensor x) override;
  // 8 * width * expansion: 512 for ResNet-18/34 and 2048 for ResNet-50 at width 64.
  int64_t feature_dim() const override { return feature_dim_; }
  std::string describe() const override;
  const ResNetConfig& config() const { return config_; }

  torch::nn::Conv2d conv1{nullptr};
  BatchNorm bn1{nullptr};
  torch::nn::Sequential layer1{nullptr}, layer2{nullptr}, layer3{nullptr}, layer4{nullptr};

 private:
  void initialize_weights();

  ResNetConfig config_;
  int64_t feature_dim_ = 0;
};
TORCH_MODULE(ResNet);

}  // namespace simclr
