#include "engine/models/resnet.h"

#include <cmath>
#include <cstdio>
#include <sstream>

#include <torch/nn/functional/pooling.h>
#include <torch/nn/init.h>

#include "engine/core/error.h"
#include "engine/models/parameter_count.h"

namespace simclr {
namespace {

namespace nn = torch::nn;

struct DepthLayout {
  int depth;
  bool bottleneck;
  int blocks[4];
};

// torchvision's layouts.
constexpr DepthLayout kLayouts[] = {
    {18, false, {2, 2, 2, 2}},  {34, false, {3, 4, 6, 3}},  {50, true, {3, 4, 6, 3}},
    {101, true, {3, 4, 23, 3}}, {152, true, {3, 8, 36, 3}},
};

const DepthLayout* find_layout(int depth) {
  for (const auto& layout : kLayouts)
    if (layout.depth == depth) return &layout;
  return nullptr;
}

nn::Conv2d conv(int64_t in, int64_t out, int64_t kernel, int64_t stride, int64_t padding) {
  return nn::Conv2d(nn::Conv2dOptions(in, out, kernel).stride(stride).padding(padding).bias(false));
}

BatchNorm batch_norm(int64_t channels) {
  return BatchNorm(channels);
}

// Sequential(1x1 conv, BN) that matches the identity path to the block's output:
// [B, in, H, W] -> [B, out, H/stride, W/stride]. Names "0" and "1", as torchvision's.
nn::Sequential make_downsample(int64_t in, int64_t out, int64_t stride) {
  return nn::Sequential(conv(in, out, 1, stride, 0), batch_norm(out));
}

std::string shape_of(const torch::Tensor& t) {
  std::ostringstream s;
  s << t.sizes();
  return s.str();
}

// One stage: `blocks` blocks, the first one strided. Returns the Sequential and updates
// in_planes to the stage's output channels.
template <typename Block>
nn::Sequential make_stage(int64_t& in_planes, int64_t planes, int blocks, int64_t stride) {
  nn::Sequential stage;
  stage->push_back(Block(in_planes, planes, stride));
  in_planes = planes * Block::Impl::expansion;
  for (int i = 1; i < blocks; ++i) stage->push_back(Block(in_planes, planes, 1));
  return stage;
}

}  // namespace

const std::vector<int>& supported_resnet_depths() {
  static const std::vector<int> depths = [] {
    std::vector<int> d;
    for (const auto& layout : kLayouts) d.push_back(layout.depth);
    return d;
  }();
  return depths;
}

ConfigIssues ResNetConfig::validate(const std::string& path) const {
  ConfigIssues issues;
  const std::string prefix = path.empty() ? std::string() : path + ".";
  if (!find_layout(depth)) {
    std::string allowed;
    for (int d : supported_resnet_depths()) allowed += (allowed.empty() ? "" : ", ") + std::to_string(d);
    issues.push_back(
        {prefix + "depth", "unsupported ResNet depth " + std::to_string(depth) + " (use " + allowed + ")"});
  }
  if (stem != "cifar" && stem != "imagenet")
    issues.push_back({prefix + "stem", "unknown stem \"" + stem + "\" (use \"cifar\" or \"imagenet\")"});
  if (width < 1 || width > 4096)
    issues.push_back(
        {prefix + "width", "must be between 1 and 4096 (torchvision uses 64), got " + std::to_string(width)});
  if (in_channels < 1 || in_channels > 64)
    issues.push_back({prefix + "in_channels", "must be between 1 and 64, got " + std::to_string(in_channels)});
  return issues;
}

// ---------------------------------------------------------------------------------------

BasicBlockImpl::BasicBlockImpl(int64_t in_planes, int64_t planes, int64_t stride) {
  conv1 = register_module("conv1", conv(in_planes, planes, 3, stride, 1));
  bn1 = register_module("bn1", batch_norm(planes));
  conv2 = register_module("conv2", conv(planes, planes, 3, 1, 1));
  bn2 = register_module("bn2", batch_norm(planes));
  if (stride != 1 || in_planes != planes * expansion)
    downsample = register_module("downsample", make_downsample(in_planes, planes * expansion, stride));
}

torch::Tensor BasicBlockImpl::forward(torch::Tensor x) {
  torch::Tensor identity = downsample ? downsample->forward(x) : x;
  torch::Tensor out = torch::relu(bn1->forward(conv1->forward(x)));
  out = bn2->forward(conv2->forward(out));
  return torch::relu(out + identity);
}

BottleneckImpl::BottleneckImpl(int64_t in_planes, int64_t planes, int64_t stride) {
  conv1 = register_module("conv1", conv(in_planes, planes, 1, 1, 0));
  bn1 = register_module("bn1", batch_norm(planes));
  conv2 = register_module("conv2", conv(planes, planes, 3, stride, 1));
  bn2 = register_module("bn2", batch_norm(planes));
  conv3 = register_module("conv3", conv(planes, planes * expansion, 1, 1, 0));
  bn3 = register_module("bn3", batch_norm(planes * expansion));
  if (stride != 1 || in_planes != planes * expansion)
    downsample = register_module("downsample", make_downsample(in_planes, planes * expansion, stride));
}

torch::Tensor BottleneckImpl::forward(torch::Tensor x) {
  torch::Tensor identity = downsample ? downsample->forward(x) : x;
  torch::Tensor out = torch::relu(bn1->forward(conv1->forward(x)));
  out = torch::relu(bn2->forward(conv2->forward(out)));
  out = bn3->forward(conv3->forward(out));
  return torch::relu(out + identity);
}

// ---------------------------------------------------------------------------------------

ResNetImpl::ResNetImpl(const ResNetConfig& config) : config_(config) {
  const ConfigIssues issues = config.validate();
  if (!issues.empty()) throw ConfigError(join_issues(issues));
  const DepthLayout& layout = *find_layout(config.depth);
  const int64_t w = config.width;

  if (config.stem == "imagenet")
    conv1 = register_module("conv1", conv(config.in_channels, w, 7, 2, 3));
  else
    conv1 = register_module("conv1", conv(config.in_channels, w, 3, 1, 1));
  bn1 = register_module("bn1", batch_norm(w));

  int64_t in_planes = w;
  nn::Sequential* stages[4] = {&layer1, &layer2, &layer3, &layer4};
  for (int s = 0; s < 4; ++s) {
    const int64_t planes = w << s;  // w, 2w, 4w, 8w
    const int64_t stride = s == 0 ? 1 : 2;
    *stages[s] = layout.bottleneck ? make_stage<Bottleneck>(in_planes, planes, layout.blocks[s], stride)
                                   : make_stage<BasicBlock>(in_planes, planes, layout.blocks[s], stride);
    register_module("layer" + std::to_string(s + 1), *stages[s]);
  }
  feature_dim_ = in_planes;
  initialize_weights();
}

void ResNetImpl::initialize_weights() {
  torch::NoGradGuard no_grad;
  for (const auto& m : modules(/*include_self=*/false)) {
    if (auto* c = m->as<nn::Conv2dImpl>()) {
      nn::init::kaiming_normal_(c->weight, 0.0, torch::kFanOut, torch::kReLU);
    } else if (auto* bn = m->as<BatchNormImpl>()) {
      nn::init::ones_(bn->weight);
      nn::init::zeros_(bn->bias);
    }
  }
  if (!config_.zero_init_residual) return;
  for (const auto& m : modules(/*include_self=*/false)) {
    if (auto* b = m->as<BasicBlockImpl>()) nn::init::zeros_(b->last_bn()->weight);
    if (auto* b = m->as<BottleneckImpl>()) nn::init::zeros_(b->last_bn()->weight);
  }
}

torch::Tensor ResNetImpl::forward(torch::Tensor x) {
  if (x.dim() != 4 || x.size(1) != config_.in_channels)
    throw ConfigError("ResNet-" + std::to_string(config_.depth) + " expects input [B, " +
                      std::to_string(config_.in_channels) + ", H, W], got " + shape_of(x) +
                      " (encoder.resnet.in_channels must match the images' channels)");
  x = torch::relu(bn1->forward(conv1->forward(x)));  // [B, w, H, W] (imagenet: H/2, W/2)
  if (config_.stem == "imagenet")
    x = torch::max_pool2d(x, /*kernel_size=*/{3, 3}, /*stride=*/{2, 2}, /*padding=*/{1, 1});
  x = layer1->forward(x);  // [B, w * e, H', W']
  x = layer2->forward(x);  // [B, 2w * e, H'/2, W'/2]
  x = layer3->forward(x);  // [B, 4w * e, H'/4, W'/4]
  x = layer4->forward(x);  // [B, 8w * e, H'/8, W'/8]
  x = torch::adaptive_avg_pool2d(x, {1, 1});
  return x.flatten(1);  // [B, feature_dim]
}

std::string ResNetImpl::describe() const {
  char params[32];
  std::snprintf(params, sizeof params, "%.2fM", count_all_parameters(*this) / 1e6);
  return "ResNet-" + std::to_string(config_.depth) + " (" + config_.stem + " stem, width " +
         std::to_string(config_.width) + ", " + std::to_string(config_.in_channels) + "-channel input, " + params +
         " parameters, feature dim " + std::to_string(feature_dim_) + ")";
}

}  // namespace simclr
