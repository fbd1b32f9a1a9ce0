#pragma once
// A run's folder: runs/<name>/ beside the project file, holding the resolved config, the
// metrics log (JSON lines) and the checkpoints. The folder is the run: the GUI lists runs
// by scanning these folders.
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "engine/project/project_config.h"

namespace simclr {

class RunFolder {
 public:
  explicit RunFolder(std::filesystem::path dir) : dir_(std::move(dir)) {}

  const std::filesystem::path& dir() const { return dir_; }
  // The folder's name; for a sweep's point "<sweep>/<point>".
  std::string name() const;
  std::filesystem::path config_file() const { return dir_ / "config.json"; }
  std::filesystem::path metrics_file() const { return dir_ / "metrics.jsonl"; }
  std::filesystem::path status_file() const { return dir_ / "status.json"; }
  std::filesystem::path checkpoint_dir() const { return dir_ / "checkpoints"; }
  std::filesystem::path checkpoint_file(int64_t step) const;
  // Newest checkpoint by step, or empty when there is none.
  std::filesystem::path latest_checkpoint() const;
  // Model-only snapshots kept for the embedding timeline (training.timeline).
  std::filesystem::path snapshot_dir() const { return dir_ / "snapshots"; }
  std::filesystem::path snapshot_file(int64_t step) const;

  // Writes the resolved config (every default spelled out) atomically.
  void write_config(const ProjectConfig& config) const;
  // Reads it back; throws ConfigError when missing or invalid.
  ProjectConfig read_config() const;

 private:
  std::filesystem::path dir_;
};

// The settings in which `project` differs from a run's saved config that change what the
// run computes (JSON pointers, "/training/batch_size"). Names, paths, step limits, the
// device, thread count and evaluation may change between a run and its resumption.
std::vector<std::string> binding_differences(const ProjectConfig& saved, const ProjectConfig& project);

// Throws ConfigError naming every binding difference when `project` cannot resume `run`.
void check_resumable(const RunFolder& run, const ProjectConfig& project);

// The step a checkpoint's file name records ("step-00000040.pt" -> 40), or -1.
int64_t checkpoint_step(const std::filesystem::path& file);

// The checkpoint or snapshot files in `dir` by step (names as checkpoint_step reads them).
std::map<int64_t, std::filesystem::path> step_files(const std::filesystem::path& dir);

// runs/ beside the project file.
std::filesystem::path runs_root(const ProjectConfig& project);

// Creates a new, unique run folder: <root>/<name or project-name-YYYYmmdd-HHMMSS>.
// Throws ConfigError when an explicit name is taken or is not a plain folder name.
RunFolder create_run_folder(const std::filesystem::path& root, const std::string& project_name,
                            const std::string& requested_name = "");

// Creates <root>/<requested_name>, or <root>/<project-name-YYYYmmdd-HHMMSS> made unique
// when no name is given. `kind` ("run", "sweep") names it in messages. Throws ConfigError
// for a taken or unusable name, IoError when the folder cannot be made.
std::filesystem::path create_unique_folder(const std::filesystem::path& root, const std::string& project_name,
                                           const std::string& requested_name, const std::string& kind);

// The run folders under root, oldest first, including the points of sweep folders
// (<root>/<sweep>/<point>/, marked by <root>/<sweep>/sweep.json).
std::vector<RunFolder> list_runs(const std::filesystem::path& root);

}  // namespace simclr
