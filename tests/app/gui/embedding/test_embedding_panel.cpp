// The embedding dock driven as a user would on a real tiny run: compute a layout with the
// Compute button, click a point in the scatter, read its neighbours (frames, similarity
// captions, precision@k) against the engine's own neighbour search, follow a neighbour.
#include <QtTest>

#include <QComboBox>
#include <QLabel>
#include <QPushButton>

#include <torch/torch.h>

#include "app/gui/embedding/embedding_panel.h"
#include "engine/eval/neighbour_search.h"
#include "engine/analysis/run_features.h"
#include "engine/analysis/trained_run.h"
#include "engine/train/trainer.h"
#include "tests/support/dataset_fixtures.h"
#include "tests/support/project_fixtures.h"
#include "tests/support/temp_dir.h"
#include "tests/widgets/widget_shots.h"
#include "widgets/embedding_scatter.h"
#include "widgets/image_grid.h"

using namespace simclr;
using simclr::gui::EmbeddingPanel;
using simclr::gui::LayoutSettings;

class TestEmbeddingPanel : public QObject {
  Q_OBJECT
  test::TempDir dir_{"gui-embedding-panel"};
  QString runDir_;

  static QPushButton* button(EmbeddingPanel& panel, const QString& text) {
    for (auto* b : panel.findChildren<QPushButton*>())
      if (b->text() == text) return b;
    return nullptr;
  }

 private Q_SLOTS:
  void initTestCase() { runDir_ = QString::fromStdString(test::train_tiny_run(dir_.path(), 5).string()); }

  void computeClickAndFollowNeighbours() {
    EmbeddingPanel panel;
    panel.resize(1200, 600);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    QPushButton* compute = button(panel, QStringLiteral("Compute"));
    QVERIFY(compute);
    QVERIFY(!compute->isEnabled());  // no run yet
    panel.setRun(runDir_);
    QVERIFY(compute->isEnabled());
    LayoutSettings s;
    s.points = 30;
    s.perplexity = 5;
    s.iterations = 150;
    s.seed = 3;
    panel.setSettings(s);
    QCOMPARE(panel.settings(), s);

    QSignalSpy shown(&panel, &EmbeddingPanel::layoutShown);
    QSignalSpy log(&panel, &EmbeddingPanel::logMessage);
    QTest::mouseClick(compute, Qt::LeftButton);
    QVERIFY(panel.isBusy());
    QVERIFY(!compute->isEnabled());
    QVERIFY(shown.wait(120000));
    QVERIFY(!panel.isBusy());
    QVERIFY(compute->isEnabled());
    // Some classes of the fixture have fewer than 3 test images: the subset is smaller than
    // asked, and the description says exactly how many points were used.
    const int n = panel.scatter()->pointCount();
    QVERIFY(n > 10 && n <= 30);
    QCOMPARE(int(panel.layout().indices.size()), n);
    QVERIFY2(panel.descriptionLabel()->text().contains(
                 QStringLiteral("%1 of 40 test points (class-balanced subset)").arg(n)),
             qPrintable(panel.descriptionLabel()->text()));
    QVERIFY(panel.descriptionLabel()->text().contains(QStringLiteral("seed 3")));
    QCOMPARE(panel.savedLayoutsBox()->count(), 1);
    QVERIFY(!log.isEmpty());

    // Click point 4 of the scatter.
    panel.setNeighbourCount(5);
    widgets::EmbeddingScatter* scatter = panel.scatter();
    scatter->resetView();
    const int point = 4;
    const qint64 row = panel.layout().indices[point];
    QTest::mouseClick(scatter->findChild<QWidget*>(QStringLiteral("embeddingPlot")), Qt::LeftButton, Qt::NoModifier,
                      scatter->pixelOf(point));
    // Another point may be drawn at the same pixel; the click picks the nearest one.
    const int picked = scatter->selectedIndex();
    QVERIFY(picked >= 0);
    QCOMPARE(panel.queryRow(), panel.layout().indices[picked]);
    Q_UNUSED(row);

    // The grid shows the engine's neighbours of that row, with frames by label match.
    TrainedRun run = open_trained_run(runDir_.toStdString());
    const SplitFeatures f = run_features(run, "test");
    const NeighbourIndex index(f.h, f.labels);
    const auto expected = index.query(int64_t(panel.queryRow()), 5, true);
    const int64_t queryLabel = f.labels[panel.queryRow()].item<int64_t>();
    widgets::ImageGrid* grid = panel.neighbourGrid();
    QCOMPARE(grid->count(), 5);
    int matches = 0;
    for (int i = 0; i < 5; ++i) {
      const auto& item = grid->items()[i];
      QVERIFY(!item.image.isNull());
      QCOMPARE(item.subcaption, QStringLiteral("sim %1").arg(double(expected[size_t(i)].similarity), 0, 'f', 3));
      const bool match = expected[size_t(i)].label == queryLabel;
      matches += match;
      QCOMPARE(item.frame, match ? QColor(0x2e, 0x7d, 0x32) : QColor(0xd3, 0x2f, 0x2f));
    }
    QCOMPARE(panel.precisionAtK(), matches / 5.0);
    QCOMPARE(panel.precisionLabel()->text(), QStringLiteral("precision@5 = %1").arg(matches / 5.0, 0, 'f', 2));
    // Neighbours that are in the layout are ringed in the scatter.
    for (int i : scatter->highlighted())
      QVERIFY(std::any_of(expected.begin(), expected.end(),
                          [&](const Neighbour& n) { return n.index == panel.layout().indices[i]; }));

    // Clicking the second neighbour makes it the query.
    QSignalSpy query(&panel, &EmbeddingPanel::queryChanged);
    QTest::mouseClick(grid->viewport(), Qt::LeftButton, Qt::NoModifier, grid->cellRect(1).center());
    QCOMPARE(query.count(), 1);
    QCOMPARE(panel.queryRow(), qint64(expected[1].index));

    // k follows the spin box.
    panel.setNeighbourCount(3);
    QCOMPARE(grid->count(), 3);
    widgets::testing::saveShot(panel, QStringLiteral("embedding_panel"));  // when SIMCLR_WIDGET_SHOTS is set
  }

