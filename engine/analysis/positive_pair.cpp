#include "engine/analysis/positive_pair.h"

#include <algorithm>

#include <torch/torch.h>

#include "engine/augment/augment_pipeline.h"
#include "engine/core/error.h"
#include "engine/core/seeding.h"
#include "engine/train/view_generator.h"

namespace simclr {

namespace {
// The seed stream that draws the batch (the views use the trainer's view stream).
constexpr uint64_t kBatchStream = 41;
}  // namespace

PositivePairResult positive_pair(TrainedRun& run, int64_t index, const PositivePairOptions& options,
                                 const JobCallbacks& callbacks, const StopToken& stop) {
  const ImageDataset& split = run.split(options.split);
  const ImageDataset& train = run.data.train;
  const int64_t n = split.size();
  if (index < 0 || index >= n)
    throw ConfigError("positive pair: index " + std::to_string(index) + " is outside the " + options.split +
                      " split (" + std::to_string(n) + " images)");
  const int64_t B = options.batch_size;
  const bool query_in_train = options.split == "train";
  const int64_t others = train.size() - (query_in_train ? 1 : 0);
  if (B < 2 || B - 1 > others)
    throw ConfigError("positive pair: batch_size must be in [2, " + std::to_string(others + 1) + "] (the query and " +
                      "the other training images), got " + std::to_string(B));
  if (options.hardest < 0) throw ConfigError("positive pair: hardest must be >= 0");
  const AugmentPipeline pipeline =
      AugmentPipeline::from_json(options.augmentation.is_null() ? run.config.augmentation : options.augmentation);

  // The batch: the query, then B-1 other training images in a seeded random order.
  PositivePairResult out;
  out.split = options.split;
  out.index = index;
  out.label = split.labels[index].item<int64_t>();
  out.step = run.step;
  out.batch_size = B;
  auto gen = make_generator(derive_seed(options.seed, {kBatchStream}));
  const torch::Tensor order = torch::randperm(train.size(), gen, torch::kLong);
  const int64_t* o = order.data_ptr<int64_t>();
  for (int64_t i = 0; i < order.numel() && int64_t(out.batch_indices.size()) < B - 1; ++i)
    if (!(query_in_train && o[i] == index)) out.batch_indices.push_back(o[i]);
  const torch::Tensor rows = torch::tensor(out.batch_indices, torch::kLong);
  const torch::Tensor images =
      torch::cat({split.images.slice(0, index, index + 1), train.images.index_select(0, rows)});  // uint8 [B, C, H, W]
  const torch::Tensor labels = train.labels.index_select(0, rows);                                // int64 [B-1]

  // Two views of the batch, exactly as the trainer makes them for a step.
  torch::Tensor views[2];
  for (int v = 0; v < 2; ++v) {
    auto view_gen = view_generator(options.seed, 0, v);
    views[v] = pipeline.apply(images, view_gen);  // float [B, C, H', W'] in [0, 1]
  }
  const torch::Tensor all = torch::cat({views[0], views[1]});  // [2B, ...]: view 1 of all, then view 2
  torch::Tensor x = normalize(all, run.stats.mean, run.stats.std);
  if (run.image_size > 0 && (x.size(2) != run.image_size || x.size(3) != run.image_size))
    x = torch::nn::functional::interpolate(x, torch::nn::functional::InterpolateFuncOptions()
                                                  .size(std::vector<int64_t>{run.image_size, run.image_size})
                                                  .mode(torch::kBilinear)
                                                  .align_corners(false));

  // z of every view, in eval mode, in chunks.
  const int64_t chunk =
      std::max<int64_t>(1, options.forward_batch > 0 ? options.forward_batch : run.config.evaluation.batch_size);
  const bool was_training = run.model->is_training();
  run.model->eval();
  std::vector<torch::Tensor> zs;
  {
    torch::NoGradGuard no_grad;
    ProgressClock clock("positive pair", 2 * B);
    for (int64_t start = 0; start < 2 * B; start += chunk) {
      stop.throw_if_stopped("positive pair");
      const int64_t end = std::min(2 * B, start + chunk);
      zs.push_back(run.model->forward(x.slice(0, start, end).to(run.device)).z.to(torch::kCPU, torch::kFloat));
      callbacks.progress(clock.at(end));
    }
  }
  if (was_training) run.model->train();
  const torch::Tensor z = torch::nn::functional::normalize(
      torch::cat(zs), torch::nn::functional::NormalizeFuncOptions().dim(1));  // [2B, D]

  // Similarities to the query's first view (row 0); the positive is row B.
  const torch::Tensor sim = z.matmul(z[0]);  // [2B]
  out.positive_similarity = sim[B].item<float>();
  std::vector<int64_t> positions;  // rows of the negatives: 1..B-1 and B+1..2B-1
  for (int64_t r = 1; r < 2 * B; ++r)
    if (r != B) positions.push_back(r);
  const torch::Tensor neg_rows = torch::tensor(positions, torch::kLong);
  const torch::Tensor neg = sim.index_select(0, neg_rows);  // [2B-2]
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
    hard_views.push_back(all[row].to(torch::kCPU));
  }
  out.hardest_views = hard_views.empty() ? torch::empty({0}) : torch::stack(hard_views);
  out.view1 = all[0].to(torch::kCPU).clone();
  out.view2 = all[B].to(torch::kCPU).clone();
  return out;
}

}  // namespace simclr
