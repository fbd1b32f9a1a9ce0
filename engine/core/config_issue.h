#pragma once
// A problem found while validating user settings, located by its JSON path
// ("training.batch_size: must be >= 2"). Validators return every issue, not just the first.
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

namespace simclr {

struct ConfigIssue {
  std::string path;     // JSON path, dotted, with [i] for array elements
  std::string message;  // what is wrong and, where possible, what would be right
  std::string to_string() const { return path.empty() ? message : path + ": " + message; }
};

using ConfigIssues = std::vector<ConfigIssue>;

// Numbers as a person writes them in a message: 0.1 -> "0.1", 1 -> "1", inf -> "inf".
inline std::string format_number(double value) {
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.10g", value);
  return buffer;
}

// Joins issues one per line, for exception messages.
inline std::string join_issues(const ConfigIssues& issues) {
  std::string out;
  for (const auto& issue : issues) {
    if (!out.empty()) out += '\n';
    out += issue.to_string();
  }
  return out;
}

}  // namespace simclr
