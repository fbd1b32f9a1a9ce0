// simclr-cli clusters RUN --k K: k-means (seeded k-means++, Lloyd iterations) on the run's
// L2-normalised embeddings; with labels, the NMI and ARI of the clusters against them and,
// for comparison, of k-means on the raw pixels of the same images. Saved as
// <run>/explore/clusters-<split>-<features>-k<K>-seed<S>.json (settings, sizes, inertia,
// agreement) and .csv (index, cluster[, pixel_cluster, label][, path]). An unlabelled image
// folder can be measured against labels kept elsewhere (--truth).
#include <cstdio>
#include <fstream>
#include <map>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "app/cli/explore_options.h"
#include "app/cli/interrupt_scope.h"
#include "app/cli/result_table.h"
#include "app/cli/terminal_progress.h"
#include "engine/core/error.h"
#include "engine/explore/clustering_agreement.h"
#include "engine/explore/k_means.h"
#include "engine/explore/normalised_rows.h"

namespace simclr::cli {

namespace {

struct ClustersArgs {
  ExploreArgs explore;
  int64_t k = 0;
  uint64_t seed = 0;
  int64_t max_iterations = 100;
  bool no_pixels = false;
  std::string truth;  // CSV of path,label for an image folder's rows
};

// Labels for every row from a CSV of "path,label" lines (paths as the CSVs write them, under
// the dataset's folder; a first line "path,label" is a header): for an unlabelled folder
// whose labels are known elsewhere. `names` becomes the sorted distinct labels.
std::vector<int64_t> truth_from_file(const std::string& file, const SplitFeatures& features,
                                     std::vector<std::string>& names) {
  if (features.files.empty())
    throw ConfigError("--truth: labels by path need an image folder; this run's dataset has no files");
  std::ifstream in(file);
  if (!in) throw ConfigError("--truth: cannot read " + file);
  std::map<std::string, std::string> label_of;
  std::string line;
  for (int64_t number = 1; std::getline(in, line); ++number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || (number == 1 && line == "path,label")) continue;
    const size_t comma = line.rfind(',');
    if (comma == std::string::npos || comma == 0 || comma + 1 == line.size())
      throw ConfigError("--truth: " + file + " line " + std::to_string(number) + ": expected path,label, got '" + line +
                        "'");
    label_of[line.substr(0, comma)] = line.substr(comma + 1);
  }
  std::map<std::string, int64_t> index;
  for (const auto& [path, label] : label_of) index.emplace(label, 0);
  names.clear();
  for (auto& [label, i] : index) {
    i = int64_t(names.size());
    names.push_back(label);
  }
  std::vector<int64_t> truth;
  int64_t missing = 0;
  std::string first_missing;
  for (const auto& path : features.files) {
    const auto it = label_of.find(path);
    if (it == label_of.end()) {
      if (missing++ == 0) first_missing = path;
      truth.push_back(-1);
    } else {
      truth.push_back(index.at(it->second));
    }
  }
  if (missing > 0)
    throw ConfigError("--truth: " + file + " has no label for " + first_missing +
                      (missing > 1 ? " and " + std::to_string(missing - 1) + " more images" : ""));
  return truth;
}

nlohmann::json clustering_json(const KMeansResult& r, const std::string& data) {
  return {
      {"data", data},         {"assignments", r.assignments}, {"sizes", r.sizes},         {"initial_rows", r.initial},
      {"inertia", r.inertia}, {"iterations", r.iterations},   {"converged", r.converged}, {"seconds", r.seconds}};
}

std::string sizes_text(const std::vector<int64_t>& sizes) {
  std::string text;
  for (size_t c = 0; c < sizes.size(); ++c) text += (c ? " " : "") + std::to_string(sizes[c]);
  return text;
}

void run_clusters(ClustersArgs args, const GlobalOptions& global) {
  check_explore_args(args.explore);
  if (args.k < 1) throw ConfigError("--k: must be >= 1, got " + std::to_string(args.k));
  if (args.max_iterations < 1)
    throw ConfigError("--max-iterations: must be >= 1, got " + std::to_string(args.max_iterations));

  TrainedRun run = open_run(args.explore.run, global.quiet);
  TerminalProgress bar(global.quiet);
  StopToken stop;
  InterruptScope interrupt(stop);
  const SplitFeatures features = explore_features(run, args.explore, bar.callbacks(), stop);
  const torch::Tensor x = features.features(args.explore.features);
  const int64_t n = x.size(0);
  if (args.k > n)
    throw ConfigError("--k: " + std::to_string(args.k) + " clusters asked for, but the " +
                      split_name(args.explore.split) + " split has " + std::to_string(n) + " images");

  KMeansOptions options;
  options.k = args.k;
  options.seed = args.seed;
  options.max_iterations = args.max_iterations;
  const KMeansResult embedded = k_means(normalised_rows(x.to(run.device), "clusters"), options, bar.callbacks(), stop);

  std::vector<std::string> truth_names = features.class_names;
  std::vector<int64_t> truth;
  if (!args.truth.empty()) {
    truth = truth_from_file(args.truth, features, truth_names);
  } else if (has_labels(features)) {
    const torch::Tensor labels = features.labels.to(torch::kCPU, torch::kLong).contiguous();
    truth.assign(labels.data_ptr<int64_t>(), labels.data_ptr<int64_t>() + n);
  }
  const bool labelled = !truth.empty();
  nlohmann::json json = explore_header(run, args.explore, features);
  if (!args.truth.empty()) json["truth"] = {{"file", args.truth}, {"class_names", truth_names}};
  json["command"] = "clusters";
  json["settings"] = {{"k", options.k},
                      {"seed", options.seed},
                      {"max_iterations", options.max_iterations},
                      {"method", "k-means++ start, Lloyd iterations, squared Euclidean distance"},
                      {"nmi", "I(A;B) / ((H(A) + H(B)) / 2), natural logarithms"},
                      {"ari", "Hubert and Arabie"}};
  json["embedding"] = clustering_json(embedded, "L2-normalised " + args.explore.features + " features");

  // With labels: agreement, and the same k-means on the raw pixels of the same images.
  ClusteringAgreement agreement, pixel_agreement;
  KMeansResult pixels;
  const ImageDataset images = collection_images(run, args.explore.split);
  const bool with_pixels = labelled && !args.no_pixels && images.size() == n;
  if (labelled) {
    agreement = clustering_agreement(embedded.assignments, truth);
    json["embedding"]["nmi"] = agreement.nmi;
    json["embedding"]["ari"] = agreement.ari;
  }
  if (with_pixels) {
    const torch::Tensor raw = images.in_memory().images.reshape({n, -1}).to(run.device).to(torch::kFloat).div_(255.0);
    pixels = k_means(raw, options, bar.callbacks(), stop);
    pixel_agreement = clustering_agreement(pixels.assignments, truth);
    json["pixels"] = clustering_json(pixels, "raw pixels in [0, 1], " + std::to_string(raw.size(1)) + " values");
    json["pixels"]["nmi"] = pixel_agreement.nmi;
    json["pixels"]["ari"] = pixel_agreement.ari;
  }

  std::vector<std::string> headers = {"index", "cluster"};
  if (with_pixels) headers.push_back("pixel_cluster");
  if (labelled) headers.push_back("label");
  if (!features.files.empty()) headers.push_back("path");
  ResultTable csv(headers);
  for (int64_t i = 0; i < n; ++i) {
    std::vector<std::string> row = {std::to_string(i), std::to_string(embedded.assignments[static_cast<size_t>(i)])};
    if (with_pixels) row.push_back(std::to_string(pixels.assignments[static_cast<size_t>(i)]));
    if (labelled) row.push_back(std::to_string(truth[static_cast<size_t>(i)]));
    if (!features.files.empty()) row.push_back(features.files[size_t(i)]);
    csv.add_row(std::move(row));
  }
  const std::string stem = "clusters-" + args.explore.split + "-" + args.explore.features + "-k" +
                           std::to_string(args.k) + "-seed" + std::to_string(args.seed);
  const auto dir = write_explore_result(run, stem, std::move(json), csv.csv());

  std::printf(
      "k-means, k %lld, seed %llu, on L2-normalised %s features of %lld %s images: %s after %lld "
      "iterations, inertia %.4f, %.2f s\ncluster sizes: %s\n",
      static_cast<long long>(args.k), static_cast<unsigned long long>(args.seed), args.explore.features.c_str(),
      static_cast<long long>(n), split_name(args.explore.split).c_str(), embedded.converged ? "converged" : "stopped",
      static_cast<long long>(embedded.iterations), embedded.inertia, embedded.seconds,
      sizes_text(embedded.sizes).c_str());
  if (labelled) {
    ResultTable table({"clustered", "NMI", "ARI"});
    table.add_row(
        {"embeddings (" + args.explore.features + ")", number_text(agreement.nmi, 4), number_text(agreement.ari, 4)});
    if (with_pixels)
      table.add_row({"raw pixels", number_text(pixel_agreement.nmi, 4), number_text(pixel_agreement.ari, 4)});
    std::printf("agreement with the %zu %s:\n%s", truth_names.size(),
                args.truth.empty() ? "labels" : ("labels of " + args.truth).c_str(), table.text().c_str());
  } else {
    std::printf("no labels: NMI and ARI are not computed (--truth FILE gives labels by path)\n");
  }
  std::printf("clusters: %s\nsettings: %s\n", (dir / (stem + ".csv")).c_str(), (dir / (stem + ".json")).c_str());
}

}  // namespace

void register_clusters_command(CLI::App& root, const GlobalOptions& global) {
  static ClustersArgs args;
  auto* cmd = root.add_subcommand(
      "clusters",
      "k-means clusters of the L2-normalised embeddings (seeded); with labels, NMI and ARI against them and against "
      "k-means on raw pixels; saved as <run>/explore/clusters-<split>-<features>-k<K>-seed<S>.json and .csv");
  add_explore_args(cmd, args.explore);
  cmd->add_option("-k,--k", args.k, "Number of clusters")->required();
  cmd->add_option("--seed", args.seed, "Seed of the k-means++ start; same seed, same clusters")->capture_default_str();
  cmd->add_option("--max-iterations", args.max_iterations, "Lloyd iterations at most")->capture_default_str();
  cmd->add_flag("--no-pixels", args.no_pixels, "Skip the k-means on raw pixels done for comparison with labels");
  cmd->add_option("--truth", args.truth,
                  "For an image folder without labels: a CSV of path,label lines (paths under the dataset's folder) "
                  "to measure the clusters against");
  cmd->callback([&global] { run_clusters(args, global); });
}

}  // namespace simclr::cli
