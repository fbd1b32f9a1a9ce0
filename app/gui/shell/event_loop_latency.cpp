#include "app/gui/shell/event_loop_latency.h"

#include <algorithm>

namespace simclr::gui {

EventLoopLatency::EventLoopLatency(int intervalMs, QObject* parent) : QObject(parent), intervalMs_(intervalMs) {
  timer_.setTimerType(Qt::PreciseTimer);
  timer_.setInterval(intervalMs_);
  connect(&timer_, &QTimer::timeout, this, &EventLoopLatency::onTimeout);
}

void EventLoopLatency::start() {
  lateMs_.clear();
  clock_.start();
  last_ = 0;
  timer_.start();
}

void EventLoopLatency::stop() {
  timer_.stop();
}

void EventLoopLatency::onTimeout() {
  const qint64 now = clock_.nsecsElapsed();
  const double late = std::max(0.0, (now - last_) / 1e6 - intervalMs_);
  last_ = now;
  lateMs_.push_back(late);
  Q_EMIT measured(late);
}

LatencySummary EventLoopLatency::summary() const {
  LatencySummary s;
  if (lateMs_.empty()) return s;
  std::vector<double> sorted = lateMs_;
  std::sort(sorted.begin(), sorted.end());
  s.samples = static_cast<int>(sorted.size());
  s.medianMs = sorted[sorted.size() / 2];
  s.p99Ms = sorted[std::min(sorted.size() - 1, static_cast<size_t>(0.99 * sorted.size()))];
  s.maxMs = sorted.back();
  return s;
}

}  // namespace simclr::gui
