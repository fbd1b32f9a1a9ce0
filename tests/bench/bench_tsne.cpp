// t-SNE against scikit-learn in the same run, on the same data, with the same settings:
// perplexity 30 (k = 91 exact neighbours), early exaggeration 12 for 250 iterations,
// learning rate "auto", PCA initialisation scaled to std 1e-4, Barnes-Hut theta 0.5, 1000
// iterations, the same number of threads. The data go to a .npy file that
// tests/bench/reference/sklearn_tsne.py reads. Reported: wall time, the ratio, each side's
// own KL (Z from Barnes-Hut, as each reports it), the exact KL of both layouts under our P
// (a common yardstick), peak RSS.
//
// Data (--data):
//   clusters  10 000 x 512 synthetic: 10 seeded Gaussian clusters of different spreads
//   cifar10   the 10 000 CIFAR-10 test images (pixels in [0, 1], 3 072-d) reduced to 512-d
//             by PCA: real images with real, overlapping structure. Found like the CLI finds
//             datasets ($SIMCLR_DATA_DIR, ...).
//
// --repeats R runs both R times with t-SNE seeds --seed .. --seed + R - 1 (the data stay).
//
//   build/tests/bench/bench_tsne [--data clusters|cifar10] [--n 10000] [--dim 512]
//       [--clusters 10] [--threads 2] [--iterations 1000] [--perplexity 30] [--seed 0]
//       [--repeats 1] [--json FILE] [--python /usr/bin/python3] [--no-sklearn]
#include <sys/resource.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <string>

#include <torch/torch.h>

#include "engine/core/blas_tuning.h"
#include "engine/core/error.h"
#include "engine/core/seeding.h"
#include "engine/core/version.h"
#include "engine/data/cifar10_reader.h"
#include "engine/data/dataset_locator.h"
#include "engine/eval/npy_file.h"
#include "engine/eval/tsne.h"
#include "engine/eval/tsne_affinities.h"
#include "tests/bench/bench_stats.h"

using namespace simclr;
namespace fs = std::filesystem;

namespace {

struct Args {
  int64_t n = 10000, dim = 512, clusters = 10, iterations = 1000;
  double perplexity = 30;
  int threads = 2, repeats = 1;
  uint64_t seed = 0;
  std::string data = "clusters", json_file, python;
  bool sklearn = true;
};

Args parse(int argc, char** argv) {
  Args a;
  a.python = fs::exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";  // Debian's, with sklearn
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&] { return bench::option_value(argc, argv, i); };
    if (arg == "--data")
      a.data = value();
    else if (arg == "--n")
      a.n = std::stoll(value());
    else if (arg == "--dim")
      a.dim = std::stoll(value());
    else if (arg == "--clusters")
      a.clusters = std::stoll(value());
    else if (arg == "--iterations")
      a.iterations = std::stoll(value());
    else if (arg == "--perplexity")
      a.perplexity = std::stod(value());
    else if (arg == "--threads")
      a.threads = std::stoi(value());
    else if (arg == "--repeats")
      a.repeats = std::stoi(value());
    else if (arg == "--seed")
      a.seed = std::stoull(value());
    else if (arg == "--json")
      a.json_file = value();
    else if (arg == "--python")
      a.python = value();
    else if (arg == "--no-sklearn")
      a.sklearn = false;
    else
      throw ConfigError("unknown argument " + arg);
  }
  if (a.n < 2 || a.dim < 1 || a.clusters < 1 || a.threads < 1 || a.repeats < 1)
    throw ConfigError("--n >= 2, --dim, --clusters, --threads and --repeats >= 1");
  if (a.data != "clusters" && a.data != "cifar10") throw ConfigError("--data: clusters or cifar10");
  return a;
}

// Clusters of different spreads around centres ~ N(0, 1): neighbours are mostly, not all,
// within a cluster, as with real features. float [N, D].
torch::Tensor clustered_data(const Args& a) {
  auto generator = make_generator(derive_seed(a.seed, {0xB7}));
  const auto centres = at::randn({a.clusters, a.dim}, generator);
  const auto labels = torch::arange(a.n) % a.clusters;
  const auto spread =
      0.6 + 0.5 * labels.to(torch::kFloat).unsqueeze(1) / std::max<int64_t>(a.clusters - 1, 1);  // [N, 1]
  return (centres.index_select(0, labels) + spread * at::randn({a.n, a.dim}, generator)).contiguous();
}

