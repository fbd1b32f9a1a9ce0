#pragma once
// The inputs of the paper's Figure 10, built from one trained run's train and test splits:
//   raw   pixels, flattened and scaled to [0, 1]                 [N, C*H*W]
//   h     SimCLR backbone embeddings                            [N, F]
//   z     projection-head outputs (not in the paper)            [N, P]
//   pca   h reduced by PCA fitted on the training rows          [N, K]
//   tsne  2-D t-SNE of h; t-SNE has no out-of-sample mapping, so it is fitted on train and
//         test rows together (transductive), on a class-balanced subset of each split
// Each comes as ProbeData: the probe standardises the columns with training statistics.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "engine/core/job.h"
#include "engine/analysis/probe_data.h"
#include "engine/analysis/run_features.h"
#include "engine/analysis/trained_run.h"
#include "engine/eval/tsne.h"

namespace simclr {

// "raw", "h", "z", "pca", "tsne".
const std::vector<std::string>& representation_names();
// Throws ConfigError listing the names unless `name` is one of them.
void check_representation(const std::string& name);

struct RepresentationOptions {
  int64_t pca_components = 50;
  // Points t-SNE lays out, train and test together, split between them in proportion to
  // their sizes and class-balanced within each (the first points of each class); 0 = all.
  int64_t tsne_points = 10000;
  TsneOptions tsne;         // perplexity, iterations, ...; its seed is set from `seed`
  FeatureOptions features;  // extraction batch size and the feature cache
  uint64_t seed = 0;        // PCA's randomised solver and t-SNE
};

struct Representation {
  std::string name;   // one of representation_names()
  std::string label;  // "Raw pixels", "SimCLR embeddings (h)", ...
  ProbeData data;
  std::string note;    // how it was built, for tables
  double seconds = 0;  // time to build it (feature extraction from the cache excluded)
};

// Builds representations of one run, extracting (or reading) its features once.
class RepresentationBuilder {
 public:
  RepresentationBuilder(TrainedRun& run, RepresentationOptions options, JobCallbacks callbacks = {},
                        StopToken stop = {});
  // Throws ConfigError for an unknown name or a bad option, CancelledError on stop.
  Representation build(const std::string& name);
  const RepresentationOptions& options() const { return options_; }

 private:
  const SplitFeatures& features(const std::string& split);
  Representation tsne_representation();

  TrainedRun& run_;
  RepresentationOptions options_;
  JobCallbacks callbacks_;
  StopToken stop_;
  std::map<std::string, SplitFeatures> features_;
};

}  // namespace simclr
