#include "app/gui/neighbours/neighbour_controller.h"

#include <QFileInfo>

#include <limits>
#include <map>
#include <mutex>

#include <torch/torch.h>

#include "app/gui/jobs/tensor_image.h"
#include "engine/core/error.h"
#include "engine/eval/neighbour_search.h"
#include "engine/analysis/run_features.h"
#include "engine/analysis/trained_run.h"

namespace simclr::gui {

using widgets::NeighbourEntry;
using widgets::NeighbourList;
using widgets::NeighbourRequest;
using widgets::NeighbourResult;

// One split's features as two cosine indices, with its labels and images.
struct NeighbourSplit {
  ImageDataset images;
  NeighbourIndex h, z;
  torch::Tensor labels;  // int64 [N]

  const NeighbourIndex& index(const QString& features) const { return features == QLatin1String("z") ? z : h; }
};

// Loaded on first use by whichever job needs a split first; the mutex makes the other wait.
struct NeighbourBank {
  explicit NeighbourBank(std::string dir) : runDir(std::move(dir)) {}
  std::mutex mutex;
  std::string runDir;
  std::optional<TrainedRun> run;
  std::map<std::string, std::shared_ptr<const NeighbourSplit>> splits;
  QStringList classNames;

  std::shared_ptr<const NeighbourSplit> split(const QString& name, const JobCallbacks& callbacks,
                                              const StopToken& stop) {
    const std::string key = name.toStdString();
    std::lock_guard<std::mutex> lock(mutex);
    if (auto it = splits.find(key); it != splits.end()) return it->second;
    if (!run) {
      run.emplace(open_trained_run(runDir));
      for (const auto& c : run->data.train.class_names) classNames << QString::fromStdString(c);
    }
    FeatureOptions options;
    options.batch_size = run->config.evaluation.batch_size;
    const SplitFeatures f = run_features(*run, key, options, callbacks, stop);
    auto s = std::make_shared<NeighbourSplit>();
    s->images = run->split(key);
    s->labels = f.labels;
    s->h = NeighbourIndex(f.h, f.labels);
    s->z = NeighbourIndex(f.z, f.labels);
    splits[key] = s;
    return s;
  }
  // The class's name, or without labels the image's file name (empty for built-in data).
  QString caption(const NeighbourSplit& split, int64_t index) const {
    const int64_t label = split.labels[index].item<int64_t>();
    if (label < 0)
      return split.images.files.empty()
                 ? QString()
                 : QFileInfo(QString::fromStdString(split.images.files[size_t(index)])).fileName();
    return className(label);
  }
  QString className(int64_t label) const {
    return label >= 0 && label < classNames.size() ? classNames[int(label)] : QStringLiteral("class %1").arg(label);
  }
};

namespace {

QStringList featureSpaces(const QString& features) {
  return features == QLatin1String("both")
             ? QStringList{QStringLiteral("h"), QStringLiteral("z")}
             : QStringList{features == QLatin1String("z") ? QStringLiteral("z") : QStringLiteral("h")};
}

NeighbourResult search(NeighbourBank& bank, const NeighbourRequest& r, const JobCallbacks& callbacks,
                       const StopToken& stop) {
  const auto query = bank.split(r.querySplit, callbacks, stop);
  const auto searched = r.searchSplit == r.querySplit ? query : bank.split(r.searchSplit, callbacks, stop);
  const int64_t rows = query->labels.size(0);
  if (r.index < 0 || r.index >= rows)
    throw ConfigError("row " + std::to_string(r.index) + " is outside the " + r.querySplit.toStdString() + " split (" +
                      std::to_string(rows) + " images)");
  const bool self = r.querySplit == r.searchSplit;
  const int64_t candidates = searched->labels.size(0) - (self ? 1 : 0);
  const int64_t k = std::min<int64_t>(r.k, candidates);
  if (k < 1) throw ConfigError("the " + r.searchSplit.toStdString() + " split has no other images to search");
  NeighbourResult result;
  result.request = r;
  const int64_t queryLabel = query->labels[r.index].item<int64_t>();
  result.queryImage = imageFromDataset(query->images, r.index);
  result.queryLabel = bank.caption(*query, r.index);
  result.labelled = queryLabel >= 0;
  for (const QString& features : featureSpaces(r.features)) {
    stop.throw_if_stopped("neighbours");
    const torch::Tensor vector = query->index(features).normalised_bank()[r.index];
    NeighbourList list;
    list.features = features;
    for (const Neighbour& n : searched->index(features).query(vector, k, self ? r.index : -1)) {
      NeighbourEntry e;
      e.index = n.index;
      e.image = imageFromDataset(searched->images, n.index);
      e.label = bank.caption(*searched, n.index);
      e.similarity = double(n.similarity);
      e.sameClass = queryLabel >= 0 && n.label == queryLabel;
      list.neighbours.append(e);
    }
    result.lists.append(list);
  }
  return result;
}

double splitMean(NeighbourBank& bank, const QString& querySplit, const QString& searchSplit, const QString& features,
                 int k, const JobCallbacks& callbacks, const StopToken& stop) {
  const auto query = bank.split(querySplit, callbacks, stop);
  const auto searched = searchSplit == querySplit ? query : bank.split(searchSplit, callbacks, stop);
  const bool self = querySplit == searchSplit;
  if (!query->images.labelled()) return std::numeric_limits<double>::quiet_NaN();  // nothing to agree with
  const int64_t kk = std::min<int64_t>(k, searched->labels.size(0) - (self ? 1 : 0));
  if (kk < 1) throw ConfigError("the " + searchSplit.toStdString() + " split has no other images to search");
  NeighbourSearchOptions options;
  options.stage = "precision@" + std::to_string(k) + " over " + querySplit.toStdString();
  const NeighbourIndex& q = query->index(features);
  const NeighbourTable table =
      self ? searched->index(features).search_self(kk, true, options, callbacks, stop)
           : searched->index(features).search(q.normalised_bank(), kk, {}, options, callbacks, stop);
  return mean_precision_at_k(table, query->labels);
}

}  // namespace

QString NeighbourController::MeanKey::text() const {
  return QStringLiteral("%1|%2|%3|%4").arg(querySplit, searchSplit, features).arg(k);
}

NeighbourController::NeighbourController(QObject* parent) : QObject(parent) {}

NeighbourController::~NeighbourController() = default;

void NeighbourController::setRun(const QString& runDir) {
  if (runDir == runDir_ && bank_) return;
  cancel();
  runDir_ = runDir;
  bank_ = runDir.isEmpty() ? nullptr : std::make_shared<NeighbourBank>(runDir.toStdString());
  means_.clear();
  latest_ = NeighbourRequest{};
}

JobCallbacks NeighbourController::callbacks() {
  return queuedCallbacks(
      this, [this](const JobProgress& p) { Q_EMIT progressReported(p); },
      [this](int level, const QString& text) { Q_EMIT logMessage(level, text); });
}

void NeighbourController::request(const NeighbourRequest& r) {
  if (!bank_ || r.index < 0) return;
  latest_ = r;
  for (const QString& features : featureSpaces(r.features)) {
    const MeanKey key{r.querySplit, r.searchSplit, features, r.k};
    if (const auto it = means_.constFind(key.text()); it != means_.constEnd())
      Q_EMIT meanPrecisionReady(key.querySplit, key.searchSplit, key.features, key.k, *it);
    else if (meanRunning_ != key.text() && std::none_of(meanQueue_.begin(), meanQueue_.end(),
                                                        [&](const MeanKey& m) { return m.text() == key.text(); }))
      meanQueue_.append(key);
  }
  startQuery(r);
  startNextMean();
}

void NeighbourController::startQuery(const NeighbourRequest& r) {
  const std::shared_ptr<NeighbourBank> bank = bank_;
  const JobCallbacks cb = callbacks();
  query_.request(
      [bank, r, cb](const StopToken& stop) {
        try {
          return search(*bank, r, cb, stop);
        } catch (...) {
          NeighbourResult failed;
          failed.request = r;
          failed.error = jobErrorMessage(std::current_exception());
          return failed;
        }
      },
      [this, bank](const NeighbourResult& result) {
        if (bank == bank_) {  // not an answer about a run left since
          if (!result.error.isEmpty()) Q_EMIT logMessage(int(LogLevel::Error), tr("Neighbours: %1").arg(result.error));
          Q_EMIT resultReady(result);
        }
        Q_EMIT busyChanged(isBusy());
      });
  Q_EMIT busyChanged(true);
}

void NeighbourController::startNextMean() {
  if (mean_.isBusy() || !bank_) return;
  // Means for settings the user has left since are not worth computing now.
  const QStringList current = featureSpaces(latest_.features);
  meanQueue_.erase(std::remove_if(meanQueue_.begin(), meanQueue_.end(),
                                  [&](const MeanKey& m) {
                                    return m.querySplit != latest_.querySplit || m.searchSplit != latest_.searchSplit ||
                                           m.k != latest_.k || !current.contains(m.features);
                                  }),
                   meanQueue_.end());
  if (meanQueue_.isEmpty()) return;
  const MeanKey key = meanQueue_.takeFirst();
  meanRunning_ = key.text();
  const std::shared_ptr<NeighbourBank> bank = bank_;
  const JobCallbacks cb = callbacks();
  struct Outcome {
    double value = -1;
    QString error;
  };
  mean_.start<Outcome>(
      QStringLiteral("precision@k"),
      [bank, key, cb](const StopToken& stop) {
        try {
          return Outcome{splitMean(*bank, key.querySplit, key.searchSplit, key.features, key.k, cb, stop), {}};
        } catch (...) {
          return Outcome{-1, jobErrorMessage(std::current_exception())};
        }
      },
      [this, bank, key](const Outcome& o) {
        meanRunning_.clear();
        if (bank == bank_) {
          if (o.error.isEmpty()) {
            means_.insert(key.text(), o.value);
            Q_EMIT meanPrecisionReady(key.querySplit, key.searchSplit, key.features, key.k, o.value);
          } else {
            Q_EMIT logMessage(int(LogLevel::Warning), tr("Split-mean precision@%1: %2").arg(key.k).arg(o.error));
          }
        }
        startNextMean();
        Q_EMIT busyChanged(isBusy());
      });
  Q_EMIT busyChanged(true);
}

void NeighbourController::cancel() {
  meanQueue_.clear();
  query_.cancel();
  mean_.cancel();
}

double NeighbourController::meanPrecision(const QString& querySplit, const QString& searchSplit,
                                          const QString& features, int k) const {
  return means_.value(MeanKey{querySplit, searchSplit, features, k}.text(), -1.0);
}

}  // namespace simclr::gui
