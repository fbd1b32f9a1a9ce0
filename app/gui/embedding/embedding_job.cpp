#include "app/gui/embedding/embedding_job.h"

#include "app/gui/jobs/job_bridge.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QMetaObject>

#include <algorithm>
#include <chrono>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "app/gui/embedding/embedding_split_data.h"
#include "engine/core/atomic_file.h"
#include "engine/explore/k_means.h"
#include "engine/explore/normalised_rows.h"
#include "engine/core/error.h"
#include "engine/eval/balanced_sample.h"
#include "engine/eval/npy_file.h"
#include "engine/eval/pca.h"
#include "engine/analysis/run_features.h"
#include "engine/analysis/trained_run.h"
#include "engine/eval/tsne.h"

namespace simclr::gui {

namespace fs = std::filesystem;

namespace {

fs::path toPath(const QString& s) {
  return fs::path(s.toStdString());
}

std::vector<int64_t> toVector(const torch::Tensor& t) {
  const auto c = t.to(torch::kCPU, torch::kLong).contiguous();
  return {c.data_ptr<int64_t>(), c.data_ptr<int64_t>() + c.numel()};
}

// The run opened, the split's features extracted (or read from the run's cache) and
// wrapped for the panel.
// `raw`, when given, receives the split's unnormalised features [N, D] (the layout's input).
std::shared_ptr<EmbeddingSplitData> loadSplit(const QString& runDir, const LayoutSettings& s,
                                              const JobCallbacks& callbacks, const StopToken& stop,
                                              torch::Tensor* raw = nullptr) {
  TrainedRun run = open_trained_run(toPath(runDir));
  FeatureOptions options;
  options.batch_size = run.config.evaluation.batch_size;
  const SplitFeatures f = run_features(run, s.split.toStdString(), options, callbacks, stop);
  auto data = std::make_shared<EmbeddingSplitData>();
  data->split = f.split;
  data->features = s.features.toStdString();
  data->step = f.step;
  data->labels = f.labels;
  data->images = run.split(f.split);
  data->index = NeighbourIndex(f.features(data->features), f.labels);
  if (raw) *raw = f.features(data->features);
  return data;
}

void fillFromSplit(EmbeddingLayout& out, const EmbeddingSplitData& data, const torch::Tensor& indices) {
  out.step = data.step;
  out.splitSize = data.labels.size(0);
  out.classNames.clear();
  for (const auto& name : data.images.class_names) out.classNames << QString::fromStdString(name);
  const std::vector<int64_t> rows = toVector(indices);
  const torch::Tensor labels = data.labels.index_select(0, indices).contiguous();
  out.indices.resize(qsizetype(rows.size()));
  out.labels.resize(qsizetype(rows.size()));
  for (size_t i = 0; i < rows.size(); ++i) {
    out.indices[qsizetype(i)] = rows[i];
    out.labels[qsizetype(i)] = int(labels[int64_t(i)].item<int64_t>());
  }
}

// Clusters to colour an unlabelled split by: seeded k-means of the L2-normalised features.
constexpr int64_t kClusterColours = 8;

void colourByClusters(EmbeddingLayout& out, const torch::Tensor& features, const JobCallbacks& callbacks,
                      const StopToken& stop) {
  KMeansOptions options;
  options.k = std::min<int64_t>(kClusterColours, features.size(0));
  options.seed = out.settings.seed;
  const KMeansResult clusters = k_means(normalised_rows(features, "cluster colours"), options, callbacks, stop);
  out.classNames.clear();
  for (int64_t c = 0; c < options.k; ++c) out.classNames << QObject::tr("cluster %1").arg(c + 1);
  for (qsizetype i = 0; i < out.labels.size(); ++i) out.labels[i] = int(clusters.assignments[size_t(i)]);
  out.clustered = true;
}

void setPoints(EmbeddingLayout& out, const torch::Tensor& xy) {
  const torch::Tensor c = xy.to(torch::kCPU, torch::kDouble).contiguous();
  const double* p = c.data_ptr<double>();
  out.points.resize(c.size(0));
  for (int64_t i = 0; i < c.size(0); ++i) out.points[i] = QPointF(p[2 * i], p[2 * i + 1]);
}

EmbeddingLayout computeLayout(const QString& runDir, const LayoutSettings& s, const JobCallbacks& callbacks,
                              const StopToken& stop) {
  const auto start = std::chrono::steady_clock::now();
  if (const QString problem = s.validate(); !problem.isEmpty()) throw ConfigError(problem.toStdString());
  EmbeddingLayout out;
  out.runDir = runDir;
  out.settings = s;
  torch::Tensor raw;  // [N, D], laid out unnormalised as the CLI does
  const auto data = loadSplit(runDir, s, callbacks, stop, &raw);
  const torch::Tensor indices = class_balanced_indices(data->labels, s.points);  // int64 [n]
  const int64_t n = indices.size(0);
  fillFromSplit(out, *data, indices);
  callbacks.log(LogLevel::Info, out.description().toStdString());
  const torch::Tensor features = raw.index_select(0, indices);  // [n, D]
  if (out.classNames.isEmpty() && n >= 2) colourByClusters(out, features, callbacks, stop);
  if (s.method == QLatin1String("pca")) {
    PcaOptions options;
    options.components = 2;
    options.seed = s.seed;
    setPoints(out, pca(features, options).projected);
  } else {
    if (s.perplexity >= double(n))
      throw ConfigError("perplexity " + std::to_string(s.perplexity) + " must be below the number of points (" +
                        std::to_string(n) + ")" + (out.isSubset() ? "; lay out more points" : ""));
    TsneOptions options;
    options.perplexity = s.perplexity;
    options.iterations = s.iterations;
    options.exaggeration_iterations = std::min<int64_t>(options.exaggeration_iterations, s.iterations);
    options.theta = s.theta;
    options.seed = s.seed;
    const TsneResult result = tsne(features, options, callbacks, stop);
    out.klDivergence = result.kl_divergence;
    setPoints(out, result.embedding);
  }
  out.data = data;
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  QString error;
  out.file = saveLayout(out, defaultLayoutName(s, n), &error);
  if (out.file.isEmpty()) throw IoError(error.toStdString());
  out.ok = true;
  return out;
}

EmbeddingLayout openLayout(const QString& file, const JobCallbacks& callbacks, const StopToken& stop) {
  const QFileInfo info(file);
  const fs::path sidecar = toPath(info.path()) / (info.completeBaseName().toStdString() + ".json");
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(read_file(sidecar));
  } catch (const nlohmann::json::exception& e) {
    throw DataError(sidecar.string() + ": " + e.what());
  }
  EmbeddingLayout out;
  // The run is the folder above layouts/, wherever the run folder has moved since.
  out.runDir = QFileInfo(info.path()).path();
  out.file = info.absoluteFilePath();
  LayoutSettings& s = out.settings;
  try {
    s.method = QString::fromStdString(j.at("method").get<std::string>());
    s.features = QString::fromStdString(j.at("features").get<std::string>());
    s.split = QString::fromStdString(j.at("split").get<std::string>());
    s.points = j.value("requested_points", int64_t{0});
    const auto& settings = j.at("settings");
    s.seed = settings.value("seed", uint64_t{0});
    s.perplexity = settings.value("perplexity", s.perplexity);
    s.iterations = settings.value("iterations", s.iterations);
    s.theta = settings.value("theta", s.theta);
    out.klDivergence = j.value("kl_divergence", 0.0);
    out.seconds = j.value("seconds", 0.0);
  } catch (const nlohmann::json::exception& e) {
    throw DataError(sidecar.string() + ": " + e.what());
  }
  const auto data = loadSplit(out.runDir, s, callbacks, stop);
  const torch::Tensor indices = torch::tensor(j.at("indices").get<std::vector<int64_t>>(), torch::kLong);
  const torch::Tensor xy = read_npy(toPath(file));
  if (xy.dim() != 2 || xy.size(1) != 2 || xy.size(0) != indices.size(0))
    throw DataError(file.toStdString() + ": expected a [" + std::to_string(indices.size(0)) +
                    ", 2] layout as its sidecar lists");
  if (indices.numel() > 0 &&
      (indices.min().item<int64_t>() < 0 || indices.max().item<int64_t>() >= data->labels.size(0)))
    throw DataError(sidecar.string() + ": indices outside the " + s.split.toStdString() + " split");
  fillFromSplit(out, *data, indices);
  if (j.contains("clusters")) {  // an unlabelled split, coloured by the clusters saved with it
    const auto clusters = j["clusters"].get<std::vector<int64_t>>();
    if (qsizetype(clusters.size()) != out.labels.size())
      throw DataError(sidecar.string() + ": " + std::to_string(clusters.size()) + " clusters for " +
                      std::to_string(out.labels.size()) + " points");
    out.classNames.clear();
    for (const auto& name : j.value("class_names", std::vector<std::string>()))
      out.classNames << QString::fromStdString(name);
    for (size_t i = 0; i < clusters.size(); ++i) out.labels[qsizetype(i)] = int(clusters[i]);
    out.clustered = true;
  }
  if (j.contains("labels") &&
      j["labels"].get<std::vector<int64_t>>() != toVector(data->labels.index_select(0, indices)))
    throw DataError(sidecar.string() + ": its labels differ from the run's " + s.split.toStdString() +
                    " split (was the dataset changed?)");
  if (j.value("step", data->step) != data->step)
    callbacks.log(LogLevel::Warning, "layout " + file.toStdString() + " was computed at step " +
                                         std::to_string(j.value("step", int64_t{0})) + ", the run is now at step " +
                                         std::to_string(data->step) + ": neighbours use the newer features");
  setPoints(out, xy);
  out.data = data;
  out.ok = true;
  return out;
}

}  // namespace

