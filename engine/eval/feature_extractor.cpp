#include "engine/eval/feature_extractor.h"

#include <torch/torch.h>

#include "engine/augment/augment_pipeline.h"

namespace simclr {

namespace {
// Puts a module in eval mode for a scope and restores its previous mode.
class EvalModeGuard {
 public:
  explicit EvalModeGuard(torch::nn::Module& module) : module_(module), was_training_(module.is_training()) {
    module_.eval();
  }
  ~EvalModeGuard() { module_.train(was_training_); }

 private:
  torch::nn::Module& module_;
  bool was_training_;
};
}  // namespace

torch::Tensor prepare_images(const torch::Tensor& images, const EmbedOptions& options) {
  auto x = images.to(options.device, torch::kFloat, /*non_blocking=*/true).div_(255.0);
  if (options.image_size > 0 && (x.size(2) != options.image_size || x.size(3) != options.image_size))
    x = torch::nn::functional::interpolate(x, torch::nn::functional::InterpolateFuncOptions()
                                                  .size(std::vector<int64_t>{options.image_size, options.image_size})
                                                  .mode(torch::kBilinear)
                                                  .align_corners(false));
  if (!options.mean.empty()) x = normalize(x, options.mean, options.std);
  if (options.channels_last) x = x.contiguous(torch::MemoryFormat::ChannelsLast);
  return x;
}

namespace {
// `rows(begin, end)` gives uint8 [end - begin, C, H, W] on the CPU.
template <typename Rows>
Embeddings embed_rows(SimCLRModel& model, int64_t n, Rows&& rows, const EmbedOptions& options,
                      const JobCallbacks& callbacks, const StopToken& stop) {
  torch::NoGradGuard no_grad;
  EvalModeGuard eval_mode(*model);
  const int64_t batches = (n + options.batch_size - 1) / options.batch_size;
  ProgressClock clock(options.stage, batches);
  std::vector<torch::Tensor> hs, zs;
  for (int64_t b = 0; b < batches; ++b) {
    stop.throw_if_stopped(options.stage);
    const auto x = prepare_images(rows(b * options.batch_size, std::min(n, (b + 1) * options.batch_size)), options);
    auto out = model->forward(x);
    hs.push_back(out.h.to(torch::kFloat));
    zs.push_back(out.z.to(torch::kFloat));
    callbacks.progress(clock.at(b + 1));
  }
  if (hs.empty()) return {};
  return {torch::cat(hs), torch::cat(zs)};
}
}  // namespace

Embeddings embed_images(SimCLRModel& model, const torch::Tensor& images, const EmbedOptions& options,
                        const JobCallbacks& callbacks, const StopToken& stop) {
  return embed_rows(
      model, images.size(0), [&](int64_t begin, int64_t end) { return images.slice(0, begin, end); }, options,
      callbacks, stop);
}

Embeddings embed_dataset(SimCLRModel& model, const ImageDataset& images, const EmbedOptions& options,
                         const JobCallbacks& callbacks, const StopToken& stop) {
  return embed_rows(
      model, images.size(), [&](int64_t begin, int64_t end) { return images.rows(begin, end); }, options, callbacks,
      stop);
}

}  // namespace simclr
