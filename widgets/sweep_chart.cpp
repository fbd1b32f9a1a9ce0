#include "widgets/sweep_chart.h"

#include <QEvent>
#include <QToolTip>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

#include "widgets/chart_style.h"
#include "widgets/csv_writer.h"
#include "widgets/plot_export.h"
#include "widgets/qcustomplot_include.h"

namespace simclr::widgets {
namespace {

constexpr double kHoverRadiusPx = 24.0;
const QColor kThroughputColor(0x7f, 0x7f, 0x7f);

QString formatBatch(double b) {
  return QString::number(b, 'g', 10);
}

}  // namespace

SweepChart::SweepChart(QWidget* parent) : QWidget(parent) {
  plot_ = makeTitledPlot(this, QStringLiteral("sweepPlot"), &titleElement_);

  // Batch sizes double from one run to the next: a log2 axis spaces them evenly.
  plot_->xAxis->setScaleType(QCPAxis::stLogarithmic);
  plot_->xAxis->setLabel(tr("Batch size"));
  plot_->xAxis->setSubTicks(false);

  tracer_ = new QCPItemTracer(plot_);
  tracer_->setLayer(QStringLiteral("overlay"));
  tracer_->setStyle(QCPItemTracer::tsCircle);
  tracer_->setSize(10);
  tracer_->setBrush(Qt::NoBrush);
  tracer_->setVisible(false);

  connect(plot_, &QCustomPlot::mouseMove, this, &SweepChart::onPlotMouseMove);
  plot_->installEventFilter(this);
  setValueLabel(tr("Top-1 accuracy (%)"));
  rebuild();
}

SweepChart::~SweepChart() {
  plot_->removeEventFilter(this);
  disconnect(plot_, nullptr, this, nullptr);
}

void SweepChart::setData(const QVector<SweepSeries>& series) {
  series_ = series;
  for (int i = 0; i < series_.size(); ++i) {
    SweepSeries& s = series_[i];
    if (!s.color.isValid()) s.color = chartPaletteColor(i);
    s.values.resize(s.batchSizes.size(), std::nan(""));
  }
  rebuild();
}

void SweepChart::setThroughput(const QString& label, const QVector<double>& batchSizes,
                               const QVector<double>& perSecond) {
  throughputLabel_ = label;
  throughputKeys_ = batchSizes;
  throughputValues_ = perSecond;
  throughputValues_.resize(throughputKeys_.size(), std::nan(""));
  rebuild();
}

void SweepChart::clear() {
  throughputKeys_.clear();
  throughputValues_.clear();
  setData({});
}

void SweepChart::setTitle(const QString& title) {
  title_ = title;
  setTitleText(titleElement_, title);
  plot_->replot();
}

void SweepChart::setValueLabel(const QString& label) {
  valueLabel_ = label;
  plot_->yAxis->setLabel(label);
  plot_->replot();
}

QCPGraph* SweepChart::graph(int seriesIndex) const {
  return seriesIndex >= 0 && seriesIndex < graphs_.size() ? graphs_[seriesIndex] : nullptr;
}

void SweepChart::rebuild() {
  plot_->clearGraphs();
  graphs_.clear();
  throughput_ = nullptr;
  hideHover();

  QVector<double> ticks;
  double lo = INFINITY, hi = -INFINITY;
  for (const SweepSeries& s : std::as_const(series_)) {
    QCPGraph* g = plot_->addGraph(plot_->xAxis, plot_->yAxis);
    g->setName(s.name);
    g->setPen(QPen(s.color, 2));
    g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, s.color, Qt::white, 8));
    for (int i = 0; i < s.batchSizes.size(); ++i) {
      const double b = s.batchSizes[i], v = s.values[i];
      if (!std::isfinite(v) || !(b > 0)) continue;  // not measured: no point
      g->addData(b, v);
      ticks << b;
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
    graphs_ << g;
  }

