#pragma once
// A run's metrics log as CSV tables, for spreadsheets and plotting tools: one table of the
// per-step records and one of the kNN-monitor records, a column per field.
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace simclr {

// records: as read_metrics() returns them. type: "step" or "monitor"; records of other
// types are left out. The header is written even when there is no record of that type.
std::string metrics_csv(const std::vector<nlohmann::json>& records, const std::string& type);

}  // namespace simclr
