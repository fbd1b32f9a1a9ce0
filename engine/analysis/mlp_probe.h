#pragma once
// The paper's MLP evaluation: flatten -> Linear(D, hidden) -> ReLU -> Linear(hidden,
// classes), trained with Adam and cross-entropy on any [N, D] input (raw pixels,
// embeddings, PCA or t-SNE coordinates). Inputs are standardised with training statistics
// by default, so 2-D t-SNE coordinates and [0, 1] pixels train alike.
#include <cstdint>
#include <string>
#include <vector>

#include <torch/nn/module.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>
#include <torch/types.h>

#include "engine/core/job.h"
#include "engine/analysis/probe_data.h"

namespace simclr {

class MlpProbeNetImpl : public torch::nn::Module {
 public:
  MlpProbeNetImpl(int64_t input_dim, int64_t hidden, int64_t classes);
  torch::Tensor forward(const torch::Tensor& x);  // [B, ...] -> logits [B, classes]
  // PyTorch's default Linear initialisation, U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for weights
  // and biases, drawn from a generator seeded with `seed` instead of torch's global one, so
  // a probe's result depends on its own seed alone.
  void reset_parameters(uint64_t seed);

  torch::nn::Linear fc1{nullptr}, fc2{nullptr};
};
TORCH_MODULE(MlpProbeNet);

struct MlpProbeOptions {
  int64_t hidden = 512;
  int64_t epochs = 20;
  int64_t batch_size = 256;
  double learning_rate = 1e-3;
  double weight_decay = 0;  // Adam's (L2) weight decay
  bool standardize = true;  // fit mean/std on the training rows
  uint64_t seed = 0;        // initialisation and mini-batch order
  torch::Device device = torch::kCPU;
  bool test_every_epoch = true;  // fill MlpEpoch::test_top1 (else only at the end)
  std::string stage = "mlp probe";
};

struct MlpEpoch {
  int64_t epoch = 0;      // 1-based
  double train_loss = 0;  // mean over the epoch's mini-batches
  double test_top1 = -1;  // -1 when not measured
};

struct MlpProbeResult {
  double train_top1 = 0, train_top5 = 0;  // fractions, after the last epoch
  double test_top1 = 0, test_top5 = 0;
  int64_t input_dim = 0, num_classes = 0;
  std::vector<MlpEpoch> history;
  double seconds = 0;
};

// Progress: one step per epoch under options.stage. Throws ConfigError for bad options or
// data, CancelledError on stop.
MlpProbeResult mlp_probe(const ProbeData& data, const MlpProbeOptions& options = {}, const JobCallbacks& callbacks = {},
                         const StopToken& stop = {});

}  // namespace simclr
