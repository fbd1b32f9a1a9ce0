// Readers of the Results dock's files: RFC 4180 records, the newest evaluation file by step,
// Figure 10 and sweep tables (empty fields = not measured), errors naming file, line and
// column, sweep folders, encoder labels and a run's best accuracy.
#include <QtTest>

#include <QTemporaryDir>

#include <cmath>

#include "app/gui/results/result_files.h"
#include "engine/core/error.h"
#include "tests/app/gui/results_fixtures.h"

using namespace simclr::gui;
using namespace simclr::test;

class TestResultFiles : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void parseCsv_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<QVector<QStringList>>("records");
    QTest::newRow("plain") << QStringLiteral("a,b\n1,2\n") << QVector<QStringList>{{"a", "b"}, {"1", "2"}};
    QTest::newRow("no final newline, CRLF")
        << QStringLiteral("a,b\r\n1,2") << QVector<QStringList>{{"a", "b"}, {"1", "2"}};
    QTest::newRow("empty fields") << QStringLiteral("a,,c\n,\n") << QVector<QStringList>{{"a", "", "c"}, {"", ""}};
    QTest::newRow("quotes") << QStringLiteral("\"x, y\",\"say \"\"hi\"\"\"\n")
                            << QVector<QStringList>{{"x, y", "say \"hi\""}};
    QTest::newRow("line break in quotes")
        << QStringLiteral("\"one\ntwo\",3\n") << QVector<QStringList>{{"one\ntwo", "3"}};
    QTest::newRow("blank lines skipped") << QStringLiteral("a\n\n\nb\n") << QVector<QStringList>{{"a"}, {"b"}};
  }
  void parseCsv() {
    QFETCH(QString, text);
    QFETCH(QVector<QStringList>, records);
    QCOMPARE(simclr::gui::parseCsv(text), records);
  }

  void parseCsvUnclosedQuote() {
    try {
      simclr::gui::parseCsv(QStringLiteral("a,b\n1,\"open\n2,3\n"), QStringLiteral("x.csv"));
      QFAIL("no error");
    } catch (const simclr::DataError& e) {
      const QString message = QString::fromStdString(e.what());
      QVERIFY2(message.contains(QStringLiteral("x.csv, line 2")), qPrintable(message));
    }
  }

  void newestEvaluationFileByStep() {
    QTemporaryDir dir;
    QCOMPARE(newestEvaluationFile(dir.path(), QStringLiteral("figure10-step-"), QStringLiteral(".csv")), QString());
    for (const char* name : {"figure10-step-999.csv", "figure10-step-1000.csv", "figure10-step-5000.json",
                             "figure10-step-x.csv", "knn-h-step-9999.csv"})
      writeFile(dir.filePath(QStringLiteral("evaluation/") + QLatin1String(name)), "x");
    QCOMPARE(QFileInfo(newestEvaluationFile(dir.path(), QStringLiteral("figure10-step-"), QStringLiteral(".csv")))
                 .fileName(),
             QStringLiteral("figure10-step-1000.csv"));
  }

  void figure10Table() {
    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("f.csv"));
    writeFile(file, figure10Csv(390, 51.23));
    const Figure10Table table = readFigure10Csv(file);
    QCOMPARE(table.step, 390);
    QCOMPARE(table.rows.size(), 4);
    QCOMPARE(table.rows[0].representation, QStringLiteral("raw"));
    QCOMPARE(table.rows[0].label, QStringLiteral("Raw pixels"));
    QCOMPARE(table.rows[0].inputDim, 3072);
    QCOMPARE(table.rows[0].testTop1, 51.23);
    QCOMPARE(table.rows[0].trainTop1, 81.592);
    QVERIFY(std::isnan(table.rows[1].paperTestTop1));
    QCOMPARE(table.rows[3].trainSize, 8333);
    QCOMPARE(table.rows[3].testSize, 1667);
  }

  void figure10Errors_data() {
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("expected");
    QTest::newRow("empty") << QByteArray() << QStringLiteral("empty");
    QTest::newRow("no column") << QByteArray("representation,label,train_size,test_size\nraw,Raw,1,2\n")
                               << QStringLiteral("no column \"test_top1\"");
    QTest::newRow("only header") << kFigure10Header << QStringLiteral("no results");
    QTest::newRow("short row") << QByteArray("representation,label,train_size,test_size,test_top1\nraw,Raw,1,2\n")
                               << QStringLiteral("line 2: 4 fields where the header has 5");
    QTest::newRow("not a number") << QByteArray("representation,label,train_size,test_size,test_top1\nraw,Raw,1,2,5O\n")
                                  << QStringLiteral("line 2: column \"test_top1\" is \"5O\", not a number");
  }
  void figure10Errors() {
    QFETCH(QByteArray, text);
    QFETCH(QString, expected);
    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("bad.csv"));
    writeFile(file, text);
    try {
      readFigure10Csv(file);
      QFAIL("no error");
    } catch (const simclr::DataError& e) {
      const QString message = QString::fromStdString(e.what());
      QVERIFY2(message.contains(expected) && message.contains(QStringLiteral("bad.csv")), qPrintable(message));
    }
    QVERIFY_THROWS_EXCEPTION(simclr::DataError, readFigure10Csv(dir.filePath(QStringLiteral("missing.csv"))));
  }

  void sweepTable() {
    QTemporaryDir dir;
    writeFile(dir.filePath(QStringLiteral("runs/sweep-b/sweep.csv")), kSweepCsv);
    writeFile(dir.filePath(QStringLiteral("runs/a/sweep.csv")), "batch_size\n32\n");
    writeFile(dir.filePath(QStringLiteral("runs/c/config.json")), "{}");
    const QStringList files = findSweepFiles(dir.filePath(QStringLiteral("runs")));
    QCOMPARE(files.size(), 2);
    QVERIFY(files[1].endsWith(QStringLiteral("sweep-b/sweep.csv")));
    QVERIFY(findSweepFiles(QString()).isEmpty());

    const SweepTable table = readSweepCsv(files[1]);
    QCOMPARE(table.name, QStringLiteral("sweep-b"));
    QCOMPARE(table.header.size(), 12);
    QCOMPARE(table.rows.size(), 4);
    QCOMPARE(table.rows[0].batchSize, 64);
    QCOMPARE(table.rows[0].learningRate, 0.00075);
    QCOMPARE(table.rows[0].steps, 780);
    QCOMPARE(table.rows[0].knnTop1, 41.25);
    QCOMPARE(table.rows[0].viewsPerSecond, 410.5);
    QCOMPARE(table.rows[0].run, QStringLiteral("bs-0064"));
    QVERIFY(std::isnan(table.rows[2].linearTop1));
    QCOMPARE(table.rows[3].status, QStringLiteral("skipped-memory"));
    QVERIFY(std::isnan(table.rows[3].knnTop1) && std::isnan(table.rows[3].finalLoss));
    QCOMPARE(table.rows[3].wallSeconds, 0.0);
    QCOMPARE(table.rows[3].fields.size(), 12);

    writeFile(files[0], "batch_size,knn_top1\n0,40\n");
    QVERIFY_THROWS_EXCEPTION(simclr::DataError, readSweepCsv(files[0]));
    writeFile(files[0], "knn_top1\n40\n");
    QVERIFY_THROWS_EXCEPTION(simclr::DataError, readSweepCsv(files[0]));
  }

  void encoderLabelsAndBestAccuracy() {
    QTemporaryDir dir;
    const QString vit = dir.filePath(QStringLiteral("vit"));
    writeRun(vit, "{\"encoder\": \"vit\", \"vit\": {\"heads\": 8, \"layers\": 8, \"patch_size\": 4, \"dim\": 192}}",
             512, 0.3);
    const EncoderLabel v = readEncoderLabel(vit);
    QVERIFY(v.isVit);
    QCOMPARE(v.text, QStringLiteral("ViT 8/8 (patch 4, dim 192)"));
    QCOMPARE(v.batchSize, 512);
    const QString resnet = dir.filePath(QStringLiteral("resnet"));
    writeRun(resnet, "{\"encoder\": \"resnet34\", \"width\": 64}", 256, 0.5);
    QCOMPARE(readEncoderLabel(resnet).text, QStringLiteral("ResNet-34 (width 64)"));
    QVERIFY(!readEncoderLabel(resnet).isVit);

    // Monitor only, then the full-split kNN, then the fine-tune probe wins.
    RunAccuracy a = readBestRunAccuracy(resnet);
    QVERIFY(a.valid);
    QCOMPARE(a.top1, 50.0);
    QCOMPARE(a.metric, QStringLiteral("kNN monitor"));
    writeFile(resnet + "/evaluation/knn-h-step-00000100.json", "{\"results\": [{\"top1\": 0.55}], \"step\": 100}");
    a = readBestRunAccuracy(resnet);
    QCOMPARE(a.top1, 55.0);
    QCOMPARE(a.step, 100);
    QCOMPARE(a.metric, QStringLiteral("kNN top-1 (full test split)"));
    writeFile(resnet + "/evaluation/finetune-step-00000100.json",
              "{\"results\": {\"test_top1\": 0.61}, \"step\": 100}");
    a = readBestRunAccuracy(resnet);
    QCOMPARE(a.top1, 61.0);
    QCOMPARE(a.metric, QStringLiteral("fine-tune test top-1"));
    QVERIFY(!readBestRunAccuracy(dir.filePath(QStringLiteral("nothing"))).valid);
  }
};

QTEST_MAIN(TestResultFiles)
#include "test_result_files.moc"
