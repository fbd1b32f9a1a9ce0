// Following a run folder that another process writes: the test writes metrics.jsonl line by
// line (and half lines, torn lines, a shrunk or replaced file, a status.json) and checks
// what the follower reports after each write.
#include <QtTest>

#include <QDir>
#include <QFile>
#include <QSaveFile>

#include <vector>

#include <nlohmann/json.hpp>

#include "app/gui/processes/run_follower.h"
#include "engine/train/train_metrics.h"
#include "tests/support/temp_dir.h"

using namespace simclr;
using simclr::gui::RunFollower;

namespace {

QByteArray stepLine(int64_t step) {
  StepMetrics m;
  m.step = step;
  m.epoch = 0.25 * double(step);
  m.loss = 6.0 - 0.125 * double(step);
  m.learning_rate = 1e-3;
  return QByteArray::fromStdString(to_json(m).dump()) + '\n';
}

QByteArray monitorLine(int64_t step, double knnTop1) {
  MonitorMetrics m;
  m.step = step;
  m.knn_top1 = knnTop1;
  return QByteArray::fromStdString(to_json(m).dump()) + '\n';
}

// What the follower reported since its last restart, as the charts would hold it.
struct Received {
  std::vector<int64_t> steps;
  std::vector<double> losses;
  std::vector<MonitorMetrics> monitors;
  int restarts = 0;

  void attach(RunFollower& follower) {
    QObject::connect(&follower, &RunFollower::stepRead, [this](const StepMetrics& m) {
      steps.push_back(m.step);
      losses.push_back(m.loss);
    });
    QObject::connect(&follower, &RunFollower::monitorRead, [this](const MonitorMetrics& m) { monitors.push_back(m); });
    QObject::connect(&follower, &RunFollower::restarted, [this] {
      steps.clear();
      losses.clear();
      monitors.clear();
      ++restarts;
    });
  }
};

}  // namespace

class TestRunFollower : public QObject {
  Q_OBJECT

  static QString q(const std::filesystem::path& p) { return QString::fromStdString(p.string()); }

  static void append(const QString& file, const QByteArray& bytes) {
    QFile f(file);
    QVERIFY(f.open(QIODevice::Append));
    QCOMPARE(f.write(bytes), bytes.size());
  }

  // As the engine rewrites it for a resumed run: a new file renamed over the old one.
  static void replaceAtomically(const QString& file, const QByteArray& bytes) {
    QSaveFile f(file);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(bytes);
    QVERIFY(f.commit());
  }

 private Q_SLOTS:
  void readsCompleteLinesOnly() {
    test::TempDir dir("gui-follow");
    const QString metrics = q(dir / "metrics.jsonl");
    RunFollower follower;
    follower.setPollInterval(20);
    Received got;
    got.attach(follower);
    follower.follow(q(dir.path()));
    QCOMPARE(follower.state(), RunFollower::State::Waiting);  // no metrics.jsonl yet

    append(metrics, stepLine(1) + stepLine(2));
    QTRY_COMPARE(got.steps.size(), size_t(2));
    QCOMPARE(got.steps, (std::vector<int64_t>{1, 2}));
    QCOMPARE(got.losses[1], 6.0 - 0.25);
    QCOMPARE(follower.state(), RunFollower::State::Growing);
    QCOMPARE(follower.stateText(), QStringLiteral("being written by another process"));

    // Half a line: read and kept, not reported, until its newline arrives.
    const QByteArray monitor = monitorLine(2, 0.375);
    const QByteArray half = monitor.left(monitor.size() / 2);
    append(metrics, half);
    QTRY_COMPARE(follower.pendingBytes(), qint64(half.size()));
    follower.poll();
    follower.poll();
    QVERIFY(got.monitors.empty());
    QCOMPARE(got.steps.size(), size_t(2));
    QCOMPARE(follower.bytesRead(), QFileInfo(metrics).size());

    append(metrics, monitor.mid(half.size()));
    QTRY_COMPARE(got.monitors.size(), size_t(1));
    QCOMPARE(got.monitors[0].step, int64_t(2));
    QCOMPARE(got.monitors[0].knn_top1, 0.375);
    QCOMPARE(follower.pendingBytes(), qint64(0));

    // A torn line that did get its newline (a crash mid-write) is skipped, not an error.
    append(metrics, QByteArray("{\"type\":\"step\",\"st\n") + stepLine(3));
    QTRY_COMPARE(got.steps.size(), size_t(3));
    QCOMPARE(got.steps.back(), int64_t(3));
    QCOMPARE(follower.lastStep(), int64_t(3));
    QCOMPARE(got.restarts, 0);
  }

  void aShrunkOrReplacedFileIsReadAgain_data() {
    QTest::addColumn<QString>("how");
    QTest::newRow("truncated in place") << QStringLiteral("truncate");
    QTest::newRow("renamed over, shorter") << QStringLiteral("rename");
    QTest::newRow("renamed over, already longer") << QStringLiteral("longer");
  }

