// `simclr-cli sweep` and `simclr-cli report` as a user runs them: a plan, a real tiny sweep,
// its report with rendered figures, and exit code 2 with nothing written for bad input.
#include <QtTest>

#include <QImage>

#include "engine/core/atomic_file.h"
#include "engine/project/project_file.h"
#include "tests/app/cli/cli_process.h"
#include "tests/support/dataset_fixtures.h"
#include "tests/support/project_fixtures.h"
#include "tests/support/temp_dir.h"

using namespace simclr;
using simclr::test::cli;
using simclr::test::folders_in;
using Outcome = simclr::test::ProcessOutcome;
namespace fs = std::filesystem;

class TestSweepCommand : public QObject {
  Q_OBJECT
  test::TempDir dir_{"simclr-cli-sweep"};
  QString project_, plain_;

 private Q_SLOTS:
  void initTestCase() {
    test::write_cifar10_folder(dir_ / "data", 16, 40, 9);
    ProjectConfig p = test::tiny_project(dir_ / "data");
    p.training.epochs = 1;
    p.evaluation.knn_every_epochs = 0;
    save_project(p, dir_ / "plain.json");
    p.sweep.batch_sizes = {8, 16};
    save_project(p, dir_ / "sweep.json");
    project_ = QString::fromStdString((dir_ / "sweep.json").string());
    plain_ = QString::fromStdString((dir_ / "plain.json").string());
  }

  void planShowsEveryBatchSize() {
    const Outcome o = cli({"sweep", project_, "--plan", "--batch-sizes", "8,16,32"});
    QVERIFY2(o.code == 0, qPrintable(o.err));
    QVERIFY(o.out.contains("80 training images"));
    for (const char* row : {"\n    8", "\n   16", "\n   32"}) QVERIFY2(o.out.contains(row), qPrintable(o.out));
    QVERIFY(o.out.contains("measured"));
    QVERIFY(o.out.contains("estimated"));
    QCOMPARE(folders_in(dir_ / "runs"), 0);  // a plan trains nothing
  }

  void badInputExitsWithTwo_data() {
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    QTest::newRow("no sweep") << QStringList{"sweep", plain_} << "sweep.batch_sizes is empty";
    QTest::newRow("bad size") << QStringList{"sweep", project_, "--batch-sizes", "8,1"} << "sweep.batch_sizes[1]";
    QTest::newRow("too large") << QStringList{"sweep", project_, "--batch-sizes", "8,512"}
                               << "larger than the training set";
    QTest::newRow("resume") << QStringList{"sweep", project_, "--resume", "/no/such/sweep"} << "not a sweep folder";
    QTest::newRow("report") << QStringList{"report", "/no/such/run", "--out", "OUT"} << "neither a run folder";
  }
  void badInputExitsWithTwo() {
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    const fs::path out = dir_ / "bad-report";
    args.replaceInStrings(QStringLiteral("OUT"), QString::fromStdString(out.string()));
    const Outcome o = cli(args);
    QVERIFY2(o.code == 2, qPrintable(QString("exit %1: %2").arg(o.code).arg(o.err)));
    QVERIFY2(o.err.contains(message), qPrintable(o.err));
    QCOMPARE(folders_in(dir_ / "runs"), 0);
    QVERIFY(!fs::exists(out));
  }

  void sweepThenReport() {
    const Outcome o = cli({"sweep", project_, "--name", "s", "--threads", "2"});
    QVERIFY2(o.code == 0, qPrintable(o.err));
    const fs::path sweep = dir_ / "runs" / "s";
    QVERIFY(o.out.contains(QString::fromStdString(sweep.string())));
    const QString csv = QString::fromStdString(read_file(sweep / "sweep.csv"));
    QCOMPARE(csv.count(",done,"), 2);

    const fs::path out = dir_ / "report";
    const Outcome r =
        cli({"report", QString::fromStdString(sweep.string()), QString::fromStdString((sweep / "bs-0008").string()),
             "--out", QString::fromStdString(out.string())});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    const QString md = QString::fromStdString(read_file(out / "report.md"));
    QVERIFY(md.contains("## Batch-size sweep (paper Figure 11): s"));
    QVERIFY(md.contains("s/bs-0008"));  // the point, named inside its sweep
    QVERIFY(md.contains("![Accuracy against batch size (s)](sweep-s.png)"));
    const QImage figure(QString::fromStdString((out / "sweep-s.png").string()));
    QVERIFY(!figure.isNull());
    QCOMPARE(figure.size(), QSize(900, 520));
    QVERIFY(fs::exists(out / "sweep-s.csv"));
  }
};

QTEST_GUILESS_MAIN(TestSweepCommand)
#include "test_sweep_command.moc"
