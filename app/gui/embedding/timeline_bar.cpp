#include "app/gui/embedding/timeline_bar.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSlider>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

#include "widgets/timeline_chart.h"

namespace simclr::gui {

TimelineBar::TimelineBar(QWidget* parent) : QWidget(parent) {
  compute_ = new QPushButton(tr("Timeline"));
  compute_->setObjectName(QStringLiteral("computeTimeline"));
  compute_->setToolTip(
      tr("Lay out the same points at every snapshot (and the newest checkpoint) the run kept, aligned frame to frame, to watch the "
         "representation form (frames computed before are reused)"));
  play_ = new QPushButton(tr("Play"));
  play_->setObjectName(QStringLiteral("playTimeline"));
  play_->setCheckable(true);
  slider_ = new QSlider(Qt::Horizontal);
  slider_->setObjectName(QStringLiteral("timelineSlider"));
  follow_ = new QComboBox;
  follow_->setObjectName(QStringLiteral("followPaths"));
  follow_->setToolTip(tr("Whose paths through the frames to draw: the points you select (Ctrl+drag a "
                         "rectangle), or some of one class's"));
  follow_->setSizeAdjustPolicy(QComboBox::AdjustToContents);
  setClasses({});
  frameLabel_ = new QLabel;
  frameLabel_->setObjectName(QStringLiteral("timelineFrame"));
  frameLabel_->setWordWrap(true);
  chart_ = new widgets::TimelineChart;
  chart_->setMaximumHeight(150);
  timer_ = new QTimer(this);
  timer_->setInterval(kTickMs);

  auto* row = new QHBoxLayout;
  row->setContentsMargins(0, 0, 0, 0);
  row->addWidget(compute_);
  row->addWidget(play_);
  row->addWidget(slider_, 1);
  row->addWidget(follow_);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(4, 2, 4, 2);
  layout->addLayout(row);
  layout->addWidget(frameLabel_);
  layout->addWidget(chart_);

  connect(compute_, &QPushButton::clicked, this, &TimelineBar::computeRequested);
  connect(play_, &QPushButton::toggled, this, &TimelineBar::setPlaying);
  connect(follow_, &QComboBox::currentIndexChanged, this, &TimelineBar::followChanged);
  connect(timer_, &QTimer::timeout, this, &TimelineBar::advance);
  connect(slider_, &QSlider::valueChanged, this, [this] {
    chart_->setCursorStep(stepAt(position()));
    Q_EMIT positionChanged(position());
  });
  connect(chart_, &widgets::TimelineChart::stepClicked, this,
          [this](double step) { setPosition(positionOfStep(step)); });
  setFrames({}, {}, {});
}

void TimelineBar::setFrames(const QVector<qint64>& steps, const QVector<double>& knn,
                            const QVector<double>& stability) {
  setPlaying(false);
  steps_ = steps;
  const bool any = !steps.isEmpty();
  play_->setEnabled(steps.size() > 1);
  slider_->setEnabled(steps.size() > 1);
  chart_->setVisible(any);
  {
    const QSignalBlocker block(slider_);
    slider_->setRange(0, std::max<int>(0, int(steps.size() - 1) * kSubsteps));
    slider_->setValue(slider_->maximum());  // the newest frame first
  }
  if (any) setMetrics(knn, stability);
  chart_->setCursorStep(stepAt(position()));
}

void TimelineBar::setClasses(const QStringList& names) {
  const QSignalBlocker block(follow_);
  const QString current = follow_->currentText();
  follow_->clear();
  follow_->addItem(tr("Paths: selected"));
  for (const QString& name : names) follow_->addItem(tr("Paths: %1").arg(name));
  follow_->setCurrentIndex(std::max(0, follow_->findText(current)));
  follow_->setEnabled(!names.isEmpty());
}

int TimelineBar::followedClass() const {
  return follow_->currentIndex() - 1;
}

void TimelineBar::setMetrics(const QVector<double>& knn, const QVector<double>& stability) {
  QVector<double> steps;
  for (qint64 s : steps_) steps.append(double(s));
  chart_->setSeries(steps, knn, stability);
  chart_->setCursorStep(stepAt(position()));
}

double TimelineBar::position() const {
  return double(slider_->value()) / kSubsteps;
}

void TimelineBar::setPosition(double position) {
  slider_->setValue(
      int(std::lround(std::clamp(position, 0.0, double(std::max<qsizetype>(0, steps_.size() - 1))) * kSubsteps)));
}

void TimelineBar::setPlaying(bool playing) {
  playing = playing && steps_.size() > 1;
  if (playing && slider_->value() >= slider_->maximum()) slider_->setValue(0);  // play again from the start
  {
    const QSignalBlocker block(play_);
    play_->setChecked(playing);
  }
  play_->setText(playing ? tr("Pause") : tr("Play"));
  if (playing)
    timer_->start();
  else
    timer_->stop();
}

bool TimelineBar::isPlaying() const {
  return timer_->isActive();
}

void TimelineBar::advance() {
  const int stride = std::max(1, int(std::lround(kSubsteps * kFramesPerSecond * kTickMs / 1000.0)));
  const int next = std::min(slider_->maximum(), slider_->value() + stride);
  slider_->setValue(next);
  if (next >= slider_->maximum()) setPlaying(false);
}

void TimelineBar::setFrameText(const QString& text) {
  frameLabel_->setText(text);
}

void TimelineBar::setEmptyText(const QString& text) {
  if (steps_.isEmpty()) frameLabel_->setText(text);
}

void TimelineBar::setComputeEnabled(bool enabled) {
  compute_->setEnabled(enabled);
}

double TimelineBar::stepAt(double position) const {
  if (steps_.isEmpty()) return 0;
  const int f = std::clamp(int(position), 0, int(steps_.size()) - 1);
  if (f + 1 >= steps_.size()) return double(steps_[f]);
  return double(steps_[f]) + (position - f) * double(steps_[f + 1] - steps_[f]);
}

double TimelineBar::positionOfStep(double step) const {
  for (int f = 0; f + 1 < steps_.size(); ++f)
    if (step <= double(steps_[f + 1]))
      return f +
             std::clamp((step - double(steps_[f])) / double(std::max<qint64>(1, steps_[f + 1] - steps_[f])), 0.0, 1.0);
  return std::max(0, int(steps_.size()) - 1);
}

}  // namespace simclr::gui
