// LatestRequestRunner: of a burst of requests only the first and the newest run and only the
// newest is answered; a running job is stopped (or left to end) when superseded and its
// answer dropped; cancel drops the waiting request; destroying a busy runner neither hangs
// nor answers.
#include <QElapsedTimer>
#include <QThread>
#include <QtTest>

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>

#include "app/gui/jobs/latest_request_runner.h"

using simclr::StopToken;
using simclr::gui::LatestRequestRunner;
using Runner = LatestRequestRunner<int>;

namespace {

// A job that blocks until it is asked to stop or `release` is set; after 10 s it gives up,
// so a runner that never stops it fails the test instead of hanging it.
struct BlockingJob {
  std::atomic<bool> started{false}, release{false}, sawStop{false}, ended{false};

  Runner::Work work(int value) {
    return [this, value](const StopToken& stop) {
      started = true;
      QElapsedTimer timer;
      timer.start();
      while (!stop.stop_requested() && !release && timer.elapsed() < 10000)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      sawStop = stop.stop_requested();
      ended = true;
      return value;
    };
  }
};

Runner::Work returns(int value, std::atomic<int>* runs = nullptr) {
  return [value, runs](const StopToken&) {
    if (runs) ++*runs;
    return value;
  };
}

}  // namespace

class TestLatestRequestRunner : public QObject {
  Q_OBJECT

  QList<int> delivered_;
  Runner::Done record() {
    return [this](const int& value) {
      QCOMPARE(QThread::currentThread(), thread());  // on the owner's thread
      delivered_ << value;
    };
  }

 private Q_SLOTS:
  void init() { delivered_.clear(); }

  void onlyTheNewestOfABurstIsAnswered_data() {
    QTest::addColumn<int>("requests");
    QTest::newRow("one") << 1;
    QTest::newRow("two") << 2;
    QTest::newRow("a hundred") << 100;
  }
  void onlyTheNewestOfABurstIsAnswered() {
    QFETCH(int, requests);
    std::atomic<int> runs{0};
    QObject owner;
    Runner runner(&owner, QStringLiteral("burst"));
    for (int i = 1; i <= requests; ++i) runner.request(returns(i, &runs), record());
    QVERIFY(runner.isBusy());
    QTRY_VERIFY(!runner.isBusy());
    QCOMPARE(delivered_, QList<int>{requests});
    // The first started at once; each later one replaced the one waiting, so one more ran.
    QCOMPARE(runs.load(), std::min(requests, 2));
  }

  void aSupersededJobIsStoppedAndItsAnswerDropped() {
    BlockingJob slow;
    QObject owner;
    Runner runner(&owner, QStringLiteral("stop"));
    runner.request(slow.work(1), record());
    QTRY_VERIFY(slow.started);
    runner.request(returns(2), record());
    QTRY_VERIFY(!runner.isBusy());
    QVERIFY(slow.sawStop);
    QCOMPARE(delivered_, QList<int>{2});
  }

  void aJobThatRunsToItsEndIsNotStoppedButItsAnswerIsDropped() {
    BlockingJob slow;
    QObject owner;
    Runner runner(&owner, QStringLiteral("run to end"), Runner::Superseded::RunToEnd);
    std::atomic<int> runs{0};
    runner.request(slow.work(1), record());
    QTRY_VERIFY(slow.started);
    runner.request(returns(2, &runs), record());
    runner.request(returns(3, &runs), record());
    QTest::qWait(50);  // the newer requests wait: the slow job is neither stopped nor over
    QVERIFY(!slow.ended);
    QCOMPARE(runs.load(), 0);
    QVERIFY(runner.isBusy());
    slow.release = true;
    QTRY_VERIFY(!runner.isBusy());
    QVERIFY(!slow.sawStop);
    QCOMPARE(runs.load(), 1);  // 2 was replaced before it started
    QCOMPARE(delivered_, QList<int>{3});
  }

  void cancelDropsTheWaitingRequestAndStopsTheRunningOne() {
    BlockingJob slow;
    QObject owner;
    Runner runner(&owner, QStringLiteral("cancel"), Runner::Superseded::RunToEnd);
    std::atomic<int> runs{0};
    runner.request(slow.work(1), record());
    QTRY_VERIFY(slow.started);
    runner.request(returns(2, &runs), record());
    runner.cancel();
    QTRY_VERIFY(!runner.isBusy());
    QVERIFY(slow.sawStop);
    QCOMPARE(runs.load(), 0);
    QCOMPARE(delivered_, QList<int>{1});  // the stopped job still ends its request
  }

  void aRequestFromInsideDoneStarts() {
    QObject owner;
    Runner runner(&owner, QStringLiteral("chain"));
    bool busyInDone = true;
    runner.request(returns(1), [&](const int& value) {
      busyInDone = runner.isBusy();
      delivered_ << value;
      runner.request(returns(2), record());
    });
    QTRY_COMPARE(delivered_, (QList<int>{1, 2}));
    QVERIFY(!busyInDone);
    QVERIFY(!runner.isBusy());
  }

  void destroyingABusyRunnerStopsWaitsAndAnswersNothing() {
    // As in the panels: the runner is a member of the object its answers go to.
    struct Owner : QObject {
      Runner runner{this, QStringLiteral("destroyed"), Runner::Superseded::RunToEnd};
    };
    BlockingJob slow;
    std::atomic<int> runs{0};
    auto owner = std::make_unique<Owner>();
    owner->runner.request(slow.work(1), record());
    QTRY_VERIFY(slow.started);
    owner->runner.request(returns(2, &runs), record());
    QElapsedTimer timer;
    timer.start();
    owner.reset();
    QVERIFY2(timer.elapsed() < 5000, qPrintable(QString::number(timer.elapsed())));
    QVERIFY(slow.ended);  // waited for, after being asked to stop
    QVERIFY(slow.sawStop);
    // Its answer was posted to the owner, which is gone: nothing arrives, nothing more runs.
    QCoreApplication::sendPostedEvents();
    QCoreApplication::processEvents();
    QCOMPARE(runs.load(), 0);
    QVERIFY(delivered_.isEmpty());
  }
};

QTEST_GUILESS_MAIN(TestLatestRequestRunner)
#include "test_latest_request_runner.moc"
