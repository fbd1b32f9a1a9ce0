#include "engine/analysis/finetune_probe.h"

#include <torch/torch.h>

#include "engine/core/error.h"
#include "engine/core/seeding.h"
#include "engine/eval/feature_extractor.h"
#include "engine/analysis/mlp_probe.h"
#include "engine/train/precision.h"
#include "engine/train/run_setup.h"

namespace simclr {

namespace {

// A trainable copy of the run's model: same architecture, same weights and buffers.
SimCLRModel copy_model(const TrainedRun& run) {
  SimCLRModel copy = build_model(run.config, run.data.train.channels(), run.image_size);
  torch::NoGradGuard no_grad;
  auto source_params = run.model->named_parameters();
  for (auto& p : copy->named_parameters()) p.value().copy_(source_params[p.key()]);
  auto source_buffers = run.model->named_buffers();
  for (auto& b : copy->named_buffers()) b.value().copy_(source_buffers[b.key()]);
  copy->to(run.device);
  if (run.config.training.channels_last) to_channels_last(*copy);
  return copy;
}

double test_accuracy(SimCLRModel& model, MlpProbeNet& head, const ImageDataset& test, const EmbedOptions& embed,
                     const torch::Device& device, torch::ScalarType amp, const StopToken& stop) {
  torch::NoGradGuard no_grad;
  model->eval();
  head->eval();
  int64_t correct = 0;
  for (int64_t i = 0; i < test.size(); i += embed.batch_size) {
    stop.throw_if_stopped("finetune");
    const auto x = prepare_images(test.rows(i, i + embed.batch_size), embed);
    torch::Tensor logits;
    {
      AutocastGuard autocast(device, amp);
      logits = head(model->embed(x).to(torch::kFloat));
    }
    correct += logits.argmax(1).eq(test.labels.slice(0, i, i + embed.batch_size).to(device)).sum().item<int64_t>();
  }
  return test.size() ? static_cast<double>(correct) / static_cast<double>(test.size()) : 0;
}

}  // namespace

FinetuneResult finetune_probe(const TrainedRun& run, const FinetuneOptions& o, const JobCallbacks& callbacks,
                              const StopToken& stop) {
  run.require_labels("fine-tuning");
  if (o.hidden < 1 || o.epochs < 1 || o.batch_size < 1 || !(o.learning_rate > 0))
    throw ConfigError("finetune: hidden, epochs, batch_size and learning_rate must be positive");
  const ImageDataset train = run.data.train.limited_to(o.train_limit);
  const ImageDataset test = run.data.test.limited_to(o.test_limit);
  if (train.size() == 0) throw ConfigError("finetune: the training split is empty");
  const torch::Device device = run.device;
  const torch::ScalarType amp = o.autocast ? autocast_dtype(run.config.training.precision, device) : torch::kFloat;

  SimCLRModel model = copy_model(run);
  MlpProbeNet head(model->encoder->feature_dim(), o.hidden, train.num_classes());
  head->reset_parameters(derive_seed(o.seed, {0}));
  head->to(device);
  std::vector<torch::Tensor> params = model->encoder->parameters();  // the projection head g is not used
  for (const auto& p : head->parameters()) params.push_back(p);
  torch::optim::Adam adam(params, torch::optim::AdamOptions(o.learning_rate));

  EmbedOptions embed;  // the inputs the encoder saw in training, without the augmentations
  embed.batch_size = o.batch_size;
  embed.device = device;
  embed.mean = run.stats.mean;
  embed.std = run.stats.std;
  embed.image_size = run.image_size;
  embed.channels_last = run.config.training.channels_last;

  FinetuneResult r;
  r.train_size = train.size();
  r.test_size = test.size();
  const int64_t n = train.size();
  const int64_t batches = (n + o.batch_size - 1) / o.batch_size;
  ProgressClock clock("finetune", o.epochs * batches);
  for (int64_t epoch = 0; epoch < o.epochs; ++epoch) {
    model->train();
    head->train();
    auto gen = make_generator(derive_seed(o.seed, {1, static_cast<uint64_t>(epoch)}));
    const auto order = torch::randperm(n, gen, torch::kLong);
    double loss_sum = 0;
    int64_t correct = 0;
    for (int64_t b = 0; b < batches; ++b) {
      stop.throw_if_stopped("finetune");
      const auto idx = order.slice(0, b * o.batch_size, std::min(n, (b + 1) * o.batch_size));
      auto images = train.images.index_select(0, idx);  // uint8 [B, C, H, W]
      if (o.flip) {
        const auto mask = torch::rand({idx.size(0)}, gen).lt(0.5).view({-1, 1, 1, 1});
        images = torch::where(mask, images.flip(3), images);
      }
      const auto labels = train.labels.index_select(0, idx).to(device);
      torch::Tensor logits;
      {
        AutocastGuard autocast(device, amp);
        logits = head(model->embed(prepare_images(images, embed)).to(torch::kFloat));
      }
      const auto loss = torch::nn::functional::cross_entropy(logits.to(torch::kFloat), labels);
      adam.zero_grad();
      loss.backward();
      adam.step();
      loss_sum += loss.item<double>();
      correct += logits.argmax(1).eq(labels).sum().item<int64_t>();
      callbacks.progress(clock.at(epoch * batches + b + 1));
    }
    FinetuneEpoch e;
    e.epoch = epoch + 1;
    e.train_loss = loss_sum / static_cast<double>(batches);
    e.train_top1 = static_cast<double>(correct) / static_cast<double>(n);
    e.test_top1 = test_accuracy(model, head, test, embed, device, amp, stop);
    e.seconds = clock.elapsed_s();
    r.best_test_top1 = std::max(r.best_test_top1, e.test_top1);
    r.epochs.push_back(e);
    char line[160];
    std::snprintf(line, sizeof line, "finetune epoch %lld: loss %.4f, train top-1 %.2f%%, test top-1 %.2f%%",
                  static_cast<long long>(e.epoch), e.train_loss, 100 * e.train_top1, 100 * e.test_top1);
    callbacks.log(LogLevel::Info, line);
  }
  r.test_top1 = r.epochs.back().test_top1;
  r.seconds = clock.elapsed_s();
  return r;
}

}  // namespace simclr
