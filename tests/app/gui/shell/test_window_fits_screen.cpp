// The real main window on a real (virtual) screen of a given size, as a person first sees
// it: run once per size, each in its own Xvfb (see CMakeLists.txt). The window must fit the
// screen's available area, no visible widget may be cut off by the window's edge or
// crushed below its minimum size, and neither the project form nor the Runs table (a
// finished run in it) may scroll sideways (#17); a full-window screenshot is saved for each
// size. Then training starts and the run must show in the Runs dock as running, selected,
// and be the Embeddings dock's run by the time the first step arrives.
#include <QtTest>

#include <algorithm>

#include <QAbstractScrollArea>
#include <QDockWidget>
#include <QHeaderView>
#include <QMainWindow>
#include <QPlainTextEdit>
#include <QScreen>
#include <QScrollArea>
#include <QScrollBar>
#include <QTabBar>
#include <QToolBar>
#include <QTreeWidget>

#include "app/gui/augmentation/augmentation_preview.h"
#include "app/gui/dataset/dataset_panel.h"
#include "app/gui/embedding/embedding_panel.h"
#include "app/gui/shell/app_settings.h"
#include "app/gui/shell/main_window.h"
#include "app/gui/shell/start_page.h"
#include "app/gui/training/runs_panel.h"
#include "app/gui/training/training_controller.h"
#include "engine/project/project_file.h"
#include "tests/support/dataset_fixtures.h"
#include "tests/support/project_fixtures.h"
#include "tests/support/temp_dir.h"

using namespace simclr;
using namespace simclr::gui;

