#include "engine/project/run_folder.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <regex>

#include "engine/core/atomic_file.h"
#include "engine/core/error.h"
#include "engine/project/project_file.h"

namespace simclr {

namespace fs = std::filesystem;

std::string RunFolder::name() const {
  const fs::path parent = dir_.parent_path();
  std::error_code ec;
  if (fs::exists(parent / "sweep.json", ec)) return parent.filename().string() + "/" + dir_.filename().string();
  return dir_.filename().string();
}

fs::path RunFolder::checkpoint_file(int64_t step) const {
  char name[48];
  std::snprintf(name, sizeof name, "step-%08lld.pt", static_cast<long long>(step));
  return checkpoint_dir() / name;
}

fs::path RunFolder::snapshot_file(int64_t step) const {
  return snapshot_dir() / checkpoint_file(step).filename();
}

std::map<int64_t, fs::path> step_files(const fs::path& dir) {
  std::map<int64_t, fs::path> files;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const int64_t step = checkpoint_step(entry.path());
    if (step >= 0 && entry.is_regular_file(ec)) files[step] = entry.path();
  }
  return files;
}

int64_t checkpoint_step(const fs::path& file) {
  static const std::regex pattern("step-([0-9]+)\\.pt");
  std::smatch m;
  const std::string name = file.filename().string();
  return std::regex_match(name, m, pattern) ? std::stoll(m[1]) : -1;
}

fs::path RunFolder::latest_checkpoint() const {
  const auto files = step_files(checkpoint_dir());
  return files.empty() ? fs::path() : files.rbegin()->second;
}

void RunFolder::write_config(const ProjectConfig& config) const {
  write_file_atomically(config_file(), to_json(config).dump(2) + "\n");
}

ProjectConfig RunFolder::read_config() const {
  if (!fs::exists(config_file())) throw ConfigError(dir_.string() + ": not a run folder (no config.json)");
  ProjectConfig config = load_project(config_file());
  // Runs made before views_version existed drew each batch's views from one generator.
  const auto raw = nlohmann::json::parse(read_file(config_file()));
  if (!raw.contains("training") || !raw["training"].contains("views_version")) config.training.views_version = 1;
  // Runs made before checkpoints were pruned kept them all, and no snapshots.
  if (!raw.contains("training") || !raw["training"].contains("keep_last_checkpoints")) {
    config.training.keep_last_checkpoints = 0;
    config.training.timeline = "off";
  }
  return config;
}

fs::path runs_root(const ProjectConfig& project) {
  return project.base_dir() / "runs";
}

fs::path create_unique_folder(const fs::path& root, const std::string& project_name, const std::string& requested_name,
                              const std::string& kind) {
  static const std::regex plain_name("[A-Za-z0-9._+-]+");
  std::string name = requested_name;
  if (!name.empty()) {
    if (!std::regex_match(name, plain_name) || name == "." || name == "..")
      throw ConfigError(kind + " name '" + name + "': use letters, digits, '.', '_', '+' and '-' only");
    if (fs::exists(root / name))
      throw ConfigError(kind + " name '" + name + "': " + (root / name).string() + " already exists");
  } else {
    const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", std::localtime(&now));
    std::string base =
        std::regex_replace(project_name.empty() ? kind : project_name, std::regex("[^A-Za-z0-9._+-]"), "-") + "-" +
        stamp;
    name = base;
    for (int i = 2; fs::exists(root / name); ++i) name = base + "-" + std::to_string(i);
  }
  std::error_code ec;
  fs::create_directories(root / name, ec);
  if (ec) throw IoError((root / name).string() + ": cannot create " + kind + " folder: " + ec.message());
  return root / name;
}

RunFolder create_run_folder(const fs::path& root, const std::string& project_name, const std::string& requested_name) {
  const fs::path dir = create_unique_folder(root, project_name, requested_name, "run");
  std::error_code ec;
  fs::create_directories(dir / "checkpoints", ec);
  if (ec) throw IoError(dir.string() + ": cannot create run folder: " + ec.message());
  return RunFolder(dir);
}

std::vector<RunFolder> list_runs(const fs::path& root) {
  std::vector<RunFolder> runs;
  std::error_code ec;
  if (!fs::is_directory(root, ec)) return runs;
  for (const auto& entry : fs::directory_iterator(root, ec)) {
    if (!entry.is_directory()) continue;
    if (fs::exists(entry.path() / "config.json"))
      runs.emplace_back(entry.path());
    else if (fs::exists(entry.path() / "sweep.json"))  // a sweep: its points are runs too
      for (const auto& point : fs::directory_iterator(entry.path(), ec))
        if (point.is_directory() && fs::exists(point.path() / "config.json")) runs.emplace_back(point.path());
  }
  std::sort(runs.begin(), runs.end(), [](const RunFolder& a, const RunFolder& b) {
    std::error_code e1, e2;
    return fs::last_write_time(a.config_file(), e1) < fs::last_write_time(b.config_file(), e2);
  });
  return runs;
}

}  // namespace simclr

namespace simclr {

namespace {

// Settings that may change between a run and its resumption without changing its result.
bool non_binding(const std::string& path) {
  static const char* free[] = {"/name",
                               "/description",
                               "/dataset/path",
                               "/training/max_steps",
                               "/training/checkpoint_every_steps",
                               "/training/keep_last_checkpoints",
                               "/training/timeline",  // timeline, timeline_steps, timeline_max_mb
                               "/training/device",
                               "/training/threads",
                               "/training/views_version",  // a resumed run keeps its own
                               "/training/distributed/backend",
                               "/training/distributed/timeout_s",
                               "/training/distributed/barrier_timeout_s",
                               "/evaluation",
                               "/sweep",
                               "/profiles"};
  for (const char* prefix : free)
    if (path.rfind(prefix, 0) == 0) return true;
  return false;
}

}  // namespace

std::vector<std::string> binding_differences(const ProjectConfig& saved, const ProjectConfig& project) {
  std::vector<std::string> out;
  for (const auto& op : nlohmann::json::diff(to_json(saved), to_json(project))) {
    const std::string path = op.value("path", "");
    if (!non_binding(path)) out.push_back(path);
  }
  return out;
}

void check_resumable(const RunFolder& run, const ProjectConfig& project) {
  const auto differences = binding_differences(run.read_config(), project);
  if (differences.empty()) return;
  std::string list;
  for (const auto& d : differences) list += (list.empty() ? "" : ", ") + d.substr(1);
  throw ConfigError("cannot resume " + run.dir().string() + ": the project differs from the run's config in " + list);
}

}  // namespace simclr
