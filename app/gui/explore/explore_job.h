#pragma once
// The Explore dock's background work on one run: its collection's embeddings (all images of
// an unlabelled folder, the test split of a labelled dataset, as `simclr-cli duplicates`
// takes them) loaded once, then near-duplicate groups at a threshold, the most unusual
// images, or a diverse (k-center) subset, each with thumbnails and the CSV the CLI writes.
// The newest request wins, so a threshold dragged along regroups without a queue.
#include <QMetaType>
#include <QObject>
#include <QString>
#include <QVector>

#include <memory>
#include <string>

#include "app/gui/jobs/latest_request_runner.h"
#include "app/gui/jobs/metric_types.h"
#include "widgets/image_grid.h"

namespace simclr::gui {

struct ExploreRequest {
  enum class Kind { Duplicates, Outliers, Subset };
  Kind kind = Kind::Duplicates;
  QString features = QStringLiteral("h");
  double threshold = 0.999;  // Duplicates: cosine similarity
  int k = 10;                // Outliers: neighbours per score
  int count = 100;           // Subset: images chosen; Outliers: images shown
  quint64 seed = 0;          // Subset: the first pick
};

struct ExploreResult {
  ExploreRequest request;
  QString error;  // shown instead when not empty
  QVector<widgets::ImageGridItem> items;
  QVector<qint64> rows;  // the collection row of each item
  QString summary;       // one line: what was found, among how many images
  QString split;         // "all", "test" or "train": the rows' collection
  int groups = 0;        // Duplicates
  std::string csv;       // as simclr-cli writes it (index, ..., label, path)
  QString csvName;       // its file name in <run>/explore/
};

struct ExploreRun;  // the opened run and its collection (explore_job.cpp)

class ExploreJob : public QObject {
  Q_OBJECT
 public:
  explicit ExploreJob(QObject* parent = nullptr);
  ~ExploreJob() override;

  void setRun(const QString& runDir);
  QString runDir() const { return runDir_; }
  void request(const ExploreRequest& request);
  void cancel();
  bool isBusy() const { return job_.isBusy(); }

 Q_SIGNALS:
  void resultReady(const simclr::gui::ExploreResult& result);
  void progressReported(const simclr::gui::JobProgress& progress);
  void busyChanged(bool busy);
  void logMessage(int level, const QString& text);

 private:
  QString runDir_;
  std::shared_ptr<ExploreRun> run_;
  LatestRequestRunner<ExploreResult> job_{this, QStringLiteral("explore")};
};

}  // namespace simclr::gui

Q_DECLARE_METATYPE(simclr::gui::ExploreResult)
