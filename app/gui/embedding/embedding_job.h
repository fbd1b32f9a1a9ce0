#pragma once
// Computes (or reopens) a 2-D layout of a run's embeddings in the background: the features
// h or z of one split, a class-balanced subset of a chosen size (the result states how many
// points of how many were used: nothing is subsampled silently), laid out by t-SNE or PCA.
// A computed layout is saved at once in the run folder as <run>/layouts/<name>.npy (float32
// [N, 2]) with a <name>.json sidecar holding the settings, the seed and the split indices
// of its points, in the same format as `simclr-cli tsne`, so either opens in the other.
//
// The result also carries (opaquely, Torch stays out of this header) the split's features
// and images, so the panel can search neighbours and show thumbnails without reloading.
#include <QObject>
#include <QPointF>
#include <QString>
#include <QStringList>
#include <QVector>

#include <functional>
#include <memory>

#include "app/gui/jobs/job_bridge.h"
#include "app/gui/jobs/metric_types.h"
#include "engine/core/job.h"

namespace simclr::gui {

struct LayoutSettings {
  QString method = QStringLiteral("tsne");  // "tsne" or "pca"
  QString features = QStringLiteral("h");   // "h" (backbone) or "z" (projection head)
  QString split = QStringLiteral("test");   // "train" or "test"
  qint64 points = 2000;                     // class-balanced subset size; 0 = the whole split
  double perplexity = 30;                   // t-SNE
  qint64 iterations = 1000;                 // t-SNE, early exaggeration included
  double theta = 0.5;                       // t-SNE Barnes-Hut accuracy
  quint64 seed = 0;                         // same seed, same layout

  // Problems with the settings themselves (empty when fine).
  QString validate() const;
  bool operator==(const LayoutSettings& o) const;
};

struct EmbeddingSplitData;  // features, labels, images and neighbour index (embedding_job.cpp)

struct EmbeddingLayout {
  bool ok = false;
  QString error;  // when !ok ("cancelled" after cancel())
  QString runDir;
  QString file;  // the saved .npy
  LayoutSettings settings;
  qint64 step = 0;       // checkpoint step of the features
  qint64 splitSize = 0;  // points in the split
  QVector<QPointF> points;
  QVector<int> labels;
  QVector<qint64> indices;  // split row of each point
  QStringList classNames;
  bool clustered = false;   // no labels: `labels` are k-means clusters of the features, "cluster 1"...
  double klDivergence = 0;  // t-SNE only
  double seconds = 0;
  std::shared_ptr<const EmbeddingSplitData> data;  // null for a failed job

  bool isSubset() const { return points.size() < splitSize; }
  // One line for the screen: method, how many points of how many, features, settings, seed.
  QString description() const;
};

// The default file stem, as the CLI names its layouts: "tsne-h-test-2000-seed0".
QString defaultLayoutName(const LayoutSettings& settings, qint64 pointCount);
// Saves `layout` as <runDir>/layouts/<name>.npy + .json (atomically). Returns the .npy path,
// or an empty string with *error set.
QString saveLayout(const EmbeddingLayout& layout, const QString& name, QString* error = nullptr);
// The saved layouts of a run (.npy files with a .json sidecar), newest first.
QStringList savedLayouts(const QString& runDir);

class EmbeddingJob : public QObject {
  Q_OBJECT
 public:
  explicit EmbeddingJob(QObject* parent = nullptr);
  // Cancels a running job and waits for it.
  ~EmbeddingJob() override;

  // Both return false (and do nothing) while a job is running.
  bool compute(const QString& runDir, const LayoutSettings& settings);
  // Reopens a saved layout (<run>/layouts/<name>.npy) with its settings and split data.
  bool open(const QString& layoutFile);
  void cancel();
  bool isBusy() const { return job_.isBusy(); }

 Q_SIGNALS:
  void progressReported(const simclr::gui::JobProgress& progress);
  void logMessage(int level, const QString& text);
  void finished(const simclr::gui::EmbeddingLayout& layout);

 private:
  bool start(const QString& runDir, const std::function<EmbeddingLayout(const JobCallbacks&, const StopToken&)>& work);

  JobThread job_{this, /*releaseTensorMemory=*/true};
};

}  // namespace simclr::gui

Q_DECLARE_METATYPE(simclr::gui::EmbeddingLayout)
