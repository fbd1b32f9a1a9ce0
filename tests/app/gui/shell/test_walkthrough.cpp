// Issue #6's new-user walkthrough on the real CIFAR-10, through the real main window: open
// the quickstart project, preview augmentations (Re-roll), train a few steps, lay the run out
// with t-SNE in the Embeddings dock, click a point, follow three neighbours with the keyboard
// in the Neighbours dock and come back with Backspace; the event loop is timed throughout and
// must never stall. Skips without $SIMCLR_DATA_DIR.
//
// SIMCLR_WALKTHROUGH_RUN (optional) names a trained run folder (e.g. the 1-epoch quickstart,
// with its cached features and evaluations): it is copied beside the new run and the
// Embeddings, Neighbours and Results docks look at the copy instead, for the README's shots.
// SIMCLR_WIDGET_SHOTS (optional) names a folder for PNGs of each dock.
#include <QtTest>

#include <QDirIterator>
#include <QDockWidget>
#include <QLabel>
#include <QPushButton>
#include <QTabWidget>

#include <algorithm>

#include "app/gui/shell/app_settings.h"
#include "app/gui/augmentation/augmentation_preview.h"
#include "app/gui/embedding/embedding_panel.h"
#include "app/gui/embedding/timeline_bar.h"
#include "app/gui/shell/event_loop_latency.h"
#include "app/gui/shell/main_window.h"
#include "app/gui/neighbours/neighbour_panel.h"
#include "app/gui/results/results_panel.h"
#include "app/gui/training/runs_panel.h"
#include "app/gui/training/training_controller.h"
#include "engine/project/project_file.h"
#include "tests/support/temp_dir.h"
#include "tests/widgets/widget_shots.h"
#include "widgets/embedding_scatter.h"
#include "widgets/image_grid.h"
#include "widgets/neighbour_browser.h"
#include "widgets/positive_pair_view.h"

using namespace simclr;
using namespace simclr::gui;

namespace {

constexpr int kLongMs = 240000;  // generous waits: two shared cores

// Event-loop lateness as the app sees it: samples taken while the test itself blocks the GUI
// thread (copying a run, encoding a screenshot) are the test's doing and are left out.
struct LatencyLog {
  std::vector<double> ms;
  bool paused = false;
  int ticks = 0;  // every sample, kept or left out
  double quantile(double q) const {
    std::vector<double> s = ms;
    std::sort(s.begin(), s.end());
    return s.empty() ? 0 : s[std::min(s.size() - 1, size_t(q * double(s.size() - 1) + 0.5))];
  }
};
LatencyLog* g_latency = nullptr;

bool copyFolder(const QString& from, const QString& to) {
  QDirIterator it(from, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
  while (it.hasNext()) {
    const QString file = it.next();
    const QString target = to + QLatin1Char('/') + QDir(from).relativeFilePath(file);
    if (!QDir().mkpath(QFileInfo(target).absolutePath()) || !QFile::copy(file, target)) return false;
  }
  return true;
}

// What a user does to bring a tabbed dock forward: click its tab.
void raiseDock(MainWindow& window, const char* dockName) {
  auto* dock = window.findChild<QDockWidget*>(QString::fromLatin1(dockName));
  QVERIFY2(dock, dockName);
  dock->raise();
  QTRY_VERIFY(dock->widget()->isVisible());
}

// The whole window as it is (the README's pictures show the window, not crops alone).
void shootWindow(MainWindow& window, const QString& shot) {
  if (widgets::testing::shotsDir().isEmpty()) return;
  QVERIFY(QDir().mkpath(widgets::testing::shotsDir()));
  const QString file = QDir(widgets::testing::shotsDir()).filePath(shot + QStringLiteral(".png"));
  QVERIFY2(window.grab().toImage().save(file, "PNG", 0), qPrintable(file));
}

// A dock floated to a readable size, grabbed, and put back.
void shootDock(MainWindow& window, const char* dockName, const QString& shot, QSize size = QSize(1100, 640)) {
  if (widgets::testing::shotsDir().isEmpty()) return;
  if (g_latency) g_latency->paused = true;
  auto* dock = window.findChild<QDockWidget*>(QString::fromLatin1(dockName));
  QVERIFY2(dock, dockName);
  dock->setFloating(true);
  dock->resize(size);
  dock->show();
  dock->raise();
  QVERIFY(QTest::qWaitForWindowExposed(dock));  // floated: a window of its own, laid out at its size
  // Quality 0 is zlib's strongest compression: README images stay small.
  const QString file = QDir(widgets::testing::shotsDir()).filePath(shot + QStringLiteral(".png"));
  QVERIFY(QDir().mkpath(widgets::testing::shotsDir()));
  QVERIFY2(dock->widget()->grab().toImage().save(file, "PNG", 0), qPrintable(file));
  dock->setFloating(false);
  if (!g_latency) return;
  // The first tick after the encoding comes late because of it: let it arrive, and drop it.
  const int ticks = g_latency->ticks;
  QTRY_VERIFY(g_latency->ticks > ticks);
  g_latency->paused = false;
}

}  // namespace

class TestWalkthrough : public QObject {
  Q_OBJECT
  test::TempDir dir_{"gui-walkthrough"};

