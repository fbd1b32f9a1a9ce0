#include <QtTest>

#include <thread>

#include "engine/core/error.h"
#include "engine/core/job.h"
#include "engine/core/seeding.h"

using namespace simclr;

class TestJob : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void stopTokenCopiesShareState() {
    StopToken a;
    StopToken b = a;
    QVERIFY(!b.stop_requested());
    a.request_stop();
    QVERIFY(b.stop_requested());
    QVERIFY_THROWS_EXCEPTION(CancelledError, b.throw_if_stopped("train"));
  }

  void pauseBlocksUntilResumedOrStopped() {
    StopToken token;
    token.set_paused(true);
    std::atomic<bool> released{false};
    std::thread worker([&] {
      token.wait_while_paused();
      released = true;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(60));
    QVERIFY(!released.load());
    token.request_stop();  // stop must release a paused worker
    worker.join();
    QVERIFY(released.load());
  }

  void progressClockEstimatesRemainingTime() {
    ProgressClock clock("train", 10);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    const Progress p = clock.at(5);
    QCOMPARE(p.total, 10LL);
    QVERIFY(p.elapsed_s >= 0.04);
    // Half done: the remaining half takes about as long again.
    QVERIFY(p.eta_s > 0.5 * p.elapsed_s && p.eta_s < 2.0 * p.elapsed_s);
    QCOMPARE(clock.at(0).eta_s, -1.0);
  }

  void derivedSeedsAreStableAndDistinct() {
    QCOMPARE(derive_seed(7, {1, 2}), derive_seed(7, {1, 2}));
    QVERIFY(derive_seed(7, {1, 2}) != derive_seed(7, {2, 1}));
    QVERIFY(derive_seed(7, {1}) != derive_seed(8, {1}));
  }
};

QTEST_GUILESS_MAIN(TestJob)
#include "test_job.moc"
