#pragma once
// The optimizers a project can choose: Adam (the paper's), SGD with momentum, and LARS
// (You et al. 2017) as used by SimCLR. One small interface so the trainer, the schedule
// and checkpoints treat them alike.
#include <memory>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "engine/project/project_config.h"

namespace simclr {

class TrainOptimizer {
 public:
  // named_parameters: the model's, so LARS can tell biases and norm parameters apart.
  TrainOptimizer(const TrainingConfig& config, const torch::OrderedDict<std::string, torch::Tensor>& named_parameters);

  void zero_grad();
  void step();
  void set_learning_rate(double lr);
  double learning_rate() const;
  void save(torch::serialize::OutputArchive& archive) const;
  void load(torch::serialize::InputArchive& archive);
  const std::string& kind() const { return kind_; }

 private:
  void apply_lars_trust_ratios();

  std::string kind_;
  double weight_decay_;
  double lars_eta_ = 0.001;
  std::vector<torch::Tensor> adapted_;  // LARS: weights that get trust ratios and decay
  std::unique_ptr<torch::optim::Optimizer> inner_;
};

// True for parameters LARS leaves alone: biases and batch-norm weights (1-D tensors).
bool excluded_from_lars(const std::string& name, const torch::Tensor& parameter);

}  // namespace simclr