QString LayoutSettings::validate() const {
  QStringList problems;
  if (method != QLatin1String("tsne") && method != QLatin1String("pca"))
    problems << QStringLiteral("method: must be tsne or pca, got \"%1\"").arg(method);
  if (features != QLatin1String("h") && features != QLatin1String("z"))
    problems << QStringLiteral("features: must be h or z, got \"%1\"").arg(features);
  if (split != QLatin1String("train") && split != QLatin1String("test"))
    problems << QStringLiteral("split: must be train or test, got \"%1\"").arg(split);
  if (points < 0) problems << QStringLiteral("points: must be >= 0 (0 = the whole split)");
  if (method == QLatin1String("tsne")) {
    if (!(perplexity > 0)) problems << QStringLiteral("perplexity: must be above 0");
    if (iterations < 1) problems << QStringLiteral("iterations: must be >= 1");
    if (!(theta >= 0)) problems << QStringLiteral("theta: must be >= 0");
  }
  return problems.join(QStringLiteral("; "));
}

bool LayoutSettings::operator==(const LayoutSettings& o) const {
  const bool tsne = method == QLatin1String("tsne");
  return method == o.method && features == o.features && split == o.split && points == o.points && seed == o.seed &&
         (!tsne || (perplexity == o.perplexity && iterations == o.iterations && theta == o.theta));
}

