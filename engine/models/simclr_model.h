#pragma once
// SimCLR's network: encoder f(·) giving the representation h, and projection head g(·)
// giving z = g(h), on which the contrastive loss is computed. h is what downstream
// evaluation (kNN, linear probe, t-SNE) uses; z is used only for training.
#include <memory>
#include <string>

#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

#include "engine/core/config_issue.h"
#include "engine/models/encoder.h"
#include "engine/models/parameter_count.h"
#include "engine/models/projection_head.h"
#include "engine/models/resnet.h"
#include "engine/models/vision_transformer.h"

namespace simclr {

struct EncoderConfig {
  std::string type = "resnet";  // "resnet" | "vit"
  ResNetConfig resnet;          // used when type == "resnet"
  VisionTransformerConfig vit;  // used when type == "vit"

  ConfigIssues validate(const std::string& path = "encoder") const;
};

// Builds the encoder the config describes. Throws ConfigError listing every invalid field.
std::shared_ptr<EncoderImpl> make_encoder(const EncoderConfig& config);

class SimCLRModelImpl : public torch::nn::Module {
 public:
  struct Output {
    torch::Tensor h;  // [B, encoder->feature_dim()]
    torch::Tensor z;  // [B, head->output_dim()]
  };

  // head.input_dim = 0 takes the encoder's feature_dim; any other value must equal it.
  // Throws ConfigError for a null encoder, a mismatched input_dim or an invalid head.
  SimCLRModelImpl(std::shared_ptr<EncoderImpl> encoder, ProjectionHeadConfig head);

  // x [B, C, H, W] -> h [B, F], z [B, P]
  Output forward(torch::Tensor x);
  // x [B, C, H, W] -> h [B, F]; the head is not run.
  torch::Tensor embed(torch::Tensor x);
  // "ResNet-18 (...) + MLP head 512 -> 512 -> 128 (BN, ReLU)"
  std::string describe() const;

  std::shared_ptr<EncoderImpl> encoder;  // registered as "encoder"
  ProjectionHead head{nullptr};          // registered as "head"
};
TORCH_MODULE(SimCLRModel);

}  // namespace simclr
