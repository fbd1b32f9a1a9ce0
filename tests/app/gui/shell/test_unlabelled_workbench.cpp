// A person's own photos in the workbench, as they would use it: the start page opens a
// folder of unlabelled pictures (with planted copies among them), training runs with the
// label-free monitor charted, the Embeddings dock colours the scatter by k-means clusters,
// and the Explore dock shows each planted copy beside its original.
#include <QtTest>

#include <QDockWidget>
#include <set>

#include "app/gui/embedding/embedding_panel.h"
#include "app/gui/explore/explore_panel.h"
#include "app/gui/project/project_document.h"
#include "app/gui/shell/app_settings.h"
#include "app/gui/shell/main_window.h"
#include "app/gui/shell/start_page.h"
#include "app/gui/training/training_charts.h"
#include "app/gui/training/training_controller.h"
#include "app/gui/training/runs_panel.h"
#include "tests/support/photo_folder.h"
#include "tests/support/temp_dir.h"
#include "tests/widgets/widget_shots.h"
#include "widgets/metric_chart.h"

using namespace simclr;
using namespace simclr::gui;

class TestUnlabelledWorkbench : public QObject {
  Q_OBJECT
  test::TempDir dir_{"gui-unlabelled-workbench"};

  static QString q(const std::filesystem::path& p) { return QString::fromStdString(p.string()); }

 private Q_SLOTS:
  void photosTrainClusterAndShowTheirCopies() {
    const test::PhotoFolder photos = test::write_photo_folder(dir_ / "photos", 120, 3, 4);
    AppSettings settings(q(dir_ / "settings.ini"));
    MainWindow window(settings);
    window.resize(1366, 768);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));

    Q_EMIT window.startPage()->openFolderRequested(q(photos.dir));
    ProjectDocument& doc = window.document();
    QCOMPARE(doc.value("/dataset/name"), nlohmann::json("image-folder"));
    QVERIFY(doc.value("/description").get<std::string>().find("no labels") != std::string::npos);
    // A small encoder for two epochs, so the test takes seconds; what a user would set in the
    // Project dock for a first look.
    for (const auto& [pointer, value] : std::vector<std::pair<std::string, nlohmann::json>>{
             {"/dataset/image_size", 32},
             {"/model/width", 4},
             {"/model/projection/hidden_dim", 32},
             {"/model/projection/output_dim", 16},
             {"/training/epochs", 2},
             {"/training/batch_size", 16},
             {"/training/device", "cpu"},
             {"/training/threads", 2},
             {"/training/seed", 7},
             {"/training/checkpoint_every_steps", 4},
             {"/evaluation/knn_every_epochs", 1},
             {"/evaluation/batch_size", 32}})
      doc.setValue(pointer, value);
    QString error;
    QVERIFY2(doc.saveAs(q(dir_ / "photos.json"), &error), qPrintable(error));

    TrainingController& training = window.training();
    QSignalSpy finished(&training, &TrainingController::finished);
    window.action(QStringLiteral("startTraining"))->trigger();
    QCOMPARE(training.state(), TrainingController::State::Running);
    const QString run = training.currentRunDir();
    const QString series = QFileInfo(run).fileName();
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 300000);

    // The label-free monitor: pair retrieval at the start and after each epoch, no kNN.
    QCOMPARE(window.charts()->chart(TrainingCharts::PairRetrieval)->pointCount(series), 3);
    QCOMPARE(window.charts()->chart(TrainingCharts::KnnTop1)->pointCount(series), 0);

    window.runsPanel()->selectRuns({run});
    EmbeddingPanel* embeddings = window.embeddingPanel();
    QTRY_COMPARE(embeddings->runDir(), run);
    QSignalSpy shown(embeddings, &EmbeddingPanel::layoutShown);
    QStringList said;
    connect(embeddings, &EmbeddingPanel::logMessage, this, [&said](int, const QString& text) { said << text; });
    LayoutSettings layout = embeddings->settings();
    layout.split = QStringLiteral("train");  // the held-out tenth is 13 images: too few for t-SNE's perplexity
    embeddings->setSettings(layout);
    QVERIFY(embeddings->compute());
    QTRY_VERIFY_WITH_TIMEOUT(shown.size() == 1 || !embeddings->isBusy(), 300000);
    QVERIFY2(shown.size() == 1, qPrintable(said.join("\n")));
    QVERIFY(embeddings->layout().clustered);  // no labels: coloured by k-means clusters
    QVERIFY2(!embeddings->layout().classNames.isEmpty() &&
                 embeddings->layout().classNames.first().startsWith(QStringLiteral("cluster")),
             qPrintable(embeddings->layout().classNames.join(", ")));

    window.findChild<QDockWidget*>(QStringLiteral("exploreDock"))->raise();
    ExplorePanel* explore = window.explorePanel();
    QTRY_COMPARE(explore->runDir(), run);
    std::set<std::string> planted;
    for (const auto& pair : photos.planted_pairs) planted.insert(pair.begin(), pair.end());
    // The thumbnails' tooltips start with the file's path.
    const auto shownFiles = [explore] {
      std::set<std::string> out;
      for (const auto& item : explore->result().items)
        out.insert(item.toolTip.section(QLatin1Char('\n'), 0, 0).toStdString());
      return out;
    };
    // Selected when its training began, before any checkpoint: the dock asks again once it ends.
    QTRY_VERIFY2_WITH_TIMEOUT(explore->result().groups > 0, qPrintable(explore->result().error), 120000);
    QCOMPARE(explore->result().split, QStringLiteral("all"));
    // Every planted copy is shown in a group with its original (the CLI test holds the
    // default threshold to no other group; this project is the quickstart's, shrunk).
    const std::set<std::string> files = shownFiles();
    for (const auto& name : planted)
      QVERIFY2(files.count(name), qPrintable(QString::fromStdString(name) + " not shown; " + explore->result().summary));
    QVERIFY(explore->result().groups >= int(photos.planted_pairs.size()));
    widgets::testing::saveShot(window, QStringLiteral("unlabelled-workbench"));  // with SIMCLR_WIDGET_SHOTS
  }
};

QTEST_MAIN(TestUnlabelledWorkbench)
#include "test_unlabelled_workbench.moc"
