#pragma once

#include <QMetaType>
#include <QVector>

namespace simclr::widgets {

// One measurement of a metric. It carries both x coordinates so a chart can switch between
// a step axis and an epoch axis without asking the producer again.
struct MetricPoint {
  double step = 0.0;
  double epoch = 0.0;
  double value = 0.0;
};

}  // namespace simclr::widgets

// Registered so batches of points can cross threads through queued signals.
Q_DECLARE_METATYPE(simclr::widgets::MetricPoint)
Q_DECLARE_METATYPE(QVector<simclr::widgets::MetricPoint>)
