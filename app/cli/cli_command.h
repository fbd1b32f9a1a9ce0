#pragma once
// How simclr-cli is put together: each command family registers its subcommands on the
// root CLI11 app. Command bodies throw simclr::Error; main() turns errors into one-line
// messages and exit codes (2 bad input, 1 runtime failure).
#include <CLI/CLI.hpp>

namespace simclr::cli {

struct GlobalOptions {
  bool quiet = false;
};

void register_dataset_commands(CLI::App& root, const GlobalOptions& global);
void register_project_commands(CLI::App& root, const GlobalOptions& global);
void register_train_command(CLI::App& root, const GlobalOptions& global);
void register_runs_command(CLI::App& root, const GlobalOptions& global);
void register_sweep_command(CLI::App& root, const GlobalOptions& global);
void register_report_command(CLI::App& root, const GlobalOptions& global);
void register_embed_command(CLI::App& root, const GlobalOptions& global);
void register_evaluate_command(CLI::App& root, const GlobalOptions& global);
void register_tsne_command(CLI::App& root, const GlobalOptions& global);
void register_timeline_command(CLI::App& root, const GlobalOptions& global);
void register_neighbours_command(CLI::App& root, const GlobalOptions& global);
void register_export_command(CLI::App& root, const GlobalOptions& global);
// `export weights` under the `export` command: call after register_export_command.
void register_export_metrics_command(CLI::App& root, const GlobalOptions& global);
void register_export_weights_command(CLI::App& root, const GlobalOptions& global);
void register_import_weights_command(CLI::App& root, const GlobalOptions& global);

}  // namespace simclr::cli
