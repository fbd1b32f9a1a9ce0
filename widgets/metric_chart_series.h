#pragma once

// Private to MetricChart: the state of one series. Not installed, not used by other widgets.

#include <QColor>
#include <QString>
#include <QVector>

#include "widgets/ema_smoothing.h"
#include "widgets/metric_chart.h"
#include "widgets/metric_point.h"

class QCPGraph;

namespace simclr::widgets {

// Tableau 10: ten colours that stay distinguishable on white and for most colour-blind
// readers; the index wraps.
QColor seriesPaletteColor(int index);

struct MetricChart::Series {
  QString name;
  QVector<MetricPoint> points;  // arrival order, all of them (drawn or not)
  int drawn = 0;                // points already copied into the graphs
  bool stale = false;           // points were replaced: refill the graphs
  EmaSmoother ema;              // smoothing state after the drawn points
  QCPGraph* line = nullptr;     // solid curve: smoothed, or raw when smoothing is off
  QCPGraph* raw = nullptr;      // faint raw curve, shown only while smoothing
  QColor color;
  bool visible = true;
  // Whether steps / epochs never decrease. Then the graph (sorted by key) and points share
  // indices, which lets the hover tooltip name both coordinates of a point.
  bool stepSorted = true;
  bool epochSorted = true;

  void append(const QVector<MetricPoint>& more);
  void applyPens();
  // Rich-text tooltip for graph index `index` whose plotted value is `shown`.
  QString tooltip(int index, double shown, bool stepAxis, bool smoothing) const;
};

}  // namespace simclr::widgets
