#include "engine/train/train_optimizer.h"

#include "engine/core/error.h"

namespace simclr {

bool excluded_from_lars(const std::string& name, const torch::Tensor& parameter) {
  return parameter.dim() <= 1 || name.find("bias") != std::string::npos;
}

TrainOptimizer::TrainOptimizer(const TrainingConfig& config,
                               const torch::OrderedDict<std::string, torch::Tensor>& named_parameters)
    : kind_(config.optimizer), weight_decay_(config.weight_decay) {
  std::vector<torch::Tensor> all;
  for (const auto& item : named_parameters) {
    if (!item.value().requires_grad()) continue;
    all.push_back(item.value());
    if (!excluded_from_lars(item.key(), item.value())) adapted_.push_back(item.value());
  }
  if (kind_ == "adam") {
    inner_ = std::make_unique<torch::optim::Adam>(
        all, torch::optim::AdamOptions(config.learning_rate).weight_decay(config.weight_decay));
  } else if (kind_ == "sgd") {
    inner_ = std::make_unique<torch::optim::SGD>(
        all,
        torch::optim::SGDOptions(config.learning_rate).momentum(config.momentum).weight_decay(config.weight_decay));
  } else if (kind_ == "lars") {
    // LARS = SGD with momentum on gradients rescaled per layer by the trust ratio
    // eta * ||w|| / ||g + wd * w||, decay folded into the adapted gradient, no decay for
    // excluded parameters. So the inner SGD itself has no weight decay.
    inner_ = std::make_unique<torch::optim::SGD>(
        all, torch::optim::SGDOptions(config.learning_rate).momentum(config.momentum).weight_decay(0.0));
  } else {
    throw ConfigError("training.optimizer: unknown optimizer '" + kind_ + "' (adam, sgd or lars)");
  }
}

void TrainOptimizer::zero_grad() {
  for (auto& group : inner_->param_groups())
    for (auto& p : group.params())
      if (p.grad().defined()) p.grad().zero_();
}

void TrainOptimizer::apply_lars_trust_ratios() {
  torch::NoGradGuard no_grad;
  for (auto& w : adapted_) {
    if (!w.grad().defined()) continue;
    auto g = w.grad();
    g.add_(w, weight_decay_);
    const auto w_norm = w.norm();
    const auto g_norm = g.norm();
    // Trust ratio 1 where either norm is zero (fresh zero-initialised layers).
    const auto trust =
        torch::where(w_norm.gt(0).logical_and(g_norm.gt(0)), lars_eta_ * w_norm / g_norm, torch::ones_like(w_norm));
    g.mul_(trust);
  }
}

void TrainOptimizer::step() {
  if (kind_ == "lars") apply_lars_trust_ratios();
  inner_->step();
}

void TrainOptimizer::set_learning_rate(double lr) {
  for (auto& group : inner_->param_groups()) group.options().set_lr(lr);
}

double TrainOptimizer::learning_rate() const {
  return inner_->param_groups().front().options().get_lr();
}

void TrainOptimizer::save(torch::serialize::OutputArchive& archive) const {
  inner_->save(archive);
}
void TrainOptimizer::load(torch::serialize::InputArchive& archive) {
  inner_->load(archive);
}

}  // namespace simclr
