#include <QtTest>

#include <QClipboard>
#include <QComboBox>
#include <QLabel>
#include <QScrollBar>
#include <QTemporaryDir>
#include <QTreeView>

#include "tests/widgets/widget_shots.h"
#include "widgets/log_view.h"

using simclr::widgets::LogSeverity;
using simclr::widgets::LogView;

namespace {
const QDateTime kTime(QDate(2024, 5, 1), QTime(12, 30, 15, 250));

void addOneOfEach(LogView& log) {
  log.appendMessage(LogSeverity::Debug, QStringLiteral("batch 12 loaded"), kTime);
  log.appendMessage(LogSeverity::Info, QStringLiteral("epoch 1 done"), kTime);
  log.appendMessage(LogSeverity::Warning, QStringLiteral("loss is NaN"), kTime);
  log.appendMessage(LogSeverity::Error, QStringLiteral("cannot read data_batch_3.bin"), kTime);
}
}  // namespace

class TestLogView : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void countsMessages() {
    LogView log;
    QCOMPARE(log.messageCount(), 0);
    addOneOfEach(log);
    QCOMPARE(log.messageCount(), 4);
    QCOMPARE(log.visibleCount(), 4);
    log.clear();
    QCOMPARE(log.messageCount(), 0);
  }

  void filterHidesLowerSeverities_data() {
    QTest::addColumn<int>("minimum");
    QTest::addColumn<int>("visible");
    QTest::newRow("debug") << int(LogSeverity::Debug) << 4;
    QTest::newRow("info") << int(LogSeverity::Info) << 3;
    QTest::newRow("warning") << int(LogSeverity::Warning) << 2;
    QTest::newRow("error") << int(LogSeverity::Error) << 1;
  }
  void filterHidesLowerSeverities() {
    QFETCH(int, minimum);
    QFETCH(int, visible);
    LogView log;
    addOneOfEach(log);
    // Through the combo box, as a user would.
    auto* combo = log.findChild<QComboBox*>(QStringLiteral("severityFilterCombo"));
    QVERIFY(combo);
    combo->setCurrentIndex(minimum);
    QCOMPARE(int(log.minimumSeverity()), minimum);
    QCOMPARE(log.visibleCount(), visible);
    QCOMPARE(log.view()->model()->rowCount(), visible);
    QCOMPARE(log.messageCount(), 4);  // filtered, not dropped
    log.appendMessage(LogSeverity::Debug, QStringLiteral("more"));
    QCOMPARE(log.visibleCount(), visible + (minimum == 0 ? 1 : 0));
    // And back through the API, which moves the combo box.
    log.setMinimumSeverity(LogSeverity::Debug);
    QCOMPARE(combo->currentIndex(), 0);
  }

  void capDropsOldest() {
    LogView log;
    log.setMaximumMessages(100);
    for (int i = 0; i < 250; ++i) log.appendMessage(LogSeverity::Info, QStringLiteral("message %1").arg(i), kTime);
    // Never more than the cap; when full, the oldest tenth goes at once.
    QVERIFY(log.messageCount() <= 100);
    QVERIFY(log.messageCount() > 90);
    const QStringList lines = log.text().split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), log.messageCount());
    for (int i = 0; i < lines.size(); ++i)  // the newest, in order, without gaps
      QVERIFY(lines[i].endsWith(QStringLiteral("message %1").arg(250 - lines.size() + i)));
    log.setMaximumMessages(10);
    QCOMPARE(log.messageCount(), 10);
    QVERIFY(log.text().endsWith(QStringLiteral("message 249\n")));
  }

  void textAndSave() {
    LogView log;
    addOneOfEach(log);
    log.setMinimumSeverity(LogSeverity::Warning);
    const QString expected = QStringLiteral(
        "2024-05-01 12:30:15.250  WARNING  loss is NaN\n"
        "2024-05-01 12:30:15.250  ERROR    cannot read data_batch_3.bin\n");
    QCOMPARE(log.text(), expected);
    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("log.txt"));
    QString error;
    QVERIFY2(log.saveToFile(file, &error), qPrintable(error));
    QFile saved(file);
    QVERIFY(saved.open(QIODevice::ReadOnly | QIODevice::Text));
    QCOMPARE(QString::fromUtf8(saved.readAll()), expected);
    QVERIFY(!log.saveToFile(QStringLiteral("/nonexistent-simclr-dir/log.txt"), &error));
    QVERIFY(error.contains(QStringLiteral("nonexistent-simclr-dir")));
  }

  void copySelectedLines() {
    LogView log;
    addOneOfEach(log);
    log.show();
    QVERIFY(QTest::qWaitForWindowExposed(&log));
    log.view()->selectionModel()->select(log.view()->model()->index(2, 0),
                                         QItemSelectionModel::Select | QItemSelectionModel::Rows);
    log.copyToClipboard();
    QCOMPARE(QApplication::clipboard()->text(), QStringLiteral("2024-05-01 12:30:15.250  WARNING  loss is NaN\n"));
    log.view()->clearSelection();
    log.copyToClipboard();  // nothing selected: every shown line
    QCOMPARE(QApplication::clipboard()->text().count(QLatin1Char('\n')), 4);
  }

  void followsNewestUnlessScrolledUp() {
    LogView log;
    log.resize(500, 200);
    log.show();
    QVERIFY(QTest::qWaitForWindowExposed(&log));
    QScrollBar* bar = log.view()->verticalScrollBar();
    for (int i = 0; i < 200; ++i) log.appendMessage(LogSeverity::Info, QStringLiteral("line %1").arg(i));
    QTRY_VERIFY(bar->maximum() > 0 && bar->value() == bar->maximum());
    QVERIFY(log.isFollowing());

    bar->setValue(0);  // the user scrolls up to read
    QVERIFY(!log.isFollowing());
    for (int i = 0; i < 50; ++i) log.appendMessage(LogSeverity::Info, QStringLiteral("more %1").arg(i));
    // The refresh after the burst (it counts, and scrolls when following) has run: still at the top.
    QTRY_COMPARE(log.findChild<QLabel*>(QStringLiteral("messageCountLabel"))->text(), QStringLiteral("250 messages"));
    QCOMPARE(bar->value(), 0);

    bar->setValue(bar->maximum());  // back at the bottom: follow again
    QVERIFY(log.isFollowing());
    log.appendMessage(LogSeverity::Info, QStringLiteral("newest"));
    QTRY_COMPARE(bar->value(), bar->maximum());
  }

  void screenshot() {
    SIMCLR_SKIP_WITHOUT_SHOTS();
    LogView log;
    log.resize(720, 300);
    const QDateTime start(QDate(2024, 5, 1), QTime(9, 0, 0));
    log.appendMessage(LogSeverity::Info, QStringLiteral("Project \"quickstart\" opened"), start);
    log.appendMessage(LogSeverity::Debug, QStringLiteral("CIFAR-10: 50000 training images, 10000 test images"),
                      start.addSecs(1));
    log.appendMessage(LogSeverity::Info, QStringLiteral("Training ResNet-18 (width 64) on cpu, batch 256"),
                      start.addSecs(2));
    for (int e = 1; e <= 4; ++e)
      log.appendMessage(LogSeverity::Info,
                        QStringLiteral("Epoch %1/100: loss 5.%2, kNN top-1 %3 %").arg(e).arg(9 - e).arg(20 + 6 * e),
                        start.addSecs(60 * e));
    log.appendMessage(LogSeverity::Warning,
                      QStringLiteral("Loss spiked to 8.31 at step 1210; lowering the learning rate may help"),
                      start.addSecs(300));
    log.appendMessage(LogSeverity::Error, QStringLiteral("Cannot write checkpoint \"/runs/a/ckpt.pt\": disk full"),
                      start.addSecs(310));
    log.show();
    QVERIFY(QTest::qWaitForWindowExposed(&log));
    QTRY_COMPARE(log.findChild<QLabel*>(QStringLiteral("messageCountLabel"))->text(), QStringLiteral("9 messages"));
    QVERIFY(simclr::widgets::testing::saveShot(log, QStringLiteral("log_view")));
  }
};

QTEST_MAIN(TestLogView)
#include "test_log_view.moc"
