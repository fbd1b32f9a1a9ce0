// `simclr-cli export metrics RUN` as a user runs it: the run's metrics log as steps.csv
// and monitor.csv, one row per record of that type with the logged values, in <run>/exports
// or --out; exit code 2 naming the folder when there is no run or no log.
#include <QtTest>

#include <nlohmann/json.hpp>

#include "engine/core/atomic_file.h"
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

namespace {

// The records of one type in a metrics.jsonl, read here line by line.
std::vector<nlohmann::json> records_of(const fs::path& metrics_file, const std::string& type) {
  std::vector<nlohmann::json> out;
  for (const QString& line : QString::fromStdString(read_file(metrics_file)).split('\n', Qt::SkipEmptyParts)) {
    const auto record = nlohmann::json::parse(line.toStdString());
    if (record.value("type", "") == type) out.push_back(record);
  }
  return out;
}

struct Csv {
  QStringList header;
  QList<QStringList> rows;
  double at(int row, const QString& column) const { return rows[row][header.indexOf(column)].toDouble(); }
};
Csv read_csv(const fs::path& file) {
  Csv csv;
  const QStringList lines = QString::fromStdString(read_file(file)).split('\n', Qt::SkipEmptyParts);
  if (lines.isEmpty()) return csv;
  csv.header = lines.front().split(',');
  for (qsizetype i = 1; i < lines.size(); ++i) csv.rows.push_back(lines[i].split(','));
  return csv;
}

}  // namespace

class TestExportMetricsCommand : public QObject {
  Q_OBJECT
  test::TempDir dir_{"simclr-cli-export-metrics"};
  fs::path run_;

 private Q_SLOTS:
  void initTestCase() {
    test::write_cifar10_folder(dir_ / "data", 16, 20, 5);
    ProjectConfig p = test::tiny_project(dir_ / "data");
    p.training.epochs = 1;  // 5 steps, the kNN monitor at the start and after the epoch
    p.evaluation.knn_at_start = true;
    p.evaluation.knn_every_epochs = 1;
    TrainOptions options;
    options.runs_root = dir_ / "runs";
    run_ = train(p, options, {}, StopToken()).run_dir;
  }

  void writesBothTables() {
    const Outcome o = cli({"export", "metrics", test::qpath(run_)});
    QVERIFY2(o.code == 0, qPrintable(o.err));
    const fs::path steps_file = run_ / "exports" / "steps.csv";
    const fs::path monitor_file = run_ / "exports" / "monitor.csv";
    QVERIFY2(o.out.contains(test::qpath(steps_file)) && o.out.contains(test::qpath(monitor_file)), qPrintable(o.out));

    const auto steps = records_of(run_ / "metrics.jsonl", "step");
    QCOMPARE(steps.size(), size_t(5));
    const Csv step_csv = read_csv(steps_file);
    for (const char* column : {"step", "loss", "lr", "views_per_s", "positive_top1"})
      QVERIFY2(step_csv.header.contains(column), qPrintable(step_csv.header.join(',')));
    QVERIFY(!step_csv.header.contains("type"));
    QCOMPARE(step_csv.rows.size(), qsizetype(steps.size()));
    for (int i = 0; i < step_csv.rows.size(); ++i) {
      QCOMPARE(step_csv.rows[i].size(), step_csv.header.size());
      QCOMPARE(step_csv.at(i, "step"), double(i + 1));
      for (const char* column : {"loss", "lr"}) {  // printed with 9 significant digits
        const double logged = steps[i][column].get<double>();
        QVERIFY2(qAbs(step_csv.at(i, column) - logged) <= 1e-8 * qAbs(logged) + 1e-12, column);
      }
    }

    const auto monitors = records_of(run_ / "metrics.jsonl", "monitor");
    QVERIFY(monitors.size() >= 2);  // at the start and after the epoch
    const Csv monitor_csv = read_csv(monitor_file);
    QVERIFY(monitor_csv.header.contains("knn_top1"));
    QCOMPARE(monitor_csv.rows.size(), qsizetype(monitors.size()));
    for (int i = 0; i < monitor_csv.rows.size(); ++i) {
      QCOMPARE(monitor_csv.at(i, "step"), monitors[i]["step"].get<double>());
      QVERIFY(qAbs(monitor_csv.at(i, "knn_top1") - monitors[i]["knn_top1"].get<double>()) <= 1e-8);
      QCOMPARE(monitor_csv.at(i, "knn_k"), 5.0);  // the project's evaluation.knn_k
    }
  }

  void outFolderAndQuiet() {
    const int in_run = count_files(run_);
    const fs::path out = dir_ / "elsewhere" / "metrics";
    const Outcome o = cli({"-q", "export", "metrics", test::qpath(run_), "--out", test::qpath(out)});
    QVERIFY2(o.code == 0, qPrintable(o.err));
    QCOMPARE(o.out,
             test::qpath(out / "steps.csv") + "\n" + test::qpath(out / "monitor.csv") + "\n");  // -q: just the files
    QCOMPARE(read_csv(out / "steps.csv").rows.size(), qsizetype(5));
    QVERIFY(fs::exists(out / "monitor.csv"));
    QCOMPARE(count_files(run_), in_run);  // nothing written in the run
  }

  void badInputExitsWithTwo_data() {
    QTest::addColumn<QString>("folder");
    QTest::addColumn<QString>("message");
    QTest::newRow("no folder") << "/no/such/run"
                               << "/no/such/run: no such run folder";
    QTest::newRow("no metrics log") << "EMPTY"
                                    << "metrics.jsonl: no metrics log in this run";
  }
  void badInputExitsWithTwo() {
    QFETCH(QString, folder);
    QFETCH(QString, message);
    const fs::path empty = dir_ / "empty-run";
    fs::create_directories(empty);
    folder.replace(QStringLiteral("EMPTY"), test::qpath(empty));
    const Outcome o = cli({"export", "metrics", folder});
    QVERIFY2(o.code == 2, qPrintable(QString("exit %1: %2").arg(o.code).arg(o.err)));
    QVERIFY2(o.err.contains(message), qPrintable(o.err));
    QVERIFY(o.out.isEmpty());
    QCOMPARE(count_files(empty), 0);
  }
};

QTEST_GUILESS_MAIN(TestExportMetricsCommand)
#include "test_export_metrics_command.moc"
