// The augmentation preview on a tiny CIFAR-10 fixture: the views it shows are the engine
// pipeline's output under the trainer's view generators, they follow the project's
// augmentation setting and the seed, and the preset buttons write the setting.
#include <QLabel>
#include <QPushButton>
#include <QtTest>

#include <torch/torch.h>

#include "app/gui/augmentation/augmentation_preview.h"
#include "app/gui/augmentation/augmentation_views.h"
#include "app/gui/project/project_document.h"
#include "app/gui/jobs/tensor_image.h"
#include "engine/augment/augment_pipeline.h"
#include "engine/core/atomic_file.h"
#include "engine/project/project_file.h"
#include "engine/train/view_generator.h"
#include "tests/support/dataset_fixtures.h"
#include "tests/support/temp_dir.h"
#include "tests/widgets/widget_shots.h"
#include "widgets/image_grid.h"

using namespace simclr;
using nlohmann::json;
using simclr::gui::AugmentationPreview;
using simclr::gui::ProjectDocument;

// Views are made on the panel's thread: wait until the newest set is shown.
#define SETTLE(panel) QTRY_VERIFY(!(panel).isBusy())
#define WAIT_FOR_VIEWS(panel) \
  QTRY_VERIFY(!(panel).isBusy() && !(panel).views().originals.isEmpty() && !(panel).views().views[0].isEmpty())

namespace {

// The index of `image` in the dataset (images are random, so pixels identify them).
int64_t datasetIndex(const ImageDataset& ds, const QImage& image) {
  for (int64_t i = 0; i < ds.size(); ++i)
    if (gui::imageFromDataset(ds, i) == image) return i;
  return -1;
}

// float [C, H, W] in [0, 1] as the bytes a view image must hold.
QImage expectedImage(const torch::Tensor& view) {
  const auto bytes = view.mul(255).round().clamp(0, 255).to(torch::kByte).contiguous();
  return gui::imageFromPlanar(bytes.data_ptr<uint8_t>(), int(bytes.size(0)), int(bytes.size(1)), int(bytes.size(2)));
}

QImage mirrored(const QImage& image) {
  return image.mirrored(true, false);
}

// RGB QImages of one size as the uint8 [B, 3, H, W] batch the trainer would augment.
torch::Tensor batchOf(const QVector<QImage>& images) {
  auto batch = torch::empty({int64_t(images.size()), 3, images[0].height(), images[0].width()}, torch::kByte);
  auto out = batch.accessor<uint8_t, 4>();
  for (int b = 0; b < images.size(); ++b) {
    const QImage rgb = images[b].convertToFormat(QImage::Format_RGB888);
    for (int y = 0; y < rgb.height(); ++y)
      for (int x = 0; x < rgb.width(); ++x) {
        const QRgb p = rgb.pixel(x, y);
        out[b][0][y][x] = uint8_t(qRed(p));
        out[b][1][y][x] = uint8_t(qGreen(p));
        out[b][2][y][x] = uint8_t(qBlue(p));
      }
  }
  return batch;
}

}  // namespace

class TestAugmentationPreview : public QObject {
  Q_OBJECT

  test::TempDir* dir_ = nullptr;
  DatasetSplits data_;

  QString writeProject(const json& augmentation, uint64_t seed) {
    json p = to_json(ProjectConfig{});
    p["dataset"] = {{"name", "cifar10"}, {"path", "cifar"}};
    p["augmentation"] = augmentation;
    p["training"]["seed"] = seed;
    const auto file = *dir_ / "project.json";
    write_file_atomically(file, p.dump(2));
    return QString::fromStdString(file.string());
  }

 private Q_SLOTS:
  void initTestCase() {
    dir_ = new test::TempDir("augpreview");
    qunsetenv("SIMCLR_DATA_DIR");
    qputenv("XDG_DATA_HOME", QByteArray::fromStdString((*dir_ / "xdg").string()));
    qputenv("XDG_CACHE_HOME", QByteArray::fromStdString((*dir_ / "xdg-cache").string()));  // image-folder caches
    data_ = test::write_cifar10_folder(*dir_ / "cifar", 10, 10, 11);                       // 50 training images
  }
  void cleanupTestCase() { delete dir_; }

