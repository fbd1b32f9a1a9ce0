#pragma once
// Computes (or extends) a run's embedding timeline in the background (engine's
// compute_timeline: saved frames are reused, newer checkpoints added) and hands the panel
// plain Qt values: per checkpoint the aligned layouts of h and z and their metrics, plus
// (opaquely, Torch stays out of this header) the split's images and each frame's
// neighbour lists for thumbnails and the neighbour browser.
#include <QObject>
#include <QPointF>
#include <QString>
#include <QStringList>
#include <QVector>

#include <memory>

#include "app/gui/jobs/job_bridge.h"
#include "app/gui/jobs/metric_types.h"

class QImage;

namespace simclr::gui {

struct TimelineRequest {
  QString split = QStringLiteral("test");
  qint64 points = 2000;
  QString method = QStringLiteral("tsne");
  quint64 seed = 0;
};

struct TimelineFrameView {
  qint64 step = 0;
  QVector<QPointF> h, z;                  // aligned, standardised layouts, one point per followed image
  double knnH = 0, knnZ = 0;              // leave-one-out kNN top-1; NaN without labels
  double stabilityH = 0, stabilityZ = 0;  // kept neighbours; NaN in the first frame
};

struct TimelineImages;  // the split's images and the frames' neighbour lists (timeline_job.cpp)

struct TimelineView {
  bool ok = false;
  QString error;
  QString runDir;
  TimelineRequest request;
  QString subset;  // how the points were chosen, in words
  qint64 splitSize = 0;
  QVector<qint64> indices;  // split row of each point
  QVector<int> labels;      // class of each point (0 for all without labels)
  QStringList classNames;   // empty without labels
  QVector<TimelineFrameView> frames;
  qint64 reusedFrames = 0;
  double seconds = 0;
  std::shared_ptr<const TimelineImages> images;

  bool hasLabels() const { return !classNames.isEmpty(); }
  // The layout of `features` ("h" or "z") at `position` in [0, frames - 1]: frame
  // floor(position), moved towards the next one by the fraction, eased (smoothstep).
  QVector<QPointF> pointsAt(const QString& features, double position) const;
  // The frame nearest to `position`.
  int frameAt(double position) const;
  // The image of point `point` (null when unavailable), at least minSide pixels wide.
  QImage thumbnail(int point, int minSide) const;
  // The points nearest to `point` among the followed ones at frame `frame` (most similar first).
  QVector<int> neighbours(const QString& features, int frame, int point) const;
};

class TimelineJob : public QObject {
  Q_OBJECT
 public:
  explicit TimelineJob(QObject* parent = nullptr);
  ~TimelineJob() override;  // cancels a running job and waits for it

  // Returns false (and does nothing) while a job is running.
  bool compute(const QString& runDir, const TimelineRequest& request);
  void cancel();
  bool isBusy() const { return job_.isBusy(); }

 Q_SIGNALS:
  void progressReported(const simclr::gui::JobProgress& progress);
  void logMessage(int level, const QString& text);
  void finished(const simclr::gui::TimelineView& timeline);

 private:
  JobThread job_{this, /*releaseTensorMemory=*/true};
};

// Whether the run folder holds a saved timeline.
bool hasSavedTimeline(const QString& runDir);

// The steps a timeline of the run lays out now (its snapshots and newest checkpoint).
QVector<qint64> timelineStepsOnDisk(const QString& runDir);
// The folders whose changes may add frames (that exist).
QStringList timelineSourceFolders(const QString& runDir);

}  // namespace simclr::gui

Q_DECLARE_METATYPE(simclr::gui::TimelineView)
