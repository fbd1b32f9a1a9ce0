#include "engine/models/projection_head.h"

#include <sstream>

#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/linear.h>

#include "engine/core/error.h"
#include "engine/models/batch_norm.h"

namespace simclr {

namespace nn = torch::nn;

ConfigIssues ProjectionHeadConfig::validate(const std::string& path, bool require_input_dim) const {
  ConfigIssues issues;
  const std::string prefix = path.empty() ? std::string() : path + ".";
  if (input_dim < 0 || (require_input_dim && input_dim == 0))
    issues.push_back({prefix + "input_dim", "must be >= 1" +
                                                std::string(require_input_dim ? "" : " (or 0 = the encoder's)") +
                                                ", got " + std::to_string(input_dim)});
  if (layers < 0 || layers > 16)
    issues.push_back({prefix + "layers", "must be between 0 (no head) and 16, got " + std::to_string(layers)});
  if (layers >= 2 && hidden_dim < 1)
    issues.push_back({prefix + "hidden_dim", "must be >= 1, got " + std::to_string(hidden_dim)});
  if (layers >= 1 && output_dim < 1)
    issues.push_back({prefix + "output_dim", "must be >= 1, got " + std::to_string(output_dim)});
  return issues;
}

ProjectionHeadImpl::ProjectionHeadImpl(const ProjectionHeadConfig& config) : config_(config) {
  const ConfigIssues issues = config.validate("model.projection_head", /*require_input_dim=*/true);
  if (!issues.empty()) throw ConfigError(join_issues(issues));

  layers = nn::Sequential();
  int64_t in = config.input_dim;
  for (int l = 1; l < config.layers; ++l) {  // hidden layers
    layers->push_back(nn::Linear(nn::LinearOptions(in, config.hidden_dim).bias(!config.batch_norm)));
    if (config.batch_norm) layers->push_back(BatchNorm(config.hidden_dim));
    layers->push_back(nn::ReLU());
    in = config.hidden_dim;
  }
  if (config.layers >= 1) layers->push_back(nn::Linear(in, config.output_dim));
  register_module("layers", layers);
}

torch::Tensor ProjectionHeadImpl::forward(torch::Tensor h) {
  if (layers->is_empty()) return h;  // identity head: z = h
  return layers->forward(h);         // [B, input_dim] -> [B, output_dim]
}

int64_t ProjectionHeadImpl::output_dim() const {
  return config_.layers == 0 ? config_.input_dim : config_.output_dim;
}

std::string ProjectionHeadImpl::describe() const {
  std::ostringstream s;
  if (config_.layers == 0) {
    s << "identity head (z = h, " << config_.input_dim << ")";
    return s.str();
  }
  s << (config_.layers == 1 ? "linear" : "MLP") << " head " << config_.input_dim;
  for (int l = 1; l < config_.layers; ++l) s << " -> " << config_.hidden_dim;
  s << " -> " << config_.output_dim;
  if (config_.layers >= 2) s << (config_.batch_norm ? " (BN, ReLU)" : " (ReLU)");
  return s.str();
}

}  // namespace simclr
