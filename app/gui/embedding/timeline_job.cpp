#include "app/gui/embedding/timeline_job.h"

#include <QFileInfo>
#include <QImage>

#include <algorithm>
#include <cmath>

#include <torch/torch.h>

#include "app/gui/jobs/tensor_image.h"
#include "engine/analysis/embedding_timeline.h"
#include "engine/analysis/trained_run.h"
#include "engine/core/error.h"
#include "engine/project/run_folder.h"

namespace simclr::gui {

struct TimelineImages {
  ImageDataset split;                                   // the whole split
  std::vector<torch::Tensor> neighboursH, neighboursZ;  // per frame, int64 [N, k] point indices
};

namespace {

QVector<QPointF> toPoints(const torch::Tensor& layout) {
  const auto c = layout.to(torch::kCPU, torch::kFloat).contiguous();
  const float* p = c.data_ptr<float>();
  QVector<QPointF> points(c.size(0));
  for (int64_t i = 0; i < c.size(0); ++i) points[i] = QPointF(p[2 * i], p[2 * i + 1]);
  return points;
}

TimelineView toView(const QString& runDir, const TimelineRequest& request, const EmbeddingTimeline& t,
                    ImageDataset split) {
  TimelineView view;
  view.runDir = runDir;
  view.request = request;
  view.subset = QString::fromStdString(t.subset);
  view.splitSize = t.split_size;
  view.reusedFrames = t.reused_frames;
  view.seconds = t.seconds;
  const int64_t n = t.indices.size(0);
  view.indices.resize(n);
  view.labels.fill(0, n);
  for (int64_t i = 0; i < n; ++i) {
    view.indices[i] = t.indices[i].item<int64_t>();
    if (t.has_labels()) view.labels[i] = int(t.labels[i].item<int64_t>());
  }
  if (t.has_labels())
    for (const auto& name : t.class_names) view.classNames << QString::fromStdString(name);
  auto images = std::make_shared<TimelineImages>();
  images->split = std::move(split);
  for (const auto& f : t.frames) {
    TimelineFrameView frame;
    frame.step = f.step;
    frame.h = toPoints(f.h.layout);
    frame.z = toPoints(f.z.layout);
    frame.knnH = f.h.knn_top1;
    frame.knnZ = f.z.knn_top1;
    frame.stabilityH = f.h.mean_stability;
    frame.stabilityZ = f.z.mean_stability;
    view.frames.append(frame);
    images->neighboursH.push_back(f.h.neighbours);
    images->neighboursZ.push_back(f.z.neighbours);
  }
  view.images = images;
  view.ok = !view.frames.isEmpty();
  return view;
}

}  // namespace

QVector<QPointF> TimelineView::pointsAt(const QString& features, double position) const {
  if (frames.isEmpty()) return {};
  const bool h = features != QLatin1String("z");
  const double clamped = std::clamp(position, 0.0, double(frames.size() - 1));
  const int f = std::min(int(clamped), int(frames.size()) - 1);
  const QVector<QPointF>& a = h ? frames[f].h : frames[f].z;
  const double s = clamped - f;
  if (s <= 0 || f + 1 >= frames.size()) return a;
  const QVector<QPointF>& b = h ? frames[f + 1].h : frames[f + 1].z;
  const double eased = s * s * (3 - 2 * s);
  QVector<QPointF> out(a.size());
  for (int i = 0; i < a.size(); ++i) out[i] = a[i] + (b[i] - a[i]) * eased;
  return out;
}

int TimelineView::frameAt(double position) const {
  if (frames.isEmpty()) return -1;
  return std::clamp(int(std::lround(position)), 0, int(frames.size()) - 1);
}

QImage TimelineView::thumbnail(int point, int minSide) const {
  if (!images || point < 0 || point >= indices.size()) return {};
  return datasetThumbnail(images->split, indices[point], minSide);
}

QVector<int> TimelineView::neighbours(const QString& features, int frame, int point) const {
  if (!images || frame < 0 || frame >= frames.size() || point < 0 || point >= indices.size()) return {};
  const auto& table = (features == QLatin1String("z") ? images->neighboursZ : images->neighboursH)[size_t(frame)];
  const auto row = table[point].contiguous();
  return QVector<int>(row.data_ptr<int64_t>(), row.data_ptr<int64_t>() + row.numel());
}

TimelineJob::TimelineJob(QObject* parent) : QObject(parent) {
  qRegisterMetaType<simclr::gui::TimelineView>();
}

TimelineJob::~TimelineJob() {
  job_.cancel();
}

bool TimelineJob::compute(const QString& runDir, const TimelineRequest& request) {
  const JobCallbacks callbacks = queuedCallbacks(
      this, [this](const JobProgress& p) { Q_EMIT progressReported(p); },
      [this](int level, const QString& text) { Q_EMIT logMessage(level, text); });
  return job_.start<TimelineView>(
      QStringLiteral("embedding timeline"),
      [runDir, request, callbacks](const StopToken& stop) {
        try {
          TimelineOptions options;
          options.split = request.split.toStdString();
          options.points = request.points;
          options.method = request.method.toStdString();
          options.seed = request.seed;
          // Opened once: the timeline's features and the thumbnails' images come from it.
          TrainedRun run = open_trained_run(runDir.toStdString());
          const EmbeddingTimeline t = compute_timeline(run, options, callbacks, stop);
          return toView(runDir, request, t, run.split(options.split));
        } catch (...) {
          TimelineView failed;
          failed.runDir = runDir;
          failed.request = request;
          failed.error = jobErrorMessage(std::current_exception());
          return failed;
        }
      },
      [this](const TimelineView& view) { Q_EMIT finished(view); });
}

void TimelineJob::cancel() {
  job_.cancel();
}

bool hasSavedTimeline(const QString& runDir) {
  return !runDir.isEmpty() &&
         QFileInfo::exists(QString::fromStdString((timeline_dir(runDir.toStdString()) / "timeline.json").string()));
}

QVector<qint64> timelineStepsOnDisk(const QString& runDir) {
  QVector<qint64> steps;
  for (const int64_t step : timeline_checkpoint_steps(runDir.toStdString())) steps.append(step);
  return steps;
}

QStringList timelineSourceFolders(const QString& runDir) {
  const RunFolder run(runDir.toStdString());
  QStringList folders;
  for (const auto& dir : {run.snapshot_dir(), run.checkpoint_dir()})
    if (std::filesystem::is_directory(dir)) folders.append(QString::fromStdString(dir.string()));
  return folders;
}

}  // namespace simclr::gui
