#include "engine/project/run_summary.h"

#include <nlohmann/json.hpp>

#include "engine/core/atomic_file.h"
#include "engine/core/json_value.h"

namespace simclr {

namespace {
nlohmann::json read_json(const std::filesystem::path& file) {
  try {
    if (std::filesystem::exists(file)) return nlohmann::json::parse(read_file(file));
  } catch (const std::exception&) {
    // A torn or hand-edited file: the summary shows what it can.
  }
  return {};
}

// The highest-step knn-h-step-<8 digits>.json in <run>/evaluation (names sort by step).
void read_latest_knn_evaluation(const std::filesystem::path& run_dir, RunSummary& s) {
  std::error_code ec;
  std::filesystem::path latest;
  for (const auto& entry : std::filesystem::directory_iterator(run_dir / "evaluation", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("knn-h-step-", 0) == 0 && entry.path().extension() == ".json" &&
        (latest.empty() || name > latest.filename().string()))
      latest = entry.path();
  }
  if (latest.empty()) return;
  const nlohmann::json doc = read_json(latest);
  if (!doc.is_object() || !doc.contains("results") || !doc["results"].is_array() || doc["results"].empty()) return;
  const auto& first = doc["results"][0];
  if (!first.is_object() || !first.contains("top1") || !first["top1"].is_number()) return;
  s.evaluated_knn_top1 = first["top1"].get<double>();
  s.evaluated_step = json_value_or(doc, "step", int64_t{0});
}

int64_t latest_checkpoint_step(const RunFolder& run) {
  const auto latest = run.latest_checkpoint();
  return latest.empty() ? 0 : checkpoint_step(latest);
}

// A process record newer than status.json is the run's present: it trains now, or its
// process died while training (a status.json of an earlier part is then stale). One older
// than status.json was left by a process killed after it wrote how the run ended.
void read_process(const RunFolder& run, RunSummary& s) {
  const std::optional<ProcessRecord> record = read_process_record(run);
  if (!record) return;
  std::error_code status_ec, record_ec;
  const auto status_time = std::filesystem::last_write_time(run.status_file(), status_ec);
  const auto record_time = std::filesystem::last_write_time(process_record_file(run), record_ec);
  if (!status_ec && !record_ec && status_time > record_time) return;
  s.process = record;
  if (record->total_steps > 0) s.total_steps = record->total_steps;
  s.final_loss.reset();  // the figures of an earlier part's end
  s.knn_top1.reset();
  s.pair_top1.reset();
  if (process_alive(*record, unix_now())) {
    s.state = "running";
    s.steps_done = record->step;
  } else {
    s.state = "interrupted";
    s.steps_done = latest_checkpoint_step(run);
  }
}

}  // namespace

RunSummary read_run_summary(const RunFolder& run) {
  RunSummary s;
  s.name = run.name();
  s.dir = run.dir();
  const nlohmann::json config = read_json(run.config_file());
  // Values of the wrong kind (a hand-edited or foreign file) read as unknown.
  if (const auto* dataset = json_find_path(config, {"dataset"})) s.dataset = json_value_or(*dataset, "name", "");
  if (const auto* model = json_find_path(config, {"model"})) s.encoder = json_value_or(*model, "encoder", "");
  if (const auto* training = json_find_path(config, {"training"}))
    s.batch_size = json_value_or(*training, "batch_size", int64_t{0});
  const nlohmann::json status = read_json(run.status_file());
  if (status.is_object()) {
    s.state = json_value_or(status, "state", "incomplete");
    s.steps_done = json_value_or(status, "steps_done", int64_t{0});
    s.total_steps = json_value_or(status, "total_steps", int64_t{0});
    if (status.contains("final_loss") && status["final_loss"].is_number())
      s.final_loss = status["final_loss"].get<double>();
    if (status.contains("final_monitor") && status["final_monitor"].is_object()) {
      const nlohmann::json& monitor = status["final_monitor"];
      if (monitor.contains("knn_top1")) s.knn_top1 = json_value_or(monitor, "knn_top1", 0.0);
      if (monitor.contains("pair_top1")) s.pair_top1 = json_value_or(monitor, "pair_top1", 0.0);
    }
    s.device = json_value_or(status, "device", "");
    s.train_seconds = json_value_or(status, "train_seconds", 0.0);
    s.parameters = json_value_or(status, "parameters", int64_t{0});
  } else {
    s.state = "incomplete";
    s.steps_done = latest_checkpoint_step(run);
  }
  read_process(run, s);
  read_latest_knn_evaluation(run.dir(), s);
  return s;
}

}  // namespace simclr
