#include "engine/train/train_metrics.h"

namespace simclr {

nlohmann::json to_json(const StepMetrics& m) {
  return {{"type", "step"},          {"step", m.step},           {"epoch", m.epoch},
          {"loss", m.loss},          {"lr", m.learning_rate},    {"views_per_s", m.views_per_s},
          {"augment_ms", m.augment_ms}, {"model_ms", m.model_ms}, {"positive_top1", m.positive_top1}};
}

nlohmann::json to_json(const MonitorMetrics& m) {
  return {{"type", "monitor"},
          {"step", m.step},
          {"epoch", m.epoch},
          {"knn_k", m.knn_k},
          {"knn_top1", m.knn_top1},
          {"knn_top1_k10", m.knn_top1_k10},
          {"alignment", m.alignment},
          {"uniformity", m.uniformity},
          {"z_std", m.z_std},
          {"h_effective_rank", m.h_effective_rank},
          {"seconds", m.seconds}};
}

}  // namespace simclr
