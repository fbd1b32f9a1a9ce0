#include "engine/analysis/representation_comparison.h"

#include <cstdio>
#include <sstream>

#include "engine/core/atomic_file.h"
#include "engine/core/csv_cell.h"
#include "engine/core/error.h"

namespace simclr {

namespace fs = std::filesystem;

double paper_figure10_accuracy(const std::string& representation) {
  if (representation == "raw") return 0.3577;
  if (representation == "h") return 0.4863;
  if (representation == "pca") return 0.3967;
  if (representation == "tsne") return 0.2872;
  return -1;
}

namespace {

std::string percent(double fraction) {
  if (fraction < 0) return "";
  char text[32];
  std::snprintf(text, sizeof text, "%.2f", 100 * fraction);
  return text;
}

std::string settings_line(const ComparisonOptions& o) {
  char text[320];
  std::snprintf(text, sizeof text,
                "MLP D -> %lld -> classes (ReLU), Adam lr %g, batch %lld, %lld epochs, weight decay %g, inputs "
                "standardised with train statistics, seed %llu; PCA %lld components; t-SNE %lld points, "
                "perplexity %g, %lld iterations",
                static_cast<long long>(o.mlp.hidden), o.mlp.learning_rate, static_cast<long long>(o.mlp.batch_size),
                static_cast<long long>(o.mlp.epochs), o.mlp.weight_decay, static_cast<unsigned long long>(o.mlp.seed),
                static_cast<long long>(o.inputs.pca_components), static_cast<long long>(o.inputs.tsne_points),
                o.inputs.tsne.perplexity, static_cast<long long>(o.inputs.tsne.iterations));
  return text;
}

}  // namespace

ComparisonResult compare_representations(TrainedRun& run, const ComparisonOptions& options,
                                         const JobCallbacks& callbacks, const StopToken& stop) {
  run.require_labels("Figure 10 (MLP probes on each representation)");
  if (options.representations.empty()) throw ConfigError("figure 10: no representations to compare");
  for (const auto& name : options.representations) check_representation(name);  // before any long work
  const ProgressClock timer("figure 10");
  ComparisonResult result;
  result.step = run.step;
  result.settings = settings_line(options);
  RepresentationBuilder builder(run, options.inputs, callbacks, stop);
  for (const auto& name : options.representations) {
    Representation input = builder.build(name);
    MlpProbeOptions mlp = options.mlp;
    mlp.device = run.device;
    mlp.stage = "mlp " + name;
    const MlpProbeResult probe = mlp_probe(input.data, mlp, callbacks, stop);
    ComparisonRow row;
    row.name = name;
    row.label = input.label;
    row.input_dim = probe.input_dim;
    row.train_size = input.data.train_x.size(0);
    row.test_size = input.data.test_x.size(0);
    row.train_top1 = probe.train_top1;
    row.test_top1 = probe.test_top1;
    row.paper_test_top1 = paper_figure10_accuracy(name);
    row.build_seconds = input.seconds;
    row.probe_seconds = probe.seconds;
    row.note = input.note;
    callbacks.log(LogLevel::Info, input.label + ": MLP test top-1 " + percent(probe.test_top1) + "%");
    result.rows.push_back(std::move(row));
  }
  result.seconds = timer.elapsed_s();

  if (options.write_files) {
    char stem[64];
    std::snprintf(stem, sizeof stem, "figure10-step-%08lld", static_cast<long long>(run.step));
    const fs::path dir = run.run_dir / "evaluation";
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) throw IoError("cannot create " + dir.string() + ": " + ec.message());
    result.csv_file = dir / (std::string(stem) + ".csv");
    result.markdown_file = dir / (std::string(stem) + ".md");
    write_file_atomically(result.csv_file, comparison_csv(result, options));
    write_file_atomically(result.markdown_file, comparison_markdown(result, run));
  }
  return result;
}

std::string comparison_csv(const ComparisonResult& result, const ComparisonOptions& o) {
  std::ostringstream out;
  out << "representation,label,input_dim,train_size,test_size,train_top1,test_top1,paper_test_top1,"
         "build_seconds,probe_seconds,step,mlp_hidden,mlp_epochs,mlp_lr,mlp_batch_size,seed,pca_components,"
         "tsne_points,note\n";
  for (const auto& r : result.rows) {
    char numbers[256];
    std::snprintf(
        numbers, sizeof numbers, "%lld,%lld,%lld,%.4f,%.4f,%s,%.2f,%.2f,%lld,%lld,%lld,%g,%lld,%llu,%lld,%lld",
        static_cast<long long>(r.input_dim), static_cast<long long>(r.train_size), static_cast<long long>(r.test_size),
        100 * r.train_top1, 100 * r.test_top1, percent(r.paper_test_top1).c_str(), r.build_seconds, r.probe_seconds,
        static_cast<long long>(result.step), static_cast<long long>(o.mlp.hidden), static_cast<long long>(o.mlp.epochs),
        o.mlp.learning_rate, static_cast<long long>(o.mlp.batch_size), static_cast<unsigned long long>(o.mlp.seed),
        static_cast<long long>(o.inputs.pca_components), static_cast<long long>(o.inputs.tsne_points));
    out << csv_cell(r.name) << ',' << csv_cell(r.label) << ',' << numbers << ',' << csv_cell(r.note) << '\n';
  }
  return out.str();
}

std::string comparison_markdown(const ComparisonResult& result, const TrainedRun& run) {
  std::ostringstream out;
  out << "# Figure 10: MLP probe on four representations\n\n"
      << "Run `" << run.run_dir.filename().string() << "`, checkpoint step " << result.step << " (`"
      << run.checkpoint.filename().string() << "`), " << run.config.dataset.name << ".\n\n"
      << "| Representation | Input dim | Train / test points | Train acc. (%) | Test acc. (%) | Paper test acc. (%) |\n"
      << "|---|---:|---:|---:|---:|---:|\n";
  for (const auto& r : result.rows) {
    const std::string paper = r.paper_test_top1 < 0 ? "–" : percent(r.paper_test_top1);
    out << "| " << r.label << " | " << r.input_dim << " | " << r.train_size << " / " << r.test_size << " | "
        << percent(r.train_top1) << " | " << percent(r.test_top1) << " | " << paper << " |\n";
  }
  out << "\n**Settings.** " << result.settings << ".\n\n**Notes.**\n\n";
  for (const auto& r : result.rows) out << "- " << r.label << ": " << r.note << ".\n";
  out << "- The paper's numbers are from its Figure 10 (a down-scaled SimCLR: ResNet-18 on CIFAR-10, images "
         "resized to 224); t-SNE cannot embed new points, so its row here is transductive.\n";
  char time[96];
  std::snprintf(time, sizeof time, "- Wall time: %.1f s in total.\n", result.seconds);
  out << time;
  return out.str();
}

}  // namespace simclr
