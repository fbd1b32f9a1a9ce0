// The Embeddings dock's timeline: the scatter column with its timeline bar, computing or
// extending the timeline, showing a frame (interpolated between checkpoints), the
// neighbours of a clicked point at the frame shown, and the paths of selected points.
#include <QFileInfo>
#include <QFileSystemWatcher>
#include <QTimer>
#include <QLabel>
#include <QSpinBox>
#include <QComboBox>
#include <QVBoxLayout>

#include <cmath>

#include "app/gui/embedding/embedding_panel.h"
#include "app/gui/embedding/timeline_bar.h"
#include "widgets/embedding_scatter.h"
#include "widgets/image_grid.h"

namespace simclr::gui {

namespace {

constexpr int kMaxPaths = 40;  // more lines than this hide the points they follow

QString percent(double value) {
  return std::isfinite(value) ? QStringLiteral("%1%").arg(100 * value, 0, 'f', 1) : QStringLiteral("–");
}

}  // namespace

QWidget* EmbeddingPanel::makeScatterColumn() {
  timelineBar_ = new TimelineBar;
  auto* column = new QWidget;
  auto* layout = new QVBoxLayout(column);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->setSpacing(2);
  layout->addWidget(scatter_, 1);
  layout->addWidget(timelineBar_);
  return column;
}

void EmbeddingPanel::connectTimeline() {
  // A run in progress extends its shown timeline when it keeps a new snapshot or checkpoint
  // (after a pause, so that a file being written is complete).
  timelineWatcher_ = new QFileSystemWatcher(this);
  extendTimer_ = new QTimer(this);
  extendTimer_->setSingleShot(true);
  extendTimer_->setInterval(1500);
  connect(timelineWatcher_, &QFileSystemWatcher::directoryChanged, extendTimer_, qOverload<>(&QTimer::start));
  connect(extendTimer_, &QTimer::timeout, this, &EmbeddingPanel::extendTimeline);
  connect(timelineBar_, &TimelineBar::computeRequested, this, [this] { computeTimeline(); });
  connect(timelineBar_, &TimelineBar::positionChanged, this, &EmbeddingPanel::showTimelineFrame);
  connect(timelineJob_, &TimelineJob::progressReported, this, &EmbeddingPanel::onProgress);
  connect(timelineJob_, &TimelineJob::logMessage, this, &EmbeddingPanel::logMessage);
  connect(timelineJob_, &TimelineJob::finished, this, &EmbeddingPanel::onTimelineFinished);
  // Switching h and z keeps the frame.
  connect(features_, &QComboBox::currentIndexChanged, this, [this] {
    if (!timelineShown_) return;
    showTimelineMetrics();
    showTimelineFrame(timelineBar_->position());
    followSelectedPaths();
  });
  connect(scatter_, &widgets::EmbeddingScatter::selectionChanged, this, [this] {
    if (timelineShown_ && timelineBar_->followedClass() < 0) followSelectedPaths();
  });
  connect(timelineBar_, &TimelineBar::followChanged, this, [this] {
    if (timelineShown_) followSelectedPaths();
  });
}

void EmbeddingPanel::resetTimeline() {
  timelineShown_ = false;
  extendTimer_->stop();
  if (const QStringList watched = timelineWatcher_->directories(); !watched.isEmpty())
    timelineWatcher_->removePaths(watched);
  timeline_ = TimelineView{};
  scatter_->setPaths({});
  timelineBar_->setFrames({}, {}, {});
  timelineBar_->setClasses({});
  timelineBar_->setEmptyText(
      runDir_.isEmpty() ? tr("Select a run to watch its representation form, snapshot by snapshot.")
      : hasSavedTimeline(runDir_)
          ? tr("This run has a saved timeline: press Timeline to show it (snapshots kept since are laid out too).")
          : tr("Press Timeline to lay out the same points at every snapshot this run kept and watch the "
               "representation form."));
}

bool EmbeddingPanel::computeTimeline() {
  TimelineRequest request;
  const LayoutSettings s = settings();
  request.split = s.split;
  request.points = s.points;
  request.method = s.method;
  request.seed = s.seed;
  return startTimeline(request);
}

bool EmbeddingPanel::startTimeline(const TimelineRequest& request) {
  if (runDir_.isEmpty() || job_->isBusy() || timelineJob_->isBusy()) return false;
  if (!timelineJob_->compute(runDir_, request)) return false;
  setBusy(true);
  return true;
}

void EmbeddingPanel::extendTimeline() {
  if (!timelineShown_) return;
  if (isBusy()) return extendTimer_->start();  // again when the job is done
  QVector<qint64> shown;
  for (const auto& frame : timeline_.frames) shown.append(frame.step);
  if (timelineStepsOnDisk(runDir_) != shown && startTimeline(timeline_.request))
    Q_EMIT logMessage(int(LogLevel::Info), tr("The run kept a new snapshot: extending its timeline"));
}

void EmbeddingPanel::onTimelineFinished(const TimelineView& timeline) {
  setBusy(false);
  if (QFileInfo(timeline.runDir) != QFileInfo(runDir_)) return;  // from a run no longer shown
  if (!timeline.ok) {
    Q_EMIT logMessage(int(LogLevel::Error), tr("Embedding timeline failed: %1").arg(timeline.error));
    description_->setText(tr("Timeline failed: %1").arg(timeline.error));
    return;
  }
  timeline_ = timeline;
  timelineShown_ = true;
  if (const QStringList watched = timelineWatcher_->directories(); !watched.isEmpty())
    timelineWatcher_->removePaths(watched);
  if (const QStringList sources = timelineSourceFolders(runDir_); !sources.isEmpty())
    timelineWatcher_->addPaths(sources);
  extendTimer_->start();  // frames the run kept while this one was computed
  layout_ = EmbeddingLayout{};
  layoutIndexOfRow_.clear();
  for (int i = 0; i < timeline_.indices.size(); ++i) layoutIndexOfRow_.insert(timeline_.indices[i], i);
  const QStringList names = timeline_.hasLabels() ? timeline_.classNames : QStringList{tr("images")};
  scatter_->setPoints(timeline_.pointsAt(settings().features, timeline_.frames.size() - 1), timeline_.labels, names);
  scatter_->setThumbnailProvider([this](int index) { return timeline_.thumbnail(index, 64); });
  QVector<qint64> steps;
  for (const auto& frame : timeline_.frames) steps.append(frame.step);
  timelineBar_->setFrames(steps, {}, {});
  timelineBar_->setClasses(timeline_.hasLabels() ? timeline_.classNames : QStringList{});
  followSelectedPaths();
  showTimelineMetrics();
  showTimelineFrame(timelineBar_->position());
  const auto& first = timeline_.frames.first();
  const auto& last = timeline_.frames.last();
  description_->setText(
      tr("Timeline: %1 of %2 %3 points (%4), %5 frames from step %6 to %7, %8 warm-started from frame to frame "
         "and aligned; %9 frames reused, %10 s. Saved in timeline/.")
          .arg(timeline_.indices.size())
          .arg(timeline_.splitSize)
          .arg(timeline_.request.split, timeline_.subset)
          .arg(timeline_.frames.size())
          .arg(first.step)
          .arg(last.step)
          .arg(timeline_.request.method == QLatin1String("pca") ? tr("PCA") : tr("t-SNE"))
          .arg(timeline_.reusedFrames)
          .arg(timeline_.seconds, 0, 'f', 1));
  queryRow_ = -1;
  grid_->clear();
  queryImage_->clear();
  queryCaption_->setText(tr("Click a point to see its neighbours at the frame shown"));
  precisionLabel_->clear();
  Q_EMIT logMessage(int(LogLevel::Info), tr("Timeline ready: %1 frames").arg(timeline_.frames.size()));
  Q_EMIT layoutShown(description_->text());
}

void EmbeddingPanel::showTimelineMetrics() {
  const bool h = settings().features != QLatin1String("z");
  QVector<double> knn, stability;
  for (const auto& frame : timeline_.frames) {
    knn.append(h ? frame.knnH : frame.knnZ);
    stability.append(h ? frame.stabilityH : frame.stabilityZ);
  }
  timelineBar_->setMetrics(knn, stability);
}

void EmbeddingPanel::showTimelineFrame(double position) {
  if (!timelineShown_ || timeline_.frames.isEmpty()) return;
  const QString features = settings().features;
  scatter_->movePoints(timeline_.pointsAt(features, position));
  const int f = timeline_.frameAt(position);
  const auto& frame = timeline_.frames[f];
  const bool h = features != QLatin1String("z");
  QString text =
      tr("Step %1 (frame %2 of %3), %4").arg(frame.step).arg(f + 1).arg(timeline_.frames.size()).arg(features);
  if (timeline_.hasLabels()) text += tr(" · kNN %1").arg(percent(h ? frame.knnH : frame.knnZ));
  if (f > 0) text += tr(" · kept neighbours %1").arg(percent(h ? frame.stabilityH : frame.stabilityZ));
  timelineBar_->setFrameText(text);
}

// The points whose paths are drawn: the selected ones, or some of a class spread over its
// points (every n-th of them).
QVector<int> EmbeddingPanel::followedPoints() const {
  const int followed = timelineBar_->followedClass();
  if (followed < 0) return scatter_->selection().mid(0, kMaxPaths);
  QVector<int> members;
  for (int i = 0; i < timeline_.labels.size(); ++i)
    if (timeline_.labels[i] == followed) members.append(i);
  const int stride = std::max<int>(1, int(std::ceil(double(members.size()) / kMaxPaths)));
  QVector<int> points;
  for (int i = 0; i < members.size(); i += stride) points.append(members[i]);
  return points;
}

void EmbeddingPanel::followSelectedPaths() {
  const QString features = settings().features;
  QVector<QVector<QPointF>> paths;
  for (int point : followedPoints()) {
    QVector<QPointF> path;
    for (const auto& frame : timeline_.frames) path.append((features == QLatin1String("z") ? frame.z : frame.h)[point]);
    paths.append(path);
  }
  scatter_->setPaths(paths);
}

bool EmbeddingPanel::showTimelineNeighbours(int point) {
  if (!timelineShown_ || point < 0 || point >= timeline_.indices.size()) return false;
  const QString features = settings().features;
  const int f = timeline_.frameAt(timelineBar_->position());
  const QVector<int> found = timeline_.neighbours(features, f, point);
  const int k = std::min<int>(k_->value(), int(found.size()));
  const auto className = [this](int label) {
    return timeline_.hasLabels() && label >= 0 && label < timeline_.classNames.size() ? timeline_.classNames[label]
                                                                                      : QString();
  };
  const int queryLabel = timeline_.labels[point];
  queryRow_ = timeline_.indices[point];
  queryImage_->setPixmap(QPixmap::fromImage(timeline_.thumbnail(point, 96)));
  queryCaption_->setText(tr("Query: %1 #%2 %3\nat step %4")
                             .arg(timeline_.request.split)
                             .arg(queryRow_)
                             .arg(className(queryLabel))
                             .arg(timeline_.frames[f].step));
  QVector<widgets::ImageGridItem> items;
  QVector<int> highlighted;
  neighbourRows_.clear();
  int matches = 0;
  for (int i = 0; i < k; ++i) {
    const int other = found[i];
    widgets::ImageGridItem item;
    item.image = timeline_.thumbnail(other, 32);
    item.caption = className(timeline_.labels[other]);
    if (timeline_.hasLabels()) {
      const bool match = timeline_.labels[other] == queryLabel;
      matches += match;
      item.frame = neighbourFrame(match);
    }
    item.toolTip = tr("#%1 %2").arg(timeline_.indices[other]).arg(item.caption);
    items.append(item);
    neighbourRows_.append(timeline_.indices[other]);
    highlighted.append(other);
  }
  grid_->setItems(items);
  precision_ = timeline_.hasLabels() && k > 0 ? double(matches) / k : -1;
  precisionLabel_->setText(timeline_.hasLabels()
                               ? tr("precision@%1 = %2 among the %3 followed points")
                                     .arg(k)
                                     .arg(precision_, 0, 'f', 2)
                                     .arg(timeline_.indices.size())
                               : tr("%1 nearest of the %2 followed points").arg(k).arg(timeline_.indices.size()));
  scatter_->setSelectedIndex(point);
  scatter_->setHighlighted(highlighted);
  Q_EMIT queryChanged(queryRow_);
  return true;
}

}  // namespace simclr::gui
