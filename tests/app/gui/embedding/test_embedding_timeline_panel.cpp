// The Embeddings dock's timeline driven as a user would on a real tiny run: press Timeline,
// scrub the slider (frames and the points between them), switch h/z on a frame, play to
// the end, click a point for its neighbours at that frame, select points to follow their
// paths (or a class's), press Timeline again to reuse the saved frames, and watch a run in
// progress extend its timeline.
#include <QtTest>

#include <QComboBox>
#include <QLabel>
#include <QPushButton>
#include <QSlider>

#include <thread>

#include "app/gui/embedding/embedding_panel.h"
#include "app/gui/embedding/timeline_bar.h"
#include "engine/train/trainer.h"
#include "tests/support/project_fixtures.h"
#include "tests/support/temp_dir.h"
#include "tests/widgets/widget_shots.h"
#include "widgets/embedding_scatter.h"
#include "widgets/image_grid.h"
#include "widgets/qcustomplot_include.h"
#include "widgets/timeline_chart.h"

using namespace simclr;
using simclr::gui::EmbeddingPanel;
using simclr::gui::LayoutSettings;
using simclr::gui::TimelineBar;

namespace {

bool samePoints(const QVector<QPointF>& a, const widgets::EmbeddingScatter& scatter) {
  if (a.size() != scatter.pointCount()) return false;
  for (int i = 0; i < a.size(); ++i)
    if (std::abs(a[i].x() - scatter.point(i).x()) > 1e-9 || std::abs(a[i].y() - scatter.point(i).y()) > 1e-9)
      return false;
  return true;
}

}  // namespace

class TestEmbeddingTimelinePanel : public QObject {
  Q_OBJECT
  test::TempDir dir_{"gui-embedding-timeline"};
  QString runDir_;

 private Q_SLOTS:
  void initTestCase() { runDir_ = QString::fromStdString(test::train_tiny_run(dir_.path(), 5).string()); }

  void computeScrubPlayAndFollow() {
    EmbeddingPanel panel;
    panel.resize(1200, 700);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    TimelineBar* bar = panel.timelineBar();
    QVERIFY(!bar->computeButton()->isEnabled());  // no run yet
    QVERIFY(bar->frameLabel()->text().contains(QStringLiteral("Select a run")));
    panel.setRun(runDir_);
    QVERIFY(bar->computeButton()->isEnabled());
    QVERIFY(bar->frameLabel()->text().contains(QStringLiteral("Press Timeline")));
    LayoutSettings s;
    s.points = 0;  // all 40 test images
    s.perplexity = 5;
    s.seed = 1;
    panel.setSettings(s);

    QSignalSpy shown(&panel, &EmbeddingPanel::layoutShown);
    QTest::mouseClick(bar->computeButton(), Qt::LeftButton);
    QVERIFY(panel.isBusy() || !shown.isEmpty());
    QVERIFY(shown.wait(120000));
    QVERIFY2(panel.showsTimeline(), qPrintable(panel.descriptionLabel()->text()));
    const auto& t = panel.timeline();
    QCOMPARE(t.frames.size(), 3);  // snapshots at step 0 and the epochs' ends, 5 and 10
    QCOMPARE(t.frames[0].step, 0);
    QCOMPARE(panel.scatter()->pointCount(), 40);
    QVERIFY(panel.descriptionLabel()->text().contains(QStringLiteral("3 frames from step 0 to 10")));

    // The newest frame first; the slider's ends are the first and last checkpoints.
    QSlider* slider = bar->slider();
    QCOMPARE(slider->maximum(), 2 * TimelineBar::kSubsteps);
    QCOMPARE(slider->value(), slider->maximum());
    QVERIFY(samePoints(t.frames[2].h, *panel.scatter()));
    slider->setValue(0);
    QVERIFY(samePoints(t.frames[0].h, *panel.scatter()));
    QVERIFY2(bar->frameLabel()->text().startsWith(QStringLiteral("Step 0 (frame 1 of 3), h")),
             qPrintable(bar->frameLabel()->text()));
    QCOMPARE(bar->chart()->cursorStep(), 0.0);
    // Half-way between two checkpoints every point is half-way between its two positions.
    slider->setValue(TimelineBar::kSubsteps / 2);
    for (int i = 0; i < 40; ++i) {
      const QPointF middle = (t.frames[0].h[i] + t.frames[1].h[i]) / 2;
      QVERIFY(std::abs(panel.scatter()->point(i).x() - middle.x()) < 1e-9);
      QVERIFY(std::abs(panel.scatter()->point(i).y() - middle.y()) < 1e-9);
    }
    QCOMPARE(bar->chart()->cursorStep(), 2.5);

    // Switching to z keeps the frame.
    slider->setValue(TimelineBar::kSubsteps);
    QComboBox* features = nullptr;
    for (auto* box : panel.findChildren<QComboBox*>())
      if (box->findData(QStringLiteral("z")) >= 0) features = box;
    QVERIFY(features);
    features->setCurrentIndex(features->findData(QStringLiteral("z")));
    QCOMPARE(slider->value(), TimelineBar::kSubsteps);
    QVERIFY(samePoints(t.frames[1].z, *panel.scatter()));
    QVERIFY(bar->frameLabel()->text().startsWith(QStringLiteral("Step 5 (frame 2 of 3), z")));

    // Play runs to the last checkpoint and stops there.
    QTest::mouseClick(bar->playButton(), Qt::LeftButton);
    QVERIFY(bar->isPlaying());
    QCOMPARE(bar->playButton()->text(), QStringLiteral("Pause"));
    QTRY_VERIFY_WITH_TIMEOUT(!bar->isPlaying(), 10000);
    QCOMPARE(slider->value(), slider->maximum());
    QVERIFY(samePoints(t.frames[2].z, *panel.scatter()));

    // A click shows the point's neighbours among the followed points at this frame.
    panel.setNeighbourCount(5);
    slider->setValue(0);
    widgets::EmbeddingScatter* scatter = panel.scatter();
    scatter->resetView();
    int target = 0;  // a point the legend does not cover
    while (scatter->plot()->legend->outerRect().contains(scatter->pixelOf(target))) ++target;
    QTest::mouseClick(scatter->findChild<QWidget*>(QStringLiteral("embeddingPlot")), Qt::LeftButton, Qt::NoModifier,
                      scatter->pixelOf(target));
    const int picked = scatter->selectedIndex();
    QVERIFY(picked >= 0);
    const QVector<int> expected = t.neighbours(QStringLiteral("z"), 0, picked);
    QCOMPARE(expected.size(), 10);
    QCOMPARE(panel.neighbourGrid()->count(), 5);
    QCOMPARE(panel.queryRow(), t.indices[picked]);
    QCOMPARE(scatter->highlighted(), expected.mid(0, 5));
    QVERIFY(panel.precisionLabel()->text().contains(QStringLiteral("among the 40 followed points")));

    // Selected points draw their paths through all frames.
    scatter->setSelection({1, 2, 3});
    QCOMPARE(scatter->pathCount(), 3);
    // Or a class's: all of its points here (at most 40 of a class are followed).
    QCOMPARE(bar->followBox()->count(), 11);
    bar->followBox()->setCurrentIndex(1 + t.labels[0]);
    QCOMPARE(scatter->pathCount(), int(std::count(t.labels.begin(), t.labels.end(), t.labels[0])));
    QVERIFY(scatter->pathCount() > 1);
    widgets::testing::saveShot(panel, QStringLiteral("embedding_timeline"));  // when SIMCLR_WIDGET_SHOTS is set

    // A layout replaces the timeline; Timeline again reuses every saved frame.
    shown.clear();
    QTest::mouseClick(bar->computeButton(), Qt::LeftButton);
    QVERIFY(shown.wait(120000));
    QCOMPARE(panel.timeline().reusedFrames, 3);
    QVERIFY(panel.descriptionLabel()->text().contains(QStringLiteral("3 frames reused")));
  }

