#pragma once
// The projection head g(·) of SimCLR: maps the representation h to the space z where the
// contrastive loss is applied. `layers` Linear layers; every hidden Linear is followed by
// BatchNorm1d (optional) and ReLU. A hidden Linear that feeds a BatchNorm has no bias (the
// BN's beta replaces it, as in SimCLR's reference code); the last Linear always has one.
// layers = 0 is the paper's "no projection" ablation: z = h.
//
// Parameter count, with d_0 = input_dim, d_1..d_{L-1} = hidden_dim, d_L = output_dim:
//   sum_{l=1}^{L-1} (d_{l-1} * d_l + (batch_norm ? 2 * d_l : d_l))  +  d_{L-1} * d_L + d_L
#include <cstdint>
#include <string>

#include <torch/nn/module.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/pimpl.h>

#include "engine/core/config_issue.h"

namespace simclr {

struct ProjectionHeadConfig {
  int64_t input_dim = 0;  // size of h; 0 = take the encoder's feature_dim (SimCLRModel)
  int64_t hidden_dim = 512;
  int64_t output_dim = 128;
  int layers = 2;          // number of Linear layers; 1 = linear head, 0 = identity (z = h)
  bool batch_norm = true;  // BatchNorm1d after every hidden Linear

  // Every problem, located under `path`. With require_input_dim = false, input_dim = 0
  // is accepted (it is filled in from the encoder later).
  ConfigIssues validate(const std::string& path = "model.projection_head", bool require_input_dim = false) const;
};

class ProjectionHeadImpl : public torch::nn::Module {
 public:
  // Throws ConfigError for invalid values (input_dim must be set by now).
  explicit ProjectionHeadImpl(const ProjectionHeadConfig& config);

  // h [B, input_dim] -> z [B, output_dim()]. In training mode with batch_norm, B >= 2.
  torch::Tensor forward(torch::Tensor h);
  // Size of z: config.output_dim, or input_dim for the identity head.
  int64_t output_dim() const;
  std::string describe() const;
  const ProjectionHeadConfig& config() const { return config_; }

  // Linear / BatchNorm1d / ReLU in order: "layers.0.weight", "layers.1.weight", ...
  torch::nn::Sequential layers{nullptr};

 private:
  ProjectionHeadConfig config_;
};
TORCH_MODULE(ProjectionHead);

}  // namespace simclr
