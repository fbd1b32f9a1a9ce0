#include "engine/analysis/representations.h"

#include <cmath>

#include <torch/torch.h>

#include "engine/core/error.h"
#include "engine/core/seeding.h"
#include "engine/eval/balanced_sample.h"
#include "engine/eval/pca.h"

namespace simclr {

const std::vector<std::string>& representation_names() {
  static const std::vector<std::string> names{"raw", "h", "z", "pca", "tsne"};
  return names;
}

void check_representation(const std::string& name) {
  std::string known;
  for (const auto& n : representation_names()) {
    if (n == name) return;
    known += (known.empty() ? "" : ", ") + n;
  }
  throw ConfigError("representation '" + name + "': use one of " + known);
}

RepresentationBuilder::RepresentationBuilder(TrainedRun& run, RepresentationOptions options, JobCallbacks callbacks,
                                             StopToken stop)
    : run_(run), options_(std::move(options)), callbacks_(std::move(callbacks)), stop_(std::move(stop)) {}

const SplitFeatures& RepresentationBuilder::features(const std::string& split) {
  auto it = features_.find(split);
  if (it == features_.end())
    it = features_.emplace(split, run_features(run_, split, options_.features, callbacks_, stop_)).first;
  return it->second;
}

Representation RepresentationBuilder::build(const std::string& name) {
  Representation r;
  r.name = name;
  if (name == "raw") {
    const ProgressClock timer("raw");
    // Raw pixels need every image in memory at once: a streamed folder is decoded whole here.
    const ImageDataset train = run_.data.train.in_memory();
    const ImageDataset test = run_.data.test.in_memory();
    r.label = "Raw pixels";
    r.data = {flatten_rows(train.images).div_(255.0), train.labels, flatten_rows(test.images).div_(255.0), test.labels,
              train.num_classes()};
    r.note = std::to_string(train.channels()) + "x" + std::to_string(train.height()) + "x" +
             std::to_string(train.width()) + " pixels at the dataset's size, flattened, scaled to [0, 1]";
    r.seconds = timer.elapsed_s();
    return r;
  }
  if (name == "h" || name == "z") {
    const SplitFeatures& train = features("train");
    const SplitFeatures& test = features("test");
    r.label = name == "h" ? "SimCLR embeddings (h)" : "Projections (z)";
    r.data = {train.features(name), train.labels, test.features(name), test.labels,
              static_cast<int64_t>(train.class_names.size())};
    r.note = name == "h" ? "backbone output, " : "projection head output, ";
    r.note += std::to_string(r.data.train_x.size(1)) + " dimensions, checkpoint step " + std::to_string(run_.step);
    return r;
  }
  if (name == "pca") {
    const SplitFeatures& train = features("train");
    const SplitFeatures& test = features("test");
    const ProgressClock timer("pca");
    PcaOptions pca_options;
    pca_options.components = options_.pca_components;
    pca_options.seed = options_.seed;
    const PcaResult p = pca(train.h, pca_options);  // ConfigError when components is out of range
    const double kept = p.explained_variance_ratio.sum().item<double>();
    r.label = "PCA of h";
    r.data = {p.projected.to(torch::kCPU, torch::kFloat), train.labels,
              p.transform(test.h).to(torch::kCPU, torch::kFloat), test.labels,
              static_cast<int64_t>(train.class_names.size())};
    char note[160];
    std::snprintf(note, sizeof note, "%lld principal components of h fitted on train (%.1f%% of its variance)",
                  static_cast<long long>(options_.pca_components), 100 * kept);
    r.note = note;
    r.seconds = timer.elapsed_s();
    return r;
  }
  check_representation(name);
  return tsne_representation();
}

Representation RepresentationBuilder::tsne_representation() {
  const SplitFeatures& train = features("train");
  const SplitFeatures& test = features("test");
  const ProgressClock timer("tsne");
  const int64_t n_train_all = train.labels.size(0), n_test_all = test.labels.size(0);
  const int64_t total = options_.tsne_points;
  if (total < 0) throw ConfigError("t-SNE points: must be >= 0 (0 = all)");
  // Each split keeps its share of the points, so the subset looks like the whole.
  int64_t want_train = 0, want_test = 0;
  if (total > 0 && total < n_train_all + n_test_all) {
    want_train = std::llround(static_cast<double>(total) * n_train_all / static_cast<double>(n_train_all + n_test_all));
    want_test = total - want_train;
    if (want_train < 1 || want_test < 1) throw ConfigError("t-SNE points: too few to hold both splits");
  }
  const auto train_idx = class_balanced_indices(train.labels, want_train);  // int64 [n_train]
  const auto test_idx = class_balanced_indices(test.labels, want_test);     // int64 [n_test]
  const int64_t n_train = train_idx.size(0);
  const auto data = torch::cat({train.h.index_select(0, train_idx), test.h.index_select(0, test_idx)});  // [n, F]

  TsneOptions tsne_options = options_.tsne;
  tsne_options.seed = options_.seed;
  const TsneResult layout = tsne(data, tsne_options, callbacks_, stop_);  // [n, 2]
  const auto embedding = layout.embedding.to(torch::kFloat);

  Representation r;
  r.name = "tsne";
  r.label = "t-SNE of h";
  r.data = {embedding.slice(0, 0, n_train), train.labels.index_select(0, train_idx), embedding.slice(0, n_train),
            test.labels.index_select(0, test_idx), static_cast<int64_t>(train.class_names.size())};
  char note[320];
  std::snprintf(note, sizeof note,
                "%lld-D t-SNE of h fitted transductively on %lld train + %lld test points together%s "
                "(perplexity %g, %lld iterations, KL %.3f); the probe trains on the train rows, tests on the test rows",
                static_cast<long long>(tsne_options.dimensions), static_cast<long long>(n_train),
                static_cast<long long>(test_idx.size(0)),
                n_train < n_train_all || test_idx.size(0) < n_test_all ? " (class-balanced subsets)" : "",
                tsne_options.perplexity, static_cast<long long>(layout.iterations_done), layout.kl_divergence);
  r.note = note;
  r.seconds = timer.elapsed_s();
  return r;
}

}  // namespace simclr
