// The start page's expected time per epoch: timed steps on synthetic images of the
// dataset's size, times the steps of an epoch.
#include <QtTest>

#include "engine/core/error.h"
#include "engine/experiments/epoch_time_estimate.h"
#include "tests/support/project_fixtures.h"

using namespace simclr;

class TestEpochTimeEstimate : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void stepsTimesTheirTime() {
    ProjectConfig p = test::tiny_project("unused");  // no data is read
    p.dataset.train_limit = 80;                        // 5 batches of 16
    const EpochTimeEstimate e = estimate_epoch_time(p, 2);
    QCOMPARE(e.steps_per_epoch, int64_t{5});
    QVERIFY(e.seconds_per_step > 0 && e.seconds_per_step < 60);
    QCOMPARE(e.seconds_per_epoch, 5 * e.seconds_per_step);
    QVERIFY(!e.device.empty());
    p.dataset.train_limit = 0;
    QCOMPARE(known_train_size(p.dataset), int64_t{50000});
    p.dataset.name = "fashion-mnist";
    QCOMPARE(known_train_size(p.dataset), int64_t{60000});
  }

  void anImageFolderHasNoKnownSize() {
    ProjectConfig p = test::tiny_project("unused");
    p.dataset.name = "image-folder";
    QCOMPARE(known_train_size(p.dataset), int64_t{0});
    QVERIFY_THROWS_EXCEPTION(ConfigError, estimate_epoch_time(p));
  }
};

QTEST_GUILESS_MAIN(TestEpochTimeEstimate)
#include "test_epoch_time_estimate.moc"
