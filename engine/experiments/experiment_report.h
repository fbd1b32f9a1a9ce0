#pragma once
// `simclr-cli report`: one Markdown report over run folders and sweep folders, with the
// paper's published numbers beside ours where our sources have them (Figure 10). The
// engine builds the text and the data of each figure; whoever writes the report renders
// the figures (the CLI through the workbench's chart widgets when it is built with Qt) and
// always writes each figure's data as CSV, so a build without Qt still has every number.
#include <filesystem>
#include <string>
#include <vector>

namespace simclr {

struct ReportSeries {
  std::string name;            // "Ours", "Paper", "kNN top-1", ...
  std::vector<double> values;  // percent; NaN = no value
};

struct ReportFigure {
  std::string stem;  // file name without extension: "figure10-quickstart"
  std::string kind;  // "bars" (categories) or "sweep" (x = batch sizes, log2 axis)
  std::string title;
  std::vector<std::string> categories;  // bars
  std::vector<double> x;                // sweep
  std::vector<ReportSeries> series;
  std::string csv() const;  // the figure's data, one row per category or x
};

struct ExperimentReport {
  std::vector<ReportFigure> figures;
  // The Markdown; `images` says whether the figures will exist as <stem>.png next to it
  // (else the text links their CSV data only).
  std::string markdown(bool images) const;

  std::string header;
  std::vector<std::string> sections;  // Markdown with {{figure:<stem>}} where a figure goes
};

// Each input is a run folder (config.json) or a sweep folder (sweep.json). Throws
// ConfigError naming an input that is neither, DataError for a damaged sweep.json.
ExperimentReport build_experiment_report(const std::vector<std::filesystem::path>& inputs);

}  // namespace simclr
