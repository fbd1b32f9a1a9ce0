#include "engine/experiments/experiment_report.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "engine/core/atomic_file.h"
#include "engine/core/error.h"
#include "engine/core/json_value.h"
#include "engine/core/version.h"
#include "engine/experiments/batch_size_sweep.h"
#include "engine/project/run_folder.h"
#include "engine/project/run_summary.h"

namespace simclr {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string fixed(double v, const char* format) {
  if (std::isnan(v)) return "–";
  char text[64];
  std::snprintf(text, sizeof text, format, v);
  return text;
}
std::string pct(double fraction) {
  return std::isnan(fraction) ? "–" : fixed(100 * fraction, "%.2f");
}

std::string duration(double seconds) {
  if (std::isnan(seconds) || seconds <= 0) return "–";
  if (seconds < 120) return fixed(seconds, "%.0f s");
  if (seconds < 2 * 3600) return fixed(seconds / 60, "%.1f min");
  if (seconds < 3 * 86400) return fixed(seconds / 3600, "%.1f h");
  return fixed(seconds / 86400, "%.1f days");
}

std::string millions(int64_t n) {
  return n <= 0 ? "–" : fixed(static_cast<double>(n) / 1e6, "%.2f M");
}

json read_json_file(const fs::path& file) {
  try {
    return json::parse(read_file(file));
  } catch (const std::exception&) {
    return json();
  }
}

// The newest <run>/evaluation/<prefix>-step-*.<ext> (names sort by step); empty when none.
fs::path newest_evaluation(const fs::path& run_dir, const std::string& prefix, const std::string& ext) {
  fs::path best;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(run_dir / "evaluation", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(prefix + "-step-", 0) == 0 && entry.path().extension() == ext &&
        (best.empty() || name > best.filename().string()))
      best = entry.path();
  }
  return best;
}

double json_number(const json& j, const json::json_pointer& at) {
  return j.is_object() && j.contains(at) && j[at].is_number() ? j[at].get<double>() : NAN;
}

// What one run folder says, for the tables.
struct RunFacts {
  RunSummary summary;
  json config;
  std::string encoder;  // "ResNet-18 (width 16)", "ViT 6/6 (patch 16, dim 768)"
  bool vit = false;
  double linear_top1 = NAN, finetune_top1 = NAN, finetune_seconds = NAN;
  int64_t finetune_epochs = 0;
  fs::path figure10_csv;
  double seconds_per_step() const {
    return summary.steps_done > 0 && summary.train_seconds > 0 ? summary.train_seconds / summary.steps_done : NAN;
  }
  double best_knn() const {
    if (summary.evaluated_knn_top1) return *summary.evaluated_knn_top1;
    return summary.knn_top1 ? *summary.knn_top1 : NAN;
  }
};

RunFacts read_run_facts(const fs::path& dir) {
  RunFacts f;
  const RunFolder run(dir);
  f.summary = read_run_summary(run);
  f.config = read_json_file(run.config_file());
  const json model = f.config.is_object() ? f.config.value("model", json::object()) : json::object();
  const std::string encoder = json_value_or(model, "encoder", "");
  if (encoder == "vit") {
    const json vit = model.is_object() ? model.value("vit", json::object()) : json::object();
    f.vit = true;
    f.encoder = "ViT " + std::to_string(json_value_or(vit, "heads", 0)) + "/" +
                std::to_string(json_value_or(vit, "layers", 0)) + " (patch " +
                std::to_string(json_value_or(vit, "patch_size", 0)) + ", dim " +
                std::to_string(json_value_or(vit, "dim", 0)) + ")";
  } else if (encoder.rfind("resnet", 0) == 0) {
    f.encoder = "ResNet-" + encoder.substr(6) + " (width " + std::to_string(json_value_or(model, "width", 0)) + ", " +
                json_value_or(model, "stem", "") + " stem)";
  } else {
    f.encoder = encoder.empty() ? "?" : encoder;
  }
  const json linear = read_json_file(newest_evaluation(dir, "linear-h-adam", ".json"));
  f.linear_top1 = json_number(linear, "/results/test_top1"_json_pointer);
  if (std::isnan(f.linear_top1))
    f.linear_top1 = json_number(read_json_file(newest_evaluation(dir, "linear-h-lbfgs", ".json")),
                                "/results/test_top1"_json_pointer);
  const json finetune = read_json_file(newest_evaluation(dir, "finetune", ".json"));
  f.finetune_top1 = json_number(finetune, "/results/test_top1"_json_pointer);
  f.finetune_seconds = json_number(finetune, "/results/seconds"_json_pointer);
  if (finetune.is_object() && finetune.contains("/results/epochs"_json_pointer) &&
      finetune["/results/epochs"_json_pointer].is_array())
    f.finetune_epochs = static_cast<int64_t>(finetune["/results/epochs"_json_pointer].size());
  f.figure10_csv = newest_evaluation(dir, "figure10", ".csv");
  return f;
}