  static QString q(const std::filesystem::path& p) { return QString::fromStdString(p.string()); }

 private Q_SLOTS:
  void newUserWalkthroughNeverBlocks() {
    const QByteArray data = qgetenv("SIMCLR_DATA_DIR");
    if (data.isEmpty() || !QFileInfo::exists(QString::fromLocal8Bit(data) + QStringLiteral("/cifar-10-batches-bin")))
      QSKIP("CIFAR-10 not in $SIMCLR_DATA_DIR: the walkthrough needs the real data");

    // The quickstart as shipped, with a small live monitor and a few steps.
    ProjectConfig project = load_project(std::filesystem::path(SIMCLR_SOURCE_DIR) / "projects" / "quickstart.json");
    project.evaluation.monitor_bank_size = 1000;
    project.evaluation.monitor_test_size = 200;
    project.training.max_steps = 4;
    save_project(project, dir_ / "quickstart.json");

    // A given trained run goes into the project's runs folder first (before the clock runs).
    const QString given = qEnvironmentVariable("SIMCLR_WALKTHROUGH_RUN");
    const QString givenCopy = q(dir_ / "runs") + QStringLiteral("/") + QFileInfo(given).fileName();
    if (!given.isEmpty()) QVERIFY2(copyFolder(given, givenCopy), qPrintable(given));

    AppSettings settings(q(dir_ / "settings.ini"));
    MainWindow window(settings);
    window.resize(1400, 900);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    LatencyLog log;
    g_latency = &log;
    const auto forget = qScopeGuard([] { g_latency = nullptr; });
    EventLoopLatency latency(20);
    connect(&latency, &EventLoopLatency::measured, this, [&log](double late) {
      ++log.ticks;
      if (!log.paused) log.ms.push_back(late);
    });
    latency.start();
    QVERIFY(window.openProject(q(dir_ / "quickstart.json")));

    // 1. Augmentations: the views appear, Re-roll draws new ones.
    raiseDock(window, "augmentationsDock");
    AugmentationPreview* preview = window.augmentationPreview();
    QTRY_VERIFY_WITH_TIMEOUT(!preview->isBusy() && !preview->views().originals.isEmpty(), kLongMs);
    QVERIFY2(preview->messageText().isEmpty(), qPrintable(preview->messageText()));
    const quint64 seedBefore = preview->seed();
    const AugmentedViews before = preview->views();
    QSignalSpy viewsChanged(preview, &AugmentationPreview::viewsChanged);
    auto* reroll = preview->findChild<QPushButton*>(QStringLiteral("previewReroll"));
    QVERIFY(reroll);
    QTest::mouseClick(reroll, Qt::LeftButton);
    QVERIFY(preview->seed() != seedBefore);
    QTRY_VERIFY_WITH_TIMEOUT(!viewsChanged.isEmpty() && !preview->isBusy(), kLongMs);
    const AugmentedViews& after = preview->views();
    QCOMPARE(after.originals.size(), before.originals.size());
    bool redrawn = false;
    for (int i = 0; i < after.originals.size(); ++i) {
      for (int view : {-1, 0, 1}) QVERIFY(preview->gridIndex(i, view) >= 0);
      redrawn = redrawn || after.views[0][i] != before.views[0][i] || after.views[1][i] != before.views[1][i];
    }
    QVERIFY2(redrawn, "Re-roll drew the same views");
    shootDock(window, "augmentationsDock", QStringLiteral("augmentation-preview"), QSize(1100, 560));

    // 2. Train: Start, then wait for the end (max_steps) while the interface keeps running.
    TrainingController& training = window.training();
    QSignalSpy finished(&training, &TrainingController::finished);
    window.action(QStringLiteral("startTraining"))->trigger();
    const QString trained = training.currentRunDir();
    QVERIFY(!trained.isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, kLongMs);
    const TrainingOutcome outcome = finished.first().first().value<TrainingOutcome>();
    QVERIFY2(outcome.error.isEmpty(), qPrintable(outcome.error));
    QCOMPARE(outcome.state, QStringLiteral("completed"));

    const QString run = given.isEmpty() ? trained : givenCopy;
    QTRY_VERIFY(window.runsPanel()->runCount() >= 1);
    window.runsPanel()->selectRuns({run});
    EmbeddingPanel* embeddings = window.embeddingPanel();
    QCOMPARE(embeddings->runDir(), run);

    // 3. Embeddings: t-SNE of a class-balanced 2000-point subset of the test split.
    raiseDock(window, "embeddingsDock");
    LayoutSettings layout = embeddings->settings();
    layout.method = QStringLiteral("tsne");
    layout.split = QStringLiteral("test");
    layout.points = 2000;
    layout.iterations = 750;
    embeddings->setSettings(layout);
    QVERIFY(embeddings->compute());
    QTRY_VERIFY_WITH_TIMEOUT(!embeddings->isBusy(), kLongMs);
    QVERIFY2(embeddings->layout().ok, qPrintable(embeddings->layout().error));
    widgets::EmbeddingScatter* scatter = embeddings->scatter();
    QCOMPARE(scatter->pointCount(), 2000);

    // Hover then click a point near the middle of the plot, where the legend is not.
    auto* plot = scatter->findChild<QWidget*>(QStringLiteral("embeddingPlot"));
    QVERIFY(plot);
    const QPoint centre = plot->rect().center();
    int point = -1;
    double bestDistance = 1e18;
    for (int i = 0; i < scatter->pointCount(); ++i) {
      const QPoint pixel = scatter->pixelOf(i);
      const double d = QLineF(pixel, centre).length();
      if (d < bestDistance && scatter->indexAt(pixel) == i) {
        bestDistance = d;
        point = i;
      }
    }
    QVERIFY(point >= 0);
    QSignalSpy hovered(scatter, &widgets::EmbeddingScatter::pointHovered);
    QTest::mouseMove(plot, scatter->pixelOf(point));
    QTRY_VERIFY(!hovered.isEmpty() && hovered.last().first().toInt() == point);
    QTest::mouseClick(plot, Qt::LeftButton, Qt::NoModifier, scatter->pixelOf(point));
    QCOMPARE(scatter->selectedIndex(), point);
    const qint64 first = embeddings->layout().indices[point];
    QCOMPARE(embeddings->queryRow(), first);
    QTRY_VERIFY_WITH_TIMEOUT(embeddings->neighbourGrid()->count() > 0, kLongMs);
    shootWindow(window, QStringLiteral("analysis-window"));
    shootDock(window, "embeddingsDock", QStringLiteral("embedding-scatter"), QSize(1000, 580));

    // 4. Neighbours: the clicked point is the browser's query; follow three neighbours with
    // the arrow keys and Enter, then come back with Backspace.
    raiseDock(window, "neighboursDock");
    widgets::NeighbourBrowser* browser = window.neighbourPanel()->browser();
    const auto answered = [browser](qint64 row) {
      const widgets::NeighbourResult& r = browser->result();
      return r.request.index == row && (!r.lists.isEmpty() || !r.error.isEmpty()) && !browser->isBusy();
    };
    QTRY_VERIFY_WITH_TIMEOUT(answered(first), kLongMs);
    QVERIFY2(browser->result().error.isEmpty(), qPrintable(browser->result().error));
    QCOMPARE(browser->result().request.querySplit, QStringLiteral("test"));
    QVector<qint64> path{first};
    widgets::ImageGrid* grid = browser->grid(0);
    for (int hop = 0; hop < 3; ++hop) {
      grid->setFocus();
      QTest::keyClick(grid, Qt::Key_Right);
      const int current = browser->currentNeighbour();
      QVERIFY(current >= 0 && current < browser->result().lists[0].neighbours.size());
      const qint64 next = browser->result().lists[0].neighbours[current].index;
      QTest::keyClick(grid, Qt::Key_Return);
      QTRY_VERIFY_WITH_TIMEOUT(answered(next), kLongMs);
      QVERIFY2(browser->result().error.isEmpty(), qPrintable(browser->result().error));
      path.append(next);
    }
    for (int hop = 3; hop > 0; --hop) {
      grid->setFocus();
      QTest::keyClick(grid, Qt::Key_Backspace);
      QTRY_VERIFY_WITH_TIMEOUT(answered(path[hop - 1]), kLongMs);
    }
    QCOMPARE(browser->result().request.index, first);
    QVERIFY(!browser->canGoBack());
    QVERIFY(browser->canGoForward());

    // h and z side by side, then the positive-pair inspector of the query.
    browser->setFeatures(QStringLiteral("both"));
    QTRY_VERIFY_WITH_TIMEOUT(answered(first) && browser->result().lists.size() == 2, kLongMs);
    shootDock(window, "neighboursDock", QStringLiteral("neighbour-browser"), QSize(1200, 640));
    QTest::mouseClick(browser->inspectButton(), Qt::LeftButton);
    widgets::PositivePairView* pair = window.neighbourPanel()->pairView();
    QCOMPARE(window.neighbourPanel()->tabs()->currentWidget(), static_cast<QWidget*>(pair));
    QTRY_VERIFY_WITH_TIMEOUT(!pair->isBusy() && (pair->result().rank > 0 || !pair->result().error.isEmpty()), kLongMs);
    QVERIFY2(pair->result().error.isEmpty(), qPrintable(pair->result().error));
    QCOMPARE(pair->result().request.index, first);
    QVERIFY(pair->result().rank >= 1 && pair->result().rank <= pair->result().candidates);
    shootDock(window, "neighboursDock", QStringLiteral("positive-pair"), QSize(1100, 560));

    // 5. Results: Figure 10 of the run (when it has been evaluated).
    raiseDock(window, "resultsDock");
    ResultsPanel* results = window.resultsPanel();
    QCOMPARE(results->runDir(), run);
    results->tabs()->setCurrentIndex(ResultsPanel::Figure10Tab);
    shootDock(window, "resultsDock", QStringLiteral("results-figure10"), QSize(1000, 560));

    // 6. The timeline of a given run that has one saved (its frames are reused): the README's
    // early, middle and last frames.
    if (!given.isEmpty() && hasSavedTimeline(run)) {
      raiseDock(window, "embeddingsDock");
      LayoutSettings timeline = embeddings->settings();
      timeline.points = 5000;
      embeddings->setSettings(timeline);
      QVERIFY(embeddings->computeTimeline());
      QTRY_VERIFY_WITH_TIMEOUT(!embeddings->isBusy(), kLongMs);
      QVERIFY2(embeddings->showsTimeline(), qPrintable(embeddings->descriptionLabel()->text()));
      TimelineBar* bar = embeddings->timelineBar();
      const int last = bar->frameCount() - 1;
      const std::pair<double, const char*> frames[] = {
          {0.0, "timeline-early"}, {double(last / 2), "timeline-middle"}, {double(last), "timeline-last"}};
      for (const auto& [position, shot] : frames) {
        bar->setPosition(position);
        QTest::qWait(300);  // the points are drawn smooth again once they rest
        shootDock(window, "embeddingsDock", QString::fromLatin1(shot), QSize(1100, 720));
      }
    }

    latency.stop();
    const double median = log.quantile(0.5), p99 = log.quantile(0.99), worst = log.quantile(1.0);
    qInfo("event-loop latency over the walkthrough: median %.1f ms, p99 %.1f ms, max %.1f ms (%d samples)", median, p99,
          worst, int(log.ms.size()));
    QVERIFY(log.ms.size() > 50);
    QVERIFY2(worst < 1000, qPrintable(QStringLiteral("the interface stalled for %1 ms").arg(worst)));
  }
};

QTEST_MAIN(TestWalkthrough)
#include "test_walkthrough.moc"