  void showsTheEnginesViews_data() {
    QTest::addColumn<QString>("preset");
    QTest::addColumn<quint64>("seed");
    QTest::newRow("paper") << "paper" << quint64(3);
    QTest::newRow("simclr-cifar") << "simclr-cifar" << quint64(42);
  }
  void showsTheEnginesViews() {
    QFETCH(QString, preset);
    QFETCH(quint64, seed);
    ProjectDocument doc;
    QString error;
    const json spec = {{"preset", preset.toStdString()}};
    QVERIFY(doc.open(writeProject(spec, seed), &error));
    AugmentationPreview panel(&doc);
    panel.resize(900, 600);
    WAIT_FOR_VIEWS(panel);
    QCOMPARE(panel.seed(), seed);
    QVERIFY(panel.messageText().isEmpty());
    const auto& shown = panel.views();
    QCOMPARE(shown.originals.size(), panel.sampleCount());

    // The same images through the engine, with the trainer's generators for step 0.
    std::vector<int64_t> indices;
    for (const QImage& image : shown.originals) {
      indices.push_back(datasetIndex(data_.train, image));
      QVERIFY(indices.back() >= 0);
    }
    const auto batch = data_.train.images.index_select(0, torch::tensor(indices));
    const auto pipeline = AugmentPipeline::from_json(spec);
    for (int v = 0; v < 2; ++v) {
      QCOMPARE(shown.views[size_t(v)].size(), int(indices.size()));
      for (int b = 0; b < int(indices.size()); ++b) {
        auto gen = image_view_generator(seed, 0, v, b);
        AugmentTrace trace;
        const auto view = pipeline.apply(batch.slice(0, b, b + 1), gen, &trace);
        QCOMPARE(shown.views[size_t(v)][b], expectedImage(view[0]));
        QCOMPARE(shown.branches[size_t(v)][b], int(trace.branch[0].item<int64_t>()));
        // The grid holds the original and both views, at a readable zoom.
        const int cell = panel.gridIndex(b, v);
        QVERIFY(cell >= 0);
        QCOMPARE(panel.grid()->items()[cell].image.convertToFormat(QImage::Format_RGB888), shown.views[size_t(v)][b]);
      }
    }
    QCOMPARE(panel.grid()->items()[panel.gridIndex(0, -1)].image.convertToFormat(QImage::Format_RGB888),
             shown.originals[0]);
    QVERIFY(panel.grid()->cellSize() >= 3 * 32);
    // Algorithm 1 is a random choice: every view names its branch.
    if (preset == "paper") {
      for (int v = 0; v < 2; ++v)
        for (int b = 0; b < shown.originals.size(); ++b) {
          const QString note = shown.notes[size_t(v)][b];
          QVERIFY2(note.startsWith(shown.branches[size_t(v)][b] == 0 ? "then: " : "else: "), qPrintable(note));
        }
    } else {
      QVERIFY(shown.branches[0].count(-1) == shown.originals.size());
    }
    qInfo("augmenting %d images took %.1f ms", int(shown.originals.size()), panel.lastMilliseconds());
  }

