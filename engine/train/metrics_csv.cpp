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

}  // namespace

std::string metrics_csv(const std::vector<nlohmann::json>& records, const std::string& type) {
  if (type != "step" && type != "monitor") throw ConfigError("metrics table '" + type + "': use step or monitor");
  const nlohmann::json columns = normalised(nlohmann::json::object(), type);
  std::string out;
  for (auto it = columns.begin(); it != columns.end(); ++it) {
    if (it.key() == "type") continue;
    out += (out.empty() ? "" : ",") + it.key();
  }
  out += '\n';
  for (const auto& record : records) {
    if (json_value_or(record, "type", "") != type) continue;
    const nlohmann::json row = normalised(record, type);
    std::string line;
    for (auto it = row.begin(); it != row.end(); ++it) {
      if (it.key() == "type") continue;
      line += (line.empty() ? "" : ",") + cell(it.value());
    }
    out += line + '\n';
  }
  return out;
}

}  // namespace simclr
