#pragma once
// The standard evaluations of a trained run on its full splits, written where every reader
// looks for them: <run>/evaluation/knn-h-step-<8 digits>.json (the runs list, reports) and
// linear-h-adam-step-<8 digits>.json. The workbench's Evaluate and the batch-size sweep
// both use these; `simclr-cli evaluate` writes the same files with more options.
#include <cstdint>
#include <filesystem>
#include <vector>

#include "engine/core/job.h"
#include "engine/eval/knn_classifier.h"
#include "engine/analysis/linear_probe.h"
#include "engine/analysis/trained_run.h"

namespace simclr {

struct KnnEvaluation {
  std::vector<KnnAccuracy> accuracies;  // one per k, in the order asked
  int64_t step = 0;
  std::filesystem::path file;  // the JSON written
  double seconds = 0;
};

// Weighted kNN on frozen h: training split as the bank, test split as queries (features
// from the run's cache). Temperature: the run's evaluation.knn_temperature.
KnnEvaluation evaluate_knn(TrainedRun& run, const std::vector<int64_t>& ks, const JobCallbacks& callbacks = {},
                           const StopToken& stop = {});

struct LinearEvaluation {
  LinearProbeResult result;
  int64_t step = 0;
  std::filesystem::path file;
};

// The linear probe (Adam, its default settings) on standardised frozen h.
LinearEvaluation evaluate_linear(TrainedRun& run, const JobCallbacks& callbacks = {}, const StopToken& stop = {});

// <run>/evaluation/<probe>-step-<8 digits>.json
std::filesystem::path evaluation_file(const std::filesystem::path& run_dir, const std::string& probe, int64_t step);

}  // namespace simclr
