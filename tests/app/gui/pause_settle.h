#pragma once
// Pausing takes effect between steps: a step in flight still lands, later on a busy
// machine. Tests wait until the count of steps holds still for `settleMs` before they
// check that nothing more arrives.
#include <QtTest>

#include <functional>

inline int settledCount(const std::function<int()>& count, int settleMs, int maxRounds = 20) {
  int last = count();
  for (int i = 0; i < maxRounds; ++i) {
    QTest::qWait(settleMs);
    const int now = count();
    if (now == last) return now;
    last = now;
  }
  return last;
}
