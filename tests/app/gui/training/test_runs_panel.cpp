// The Runs dock tells a run whose process died from one that completed, one that another
// live process trains and one that stopped on an error (#18): "interrupted" with that
// process (pid, host, start) in the state's tooltip, read from the run folder's process.json;
// "failed" with the error from its status.json.
#include <QtTest>

#include <QHeaderView>
#include <QProcess>
#include <QScrollBar>
#include <QToolTip>
#include <QTreeWidget>

#include "app/gui/training/runs_panel.h"
#include "engine/project/run_failure.h"
#include "engine/project/run_process.h"
#include "engine/project/run_summary.h"
#include "tests/support/project_fixtures.h"
#include "tests/support/temp_dir.h"

using namespace simclr;
using simclr::gui::RunsPanel;
namespace fs = std::filesystem;

namespace {

constexpr int kStateColumn = 1;  // RunsPanel's columns: Name, State, Steps, ...
constexpr int kBatchColumn = 6, kTimeColumn = 8;  // ... Batch, Device, Time: the last to come, the first to go

// The pid of a process that has ended (and been reaped).
int64_t dead_pid() {
  QProcess p;
  p.start(QStringLiteral("sh"), {"-c", "echo $$"});
  p.waitForFinished(10000);
  return QString::fromUtf8(p.readAllStandardOutput()).trimmed().toLongLong();
}

QTreeWidgetItem* item_for(const RunsPanel& panel, const fs::path& run) {
  const QString dir = QDir(QString::fromStdString(run.string())).absolutePath();
  for (int i = 0; i < panel.tree()->topLevelItemCount(); ++i)
    if (panel.tree()->topLevelItem(i)->toolTip(0) == dir) return panel.tree()->topLevelItem(i);
  return nullptr;
}

}  // namespace

class TestRunsPanel : public QObject {
  Q_OBJECT
  test::TempDir dir_{"gui-runs-panel"};

 private Q_SLOTS:
  void showsInterruptedRunningAndCompleted() {
    const fs::path completed = test::train_tiny_run(dir_.path(), 3, 1, false);
    const fs::path interrupted = test::train_tiny_run(dir_.path(), 3, 1, false);
    const fs::path running = test::train_tiny_run(dir_.path(), 3, 1, false);
    const fs::path failed = test::train_tiny_run(dir_.path(), 3, 1, false);
    QVERIFY(completed != interrupted && interrupted != running && running != failed);
    write_run_failure(RunFolder(failed), 3, 5,
                      "/runs/x/checkpoints/step-00000004.pt: cannot write checkpoint: "
                      "No space left on device");

    // Left behind by a process that died while training (newer than status.json: the run's
    // present), and one written by a process that lives (this one).
    ProcessRecord gone = this_process_record();
    gone.pid = dead_pid();
    gone.process_start = 1;  // a reused pid would not match either
    gone.step = 4;
    gone.total_steps = 5;
    write_process_record(RunFolder(interrupted), gone);
    ProcessRecord live = this_process_record();
    live.step = 2;
    live.total_steps = 5;
    write_process_record(RunFolder(running), live);

    RunsPanel panel;
    panel.resize(900, 300);
    panel.show();
    panel.setRunsRoot(QString::fromStdString((dir_ / "runs").string()));
    QCOMPARE(panel.runCount(), 4);

    QTreeWidgetItem* item = item_for(panel, interrupted);
    QVERIFY(item);
    QCOMPARE(item->text(kStateColumn), QStringLiteral("interrupted"));
    const QString tip = item->toolTip(kStateColumn);
    QVERIFY2(tip.contains(QStringLiteral("process %1 on %2").arg(gone.pid).arg(QString::fromStdString(gone.host))),
             qPrintable(tip));
    QVERIFY2(tip.contains("started"), qPrintable(tip));

    item = item_for(panel, running);
    QVERIFY(item);
    QCOMPARE(item->text(kStateColumn), QStringLiteral("running"));
    QVERIFY(item->toolTip(kStateColumn).contains(QStringLiteral("process %1 ").arg(live.pid)));

    item = item_for(panel, completed);
    QVERIFY(item);
    QCOMPARE(item->text(kStateColumn), QStringLiteral("completed"));
    QVERIFY(item->toolTip(kStateColumn).isEmpty());

    // Stopped on an error: "failed", the error in the tooltip.
    item = item_for(panel, failed);
    QVERIFY(item);
    QCOMPARE(item->text(kStateColumn), QStringLiteral("failed"));
    QVERIFY2(item->toolTip(kStateColumn).contains("cannot write checkpoint: No space left on device"),
             qPrintable(item->toolTip(kStateColumn)));
    QCOMPARE(item->text(2), QStringLiteral("3 / 5"));

    // The process record goes when a resumed run ends: the state follows on refresh.
    fs::remove(process_record_file(RunFolder(interrupted)));
    panel.refresh();
    QCOMPARE(item_for(panel, interrupted)->text(kStateColumn), QStringLiteral("completed"));
  }

  // A table narrower than its columns hides Time, then Device, then Batch instead of
  // scrolling sideways, and a run's tooltip gives their values; widened, it shows them (#17).
  void aNarrowTableHidesTheLeastNeededColumns() {
    test::TempDir dir{"gui-runs-panel-narrow"};
    test::train_tiny_run(dir.path(), 5, 1);
    RunsPanel panel;
    panel.setRunsRoot(QString::fromStdString((dir / "runs").string()));
    panel.resize(1200, 200);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    QTreeWidget* tree = panel.tree();
    QCOMPARE(tree->topLevelItemCount(), 1);
    QTRY_VERIFY(!tree->isColumnHidden(kTimeColumn));
    for (int c = 0; c < tree->columnCount(); ++c) QVERIFY(!tree->isColumnHidden(c));

    panel.resize(360, 200);
    QTRY_VERIFY(tree->isColumnHidden(kTimeColumn));
    QTest::qWait(50);
    QVERIFY2(tree->header()->length() <= tree->viewport()->width(),
             qPrintable(QStringLiteral("%1 > %2").arg(tree->header()->length()).arg(tree->viewport()->width())));
    QVERIFY(!tree->horizontalScrollBar()->isVisible());
    QTreeWidgetItem* item = tree->topLevelItem(0);
    const QPoint pos = tree->visualItemRect(item).center();
    QHelpEvent help(QEvent::ToolTip, pos, tree->viewport()->mapToGlobal(pos));
    QApplication::sendEvent(tree->viewport(), &help);
    QTRY_VERIFY(QToolTip::isVisible());
    for (int c = kBatchColumn; c <= kTimeColumn; ++c)
      if (tree->isColumnHidden(c))
        QVERIFY2(QToolTip::text().contains(tree->headerItem()->text(c) + ": " + item->text(c)),
                 qPrintable(QToolTip::text()));
    QToolTip::hideText();

    panel.resize(1200, 200);
    QTRY_VERIFY(!tree->isColumnHidden(kBatchColumn) && !tree->isColumnHidden(kTimeColumn));
  }
};

QTEST_MAIN(TestRunsPanel)
#include "test_runs_panel.moc"
