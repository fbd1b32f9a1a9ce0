// The dataset panel on tiny CIFAR-10 fixtures: found (sizes, class counts, samples),
// missing (the searched places and the download button), broken, and following the
// project's dataset settings as they change. Loading runs on the panel's thread.
#include <QImage>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QtTest>

#include "app/gui/dataset/dataset_loader.h"
#include "app/gui/dataset/dataset_panel.h"
#include "app/gui/project/project_document.h"
#include "engine/core/atomic_file.h"
#include "engine/data/dataset_download.h"
#include "engine/data/dataset_locator.h"
#include "engine/project/project_file.h"
#include "tests/support/dataset_fixtures.h"
#include "tests/support/temp_dir.h"
#include "tests/widgets/widget_shots.h"
#include "widgets/image_grid.h"

using namespace simclr;
using nlohmann::json;
using simclr::gui::DatasetPanel;
using simclr::gui::ProjectDocument;

class TestDatasetPanel : public QObject {
  Q_OBJECT

  test::TempDir* dir_ = nullptr;
  DatasetSplits expected_;

  QString writeProject(const json& dataset) {
    json p = to_json(ProjectConfig{});
    p["dataset"] = dataset;
    const auto file = *dir_ / "project.json";
    write_file_atomically(file, p.dump(2));
    return QString::fromStdString(file.string());
  }

 private Q_SLOTS:
  void initTestCase() {
    dir_ = new test::TempDir("datasetpanel");
    // Nothing outside the test's folder may be found: no real data dir, an empty XDG home.
    qunsetenv("SIMCLR_DATA_DIR");
    qputenv("XDG_DATA_HOME", QByteArray::fromStdString((*dir_ / "xdg").string()));
    qputenv("XDG_CACHE_HOME", QByteArray::fromStdString((*dir_ / "xdg-cache").string()));  // image-folder caches
    expected_ = test::write_cifar10_folder(*dir_ / "cifar", 10, 10, 7);  // 50 training, 10 test images
  }
  void cleanupTestCase() { delete dir_; }

  void showsSizesClassCountsAndSamples() {
    ProjectDocument doc;
    QString error;
    QVERIFY(doc.open(writeProject({{"name", "cifar10"}, {"path", "cifar"}}), &error));  // relative to the project
    DatasetPanel panel(&doc);
    QCOMPARE(panel.state(), DatasetPanel::State::Loading);  // returns at once, loads behind
    QTRY_COMPARE(panel.state(), DatasetPanel::State::Found);

    const auto& s = panel.summary();
    QCOMPARE(s.trainSize, 50);
    QCOMPARE(s.testSize, 10);
    QCOMPARE(s.folder, QString::fromStdString((*dir_ / "cifar").string()));
    QVERIFY(panel.findChild<QLabel*>("datasetSizes")->text().contains("50"));
    QVERIFY(panel.findChild<QLabel*>("datasetFolder")->text().endsWith("cifar"));
    QCOMPARE(panel.findChild<QLabel*>("datasetFormat")->text(), QStringLiteral("32 × 32 pixels, RGB, 10 classes"));

    QTableWidget* table = panel.classTable();
    QCOMPARE(table->rowCount(), 11);  // ten classes and the total
    const auto trainCounts = expected_.train.class_counts();
    const auto testCounts = expected_.test.class_counts();
    int samples = 0;
    for (int c = 0; c < 10; ++c) {
      QCOMPARE(table->item(c, 0)->text(), QString::fromStdString(expected_.train.class_names[size_t(c)]));
      QCOMPARE(table->item(c, 1)->text(), QLocale().toString(qint64(trainCounts[size_t(c)])));
      QCOMPARE(table->item(c, 2)->text(), QLocale().toString(qint64(testCounts[size_t(c)])));
      samples += int(std::min<int64_t>(4, trainCounts[size_t(c)]));
    }
    QCOMPARE(table->item(10, 1)->text(), QStringLiteral("50"));
    QCOMPARE(table->item(10, 2)->text(), QStringLiteral("10"));

    widgets::ImageGrid* grid = panel.sampleGrid();
    QCOMPARE(grid->count(), samples);
    QCOMPARE(grid->items().front().caption, QStringLiteral("airplane"));
    QCOMPARE(grid->items().front().image.size(), QSize(32, 32));
    // The first airplane of the training split, pixel for pixel.
    int64_t first = 0;
    while (expected_.train.labels[first].item<int64_t>() != 0) ++first;
    const auto px = expected_.train.images.accessor<uint8_t, 4>();
    QCOMPARE(grid->items().front().image.pixel(5, 9), qRgb(px[first][0][9][5], px[first][1][9][5], px[first][2][9][5]));
  }

  void aMissingDatasetListsTheSearchedPlaces() {
    ProjectDocument doc;
    QString error;
    QVERIFY(doc.open(writeProject({{"name", "cifar10"}, {"path", "nowhere"}}), &error));
    DatasetPanel panel(&doc);
    QTRY_COMPARE(panel.state(), DatasetPanel::State::NotFound);
    const QString text = panel.messageText();
    QVERIFY2(text.contains(QString::fromStdString((*dir_ / "nowhere").string())), qPrintable(text));
    QVERIFY2(text.contains(QString::fromStdString(default_download_dir().string())), qPrintable(text));
    QCOMPARE(panel.summary().searched.size(), int(dataset_search_paths("cifar10", "nowhere", dir_->path()).size()));
    QCOMPARE(panel.downloadButton()->isVisibleTo(&panel), download_supported());
  }

