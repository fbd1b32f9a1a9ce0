// simclr-cli sweep PROJECT: the project's batch-size sweep (sweep.batch_sizes), one run per
// batch size with kNN and a linear probe after each, tabulated in the sweep folder.
// --plan prints what would run (batch sizes, learning rates, steps, memory) and stops.
// Data-parallel as `train`: --nproc-per-node N, or the ranks of torchrun, srun or mpirun.
#include <cmath>
#include <cstdio>

#include "app/cli/cli_command.h"
#include "app/cli/interrupt_scope.h"
#include "app/cli/local_launcher.h"
#include "app/cli/result_table.h"
#include "app/cli/terminal_progress.h"
#include "app/cli/training_progress.h"
#include "engine/core/device.h"
#include "engine/core/error.h"
#include "engine/experiments/batch_size_sweep.h"
#include "engine/project/project_file.h"
#include "engine/project/run_folder.h"

namespace simclr::cli {

namespace {

namespace fs = std::filesystem;

struct SweepArgs {
  std::string project;
  std::string resume;
  std::string device;
  int threads = -1;
  std::string name;
  std::string runs_root;
  bool plan_only = false;
  bool no_memory_check = false;
  std::vector<int64_t> batch_sizes;
  long long max_steps = -1;
  int epochs = -1;
  int nproc_per_node = 1;
  std::string dist_url;
};

std::string number(double v, const char* format) {
  if (std::isnan(v)) return "–";
  char text[48];
  std::snprintf(text, sizeof text, format, v);
  return text;
}

void print_plan(const ProjectConfig& project, const SweepArgs& args, bool quiet) {
  TrainOptions device_options;
  device_options.device_override = args.device;
  device_options.threads_override = args.threads;
  const ProjectConfig resolved = resolve_for_device(project, device_options);
  configure_threads(static_cast<int>(resolved.training.threads));
  const fs::path root = args.runs_root.empty() ? runs_root(resolved) : fs::path(args.runs_root);
  const RunData data = load_run_data(resolved, resolved.base_dir(), root);
  const SweepPlan plan = plan_sweep(resolved, data.data.train.size());
  std::vector<BatchMemoryCheck> memory;
  if (resolved.sweep.check_memory && !args.no_memory_check) {
    TerminalProgress bar(quiet);
    memory = check_sweep_memory(plan, data, resolved.training.device, bar.callbacks()).points;
  }
  ResultTable table({"batch", "learning rate", "epochs", "steps", "memory", "s/step (first)"});
  for (size_t i = 0; i < plan.points.size(); ++i) {
    const SweepPoint& p = plan.points[i];
    const BatchMemoryCheck* m = i < memory.size() ? &memory[i] : nullptr;
    table.add_row({std::to_string(p.batch_size), number(p.learning_rate, "%.4g"), std::to_string(p.epochs),
                   std::to_string(p.steps), m ? m->note : "not checked",
                   m && m->seconds_per_step > 0 ? number(m->seconds_per_step, "%.2f") : "–"});
  }
  std::printf("%lld training images; budget: equal %s; learning rate scaled %s from batch %lld\n",
              static_cast<long long>(plan.train_images), resolved.sweep.budget.c_str(),
              resolved.sweep.lr_scaling.c_str(), static_cast<long long>(plan.reference_batch));
  std::fputs(table.text().c_str(), stdout);
}

}  // namespace

void register_sweep_command(CLI::App& root, const GlobalOptions& global) {
  static SweepArgs args;
  auto* cmd = root.add_subcommand("sweep", "Run a project's batch-size sweep (the paper's Figure 11)");
  cmd->add_option("PROJECT", args.project, "Project file with a sweep section (*.json)")->required();
  cmd->add_option("--batch-sizes", args.batch_sizes, "Batch sizes (overrides sweep.batch_sizes)")->delimiter(',');
  cmd->add_flag("--plan", args.plan_only, "Print the plan and the memory check, train nothing");
  cmd->add_flag("--no-memory-check", args.no_memory_check, "Skip the memory check (sweep.check_memory)");
  cmd->add_option("--resume", args.resume, "Continue this sweep folder: finished points are kept");
  cmd->add_option("--name", args.name, "Name of the new sweep folder");
  cmd->add_option("--runs-dir", args.runs_root, "Where the sweep folder goes (default: runs/ beside the project)");
  cmd->add_option("--device", args.device, "cpu, cuda, cuda:N or auto (overrides the project)");
  cmd->add_option("--threads", args.threads, "CPU threads (default: the project's, 0 = all cores)");
  cmd->add_option("--max-steps", args.max_steps, "Steps per run at most (overrides training.max_steps)");
  cmd->add_option("--epochs", args.epochs, "Epochs per run (overrides training.epochs)");
  cmd->add_option("--nproc-per-node", args.nproc_per_node,
                  "Train every point with N processes on this machine (data-parallel; each batch is split over them)")
      ->check(CLI::Range(1, 1024));
  cmd->add_option("--dist-url", args.dist_url,
                  "tcp://HOST:PORT of the ranks' store (else MASTER_ADDR/MASTER_PORT; for mpirun and srun)");
  cmd->callback([&global, cmd] {
    const auto launch = read_launch_environment(args.dist_url);
    if (!args.plan_only && ran_local_ranks(args.nproc_per_node, cmd->count("--threads") > 0, launch)) return;
    ProjectConfig project = load_project(args.project);
    if (!args.batch_sizes.empty()) {
      nlohmann::json document = to_json(project);
      document["sweep"]["batch_sizes"] = args.batch_sizes;
      const ConfigIssues issues = validate_project(document);
      if (!issues.empty()) throw ConfigError("--batch-sizes: " + join_issues(issues));
      project.sweep.batch_sizes = args.batch_sizes;
    }
    if (args.max_steps >= 0) project.training.max_steps = args.max_steps;
    if (args.epochs >= 0) {
      if (args.epochs < 1) throw ConfigError("--epochs: must be >= 1");
      project.training.epochs = args.epochs;
    }
    if (args.no_memory_check) project.sweep.check_memory = false;
    if (project.sweep.batch_sizes.empty())
      throw ConfigError(args.project +
                        ": sweep.batch_sizes is empty; list the batch sizes to sweep in the project "
                        "or with --batch-sizes 32,64,128,256");
    if (!args.resume.empty() && !is_sweep_folder(args.resume))
      throw ConfigError("--resume: " + args.resume + " is not a sweep folder (no sweep.json)");
    if (args.plan_only) return print_plan(project, args, global.quiet);

    SweepOptions options;
    options.runs_root = args.runs_root;
    options.sweep_name = args.name;
    options.resume_sweep = args.resume;
    options.device_override = args.device;
    options.threads_override = args.threads;
    options.launch = launch;

    const bool other_rank = launch && launch->rank > 0;
    TerminalProgress bar(global.quiet || other_rank);
    SweepCallbacks callbacks;
    attach_training_progress(bar, callbacks);
    quiet_for_other_ranks(launch, callbacks);
    StopToken stop;
    InterruptScope interrupt(stop);
    configure_threads(static_cast<int>(args.threads >= 0 ? args.threads : project.training.threads));
    const SweepResult result = run_sweep(project, options, callbacks, stop);
    if (other_rank) return;  // rank 0 reports the sweep

    ResultTable table({"batch", "status", "final loss", "kNN top-1 %", "linear top-1 %", "views/s", "wall s"});
    for (const auto& p : result.points)
      table.add_row({std::to_string(p.batch_size), p.status, number(p.final_loss, "%.4f"),
                     number(100 * p.knn_top1, "%.2f"), number(100 * p.linear_top1, "%.2f"),
                     number(p.views_per_second, "%.0f"), number(p.wall_seconds, "%.0f")});
    std::fputs(table.text().c_str(), stdout);
    std::printf("sweep: %s (sweep.csv, sweep.md)%s\n", result.sweep_dir.c_str(),
                result.stopped ? "; stopped: continue with --resume" : "");
    if (result.stopped) throw CancelledError("sweep stopped; continue with --resume " + result.sweep_dir.string());
  });
}

}  // namespace simclr::cli
