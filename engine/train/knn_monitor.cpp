#include "engine/train/knn_monitor.h"

#include <chrono>

#include "engine/core/seeding.h"
#include "engine/eval/embedding_health.h"
#include "engine/eval/knn_classifier.h"
#include "engine/losses/nt_xent_loss.h"

namespace simclr {

namespace {
// Positive pairs for alignment and retrieval: enough for a stable mean, and a fixed set so
// the values are comparable over a run (retrieval among 1024 views; chance is 1 in 1023).
constexpr int64_t kPairCount = 512;

// The monitor embeds its sets every few steps, so they are held in memory; from a streamed
// split ("all" included) it takes at most this many images.
constexpr int64_t kStreamedMonitorImages = 10000;

ImageDataset monitor_set(const ImageDataset& split, int64_t limit) {
  if (split.streamed() && (limit <= 0 || limit > kStreamedMonitorImages)) limit = kStreamedMonitorImages;
  return split.limited_to(limit).in_memory();
}

}  // namespace

KnnMonitor::KnnMonitor(const DatasetSplits& data, const EvaluationConfig& config, const AugmentPipeline& pipeline,
                       EmbedOptions embed, uint64_t seed, double temperature)
    : bank_(data.train.labelled() ? monitor_set(data.train, config.monitor_bank_size) : ImageDataset()),
      queries_(monitor_set(data.test, config.monitor_test_size)),
      config_(config),
      temperature_(temperature),
      embed_(std::move(embed)) {
  // The same two views every time, so alignment is comparable across the run.
  const auto images = queries_.images.slice(0, 0, std::min<int64_t>(kPairCount, queries_.size()));
  for (int view = 0; view < 2; ++view) {
    auto gen = make_generator(derive_seed(seed, {0x6d6f6e69ULL, static_cast<uint64_t>(view)}));
    pair_views_[view] = pipeline.apply(images, gen).mul_(255.0).round_().to(torch::kUInt8);
  }
}

MonitorMetrics KnnMonitor::evaluate(SimCLRModel& model, int64_t step, double epoch, const JobCallbacks& callbacks,
                                    const StopToken& stop) const {
  const auto start = std::chrono::steady_clock::now();
  MonitorMetrics m;
  m.step = step;
  m.epoch = epoch;
  m.knn_k = config_.knn_k;
  m.has_knn = bank_.labelled();
  EmbedOptions options = embed_;
  options.stage = "monitor: test set";
  const auto queries = embed_images(model, queries_.images, options, callbacks, stop);
  if (bank_.labelled()) {
    options.stage = "kNN monitor: training bank";
    const auto bank = embed_images(model, bank_.images, options, callbacks, stop);
    KnnOptions knn;
    knn.ks = {config_.knn_k, 10};
    knn.temperature = config_.knn_temperature;
    knn.num_classes = bank_.num_classes();
    const auto accuracy =
        knn_accuracy(bank.h, bank_.labels.to(bank.h.device()), queries.h, queries_.labels.to(bank.h.device()), knn);
    m.knn_top1 = accuracy[0].top1;
    m.knn_top1_k10 = accuracy[1].top1;
  }
  options.stage = "monitor: positive pairs";
  const auto view1 = embed_images(model, pair_views_[0], options, {}, stop);
  const auto view2 = embed_images(model, pair_views_[1], options, {}, stop);
  m.pair_top1 = contrastive_stats(view1.h, view2.h).positive_top1;
  m.pair_loss = nt_xent_loss(view1.z, view2.z, temperature_).item<double>();
  m.pair_count = view1.h.size(0);
  m.alignment = alignment(view1.z, view2.z);
  const auto sample = queries.z.slice(0, 0, std::min<int64_t>(2048, queries.z.size(0)));
  m.uniformity = uniformity(sample);
  m.z_std = normalized_std(queries.z);
  m.h_effective_rank = effective_rank(queries.h);
  m.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return m;
}

}  // namespace simclr