// A minimal RFC 4180 reader (the files are our own).
std::vector<std::vector<std::string>> read_csv(const fs::path& file) {
  std::vector<std::vector<std::string>> rows;
  const std::string text = read_file(file);
  std::vector<std::string> row;
  std::string cell;
  bool quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"')
        cell += '"', ++i;
      else if (c == '"')
        quoted = false;
      else
        cell += c;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      row.push_back(cell), cell.clear();
    } else if (c == '\n') {
      row.push_back(cell), cell.clear();
      rows.push_back(row), row.clear();
    } else if (c != '\r') {
      cell += c;
    }
  }
  if (!cell.empty() || !row.empty()) row.push_back(cell), rows.push_back(row);
  return rows;
}

double csv_percent(const std::string& cell) {
  try {
    return cell.empty() ? NAN : std::stod(cell);
  } catch (const std::exception&) {
    return NAN;
  }
}

std::string slug(const std::string& name) {
  std::string out;
  for (char c : name) out += std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' ? c : '-';
  return out;
}

std::string runs_section(const std::vector<RunFacts>& runs) {
  std::ostringstream md;
  md << "## Runs\n\n"
     << "| Run | Encoder | Parameters | Dataset | Batch | Steps | Device | Train time | s/step | Full run (est.) | "
        "Final loss | kNN top-1 % | Linear top-1 % | Fine-tune top-1 % |\n"
     << "|---|---|---:|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|\n";
  for (const auto& r : runs) {
    const RunSummary& s = r.summary;
    const double per_step = r.seconds_per_step();
    const bool partial = s.total_steps > s.steps_done;
    md << "| " << s.name << " | " << r.encoder << " | " << millions(s.parameters) << " | " << s.dataset << " | "
       << s.batch_size << " | " << s.steps_done << (s.total_steps ? " / " + std::to_string(s.total_steps) : "") << " | "
       << (s.device.empty() ? "–" : s.device) << " | " << duration(s.train_seconds) << " | " << fixed(per_step, "%.3f")
       << " | " << (partial ? duration(per_step * static_cast<double>(s.total_steps)) : duration(s.train_seconds))
       << " | " << (s.final_loss ? fixed(*s.final_loss, "%.4f") : "–") << " | " << pct(r.best_knn()) << " | "
       << pct(r.linear_top1) << " | "
       << (std::isnan(r.finetune_top1) ? "–" : pct(r.finetune_top1) + " (" + std::to_string(r.finetune_epochs) + " ep)")
       << " |\n";
  }
  md << "\nkNN: the full-split evaluation where one was run (`simclr-cli evaluate RUN knn`), else the training "
        "monitor's last measurement. Full run (est.): the mean seconds per step times the run's planned steps, for "
        "runs cut short with --max-steps; measured time otherwise.\n";
  return md.str();
}

