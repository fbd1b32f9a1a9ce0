#include "app/gui/explore/explore_job.h"

#include <QColor>
#include <QFileInfo>

#include <mutex>
#include <optional>

#include <torch/torch.h>

#include "app/gui/jobs/tensor_image.h"
#include "engine/analysis/explore_csv.h"
#include "engine/analysis/run_features.h"
#include "engine/analysis/trained_run.h"
#include "engine/core/error.h"
#include "engine/project/run_folder.h"

namespace simclr::gui {

using widgets::ImageGridItem;

struct ExploreRun {
  explicit ExploreRun(std::string dir) : runDir(std::move(dir)) {}
  std::mutex mutex;  // one job at a time
  std::filesystem::path runDir;
  std::optional<TrainedRun> run;
  SplitFeatures rows;   // the collection's features, labels and files
  ImageDataset images;  // its images, in the same order

  // The run at its latest checkpoint with its collection; reloaded when training has
  // written a newer checkpoint since.
  void load(const JobCallbacks& callbacks, const StopToken& stop) {
    const std::filesystem::path newest = RunFolder(runDir).latest_checkpoint();
    if (run && (newest.empty() || newest == run->checkpoint)) return;
    run.emplace(open_trained_run(runDir));
    FeatureOptions options;
    options.batch_size = run->config.evaluation.batch_size;
    rows = collection_features(*run, "", options, callbacks, stop);
    images = collection_images(*run, rows.split);
  }
};

namespace {

constexpr int kGroupsShown = 200;  // thumbnails stay cheap; the CSV has every group

// The caption of a row: its file's name, else its class, else its index.
QString rowName(const ExploreRun& e, int64_t row) {
  if (!e.rows.files.empty()) return QFileInfo(QString::fromStdString(e.rows.files[size_t(row)])).fileName();
  const int64_t label = e.rows.labels[row].item<int64_t>();
  if (label >= 0 && size_t(label) < e.rows.class_names.size())
    return QString::fromStdString(e.rows.class_names[size_t(label)]);
  return QStringLiteral("#%1").arg(row);
}

QString rowToolTip(const ExploreRun& e, int64_t row, const QString& detail) {
  const QString where = e.rows.files.empty()
                            ? QStringLiteral("%1 #%2").arg(QString::fromStdString(e.rows.split)).arg(row)
                            : QString::fromStdString(e.rows.files[size_t(row)]);
  return where + QStringLiteral("\n") + detail;
}

ImageGridItem item(const ExploreRun& e, int64_t row, const QString& subcaption, const QString& detail) {
  return {imageFromDataset(e.images, row), rowName(e, row), subcaption, {}, rowToolTip(e, row, detail)};
}

// Neighbouring groups in visibly different frames.
QColor groupColour(int group) {
  return QColor::fromHsv((group * 67) % 360, 170, 220);
}

std::string stemOf(const ExploreRequest& r, const std::string& split) {
  const std::string f = r.features.toStdString();
  switch (r.kind) {
    case ExploreRequest::Kind::Duplicates:
      return "duplicates-" + split + "-" + f;
    case ExploreRequest::Kind::Outliers:
      return "outliers-" + split + "-" + f;
    case ExploreRequest::Kind::Subset:
      return "select-" + split + "-" + f + "-" + std::to_string(r.count) + "-seed" + std::to_string(r.seed);
  }
  return "explore";
}

void findDuplicates(const ExploreRun& e, const torch::Tensor& x, ExploreResult& out, const JobCallbacks& callbacks,
                    const StopToken& stop) {
  DuplicateOptions options;
  options.threshold = out.request.threshold;
  const DuplicateResult found = find_near_duplicates(x, options, callbacks, stop);
  out.groups = int(found.groups.size());
  for (size_t g = 0; g < found.groups.size() && g < size_t(kGroupsShown); ++g) {
    const DuplicateGroup& group = found.groups[g];
    for (size_t i = 0; i < group.members.size(); ++i) {
      const int64_t row = group.members[i];
      ImageGridItem it = item(e, row, QObject::tr("group %1, %2").arg(g + 1).arg(group.best[i], 0, 'f', 4),
                              QObject::tr("group %1 of %2 images; best similarity %3")
                                  .arg(g + 1)
                                  .arg(group.members.size())
                                  .arg(group.best[i], 0, 'f', 5));
      it.frame = groupColour(int(g));
      out.items.append(it);
      out.rows.append(row);
    }
  }
  out.summary = QObject::tr("%1 %2, %3 images, at cosine similarity ≥ %4 among %5 images")
                    .arg(found.groups.size())
                    .arg(found.groups.size() == 1 ? QObject::tr("group") : QObject::tr("groups"))
                    .arg(found.images_in_groups)
                    .arg(options.threshold, 0, 'f', 4)
                    .arg(x.size(0));
  if (found.groups.size() > size_t(kGroupsShown))
    out.summary += QObject::tr("; the first %1 shown, all in the CSV").arg(kGroupsShown);
  out.csv = duplicates_csv(found, e.rows);
}

void findOutliers(const ExploreRun& e, const torch::Tensor& x, ExploreResult& out, const JobCallbacks& callbacks,
                  const StopToken& stop) {
  OutlierOptions options;
  options.k = std::min<int64_t>(out.request.k, x.size(0) - 1);
  const OutlierScores scores = outlier_scores(x, options, callbacks, stop);
  for (size_t r = 0; r < scores.ranking.size() && int(r) < out.request.count; ++r) {
    const int64_t row = scores.ranking[r];
    out.items.append(item(e, row, QObject::tr("#%1, %2").arg(r + 1).arg(scores.score[size_t(row)], 0, 'f', 3),
                          QObject::tr("rank %1: mean distance %2 to its %3 nearest (features whitened)")
                              .arg(r + 1)
                              .arg(scores.score[size_t(row)], 0, 'f', 4)
                              .arg(options.k)));
    out.rows.append(row);
  }
  out.summary = QObject::tr("The %1 most unusual of %2 images (mean distance to their %3 nearest)")
                    .arg(out.items.size())
                    .arg(x.size(0))
                    .arg(options.k);
  out.csv = outliers_csv(scores, e.rows);
}

void selectSubset(const ExploreRun& e, const torch::Tensor& x, ExploreResult& out, const JobCallbacks& callbacks,
                  const StopToken& stop) {
  KCenterOptions options;
  options.count = std::min<int64_t>(out.request.count, x.size(0));
  options.seed = out.request.seed;
  const KCenterSelection chosen = k_center_greedy(x, options, callbacks, stop);
  for (size_t t = 0; t < chosen.indices.size(); ++t) {
    const int64_t row = chosen.indices[t];
    out.items.append(item(e, row, QObject::tr("#%1").arg(t + 1),
                          QObject::tr("chosen %1th; every image within cosine distance %2 of a chosen one after it")
                              .arg(t + 1)
                              .arg(chosen.radius[t], 0, 'f', 4)));
    out.rows.append(row);
  }
  out.summary = QObject::tr("%1 images covering %2: every image within cosine distance %3 of one of them")
                    .arg(chosen.indices.size())
                    .arg(x.size(0))
                    .arg(chosen.radius.empty() ? 0.0 : chosen.radius.back(), 0, 'f', 4);
  out.csv = selection_csv(chosen, e.rows);
}

ExploreResult compute(ExploreRun& e, const ExploreRequest& r, const JobCallbacks& callbacks, const StopToken& stop) {
  std::lock_guard<std::mutex> lock(e.mutex);
  e.load(callbacks, stop);
  ExploreResult out;
  out.request = r;
  out.split = QString::fromStdString(e.rows.split);
  const torch::Tensor x = e.rows.features(r.features.toStdString()).to(e.run->device);
  if (x.size(0) < 2) throw ConfigError("the " + e.rows.split + " split has fewer than two images to compare");
  switch (r.kind) {
    case ExploreRequest::Kind::Duplicates:
      findDuplicates(e, x, out, callbacks, stop);
      break;
    case ExploreRequest::Kind::Outliers:
      findOutliers(e, x, out, callbacks, stop);
      break;
    case ExploreRequest::Kind::Subset:
      selectSubset(e, x, out, callbacks, stop);
      break;
  }
  out.csvName = QString::fromStdString(stemOf(r, e.rows.split) + ".csv");
  return out;
}

}  // namespace

ExploreJob::ExploreJob(QObject* parent) : QObject(parent) {
  qRegisterMetaType<ExploreResult>();
}

ExploreJob::~ExploreJob() = default;

void ExploreJob::setRun(const QString& runDir) {
  if (runDir == runDir_ && run_) return;
  cancel();
  runDir_ = runDir;
  run_ = runDir.isEmpty() ? nullptr : std::make_shared<ExploreRun>(runDir.toStdString());
}

void ExploreJob::request(const ExploreRequest& r) {
  if (!run_) return;
  const std::shared_ptr<ExploreRun> run = run_;
  const JobCallbacks callbacks = queuedCallbacks(
      this, [this](const JobProgress& p) { Q_EMIT progressReported(p); },
      [this](int level, const QString& text) { Q_EMIT logMessage(level, text); });
  job_.request(
      [run, r, callbacks](const StopToken& stop) {
        try {
          return compute(*run, r, callbacks, stop);
        } catch (...) {
          ExploreResult failed;
          failed.request = r;
          failed.error = jobErrorMessage(std::current_exception());
          return failed;
        }
      },
      [this, run](const ExploreResult& result) {
        if (run == run_) Q_EMIT resultReady(result);  // not an answer about a run left since
        Q_EMIT busyChanged(isBusy());
      });
  Q_EMIT busyChanged(true);
}

void ExploreJob::cancel() {
  job_.cancel();
}

}  // namespace simclr::gui
