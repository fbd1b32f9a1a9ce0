#include "widgets/sweep_chart.h"

#include <QEvent>
#include <QToolTip>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

#include "widgets/chart_style.h"
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
  m_plot = makeTitledPlot(this, QStringLiteral("sweepPlot"), &m_titleElement);

  // Batch sizes double from one run to the next: a log2 axis spaces them evenly.
  m_plot->xAxis->setScaleType(QCPAxis::stLogarithmic);
  m_plot->xAxis->setLabel(tr("Batch size"));
  m_plot->xAxis->setSubTicks(false);

  m_tracer = new QCPItemTracer(m_plot);
  m_tracer->setLayer(QStringLiteral("overlay"));
  m_tracer->setStyle(QCPItemTracer::tsCircle);
  m_tracer->setSize(10);
  m_tracer->setBrush(Qt::NoBrush);
  m_tracer->setVisible(false);

  connect(m_plot, &QCustomPlot::mouseMove, this, &SweepChart::onPlotMouseMove);
  m_plot->installEventFilter(this);
  setValueLabel(tr("Top-1 accuracy (%)"));
  rebuild();
}

SweepChart::~SweepChart() {
  m_plot->removeEventFilter(this);
  disconnect(m_plot, nullptr, this, nullptr);
}

void SweepChart::setData(const QVector<SweepSeries>& series) {
  m_series = series;
  for (int i = 0; i < m_series.size(); ++i) {
    SweepSeries& s = m_series[i];
    if (!s.color.isValid()) s.color = chartPaletteColor(i);
    s.values.resize(s.batchSizes.size(), std::nan(""));
  }
  rebuild();
}

void SweepChart::setThroughput(const QString& label, const QVector<double>& batchSizes,
                               const QVector<double>& perSecond) {
  m_throughputLabel = label;
  m_throughputKeys = batchSizes;
  m_throughputValues = perSecond;
  m_throughputValues.resize(m_throughputKeys.size(), std::nan(""));
  rebuild();
}

void SweepChart::clear() {
  m_throughputKeys.clear();
  m_throughputValues.clear();
  setData({});
}

void SweepChart::setTitle(const QString& title) {
  m_title = title;
  setTitleText(m_titleElement, title);
  m_plot->replot();
}

void SweepChart::setValueLabel(const QString& label) {
  m_valueLabel = label;
  m_plot->yAxis->setLabel(label);
  m_plot->replot();
}

QCPGraph* SweepChart::graph(int seriesIndex) const {
  return seriesIndex >= 0 && seriesIndex < m_graphs.size() ? m_graphs[seriesIndex] : nullptr;
}

void SweepChart::rebuild() {
  m_plot->clearGraphs();
  m_graphs.clear();
  m_throughput = nullptr;
  hideHover();

  QVector<double> ticks;
  double lo = INFINITY, hi = -INFINITY;
  for (const SweepSeries& s : std::as_const(m_series)) {
    QCPGraph* g = m_plot->addGraph(m_plot->xAxis, m_plot->yAxis);
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
    m_graphs << g;
  }

  const bool haveThroughput = !m_throughputKeys.isEmpty();
  QCPAxis* right = m_plot->yAxis2;
  right->setTicks(haveThroughput);
  right->setTickLabels(haveThroughput);
  right->setLabel(haveThroughput ? m_throughputLabel : QString());
  if (haveThroughput) {
    m_throughput = m_plot->addGraph(m_plot->xAxis, right);
    m_throughput->setName(m_throughputLabel);
    QPen pen(kThroughputColor, 1.5, Qt::DashLine);
    m_throughput->setPen(pen);
    m_throughput->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssSquare, kThroughputColor, Qt::white, 6));
    double top = 0;
    for (int i = 0; i < m_throughputKeys.size(); ++i) {
      const double b = m_throughputKeys[i], v = m_throughputValues[i];
      if (!std::isfinite(v) || !(b > 0)) continue;
      m_throughput->addData(b, v);
      ticks << b;
      top = std::max(top, v);
    }
    right->setRange(0, top > 0 ? top * 1.15 : 1);
    right->setTickLabelColor(chartTextColor());
    right->setLabelColor(chartTextColor());
  }

  std::sort(ticks.begin(), ticks.end());
  ticks.erase(std::unique(ticks.begin(), ticks.end()), ticks.end());
  m_ticks = ticks;
  auto ticker = QSharedPointer<QCPAxisTickerText>::create();
  for (double b : std::as_const(ticks)) ticker->addTick(b, formatBatch(b));
  m_plot->xAxis->setTicker(ticker);
  if (ticks.isEmpty())
    m_plot->xAxis->setRange(16, 1024);
  else
    m_plot->xAxis->setRange(ticks.first() / 1.5, ticks.last() * 1.5);

  if (lo > hi) {
    m_plot->yAxis->setRange(0, 100);
  } else {
    // Differences between batch sizes are often a few points: zoom to them, with room.
    const double pad = std::max(2.0, 0.12 * (hi - lo));
    m_plot->yAxis->setRange(std::max(0.0, lo - pad), std::min(100.0, hi + pad));
  }
  m_plot->legend->setVisible(m_plot->graphCount() > 0);
  m_plot->replot();
}

