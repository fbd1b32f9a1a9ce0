// MetricChart's hover read-out: a marker on the nearest point and a tooltip naming its
// series, step, epoch and value.

#include <QEvent>
#include <QToolTip>

#include <algorithm>
#include <cmath>

#include "widgets/metric_chart.h"
#include "widgets/metric_chart_series.h"
#include "widgets/qcustomplot_include.h"

namespace simclr::widgets {
namespace {
constexpr double kHoverRadiusPx = 24.0;  // farther than this from every point: no read-out
}  // namespace

bool MetricChart::eventFilter(QObject* watched, QEvent* event) {
  if (watched == plot_ && event->type() == QEvent::Leave) hideHover();
  return QWidget::eventFilter(watched, event);
}

void MetricChart::hideHover() {
  // Only a tooltip this chart showed: hideText() would close any widget's tooltip.
  if (!tracer_->visible()) return;
  tracer_->setVisible(false);
  QToolTip::hideText();
  plot_->layer(QStringLiteral("overlay"))->replot();
}

void MetricChart::onPlotMouseMove(QMouseEvent* event) {
  const QPointF pos = event->position();
  if (event->buttons() != Qt::NoButton || !plot_->axisRect()->rect().contains(pos.toPoint())) {
    hideHover();
    return;
  }
  const double key = plot_->xAxis->pixelToCoord(pos.x());
  const Series* best = nullptr;
  int bestIndex = -1;
  double bestDist = kHoverRadiusPx;
  for (const auto& s : series_) {
    if (!s->visible) continue;
    const auto data = s->line->data();
    if (data->isEmpty()) continue;
    // Graph data is sorted by key: the nearest point in x is next to findBegin's result.
    const int first = int(data->findBegin(key) - data->constBegin());
    for (int i = first; i <= std::min(first + 1, data->size() - 1); ++i) {
      const auto it = data->constBegin() + i;
      const double dx = plot_->xAxis->coordToPixel(it->key) - pos.x();
      const double dy = plot_->yAxis->coordToPixel(it->value) - pos.y();
      const double dist = std::hypot(dx, dy);
      if (dist < bestDist) {
        bestDist = dist;
        best = s.get();
        bestIndex = i;
      }
    }
  }
  if (!best) {
    hideHover();
    return;
  }
  const auto it = best->line->data()->constBegin() + bestIndex;
  tracer_->position->setCoords(it->key, it->value);
  tracer_->setPen(QPen(best->color, 2));
  tracer_->setVisible(true);
  plot_->layer(QStringLiteral("overlay"))->replot();
  QToolTip::showText(event->globalPosition().toPoint(),
                     best->tooltip(bestIndex, it->value, xAxis_ == XAxis::Step, smoothing_ > 0), plot_);
}

}  // namespace simclr::widgets
