#pragma once
// Pausing takes effect between steps: a step in flight still lands, later on a busy
// machine. Tests wait until the count of steps holds still for `settleMs` before they
// check that nothing more arrives. That check is a fixed wait on purpose: a time in which
// nothing happens is what it verifies, so no condition can end it early. Callers first wait
// (with a condition) until steps arrive, so it cannot pass because nothing ran.
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
