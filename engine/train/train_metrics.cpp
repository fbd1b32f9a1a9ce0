#include "engine/train/train_metrics.h"

#include <type_traits>

#include "engine/core/json_value.h"

namespace simclr {

namespace {
// Each record's fields and JSON names, listed once for writing and reading.
template <class M, class Visit>
void fields(M& m, Visit&& v) {
  if constexpr (std::is_same_v<std::remove_const_t<M>, StepMetrics>) {
    v("step", m.step), v("epoch", m.epoch), v("loss", m.loss), v("lr", m.learning_rate);
    v("views_per_s", m.views_per_s), v("augment_ms", m.augment_ms), v("model_ms", m.model_ms);
    v("positive_top1", m.positive_top1);
  } else {
    v("step", m.step), v("epoch", m.epoch), v("knn_k", m.knn_k), v("knn_top1", m.knn_top1);
    v("knn_top1_k10", m.knn_top1_k10), v("alignment", m.alignment), v("uniformity", m.uniformity);
    v("z_std", m.z_std), v("h_effective_rank", m.h_effective_rank), v("seconds", m.seconds);
  }
}

template <class M>
nlohmann::json write(const M& m, const char* type) {
  nlohmann::json j{{"type", type}};
  fields(m, [&](const char* key, const auto& value) { j[key] = value; });
  return j;
}

template <class M>
M read(const nlohmann::json& j) {
  M m;
  fields(m, [&](const char* key, auto& value) {
    value = json_value_or(j, key, value);  // an integer field takes no float (1e300 has no int64)
  });
  return m;
}
}  // namespace

nlohmann::json to_json(const StepMetrics& m) {
  return write(m, "step");
}
nlohmann::json to_json(const MonitorMetrics& m) {
  return write(m, "monitor");
}
StepMetrics step_metrics_from_json(const nlohmann::json& record) {
  return read<StepMetrics>(record);
}
MonitorMetrics monitor_metrics_from_json(const nlohmann::json& record) {
  return read<MonitorMetrics>(record);
}

}  // namespace simclr