  // Each view's caption names the ops that fired, also inside a random_choice branch.
  void captionsNameTheOps() {
    QVector<QImage> images;
    for (int64_t i = 0; i < 6; ++i) images << gui::imageFromDataset(data_.train, i);
    const json spec = json::parse(R"({"preset": "custom", "ops": [{"op": "random_choice", "p": 0.5,
        "then": [{"op": "solarize", "threshold": 0.5, "p": 1.0}],
        "else": [{"op": "posterize", "bits": 2, "p": 1.0}]}]})");
    const auto shown = gui::augmentImages(images, spec, 7);
    QVERIFY2(shown.error.isEmpty(), qPrintable(shown.error));
    const QStringList notes = shown.notes[0] + shown.notes[1];
    QVERIFY(notes.contains("then: solarize") && notes.contains("else: posterize"));
    for (int v = 0; v < 2; ++v)
      for (int b = 0; b < images.size(); ++b)
        QCOMPARE(shown.notes[size_t(v)][b],
                 QString(shown.branches[size_t(v)][b] == 0 ? "then: solarize" : "else: posterize"));
  }

  // An image folder is previewed at the project's dataset.image_size, as training reads it.
  void previewsAnImageFolderAtItsConfiguredSize() {
    const auto root = *dir_ / "images";
    for (const char* split : {"train", "val"})
      for (const char* cls : {"ant", "bee"})
        for (int i = 0; i < 2; ++i) {
          std::filesystem::create_directories(root / split / cls);
          QImage image(50, 30 + 10 * i, QImage::Format_RGB32);
          image.fill(QColor(cls[0] == 'a' ? 210 : 30, 60 * i, 120));
          QVERIFY(
              image.save(QString::fromStdString((root / split / cls / ("img" + std::to_string(i) + ".png")).string())));
        }
    json p = to_json(ProjectConfig{});
    p["dataset"] = {{"name", "image-folder"}, {"path", root.string()}, {"image_size", 28}};
    p["augmentation"] = {{"preset", "simclr-cifar"}};
    const auto file = *dir_ / "image-folder.json";
    write_file_atomically(file, p.dump(2));
    ProjectDocument doc;
    QString error;
    QVERIFY(doc.open(QString::fromStdString(file.string()), &error));
    AugmentationPreview panel(&doc);
    WAIT_FOR_VIEWS(panel);
    QVERIFY2(panel.messageText().isEmpty(), qPrintable(panel.messageText()));
    QCOMPARE(panel.summary().width, 28);
    QCOMPARE(panel.views().originals.first().size(), QSize(28, 28));

    doc.setValue("/dataset/image_size", 36);
    QTRY_COMPARE(panel.summary().width, 36);
    WAIT_FOR_VIEWS(panel);
    QTRY_COMPARE(panel.views().originals.first().size(), QSize(36, 36));
  }

  void followsTheAugmentationSetting() {
    ProjectDocument doc;
    QString error;
    const json flipAlways = {{"preset", "custom"}, {"ops", {{{"op", "horizontal_flip"}, {"p", 1.0}}}}};
    QVERIFY(doc.open(writeProject(flipAlways, 1), &error));
    AugmentationPreview panel(&doc);
    WAIT_FOR_VIEWS(panel);
    for (int v = 0; v < 2; ++v)
      for (int b = 0; b < panel.views().originals.size(); ++b)
        QCOMPARE(panel.views().views[size_t(v)][b], mirrored(panel.views().originals[b]));

    // A parameter edited in the document: the views update at once.
    QSignalSpy updated(&panel, &AugmentationPreview::viewsChanged);
    doc.setValue("/augmentation/ops/0/p", 0.0);
    QVERIFY(panel.isBusy());  // never blocks: the views follow from the panel's thread
    QTRY_COMPARE(updated.count(), 1);
    for (int v = 0; v < 2; ++v)
      for (int b = 0; b < panel.views().originals.size(); ++b)
        QCOMPARE(panel.views().views[size_t(v)][b], panel.views().originals[b]);

    // An invalid value is reported, not shown.
    doc.setValue("/augmentation/ops/0/p", 2.0);
    SETTLE(panel);
    QVERIFY(panel.views().views[0].isEmpty());
    QVERIFY2(panel.messageText().contains("ops[0].p"), qPrintable(panel.messageText()));
    doc.setValue("/augmentation/ops/0/p", 1.0);
    SETTLE(panel);
    QVERIFY(panel.messageText().isEmpty());
    QCOMPARE(panel.views().views[0][0], mirrored(panel.views().originals[0]));
  }

  void seedDecidesTheViews() {
    ProjectDocument doc;
    QString error;
    QVERIFY(doc.open(writeProject({{"preset", "simclr-cifar"}}, 7), &error));
    AugmentationPreview panel(&doc);
    WAIT_FOR_VIEWS(panel);
    const auto first = panel.views().views;

    panel.reroll();
    SETTLE(panel);
    QVERIFY(panel.seed() != 7);
    QVERIFY(panel.views().views != first);
    QCOMPARE(panel.views().originals.size(), first[0].size());

    // Back to the same seed: the same views; another panel on it agrees.
    panel.setSeed(7);
    SETTLE(panel);
    QVERIFY(panel.views().views == first);
    AugmentationPreview other(&doc);
    WAIT_FOR_VIEWS(other);
    QVERIFY(other.views().views == first);

    // The project's seed drives the preview.
    doc.setValue("/training/seed", 8);
    SETTLE(panel);
    QCOMPARE(panel.seed(), quint64(8));
    QVERIFY(panel.views().views != first);
  }

  void shuffleAndCount() {
    ProjectDocument doc;
    QString error;
    QVERIFY(doc.open(writeProject({{"preset", "paper"}}, 1), &error));
    AugmentationPreview panel(&doc);
    WAIT_FOR_VIEWS(panel);
    const auto picked = panel.sampleIndices();
    panel.shuffle();
    SETTLE(panel);
    QCOMPARE(panel.sampleIndices().size(), picked.size());
    QVERIFY(panel.sampleIndices() != picked);
    panel.setSampleCount(16);
    SETTLE(panel);
    QCOMPARE(panel.views().originals.size(), 16);
    QCOMPARE(panel.views().views[1].size(), 16);
    // The paper's setting: 16 views resized to 224 (measured, not asserted: it stays synchronous).
    doc.setValue("/augmentation/image_size", 224);
    SETTLE(panel);
    QCOMPARE(panel.views().views[1][0].width(), 224);
    qInfo("16 images of 224 px took %.1f ms", panel.lastMilliseconds());
  }

  void presetsOneClickApart() {
    ProjectDocument doc;
    QString error;
    QVERIFY(doc.open(writeProject({{"preset", "simclr-cifar"}, {"image_size", 48}}, 1), &error));
    AugmentationPreview panel(&doc);
    WAIT_FOR_VIEWS(panel);
    auto* paper = panel.findChild<QPushButton*>("preset-paper");
    auto* cifar = panel.findChild<QPushButton*>("preset-simclr-cifar");
    QVERIFY(paper && cifar);
    QVERIFY(cifar->isChecked() && !paper->isChecked());
    QTest::mouseClick(paper, Qt::LeftButton);
    SETTLE(panel);
    QCOMPARE(doc.value("/augmentation"), json({{"preset", "paper"}, {"image_size", 48}}));
    QVERIFY(paper->isChecked() && !cifar->isChecked());
    QVERIFY(panel.legend()->isVisibleTo(&panel));  // Algorithm 1 branches: the frames are explained
    QCOMPARE(panel.views().views[0][0].width(), 48);
    QVERIFY(panel.views().notes[0][0].startsWith("then: ") || panel.views().notes[0][0].startsWith("else: "));
    QTest::mouseClick(cifar, Qt::LeftButton);
    SETTLE(panel);
    QCOMPARE(doc.value("/augmentation/preset"), json("simclr-cifar"));
    QVERIFY(cifar->isChecked());
    QVERIFY(!panel.legend()->isVisibleTo(&panel));
  }

  // Issue #6: image files from disk, resized to the dataset's 32 px, through the same views.
  void opensImageFiles() {
    ProjectDocument doc;
    QString error;
    const json spec = {{"preset", "paper"}};
    QVERIFY(doc.open(writeProject(spec, 5), &error));
    AugmentationPreview panel(&doc);
    panel.resize(900, 600);
    WAIT_FOR_VIEWS(panel);
    auto* back = panel.findChild<QPushButton*>("previewDatasetSamples");
    QVERIFY(panel.findChild<QPushButton*>("previewOpenImages") && back);
    QVERIFY(!back->isEnabled());

    // A 64 x 48 flat colour (scaled and cropped to 32 x 32) and a 32 x 32 pattern (kept as is).
    const QString flat = QString::fromStdString((*dir_ / "flat.png").string());
    const QString pattern = QString::fromStdString((*dir_ / "pattern.png").string());
    QImage big(64, 48, QImage::Format_RGB888);
    big.fill(QColor(200, 30, 40));
    QVERIFY(big.save(flat));
    QImage small(32, 32, QImage::Format_RGB888);
    for (int y = 0; y < 32; ++y)
      for (int x = 0; x < 32; ++x) small.setPixelColor(x, y, QColor(8 * x, 8 * y, 255 - 4 * (x + y)));
    QVERIFY(small.save(pattern));

    panel.openImageFiles({flat, pattern});
    QVERIFY(panel.isBusy());  // decoded on the panel's thread
    QTRY_VERIFY(!panel.isBusy() && panel.showingFiles());
    QVERIFY2(panel.messageText().isEmpty(), qPrintable(panel.messageText()));
    const auto& shown = panel.views();
    QCOMPARE(shown.originals.size(), 2);
    QCOMPARE(panel.fileNames(), (QStringList{"flat.png", "pattern.png"}));
    QCOMPARE(shown.originals[0].size(), QSize(32, 32));
    QCOMPARE(shown.originals[0].pixelColor(0, 0), QColor(200, 30, 40));
    QCOMPARE(shown.originals[0].pixelColor(31, 31), QColor(200, 30, 40));
    QCOMPARE(shown.originals[1], small);
    // The trainer's views of exactly these images.
    const auto batch = batchOf(shown.originals);
    const auto pipeline = AugmentPipeline::from_json(spec);
    for (int v = 0; v < 2; ++v)
      for (int b = 0; b < 2; ++b) {
        auto gen = image_view_generator(5, 0, v, b);
        QCOMPARE(shown.views[size_t(v)][b], expectedImage(pipeline.apply(batch.slice(0, b, b + 1), gen, nullptr)[0]));
      }
    // The grid shows them, captioned with their file names.
    QCOMPARE(panel.grid()->items()[panel.gridIndex(0, -1)].caption, QStringLiteral("flat.png"));
    QCOMPARE(panel.grid()->items()[panel.gridIndex(1, -1)].image.convertToFormat(QImage::Format_RGB888), small);
    QVERIFY(panel.gridIndex(1, 1) >= 0);
    QVERIFY(back->isEnabled());

    // A corrupt file: named in the message; what was shown stays.
    const std::string bad = (*dir_ / "broken.jpg").string();
    test::write_bytes(bad, "these bytes are no JPEG");
    panel.openImageFiles({QString::fromStdString(bad)});
    QTRY_VERIFY(!panel.isBusy());
    QVERIFY2(panel.messageText().contains(QString::fromStdString(bad)), qPrintable(panel.messageText()));
    QVERIFY2(panel.messageText().contains("not an image"), qPrintable(panel.messageText()));
    QVERIFY(panel.showingFiles());
    QCOMPARE(panel.views().originals.size(), 2);

    // A good and a bad one: the good one shown, the bad one reported.
    panel.openImageFiles({pattern, QString::fromStdString(bad)});
    QTRY_VERIFY(!panel.isBusy() && panel.views().originals.size() == 1);
    QVERIFY2(panel.messageText().contains("1 of 2"), qPrintable(panel.messageText()));

    // Back to the dataset.
    QTest::mouseClick(back, Qt::LeftButton);
    WAIT_FOR_VIEWS(panel);
    QVERIFY(!panel.showingFiles());
    QVERIFY(panel.messageText().isEmpty());
    QCOMPARE(panel.views().originals.size(), panel.sampleCount());
    QVERIFY(datasetIndex(data_.train, panel.views().originals[0]) >= 0);
    QVERIFY(!back->isEnabled());
  }

  void screenshot() {
    SIMCLR_SKIP_WITHOUT_SHOTS();
    ProjectDocument doc;
    QString error;
    QVERIFY(doc.open(writeProject({{"preset", "paper"}}, 1), &error));
    AugmentationPreview panel(&doc);
    panel.resize(1100, 700);
    panel.show();
    WAIT_FOR_VIEWS(panel);
    QVERIFY(widgets::testing::saveShot(panel, "augmentation_preview"));
  }
};

QTEST_MAIN(TestAugmentationPreview)
#include "test_augmentation_preview.moc"