// The first --n CIFAR-10 test images as [N, 3072] pixels in [0, 1], projected on their top
// --dim principal components (covariance in float, its eigenvectors in double: seconds,
// where an SVD of the whole matrix in double takes minutes on 2 cores).
torch::Tensor cifar10_data(const Args& a) {
  const fs::path dir = locate_dataset("cifar10", "", fs::current_path());
  const ImageDataset test = read_cifar10_batches({dir / "test_batch.bin"}, cifar10_class_names());
  const int64_t n = std::min(a.n, test.size());
  auto x = test.images.slice(0, 0, n).reshape({n, -1}).to(torch::kFloat) / 255.0;  // [N, 3072]
  if (a.dim > x.size(1)) throw ConfigError("--dim: at most " + std::to_string(x.size(1)) + " for cifar10");
  x = x - x.mean(0);
  const auto covariance = x.t().mm(x).to(torch::kDouble) / static_cast<double>(n - 1);  // [3072, 3072]
  const auto eigenvectors = std::get<1>(at::linalg_eigh(covariance));                   // ascending eigenvalues
  const auto top = eigenvectors.flip({1}).slice(1, 0, a.dim).to(torch::kFloat);         // [3072, dim]
  return x.mm(top).contiguous();                                                        // [N, dim]
}

// Exact KL(P || Q) of a layout [N, 2] under affinities P, Z summed over all pairs in blocks.
double exact_kl(const TsneAffinities& p, const torch::Tensor& layout) {
  torch::NoGradGuard no_grad;
  const auto y = layout.to(torch::kDouble);
  double z = 0;
  for (int64_t start = 0; start < p.n; start += 1024) {
    const auto block = y.slice(0, start, std::min(p.n, start + 1024));
    z += (1.0 / (1.0 + torch::cdist(block, y).pow(2))).sum().item<double>();
  }
  z -= static_cast<double>(p.n);  // the diagonal, w_ii = 1
  const auto* yd = y.data_ptr<double>();
  double kl = 0;
  for (int64_t i = 0; i < p.n; ++i)
    for (int64_t e = p.row_start[i]; e < p.row_start[i + 1]; ++e) {
      const int64_t j = p.column[e];
      const double dx = yd[2 * i] - yd[2 * j], dy = yd[2 * i + 1] - yd[2 * j + 1];
      kl += p.value[e] * (std::log(p.value[e]) + std::log1p(dx * dx + dy * dy) + std::log(z));
    }
  return kl;
}

double peak_rss_mb(int who) {
  rusage usage{};
  getrusage(who, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // kilobytes on Linux
}

}  // namespace