QString EmbeddingLayout::description() const {
  const QString method = settings.method == QLatin1String("pca") ? QStringLiteral("PCA") : QStringLiteral("t-SNE");
  QString text =
      QStringLiteral("%1 of %2 of %3 %4 points").arg(method).arg(indices.size()).arg(splitSize).arg(settings.split);
  text += isSubset() ? QStringLiteral(" (class-balanced subset)") : QStringLiteral(" (the whole split)");
  text += QStringLiteral(", %1 features, step %2").arg(settings.features).arg(step);
  if (settings.method == QLatin1String("tsne"))
    text += QStringLiteral(", perplexity %1, %2 iterations, theta %3")
                .arg(settings.perplexity)
                .arg(settings.iterations)
                .arg(settings.theta);
  return text + QStringLiteral(", seed %1").arg(settings.seed);
}

QString defaultLayoutName(const LayoutSettings& s, qint64 pointCount) {
  return QStringLiteral("%1-%2-%3-%4-seed%5").arg(s.method, s.features, s.split).arg(pointCount).arg(s.seed);
}

QString saveLayout(const EmbeddingLayout& layout, const QString& name, QString* error) {
  const auto fail = [error](const QString& message) {
    if (error) *error = message;
    return QString();
  };
  if (name.isEmpty() || name.contains(QLatin1Char('/')) || name.contains(QLatin1Char('\\')))
    return fail(QStringLiteral("layout name \"%1\": must be a plain file name").arg(name));
  if (layout.points.size() != layout.indices.size() || layout.points.isEmpty())
    return fail(QStringLiteral("nothing to save: the layout has no points"));
  try {
    const fs::path dir = toPath(layout.runDir) / "layouts";
    fs::create_directories(dir);
    const std::string stem = name.toStdString();
    torch::Tensor xy = torch::empty({layout.points.size(), 2}, torch::kFloat);
    for (qsizetype i = 0; i < layout.points.size(); ++i) {
      xy[i][0] = float(layout.points[i].x());
      xy[i][1] = float(layout.points[i].y());
    }
    write_npy(dir / (stem + ".npy"), xy);
    const LayoutSettings& s = layout.settings;
    nlohmann::json settings = {{"seed", s.seed}};
    if (s.method == QLatin1String("tsne")) {
      settings["perplexity"] = s.perplexity;
      settings["iterations"] = s.iterations;
      settings["theta"] = s.theta;
    } else {
      settings["components"] = 2;
    }
    std::vector<int64_t> indices(layout.indices.begin(), layout.indices.end());
    std::vector<int64_t> labels(layout.labels.begin(), layout.labels.end());
    std::vector<std::string> classes;
    for (const QString& c : layout.classNames) classes.push_back(c.toStdString());
    nlohmann::json sidecar = {
        {"method", s.method.toStdString()},
        {"layout", stem + ".npy"},
        {"run", layout.runDir.toStdString()},
        {"step", layout.step},
        {"split", s.split.toStdString()},
        {"features", s.features.toStdString()},
        {"points", layout.points.size()},
        {"split_size", layout.splitSize},
        {"requested_points", s.points},
        {"class_balanced_subset", layout.isSubset()},
        {"settings", settings},
        {"kl_divergence", layout.klDivergence},
        {"seconds", layout.seconds},
        {"indices", indices},
        {layout.clustered ? "clusters" : "labels", labels},
        {"class_names", classes},
    };
    if (layout.clustered) sidecar["clusters_of"] = "k-means of the L2-normalised features (no labels)";
    write_file_atomically(dir / (stem + ".json"), sidecar.dump(1) + "\n");
    return QString::fromStdString((dir / (stem + ".npy")).string());
  } catch (const std::exception& e) {
    return fail(QString::fromStdString(e.what()));
  }
}

