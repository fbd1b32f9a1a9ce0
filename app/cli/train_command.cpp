// simclr-cli train PROJECT [--resume RUN]: SimCLR training with a progress bar; metrics go
// to the run folder as JSON lines. Ctrl+C stops after the current step with a checkpoint.
// Data-parallel: started by torchrun, srun or mpirun (ranks from their variables), or with
// --nproc-per-node N, which starts and supervises N local ranks itself.
#include <cmath>
#include <cstdio>
#include <iostream>

#include "app/cli/cli_command.h"
#include "app/cli/interrupt_scope.h"
#include "app/cli/local_launcher.h"
#include "app/cli/result_table.h"
#include "app/cli/terminal_progress.h"
#include "app/cli/training_progress.h"
#include "engine/core/error.h"
#include "engine/project/project_file.h"
#include "engine/train/trainer.h"

namespace simclr::cli {

namespace {
struct TrainArgs {
  std::string project;
  std::string resume;
  std::string device;
  int threads = -1;
  std::string run_name;
  std::string runs_root;
  long long max_steps = -1;
  int epochs = -1;
  int nproc_per_node = 1;
  std::string dist_url;
};
}  // namespace

void register_train_command(CLI::App& root, const GlobalOptions& global) {
  static TrainArgs args;
  auto* cmd = root.add_subcommand("train", "Train a SimCLR encoder from a project file");
  cmd->add_option("PROJECT", args.project, "Project file (*.json)")->required();
  cmd->add_option("--resume", args.resume, "Continue the run in this run folder from its latest checkpoint");
  cmd->add_option("--device", args.device, "cpu, cuda, cuda:N or auto (overrides the project)");
  cmd->add_option("--threads", args.threads, "CPU threads (default: the project's, 0 = all cores)");
  cmd->add_option("--run-name", args.run_name, "Name of the new run folder");
  cmd->add_option("--runs-dir", args.runs_root, "Where run folders go (default: runs/ beside the project)");
  cmd->add_option("--max-steps", args.max_steps, "Stop after this many steps in total (overrides the project)");
  cmd->add_option("--epochs", args.epochs, "Number of epochs (overrides the project)");
  cmd->add_option("--nproc-per-node", args.nproc_per_node,
                  "Train with N processes on this machine (data-parallel; the batch is split over them)")
      ->check(CLI::Range(1, 1024));
  cmd->add_option("--dist-url", args.dist_url,
                  "tcp://HOST:PORT of the run's store (else MASTER_ADDR/MASTER_PORT; for mpirun and srun)");
  cmd->callback([&global, cmd] {
    const auto launch = read_launch_environment(args.dist_url);
    if (ran_local_ranks(args.nproc_per_node, cmd->count("--threads") > 0, launch)) return;
    ProjectConfig project = load_project(args.project);
    if (args.max_steps >= 0) project.training.max_steps = args.max_steps;
    if (args.epochs >= 0) {
      if (args.epochs < 1) throw ConfigError("--epochs: must be >= 1");
      project.training.epochs = args.epochs;
    }
    TrainOptions options;
    options.resume_run = args.resume;
    options.device_override = args.device;
    options.threads_override = args.threads;
    options.run_name = args.run_name;
    options.runs_root = args.runs_root;
    options.launch = launch;

    TerminalProgress bar(global.quiet || (launch && launch->rank > 0));
    TrainCallbacks callbacks;
    attach_training_progress(bar, callbacks);
    quiet_for_other_ranks(launch, callbacks);

    StopToken stop;
    InterruptScope interrupt(stop);  // the previous handlers return however the callback ends
    const TrainResult result = train(project, options, callbacks, stop);
    if (launch && launch->rank > 0) return;  // rank 0 reports the run

    const std::string processes = result.world_size > 1 ? " x " + std::to_string(result.world_size) + " processes" : "";
    std::printf("run: %s\nstate: %s after %lld of %lld steps, final loss %.4f, %.1f s training on %s%s\n",
                result.run_dir.c_str(), result.state.c_str(), static_cast<long long>(result.steps_done),
                static_cast<long long>(result.total_steps), result.final_loss, result.train_seconds,
                result.device.c_str(), processes.c_str());
    if (const auto& last = result.final_monitor) {
      const auto& first = result.initial_monitor;
      const bool from_start = first && first->step == 0;
      if (last->has_knn && from_start && first->has_knn)
        std::printf("kNN top-1 (k=%lld): %.2f%% at initialisation -> %.2f%% at step %lld\n",
                    static_cast<long long>(last->knn_k), 100 * first->knn_top1, 100 * last->knn_top1,
                    static_cast<long long>(last->step));
      else if (last->has_knn)
        std::printf("kNN top-1 (k=%lld): %.2f%%\n", static_cast<long long>(last->knn_k), 100 * last->knn_top1);
      if (std::isfinite(last->pair_top1)) {
        const std::string before = from_start && std::isfinite(first->pair_top1)
                                       ? percent_text(first->pair_top1) + "% at initialisation -> "
                                       : "";
        std::printf("pair retrieval (%lld views): %s%s%% at step %lld\n", static_cast<long long>(2 * last->pair_count),
                    before.c_str(), percent_text(last->pair_top1).c_str(), static_cast<long long>(last->step));
      }
    }
  });
}

}  // namespace simclr::cli
