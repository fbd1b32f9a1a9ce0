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
  if (watched == m_plot && event->type() == QEvent::Leave) hideHover();
  return QWidget::eventFilter(watched, event);
}

void MetricChart::hideHover() {
  // Only a tooltip this chart showed: hideText() would close any widget's tooltip.
  if (!m_tracer->visible()) return;
  m_tracer->setVisible(false);
  QToolTip::hideText();
  m_plot->layer(QStringLiteral("overlay"))->replot();
}

void MetricChart::onPlotMouseMove(QMouseEvent* event) {
  const QPointF pos = event->position();
  if (event->buttons() != Qt::NoButton || !m_plot->axisRect()->rect().contains(pos.toPoint())) {
    hideHover();
    return;
  }
  const double key = m_plot->xAxis->pixelToCoord(pos.x());
  const Series* best = nullptr;
  int bestIndex = -1;
  double bestDist = kHoverRadiusPx;
  for (const auto& s : m_series) {
    if (!s->visible) continue;
    const auto data = s->line->data();
    if (data->isEmpty()) continue;
    // Graph data is sorted by key: the nearest point in x is next to findBegin's result.
    const int first = int(data->findBegin(key) - data->constBegin());
    for (int i = first; i <= std::min(first + 1, data->size() - 1); ++i) {
      const auto it = data->constBegin() + i;
      const double dx = m_plot->xAxis->coordToPixel(it->key) - pos.x();
      const double dy = m_plot->yAxis->coordToPixel(it->value) - pos.y();
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
  m_tracer->position->setCoords(it->key, it->value);
  m_tracer->setPen(QPen(best->color, 2));
  m_tracer->setVisible(true);
  m_plot->layer(QStringLiteral("overlay"))->replot();
  QToolTip::showText(event->globalPosition().toPoint(),
                     best->tooltip(bestIndex, it->value, m_xAxis == XAxis::Step, m_smoothing > 0), m_plot);
}

}  // namespace simclr::widgets
