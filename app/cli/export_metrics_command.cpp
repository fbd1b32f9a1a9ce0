// simclr-cli export metrics RUN: the run's metrics log (metrics.jsonl) as two CSV tables,
// steps.csv (loss, learning rate, throughput per step) and monitor.csv (kNN and embedding
// health per evaluation), for spreadsheets and plotting tools.
#include <cstdio>
#include <filesystem>
#include <string>

#include "app/cli/cli_command.h"
#include "engine/core/atomic_file.h"
#include "engine/core/error.h"
#include "engine/project/run_folder.h"
#include "engine/train/metrics_csv.h"
#include "engine/train/metrics_log.h"

namespace simclr::cli {

namespace fs = std::filesystem;

namespace {

struct ExportMetricsArgs {
  std::string run;
  std::string out;  // empty = <run>/exports
};

void run_export_metrics(const ExportMetricsArgs& args, const GlobalOptions& global) {
  std::error_code ec;
  if (!fs::is_directory(args.run, ec)) throw DataError(args.run + ": no such run folder");
  const RunFolder folder(fs::absolute(args.run));
  if (!fs::exists(folder.metrics_file()))
    throw DataError(folder.metrics_file().string() + ": no metrics log in this run");
  const auto records = read_metrics(folder.metrics_file());
  const fs::path out = args.out.empty() ? folder.dir() / "exports" : fs::path(args.out);
  fs::create_directories(out, ec);
  if (ec) throw IoError("cannot create " + out.string() + ": " + ec.message());
  write_file_atomically(out / "steps.csv", metrics_csv(records, "step"));
  write_file_atomically(out / "monitor.csv", metrics_csv(records, "monitor"));
  if (!global.quiet) std::printf("wrote %zu metrics records as\n", records.size());
  std::printf("%s\n%s\n", (out / "steps.csv").c_str(), (out / "monitor.csv").c_str());
}

}  // namespace

void register_export_metrics_command(CLI::App& root, const GlobalOptions& global) {
  static ExportMetricsArgs args;
  auto* cmd = root.get_subcommand("export")->add_subcommand(
      "metrics", "Write the run's metrics log as CSV: steps.csv and monitor.csv (default folder <run>/exports)");
  cmd->add_option("RUN", args.run, "Run folder")->required();
  cmd->add_option("--out", args.out, "Output folder (default: <run>/exports)");
  cmd->callback([&global] { run_export_metrics(args, global); });
}

}  // namespace simclr::cli
