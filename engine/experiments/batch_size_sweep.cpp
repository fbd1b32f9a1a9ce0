#include "engine/experiments/batch_size_sweep.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "engine/core/atomic_file.h"
#include "engine/core/device.h"
#include "engine/core/csv_cell.h"
#include "engine/core/error.h"
#include "engine/core/json_value.h"
#include "engine/analysis/run_evaluation.h"
#include "engine/analysis/trained_run.h"
#include "engine/project/project_file.h"
#include "engine/project/run_folder.h"
#include "engine/project/run_summary.h"
#include "engine/train/run_group.h"
#include "engine/train/run_setup.h"

namespace simclr {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* kSweepFile = "sweep.json";

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// NaN (not measured) is null in JSON and empty in CSV.
json number_or_null(double v) {
  return std::isnan(v) ? json(nullptr) : json(v);
}
double number_from(const json& j, const char* key) {
  return j.contains(key) && j[key].is_number() ? j[key].get<double>() : NAN;
}
std::string csv_number(double v, const char* format) {
  if (std::isnan(v)) return "";
  char text[48];
  std::snprintf(text, sizeof text, format, v);
  return text;
}

json to_json(const SweepPointResult& p) {
  return {{"batch_size", p.batch_size},
          {"learning_rate", p.learning_rate},
          {"epochs", p.epochs},
          {"steps", p.steps},
          {"run", p.run},
          {"status", p.status},
          {"message", p.message},
          {"memory_note", p.memory_note},
          {"final_loss", number_or_null(p.final_loss)},
          {"knn_top1", number_or_null(p.knn_top1)},
          {"linear_top1", number_or_null(p.linear_top1)},
          {"views_per_second", number_or_null(p.views_per_second)},
          {"train_seconds", number_or_null(p.train_seconds)},
          {"wall_seconds", number_or_null(p.wall_seconds)}};
}

SweepPointResult point_from_json(const json& j) {
  SweepPointResult p;
  p.batch_size = json_value_or(j, "batch_size", int64_t{0});
  p.learning_rate = json_value_or(j, "learning_rate", 0.0);
  p.epochs = json_value_or(j, "epochs", int64_t{0});
  p.steps = json_value_or(j, "steps", int64_t{0});
  p.run = json_value_or(j, "run", "");
  p.status = json_value_or(j, "status", "pending");
  p.message = json_value_or(j, "message", "");
  p.memory_note = json_value_or(j, "memory_note", "");
  p.final_loss = number_from(j, "final_loss");
  p.knn_top1 = number_from(j, "knn_top1");
  p.linear_top1 = number_from(j, "linear_top1");
  p.views_per_second = number_from(j, "views_per_second");
  p.train_seconds = number_from(j, "train_seconds");
  p.wall_seconds = number_from(j, "wall_seconds");
  return p;
}

std::string percent_text(double fraction) {
  return csv_number(100 * fraction, "%.2f");
}

// What the ranks do with a point; rank 0 decides and tells the others.
enum class PointAction { Skip, Train, Resume, Evaluate, Stop };
const char* const kActionNames[] = {"skip", "train", "resume", "evaluate", "stop"};

// Rank 0: how a point that is to run stands in its folder.
PointAction action_for(const fs::path& run_dir) {
  if (read_run_summary(RunFolder(run_dir)).state == "completed") return PointAction::Evaluate;  // trained before
  if (fs::exists(run_dir / "config.json") && !RunFolder(run_dir).latest_checkpoint().empty())
    return PointAction::Resume;
  if (fs::exists(run_dir)) fs::remove_all(run_dir);  // it never reached its first checkpoint: start again
  return PointAction::Train;
}

// The point's run as train() wants it (every rank alike).
TrainResult train_point(const SweepPoint& point, PointAction action, const fs::path& sweep_dir,
                        const SweepOptions& options, const ProjectConfig& project, std::shared_ptr<ProcessGroup> group,
                        const SweepCallbacks& callbacks, const StopToken& stop) {
  TrainOptions train_options;
  train_options.runs_root = sweep_dir;
  train_options.device_override = options.device_override;
  train_options.threads_override = options.threads_override;
  train_options.launch = options.launch;
  train_options.group = std::move(group);
  if (action == PointAction::Resume)
    train_options.resume_run = sweep_dir / point.run_name;
  else
    train_options.run_name = point.run_name;
  ProjectConfig config = point.config;
  config.file = project.file;  // relative dataset paths resolve against the project
  return train(config, train_options, callbacks, stop);
}

// Rank 0: trains (or resumes) one point and evaluates it. Training errors become a "failed"
// point.
void run_point(const SweepPoint& point, PointAction action, SweepPointResult& out, const fs::path& sweep_dir,
               const SweepOptions& options, const ProjectConfig& project, std::shared_ptr<ProcessGroup> group,
               const SweepCallbacks& callbacks, const StopToken& stop) {
  const auto start = std::chrono::steady_clock::now();
  const fs::path run_dir = sweep_dir / point.run_name;
  fs::path trained_dir = run_dir;
  int64_t steps_done = 0;
  bool completed = true;
  if (action == PointAction::Evaluate) {
    const RunSummary finished = read_run_summary(RunFolder(run_dir));
    out.final_loss = finished.final_loss.value_or(NAN);
    out.train_seconds = finished.train_seconds;
    steps_done = finished.steps_done;
  } else {
    TrainResult trained;
    try {
      trained = train_point(point, action, sweep_dir, options, project, std::move(group), callbacks, stop);
    } catch (const TrainingError& e) {
      out.status = "failed";
      out.message = e.what();
      callbacks.log(LogLevel::Warning, "batch size " + std::to_string(point.batch_size) + ": " + e.what());
      return;
    }
    trained_dir = trained.run_dir;
    out.final_loss = trained.final_loss;
    out.train_seconds = trained.train_seconds;
    steps_done = trained.steps_done;
    completed = trained.state == "completed";
  }
  if (out.train_seconds > 0) out.views_per_second = 2.0 * double(point.batch_size * steps_done) / out.train_seconds;
  if (!completed) {
    out.status = "stopped";
    out.wall_seconds = seconds_since(start);
    return;
  }

  try {  // a stop during the evaluation leaves the point to be evaluated on --resume
    TrainedRun run =
        open_trained_run(trained_dir, "", options.device_override.empty() ? "auto" : options.device_override);
    const KnnEvaluation knn = evaluate_knn(run, {project.evaluation.knn_k}, callbacks, stop);
    out.knn_top1 = knn.accuracies.front().top1;
    if (project.sweep.linear_probe) out.linear_top1 = evaluate_linear(run, callbacks, stop).result.test_top1;
    out.status = "done";
  } catch (const CancelledError&) {
    out.status = "stopped";
  }
  out.wall_seconds = seconds_since(start);
}

}  // namespace