  // A resumed run keeps the records up to its checkpoint and writes the later steps again.
  void aShrunkOrReplacedFileIsReadAgain() {
    QFETCH(QString, how);
    test::TempDir dir("gui-follow");
    const QString metrics = q(dir / "metrics.jsonl");
    append(metrics, stepLine(1) + stepLine(2) + stepLine(3) + stepLine(4));
    RunFollower follower;
    follower.setPollInterval(20);
    Received got;
    got.attach(follower);
    follower.follow(q(dir.path()));
    QCOMPARE(got.steps.size(), size_t(4));  // the first poll happens at once

    if (how == QLatin1String("truncate")) {
      QFile f(metrics);
      QVERIFY(f.resize(stepLine(1).size() + stepLine(2).size()));
    } else if (how == QLatin1String("rename")) {
      replaceAtomically(metrics, stepLine(1) + stepLine(2));
    } else {
      // The resumed run has written past the old end before the next poll: the bytes the
      // follower ended on are different now, though the file is not shorter.
      StepMetrics m;
      m.step = 3;
      m.loss = 1.5;
      m.views_per_s = 123456.75;
      const QByteArray redone = QByteArray::fromStdString(to_json(m).dump()) + '\n';
      replaceAtomically(metrics, stepLine(1) + stepLine(2) + redone + redone + stepLine(4) + stepLine(5));
    }
    QTRY_COMPARE(got.restarts, 1);
    const size_t expected = how == QLatin1String("longer") ? 6 : 2;
    QTRY_COMPARE(got.steps.size(), expected);
    QCOMPARE(got.steps.front(), int64_t(1));
    if (how == QLatin1String("longer")) QCOMPARE(got.losses[2], 1.5);

    append(metrics, stepLine(int64_t(expected) + 1));
    QTRY_COMPARE(got.steps.size(), expected + 1);
    QCOMPARE(got.steps.back(), int64_t(expected) + 1);
    QCOMPARE(got.restarts, 1);
  }

  void aLongLogArrivesOverSeveralPolls() {
    test::TempDir dir("gui-follow");
    QByteArray all;
    const int lines = int(2 * RunFollower::kMaxBytesPerPoll / stepLine(1).size()) + 10;
    for (int i = 1; i <= lines; ++i) all += stepLine(i);
    append(q(dir / "metrics.jsonl"), all);
    RunFollower follower;
    Received got;
    got.attach(follower);
    follower.follow(q(dir.path()));
    QVERIFY(got.steps.size() < size_t(lines));      // one poll reads at most kMaxBytesPerPoll
    QTRY_COMPARE(got.steps.size(), size_t(lines));  // the rest on the next turns of the event loop
    for (int i = 0; i < lines; ++i) QCOMPARE(got.steps[size_t(i)], int64_t(i + 1));
  }

  void statusJsonGivesTheState() {
    test::TempDir dir("gui-follow");
    const QString metrics = q(dir / "metrics.jsonl");
    append(metrics, stepLine(1) + stepLine(2));
    RunFollower follower;
    follower.setPollInterval(20);
    QSignalSpy changed(&follower, &RunFollower::stateChanged);
    follower.follow(q(dir.path()));
    QCOMPARE(follower.state(), RunFollower::State::Growing);

    const nlohmann::json status = {{"state", "stopped"}, {"steps_done", 2}, {"world_size", 2}};
    replaceAtomically(q(dir / "status.json"), QByteArray::fromStdString(status.dump(2)));
    QTRY_COMPARE(follower.state(), RunFollower::State::Finished);
    QCOMPARE(follower.finalState(), QStringLiteral("stopped"));
    QCOMPARE(follower.worldSize(), 2);
    QCOMPARE(follower.stateText(), QStringLiteral("stopped (2 processes)"));

    // Resumed by another process: the metrics are written after that status again.
    append(metrics, stepLine(3));
    QFile f(metrics);
    QVERIFY(f.open(QIODevice::ReadWrite));
    QVERIFY(
        f.setFileTime(QFileInfo(q(dir / "status.json")).lastModified().addSecs(2), QFileDevice::FileModificationTime));
    f.close();
    QTRY_COMPARE(follower.state(), RunFollower::State::Growing);

    const nlohmann::json done = {{"state", "completed"}, {"steps_done", 3}, {"world_size", 1}};
    replaceAtomically(q(dir / "status.json"), QByteArray::fromStdString(done.dump()));
    QFile s(q(dir / "status.json"));
    QVERIFY(s.open(QIODevice::ReadWrite));
    QVERIFY(s.setFileTime(QFileInfo(metrics).lastModified().addSecs(1), QFileDevice::FileModificationTime));
    s.close();
    QTRY_COMPARE(follower.stateText(), QStringLiteral("completed"));
    QVERIFY(changed.size() >= 3);
  }

  void aRunNotWrittenForLongIsQuiet() {
    test::TempDir dir("gui-follow");
    const QString metrics = q(dir / "metrics.jsonl");
    append(metrics, stepLine(1));
    QFile f(metrics);
    QVERIFY(f.open(QIODevice::ReadWrite));
    QVERIFY(f.setFileTime(QDateTime::currentDateTime().addSecs(-3600), QFileDevice::FileModificationTime));
    f.close();
    RunFollower follower;
    follower.setQuietAfter(60 * 1000);
    follower.follow(q(dir.path()));
    QCOMPARE(follower.state(), RunFollower::State::Quiet);
    QVERIFY2(follower.stateText().startsWith(QStringLiteral("incomplete: not written since ")),
             qPrintable(follower.stateText()));

    append(metrics, stepLine(2));  // it moves again
    follower.poll();
    QCOMPARE(follower.state(), RunFollower::State::Growing);
  }

  void stopEndsPolling() {
    test::TempDir dir("gui-follow");
    const QString metrics = q(dir / "metrics.jsonl");
    append(metrics, stepLine(1));
    RunFollower follower;
    follower.setPollInterval(20);
    Received got;
    got.attach(follower);
    follower.follow(q(dir.path()));
    QCOMPARE(got.steps.size(), size_t(1));
    follower.stop();
    QCOMPARE(follower.state(), RunFollower::State::None);
    QVERIFY(!follower.isFollowing());
    append(metrics, stepLine(2));
    follower.poll();  // no folder any more: nothing is read
    QCOMPARE(got.steps.size(), size_t(1));
  }
};

QTEST_GUILESS_MAIN(TestRunFollower)
#include "test_run_follower.moc"
