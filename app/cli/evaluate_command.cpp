// simclr-cli evaluate RUN PROBE: downstream evaluation of a trained run.
//   knn             weighted kNN on frozen features (several k)
//   linear          logistic regression on frozen features, weight decay chosen on a hold-out
//   mlp             the paper's MLP on raw pixels, h, z, PCA or t-SNE inputs
//   finetune        the paper's ViT protocol: h -> hidden -> classes, encoder fine-tuned
//   paper-figure10  the MLP on raw / h / PCA / t-SNE next to the paper's accuracies
// Every probe prints a table and writes <run>/evaluation/<name>-step-<8 digits>.json (all
// settings and results) and .csv (the table).
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "app/cli/analysis_options.h"
#include "app/cli/cli_command.h"
#include "app/cli/interrupt_scope.h"
#include "app/cli/result_table.h"
#include "app/cli/terminal_progress.h"
#include "engine/core/atomic_file.h"
#include "engine/core/device.h"
#include "engine/core/error.h"
#include "engine/analysis/finetune_probe.h"
#include "engine/eval/knn_classifier.h"
#include "engine/analysis/linear_probe.h"
#include "engine/analysis/representation_comparison.h"

namespace simclr::cli {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* kProbes = "knn|linear|mlp|finetune|paper-figure10";

struct EvaluateArgs {
  RunArgs run;
  std::string probe;
  std::string features = "h";
  std::vector<int64_t> ks{10, 20, 200};
  double temperature = 0.1;
  std::string solver = "adam";
  std::vector<double> weight_decays{0, 1e-6, 1e-5, 1e-4, 1e-3};
  std::string input = "h";
  int64_t hidden = 512;
  int64_t epochs = 0;            // 0 = the probe's default
  double lr = 0;                 // 0 = the probe's default
  int64_t train_batch_size = 0;  // 0 = the probe's default
  int64_t pca_components = 50;
  int64_t tsne_points = 10000;
  int64_t tsne_iterations = 1000;
  double perplexity = 30;
  int64_t train_limit = 0;
  int64_t test_limit = 0;
  bool no_flip = false;
  uint64_t seed = 0;
};

// What a probe hands back: the table to print and save, and everything for the JSON.
struct Report {
  Report() = default;
  Report(std::string name_, ResultTable table_) : name(std::move(name_)), table(std::move(table_)) {}
  std::string name;  // file stem before "-step-..."
  ResultTable table{{}};
  json settings, results;
  std::vector<std::string> notes;
  bool write_csv = true;  // paper-figure10 writes its own richer CSV and Markdown
};

Report knn_report(TrainedRun& run, const EvaluateArgs& a, JobCallbacks cb, StopToken& stop) {
  check_choice("--features", a.features, "h|z");
  const SplitFeatures train = split_features(run, a.run, "train", cb, stop);
  const SplitFeatures test = split_features(run, a.run, "test", cb, stop);
  KnnOptions o;
  o.ks = a.ks;
  o.temperature = a.temperature;
  o.num_classes = static_cast<int64_t>(train.class_names.size());
  for (int64_t k : o.ks)
    if (k < 1) throw ConfigError("--k: every k must be >= 1");
  if (!(o.temperature > 0)) throw ConfigError("--temperature: must be > 0");
  const auto results = knn_accuracy(train.features(a.features).to(run.device), train.labels.to(run.device),
                                    test.features(a.features).to(run.device), test.labels.to(run.device), o);
  Report r{"knn-" + a.features, ResultTable({"k", "top-1 %", "top-5 %"})};
  r.settings = {{"features", a.features},
                {"ks", a.ks},
                {"temperature", a.temperature},
                {"bank", train.labels.size(0)},
                {"queries", test.labels.size(0)}};
  for (const auto& k : results) {
    r.table.add_row({std::to_string(k.k), percent_text(k.top1), percent_text(k.top5)});
    r.results.push_back({{"k", k.k}, {"top1", k.top1}, {"top5", k.top5}});
  }
  r.notes.push_back("weighted kNN (cosine similarity, weights exp(s / " + number_text(a.temperature) +
                    ")), training split as the memory bank, test split as queries");
  return r;
}

Report linear_report(TrainedRun& run, const EvaluateArgs& a, JobCallbacks cb, StopToken& stop) {
  check_choice("--features", a.features, "h|z");
  LinearProbeOptions o;
  o.solver = parse_linear_solver(a.solver);
  o.weight_decays = a.weight_decays;
  if (a.epochs > 0) o.epochs = a.epochs;
  if (a.lr > 0) o.learning_rate = a.lr;
  if (a.train_batch_size > 0) o.batch_size = a.train_batch_size;
  o.seed = a.seed;
  o.device = run.device;
  const SplitFeatures train = split_features(run, a.run, "train", cb, stop);
  const SplitFeatures test = split_features(run, a.run, "test", cb, stop);
  const ProbeData data{train.features(a.features), train.labels, test.features(a.features), test.labels,
                       static_cast<int64_t>(train.class_names.size())};
  const LinearProbeResult p = linear_probe(data, o, cb, stop);
  Report r{"linear-" + a.features + "-" + a.solver,
           ResultTable({"set", "weight decay", "points", "top-1 %", "top-5 %"})};
  json trials = json::array();
  for (const auto& t : p.trials) {
    const bool chosen = t.weight_decay == p.weight_decay;
    r.table.add_row({chosen ? "validation *" : "validation", number_text(t.weight_decay), std::to_string(p.val_size),
                     percent_text(t.val_top1), percent_text(t.val_top5)});
    trials.push_back({{"weight_decay", t.weight_decay}, {"val_top1", t.val_top1}, {"val_top5", t.val_top5}});
  }
  r.table.add_row({"train", number_text(p.weight_decay), std::to_string(p.train_size), percent_text(p.train_top1),
                   percent_text(p.train_top5)});
  r.table.add_row({"test", number_text(p.weight_decay), std::to_string(p.test_size), percent_text(p.test_top1),
                   percent_text(p.test_top5)});
  r.settings = {{"features", a.features},
                {"solver", a.solver},
                {"weight_decays", o.weight_decays},
                {"validation_fraction", o.validation_fraction},
                {"epochs", o.epochs},
                {"batch_size", o.batch_size},
                {"learning_rate", o.learning_rate},
                {"lbfgs_iterations", o.lbfgs_iterations},
                {"seed", o.seed}};
  r.results = {{"weight_decay", p.weight_decay}, {"trials", trials},
               {"train_top1", p.train_top1},     {"train_top5", p.train_top5},
               {"val_top1", p.val_top1},         {"val_top5", p.val_top5},
               {"test_top1", p.test_top1},       {"test_top5", p.test_top5},
               {"input_dim", p.input_dim},       {"seconds", p.seconds}};
  r.notes.push_back("features standardised with training statistics; weight decay (*) chosen on a class-balanced " +
                    number_text(100 * o.validation_fraction) + "% hold-out, then retrained on all " +
                    std::to_string(p.train_size) + " training points");
  return r;
}

RepresentationOptions representation_options(const EvaluateArgs& a) {
  RepresentationOptions o;
  o.pca_components = a.pca_components;
  o.tsne_points = a.tsne_points;
  o.tsne.iterations = a.tsne_iterations;
  o.tsne.exaggeration_iterations = std::min(o.tsne.exaggeration_iterations, a.tsne_iterations);
  o.tsne.perplexity = a.perplexity;
  o.tsne.threads = a.run.threads;
  o.features.batch_size = a.run.batch_size;  // 0 = the run's, resolved below
  o.features.use_cache = !a.run.no_cache;
  o.seed = a.seed;
  return o;
}

MlpProbeOptions mlp_options(const EvaluateArgs& a, const TrainedRun& run) {
  MlpProbeOptions o;
  o.hidden = a.hidden;
  if (a.epochs > 0) o.epochs = a.epochs;
  if (a.lr > 0) o.learning_rate = a.lr;
  if (a.train_batch_size > 0) o.batch_size = a.train_batch_size;
  o.seed = a.seed;
  o.device = run.device;
  return o;
}

json mlp_settings(const MlpProbeOptions& o) {
  return {{"hidden", o.hidden},
          {"epochs", o.epochs},
          {"learning_rate", o.learning_rate},
          {"batch_size", o.batch_size},
          {"weight_decay", o.weight_decay},
          {"standardize", o.standardize},
          {"seed", o.seed}};
}

Report mlp_report(TrainedRun& run, const EvaluateArgs& a, JobCallbacks cb, StopToken& stop) {
  check_choice("--input", a.input, "raw|h|z|pca|tsne");
  RepresentationOptions ro = representation_options(a);
  if (ro.features.batch_size <= 0) ro.features.batch_size = run.config.evaluation.batch_size;
  RepresentationBuilder builder(run, ro, cb, stop);
  const Representation input = builder.build(a.input);
  MlpProbeOptions o = mlp_options(a, run);
  o.stage = "mlp " + a.input;
  const MlpProbeResult p = mlp_probe(input.data, o, cb, stop);
  Report r{"mlp-" + a.input, ResultTable({"input", "dim", "train points", "test points", "train top-1 %",
                                          "test top-1 %", "test top-5 %"})};
  r.table.add_row({input.label, std::to_string(p.input_dim), std::to_string(input.data.train_x.size(0)),
                   std::to_string(input.data.test_x.size(0)), percent_text(p.train_top1), percent_text(p.test_top1),
                   percent_text(p.test_top5)});
  json history = json::array();
  for (const auto& e : p.history)
    history.push_back({{"epoch", e.epoch}, {"train_loss", e.train_loss}, {"test_top1", e.test_top1}});
  r.settings = mlp_settings(o);
  r.settings["input"] = a.input;
  if (a.input == "pca") r.settings["pca_components"] = ro.pca_components;
  if (a.input == "tsne")
    r.settings["tsne"] = {
        {"points", ro.tsne_points}, {"perplexity", ro.tsne.perplexity}, {"iterations", ro.tsne.iterations}};
  r.results = {{"train_top1", p.train_top1}, {"train_top5", p.train_top5},    {"test_top1", p.test_top1},
               {"test_top5", p.test_top5},   {"input_dim", p.input_dim},      {"history", history},
               {"seconds", p.seconds},       {"input_seconds", input.seconds}};
  r.notes.push_back(input.note);
  return r;
}

Report figure10_report(TrainedRun& run, const EvaluateArgs& a, JobCallbacks cb, StopToken& stop) {
  ComparisonOptions o;
  o.inputs = representation_options(a);
  if (o.inputs.features.batch_size <= 0) o.inputs.features.batch_size = run.config.evaluation.batch_size;
  o.mlp = mlp_options(a, run);
  const ComparisonResult c = compare_representations(run, o, cb, stop);
  Report r{"figure10", ResultTable({"representation", "dim", "train points", "test points", "train acc %", "test acc %",
                                    "paper test acc %"})};
  r.write_csv = false;
  for (const auto& row : c.rows) {
    r.table.add_row({row.label, std::to_string(row.input_dim), std::to_string(row.train_size),
                     std::to_string(row.test_size), percent_text(row.train_top1), percent_text(row.test_top1),
                     row.paper_test_top1 < 0 ? "-" : percent_text(row.paper_test_top1)});
    r.results.push_back({{"representation", row.name},
                         {"input_dim", row.input_dim},
                         {"train_size", row.train_size},
                         {"test_size", row.test_size},
                         {"train_top1", row.train_top1},
                         {"test_top1", row.test_top1},
                         {"paper_test_top1", row.paper_test_top1},
                         {"build_seconds", row.build_seconds},
                         {"probe_seconds", row.probe_seconds},
                         {"note", row.note}});
    r.notes.push_back(row.label + ": " + row.note);
  }
  r.settings = mlp_settings(o.mlp);
  r.settings["pca_components"] = o.inputs.pca_components;
  r.settings["tsne"] = {{"points", o.inputs.tsne_points},
                        {"perplexity", o.inputs.tsne.perplexity},
                        {"iterations", o.inputs.tsne.iterations}};
  r.notes.push_back("table: " + c.csv_file.string() + " and " + c.markdown_file.string());
  return r;
}

Report finetune_report(TrainedRun& run, const EvaluateArgs& a, JobCallbacks cb, StopToken& stop) {
  FinetuneOptions o;
  o.hidden = a.hidden;
  if (a.epochs > 0) o.epochs = a.epochs;
  if (a.lr > 0) o.learning_rate = a.lr;
  if (a.train_batch_size > 0) o.batch_size = a.train_batch_size;
  o.flip = !a.no_flip;
  o.train_limit = a.train_limit;
  o.test_limit = a.test_limit;
  o.seed = a.seed;
  const FinetuneResult p = finetune_probe(run, o, cb, stop);
  Report r{"finetune", ResultTable({"epoch", "train loss", "train top-1 %", "test top-1 %", "wall s"})};
  json epochs = json::array();
  for (const auto& e : p.epochs) {
    r.table.add_row({std::to_string(e.epoch), number_text(e.train_loss, 4), percent_text(e.train_top1),
                     percent_text(e.test_top1), number_text(e.seconds, 1)});
    epochs.push_back({{"epoch", e.epoch},
                      {"train_loss", e.train_loss},
                      {"train_top1", e.train_top1},
                      {"test_top1", e.test_top1},
                      {"seconds", e.seconds}});
  }
  r.settings = {{"hidden", o.hidden},         {"epochs", o.epochs}, {"learning_rate", o.learning_rate},
                {"batch_size", o.batch_size}, {"flip", o.flip},     {"train_limit", o.train_limit},
                {"test_limit", o.test_limit}, {"seed", o.seed}};
  r.results = {{"epochs", epochs},           {"test_top1", p.test_top1}, {"best_test_top1", p.best_test_top1},
               {"train_size", p.train_size}, {"test_size", p.test_size}, {"seconds", p.seconds}};
  r.notes.push_back("encoder fine-tuned with a " + std::to_string(o.hidden) + "-unit ReLU head, Adam lr " +
                    number_text(o.learning_rate) + ", " + (o.flip ? "random horizontal flips" : "no augmentation") +
                    "; " + std::to_string(p.train_size) + " training and " + std::to_string(p.test_size) +
                    " test images");
  return r;
}

// Every option checked before the run is opened: a bad value fails at once, not after
// minutes of feature extraction.
void check_args(const EvaluateArgs& a) {
  check_choice("PROBE", a.probe, kProbes);
  check_choice("--features", a.features, "h|z");
  check_choice("--input", a.input, "raw|h|z|pca|tsne");
  parse_linear_solver(a.solver);
  auto fail = [](const std::string& what) { throw ConfigError(what); };
  if (a.ks.empty()) fail("--k: give at least one k");
  for (int64_t k : a.ks)
    if (k < 1) fail("--k: every k must be >= 1");
  if (!(a.temperature > 0)) fail("--temperature: must be > 0");
  if (a.weight_decays.empty()) fail("--weight-decays: give at least one value");
  for (double wd : a.weight_decays)
    if (!(wd >= 0) || !std::isfinite(wd)) fail("--weight-decays: every value must be finite and >= 0");
  if (a.hidden < 1) fail("--hidden: must be >= 1");
  if (a.epochs < 0) fail("--epochs: must be >= 1");
  if (!(a.lr >= 0) || !std::isfinite(a.lr)) fail("--lr: must be > 0");
  if (a.train_batch_size < 0) fail("--train-batch-size: must be >= 1");
  if (a.pca_components < 1) fail("--pca-components: must be >= 1");
  if (a.tsne_points < 0) fail("--tsne-points: must be >= 0 (0 = all)");
  if (a.tsne_iterations < 1) fail("--tsne-iterations: must be >= 1");
  if (!(a.perplexity > 0)) fail("--perplexity: must be > 0");
  if (a.train_limit < 0 || a.test_limit < 0) fail("--train-limit, --test-limit: must be >= 0 (0 = all)");
}

void run_evaluate(const EvaluateArgs& a, const GlobalOptions& global) {
  check_args(a);
  TrainedRun run = open_run(a.run, global.quiet);
  run.require_labels("evaluate --probe " + a.probe);
  StopToken stop;
  InterruptScope interrupt(stop);
  const ProgressClock clock("evaluate");
  Report r;
  {
    TerminalProgress bar(global.quiet);  // its line ends before the table is printed
    const JobCallbacks cb = bar.callbacks();
    if (a.probe == "knn")
      r = knn_report(run, a, cb, stop);
    else if (a.probe == "linear")
      r = linear_report(run, a, cb, stop);
    else if (a.probe == "mlp")
      r = mlp_report(run, a, cb, stop);
    else if (a.probe == "finetune")
      r = finetune_report(run, a, cb, stop);
    else
      r = figure10_report(run, a, cb, stop);
  }
  const double seconds = clock.elapsed_s();

  char stem[64];
  std::snprintf(stem, sizeof stem, "-step-%08lld", static_cast<long long>(run.step));
  const fs::path dir = run.run_dir / "evaluation";
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw IoError("cannot create " + dir.string() + ": " + ec.message());
  const fs::path json_file = dir / (r.name + stem + ".json");
  const json document = {{"probe", a.probe},
                         {"run", run.run_dir.string()},
                         {"checkpoint", run.checkpoint.string()},
                         {"step", run.step},
                         {"device", describe_device(run.device)},
                         {"settings", r.settings},
                         {"results", r.results},
                         {"notes", r.notes},
                         {"seconds", seconds}};
  write_file_atomically(json_file, document.dump(2) + "\n");
  if (r.write_csv) write_file_atomically(dir / (r.name + stem + ".csv"), r.table.csv());

  std::printf("%s, checkpoint step %lld\n\n%s\n", a.probe.c_str(), static_cast<long long>(run.step),
              r.table.text().c_str());
  for (const auto& note : r.notes) std::printf("note: %s\n", note.c_str());
  std::printf("time: %.1f s\nresults: %s%s\n", seconds, json_file.c_str(),
              r.write_csv ? (" and " + (dir / (r.name + stem + ".csv")).string()).c_str() : "");
}

}  // namespace

