#include "app/gui/training/training_charts.h"

#include <cmath>
#include <limits>

#include <QFileInfo>
#include <QGridLayout>
#include <QTabWidget>

#include "engine/project/run_folder.h"
#include "engine/train/metrics_log.h"
#include "widgets/chart_panel.h"
#include "widgets/metric_chart.h"

namespace simclr::gui {

namespace {
using widgets::MetricPoint;

struct ChartSpec {
  const char* title;
  const char* label;  // short: the health charts share half the centre's width
  const char* empty;  // what will fill the chart
  const char* hint;   // what the value means (the health tabs' tooltips)
};
// Short lines: the charts can be narrow. The monitor's charts fill at its evaluations
// (evaluation.knn_at_start, then every evaluation.knn_every_epochs).
constexpr const char* kByMonitor = "Measured by\nthe kNN monitor";
const ChartSpec kSpecs[TrainingCharts::ChartCount] = {
    {"Contrastive loss", "NT-Xent loss", "No steps yet:\nStart Training\n(Ctrl+R)", ""},
    {"Learning rate", "learning rate", "No steps yet", ""},
    {"kNN top-1", "kNN top-1 (%)", kByMonitor, ""},
    {"Pair retrieval", "pair top-1 (%)", kByMonitor,
     "Label-free: the share of fixed held-out views whose nearest other view (cosine of h) is the other view of "
     "the same image, among up to 1024 views (chance about 0.1 %)"},
    {"Uniformity", "uniformity", kByMonitor,
     "Wang & Isola's uniformity of normalised z: lower is more uniform, 0 means collapsed"},
    {"Alignment", "alignment", kByMonitor,
     "Mean squared distance between the two views' normalised z: lower is closer, at most 4"},
    {"z std", "std of z", kByMonitor,
     "Mean per-dimension standard deviation of normalised z: about 1/sqrt(dim) when spread out, "
     "falling towards 0 as it collapses"},
    {"Effective rank", "effective rank", kByMonitor,
     "Effective rank of the backbone features h: how many directions they really use"},
};

// The values a monitor record contributes to each health chart.
double monitorValue(TrainingCharts::Chart chart, const MonitorMetrics& m) {
  switch (chart) {
    case TrainingCharts::KnnTop1:
      return m.has_knn ? 100 * m.knn_top1 : std::numeric_limits<double>::quiet_NaN();
    case TrainingCharts::PairRetrieval:
      return 100 * m.pair_top1;  // NaN in records made before it was measured
    case TrainingCharts::Uniformity:
      return m.uniformity;
    case TrainingCharts::Alignment:
      return m.alignment;
    case TrainingCharts::ZStd:
      return m.z_std;
    case TrainingCharts::EffectiveRank:
      return m.h_effective_rank;
    default:
      return 0;
  }
}
constexpr TrainingCharts::Chart kMonitorCharts[] = {TrainingCharts::KnnTop1,    TrainingCharts::PairRetrieval,
                                                    TrainingCharts::Uniformity, TrainingCharts::Alignment,
                                                    TrainingCharts::ZStd,       TrainingCharts::EffectiveRank};
}  // namespace

TrainingCharts::TrainingCharts(QWidget* parent) : QWidget(parent) {
  for (int i = 0; i < ChartCount; ++i) {
    panels_[i] = new widgets::ChartPanel(this);
    panels_[i]->setObjectName(QString::fromLatin1(kSpecs[i].title));
    panels_[i]->chart()->setValueLabel(tr(kSpecs[i].label));
    panels_[i]->chart()->setEmptyText(tr(kSpecs[i].empty));
  }
  // Loss is the one people watch: raw steps are noisy, so it starts smoothed.
  panels_[Loss]->chart()->setSmoothing(0.6);

  health_ = new QTabWidget(this);
  health_->setObjectName(QStringLiteral("healthTabs"));
  for (Chart c : {PairRetrieval, Uniformity, Alignment, ZStd, EffectiveRank}) {
    const int tab = health_->addTab(panels_[c], tr(kSpecs[c].title));
    health_->setTabToolTip(tab, tr(kSpecs[c].hint));
  }

  auto* grid = new QGridLayout(this);
  grid->setContentsMargins(4, 4, 4, 4);
  grid->addWidget(panels_[Loss], 0, 0);
  grid->addWidget(panels_[KnnTop1], 0, 1);
  grid->addWidget(panels_[LearningRate], 1, 0);
  grid->addWidget(health_, 1, 1);
  grid->setColumnStretch(0, 3);
  grid->setColumnStretch(1, 2);
  grid->setRowStretch(0, 3);
  grid->setRowStretch(1, 2);
}

widgets::MetricChart* TrainingCharts::chart(Chart which) const {
  return panels_[which]->chart();
}
widgets::ChartPanel* TrainingCharts::panel(Chart which) const {
  return panels_[which];
}

QString TrainingCharts::seriesName(const QString& runDir) {
  return QFileInfo(runDir).fileName();
}

void TrainingCharts::beginLiveRun(const QString& runDir, bool loadExisting) {
  liveRun_ = runDir;
  removeRun(runDir);
  if (loadExisting) loadRun(runDir);  // a resumed run continues its own curve
}

void TrainingCharts::endLiveRun() {
  if (!liveRun_.isEmpty() && !overlaid_.contains(liveRun_)) overlaid_ << liveRun_;
  liveRun_.clear();
}

void TrainingCharts::showRuns(const QStringList& runDirs) {
  for (const QString& run : QStringList(overlaid_))
    if (!runDirs.contains(run) && run != liveRun_) {
      removeRun(run);
      overlaid_.removeAll(run);
    }
  for (const QString& run : runDirs)
    if (!overlaid_.contains(run) && run != liveRun_) {
      loadRun(run);
      overlaid_ << run;
    }
}

QStringList TrainingCharts::shownRuns() const {
  QStringList runs = overlaid_;
  if (!liveRun_.isEmpty() && !runs.contains(liveRun_)) runs << liveRun_;
  return runs;
}

void TrainingCharts::addStep(const StepMetrics& m) {
  if (liveRun_.isEmpty()) return;
  const QString name = seriesName(liveRun_);
  chart(Loss)->appendPoint(name, MetricPoint{double(m.step), m.epoch, m.loss});
  chart(LearningRate)->appendPoint(name, MetricPoint{double(m.step), m.epoch, m.learning_rate});
}

void TrainingCharts::addMonitor(const MonitorMetrics& m) {
  if (liveRun_.isEmpty()) return;
  const QString name = seriesName(liveRun_);
  for (Chart c : kMonitorCharts)
    if (const double v = monitorValue(c, m); std::isfinite(v))
      chart(c)->appendPoint(name, MetricPoint{double(m.step), m.epoch, v});
  if (!m.has_knn) showUnlabelled();
}

void TrainingCharts::showUnlabelled() {
  // Nothing to classify: the kNN chart says why, and pair retrieval takes its place in view.
  chart(KnnTop1)->setEmptyText(tr("No labels in this dataset:\nsee Pair retrieval"));
  health_->setCurrentWidget(panels_[PairRetrieval]);
}

void TrainingCharts::loadRun(const QString& runDir) {
  QVector<MetricPoint> series[ChartCount];
  bool unlabelled = false;
  for (const auto& record : read_metrics(RunFolder(runDir.toStdString()).metrics_file())) {
    const std::string type = record.value("type", "");
    if (type == "step") {
      const StepMetrics m = step_metrics_from_json(record);
      series[Loss].push_back({double(m.step), m.epoch, m.loss});
      series[LearningRate].push_back({double(m.step), m.epoch, m.learning_rate});
    } else if (type == "monitor") {
      const MonitorMetrics m = monitor_metrics_from_json(record);
      for (Chart c : kMonitorCharts)
        if (const double v = monitorValue(c, m); std::isfinite(v)) series[c].push_back({double(m.step), m.epoch, v});
      unlabelled = !m.has_knn;
    }
  }
  const QString name = seriesName(runDir);
  for (int c = 0; c < ChartCount; ++c)
    if (!series[c].isEmpty()) chart(Chart(c))->setSeries(name, series[c]);
  if (unlabelled) showUnlabelled();
}

void TrainingCharts::removeRun(const QString& runDir) {
  for (int c = 0; c < ChartCount; ++c) chart(Chart(c))->removeSeries(seriesName(runDir));
}

}  // namespace simclr::gui
