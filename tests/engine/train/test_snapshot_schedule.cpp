#include <QtTest>

#include "engine/train/snapshot_schedule.h"

using namespace simclr;

namespace {
TrainingConfig timeline(const std::string& mode) {
  TrainingConfig t;
  t.timeline = mode;
  return t;
}
std::vector<StoredSnapshot> stored(const std::vector<int64_t>& steps, uint64_t bytes) {
  std::vector<StoredSnapshot> out;
  for (const int64_t step : steps) out.push_back({step, bytes});
  return out;
}
}  // namespace

class TestSnapshotSchedule : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void logSpacedStepsAndEpochEnds() {
    // 390 steps per epoch (the quickstart on CIFAR-10), two epochs.
    QCOMPARE(snapshot_steps(timeline("log"), 0, 390, 780),
             (std::vector<int64_t>{0, 10, 20, 50, 100, 200, 390, 500, 780}));
    QCOMPARE(snapshot_steps(timeline("log"), 0, 100000, 25000),
             (std::vector<int64_t>{0, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 25000}));
  }

  void otherModes() {
    QCOMPARE(snapshot_steps(timeline("epochs"), 0, 5, 12), (std::vector<int64_t>{0, 5, 10, 12}));
    QVERIFY(snapshot_steps(timeline("off"), 0, 5, 12).empty());
    TrainingConfig listed = timeline("steps");
    listed.timeline_steps = {3, 7, 40};
    QCOMPARE(snapshot_steps(listed, 0, 5, 12), (std::vector<int64_t>{3, 7, 12}));
    // A resumed run snapshots from where it starts.
    QCOMPARE(snapshot_steps(timeline("log"), 15, 390, 60), (std::vector<int64_t>{20, 50, 60}));
  }

  void thinningKeepsTheFirstAndTheLatest() {
    const std::vector<int64_t> steps{0, 10, 20, 50, 100, 200, 390, 500, 780, 1000, 1170, 1560};
    const auto removed = snapshots_to_thin(stored(steps, 10), 50);
    QCOMPARE(removed.size(), size_t{7});
    QVERIFY(std::find(removed.begin(), removed.end(), 0) == removed.end());
    QVERIFY(std::find(removed.begin(), removed.end(), 1560) == removed.end());
    // What is left is spread over the run in log(1 + step): the early steps stay.
    std::vector<int64_t> left;
    for (const int64_t s : steps)
      if (std::find(removed.begin(), removed.end(), s) == removed.end()) left.push_back(s);
    QCOMPARE(left.size(), size_t{5});
    QCOMPARE(left.front(), int64_t{0});
    QCOMPARE(left.back(), int64_t{1560});
    QVERIFY(left[1] <= 20);
    QVERIFY(left[2] >= 50 && left[2] <= 200);

    // Under the cap nothing goes; with no cap nothing goes; at the limit two stay.
    QVERIFY(snapshots_to_thin(stored(steps, 10), 120).empty());
    QVERIFY(snapshots_to_thin(stored(steps, 10), 0).empty());
    const auto all_but_two = snapshots_to_thin(stored(steps, 10), 1);
    QCOMPARE(all_but_two.size(), steps.size() - 2);
    QVERIFY(std::find(all_but_two.begin(), all_but_two.end(), 0) == all_but_two.end());
    QVERIFY(std::find(all_but_two.begin(), all_but_two.end(), 1560) == all_but_two.end());
  }

  void pruningKeepsTheNewest() {
    QCOMPARE(checkpoints_to_prune({400, 100, 300, 200, 500}, 3), (std::vector<int64_t>{100, 200}));
    QVERIFY(checkpoints_to_prune({100, 200}, 3).empty());
    QVERIFY(checkpoints_to_prune({100, 200, 300, 400}, 0).empty());
  }

  void diskPlan() {
    TrainingConfig t = timeline("log");
    t.checkpoint_every_steps = 100;
    t.keep_last_checkpoints = 3;
    t.timeline_max_mb = 0;
    DiskPlan plan = plan_disk_use(t, 0, 390, 780, 1'000'000, 3'000'000);
    QCOMPARE(plan.snapshots, int64_t{9});
    QCOMPARE(plan.checkpoints, int64_t{3});
    QCOMPARE(plan.total(), uint64_t{18'000'000});
    QVERIFY(!plan.capped);
    QVERIFY2(plan.text().find("18.0 MB") != std::string::npos, plan.text().c_str());

    t.keep_last_checkpoints = 0;  // steps 100 ... 700 and the last, 780
    QCOMPARE(plan_disk_use(t, 0, 390, 780, 1'000'000, 3'000'000).checkpoints, int64_t{8});
    t.timeline_max_mb = 4.5;
    plan = plan_disk_use(t, 0, 390, 780, 1'000'000, 3'000'000);
    QCOMPARE(plan.snapshots, int64_t{4});
    QVERIFY(plan.capped);
  }
};

QTEST_APPLESS_MAIN(TestSnapshotSchedule)
#include "test_snapshot_schedule.moc"
