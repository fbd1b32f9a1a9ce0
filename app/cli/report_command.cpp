// simclr-cli report RUN_OR_SWEEP... [--out DIR]: a Markdown report (report.md) over run and
// sweep folders with tables next to the paper's numbers, each figure as PNG (when built
// with Qt) and as CSV.
#include <cstdio>
#include <filesystem>

#include "app/cli/cli_command.h"
#include "app/cli/report_figures.h"
#include "engine/core/atomic_file.h"
#include "engine/core/error.h"
#include "engine/experiments/experiment_report.h"

namespace simclr::cli {

namespace fs = std::filesystem;

void register_report_command(CLI::App& root, const GlobalOptions& global) {
  static std::vector<std::string> inputs;
  static std::string out = "report";
  static bool no_figures = false;
  auto* cmd = root.add_subcommand("report", "Write a Markdown report over run and sweep folders");
  cmd->add_option("RUN_OR_SWEEP", inputs, "Run folders and sweep folders")->required();
  cmd->add_option("--out", out, "Folder for report.md, its figures (PNG) and their data (CSV); default: report");
  cmd->add_flag("--no-figures", no_figures, "Write the tables and the figures' CSV only");
  cmd->callback([&global] {
    std::vector<fs::path> paths(inputs.begin(), inputs.end());
    const ExperimentReport report = build_experiment_report(paths);  // bad inputs fail before anything is written
    const fs::path dir(out);
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) throw IoError(dir.string() + ": cannot create the report folder: " + ec.message());
    const bool images = !no_figures && can_render_report_figures();
    for (const auto& figure : report.figures) {
      write_file_atomically(dir / (figure.stem + ".csv"), figure.csv());
      if (images) render_report_figure(figure, dir / (figure.stem + ".png"));
    }
    write_file_atomically(dir / "report.md", report.markdown(images));
    if (!global.quiet)
      std::printf("report: %s (%zu figure%s%s)\n", (dir / "report.md").c_str(), report.figures.size(),
                  report.figures.size() == 1 ? "" : "s", images ? ", PNG and CSV" : ", CSV only");
  });
}

}  // namespace simclr::cli
