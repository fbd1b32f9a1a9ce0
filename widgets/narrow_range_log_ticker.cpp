#include "widgets/narrow_range_log_ticker.h"

#include <cmath>

namespace simclr::widgets {
namespace {
constexpr double kNarrowDecades = 1.6;  // QCPAxisTickerLog's own fallback threshold
constexpr int kMinTicksInside = 3;
}  // namespace

QVector<double> NarrowRangeLogTicker::createTickVector(double tickStep, const QCPRange& range) {
  narrow_ = range.lower > 0 && range.upper > 0 && std::log10(range.upper / range.lower) < kNarrowDecades;
  if (!narrow_) return QCPAxisTickerLog::createTickVector(tickStep, range);
  static const QVector<QVector<int>> mantissaSets = {{1, 2, 5}, {1, 2, 3, 5}, {1, 2, 3, 4, 5, 6, 7, 8, 9}};
  const int firstDecade = int(std::floor(std::log10(range.lower)));
  const int lastDecade = int(std::floor(std::log10(range.upper)));
  for (const QVector<int>& mantissas : mantissaSets) {
    // Ticks just outside the range are kept on purpose: QCPAxisTicker trims them itself.
    QVector<double> ticks;
    int inside = 0;
    for (int decade = firstDecade; decade <= lastDecade + 1; ++decade)
      for (int m : mantissas) {
        const double tick = m * std::pow(10.0, decade);
        ticks.append(tick);
        inside += range.contains(tick) ? 1 : 0;
      }
    if (inside >= kMinTicksInside) return ticks;
  }
  // A sliver of one decade (0.50 .. 0.55): plain linear ticks read best.
  return QCPAxisTicker::createTickVector(tickStep, range);
}

int NarrowRangeLogTicker::getSubTickCount(double tickStep) {
  // Uneven 1-2-5 steps have no sensible even subdivision.
  return narrow_ ? 0 : QCPAxisTickerLog::getSubTickCount(tickStep);
}

}  // namespace simclr::widgets
