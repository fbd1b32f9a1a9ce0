#include "tests/bench/bench_stats.h"

#include "engine/core/error.h"
#include "engine/core/tensor_memory_cache.h"

#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <fstream>

namespace simclr::bench {

namespace {
double quantile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0;
  const double pos = q * static_cast<double>(sorted.size() - 1);
  const size_t lo = static_cast<size_t>(pos);
  const size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (pos - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}
}  // namespace

Summary summarize(std::vector<double> samples) {
  std::sort(samples.begin(), samples.end());
  Summary s;
  s.repeats = samples.size();
  if (samples.empty()) return s;
  s.min = samples.front();
  s.max = samples.back();
  s.median = quantile(samples, 0.5);
  s.q1 = quantile(samples, 0.25);
  s.q3 = quantile(samples, 0.75);
  return s;
}

nlohmann::json to_json(const Summary& s) {
  return {{"median", s.median}, {"min", s.min}, {"max", s.max}, {"q1", s.q1}, {"q3", s.q3}, {"repeats", s.repeats}};
}

std::string describe(const Summary& s, int decimals) {
  char buf[128];
  std::snprintf(buf, sizeof buf, "%.*f (IQR %.*f-%.*f, n=%zu)", decimals, s.median, decimals, s.q1, decimals, s.q3,
                s.repeats);
  return buf;
}

Summary per_second(const Summary& ms, double units) {
  auto rate = [&](double v) { return v > 0 ? 1000.0 * units / v : 0.0; };
  Summary s;
  s.repeats = ms.repeats;
  s.median = rate(ms.median);
  s.min = rate(ms.max);
  s.max = rate(ms.min);
  s.q1 = rate(ms.q3);
  s.q3 = rate(ms.q1);
  return s;
}

void finish_report(nlohmann::json& report, const std::string& json_file) {
  const TensorMemoryCacheStats cache = tensor_memory_cache_stats();
  report["peak_rss_mb"] = peak_rss_mb();
  report["tensor_cache"] = {{"installed", cache.installed},
                            {"hits", cache.hits},
                            {"misses", cache.misses},
                            {"evictions", cache.evictions},
                            {"peak_live_mb", static_cast<double>(cache.peak_live_bytes) / (1 << 20)}};
  std::printf("peak RSS %.0f MB\n", peak_rss_mb());
  if (!json_file.empty()) std::ofstream(json_file) << report.dump(2) << '\n';
}

double peak_rss_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // Linux reports kilobytes
}

std::string option_value(int argc, char** argv, int& i) {
  if (i + 1 >= argc) throw ConfigError(std::string(argv[i]) + ": needs a value");
  return argv[++i];
}

}  // namespace simclr::bench
