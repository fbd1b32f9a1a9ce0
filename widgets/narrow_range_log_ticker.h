#pragma once

// Private to MetricChart (it includes QCustomPlot): the ticker of the log-scale y axis.

#include "widgets/qcustomplot_include.h"

namespace simclr::widgets {

// QCPAxisTickerLog falls back to linear ticks when the range spans less than ~1.6 decades,
// which is exactly where loss curves live (0.3 .. 5 gives labels 1, 2, 3, 4, 5 and nothing
// below 1). There this ticker labels the 1-2-5 (or 1-2-3-5, or every) mantissa of each
// decade instead; wider ranges keep QCPAxisTickerLog's powers of ten.
class NarrowRangeLogTicker : public QCPAxisTickerLog {
 protected:
  QVector<double> createTickVector(double tickStep, const QCPRange& range) override;
  int getSubTickCount(double tickStep) override;

 private:
  bool narrow_ = false;  // set by createTickVector, which QCPAxisTicker calls first
};

}  // namespace simclr::widgets
