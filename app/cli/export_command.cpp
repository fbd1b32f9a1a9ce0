// simclr-cli export RUN --format npy|projector: a run's embeddings for other tools.
//   npy:       <split>-h.npy, <split>-z.npy (float32 [N, D]), <split>-labels.npy (int64 [N]),
//              <split>-indices.npy (int64 [N], rows of the split), the split's t-SNE layouts
//              from <run>/layouts with their sidecars, and export.json describing it all.
//   projector: a TensorBoard Embedding Projector folder (tensors, metadata, sprite, config).
#include <algorithm>
#include <cstdio>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "app/cli/analysis_options.h"
#include "app/cli/cli_command.h"
#include "app/cli/interrupt_scope.h"
#include "app/cli/terminal_progress.h"
#include "app/cli/unknown_command.h"
#include "engine/core/atomic_file.h"
#include "engine/core/error.h"
#include "engine/eval/balanced_sample.h"
#include "engine/eval/npy_file.h"
#include "engine/eval/projector_export.h"

namespace simclr::cli {

namespace fs = std::filesystem;

namespace {

struct ExportArgs {
  RunArgs run;
  std::string format;
  std::string split = "test";
  std::string features = "both";
  std::string out;
  int64_t points = 0;
  bool no_sprite = false;
};

std::vector<std::string> feature_kinds(const std::string& which) {
  return which == "both" ? std::vector<std::string>{"h", "z"} : std::vector<std::string>{which};
}

nlohmann::json describe(const torch::Tensor& t) {
  return {{"shape", t.sizes().vec()}, {"dtype", std::string(c10::toString(t.scalar_type()))}};
}

// The t-SNE layouts of `split` in <run>/layouts (each .npy with its .json sidecar), copied
// into <out>/layouts. Returns the copied layout file names.
std::vector<std::string> copy_layouts(const fs::path& run_dir, const std::string& split, const fs::path& out) {
  std::vector<std::string> copied;
  const fs::path dir = run_dir / "layouts";
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return copied;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".json") continue;
    nlohmann::json sidecar;
    try {
      sidecar = nlohmann::json::parse(read_file(entry.path()));
    } catch (const std::exception&) {
      continue;  // not a layout sidecar
    }
    const fs::path layout = fs::path(entry.path()).replace_extension(".npy");
    // A sidecar of another kind, or a damaged one: anything but {"split": "<split>", ...}.
    if (!sidecar.is_object() || !sidecar.contains("split") || sidecar["split"] != split || !fs::exists(layout))
      continue;
    fs::create_directories(out / "layouts");
    write_file_atomically(out / "layouts" / layout.filename(), read_file(layout));
    write_file_atomically(out / "layouts" / entry.path().filename(), read_file(entry.path()));
    copied.push_back(layout.filename().string());
  }
  std::sort(copied.begin(), copied.end());
  return copied;
}

