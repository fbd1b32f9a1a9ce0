#pragma once
// Summary statistics of repeated measurements: median and spread (min, max, IQR).
#include <chrono>
#include <string>
#include <utility>
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

// A rate (units per second) from per-call milliseconds of calls that each process `units`:
// the median, quartiles and extremes map over exactly (1/x is monotone).
Summary per_second(const Summary& ms, double units);

// Peak resident memory of this process so far (getrusage ru_maxrss), in MB. The runner
// starts every benchmark as its own process, so this is the benchmark's own peak.
double peak_rss_mb();

// Adds the process's peak memory and what the tensor memory cache did (hits, misses,
// evictions, peak of live bytes: a benchmark whose steady state still misses is allocating
// afresh) to `report`, prints the peak, and writes the report to json_file unless empty.
void finish_report(nlohmann::json& report, const std::string& json_file);

// The value after command-line option argv[i] (advancing i); throws ConfigError naming the
// option when it is the last argument.
std::string option_value(int argc, char** argv, int& i);

// Milliseconds of fn() per call: `warmup` untimed calls, then one sample per call.
template <class Fn>
Summary time_ms(int warmup, int repeats, const Fn& fn);

template <class Fn>
Summary time_ms(int warmup, int repeats, const Fn& fn) {
  for (int w = 0; w < warmup; ++w) fn();
  std::vector<double> samples;
  for (int r = 0; r < repeats; ++r) {
    const auto start = std::chrono::steady_clock::now();
    fn();
    samples.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
  }
  return summarize(std::move(samples));
}

}  // namespace simclr::bench