bool is_sweep_folder(const fs::path& dir) {
  std::error_code ec;
  return fs::is_regular_file(dir / kSweepFile, ec);
}

namespace {

// The sweep's folder (new, or the one being resumed) and one result per planned point;
// points a resumed sweep finished keep their results.
SweepResult open_sweep(const ProjectConfig& project, const SweepPlan& plan, const SweepOptions& options,
                       const fs::path& root) {
  SweepResult result;
  result.project_name = project.name;
  result.budget = project.sweep.budget;
  result.lr_scaling = project.sweep.lr_scaling;
  result.train_images = plan.train_images;
  result.reference_batch = plan.reference_batch;
  result.knn_k = project.evaluation.knn_k;
  std::vector<SweepPointResult> previous;
  if (!options.resume_sweep.empty()) {
    previous = read_sweep(options.resume_sweep).points;
    result.sweep_dir = options.resume_sweep;
  } else {
    result.sweep_dir = create_unique_folder(root, project.name + "-sweep", options.sweep_name, "sweep");
  }
  for (const auto& point : plan.points) {
    SweepPointResult r;
    r.batch_size = point.batch_size;
    r.learning_rate = point.learning_rate;
    r.epochs = point.epochs;
    r.steps = point.steps;
    r.run = point.run_name;
    for (const auto& p : previous)
      if (p.batch_size == point.batch_size && p.status == "done") r = p;
    result.points.push_back(r);
  }
  return result;
}

// Marks the points whose batch does not fit in memory: with `world` ranks, each rank's share
// of it. Returns false when stopped.
bool check_memory(const SweepPlan& plan, int world, const RunData& data, const ProjectConfig& project,
                  const SweepCallbacks& callbacks, const StopToken& stop, SweepResult& result) {
  callbacks.log(LogLevel::Info, world > 1 ? "checking which batch sizes fit in memory, " + std::to_string(world) +
                                                " processes sharing each batch"
                                          : std::string("checking which batch sizes fit in memory"));
  SweepPlan per_rank = plan;
  for (auto& point : per_rank.points) {
    point.batch_size /= world;
    point.config.training.batch_size /= world;
  }
  MemoryCheckResult memory;
  try {
    memory = check_sweep_memory(per_rank, data, project.training.device, callbacks, stop);
  } catch (const CancelledError&) {
    return false;
  }
  result.device = memory.device;
  for (size_t i = 0; i < plan.points.size(); ++i) {
    SweepPointResult& r = result.points[i];
    r.memory_note = memory.points[i].note + (world > 1 ? " per process" : "");
    if (!memory.points[i].fits && r.status != "done") r.status = "skipped-memory";
    callbacks.log(memory.points[i].fits ? LogLevel::Info : LogLevel::Warning,
                  "batch size " + std::to_string(r.batch_size) + ": " + memory.points[i].note);
  }
  callbacks.log(LogLevel::Info, memory.largest_fitting > 0
                                    ? "largest batch size that fits: " + std::to_string(memory.largest_fitting * world)
                                    : "no batch size of the sweep fits in memory");
  return true;
}

}  // namespace