void add_figure10(const RunFacts& run, ExperimentReport& report) {
  const auto rows = read_csv(run.figure10_csv);
  if (rows.size() < 2) return;
  const auto& head = rows[0];
  const auto column = [&](const std::string& name) -> int {
    const auto it = std::find(head.begin(), head.end(), name);
    return it == head.end() ? -1 : static_cast<int>(it - head.begin());
  };
  const int label = column("label"), dim = column("input_dim"), train = column("train_size"),
            test = column("test_size"), ours = column("test_top1"), paper = column("paper_test_top1");
  if (label < 0 || ours < 0 || paper < 0) return;
  ReportFigure fig;
  fig.stem = "figure10-" + slug(run.summary.name);
  fig.kind = "bars";
  fig.title = "Test accuracy per representation (" + run.summary.name + ")";
  fig.series = {{"Ours", {}}, {"Paper", {}}};
  std::ostringstream md;
  md << "## Representations (paper Figure 10): " << run.summary.name << "\n\n"
     << "The paper's MLP on each representation of the test images, from `" << run.figure10_csv.filename().string()
     << "`.\n\n| Representation | Dim | Train / test | Ours top-1 % | Paper top-1 % |\n|---|---:|---:|---:|---:|\n";
  const auto cell = [](const std::vector<std::string>& r, int i) { return i >= 0 && i < int(r.size()) ? r[i] : ""; };
  for (size_t i = 1; i < rows.size(); ++i) {
    const auto& r = rows[i];
    md << "| " << cell(r, label) << " | " << cell(r, dim) << " | " << cell(r, train) << " / " << cell(r, test) << " | "
       << fixed(csv_percent(cell(r, ours)), "%.2f") << " | " << fixed(csv_percent(cell(r, paper)), "%.2f") << " |\n";
    fig.categories.push_back(cell(r, label));
    fig.series[0].values.push_back(csv_percent(cell(r, ours)));
    fig.series[1].values.push_back(csv_percent(cell(r, paper)));
  }
  md << "\n{{figure:" << fig.stem << "}}\n";
  report.sections.push_back(md.str());
  report.figures.push_back(fig);
}

void add_sweep(const SweepResult& sweep, ExperimentReport& report) {
  const std::string name = sweep.sweep_dir.filename().string();
  ReportFigure fig;
  fig.stem = "sweep-" + slug(name);
  fig.kind = "sweep";
  fig.title = "Accuracy against batch size (" + name + ")";
  fig.series = {{"kNN top-1", {}}, {"Linear probe top-1", {}}};
  std::ostringstream md;
  md << "## Batch-size sweep (paper Figure 11): " << name << "\n\n"
     << sweep.train_images << " training images, " << (sweep.budget == "steps" ? "equal steps" : "equal epochs")
     << " per batch size, learning rate scaled " << sweep.lr_scaling << " from batch " << sweep.reference_batch
     << ", kNN k = " << sweep.knn_k << ", on " << (sweep.device.empty() ? "–" : sweep.device) << ".\n\n"
     << "| Batch | LR | Steps | Status | Final loss | kNN top-1 % | Linear top-1 % | Views/s | Train time | Wall time "
        "|\n|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|\n";
  for (const auto& p : sweep.points) {
    md << "| " << p.batch_size << " | " << fixed(p.learning_rate, "%.4g") << " | " << p.steps << " | " << p.status
       << " | " << fixed(p.final_loss, "%.4f") << " | " << pct(p.knn_top1) << " | " << pct(p.linear_top1) << " | "
       << fixed(p.views_per_second, "%.0f") << " | " << duration(p.train_seconds) << " | " << duration(p.wall_seconds)
       << " |\n";
    fig.x.push_back(static_cast<double>(p.batch_size));
    fig.series[0].values.push_back(std::isnan(p.knn_top1) ? NAN : 100 * p.knn_top1);
    fig.series[1].values.push_back(std::isnan(p.linear_top1) ? NAN : 100 * p.linear_top1);
  }
  md << "\n{{figure:" << fig.stem
     << "}}\n\nThe paper's Figure 11 accuracies are not in our sources, so only ours "
        "are shown.\n";
  report.sections.push_back(md.str());
  report.figures.push_back(fig);
}

