#include "engine/train/metrics_csv.h"

#include <cstdio>

#include <nlohmann/json.hpp>

#include "engine/core/error.h"
#include "engine/core/json_value.h"
#include "engine/train/train_metrics.h"

namespace simclr {

namespace {

// Every field through the typed structs, so the columns are the same for every run and a
// record missing a field shows its default rather than shifting columns.
nlohmann::json normalised(const nlohmann::json& record, const std::string& type) {
  return type == "step" ? to_json(step_metrics_from_json(record)) : to_json(monitor_metrics_from_json(record));
}

std::string cell(const nlohmann::json& value) {
  if (value.is_number_integer()) return std::to_string(value.get<long long>());
  if (value.is_number()) {
    char text[32];
    std::snprintf(text, sizeof text, "%.9g", value.get<double>());
    return text;
  }
  return value.is_string() ? value.get<std::string>() : value.dump();
}

// Every column a record of the type can have: the monitor's kNN and pair-retrieval fields
// too, left empty in rows without them (an unlabelled run, a run made before pairs).
nlohmann::json all_columns(const std::string& type) {
  if (type == "step") return to_json(StepMetrics{});
  MonitorMetrics m;
  m.has_knn = true;
  m.pair_top1 = m.pair_loss = 0;
  return to_json(m);
}

}  // namespace

std::string metrics_csv(const std::vector<nlohmann::json>& records, const std::string& type) {
  if (type != "step" && type != "monitor") throw ConfigError("metrics table '" + type + "': use step or monitor");
  std::vector<std::string> columns;
  const nlohmann::json all = all_columns(type);
  for (auto it = all.begin(); it != all.end(); ++it)
    if (it.key() != "type") columns.push_back(it.key());
  std::string out;
  for (const auto& c : columns) out += (out.empty() ? "" : ",") + c;
  out += '\n';
  for (const auto& record : records) {
    if (json_value_or(record, "type", "") != type) continue;
    const nlohmann::json row = normalised(record, type);
    std::string line;
    for (size_t c = 0; c < columns.size(); ++c)
      line += (c ? "," : "") + (row.contains(columns[c]) ? cell(row[columns[c]]) : std::string());
    out += line + '\n';
  }
  return out;
}

}  // namespace simclr
