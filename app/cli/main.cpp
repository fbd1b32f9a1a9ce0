// simclr-cli: the headless runner. Everything the workbench does can be run from here.
#include <iostream>

#include <c10/util/Exception.h>

#include "app/cli/cli_command.h"
#include "app/cli/explore_options.h"
#include "app/cli/selftest_command.h"
#include "app/cli/unknown_command.h"
#include "engine/core/allocator_tuning.h"
#include "engine/core/blas_tuning.h"
#include "engine/core/error.h"
#include "engine/core/version.h"

int main(int argc, char** argv) {
  simclr::tune_blas_for_cpu(argv);  // first: it may restart the process with faster BLAS kernels
  simclr::tune_allocator_for_tensors();
  CLI::App app{"SimCLR Workbench headless runner: datasets, projects, training and analysis", "simclr-cli"};
  app.require_subcommand(1);
  app.set_version_flag("--version", [] {
#ifdef SIMCLR_WORKBENCH_QT_VERSION
    return simclr::build_summary() + "; workbench built with Qt " SIMCLR_WORKBENCH_QT_VERSION;
#else
    return simclr::build_summary() + "; built without the workbench (no Qt)";
#endif
  });
  simclr::cli::GlobalOptions global;
  app.add_flag("-q,--quiet", global.quiet, "Print only warnings, errors and results");

  simclr::cli::register_dataset_commands(app, global);
  simclr::cli::register_project_commands(app, global);
  simclr::cli::register_train_command(app, global);
  simclr::cli::register_runs_command(app, global);
  simclr::cli::register_sweep_command(app, global);
  simclr::cli::register_report_command(app, global);
  simclr::cli::register_embed_command(app, global);
  simclr::cli::register_evaluate_command(app, global);
  simclr::cli::register_tsne_command(app, global);
  simclr::cli::register_timeline_command(app, global);
  simclr::cli::register_neighbours_command(app, global);
  simclr::cli::register_duplicates_command(app, global);
  simclr::cli::register_outliers_command(app, global);
  simclr::cli::register_select_command(app, global);
  simclr::cli::register_clusters_command(app, global);
  simclr::cli::register_export_command(app, global);
  simclr::cli::register_export_weights_command(app, global);
  simclr::cli::register_export_metrics_command(app, global);
  simclr::cli::register_import_weights_command(app, global);
  simclr::cli::register_selftest_command(app, global);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // An unknown command word is an error even beside --help, which CLI11 would answer.
    if (const std::string unknown = simclr::cli::unknown_command_message(app); !unknown.empty()) {
      std::cerr << "error: " << unknown << '\n';
      return 2;
    }
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  } catch (const simclr::Error& e) {
    std::cerr << "error: " << e.what() << '\n';
    return e.is_bad_input() ? 2 : 1;
  } catch (const c10::Error& e) {
    std::cerr << "error: LibTorch: " << e.what_without_backtrace() << '\n';
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
