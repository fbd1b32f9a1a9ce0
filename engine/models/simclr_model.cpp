#include "engine/models/simclr_model.h"

#include "engine/core/error.h"

namespace simclr {

ConfigIssues EncoderConfig::validate(const std::string& path) const {
  const std::string prefix = path.empty() ? std::string() : path + ".";
  if (type == "resnet") return resnet.validate(prefix + "resnet");
  if (type == "vit") return vit.validate(prefix + "vit");
  return {{prefix + "type", "unknown encoder type \"" + type + "\" (use \"resnet\" or \"vit\")"}};
}

std::shared_ptr<EncoderImpl> make_encoder(const EncoderConfig& config) {
  const ConfigIssues issues = config.validate();
  if (!issues.empty()) throw ConfigError(join_issues(issues));
  // validate() accepts only the types handled here.
  if (config.type == "vit") return std::make_shared<VisionTransformerImpl>(config.vit);
  return std::make_shared<ResNetImpl>(config.resnet);
}

SimCLRModelImpl::SimCLRModelImpl(std::shared_ptr<EncoderImpl> encoder_, ProjectionHeadConfig head_config)
    : encoder(std::move(encoder_)) {
  if (!encoder) throw ConfigError("SimCLRModel: no encoder given");
  const int64_t features = encoder->feature_dim();
  if (head_config.input_dim == 0) head_config.input_dim = features;
  if (head_config.input_dim != features)
    throw ConfigError("model.projection_head.input_dim: is " + std::to_string(head_config.input_dim) +
                      " but the encoder gives " + std::to_string(features) + " features (" + encoder->describe() +
                      "); use 0 to follow the encoder");
  register_module("encoder", encoder);
  head = register_module("head", ProjectionHead(head_config));
}

SimCLRModelImpl::Output SimCLRModelImpl::forward(torch::Tensor x) {
  Output out;
  out.h = encoder->forward(std::move(x));  // [B, F]
  out.z = head->forward(out.h);            // [B, P]
  return out;
}

torch::Tensor SimCLRModelImpl::embed(torch::Tensor x) {
  return encoder->forward(std::move(x));  // [B, F]
}

std::string SimCLRModelImpl::describe() const {
  return encoder->describe() + " + " + head->describe();
}

}  // namespace simclr