  // A run in progress: the shown timeline grows as the run keeps new snapshots.
  void extendsWhileTheRunTrains() {
    ProjectConfig p = test::tiny_project(dir_ / "data");
    p.evaluation.knn_every_epochs = 0;
    p.training.max_steps = 5;
    TrainOptions options;
    options.runs_root = dir_ / "runs";
    options.run_name = "growing";
    const auto run = train(p, options, {}, StopToken()).run_dir;

    EmbeddingPanel panel;
    panel.setRun(QString::fromStdString(run.string()));
    LayoutSettings s;
    s.points = 0;
    s.perplexity = 5;
    panel.setSettings(s);
    QSignalSpy shown(&panel, &EmbeddingPanel::layoutShown);
    QVERIFY(panel.computeTimeline());
    QVERIFY(shown.wait(120000));
    QCOMPARE(panel.timeline().frames.size(), 2);  // steps 0 and 5

    p.training.max_steps = 0;
    TrainOptions resume;
    resume.resume_run = run;
    std::thread trainer([&] { train(p, resume, {}, StopToken()); });
    QTRY_VERIFY_WITH_TIMEOUT(panel.showsTimeline() && panel.timeline().frames.size() == 3, 120000);
    trainer.join();
    QCOMPARE(panel.timeline().frames.last().step, 10);
    QCOMPARE(panel.timeline().reusedFrames, 2);
  }

  void switchingRunsClearsTheTimeline() {
    EmbeddingPanel panel;
    panel.setRun(runDir_);
    QSignalSpy shown(&panel, &EmbeddingPanel::layoutShown);
    QVERIFY(panel.computeTimeline());
    QVERIFY(!panel.computeTimeline());  // one job at a time
    QVERIFY(shown.wait(120000));
    QVERIFY(panel.showsTimeline());
    panel.setRun(QString());
    QVERIFY(!panel.showsTimeline());
    QCOMPARE(panel.timelineBar()->frameCount(), 0);
    QCOMPARE(panel.scatter()->pointCount(), 0);
    panel.setRun(runDir_);
    QVERIFY(panel.timelineBar()->frameLabel()->text().contains(QStringLiteral("saved timeline")));
  }
};

QTEST_MAIN(TestEmbeddingTimelinePanel)
#include "test_embedding_timeline_panel.moc"
