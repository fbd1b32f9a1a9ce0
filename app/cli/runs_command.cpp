// simclr-cli runs PROJECT_OR_FOLDER: the runs of a project (runs/ beside it), of a runs
// folder or one run folder, with their states as the workbench's Runs dock shows them:
// completed, stopped, running (and by which process), interrupted (its process died; with
// the command that resumes it) or incomplete.
#include <cstdio>
#include <filesystem>

#include "app/cli/cli_command.h"
#include "app/cli/result_table.h"
#include "engine/core/error.h"
#include "engine/project/project_file.h"
#include "engine/project/run_failure.h"
#include "engine/project/run_summary.h"

namespace simclr::cli {

namespace fs = std::filesystem;

namespace {

std::string steps_text(const RunSummary& s) {
  return s.total_steps > 0 ? std::to_string(s.steps_done) + " / " + std::to_string(s.total_steps)
                           : std::to_string(s.steps_done);
}

// What to list, and the project to name in the resume command ("PROJECT" when unknown).
std::vector<RunFolder> runs_of(const std::string& input, std::string& project) {
  const fs::path path(input);
  std::error_code ec;
  if (fs::is_regular_file(path, ec)) {
    const ProjectConfig config = load_project(path);
    project = input;
    return list_runs(runs_root(config));
  }
  if (!fs::is_directory(path, ec))
    throw ConfigError(input + ": no such project file or folder (give a project, its runs folder or a run folder)");
  if (fs::exists(RunFolder(path).config_file(), ec)) return {RunFolder(path)};
  return list_runs(path);
}

}  // namespace

void register_runs_command(CLI::App& root, const GlobalOptions& global) {
  static std::string input;
  auto* cmd = root.add_subcommand("runs", "List runs and their states (running, interrupted, completed, ...)");
  cmd->add_option("PROJECT_OR_FOLDER", input, "A project file (its runs/), a runs folder or a run folder")->required();
  cmd->callback([&global] {
    std::string project = "PROJECT";
    const std::vector<RunFolder> runs = runs_of(input, project);
    if (runs.empty()) {
      if (!global.quiet) std::printf("no runs in %s\n", input.c_str());
      return;
    }
    ResultTable table({"run", "state", "steps", "final loss", "device", "process"});
    std::vector<RunFolder> interrupted, failed;
    for (const RunFolder& run : runs) {
      const RunSummary s = read_run_summary(run);
      char loss[32] = "";
      if (s.final_loss) std::snprintf(loss, sizeof loss, "%.4f", *s.final_loss);
      table.add_row({s.name, s.state, steps_text(s), loss, s.device, s.process ? describe_process(*s.process) : ""});
      if (s.state == "interrupted") interrupted.push_back(run);
      if (s.state == "failed") failed.push_back(run);
    }
    std::fputs(table.text().c_str(), stdout);
    for (const RunFolder& run : failed)
      std::printf("failed: %s: %s\n", run.dir().c_str(), read_run_failure(run).c_str());
    for (const RunFolder& run : interrupted)
      if (run.latest_checkpoint().empty())
        std::printf("interrupted: %s before its first checkpoint: nothing to resume\n", run.dir().c_str());
      else
        std::printf("interrupted: resume with  simclr-cli train %s --resume %s\n", project.c_str(), run.dir().c_str());
  });
}

}  // namespace simclr::cli
