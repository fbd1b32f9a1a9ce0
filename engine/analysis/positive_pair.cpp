#include "engine/analysis/positive_pair.h"

#include <algorithm>

#include <torch/torch.h>

#include "engine/augment/augment_pipeline.h"
#include "engine/core/error.h"
#include "engine/core/seeding.h"
#include "engine/train/view_generator.h"

namespace simclr {

namespace {
// The seed stream that draws the batch (the views use the trainer's view streams).
constexpr uint64_t kBatchStream = 41;

void check_options(const TrainedRun& run, int64_t index, const PositivePairOptions& options) {
  const int64_t n = run.split(options.split).size();
  if (index < 0 || index >= n)
    throw ConfigError("positive pair: index " + std::to_string(index) + " is outside the " + options.split +
                      " split (" + std::to_string(n) + " images)");
  const int64_t B = options.batch_size;
  const int64_t others = run.data.train.size() - (options.split == "train" ? 1 : 0);
  if (B < 2 || B - 1 > others)
    throw ConfigError("positive pair: batch_size must be in [2, " + std::to_string(others + 1) + "] (the query and " +
                      "the other training images), got " + std::to_string(B));
  if (options.hardest < 0) throw ConfigError("positive pair: hardest must be >= 0");
}

// The batch: the query, then B-1 other training images in a seeded random order.
// Fills out.batch_indices; returns uint8 [B, C, H, W].
torch::Tensor draw_batch(const TrainedRun& run, int64_t index, const PositivePairOptions& options,
                         PositivePairResult& out) {
  const ImageDataset& split = run.split(options.split);
  const ImageDataset& train = run.data.train;
  const bool query_in_train = options.split == "train";
  auto gen = make_generator(derive_seed(options.seed, {kBatchStream}));
  const torch::Tensor order = torch::randperm(train.size(), gen, torch::kLong);
  const int64_t* o = order.data_ptr<int64_t>();
  for (int64_t i = 0; i < order.numel() && int64_t(out.batch_indices.size()) < options.batch_size - 1; ++i)
    if (!(query_in_train && o[i] == index)) out.batch_indices.push_back(o[i]);
  const torch::Tensor rows = torch::tensor(out.batch_indices, torch::kLong);
  return torch::cat({split.rows(index, index + 1), train.gather(rows)});
}

// Both views of the batch as the run's trainer draws them at a step (views_version 1: one
// generator per view for the batch; 2: one per image). [2B, C, H', W'] in [0, 1]: view 1 of
// every image, then view 2.
torch::Tensor draw_views(const AugmentPipeline& pipeline, const torch::Tensor& images, uint64_t seed,
                         int64_t views_version) {
  std::vector<torch::Tensor> views;
  for (int v = 0; v < 2; ++v) {
    if (views_version == 1) {
      auto gen = view_generator(seed, 0, v);
      views.push_back(pipeline.apply(images, gen));
      continue;
    }
    for (int64_t b = 0; b < images.size(0); ++b) {
      auto gen = image_view_generator(seed, 0, v, b);
      views.push_back(pipeline.apply(images.slice(0, b, b + 1), gen));
    }
  }
  return torch::cat(views);
}

// L2-normalised z of every view [2B, D], in eval mode, in chunks.
torch::Tensor embed_views(TrainedRun& run, const torch::Tensor& views, const PositivePairOptions& options,
                          const JobCallbacks& callbacks, const StopToken& stop) {
  torch::Tensor x = normalize(views, run.stats.mean, run.stats.std);
  if (run.image_size > 0 && (x.size(2) != run.image_size || x.size(3) != run.image_size))
    x = torch::nn::functional::interpolate(x, torch::nn::functional::InterpolateFuncOptions()
                                                  .size(std::vector<int64_t>{run.image_size, run.image_size})
                                                  .mode(torch::kBilinear)
                                                  .align_corners(false));
  const int64_t chunk =
      std::max<int64_t>(1, options.forward_batch > 0 ? options.forward_batch : run.config.evaluation.batch_size);
  const bool was_training = run.model->is_training();
  run.model->eval();
  std::vector<torch::Tensor> zs;
  {
    torch::NoGradGuard no_grad;
    ProgressClock clock("positive pair", x.size(0));
    for (int64_t start = 0; start < x.size(0); start += chunk) {
      stop.throw_if_stopped("positive pair");
      const int64_t end = std::min(x.size(0), start + chunk);
      zs.push_back(run.model->forward(x.slice(0, start, end).to(run.device)).z.to(torch::kCPU, torch::kFloat));
      callbacks.progress(clock.at(end));
    }
  }
  if (was_training) run.model->train();
  return torch::nn::functional::normalize(torch::cat(zs), torch::nn::functional::NormalizeFuncOptions().dim(1));
}

// Similarities to the query's first view (row 0), whose positive is row B: its rank among
// the 2B-2 negatives and the `hardest` of them.
void rank_negatives(const torch::Tensor& z, const torch::Tensor& views, const torch::Tensor& labels,
                    const PositivePairOptions& options, PositivePairResult& out) {
  const int64_t B = options.batch_size;
  const torch::Tensor sim = z.matmul(z[0]);  // [2B]
  out.positive_similarity = sim[B].item<float>();
  std::vector<int64_t> positions;  // rows of the negatives: 1..B-1 and B+1..2B-1
  for (int64_t r = 1; r < 2 * B; ++r)
    if (r != B) positions.push_back(r);
  const torch::Tensor neg = sim.index_select(0, torch::tensor(positions, torch::kLong));  // [2B-2]
  out.negatives = neg.numel();
  out.rank = 1 + (neg > out.positive_similarity).sum().item<int64_t>();

  const int64_t k = std::min(options.hardest, out.negatives);
  const auto sorted = torch::sort(neg, /*stable=*/true, /*dim=*/0, /*descending=*/true);
  const torch::Tensor top = std::get<1>(sorted).slice(0, 0, k);  // [k] into neg
  std::vector<torch::Tensor> hard_views;
  for (int64_t i = 0; i < k; ++i) {
    const int64_t row = positions[size_t(top[i].item<int64_t>())];
    HardNegative h;
    h.batch_position = row % B;
    h.view = int(row / B);
    h.index = out.batch_indices[size_t(h.batch_position - 1)];
    h.similarity = sim[row].item<float>();
    h.label = labels[h.batch_position - 1].item<int64_t>();
    out.hardest.push_back(h);
    hard_views.push_back(views[row].to(torch::kCPU));
  }
  out.hardest_views = hard_views.empty() ? torch::empty({0}) : torch::stack(hard_views);
}

}  // namespace

PositivePairResult positive_pair(TrainedRun& run, int64_t index, const PositivePairOptions& options,
                                 const JobCallbacks& callbacks, const StopToken& stop) {
  check_options(run, index, options);
  const AugmentPipeline pipeline =
      AugmentPipeline::from_json(options.augmentation.is_null() ? run.config.augmentation : options.augmentation);
  PositivePairResult out;
  out.split = options.split;
  out.index = index;
  out.label = run.split(options.split).labels[index].item<int64_t>();
  out.step = run.step;
  out.batch_size = options.batch_size;
  const torch::Tensor images = draw_batch(run, index, options, out);
  const torch::Tensor labels = run.data.train.labels.index_select(0, torch::tensor(out.batch_indices, torch::kLong));
  const torch::Tensor views = draw_views(pipeline, images, options.seed, run.config.training.views_version);
  const torch::Tensor z = embed_views(run, views, options, callbacks, stop);
  rank_negatives(z, views, labels, options, out);
  out.view1 = views[0].to(torch::kCPU).clone();
  out.view2 = views[options.batch_size].to(torch::kCPU).clone();
  return out;
}

}  // namespace simclr