QStringList savedLayouts(const QString& runDir) {
  QDir dir(QDir(runDir).filePath(QStringLiteral("layouts")));
  QStringList files;
  for (const QFileInfo& info : dir.entryInfoList({QStringLiteral("*.npy")}, QDir::Files, QDir::Time))
    if (QFileInfo::exists(dir.filePath(info.completeBaseName() + QStringLiteral(".json"))))
      files << info.absoluteFilePath();
  return files;
}

EmbeddingJob::EmbeddingJob(QObject* parent) : QObject(parent) {
  registerMetricTypes();
  qRegisterMetaType<EmbeddingLayout>();
}

EmbeddingJob::~EmbeddingJob() = default;

bool EmbeddingJob::compute(const QString& runDir, const LayoutSettings& settings) {
  return start(runDir, [runDir, settings](const JobCallbacks& callbacks, const StopToken& stop) {
    return computeLayout(runDir, settings, callbacks, stop);
  });
}

bool EmbeddingJob::open(const QString& layoutFile) {
  const QString runDir = QFileInfo(QFileInfo(layoutFile).path()).path();
  return start(runDir, [layoutFile](const JobCallbacks& callbacks, const StopToken& stop) {
    return openLayout(layoutFile, callbacks, stop);
  });
}

bool EmbeddingJob::start(const QString& runDir,
                         const std::function<EmbeddingLayout(const JobCallbacks&, const StopToken&)>& work) {
  const JobCallbacks callbacks = queuedCallbacks(
      this, [this](const JobProgress& p) { Q_EMIT progressReported(p); },
      [this](int level, const QString& text) { Q_EMIT logMessage(level, text); });
  return job_.start<EmbeddingLayout>(
      QStringLiteral("embedding layout"),
      [runDir, work, callbacks](const StopToken& stop) {
        EmbeddingLayout out;
        try {
          out = work(callbacks, stop);
        } catch (...) {
          out = EmbeddingLayout{};
          out.error = jobErrorMessage(std::current_exception());
        }
        if (out.runDir.isEmpty()) out.runDir = runDir;
        return out;
      },
      [this](const EmbeddingLayout& layout) { Q_EMIT finished(layout); });
}

void EmbeddingJob::cancel() {
  job_.cancel();
}

}  // namespace simclr::gui
