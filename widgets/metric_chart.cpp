#include "widgets/metric_chart.h"

#include <QEvent>
#include <QScopedValueRollback>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

#include "widgets/chart_style.h"
#include "widgets/ema_smoothing.h"
#include "widgets/metric_chart_series.h"
#include "widgets/narrow_range_log_ticker.h"
#include "widgets/qcustomplot_include.h"

namespace simclr::widgets {
namespace {
constexpr size_t kMarkedPointsAtMost = 12;  // a curve with this few points shows each as a dot

// ~22 frames per second is smooth to the eye and cheap even with many series.
constexpr int kDefaultReplotMs = 45;
const QColor kHiddenTextColor(0xb0, 0xb0, 0xb0);

}  // namespace

MetricChart::MetricChart(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  plot_ = new QCustomPlot(this);
  plot_->setObjectName(QStringLiteral("metricPlot"));
  layout->addWidget(plot_);

  plot_->setAutoAddPlottableToLegend(false);  // only the solid curves get legend entries
  emptyText_ = new QCPItemText(plot_);
  emptyText_->position->setType(QCPItemPosition::ptAxisRectRatio);
  emptyText_->position->setCoords(0.5, 0.5);
  emptyText_->setPositionAlignment(Qt::AlignCenter);
  emptyText_->setTextAlignment(Qt::AlignCenter);
  emptyText_->setColor(kHiddenTextColor.darker(130));
  emptyText_->setSelectable(false);
  plot_->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
  plot_->setNoAntialiasingOnDrag(true);  // keeps panning fluid with long runs
  // Draws curves segment by segment. Stroking a noisy 1.8 px polyline as one path was ~20x
  // slower (4 x 200k noisy points: 3 s instead of 0.17 s per replot); round caps make the
  // segment joins look the same.
  plot_->setPlottingHint(QCP::phFastPolylines, true);
  plot_->setMinimumSize(200, 150);
  styleChartAxes(plot_);

  // Faint raw curves live on a layer below all solid curves so no smoothed line is hidden by
  // another series' noise. The hover marker goes on the buffered "overlay" layer so moving
  // the mouse repaints only that layer, not every curve.
  plot_->addLayer(QStringLiteral("raw"), plot_->layer(QStringLiteral("main")), QCustomPlot::limBelow);
  // QCustomPlot's own top layer "overlay" is already buffered (lmBuffered).

  QFont legendFont = font();
  legendFont.setPointSizeF(legendFont.pointSizeF() * 0.9);
  plot_->legend->setFont(legendFont);
  plot_->legend->setSelectableParts(QCPLegend::spNone);
  plot_->legend->setIconSize(18, 10);
  plot_->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
  plot_->legend->setVisible(false);

  tracer_ = new QCPItemTracer(plot_);
  tracer_->setLayer(QStringLiteral("overlay"));
  tracer_->setStyle(QCPItemTracer::tsCircle);
  tracer_->setSize(8);
  tracer_->setBrush(Qt::white);
  tracer_->setVisible(false);

  replotTimer_ = new QTimer(this);
  replotTimer_->setSingleShot(true);
  replotTimer_->setInterval(kDefaultReplotMs);
  connect(replotTimer_, &QTimer::timeout, this, &MetricChart::flush);

  connect(plot_->xAxis, qOverload<const QCPRange&>(&QCPAxis::rangeChanged), this, &MetricChart::onRangeChanged);
  connect(plot_->yAxis, qOverload<const QCPRange&>(&QCPAxis::rangeChanged), this, &MetricChart::onRangeChanged);
  connect(plot_, &QCustomPlot::afterReplot, this, [this] { ++replotCount_; });
  connect(plot_, &QCustomPlot::mouseDoubleClick, this, [this] { resetView(); });
  connect(plot_, &QCustomPlot::mouseMove, this, &MetricChart::onPlotMouseMove);
  connect(plot_, &QCustomPlot::legendClick, this, [this](QCPLegend*, QCPAbstractLegendItem* item, QMouseEvent*) {
    auto* entry = qobject_cast<QCPPlottableLegendItem*>(item);
    if (!entry) return;
    for (const auto& s : series_)
      if (s->line == entry->plottable()) setSeriesVisible(s->name, !s->visible);
  });
  plot_->installEventFilter(this);

  setValueLabel(tr("Value"));
  updateAxisLabels();
  rescaleToData();
}

MetricChart::~MetricChart() {
  // The plot outlives this body (QWidget deletes children later): stop calling back into a
  // half-destroyed chart.
  replotTimer_->stop();
  plot_->removeEventFilter(this);
  disconnect(plot_, nullptr, this, nullptr);
}

// --- data -------------------------------------------------------------------------------

MetricChart::Series* MetricChart::find(const QString& name) const {
  for (const auto& s : series_)
    if (s->name == name) return s.get();
  return nullptr;
}

MetricChart::Series& MetricChart::findOrCreate(const QString& name) {
  if (Series* existing = find(name)) return *existing;
  auto s = std::make_unique<Series>();
  s->name = name;
  s->color = seriesPaletteColor(nextColor_++);
  s->raw = plot_->addGraph();
  s->raw->setLayer(QStringLiteral("raw"));
  s->raw->setName(name);
  s->line = plot_->addGraph();
  s->line->setName(name);
  s->line->addToLegend();
  s->applyPens();
  s->ema = EmaSmoother(smoothing_);
  updateVisibility(*s);
  series_.push_back(std::move(s));
  updateLegend();
  return *series_.back();
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
  auto it = std::find_if(series_.begin(), series_.end(), [&](const auto& s) { return s->name == series; });
  if (it == series_.end()) return;
  plot_->removeGraph((*it)->line);
  plot_->removeGraph((*it)->raw);
  series_.erase(it);
  hideHover();
  updateLegend();
  scheduleReplot();
}

void MetricChart::clear() {
  for (const auto& s : series_) {
    plot_->removeGraph(s->line);
    plot_->removeGraph(s->raw);
  }
  series_.clear();
  nextColor_ = 0;
  hideHover();
  updateLegend();
  setFollowing(true);
  scheduleReplot();
}

QStringList MetricChart::seriesNames() const {
  QStringList names;
  for (const auto& s : series_) names << s->name;
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
  if (!replotTimer_->isActive()) replotTimer_->start();
}

bool MetricChart::hasPendingReplot() const {
  return replotTimer_->isActive();
}

void MetricChart::setReplotInterval(int ms) {
  replotTimer_->setInterval(std::max(0, ms));
}

int MetricChart::replotInterval() const {
  return replotTimer_->interval();
}

void MetricChart::flush() {
  replotTimer_->stop();
  syncGraphs();
  plot_->replot();
}

void MetricChart::syncGraphs() {
  for (const auto& s : series_) {
    if (rebuildAll_ || s->stale) {
      s->line->data()->clear();
      s->raw->data()->clear();
      s->ema = EmaSmoother(smoothing_);
      s->drawn = 0;
      s->stale = false;
    }
    appendToGraphs(*s);
  }
  rebuildAll_ = false;
  if (follow_) rescaleToData();
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
  if (smoothing_ > 0.0) {
    QVector<double> smoothed(n);
    for (int i = 0; i < n; ++i) smoothed[i] = s.ema.next(values[i]);
    s.line->addData(keys, smoothed);
    s.raw->addData(keys, values);
  } else {
    s.line->addData(keys, values);
  }
  s.drawn = int(s.points.size());
  // A sparse curve (the kNN monitor's few evaluations; a single point draws no line at all)
  // gets a marker on each point.
  const bool sparse = s.points.size() <= kMarkedPointsAtMost;
  s.line->setScatterStyle(sparse ? QCPScatterStyle(QCPScatterStyle::ssDisc, 6) : QCPScatterStyle());
}

double MetricChart::keyOf(const MetricPoint& p) const {
  return xAxis_ == XAxis::Step ? p.step : p.epoch;
}

// --- appearance -------------------------------------------------------------------------

void MetricChart::setSmoothing(double weight) {
  weight = std::clamp(weight, 0.0, 0.999);
  if (weight == smoothing_) return;
  smoothing_ = weight;
  for (const auto& s : series_) updateVisibility(*s);
  rebuildAll_ = true;
  scheduleReplot();
  Q_EMIT smoothingChanged(weight);
}

void MetricChart::setLogScale(bool on) {
  if (on == logScale_) return;
  logScale_ = on;
  {
    QScopedValueRollback<bool> guard(settingView_, true);
    plot_->yAxis->setScaleType(on ? QCPAxis::stLogarithmic : QCPAxis::stLinear);
    if (on) {
      auto ticker = QSharedPointer<NarrowRangeLogTicker>::create();
      ticker->setSubTickCount(8);  // the 2..9 multiples, where loss curves usually live
      plot_->yAxis->setTicker(ticker);
    } else {
      plot_->yAxis->setTicker(QSharedPointer<QCPAxisTicker>::create());
    }
  }
  // The old range means little on the other scale: show all data again.
  setFollowing(true);
  scheduleReplot();
  Q_EMIT logScaleChanged(on);
}

void MetricChart::setXAxis(XAxis axis) {
  if (axis == xAxis_) return;
  xAxis_ = axis;
  rebuildAll_ = true;
  hideHover();
  updateAxisLabels();
  setFollowing(true);
  scheduleReplot();
  Q_EMIT xAxisChanged(axis);
}

void MetricChart::setValueLabel(const QString& label) {
  valueLabel_ = label;
  plot_->yAxis->setLabel(label);
  scheduleReplot();
}

void MetricChart::updateAxisLabels() {
  plot_->xAxis->setLabel(xAxis_ == XAxis::Step ? tr("Step") : tr("Epoch"));
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
  s.raw->setVisible(s.visible && smoothing_ > 0.0);
  // A hidden series keeps its legend entry, greyed out, so it can be clicked back on.
  if (auto* item = plot_->legend->itemWithPlottable(s.line))
    item->setTextColor(s.visible ? chartTextColor() : kHiddenTextColor);
}

void MetricChart::updateLegend() {
  // One curve needs no legend; from two on, the legend names them and toggles them.
  plot_->legend->setVisible(series_.size() > 1);
}

// --- view -------------------------------------------------------------------------------

void MetricChart::resetView() {
  setFollowing(true);
  flush();
}

void MetricChart::setFollowing(bool follow) {
  if (follow == follow_) return;
  follow_ = follow;
  Q_EMIT followingChanged(follow);
}

void MetricChart::onRangeChanged() {
  // Only the user changes ranges outside settingView_ (drag or wheel): stop following.
  if (!settingView_) setFollowing(false);
}

void MetricChart::setEmptyText(const QString& text) {
  emptyText_->setText(text);
  rescaleToData();
  plot_->replot(QCustomPlot::rpQueuedReplot);
}

QString MetricChart::emptyText() const {
  return emptyText_->text();
}

void MetricChart::rescaleToData() {
  QScopedValueRollback<bool> guard(settingView_, true);
  const bool any = std::any_of(series_.begin(), series_.end(),
                               [](const auto& s) { return s->visible && !s->line->data()->isEmpty(); });
  emptyText_->setVisible(!any && !emptyText_->text().isEmpty());
  if (!any) {
    plot_->xAxis->setRange(0, 1);
    plot_->yAxis->setRange(logScale_ ? QCPRange(0.1, 10) : QCPRange(0, 1));
    return;
  }
  plot_->rescaleAxes(true);
  // One step or one value alone spans nothing: centre it in a range around it.
  if (plot_->xAxis->range().size() <= 0)
    plot_->xAxis->setRange(plot_->xAxis->range().lower - 1, plot_->xAxis->range().upper + 1);
  // A little headroom so extreme points don't sit on the frame.
  const QCPRange y = plot_->yAxis->range();
  const double centre = logScale_ ? std::sqrt(y.lower * y.upper) : y.center();
  plot_->yAxis->scaleRange(1.08, centre);
  // A nearly constant curve (the learning rate during warm-up, say) would get ticks that
  // differ in the sixth digit: show at least +-1 % around its level instead.
  if (!logScale_) {
    const QCPRange r = plot_->yAxis->range();
    const double halfSpan = 0.01 * std::max(std::abs(r.lower), std::abs(r.upper));
    if (r.size() < 2 * halfSpan) plot_->yAxis->setRange(r.center() - halfSpan, r.center() + halfSpan);
    if (plot_->yAxis->range().size() <= 0) plot_->yAxis->setRange(r.center() - 1, r.center() + 1);  // all zeros
  }
}

}  // namespace simclr::widgets