namespace {

// A data-parallel sweep's ranks, joined once for all points, or nullptr alone.
std::shared_ptr<ProcessGroup> join_sweep_group(const ProjectConfig& project, const SweepPlan& plan,
                                               const SweepOptions& options) {
  if (!options.launch || options.launch->world_size < 2) return nullptr;
  for (size_t i = 0; i < plan.points.size(); ++i)
    check_batch_splits(plan.points[i].batch_size, options.launch->world_size,
                       "sweep.batch_sizes[" + std::to_string(i) + "]");
  TrainOptions rank_options;
  rank_options.launch = options.launch;
  return join_group(project, *options.launch, rank_device(resolve_device(project.training.device), rank_options));
}

// Ranks other than 0: train each point rank 0 names, and wait while it evaluates.
SweepResult follow_sweep(const SweepPlan& plan, const SweepOptions& options, const ProjectConfig& project,
                         const std::shared_ptr<ProcessGroup>& group, const SweepCallbacks& callbacks,
                         const StopToken& stop) {
  const std::chrono::seconds patience(project.training.distributed.barrier_timeout_s);
  const fs::path sweep_dir = group->share_from_rank0("sweep_dir", "");
  for (const auto& point : plan.points) {
    const std::string said = group->share_from_rank0("action", "");
    const PointAction action = static_cast<PointAction>(
        std::find(std::begin(kActionNames), std::end(kActionNames), said) - std::begin(kActionNames));
    if (action == PointAction::Stop) break;
    if (action == PointAction::Skip) continue;
    if (action != PointAction::Evaluate) {
      try {
        train_point(point, action, sweep_dir, options, project, group, callbacks, stop);
      } catch (const TrainingError&) {  // every rank saw the same loss: rank 0 records it
      }
    }
    group->barrier(patience);  // until rank 0 has evaluated the point; a stop comes as "stop"
  }
  return {};
}

}  // namespace

