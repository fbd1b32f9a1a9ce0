#pragma once
// The live monitor: every few epochs, embed a fixed monitor set with the backbone in eval
// mode and report weighted-kNN accuracy against a memory bank from the training split, plus
// label-free measures: positive-pair retrieval and NT-Xent on fixed views of held-out
// images, and embedding health (alignment, uniformity, z spread, effective rank of h).
// Without labels, the kNN part is left out.
#include "engine/augment/augment_pipeline.h"
#include "engine/data/image_dataset.h"
#include "engine/eval/feature_extractor.h"
#include "engine/project/project_config.h"
#include "engine/train/train_metrics.h"

namespace simclr {

class KnnMonitor {
 public:
  // embed: batch size, device, channel statistics and input size of the model.
  KnnMonitor(const DatasetSplits& data, const EvaluationConfig& config, const AugmentPipeline& pipeline,
             EmbedOptions embed, uint64_t seed, double temperature);
  MonitorMetrics evaluate(SimCLRModel& model, int64_t step, double epoch, const JobCallbacks& callbacks,
                          const StopToken& stop) const;
  int64_t bank_size() const { return bank_.size(); }
  int64_t query_size() const { return queries_.size(); }

 private:
  ImageDataset bank_;
  ImageDataset queries_;
  torch::Tensor pair_views_[2];  // two fixed augmentations of the first queries, normalised later
  EvaluationConfig config_;
  double temperature_;
  EmbedOptions embed_;
};

}  // namespace simclr