void run_export(const ExportArgs& args, const GlobalOptions& global) {
  check_choice("--format", args.format, "npy|projector");
  check_choice("--split", args.split, "train|test");
  check_choice("--features", args.features, "h|z|both");
  if (args.points < 0) throw ConfigError("--points: must be >= 0 (0 = all points)");

  TrainedRun run = open_run(args.run, global.quiet);
  TerminalProgress bar(global.quiet);
  StopToken stop;
  InterruptScope interrupt(stop);
  const SplitFeatures features = split_features(run, args.run, args.split, bar.callbacks(), stop);
  const torch::Tensor indices = class_balanced_indices(features.labels, args.points);  // int64 [N]
  const torch::Tensor labels = features.labels.index_select(0, indices);
  const fs::path out =
      args.out.empty() ? run.run_dir / "exports" / (args.format + "-" + args.split + "-step" + std::to_string(run.step))
                       : fs::path(args.out);
  std::error_code ec;
  fs::create_directories(out, ec);
  if (ec) throw IoError("cannot create " + out.string() + ": " + ec.message());

  std::vector<fs::path> written;
  if (args.format == "npy") {
    nlohmann::json files = nlohmann::json::object();
    auto save = [&](const std::string& name, const torch::Tensor& t) {
      write_npy(out / name, t);
      files[name] = describe(t);
      written.push_back(out / name);
    };
    for (const auto& kind : feature_kinds(args.features))
      save(args.split + "-" + kind + ".npy", features.features(kind).index_select(0, indices).to(torch::kFloat));
    save(args.split + "-labels.npy", labels);
    save(args.split + "-indices.npy", indices);
    const auto layouts = copy_layouts(run.run_dir, args.split, out);
    for (const auto& l : layouts) written.push_back(out / "layouts" / l);
    const nlohmann::json manifest = {{"run", run.run_dir.string()},
                                     {"checkpoint", run.checkpoint.string()},
                                     {"step", run.step},
                                     {"split", args.split},
                                     {"points", indices.size(0)},
                                     {"split_size", features.labels.size(0)},
                                     {"class_balanced_subset", indices.size(0) < features.labels.size(0)},
                                     {"class_names", features.class_names},
                                     {"files", files},
                                     {"layouts", layouts}};
    write_file_atomically(out / "export.json", manifest.dump(1) + "\n");
    written.push_back(out / "export.json");
  } else {
    std::vector<ProjectorTensor> tensors;
    for (const auto& kind : feature_kinds(args.features))
      tensors.push_back({kind + " " + args.split + " step " + std::to_string(run.step),
                         features.features(kind).index_select(0, indices)});
    ProjectorOptions options;
    options.sprite = !args.no_sprite;
    const torch::Tensor images = run.split(args.split).images.index_select(0, indices);  // uint8 [N, C, H, W]
    const ProjectorFiles files = export_projector(out, tensors, labels, features.class_names, images, indices, options);
    written = files.tensors;
    written.push_back(files.metadata);
    if (!files.sprite.empty()) written.push_back(files.sprite);
    written.push_back(files.config);
  }

  std::printf("exported %lld %s points%s (step %lld) to %s:\n", static_cast<long long>(indices.size(0)),
              args.split.c_str(), indices.size(0) < features.labels.size(0) ? " (class-balanced subset)" : "",
              static_cast<long long>(run.step), out.c_str());
  for (const auto& f : written) std::printf("  %s\n", f.lexically_relative(out).c_str());
  if (args.format == "projector")
    std::printf(
        "open https://projector.tensorflow.org and load %s, or point TensorBoard's projector at the "
        "folder\n",
        (out / "projector_config.pbtxt").c_str());
}

}  // namespace

void register_export_command(CLI::App& root, const GlobalOptions& global) {
  static ExportArgs args;
  auto* cmd = root.add_subcommand("export",
                                  "Export a split's embeddings and labels: NumPy .npy files (with the split's "
                                  "t-SNE layouts) or a TensorBoard Embedding Projector folder");
  add_run_args(cmd, args.run);
  cmd->add_option("--format", args.format, "npy or projector")->required();
  cmd->add_option("--split", args.split, "train or test")->capture_default_str();
  cmd->add_option("--features", args.features, "h (backbone), z (projection head) or both")->capture_default_str();
  cmd->add_option("--out", args.out, "Output folder (default: <run>/exports/<format>-<split>-step<S>)");
  cmd->add_option("--points", args.points, "Export a class-balanced subset of this many points (0 = all)")
      ->capture_default_str();
  cmd->add_flag("--no-sprite", args.no_sprite, "projector: no sprite.png of the images");
  // `export weights RUN` and `export metrics RUN` share this command: a required RUN here
  // would swallow their names, so RUN and --format are checked in the callback.
  for (const char* name : {"RUN", "--format"}) cmd->get_option(name)->required(false);
  cmd->require_subcommand(0, 1);
  cmd->callback([cmd, &global] {
    if (cmd->got_subcommand("weights") || cmd->got_subcommand("metrics")) return;
    if (args.run.run.empty()) throw ConfigError("RUN: the run folder to export is required");
    // `export metrcs RUN`: a mistyped command, not a run folder.
    if (const std::string unknown = unknown_command_message(*cmd->get_parent()); !unknown.empty())
      throw ConfigError(unknown);
    run_export(args, global);
  });
}

}  // namespace simclr::cli