namespace {

QString q(const std::filesystem::path& p) {
  return QString::fromStdString(p.string());
}

// Widgets not to judge: inside a scroll area's viewport (content larger than its view is
// scrolled, not clipped), in a dock that is a tab behind another (Qt parks those out of
// sight), or Qt's own parts of a widget ("qt_...", a tab bar's scroll buttons), which
// their owner sizes.
bool notJudged(const QWidget* w, const QWidget* window) {
  if (w->objectName().startsWith(QLatin1String("qt_")) || qobject_cast<const QTabBar*>(w->parentWidget())) return true;
  for (const QWidget* p = w; p && p != window; p = p->parentWidget()) {
    if (auto* area = qobject_cast<const QAbstractScrollArea*>(p->parentWidget()); area && area->viewport() == p)
      return true;
    if (qobject_cast<const QDockWidget*>(p) && p->visibleRegion().isEmpty()) return true;
  }
  return false;
}

// "ClassName 'objectName' (parent chain)" for messages.
QString describe(const QWidget* w) {
  QString path;
  for (const QWidget* p = w; p; p = p->parentWidget()) {
    const QString name =
        p->objectName().isEmpty() ? QString::fromLatin1(p->metaObject()->className()) : p->objectName();
    path = path.isEmpty() ? name : name + QStringLiteral(" > ") + path;
    if (qobject_cast<const QDockWidget*>(p)) break;
  }
  return path;
}

// The minimum sizes that add up to the window's, for the message when it does not fit.
QString minimumSizes(QMainWindow& window) {
  QStringList parts;
  const auto add = [&parts](const QString& name, QSize size) {
    parts << QStringLiteral("%1 %2x%3").arg(name).arg(size.width()).arg(size.height());
  };
  add(QStringLiteral("window"), window.minimumSizeHint());
  add(QStringLiteral("central"), window.centralWidget()->minimumSizeHint());
  for (QDockWidget* d : window.findChildren<QDockWidget*>())
    if (d->isVisible()) add(d->objectName(), d->minimumSizeHint());
  return parts.join(QStringLiteral(", "));
}

// What is wrong with the visible widgets: cut off by the window's edge or squeezed below the
// size they say they need.
QStringList layoutProblems(QWidget& window) {
  QStringList problems;
  const QRect inside = window.rect();
  for (QWidget* w : window.findChildren<QWidget*>()) {
    if (!w->isVisible() || w->isWindow() || notJudged(w, &window)) continue;
    const QRect where(w->mapTo(&window, QPoint(0, 0)), w->size());
    if (!inside.contains(where))
      problems << QStringLiteral("%1 at %2,%3 %4x%5 is outside the window %6x%7")
                      .arg(describe(w))
                      .arg(where.x())
                      .arg(where.y())
                      .arg(where.width())
                      .arg(where.height())
                      .arg(inside.width())
                      .arg(inside.height());
    const QSize least = w->minimumSizeHint();
    // Tab bars and tool bars scroll or overflow by design; labels elide.
    if (qobject_cast<QTabBar*>(w) || qobject_cast<QToolBar*>(w)) continue;
    if (least.isValid() && (w->width() + 1 < least.width() || w->height() + 1 < least.height()))
      problems << QStringLiteral("%1 is %2x%3, below its minimum %4x%5")
                      .arg(describe(w))
                      .arg(w->width())
                      .arg(w->height())
                      .arg(least.width())
                      .arg(least.height());
  }
  return problems;
}

// A widget's object name, or its class when it has none (short, for lists in messages).
QString nameOf(const QObject* o) {
  return o->objectName().isEmpty() ? QString::fromLatin1(o->metaObject()->className()) : o->objectName();
}

// The deepest visible widgets of a scroll area's content that reach past its viewport's
// right edge: what a person sees cut off, or has to scroll sideways to.
QStringList cutAtTheRight(const QScrollArea* area) {
  QStringList cut;
  const int right = area->viewport()->width();
  const auto past = [&](const QWidget* w) {
    return w->isVisibleTo(area) && w->mapTo(area->widget(), QPoint(w->width(), 0)).x() > right;
  };
  for (const QWidget* w : area->widget()->findChildren<QWidget*>()) {
    if (!past(w) || notJudged(w, area->widget())) continue;
    const QList<QWidget*> children = w->findChildren<QWidget*>(Qt::FindDirectChildrenOnly);
    if (std::none_of(children.begin(), children.end(), past)) cut << nameOf(w);
  }
  return cut;
}

// The project form and the Runs table must fit their docks' width: no sideways scrolling
// (#17). Text editors (the JSON of custom augmentations, without wrapping) may.
QStringList sidewaysScrolling(QMainWindow& window) {
  QStringList problems;
  for (const char* name : {"projectDock", "runsDock"}) {
    auto* dock = window.findChild<QDockWidget*>(QString::fromLatin1(name));
    if (!dock || dock->visibleRegion().isEmpty()) continue;
    for (QAbstractScrollArea* area : dock->findChildren<QAbstractScrollArea*>()) {
      if (!area->isVisible() || qobject_cast<QPlainTextEdit*>(area)) continue;
      const int view = area->viewport()->width();
      int needed = area->horizontalScrollBar()->isVisible() ? view + area->horizontalScrollBar()->maximum() : view;
      QStringList cut;
      if (auto* scroll = qobject_cast<QScrollArea*>(area); scroll && scroll->widget()) {
        needed = std::max(needed, scroll->widget()->width());
        cut = cutAtTheRight(scroll);
      }
      if (auto* tree = qobject_cast<QTreeView*>(area)) {
        needed = std::max(needed, tree->header()->length());
        for (int c = 0; c < tree->header()->count(); ++c)
          if (!tree->isColumnHidden(c) &&
              tree->header()->sectionViewportPosition(c) + tree->header()->sectionSize(c) > view)
            cut << tree->model()->headerData(c, Qt::Horizontal).toString();
      }
      if (needed > view)
        problems << QStringLiteral("%1: %2 is %3 px wide, its content %4 px: it scrolls sideways; cut at the right: %5")
                        .arg(dock->objectName(), nameOf(area))
                        .arg(view)
                        .arg(needed)
                        .arg(cut.join(QStringLiteral(", ")));
    }
  }
  return problems;
}

}  // namespace

class TestWindowFitsScreen : public QObject {
  Q_OBJECT
  test::TempDir dir_{"gui-window-fits"};
  QString projectFile_;

  QString screenName() const {
    const QSize size = QGuiApplication::primaryScreen()->size() * QGuiApplication::primaryScreen()->devicePixelRatio();
    return QStringLiteral("%1x%2").arg(size.width()).arg(size.height());
  }

 private Q_SLOTS:
  void initTestCase() {
    test::write_cifar10_folder(dir_ / "data", 16, 40, 3);
    ProjectConfig p = test::tiny_project(dir_ / "data");
    p.training.epochs = 30;
    save_project(p, dir_ / "project.json");
    projectFile_ = q(dir_ / "project.json");
    // A finished run with every column filled in, as the project's runs/ holds it.
    const std::filesystem::path run = test::train_tiny_run(dir_ / "trained", 7);
    std::filesystem::create_directories(dir_ / "runs");
    std::filesystem::copy(run, dir_ / "runs" / run.filename(), std::filesystem::copy_options::recursive);
  }

