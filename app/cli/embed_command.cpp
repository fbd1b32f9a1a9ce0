// simclr-cli embed RUN: extract (or find cached) backbone features h and projections z of a
// run's splits into <run>/features/step-<8 digits>-<split>.pt, and say where they are.
#include <cstdio>
#include <string>
#include <vector>

#include "app/cli/analysis_options.h"
#include "app/cli/cli_command.h"
#include "app/cli/interrupt_scope.h"
#include "app/cli/terminal_progress.h"

namespace simclr::cli {

namespace {

struct EmbedArgs {
  RunArgs run;
  std::string split = "both";
};

std::string shape_text(const torch::Tensor& t) {
  std::string out = "[";
  for (int64_t d = 0; d < t.dim(); ++d) out += (d ? ", " : "") + std::to_string(t.size(d));
  return out + "]";
}

void run_embed(const EmbedArgs& args, const GlobalOptions& global) {
  check_choice("--split", args.split, "train|test|both");
  TrainedRun run = open_run(args.run, global.quiet);
  const std::vector<std::string> splits =
      args.split == "both" ? std::vector<std::string>{"train", "test"} : std::vector<std::string>{args.split};
  StopToken stop;
  InterruptScope interrupt(stop);
  for (const auto& split : splits) {
    const ProgressClock clock("embed " + split);
    SplitFeatures f;
    {
      TerminalProgress bar(global.quiet);  // ends its line before the summary is printed
      f = split_features(run, args.run, split, bar.callbacks(), stop);
    }
    const auto file = feature_cache_file(run.run_dir, run.step, split);
    std::printf("%-5s h %s, z %s, labels %s: %s in %.1f s\n", split.c_str(), shape_text(f.h).c_str(),
                shape_text(f.z).c_str(), shape_text(f.labels).c_str(),
                f.from_cache ? "read from the cache" : "extracted", clock.elapsed_s());
    if (!args.run.no_cache) std::printf("      %s\n", file.c_str());
  }
}

}  // namespace

void register_embed_command(CLI::App& root, const GlobalOptions& global) {
  static EmbedArgs args;
  auto* cmd = root.add_subcommand(
      "embed",
      "Extract a run's backbone features h and projections z (eval mode, the run's normalisation and "
      "input size) and cache them in <run>/features/step-<step>-<split>.pt");
  add_run_args(cmd, args.run);
  cmd->add_option("--split", args.split, "train, test or both")->capture_default_str();
  cmd->callback([&global] { run_embed(args, global); });
}

}  // namespace simclr::cli