  void followsTheProjectsDatasetSettings() {
    ProjectDocument doc;
    QString error;
    QVERIFY(doc.open(writeProject({{"name", "cifar10"}, {"path", "nowhere"}}), &error));
    DatasetPanel panel(&doc);
    QTRY_COMPARE(panel.state(), DatasetPanel::State::NotFound);
    QSignalSpy changed(&panel, &DatasetPanel::datasetChanged);

    doc.setValue("/training/epochs", 3);  // not a dataset setting: no reload
    QCOMPARE(panel.state(), DatasetPanel::State::NotFound);

    doc.setValue("/dataset/path", (*dir_ / "cifar").string());
    QTRY_COMPARE(panel.state(), DatasetPanel::State::Found);
    QCOMPARE(changed.size(), 1);

    doc.setValue("/dataset/train_limit", 20);
    QTRY_COMPARE(panel.summary().trainUsed, 20);
    QCOMPARE(panel.summary().trainSize, 50);

    doc.setValue("/dataset/name", "cifar100");  // through the JSON view, say
    QTRY_COMPARE(panel.state(), DatasetPanel::State::Failed);
    QVERIFY2(panel.messageText().contains("unknown dataset 'cifar100'"), qPrintable(panel.messageText()));
  }

  void brokenFilesAreReportedNotThrown() {
    const auto broken = *dir_ / "broken";
    test::write_cifar10_folder(broken, 2, 2, 1);
    test::write_bytes(broken / "data_batch_3.bin", "truncated");
    ProjectDocument doc;
    QString error;
    QVERIFY(doc.open(writeProject({{"name", "cifar10"}, {"path", broken.string()}}), &error));
    DatasetPanel panel(&doc);
    QTRY_COMPARE(panel.state(), DatasetPanel::State::Failed);
    QVERIFY2(panel.messageText().contains("data_batch_3.bin"), qPrintable(panel.messageText()));
  }

  // An image folder shows at the project's dataset.image_size, reports the files it left
  // out (dataset.on_unreadable "skip") and fails naming the file under "fail".
  void imageFolderFollowsItsSizeAndUnreadablePolicy() {
    const auto root = *dir_ / "images";
    for (const char* split : {"train", "val"})
      for (const char* cls : {"ant", "bee"})
        for (int i = 0; i < 2; ++i) {
          const auto folder = root / split / cls;
          std::filesystem::create_directories(folder);
          QImage image(30 + 10 * i, 20, QImage::Format_RGB32);  // not square: scaled and centre-cropped
          image.fill(QColor(cls[0] == 'a' ? 200 : 20, 40 * i, 90));
          QVERIFY(image.save(QString::fromStdString((folder / ("img" + std::to_string(i) + ".png")).string())));
        }
    test::write_bytes(root / "train" / "bee" / "broken.png", "not a png");
    ProjectDocument doc;
    QString error;
    QVERIFY(doc.open(writeProject({{"name", "image-folder"}, {"path", root.string()}, {"image_size", 24}}), &error));
    DatasetPanel panel(&doc);
    QTRY_COMPARE_WITH_TIMEOUT(panel.state(), DatasetPanel::State::Found, 20000);
    QCOMPARE(panel.summary().width, 24);
    QCOMPARE(panel.summary().height, 24);
    QCOMPARE(panel.summary().trainSize, 4);
    QVERIFY(!panel.summary().samples.isEmpty());
    QCOMPARE(panel.summary().samples.first().size(), QSize(24, 24));
    QCOMPARE(panel.summary().skippedFiles.size(), 1);
    QVERIFY2(panel.summary().skippedFiles.first().contains("broken.png"),
             qPrintable(panel.summary().skippedFiles.first()));

    doc.setValue("/dataset/image_size", 40);
    QTRY_COMPARE_WITH_TIMEOUT(panel.summary().width, 40, 20000);
    QCOMPARE(panel.summary().samples.first().size(), QSize(40, 40));

    doc.setValue("/dataset/on_unreadable", "fail");
    QTRY_COMPARE_WITH_TIMEOUT(panel.state(), DatasetPanel::State::Failed, 20000);
    QVERIFY2(panel.messageText().contains("broken.png"), qPrintable(panel.messageText()));
  }

  void rapidChangesDeliverOnlyTheLatest() {
    ProjectDocument doc;
    QString error;
    QVERIFY(doc.open(writeProject({{"name", "cifar10"}, {"path", "nowhere"}}), &error));
    DatasetPanel panel(&doc);
    QSignalSpy changed(&panel, &DatasetPanel::datasetChanged);
    for (int i = 0; i < 5; ++i) doc.setValue("/dataset/path", "typing" + std::to_string(i));
    doc.setValue("/dataset/path", (*dir_ / "cifar").string());
    QTRY_COMPARE(panel.state(), DatasetPanel::State::Found);
    // Once the loader is idle no answer is left to come: the stale ones were never sent.
    QTRY_VERIFY(!panel.findChild<gui::DatasetLoader*>()->isBusy());
    QCOMPARE(changed.size(), 1);
  }

  void screenshot() {
    SIMCLR_SKIP_WITHOUT_SHOTS();
    ProjectDocument doc;
    QString error;
    QVERIFY(doc.open(writeProject({{"name", "cifar10"}, {"path", "cifar"}}), &error));
    DatasetPanel panel(&doc);
    panel.resize(760, 520);
    panel.show();
    QTRY_COMPARE(panel.state(), DatasetPanel::State::Found);
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    QVERIFY(widgets::testing::saveShot(panel, "dataset_panel_found"));
    doc.setValue("/dataset/path", "nowhere");
    QTRY_COMPARE(panel.state(), DatasetPanel::State::NotFound);
    QVERIFY(widgets::testing::saveShot(panel, "dataset_panel_missing"));
  }
};

QTEST_MAIN(TestDatasetPanel)
#include "test_dataset_panel.moc"