  // The window fits, nothing in it is cut off or crushed, and a screenshot is saved as
  // <name>-<screen>.png when SIMCLR_SCREENSHOT_DIR is set.
  void checkAndShoot(MainWindow& window, const QString& name) {
    // First the picture, so that a failure below comes with one.
    if (const QByteArray folder = qgetenv("SIMCLR_SCREENSHOT_DIR"); !folder.isEmpty()) {
      QDir().mkpath(QString::fromLocal8Bit(folder));
      const QString file = QDir(QString::fromLocal8Bit(folder)).filePath(name + "-" + screenName() + ".png");
      QVERIFY2(window.grab().save(file), qPrintable(file));
      qInfo("saved %s", qPrintable(file));
    }
    const QRect available = window.screen()->availableGeometry();
    QVERIFY2(available.contains(window.frameGeometry()),
             qPrintable(QStringLiteral("the window %1,%2 %3x%4 does not fit the screen's %5x%6")
                            .arg(window.frameGeometry().x())
                            .arg(window.frameGeometry().y())
                            .arg(window.frameGeometry().width())
                            .arg(window.frameGeometry().height())
                            .arg(available.width())
                            .arg(available.height()) +
                        "; minimum sizes: " + minimumSizes(window)));
    const QStringList problems = layoutProblems(window) + sidewaysScrolling(window);
    QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QLatin1Char('\n'))));
  }

  void windowFitsTheScreen() {
    AppSettings settings(q(dir_ / "fits.ini"));
    MainWindow window(settings);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    // No project yet: the start page.
    QVERIFY(window.startPage()->isVisible());
    checkAndShoot(window, QStringLiteral("start"));
    if (QTest::currentTestFailed()) return;

    QVERIFY(window.openProject(projectFile_));
    QVERIFY(!window.startPage()->isVisible());
    // The docks fill in from background jobs (dataset summary, augmented views): let them.
    QTRY_VERIFY_WITH_TIMEOUT(window.datasetPanel()->state() == DatasetPanel::State::Found, 60000);
    QTRY_VERIFY_WITH_TIMEOUT(!window.augmentationPreview()->isBusy(), 60000);
    QCOMPARE(window.runsPanel()->runCount(), 1);
    QTest::qWait(50);  // widgets shown by the last changes are shown by posted events
    checkAndShoot(window, QStringLiteral("window"));
  }

  void aStartedRunIsListedSelectedAndAnalysed() {
    AppSettings settings(q(dir_ / "training.ini"));
    MainWindow window(settings);
    QVERIFY(window.openProject(projectFile_));
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QSignalSpy steps(&window.training(), &TrainingController::stepReported);
    const QString runDir = window.startTraining();
    QVERIFY(!runDir.isEmpty());
    // At once, before the run's folder holds anything: listed as running, and selected.
    QCOMPARE(window.runsPanel()->selectedRuns(), QStringList{QDir(runDir).absolutePath()});
    const QList<QTreeWidgetItem*> items =
        window.runsPanel()->tree()->findItems(QFileInfo(runDir).fileName(), Qt::MatchExactly);
    QCOMPARE(items.size(), 1);
    QCOMPARE(items.first()->text(1), QStringLiteral("running"));
    QCOMPARE(window.embeddingPanel()->runDir(), QDir(runDir).absolutePath());
    // With the first step it is still the one listed, now with its step.
    QVERIFY(steps.wait(120000));
    QTRY_COMPARE(window.runsPanel()->selectedRuns(), QStringList{QDir(runDir).absolutePath()});
    const QList<QTreeWidgetItem*> now =
        window.runsPanel()->tree()->findItems(QFileInfo(runDir).fileName(), Qt::MatchExactly);
    QCOMPARE(now.size(), 1);
    QCOMPARE(now.first()->text(1), QStringLiteral("running"));
    QVERIFY(now.first()->text(2).toInt() >= 1);
    window.action(QStringLiteral("stopTraining"))->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(!window.training().isBusy(), 120000);
  }
};

QTEST_MAIN(TestWindowFitsScreen)
#include "test_window_fits_screen.moc"
