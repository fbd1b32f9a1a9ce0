#include "engine/train/train_metrics.h"

#include <cmath>
#include <cstdio>
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
    v("step", m.step), v("epoch", m.epoch), v("knn_k", m.knn_k), v("alignment", m.alignment);
    v("uniformity", m.uniformity), v("z_std", m.z_std), v("h_effective_rank", m.h_effective_rank);
    v("seconds", m.seconds);
  }
}

// The monitor's optional parts: kNN (labelled data) and pair retrieval (runs since it exists).
template <class M, class Visit>
void knn_fields(M& m, Visit&& v) {
  v("knn_top1", m.knn_top1), v("knn_top1_k10", m.knn_top1_k10);
}
template <class M, class Visit>
void pair_fields(M& m, Visit&& v) {
  v("pair_top1", m.pair_top1), v("pair_loss", m.pair_loss), v("pair_count", m.pair_count);
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

std::string monitor_summary(const MonitorMetrics& m) {
  char text[320];
  int n = std::snprintf(text, sizeof text, "step %lld:", static_cast<long long>(m.step));
  auto add = [&](const char* format, auto... values) {
    if (n >= 0 && size_t(n) < sizeof text) n += std::snprintf(text + n, sizeof text - size_t(n), format, values...);
  };
  if (m.has_knn)
    add(" kNN top-1 %.2f%% (k=%lld), %.2f%% (k=10),", 100 * m.knn_top1, static_cast<long long>(m.knn_k),
        100 * m.knn_top1_k10);
  if (std::isfinite(m.pair_top1))
    add(" pair retrieval %.2f%% of %lld views, pair loss %.4f,", 100 * m.pair_top1,
        static_cast<long long>(2 * m.pair_count), m.pair_loss);
  add(" alignment %.3f, uniformity %.3f, z std %.4f, effective rank %.1f", m.alignment, m.uniformity, m.z_std,
      m.h_effective_rank);
  return text;
}

nlohmann::json to_json(const StepMetrics& m) {
  return write(m, "step");
}
nlohmann::json to_json(const MonitorMetrics& m) {
  nlohmann::json j = write(m, "monitor");
  auto put = [&](const char* key, const auto& value) { j[key] = value; };
  if (m.has_knn) knn_fields(m, put);
  if (std::isfinite(m.pair_top1)) pair_fields(m, put);
  return j;
}
StepMetrics step_metrics_from_json(const nlohmann::json& record) {
  return read<StepMetrics>(record);
}
MonitorMetrics monitor_metrics_from_json(const nlohmann::json& record) {
  auto m = read<MonitorMetrics>(record);
  auto get = [&](const char* key, auto& value) { value = json_value_or(record, key, value); };
  m.has_knn = record.is_object() && record.contains("knn_top1");
  if (m.has_knn) knn_fields(m, get);
  if (record.is_object() && record.contains("pair_top1")) pair_fields(m, get);
  return m;
}

}  // namespace simclr
