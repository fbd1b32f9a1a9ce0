#include "engine/augment/augment_json.h"

#include <cmath>
#include <cstdio>
#include <limits>

namespace simclr::augment_detail {

std::string join_path(const std::string& prefix, const std::string& key) {
  return prefix.empty() ? key : prefix + "." + key;
}

std::string index_path(const std::string& prefix, size_t index) {
  return prefix + "[" + std::to_string(index) + "]";
}

std::string Bounds::describe() const {
  if (std::isinf(hi)) return (lo_open ? "> " : ">= ") + format_number(lo);
  return (lo_open ? "(" : "[") + format_number(lo) + ", " + format_number(hi) + "]";
}

JsonFields::JsonFields(const nlohmann::json& object, std::string path, ConfigIssues& issues)
    : object_(object), path_(std::move(path)), issues_(issues) {}

bool JsonFields::has(const std::string& key) const {
  return object_.contains(key);
}

const nlohmann::json* JsonFields::get(const std::string& key) {
  known_.insert(key);
  const auto it = object_.find(key);
  return it == object_.end() ? nullptr : &*it;
}

void JsonFields::issue(const std::string& key, const std::string& message) {
  issues_.push_back({path(key), message});
}

double JsonFields::number(const std::string& key, double fallback, const Bounds& bounds) {
  const auto* value = get(key);
  if (!value) return fallback;
  if (!value->is_number()) {
    issue(key, "must be a number in " + bounds.describe());
    return fallback;
  }
  const double v = value->get<double>();
  if (!std::isfinite(v) || !bounds.contains(v)) {
    issue(key, "must be in " + bounds.describe() + " (got " + format_number(v) + ")");
    return fallback;
  }
  return v;
}

int64_t JsonFields::integer(const std::string& key, int64_t fallback, const Bounds& bounds) {
  const auto* value = get(key);
  if (!value) return fallback;
  const bool integral =
      value->is_number_integer() || (value->is_number_float() && std::isfinite(value->get<double>()) &&
                                     std::floor(value->get<double>()) == value->get<double>());
  if (!integral) {
    issue(key, "must be an integer in " + bounds.describe());
    return fallback;
  }
  const double v = value->get<double>();
  if (!bounds.contains(v)) {
    issue(key, "must be in " + bounds.describe() + " (got " + format_number(v) + ")");
    return fallback;
  }
  return static_cast<int64_t>(v);
}

std::string JsonFields::string(const std::string& key, const std::string& fallback) {
  const auto* value = get(key);
  if (!value) return fallback;
  if (!value->is_string()) {
    issue(key, "must be a string");
    return fallback;
  }
  return value->get<std::string>();
}

std::pair<double, double> JsonFields::range(const std::string& key, std::pair<double, double> fallback,
                                            const Bounds& bounds) {
  const auto* value = get(key);
  if (!value) return fallback;
  const std::string expected =
      "must be [min, max] with min <= max, both " + std::string(std::isinf(bounds.hi) ? "" : "in ") + bounds.describe();
  if (!value->is_array() || value->size() != 2 || !(*value)[0].is_number() || !(*value)[1].is_number()) {
    issue(key, expected);
    return fallback;
  }
  const double lo = (*value)[0].get<double>();
  const double hi = (*value)[1].get<double>();
  if (!std::isfinite(lo) || !std::isfinite(hi) || !bounds.contains(lo) || !bounds.contains(hi) || lo > hi) {
    issue(key, expected + " (got [" + format_number(lo) + ", " + format_number(hi) + "])");
    return fallback;
  }
  return {lo, hi};
}

void JsonFields::report_unknown_keys(const std::string& what) {
  for (auto it = object_.begin(); it != object_.end(); ++it) {
    if (!known_.count(it.key())) issue(it.key(), "unknown key for " + what);
  }
}

}  // namespace simclr::augment_detail
