#include "app/gui/training/training_status.h"

#include <algorithm>

#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>

namespace simclr::gui {

namespace {
QString formatEta(double seconds) {
  if (seconds < 0) return QStringLiteral("–");
  const int s = static_cast<int>(seconds + 0.5);
  if (s >= 3600) return QStringLiteral("%1 h %2 min").arg(s / 3600).arg((s % 3600) / 60, 2, 10, QLatin1Char('0'));
  return QStringLiteral("%1:%2").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
}

QLabel* makeLabel(QWidget* parent, const char* name, const QString& tip) {
  auto* label = new QLabel(parent);
  label->setObjectName(QString::fromLatin1(name));
  label->setToolTip(tip);
  return label;
}
}  // namespace

TrainingStatus::TrainingStatus(QWidget* parent) : QWidget(parent) {
  device_ = makeLabel(this, "deviceLabel", tr("Device used for training"));
  stage_ = makeLabel(this, "stageLabel", tr("What the engine is doing"));
  progress_ = new QProgressBar(this);
  progress_->setObjectName(QStringLiteral("progressBar"));
  progress_->setMaximumWidth(160);
  progress_->setTextVisible(true);
  step_ = makeLabel(this, "stepLabel", tr("Optimizer steps done / total"));
  speed_ = makeLabel(this, "speedLabel", tr("Augmented images through the model per second"));
  eta_ = makeLabel(this, "etaLabel", tr("Estimated time left in this stage"));
  latency_ = makeLabel(this, "latencyLabel", tr("How late the interface's timer fires (worst this run)"));
  auto* layout = new QHBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->setSpacing(12);
  for (QWidget* w : {static_cast<QWidget*>(device_), static_cast<QWidget*>(stage_), static_cast<QWidget*>(progress_),
                     static_cast<QWidget*>(step_), static_cast<QWidget*>(speed_), static_cast<QWidget*>(eta_),
                     static_cast<QWidget*>(latency_)})
    layout->addWidget(w);
  reset();
}

void TrainingStatus::setDevice(const QString& device) {
  device_->setText(device);
}

void TrainingStatus::reset() {
  stage_->setText(tr("Idle"));
  progress_->setRange(0, 1);
  progress_->setValue(0);
  progress_->setVisible(false);
  step_->clear();
  speed_->clear();
  eta_->clear();
  worstLatency_ = 0;
  latencySamples_ = 0;
  latency_->clear();
}

void TrainingStatus::showFollowed(const QString& run, const QString& state, qint64 step) {
  stage_->setText(state.isEmpty() ? run : tr("%1: %2").arg(run, state));
  progress_->setVisible(false);
  step_->setText(step > 0 ? tr("step %1").arg(step) : QString());
  eta_->clear();
}

QString TrainingStatus::stageText() const {
  return stage_->text();
}

QString TrainingStatus::stepText() const {
  return step_->text();
}
QString TrainingStatus::speedText() const {
  return speed_->text();
}

void TrainingStatus::showStep(const StepMetrics& m) {
  speed_->setText(tr("%1 img/s").arg(m.views_per_s, 0, 'f', 0));
}

void TrainingStatus::showProgress(const JobProgress& p) {
  stage_->setText(p.stage);
  progress_->setVisible(p.total > 0);
  if (p.total > 0) {
    // QProgressBar takes int; scale large totals down.
    progress_->setRange(0, 1000);
    progress_->setValue(static_cast<int>(1000.0 * p.step / p.total));
    progress_->setFormat(QStringLiteral("%1 %").arg(100.0 * p.step / p.total, 0, 'f', 1));
  }
  if (p.stage == QLatin1String("train"))
    step_->setText(p.total > 0 ? tr("step %1 / %2").arg(p.step).arg(p.total) : tr("step %1").arg(p.step));
  eta_->setText(tr("ETA %1").arg(formatEta(p.etaSeconds)));
}

void TrainingStatus::showLatency(double lateMs) {
  // Skip the first samples: start-up (loading the dataset into the UI) is not steady state.
  if (++latencySamples_ < 5) return;
  const bool newWorst = lateMs > worstLatency_;
  worstLatency_ = std::max(worstLatency_, lateMs);
  if (!newWorst && latencySamples_ % 25 != 0) return;  // a readable rate, not 50 updates a second
  latency_->setText(tr("UI latency %1 ms (max %2)").arg(lateMs, 0, 'f', 0).arg(worstLatency_, 0, 'f', 0));
}

}  // namespace simclr::gui
