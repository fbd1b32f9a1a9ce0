// Near-duplicate search at scale: synthetic 128-d embeddings (random directions, which no
// two share, as an encoder's embeddings of distinct images) with planted near-duplicate
// pairs (a row plus a little noise: cosine about 0.99). Each index is timed on the same rows
// and scored by the recall of the planted pairs (both in one group) and the groups it found
// that hold no planted pair (false groups). The exact brute-force search is the reference,
// run where its time allows (--exact-at-most).
//
//   build/tests/bench/bench_duplicates [--sizes 200000,1000000] [--dim 128] [--pairs 1000]
//       [--threshold 0.95] [--indexes exact,flat,hnsw] [--exact-at-most 200000] [--threads 2]
//       [--json FILE]
#include <chrono>
#include <cstdio>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "engine/core/device.h"
#include "engine/core/error.h"
#include "engine/core/seeding.h"
#include "engine/explore/faiss_neighbours.h"
#include "engine/explore/near_duplicates.h"
#include "tests/bench/bench_stats.h"

using namespace simclr;

namespace {

struct Args {
  std::vector<int64_t> sizes = {200000, 1000000};
  std::vector<std::string> indexes = {"exact", "flat", "hnsw"};
  int64_t dim = 128, pairs = 1000, exact_at_most = 200000;
  double threshold = 0.95;
  int threads = 2;
  std::string json_file;
};

template <class T>
std::vector<T> list(const std::string& text) {
  std::vector<T> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    if constexpr (std::is_same_v<T, std::string>)
      out.push_back(item);
    else
      out.push_back(T(std::stoll(item)));
  }
  return out;
}

Args parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&] { return bench::option_value(argc, argv, i); };
    if (arg == "--sizes")
      a.sizes = list<int64_t>(value());
    else if (arg == "--indexes")
      a.indexes = list<std::string>(value());
    else if (arg == "--dim")
      a.dim = std::stoll(value());
    else if (arg == "--pairs")
      a.pairs = std::stoll(value());
    else if (arg == "--exact-at-most")
      a.exact_at_most = std::stoll(value());
    else if (arg == "--threshold")
      a.threshold = std::stod(value());
    else if (arg == "--threads")
      a.threads = std::stoi(value());
    else if (arg == "--json")
      a.json_file = value();
    else
      throw ConfigError("unknown argument " + arg);
  }
  for (const int64_t n : a.sizes)
    if (n < 4 * a.pairs) throw ConfigError("--sizes: each must hold at least 4 x --pairs rows");
  return a;
}

struct Rows {
  torch::Tensor x;                                   // float [N, D]
  std::vector<std::pair<int64_t, int64_t>> planted;  // (original, copy)
};

// Random directions; the last `pairs` rows are noisy copies of evenly spaced earlier ones.
Rows make_rows(int64_t n, int64_t d, int64_t pairs, uint64_t seed) {
  auto gen = make_generator(seed);
  Rows r;
  r.x = torch::randn({n, d}, gen, torch::kFloat);
  const int64_t originals = n - pairs;
  for (int64_t p = 0; p < pairs; ++p) {
    const int64_t original = p * (originals / pairs), copy = originals + p;
    r.x[copy] = r.x[original] + 0.1 * torch::randn({d}, gen, torch::kFloat);  // cosine about 0.995
    r.planted.emplace_back(original, copy);
  }
  return r;
}

nlohmann::json run_index(const Rows& rows, const std::string& index, double threshold) {
  DuplicateOptions options;
  options.threshold = threshold;
  options.index = index;
  const DuplicateResult r = find_near_duplicates(rows.x, options);
  std::vector<int64_t> group_of(size_t(rows.x.size(0)), -1);
  for (size_t g = 0; g < r.groups.size(); ++g)
    for (const int64_t m : r.groups[g].members) group_of[size_t(m)] = int64_t(g);
  int64_t found = 0;
  std::set<int64_t> with_planted;
  for (const auto& [a, b] : rows.planted)
    if (group_of[size_t(a)] >= 0 && group_of[size_t(a)] == group_of[size_t(b)]) {
      ++found;
      with_planted.insert(group_of[size_t(a)]);
    }
  const double recall = double(found) / double(rows.planted.size());
  const int64_t false_groups = int64_t(r.groups.size()) - int64_t(with_planted.size());
  std::printf("  %-6s %9.1f s  recall %.4f (%lld of %zu planted pairs)  groups %zu, false %lld, peak RSS %.0f MB\n",
              index.c_str(), r.seconds, recall, static_cast<long long>(found), rows.planted.size(), r.groups.size(),
              static_cast<long long>(false_groups), bench::peak_rss_mb());
  std::fflush(stdout);
  return {{"index", index},
          {"seconds", r.seconds},
          {"recall", recall},
          {"groups", r.groups.size()},
          {"false_groups", false_groups}};
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Args a = parse(argc, argv);
    configure_threads(a.threads);
    nlohmann::json report = {{"benchmark", "duplicates"}, {"dim", a.dim},         {"pairs", a.pairs},
                             {"threshold", a.threshold},  {"threads", a.threads}, {"faiss", faiss_supported()}};
    nlohmann::json sizes = nlohmann::json::array();
    for (const int64_t n : a.sizes) {
      const Rows rows = make_rows(n, a.dim, a.pairs, 42);
      std::printf("%lld x %lld embeddings, %lld planted pairs, threshold %.3f:\n", static_cast<long long>(n),
                  static_cast<long long>(a.dim), static_cast<long long>(a.pairs), a.threshold);
      nlohmann::json results = nlohmann::json::array();
      for (const std::string& index : a.indexes) {
        if (index == "exact" && n > a.exact_at_most) {
          std::printf("  %-6s skipped above --exact-at-most %lld\n", index.c_str(),
                      static_cast<long long>(a.exact_at_most));
          continue;
        }
        if (index != "exact" && !faiss_supported()) continue;
        results.push_back(run_index(rows, index, a.threshold));
      }
      sizes.push_back({{"rows", n}, {"results", results}});
    }
    report["sizes"] = sizes;
    bench::finish_report(report, a.json_file);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_duplicates: %s\n", e.what());
    return 2;
  }
}
