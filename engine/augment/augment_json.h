#pragma once
// Reading augmentation specs: typed access to the keys of one JSON object that records
// every problem with its JSON path ("augmentation.ops[1].p: must be in [0, 1]") and reports
// the keys nobody asked for.
#include <cstdint>
#include <set>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "engine/core/config_issue.h"

namespace simclr::augment_detail {

// "a.b" or "b" when the prefix is empty.
std::string join_path(const std::string& prefix, const std::string& key);
std::string index_path(const std::string& prefix, size_t index);
using simclr::format_number;  // engine/core/config_issue.h

// A closed or half-open interval for a number; lo_open makes it (lo, hi].
struct Bounds {
  double lo;
  double hi;
  bool lo_open = false;
  bool contains(double v) const { return (lo_open ? v > lo : v >= lo) && v <= hi; }
  std::string describe() const;  // "[0, 1]", "(0, 1]", ">= 0", "> 0"
};

class JsonFields {
 public:
  // `object` must be a JSON object (the caller checks and reports otherwise).
  JsonFields(const nlohmann::json& object, std::string path, ConfigIssues& issues);

  bool has(const std::string& key) const;
  const nlohmann::json* get(const std::string& key);  // marks the key as known
  std::string path(const std::string& key) const { return join_path(path_, key); }
  void issue(const std::string& key, const std::string& message);

  double number(const std::string& key, double fallback, const Bounds& bounds);
  int64_t integer(const std::string& key, int64_t fallback, const Bounds& bounds);
  std::string string(const std::string& key, const std::string& fallback);
  // [min, max] with min <= max, both inside bounds.
  std::pair<double, double> range(const std::string& key, std::pair<double, double> fallback, const Bounds& bounds);
  // Reports every key of the object that no accessor read; `what` names the object
  // ("op \"horizontal_flip\"").
  void report_unknown_keys(const std::string& what);

 private:
  const nlohmann::json& object_;
  std::string path_;
  ConfigIssues& issues_;
  std::set<std::string> known_;
};

}  // namespace simclr::augment_detail