void register_evaluate_command(CLI::App& root, const GlobalOptions& global) {
  static EvaluateArgs args;
  auto* cmd = root.add_subcommand(
      "evaluate",
      "Evaluate a trained run with a probe; prints a table and writes <run>/evaluation/<probe>-step-<step>.json/.csv.\n"
      "  knn             weighted kNN on frozen features (--k, --temperature, --features)\n"
      "  linear          logistic regression on frozen features (--solver, --weight-decays, --features)\n"
      "  mlp             the paper's MLP: D -> hidden -> classes (--input, --hidden, --epochs, --lr)\n"
      "  finetune        two-layer head on the encoder, encoder fine-tuned (--epochs, --hidden, --lr)\n"
      "  paper-figure10  the MLP on raw pixels, h, PCA and t-SNE vs the paper (--pca-components, --tsne-points)");
  add_run_args(cmd, args.run);
  cmd->add_option("PROBE", args.probe, "knn, linear, mlp, finetune or paper-figure10")->required();
  cmd->add_option("--features", args.features, "knn, linear: h (backbone) or z (projection)")->capture_default_str();
  cmd->add_option("--k", args.ks, "knn: neighbour counts")->capture_default_str()->delimiter(',');
  cmd->add_option("--temperature", args.temperature, "knn: vote weight exp(similarity / T)")->capture_default_str();
  cmd->add_option("--solver", args.solver, "linear: adam (mini-batch) or lbfgs (full batch)")->capture_default_str();
  cmd->add_option("--weight-decays", args.weight_decays, "linear: candidates chosen on a validation hold-out")
      ->capture_default_str()
      ->delimiter(',');
  cmd->add_option("--input", args.input, "mlp: raw, h, z, pca or tsne")->capture_default_str();
  cmd->add_option("--hidden", args.hidden, "mlp, finetune, paper-figure10: hidden units")->capture_default_str();
  cmd->add_option("--epochs", args.epochs, "Training epochs (default: linear 30, mlp 20, finetune 10)");
  cmd->add_option("--lr", args.lr, "Learning rate (default: linear 1e-2, mlp 1e-3, finetune 1e-4)");
  cmd->add_option("--train-batch-size", args.train_batch_size,
                  "Probe training batch size (default: linear 1024, mlp 256, finetune 128)");
  cmd->add_option("--pca-components", args.pca_components, "pca input: components")->capture_default_str();
  cmd->add_option("--tsne-points", args.tsne_points, "tsne input: points laid out, train + test (0 = all)")
      ->capture_default_str();
  cmd->add_option("--tsne-iterations", args.tsne_iterations, "tsne input: iterations")->capture_default_str();
  cmd->add_option("--perplexity", args.perplexity, "tsne input: perplexity")->capture_default_str();
  cmd->add_option("--train-limit", args.train_limit, "finetune: class-balanced training subset (0 = all)");
  cmd->add_option("--test-limit", args.test_limit, "finetune: class-balanced test subset (0 = all)");
  cmd->add_flag("--no-flip", args.no_flip, "finetune: no random horizontal flips");
  cmd->add_option("--seed", args.seed, "Seed of hold-outs, initialisation, batch order, PCA and t-SNE")
      ->capture_default_str();
  cmd->callback([&global] { run_evaluate(args, global); });
}

}  // namespace simclr::cli
