#pragma once
// The paper's Figure 10: the same MLP probe trained on several representations of one
// run's train split and tested on its test split (raw pixels, SimCLR embeddings h,
// PCA-reduced h, 2-D t-SNE of h), next to the accuracies the paper reports. Results go to
// <run>/evaluation/figure10-step-<8 digits>.csv and .md, written atomically.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "engine/core/job.h"
#include "engine/analysis/mlp_probe.h"
#include "engine/analysis/representations.h"
#include "engine/analysis/trained_run.h"

namespace simclr {

// The paper's MLP test accuracy (fraction) for a representation name, or -1 when it
// reports none: raw 35.77 %, h 48.63 %, pca 39.67 %, tsne 28.72 %.
double paper_figure10_accuracy(const std::string& representation);

struct ComparisonOptions {
  std::vector<std::string> representations{"raw", "h", "pca", "tsne"};
  RepresentationOptions inputs;  // PCA components, t-SNE points and settings, features
  MlpProbeOptions mlp;           // the same probe for every row (its seed included)
  bool write_files = true;
};

struct ComparisonRow {
  std::string name, label;
  int64_t input_dim = 0;
  int64_t train_size = 0, test_size = 0;
  double train_top1 = 0, test_top1 = 0;  // fractions
  double paper_test_top1 = -1;           // -1: not in the paper
  double build_seconds = 0, probe_seconds = 0;
  std::string note;
};

struct ComparisonResult {
  std::vector<ComparisonRow> rows;
  int64_t step = 0;
  std::string settings;                           // one line: probe and input settings
  std::filesystem::path csv_file, markdown_file;  // empty when not written
  double seconds = 0;
};

// Progress comes from feature extraction, t-SNE and one "mlp <name>" stage per row.
// Throws ConfigError for unknown representations or bad options, CancelledError on stop.
ComparisonResult compare_representations(TrainedRun& run, const ComparisonOptions& options = {},
                                         const JobCallbacks& callbacks = {}, const StopToken& stop = {});

// The table as CSV (one row per representation, settings repeated in columns) and as
// Markdown (table, settings, notes).
std::string comparison_csv(const ComparisonResult& result, const ComparisonOptions& options);
std::string comparison_markdown(const ComparisonResult& result, const TrainedRun& run);

}  // namespace simclr