  void reopensASavedLayoutAndReportsFailures() {
    EmbeddingPanel panel;
    panel.setRun(runDir_);
    QVERIFY(panel.savedLayoutsBox()->count() >= 1);
    QSignalSpy shown(&panel, &EmbeddingPanel::layoutShown);
    QTest::mouseClick(button(panel, QStringLiteral("Open")), Qt::LeftButton);
    QVERIFY(shown.wait(120000));
    QCOMPARE(panel.settings().points, qint64(30));
    const int n = panel.scatter()->pointCount();
    QCOMPARE(int(panel.layout().indices.size()), n);
    QCOMPARE(panel.settings().seed, quint64(3));  // the controls show the layout's settings
    QCOMPARE(panel.settings().perplexity, 5.0);

    LayoutSettings bad;
    bad.points = 10;
    bad.perplexity = 50;
    panel.setSettings(bad);
    QSignalSpy log(&panel, &EmbeddingPanel::logMessage);
    QVERIFY(panel.compute());
    QTRY_VERIFY_WITH_TIMEOUT(!panel.isBusy(), 60000);
    QVERIFY(panel.descriptionLabel()->text().contains(QStringLiteral("perplexity")));
    QVERIFY(std::any_of(log.begin(), log.end(), [](const QList<QVariant>& m) { return m[0].toInt() == 3; }));
    QCOMPARE(panel.scatter()->pointCount(), n);  // the shown layout stays
  }

  void switchingRunsDropsTheOldJobsResult() {
    EmbeddingPanel panel;
    panel.setRun(runDir_);
    LayoutSettings s;
    s.method = QStringLiteral("pca");
    panel.setSettings(s);
    QSignalSpy shown(&panel, &EmbeddingPanel::layoutShown);
    QVERIFY(panel.compute());
    panel.setRun(QString());  // e.g. the run was deleted from the runs panel
    QTRY_VERIFY_WITH_TIMEOUT(!panel.isBusy(), 60000);
    QCoreApplication::processEvents();
    QCOMPARE(shown.count(), 0);
    QCOMPARE(panel.scatter()->pointCount(), 0);
    QVERIFY(!panel.compute());  // no run
  }
};

QTEST_MAIN(TestEmbeddingPanel)
#include "test_embedding_panel.moc"
