#include <QtTest>

#include "engine/core/job.h"
#include "engine/train/trainer.h"
#include "tests/app/cli/cli_process.h"
#include "tests/support/dataset_fixtures.h"
#include "tests/support/project_fixtures.h"
#include "tests/support/temp_dir.h"

using namespace simclr;
using simclr::test::cli;
using simclr::test::count_files;
using Outcome = simclr::test::ProcessOutcome;
namespace fs = std::filesystem;

class TestEvaluateCommand : public QObject {
  Q_OBJECT
  test::TempDir dir_{"simclr-cli-evaluate"};
  QString run_;

 private Q_SLOTS:
  void initTestCase() {
    test::write_cifar10_folder(dir_ / "data", 16, 40, 14);
    ProjectConfig p = test::tiny_project(dir_ / "data");
    p.training.epochs = 1;
    p.evaluation.knn_every_epochs = 0;
    TrainOptions options;
    options.runs_root = dir_ / "runs";
    run_ = QString::fromStdString(train(p, options, {}, StopToken()).run_dir.string());
  }

  void helpListsTheProbes() {
    const Outcome o = cli({"evaluate", "--help"});
    QCOMPARE(o.code, 0);
    for (const char* probe : {"knn", "linear", "mlp", "finetune", "paper-figure10"}) QVERIFY(o.out.contains(probe));
    QCOMPARE(cli({"embed", "--help"}).code, 0);
  }

  // Bad input: exit code 2, a message naming the problem, nothing written in the run. (A few
  // cases: each one starts the program; the options are checked in test_linear_probe etc.)
  void badInputExitsWithTwo_data() {
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    QTest::newRow("unknown probe") << QStringList{"evaluate", "RUN", "svm"} << "'svm' is not one of";
    QTest::newRow("missing run") << QStringList{"evaluate", "/no/such/run", "knn"} << "no such run folder";
    QTest::newRow("bad k") << QStringList{"evaluate", "RUN", "knn", "--k", "0"} << "--k";
    QTest::newRow("no checkpoint") << QStringList{"evaluate", "RUN", "knn", "--checkpoint", "3"} << "no checkpoint at";
    QTest::newRow("embed split") << QStringList{"embed", "RUN", "--split", "val"} << "--split";
  }
  void badInputExitsWithTwo() {
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    args.replaceInStrings(QStringLiteral("RUN"), run_);
    const int before = count_files(run_.toStdString());
    const Outcome o = cli(args);
    QVERIFY2(o.code == 2, qPrintable(QString("exit %1: %2").arg(o.code).arg(o.err)));
    QVERIFY2(o.err.contains(message), qPrintable(o.err));
    QCOMPARE(count_files(run_.toStdString()), before);
  }

  void embedThenKnnUseTheCache() {
    Outcome o = cli({"-q", "embed", run_});
    QVERIFY2(o.code == 0, qPrintable(o.err));
    QVERIFY(o.out.contains("extracted"));
    QVERIFY(fs::exists(fs::path(run_.toStdString()) / "features" / "step-00000005-train.pt"));
    o = cli({"-q", "embed", run_, "--split", "test"});
    QCOMPARE(o.code, 0);
    QVERIFY(o.out.contains("read from the cache"));

    o = cli({"-q", "evaluate", run_, "knn", "--k", "1,5"});
    QVERIFY2(o.code == 0, qPrintable(o.err));
    const fs::path eval = fs::path(run_.toStdString()) / "evaluation";
    QVERIFY(fs::exists(eval / "knn-h-step-00000005.json"));
    QVERIFY(fs::exists(eval / "knn-h-step-00000005.csv"));
    QVERIFY(o.out.contains("top-1 %"));
  }
};

QTEST_GUILESS_MAIN(TestEvaluateCommand)
#include "test_evaluate_command.moc"