int main(int argc, char** argv) try {
  tune_blas_for_cpu(argv);  // first: it may restart the process with faster BLAS kernels
  const Args args = parse(argc, argv);
  torch::set_num_threads(args.threads);  // Debian's LibTorch starts with one: the kNN's GEMMs
  const fs::path scratch = fs::temp_directory_path() / ("simclr-bench-tsne-" + std::to_string(std::random_device{}()));
  fs::create_directories(scratch);
  const auto data = args.data == "cifar10" ? cifar10_data(args) : clustered_data(args);
  write_npy(scratch / "data.npy", data);

  TsneOptions options;
  options.perplexity = args.perplexity;
  options.iterations = args.iterations;
  options.threads = args.threads;

  // Repeat r runs both sides with t-SNE seed --seed + r (the data stay the same), ours then
  // scikit-learn's, so load on a shared machine hits both alike; times and KLs are medians.
  const TsneAffinities p = tsne_affinities(data, args.perplexity, args.threads);  // the yardstick's P
  const fs::path script = fs::path(SIMCLR_SOURCE_DIR) / "tests" / "bench" / "reference" / "sklearn_tsne.py";
  std::vector<double> ours_s, ours_kl, ours_exact, sk_s, sk_kl, sk_exact;
  double ours_rss = 0;
  nlohmann::json sk;
  for (int r = 0; r < args.repeats; ++r) {
    options.seed = args.seed + static_cast<uint64_t>(r);
    const TsneResult ours = tsne(data, options);
    ours_rss = std::max(ours_rss, peak_rss_mb(RUSAGE_SELF));
    ours_s.push_back(ours.seconds);
    ours_kl.push_back(ours.kl_divergence);
    ours_exact.push_back(exact_kl(p, ours.embedding));
    std::fprintf(stderr, "repeat %d: simclr %.2f s, KL %.4f (exact %.4f)\n", r, ours.seconds, ours.kl_divergence,
                 ours_exact.back());
    if (!args.sklearn) continue;
    const std::string command =
        "OMP_NUM_THREADS=" + std::to_string(args.threads) + " OPENBLAS_NUM_THREADS=" + std::to_string(args.threads) +
        " '" + args.python + "' '" + script.string() + "' '" + (scratch / "data.npy").string() + "' --json '" +
        (scratch / "sklearn.json").string() + "' --embedding '" + (scratch / "sklearn_layout.npy").string() +
        "' --threads " + std::to_string(args.threads) + " --perplexity " + std::to_string(args.perplexity) +
        " --iterations " + std::to_string(args.iterations) + " --seed " + std::to_string(options.seed) + " > /dev/null";
    if (std::system(command.c_str()) != 0) throw Error("scikit-learn reference failed: " + command);
    std::ifstream(scratch / "sklearn.json") >> sk;
    sk_s.push_back(sk["seconds"].get<double>());
    sk_kl.push_back(sk["kl_divergence"].get<double>());
    sk_exact.push_back(exact_kl(p, read_npy(scratch / "sklearn_layout.npy")));
    std::fprintf(stderr, "repeat %d: sklearn %.2f s, KL %.4f (exact %.4f)\n", r, sk_s.back(), sk_kl.back(),
                 sk_exact.back());
  }

  const auto ours_t = bench::summarize(ours_s), sk_t = bench::summarize(sk_s);
  const double ratio = args.sklearn ? sk_t.median / ours_t.median : NAN;
  auto median = [](const std::vector<double>& v) { return bench::summarize(v).median; };
  std::printf("t-SNE of %s data, %lld x %lld, %lld iterations, %d threads, %d repeat(s)\n",
              args.data == "cifar10" ? "CIFAR-10 test pixels, PCA"
                                     : ("clustered (" + std::to_string(args.clusters) + " clusters)").c_str(),
              static_cast<long long>(data.size(0)), static_cast<long long>(data.size(1)),
              static_cast<long long>(args.iterations), args.threads, args.repeats);
  std::printf("%-14s %-32s %-10s %-18s %-12s\n", "", "wall s", "KL (own)", "KL (exact, our P)", "peak RSS MB");
  std::printf("%-14s %-32s %-10.4f %-18.4f %-12.0f\n", "simclr", bench::describe(ours_t, 2).c_str(), median(ours_kl),
              median(ours_exact), ours_rss);
  if (args.sklearn) {
    std::printf("%-14s %-32s %-10.4f %-18.4f %-12.0f\n",
                ("sklearn " + sk["sklearn_version"].get<std::string>()).c_str(), bench::describe(sk_t, 2).c_str(),
                median(sk_kl), median(sk_exact), sk["peak_rss_mb"].get<double>());
    std::printf("speed-up (sklearn / simclr wall time): %.2fx; exact KL simclr - sklearn: %+.4f\n", ratio,
                median(ours_exact) - median(sk_exact));
  }

  nlohmann::json report = {{"benchmark", "tsne"},
                           {"build", build_summary()},
                           {"blas_core", blas_core_name()},
                           {"data", args.data},
                           {"n", data.size(0)},
                           {"dim", data.size(1)},
                           {"clusters", args.clusters},
                           {"iterations", args.iterations},
                           {"perplexity", args.perplexity},
                           {"threads", args.threads},
                           {"seed", args.seed},
                           {"simclr",
                            {{"seconds", bench::to_json(ours_t)},
                             {"kl_divergence", ours_kl},
                             {"kl_exact_our_p", ours_exact},
                             {"peak_rss_mb", ours_rss}}}};
  if (args.sklearn) {
    report["sklearn"] = {{"seconds", bench::to_json(sk_t)},      {"kl_divergence", sk_kl},
                         {"kl_exact_our_p", sk_exact},           {"peak_rss_mb", sk["peak_rss_mb"]},
                         {"learning_rate", sk["learning_rate"]}, {"version", sk["sklearn_version"]}};
    report["speedup"] = ratio;
  }
  std::error_code ec;
  fs::remove_all(scratch, ec);
  if (!args.json_file.empty()) std::ofstream(args.json_file) << report.dump(2) << '\n';
  return 0;
} catch (const Error& e) {
  std::cerr << "error: " << e.what() << '\n';
  return e.is_bad_input() ? 2 : 1;
}