  const bool haveThroughput = !throughputKeys_.isEmpty();
  QCPAxis* right = plot_->yAxis2;
  right->setTicks(haveThroughput);
  right->setTickLabels(haveThroughput);
  right->setLabel(haveThroughput ? throughputLabel_ : QString());
  if (haveThroughput) {
    throughput_ = plot_->addGraph(plot_->xAxis, right);
    throughput_->setName(throughputLabel_);
    QPen pen(kThroughputColor, 1.5, Qt::DashLine);
    throughput_->setPen(pen);
    throughput_->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssSquare, kThroughputColor, Qt::white, 6));
    double top = 0;
    for (int i = 0; i < throughputKeys_.size(); ++i) {
      const double b = throughputKeys_[i], v = throughputValues_[i];
      if (!std::isfinite(v) || !(b > 0)) continue;
      throughput_->addData(b, v);
      ticks << b;
      top = std::max(top, v);
    }
    right->setRange(0, top > 0 ? top * 1.15 : 1);
    right->setTickLabelColor(chartTextColor());
    right->setLabelColor(chartTextColor());
  }

  std::sort(ticks.begin(), ticks.end());
  ticks.erase(std::unique(ticks.begin(), ticks.end()), ticks.end());
  ticks_ = ticks;
  auto ticker = QSharedPointer<QCPAxisTickerText>::create();
  for (double b : std::as_const(ticks)) ticker->addTick(b, formatBatch(b));
  plot_->xAxis->setTicker(ticker);
  if (ticks.isEmpty())
    plot_->xAxis->setRange(16, 1024);
  else
    plot_->xAxis->setRange(ticks.first() / 1.5, ticks.last() * 1.5);

  if (lo > hi) {
    plot_->yAxis->setRange(0, 100);
  } else {
    // Differences between batch sizes are often a few points: zoom to them, with room.
    const double pad = std::max(2.0, 0.12 * (hi - lo));
    plot_->yAxis->setRange(std::max(0.0, lo - pad), std::min(100.0, hi + pad));
  }
  plot_->legend->setVisible(plot_->graphCount() > 0);
  plot_->replot();
}

bool SweepChart::savePng(const QString& file, int width, int height, double scale, QString* error) {
  return exportPlot(plot_, file, QSize(width, height), scale, title_, error);
}

bool SweepChart::saveImage(const QString& file, QSize size, QString* error) {
  return exportPlot(plot_, file, size, 1.0, title_, error);
}

QString SweepChart::toCsv() const {
  CsvWriter csv;
  csv.field(QStringLiteral("batch_size"));
  for (const SweepSeries& s : series_) csv.field(s.name);
  const bool haveThroughput = !throughputKeys_.isEmpty();
  if (haveThroughput) csv.field(throughputLabel_);
  csv.endRecord();
  auto valueAt = [](const QVector<double>& keys, const QVector<double>& values, double b) {
    for (int i = 0; i < keys.size(); ++i)
      if (keys[i] == b && std::isfinite(values[i])) return values[i];
    return std::nan("");
  };
  for (double b : ticks_) {
    csv.field(formatBatch(b));
    for (const SweepSeries& s : series_) csv.number(valueAt(s.batchSizes, s.values, b));
    if (haveThroughput) csv.number(valueAt(throughputKeys_, throughputValues_, b));
    csv.endRecord();
  }
  return csv.text();
}

bool SweepChart::eventFilter(QObject* watched, QEvent* event) {
  if (watched == plot_ && event->type() == QEvent::Leave) hideHover();
  return QWidget::eventFilter(watched, event);
}

void SweepChart::hideHover() {
  if (!tracer_->visible()) return;
  tracer_->setVisible(false);
  QToolTip::hideText();
  plot_->layer(QStringLiteral("overlay"))->replot();
}

void SweepChart::onPlotMouseMove(QMouseEvent* event) {
  const QPointF pos = event->position();
  QCPGraph* best = nullptr;
  double bestKey = 0, bestValue = 0, bestDist = kHoverRadiusPx;
  QList<QCPGraph*> graphs = graphs_;
  if (throughput_) graphs << throughput_;
  for (QCPGraph* g : std::as_const(graphs)) {
    for (auto it = g->data()->constBegin(); it != g->data()->constEnd(); ++it) {
      const double dx = g->keyAxis()->coordToPixel(it->key) - pos.x();
      const double dy = g->valueAxis()->coordToPixel(it->value) - pos.y();
      const double dist = std::hypot(dx, dy);
      if (dist < bestDist) {
        bestDist = dist;
        best = g;
        bestKey = it->key;
        bestValue = it->value;
      }
    }
  }
  if (!best) {
    hideHover();
    return;
  }
  tracer_->setGraph(nullptr);
  tracer_->position->setAxes(best->keyAxis(), best->valueAxis());
  tracer_->position->setCoords(bestKey, bestValue);
  tracer_->setPen(QPen(best->pen().color(), 2));
  tracer_->setVisible(true);
  plot_->layer(QStringLiteral("overlay"))->replot();
  const bool isThroughput = best == throughput_;
  const QString value =
      isThroughput ? QString::number(bestValue, 'f', 0) : QStringLiteral("%1 %").arg(bestValue, 0, 'f', 2);
  QToolTip::showText(
      event->globalPosition().toPoint(),
      QStringLiteral("<b>%1</b><br>batch %2: %3").arg(best->name().toHtmlEscaped(), formatBatch(bestKey), value),
      plot_);
}

}  // namespace simclr::widgets