SweepResult run_sweep(const ProjectConfig& input, const SweepOptions& options, const SweepCallbacks& callbacks,
                      const StopToken& stop) {
  TrainOptions device_options;
  device_options.device_override = options.device_override;
  device_options.threads_override = options.threads_override;
  const ProjectConfig project = resolve_for_device(input, device_options);
  const fs::path root = options.runs_root.empty() ? runs_root(project) : options.runs_root;

  // Everything that can be wrong with the project is found before a folder is made.
  const RunData data = load_run_data(project, project.base_dir(), root);
  if (!data.data.train.labelled())
    throw ConfigError("sweep: each batch size is scored by kNN accuracy, which needs class labels, and " +
                      data.data_dir.string() + " has none (dataset.labels)");
  const SweepPlan plan = plan_sweep(project, data.data.train.size());
  const std::shared_ptr<ProcessGroup> group = join_sweep_group(project, plan, options);
  if (group && group->rank() != 0) return follow_sweep(plan, options, project, group, callbacks, stop);
  const int world = group ? group->world_size() : 1;
  const auto tell_ranks = [&](PointAction action) {
    if (group) group->share_from_rank0("action", kActionNames[static_cast<int>(action)]);
  };

  SweepResult result = open_sweep(project, plan, options, root);
  result.world_size = world;
  if (group) group->share_from_rank0("sweep_dir", result.sweep_dir.string());
  save_project(project, result.sweep_dir / "project.json");
  write_sweep_tables(result);
  if (project.sweep.check_memory && !check_memory(plan, world, data, project, callbacks, stop, result)) {
    tell_ranks(PointAction::Stop);
    result.stopped = true;
    return result;
  }
  write_sweep_tables(result);

  for (size_t i = 0; i < plan.points.size(); ++i) {
    SweepPointResult& r = result.points[i];
    if (r.status == "done" || r.status == "skipped-memory") {
      tell_ranks(PointAction::Skip);
      continue;
    }
    if (stop.stop_requested()) {
      tell_ranks(PointAction::Stop);
      result.stopped = true;
      break;
    }
    if (callbacks.on_point_start) callbacks.on_point_start(i, r.batch_size);
    callbacks.log(LogLevel::Info, "sweep point " + std::to_string(i + 1) + "/" + std::to_string(plan.points.size()) +
                                      ": batch size " + std::to_string(r.batch_size));
    r.status = "pending";
    const PointAction action = action_for(result.sweep_dir / r.run);
    tell_ranks(action);
    run_point(plan.points[i], action, r, result.sweep_dir, options, project, group, callbacks, stop);
    if (group) group->barrier(std::chrono::seconds(project.training.distributed.barrier_timeout_s));
    if (result.device.empty()) result.device = read_run_summary(RunFolder(result.sweep_dir / r.run)).device;
    write_sweep_tables(result);
    if (callbacks.on_point_done) callbacks.on_point_done(r);
    if (r.status == "stopped") {
      if (i + 1 < plan.points.size()) tell_ranks(PointAction::Stop);
      result.stopped = true;
      break;
    }
  }
  return result;
}

