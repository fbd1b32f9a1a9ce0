#pragma once
// Summary statistics of repeated measurements: median and spread (min, max, IQR).
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace simclr::bench {

struct Summary {
  double median = 0, min = 0, max = 0, q1 = 0, q3 = 0;
  size_t repeats = 0;
};

Summary summarize(std::vector<double> samples);
nlohmann::json to_json(const Summary& s);
// "123.4 (IQR 120.1-125.0, n=5)"
std::string describe(const Summary& s, int decimals = 1);

}  // namespace simclr::bench