bool SweepChart::savePng(const QString& file, int width, int height, double scale, QString* error) {
  return exportPlot(m_plot, file, QSize(width, height), scale, m_title, error);
}

bool SweepChart::saveImage(const QString& file, QSize size, QString* error) {
  return exportPlot(m_plot, file, size, 1.0, m_title, error);
}

QString SweepChart::toCsv() const {
  QString csv = QStringLiteral("batch_size");
  for (const SweepSeries& s : m_series) csv += QLatin1Char(',') + csvField(s.name);
  const bool haveThroughput = !m_throughputKeys.isEmpty();
  if (haveThroughput) csv += QLatin1Char(',') + csvField(m_throughputLabel);
  csv += QLatin1Char('\n');
  auto valueAt = [](const QVector<double>& keys, const QVector<double>& values, double b) {
    for (int i = 0; i < keys.size(); ++i)
      if (keys[i] == b && std::isfinite(values[i])) return values[i];
    return std::nan("");
  };
  for (double b : m_ticks) {
    csv += formatBatch(b);
    for (const SweepSeries& s : m_series) csv += QLatin1Char(',') + csvNumber(valueAt(s.batchSizes, s.values, b));
    if (haveThroughput) csv += QLatin1Char(',') + csvNumber(valueAt(m_throughputKeys, m_throughputValues, b));
    csv += QLatin1Char('\n');
  }
  return csv;
}

bool SweepChart::eventFilter(QObject* watched, QEvent* event) {
  if (watched == m_plot && event->type() == QEvent::Leave) hideHover();
  return QWidget::eventFilter(watched, event);
}

void SweepChart::hideHover() {
  if (!m_tracer->visible()) return;
  m_tracer->setVisible(false);
  QToolTip::hideText();
  m_plot->layer(QStringLiteral("overlay"))->replot();
}

void SweepChart::onPlotMouseMove(QMouseEvent* event) {
  const QPointF pos = event->position();
  QCPGraph* best = nullptr;
  double bestKey = 0, bestValue = 0, bestDist = kHoverRadiusPx;
  QList<QCPGraph*> graphs = m_graphs;
  if (m_throughput) graphs << m_throughput;
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
  m_tracer->setGraph(nullptr);
  m_tracer->position->setAxes(best->keyAxis(), best->valueAxis());
  m_tracer->position->setCoords(bestKey, bestValue);
  m_tracer->setPen(QPen(best->pen().color(), 2));
  m_tracer->setVisible(true);
  m_plot->layer(QStringLiteral("overlay"))->replot();
  const bool isThroughput = best == m_throughput;
  const QString value =
      isThroughput ? QString::number(bestValue, 'f', 0) : QStringLiteral("%1 %").arg(bestValue, 0, 'f', 2);
  QToolTip::showText(
      event->globalPosition().toPoint(),
      QStringLiteral("<b>%1</b><br>batch %2: %3").arg(best->name().toHtmlEscaped(), formatBatch(bestKey), value),
      m_plot);
}

}  // namespace simclr::widgets