void write_sweep_tables(const SweepResult& result) {
  json points = json::array();
  for (const auto& p : result.points) points.push_back(to_json(p));
  const json document = {{"project", result.project_name},
                         {"device", result.device},
                         {"budget", result.budget},
                         {"lr_scaling", result.lr_scaling},
                         {"train_images", result.train_images},
                         {"reference_batch", result.reference_batch},
                         {"knn_k", result.knn_k},
                         {"world_size", result.world_size},
                         {"points", points}};
  write_file_atomically(result.sweep_dir / kSweepFile, document.dump(2) + "\n");

  std::ostringstream csv;
  csv << "batch_size,learning_rate,epochs,steps,status,final_loss,knn_top1,linear_top1,views_per_second,"
         "train_seconds,wall_seconds,run\n";
  for (const auto& p : result.points)
    csv << p.batch_size << "," << csv_number(p.learning_rate, "%.6g") << "," << p.epochs << "," << p.steps << ","
        << p.status << "," << csv_number(p.final_loss, "%.4f") << "," << percent_text(p.knn_top1) << ","
        << percent_text(p.linear_top1) << "," << csv_number(p.views_per_second, "%.1f") << ","
        << csv_number(p.train_seconds, "%.1f") << "," << csv_number(p.wall_seconds, "%.1f") << "," << csv_cell(p.run)
        << "\n";
  write_file_atomically(result.sweep_dir / "sweep.csv", csv.str());

  const auto cell = [](const std::string& s) { return s.empty() ? std::string("–") : s; };
  std::ostringstream md;
  md << "# Batch-size sweep: " << result.project_name << "\n\n"
     << result.train_images << " training images; " << (result.budget == "steps" ? "equal steps" : "equal epochs")
     << " per batch size; learning rate scaled " << result.lr_scaling << " from batch " << result.reference_batch
     << "; kNN k = " << result.knn_k << "; device " << cell(result.device)
     << (result.world_size > 1 ? ", " + std::to_string(result.world_size) + " data-parallel processes" : "") << ".\n\n"
     << "| Batch | LR | Epochs | Steps | Status | Final loss | kNN top-1 % | Linear top-1 % | Views/s | Train s | "
        "Wall s |\n|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|\n";
  for (const auto& p : result.points)
    md << "| " << p.batch_size << " | " << csv_number(p.learning_rate, "%.4g") << " | " << p.epochs << " | " << p.steps
       << " | " << p.status << " | " << cell(csv_number(p.final_loss, "%.4f")) << " | "
       << cell(percent_text(p.knn_top1)) << " | " << cell(percent_text(p.linear_top1)) << " | "
       << cell(csv_number(p.views_per_second, "%.1f")) << " | " << cell(csv_number(p.train_seconds, "%.1f")) << " | "
       << cell(csv_number(p.wall_seconds, "%.1f")) << " |\n";
  bool notes = false;
  for (const auto& p : result.points)
    if (!p.memory_note.empty() || !p.message.empty()) {
      if (!notes) md << "\nNotes:\n\n";
      notes = true;
      md << "- batch " << p.batch_size << ": " << p.memory_note << (p.message.empty() ? "" : "; " + p.message) << "\n";
    }
  write_file_atomically(result.sweep_dir / "sweep.md", md.str());
}

SweepResult read_sweep(const fs::path& sweep_dir) {
  const fs::path file = sweep_dir / kSweepFile;
  json document;
  try {
    document = json::parse(read_file(file));
  } catch (const IoError& e) {
    throw DataError(file.string() + ": not a sweep folder (" + e.what() + ")");
  } catch (const json::exception& e) {
    throw DataError(file.string() + ": damaged (" + e.what() + ")");
  }
  if (!document.is_object() || !document.contains("points") || !document["points"].is_array())
    throw DataError(file.string() + ": damaged (no \"points\" list)");
  SweepResult result;
  result.sweep_dir = sweep_dir;
  result.project_name = json_value_or(document, "project", "");
  result.device = json_value_or(document, "device", "");
  result.budget = json_value_or(document, "budget", "");
  result.lr_scaling = json_value_or(document, "lr_scaling", "");
  result.train_images = json_value_or(document, "train_images", int64_t{0});
  result.reference_batch = json_value_or(document, "reference_batch", int64_t{0});
  result.knn_k = json_value_or(document, "knn_k", int64_t{0});
  result.world_size = json_value_or(document, "world_size", 1);
  for (const auto& p : document["points"]) result.points.push_back(point_from_json(p));
  return result;
}

}  // namespace simclr
