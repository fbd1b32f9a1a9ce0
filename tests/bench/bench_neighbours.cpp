// Nearest-neighbour query latency: one query against a bank of 50 000 x 512 embeddings (the
// size of CIFAR-10's training split with ResNet-18 features), cosine similarity, top-k. The
// reference in the same run is the naive LibTorch form (cosine_similarity against the raw
// bank, then topk), which normalises the whole bank on every query.
//
//   build/tests/bench/bench_neighbours [--bank 50000] [--dim 512] [--k 10] [--threads 2]
//       [--repeats 200] [--batch 1000] [--json FILE]
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>

#include <torch/torch.h>

#include "engine/core/blas_tuning.h"
#include "engine/core/error.h"
#include "engine/core/seeding.h"
#include "engine/core/version.h"
#include "engine/eval/neighbour_search.h"
#include "tests/bench/bench_stats.h"

using namespace simclr;

namespace {

struct Args {
  int64_t bank = 50000, dim = 512, k = 10, batch = 1000;
  int threads = 2, repeats = 200;
  std::string json_file;
};

Args parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&] { return bench::option_value(argc, argv, i); };
    if (arg == "--bank")
      a.bank = std::stoll(value());
    else if (arg == "--dim")
      a.dim = std::stoll(value());
    else if (arg == "--k")
      a.k = std::stoll(value());
    else if (arg == "--batch")
      a.batch = std::stoll(value());
    else if (arg == "--threads")
      a.threads = std::stoi(value());
    else if (arg == "--repeats")
      a.repeats = std::stoi(value());
    else if (arg == "--json")
      a.json_file = value();
    else
      throw ConfigError("unknown argument " + arg);
  }
  if (a.bank < 2 || a.dim < 1 || a.k < 1 || a.k >= a.bank || a.threads < 1 || a.repeats < 1 || a.batch < 1)
    throw ConfigError("--bank >= 2, 1 <= --k < --bank, --dim, --threads, --repeats, --batch >= 1");
  return a;
}

// Milliseconds of fn() per call, one sample per call after two warm-up calls.
template <class Fn>
bench::Summary time_ms(int repeats, const Fn& fn) {
  fn();
  fn();
  std::vector<double> samples;
  for (int r = 0; r < repeats; ++r) {
    const auto start = std::chrono::steady_clock::now();
    fn();
    samples.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
  }
  return bench::summarize(samples);
}

}  // namespace

int main(int argc, char** argv) try {
  tune_blas_for_cpu(argv);  // first: it may restart the process with faster BLAS kernels
  const Args args = parse(argc, argv);
  torch::set_num_threads(args.threads);
  torch::NoGradGuard no_grad;
  auto generator = make_generator(7);
  // ReLU-like features (non-negative, as ResNet's h is) with a few clusters.
  const auto centres = at::randn({10, args.dim}, generator);
  const auto labels = torch::arange(args.bank) % 10;
  const auto bank = (centres.index_select(0, labels) + at::randn({args.bank, args.dim}, generator)).relu();
  const auto queries =
      (centres.index_select(0, torch::arange(args.repeats) % 10) + at::randn({args.repeats, args.dim}, generator))
          .relu();

  const auto build_start = std::chrono::steady_clock::now();
  const NeighbourIndex index(bank, labels);
  const double build_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - build_start).count();

  int q = 0;
  const auto ours = time_ms(args.repeats, [&] { index.query(queries[q++ % args.repeats], args.k); });
  int b = 0;
  const auto ours_row = time_ms(args.repeats, [&] { index.query((b++ * 7919) % args.bank, args.k, true); });
  int n = 0;
  const auto naive = time_ms(args.repeats, [&] {
    const auto sim = torch::cosine_similarity(bank, queries[n++ % args.repeats].unsqueeze(0), 1);  // [M]
    const auto top = sim.topk(args.k);
    (void)std::get<1>(top).data_ptr<int64_t>()[0];
  });
  const auto batch_queries =
      queries.repeat({(args.batch + args.repeats - 1) / args.repeats, 1}).slice(0, 0, args.batch);
  const auto batch = time_ms(3, [&] { index.search(batch_queries, args.k); });

  std::printf("nearest neighbours: bank %lld x %lld, k = %lld, %d threads (median, IQR over %d queries)\n",
              static_cast<long long>(args.bank), static_cast<long long>(args.dim), static_cast<long long>(args.k),
              args.threads, args.repeats);
  std::printf("  index build (normalise the bank once):  %.1f ms\n", build_ms);
  std::printf("  one query vector:                       %s ms\n", bench::describe(ours, 2).c_str());
  std::printf("  one bank row (self excluded):           %s ms\n", bench::describe(ours_row, 2).c_str());
  std::printf("  naive cosine_similarity + topk:         %s ms (%.1fx slower)\n", bench::describe(naive, 2).c_str(),
              naive.median / ours.median);
  std::printf("  batch of %lld queries:                  %s ms (%.3f ms per query)\n",
              static_cast<long long>(args.batch), bench::describe(batch, 1).c_str(),
              batch.median / static_cast<double>(args.batch));

  if (!args.json_file.empty()) {
    const nlohmann::json report = {{"benchmark", "neighbours"},
                                   {"build", build_summary()},
                                   {"blas_core", blas_core_name()},
                                   {"bank", args.bank},
                                   {"dim", args.dim},
                                   {"k", args.k},
                                   {"threads", args.threads},
                                   {"index_build_ms", build_ms},
                                   {"query_ms", bench::to_json(ours)},
                                   {"row_query_ms", bench::to_json(ours_row)},
                                   {"naive_ms", bench::to_json(naive)},
                                   {"batch", args.batch},
                                   {"batch_ms", bench::to_json(batch)},
                                   {"peak_rss_mb", bench::peak_rss_mb()}};
    std::ofstream(args.json_file) << report.dump(2) << '\n';
  }
  return 0;
} catch (const Error& e) {
  std::cerr << "error: " << e.what() << '\n';
  return e.is_bad_input() ? 2 : 1;
}
