#include "engine/analysis/run_evaluation.h"

#include <chrono>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "engine/core/atomic_file.h"
#include "engine/core/device.h"
#include "engine/analysis/run_features.h"

namespace simclr {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

json document_head(const TrainedRun& run, const std::string& probe) {
  return {{"probe", probe},
          {"run", run.run_dir.string()},
          {"checkpoint", run.checkpoint.string()},
          {"step", run.step},
          {"device", describe_device(run.device)}};
}

void write_document(const fs::path& file, const json& document) {
  fs::create_directories(file.parent_path());
  write_file_atomically(file, document.dump(2) + "\n");
}

}  // namespace

fs::path evaluation_file(const fs::path& run_dir, const std::string& probe, int64_t step) {
  char name[96];
  std::snprintf(name, sizeof name, "%s-step-%08lld.json", probe.c_str(), static_cast<long long>(step));
  return run_dir / "evaluation" / name;
}

KnnEvaluation evaluate_knn(TrainedRun& run, const std::vector<int64_t>& ks, const JobCallbacks& callbacks,
                           const StopToken& stop) {
  run.require_labels("kNN evaluation");
  const auto start = std::chrono::steady_clock::now();
  FeatureOptions features;
  features.batch_size = run.config.evaluation.batch_size;
  const SplitFeatures train = run_features(run, "train", features, callbacks, stop);
  const SplitFeatures test = run_features(run, "test", features, callbacks, stop);
  KnnOptions options;
  options.ks = ks;
  options.temperature = run.config.evaluation.knn_temperature;
  options.num_classes = static_cast<int64_t>(train.class_names.size());
  KnnEvaluation out;
  out.accuracies = knn_accuracy(train.h.to(run.device), train.labels.to(run.device), test.h.to(run.device),
                                test.labels.to(run.device), options);
  out.step = run.step;
  out.seconds = seconds_since(start);
  out.file = evaluation_file(run.run_dir, "knn-h", run.step);

  json document = document_head(run, "knn");
  document["settings"] = {{"features", "h"},
                          {"ks", ks},
                          {"temperature", options.temperature},
                          {"bank", train.labels.size(0)},
                          {"queries", test.labels.size(0)}};
  json results = json::array();
  for (const auto& a : out.accuracies) results.push_back({{"k", a.k}, {"top1", a.top1}, {"top5", a.top5}});
  document["results"] = results;
  document["seconds"] = out.seconds;
  write_document(out.file, document);
  return out;
}

LinearEvaluation evaluate_linear(TrainedRun& run, const JobCallbacks& callbacks, const StopToken& stop) {
  run.require_labels("the linear probe");
  FeatureOptions features;
  features.batch_size = run.config.evaluation.batch_size;
  const SplitFeatures train = run_features(run, "train", features, callbacks, stop);
  const SplitFeatures test = run_features(run, "test", features, callbacks, stop);
  LinearProbeOptions options;
  options.device = run.device;
  const ProbeData data{train.h, train.labels, test.h, test.labels, static_cast<int64_t>(train.class_names.size())};
  LinearEvaluation out;
  out.result = linear_probe(data, options, callbacks, stop);
  out.step = run.step;
  out.file = evaluation_file(run.run_dir, "linear-h-adam", run.step);

  const LinearProbeResult& p = out.result;
  json document = document_head(run, "linear");
  document["settings"] = {{"features", "h"},
                          {"solver", "adam"},
                          {"weight_decays", options.weight_decays},
                          {"validation_fraction", options.validation_fraction},
                          {"epochs", options.epochs},
                          {"batch_size", options.batch_size},
                          {"learning_rate", options.learning_rate},
                          {"seed", options.seed}};
  document["results"] = {{"weight_decay", p.weight_decay}, {"train_top1", p.train_top1}, {"val_top1", p.val_top1},
                         {"test_top1", p.test_top1},       {"test_top5", p.test_top5},   {"input_dim", p.input_dim},
                         {"train_size", p.train_size},     {"test_size", p.test_size},   {"seconds", p.seconds}};
  write_document(out.file, document);
  return out;
}

}  // namespace simclr
