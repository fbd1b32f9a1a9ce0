#include "engine/train/run_opening.h"

#include <algorithm>
#include <utility>

#include "engine/core/atomic_file.h"
#include "engine/core/error.h"
#include "engine/train/checkpoint.h"

namespace simclr {

namespace fs = std::filesystem;

namespace {

std::vector<fs::path> checkpoints_newest_first(const RunFolder& run) {
  std::vector<std::pair<int64_t, fs::path>> found;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(run.checkpoint_dir(), ec)) {
    const int64_t step = checkpoint_step(entry.path());
    if (step >= 0) found.emplace_back(step, entry.path());
  }
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<fs::path> files;
  for (auto& f : found) files.push_back(std::move(f.second));
  return files;
}

// Why a resume cannot start from `file`, or "" when the whole archive reads and records the
// step its name says.
std::string damage(const fs::path& file) {
  try {
    const int64_t recorded = read_checkpoint_info(file).step;
    if (recorded != checkpoint_step(file))
      return file.string() + ": damaged checkpoint: it records step " + std::to_string(recorded) +
             ", not the step its name says";
    return {};
  } catch (const DataError& e) {
    return e.what();
  }
}

std::string steps_lost(int64_t first, int64_t last) {
  return first == last ? "step " + std::to_string(first) + " is"
                       : "steps " + std::to_string(first) + "-" + std::to_string(last) + " are";
}

// Temporary checkpoint and snapshot files (".step-00000008.pt.tmp-<host>-<pid>-<n>", atomic_file.h) that a process
// killed while writing them left behind; no other process writes there while `run` is locked.
void remove_leftover_temporaries(const RunFolder& run, std::vector<std::string>& warnings) {
  std::vector<fs::path> left;
  std::error_code ec;
  for (const fs::path& dir : {run.checkpoint_dir(), run.snapshot_dir()})
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      const std::string name = entry.path().filename().string();
      if (name.rfind(".step-", 0) == 0 && name.find(".pt.tmp") != std::string::npos) left.push_back(entry.path());
    }
  for (const auto& file : left) {
    fs::remove(file, ec);
    warnings.push_back("removed " + file.string() + ", a checkpoint its writer did not finish (the process ended)");
  }
  for (const auto& file : remove_abandoned_temporaries(run.dir()))
    warnings.push_back("removed " + file.string() + ", a file its writer did not finish (the process ended)");
}

// The newest checkpoint that reads whole. Damaged newer ones are moved aside to
// <name>.damaged (kept to look at, no longer taken for the latest by anything that reads the
// run), each with a warning, and one more says which steps are lost.
fs::path intact_checkpoint(const RunFolder& run, std::vector<std::string>& warnings) {
  const std::vector<fs::path> files = checkpoints_newest_first(run);
  if (files.empty()) throw ConfigError("cannot resume " + run.dir().string() + ": it has no checkpoint yet");
  std::vector<std::string> problems;
  for (size_t i = 0; i < files.size(); ++i) {
    std::string why = damage(files[i]);
    if (!why.empty()) {
      problems.push_back(std::move(why));
      continue;
    }
    for (size_t d = 0; d < i; ++d) {
      fs::path aside = files[d];
      aside += ".damaged";
      std::error_code ec;
      fs::rename(files[d], aside, ec);
      warnings.push_back(problems[d] + (ec ? " (left in place: cannot rename it: " + ec.message() + ")"
                                           : "; moved aside to " + aside.filename().string()));
    }
    if (i > 0) {
      const int64_t kept = checkpoint_step(files[i]);
      warnings.push_back("resuming from step " + std::to_string(kept) + " (" + files[i].filename().string() +
                         "), the newest intact checkpoint: " + steps_lost(kept + 1, checkpoint_step(files[0])) +
                         " lost and will be trained again");
    }
    return files[i];
  }
  std::string text = "cannot resume " + run.dir().string() + ": none of its checkpoints is intact";
  for (const auto& p : problems) text += "\n  " + p;
  throw DataError(text);
}

}  // namespace

OpenedRun open_or_resume_run(const ProjectConfig& project, const TrainOptions& options) {
  const std::filesystem::path root = options.runs_root.empty() ? runs_root(project) : options.runs_root;
  if (options.resume_run.empty()) {
    OpenedRun opened{create_run_folder(root, project.name, options.run_name), root, {}, project.training.views_version};
    opened.lock = std::make_shared<RunLock>(opened.folder);
    opened.folder.write_config(project);
    return opened;
  }
  RunFolder folder(options.resume_run);
  check_resumable(folder, project);
  const ProjectConfig saved = folder.read_config();
  OpenedRun opened{folder, root, {}, saved.training.views_version};
  opened.keeps_every_checkpoint = saved.training.keep_last_checkpoints == 0;
  // Before anything in the folder changes (damaged checkpoints moved aside, the metrics cut
  // back to the checkpoint's step) while another process trains it.
  opened.lock = std::make_shared<RunLock>(folder);
  remove_leftover_temporaries(folder, opened.warnings);
  opened.resume_checkpoint = intact_checkpoint(folder, opened.warnings);
  return opened;
}

}  // namespace simclr
