#include "widgets/metric_chart.h"

#include <QEvent>
#include <QScopedValueRollback>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

#include "widgets/ema_smoothing.h"
#include "widgets/metric_chart_series.h"
#include "widgets/narrow_range_log_ticker.h"
#include "widgets/qcustomplot_include.h"

namespace simclr::widgets {
namespace {

// ~22 frames per second is smooth to the eye and cheap even with many series.
constexpr int kDefaultReplotMs = 45;
const QColor kAxisColor(0x8a, 0x8a, 0x8a);
const QColor kGridColor(0xe6, 0xe6, 0xe6);
const QColor kTextColor(0x33, 0x33, 0x33);
const QColor kHiddenTextColor(0xb0, 0xb0, 0xb0);

void styleAxis(QCPAxis* axis) {
  axis->setBasePen(QPen(kAxisColor));
  axis->setTickPen(QPen(kAxisColor));
  axis->setSubTickPen(QPen(kAxisColor));
  axis->setTickLabelColor(kTextColor);
  axis->setLabelColor(kTextColor);
  axis->setPadding(6);
  axis->grid()->setPen(QPen(kGridColor, 0, Qt::SolidLine));
  axis->grid()->setZeroLinePen(Qt::NoPen);
}

}  // namespace

MetricChart::MetricChart(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  m_plot = new QCustomPlot(this);
  m_plot->setObjectName(QStringLiteral("metricPlot"));
  layout->addWidget(m_plot);

  m_plot->setAutoAddPlottableToLegend(false);  // only the solid curves get legend entries
  m_plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
  m_plot->setNoAntialiasingOnDrag(true);  // keeps panning fluid with long runs
  // Draws curves segment by segment. Stroking a noisy 1.8 px polyline as one path was ~20x
  // slower (4 x 200k noisy points: 3 s instead of 0.17 s per replot); round caps make the
  // segment joins look the same.
  m_plot->setPlottingHint(QCP::phFastPolylines, true);
  m_plot->setMinimumSize(200, 150);
  styleAxis(m_plot->xAxis);
  styleAxis(m_plot->yAxis);
  // Top and right axes only close the frame: no ticks, so they never need the data range.
  for (QCPAxis* frame : {m_plot->xAxis2, m_plot->yAxis2}) {
    frame->setVisible(true);
    frame->setTicks(false);
    frame->setTickLabels(false);
    frame->setBasePen(QPen(kGridColor));
  }

  // Faint raw curves live on a layer below all solid curves so no smoothed line is hidden by
  // another series' noise. The hover marker goes on the buffered "overlay" layer so moving
  // the mouse repaints only that layer, not every curve.
  m_plot->addLayer(QStringLiteral("raw"), m_plot->layer(QStringLiteral("main")), QCustomPlot::limBelow);
  // QCustomPlot's own top layer "overlay" is already buffered (lmBuffered).

  QFont legendFont = font();
  legendFont.setPointSizeF(legendFont.pointSizeF() * 0.9);
  m_plot->legend->setFont(legendFont);
  m_plot->legend->setBrush(QColor(255, 255, 255, 225));
  m_plot->legend->setBorderPen(QPen(QColor(0xd0, 0xd0, 0xd0)));
  m_plot->legend->setSelectableParts(QCPLegend::spNone);
  m_plot->legend->setIconSize(18, 10);
  m_plot->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
  m_plot->legend->setVisible(false);

  m_tracer = new QCPItemTracer(m_plot);
  m_tracer->setLayer(QStringLiteral("overlay"));
  m_tracer->setStyle(QCPItemTracer::tsCircle);
  m_tracer->setSize(8);
  m_tracer->setBrush(Qt::white);
  m_tracer->setVisible(false);

  m_replotTimer = new QTimer(this);
  m_replotTimer->setSingleShot(true);
  m_replotTimer->setInterval(kDefaultReplotMs);
  connect(m_replotTimer, &QTimer::timeout, this, &MetricChart::flush);

  connect(m_plot->xAxis, qOverload<const QCPRange&>(&QCPAxis::rangeChanged), this, &MetricChart::onRangeChanged);
  connect(m_plot->yAxis, qOverload<const QCPRange&>(&QCPAxis::rangeChanged), this, &MetricChart::onRangeChanged);
  connect(m_plot, &QCustomPlot::afterReplot, this, [this] { ++m_replotCount; });
  connect(m_plot, &QCustomPlot::mouseDoubleClick, this, [this] { resetView(); });
  connect(m_plot, &QCustomPlot::mouseMove, this, &MetricChart::onPlotMouseMove);
  connect(m_plot, &QCustomPlot::legendClick, this, [this](QCPLegend*, QCPAbstractLegendItem* item, QMouseEvent*) {
    auto* entry = qobject_cast<QCPPlottableLegendItem*>(item);
    if (!entry) return;
    for (const auto& s : m_series)
      if (s->line == entry->plottable()) setSeriesVisible(s->name, !s->visible);
  });
  m_plot->installEventFilter(this);

  setValueLabel(tr("Value"));
  updateAxisLabels();
  rescaleToData();
}

MetricChart::~MetricChart() {
  // The plot outlives this body (QWidget deletes children later): stop calling back into a
  // half-destroyed chart.
  m_replotTimer->stop();
  m_plot->removeEventFilter(this);
  disconnect(m_plot, nullptr, this, nullptr);
}

// --- data -------------------------------------------------------------------------------

MetricChart::Series* MetricChart::find(const QString& name) const {
  for (const auto& s : m_series)
    if (s->name == name) return s.get();
  return nullptr;
}

MetricChart::Series& MetricChart::findOrCreate(const QString& name) {
  if (Series* existing = find(name)) return *existing;
  auto s = std::make_unique<Series>();
  s->name = name;
  s->color = seriesPaletteColor(m_nextColor++);
  s->raw = m_plot->addGraph();
  s->raw->setLayer(QStringLiteral("raw"));
  s->raw->setName(name);
  s->line = m_plot->addGraph();
  s->line->setName(name);
  s->line->addToLegend();
  s->applyPens();
  s->ema = EmaSmoother(m_smoothing);
  updateVisibility(*s);
  m_series.push_back(std::move(s));
  updateLegend();
  return *m_series.back();
}

void MetricChart::appendPoints(const QString& series, const QVector<MetricPoint>& points) {
  if (points.isEmpty()) return;
  Series& s = findOrCreate(series);
  s.append(points);
  scheduleReplot();
}

void MetricChart::appendPoint(const QString& series, const MetricPoint& point) {
  appendPoints(series, QVector<MetricPoint>{point});
}

void MetricChart::setSeries(const QString& series, QVector<MetricPoint> points) {
  Series& s = findOrCreate(series);
  s.points.clear();
  s.stepSorted = s.epochSorted = true;
  s.append(points);
  s.stale = true;
  scheduleReplot();
}

void MetricChart::removeSeries(const QString& series) {
  auto it = std::find_if(m_series.begin(), m_series.end(), [&](const auto& s) { return s->name == series; });
  if (it == m_series.end()) return;
  m_plot->removeGraph((*it)->line);
  m_plot->removeGraph((*it)->raw);
  m_series.erase(it);
  hideHover();
  updateLegend();
  scheduleReplot();
}

void MetricChart::clear() {
  for (const auto& s : m_series) {
    m_plot->removeGraph(s->line);
    m_plot->removeGraph(s->raw);
  }
  m_series.clear();
  m_nextColor = 0;
  hideHover();
  updateLegend();
  setFollowing(true);
  scheduleReplot();
}

QStringList MetricChart::seriesNames() const {
  QStringList names;
  for (const auto& s : m_series) names << s->name;
  return names;
}

bool MetricChart::hasSeries(const QString& series) const {
  return find(series) != nullptr;
}

int MetricChart::pointCount(const QString& series) const {
  const Series* s = find(series);
  return s ? int(s->points.size()) : 0;
}

QVector<MetricPoint> MetricChart::points(const QString& series) const {
  const Series* s = find(series);
  return s ? s->points : QVector<MetricPoint>{};
}

QCPGraph* MetricChart::graph(const QString& series) const {
  const Series* s = find(series);
  return s ? s->line : nullptr;
}

QCPGraph* MetricChart::rawGraph(const QString& series) const {
  const Series* s = find(series);
  return s ? s->raw : nullptr;
}

// --- replotting -------------------------------------------------------------------------

void MetricChart::scheduleReplot() {
  // Not restarted on every append: a steady stream of points must still replot regularly.
  if (!m_replotTimer->isActive()) m_replotTimer->start();
}

bool MetricChart::hasPendingReplot() const {
  return m_replotTimer->isActive();
}

void MetricChart::setReplotInterval(int ms) {
  m_replotTimer->setInterval(std::max(0, ms));
}

int MetricChart::replotInterval() const {
  return m_replotTimer->interval();
}

void MetricChart::flush() {
  m_replotTimer->stop();
  syncGraphs();
  m_plot->replot();
}

void MetricChart::syncGraphs() {
  for (const auto& s : m_series) {
    if (m_rebuildAll || s->stale) {
      s->line->data()->clear();
      s->raw->data()->clear();
      s->ema = EmaSmoother(m_smoothing);
      s->drawn = 0;
      s->stale = false;
    }
    appendToGraphs(*s);
  }
  m_rebuildAll = false;
  if (m_follow) rescaleToData();
}

void MetricChart::appendToGraphs(Series& s) {
  const int n = int(s.points.size()) - s.drawn;
  if (n <= 0) return;
  QVector<double> keys(n), values(n);
  for (int i = 0; i < n; ++i) {
    const MetricPoint& p = s.points[s.drawn + i];
    keys[i] = keyOf(p);
    values[i] = p.value;
  }
  if (m_smoothing > 0.0) {
    QVector<double> smoothed(n);
    for (int i = 0; i < n; ++i) smoothed[i] = s.ema.next(values[i]);
    s.line->addData(keys, smoothed);
    s.raw->addData(keys, values);
  } else {
    s.line->addData(keys, values);
  }
  s.drawn = int(s.points.size());
}

double MetricChart::keyOf(const MetricPoint& p) const {
  return m_xAxis == XAxis::Step ? p.step : p.epoch;
}

// --- appearance -------------------------------------------------------------------------

void MetricChart::setSmoothing(double weight) {
  weight = std::clamp(weight, 0.0, 0.999);
  if (weight == m_smoothing) return;
  m_smoothing = weight;
  for (const auto& s : m_series) updateVisibility(*s);
  m_rebuildAll = true;
  scheduleReplot();
  Q_EMIT smoothingChanged(weight);
}

void MetricChart::setLogScale(bool on) {
  if (on == m_logScale) return;
  m_logScale = on;
  {
    QScopedValueRollback<bool> guard(m_settingView, true);
    m_plot->yAxis->setScaleType(on ? QCPAxis::stLogarithmic : QCPAxis::stLinear);
    if (on) {
      auto ticker = QSharedPointer<NarrowRangeLogTicker>::create();
      ticker->setSubTickCount(8);  // the 2..9 multiples, where loss curves usually live
      m_plot->yAxis->setTicker(ticker);
    } else {
      m_plot->yAxis->setTicker(QSharedPointer<QCPAxisTicker>::create());
    }
  }
  // The old range means little on the other scale: show all data again.
  setFollowing(true);
  scheduleReplot();
  Q_EMIT logScaleChanged(on);
}

void MetricChart::setXAxis(XAxis axis) {
  if (axis == m_xAxis) return;
  m_xAxis = axis;
  m_rebuildAll = true;
  hideHover();
  updateAxisLabels();
  setFollowing(true);
  scheduleReplot();
  Q_EMIT xAxisChanged(axis);
}

void MetricChart::setValueLabel(const QString& label) {
  m_valueLabel = label;
  m_plot->yAxis->setLabel(label);
  scheduleReplot();
}

void MetricChart::updateAxisLabels() {
  m_plot->xAxis->setLabel(m_xAxis == XAxis::Step ? tr("Step") : tr("Epoch"));
}

void MetricChart::setSeriesVisible(const QString& series, bool visible) {
  Series* s = find(series);
  if (!s || s->visible == visible) return;
  s->visible = visible;
  updateVisibility(*s);
  hideHover();
  scheduleReplot();
  Q_EMIT seriesVisibilityChanged(series, visible);
}

bool MetricChart::isSeriesVisible(const QString& series) const {
  const Series* s = find(series);
  return s && s->visible;
}

QColor MetricChart::seriesColor(const QString& series) const {
  const Series* s = find(series);
  return s ? s->color : QColor();
}

void MetricChart::updateVisibility(Series& s) {
  s.line->setVisible(s.visible);
  s.raw->setVisible(s.visible && m_smoothing > 0.0);
  // A hidden series keeps its legend entry, greyed out, so it can be clicked back on.
  if (auto* item = m_plot->legend->itemWithPlottable(s.line))
    item->setTextColor(s.visible ? kTextColor : kHiddenTextColor);
}

void MetricChart::updateLegend() {
  // One curve needs no legend; from two on, the legend names them and toggles them.
  m_plot->legend->setVisible(m_series.size() > 1);
}

// --- view -------------------------------------------------------------------------------

void MetricChart::resetView() {
  setFollowing(true);
  flush();
}

void MetricChart::setFollowing(bool follow) {
  if (follow == m_follow) return;
  m_follow = follow;
  Q_EMIT followingChanged(follow);
}

void MetricChart::onRangeChanged() {
  // Only the user changes ranges outside m_settingView (drag or wheel): stop following.
  if (!m_settingView) setFollowing(false);
}

void MetricChart::rescaleToData() {
  QScopedValueRollback<bool> guard(m_settingView, true);
  const bool any = std::any_of(m_series.begin(), m_series.end(),
                               [](const auto& s) { return s->visible && !s->line->data()->isEmpty(); });
  if (!any) {
    m_plot->xAxis->setRange(0, 1);
    m_plot->yAxis->setRange(m_logScale ? QCPRange(0.1, 10) : QCPRange(0, 1));
    return;
  }
  m_plot->rescaleAxes(true);
  // A little headroom so extreme points don't sit on the frame.
  const QCPRange y = m_plot->yAxis->range();
  const double centre = m_logScale ? std::sqrt(y.lower * y.upper) : y.center();
  m_plot->yAxis->scaleRange(1.08, centre);
  // A nearly constant curve (the learning rate during warm-up, say) would get ticks that
  // differ in the sixth digit: show at least +-1 % around its level instead.
  if (!m_logScale) {
    const QCPRange r = m_plot->yAxis->range();
    const double halfSpan = 0.01 * std::max(std::abs(r.lower), std::abs(r.upper));
    if (r.size() < 2 * halfSpan) m_plot->yAxis->setRange(r.center() - halfSpan, r.center() + halfSpan);
  }
}

}  // namespace simclr::widgets