void add_encoder_comparison(const std::vector<RunFacts>& runs, ExperimentReport& report) {
  ReportFigure fig;
  fig.stem = "encoders";
  fig.kind = "bars";
  fig.title = "Accuracy per encoder";
  const bool all_finetuned =
      std::all_of(runs.begin(), runs.end(), [](const RunFacts& r) { return !std::isnan(r.finetune_top1); });
  const std::string metric = all_finetuned ? "Fine-tuned top-1" : "kNN top-1";
  fig.series = {{metric, {}}};
  std::ostringstream md;
  md << "## Encoders (paper Table 1, Figure 12)\n\n"
     << "| Run | Encoder | Parameters | Train time | s/step | Fine-tune top-1 % | Fine-tune time | kNN top-1 % |\n"
     << "|---|---|---:|---:|---:|---:|---:|---:|\n";
  for (const auto& r : runs) {
    md << "| " << r.summary.name << " | " << r.encoder << " | " << millions(r.summary.parameters) << " | "
       << duration(r.summary.train_seconds) << " | " << fixed(r.seconds_per_step(), "%.3f") << " | "
       << pct(r.finetune_top1) << " | " << duration(r.finetune_seconds) << " | " << pct(r.best_knn()) << " |\n";
    fig.categories.push_back(r.encoder + " · " + r.summary.name);
    const double v = all_finetuned ? r.finetune_top1 : r.best_knn();
    fig.series[0].values.push_back(std::isnan(v) ? NAN : 100 * v);
  }
  md << "\n{{figure:" << fig.stem << "}}\n\nBars: " << metric
     << (all_finetuned ? " (`simclr-cli evaluate RUN finetune`)" : " (not every run has a fine-tuning result)")
     << ". The paper's Table 1 accuracies and times are not in our sources, so only ours are shown.\n";
  report.sections.push_back(md.str());
  report.figures.push_back(fig);
}

}  // namespace

std::string ReportFigure::csv() const {
  std::ostringstream out;
  out << (kind == "sweep" ? "batch_size" : "category");
  for (const auto& s : series) out << "," << s.name;
  out << "\n";
  const size_t n = kind == "sweep" ? x.size() : categories.size();
  for (size_t i = 0; i < n; ++i) {
    if (kind == "sweep")
      out << fixed(x[i], "%.0f");
    else
      out << (categories[i].find(',') == std::string::npos ? categories[i] : "\"" + categories[i] + "\"");
    for (const auto& s : series)
      out << "," << (i < s.values.size() && !std::isnan(s.values[i]) ? fixed(s.values[i], "%.2f") : "");
    out << "\n";
  }
  return out.str();
}

std::string ExperimentReport::markdown(bool images) const {
  std::string out = header;
  for (std::string section : sections) {
    for (const auto& fig : figures) {
      const std::string marker = "{{figure:" + fig.stem + "}}";
      const size_t at = section.find(marker);
      if (at == std::string::npos) continue;
      const std::string data = "data: [" + fig.stem + ".csv](" + fig.stem + ".csv)";
      section.replace(at, marker.size(),
                      images ? "![" + fig.title + "](" + fig.stem + ".png)\n\n(" + data + ")" : "Figure " + data);
    }
    out += "\n" + section;
  }
  return out;
}

ExperimentReport build_experiment_report(const std::vector<fs::path>& inputs) {
  if (inputs.empty()) throw ConfigError("report: name at least one run or sweep folder");
  std::vector<RunFacts> runs;
  std::vector<SweepResult> sweeps;
  for (const auto& input : inputs) {
    if (is_sweep_folder(input))
      sweeps.push_back(read_sweep(input));
    else if (fs::is_regular_file(input / "config.json"))
      runs.push_back(read_run_facts(input));
    else
      throw ConfigError(input.string() + ": neither a run folder (config.json) nor a sweep folder (sweep.json)");
  }

  ExperimentReport report;
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  char date[32];
  std::strftime(date, sizeof date, "%Y-%m-%d %H:%M", std::localtime(&now));
  report.header = "# SimCLR Workbench report\n\nWritten " + std::string(date) + " by simclr-cli (" + build_summary() +
                  ") from " + std::to_string(runs.size()) + " run(s) and " + std::to_string(sweeps.size()) +
                  " sweep(s).\n";
  if (!runs.empty()) report.sections.push_back(runs_section(runs));
  for (const auto& r : runs)
    if (!r.figure10_csv.empty()) add_figure10(r, report);
  for (const auto& s : sweeps) add_sweep(s, report);
  const bool has_vit = std::any_of(runs.begin(), runs.end(), [](const RunFacts& r) { return r.vit; });
  if (has_vit && runs.size() >= 1) add_encoder_comparison(runs, report);
  return report;
}

}  // namespace simclr
