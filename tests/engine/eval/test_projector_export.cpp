#include <QtTest>

#include <QImage>

#include <fstream>
#include <sstream>

#include <torch/torch.h>

#include "engine/core/atomic_file.h"
#include "engine/core/error.h"
#include "engine/eval/projector_export.h"
#include "tests/support/temp_dir.h"

using namespace simclr;
namespace fs = std::filesystem;

namespace {

std::vector<std::vector<std::string>> read_tsv(const fs::path& file) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(read_file(file));
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> cells;
    std::string cell;
    std::istringstream l(line);
    while (std::getline(l, cell, '\t')) cells.push_back(cell);
    rows.push_back(cells);
  }
  return rows;
}

QImage load(const fs::path& file) {
  return QImage(QString::fromStdString(file.string())).convertToFormat(QImage::Format_RGB32);
}

}  // namespace

class TestProjectorExport : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void writesAllFourFiles() {
    test::TempDir dir;
    torch::manual_seed(3);
    const int64_t n = 10;
    const auto h = torch::randn({n, 6}) * 100;
    const auto z = torch::randn({n, 3});
    const auto labels = torch::tensor({0, 1, 2, 0, 1, 2, 0, 1, 2, 0}, torch::kLong);
    const auto images = torch::randint(0, 256, {n, 3, 8, 6}, torch::kByte);
    const auto indices = torch::arange(100, 100 + n, torch::kLong);
    const auto files = export_projector(dir / "proj", {{"h test", h}, {"z test", z}}, labels,
                                        {"cat", "dog\twith tab", "ship"}, images, indices);

    QCOMPARE(files.tensors.size(), size_t{2});
    QCOMPARE(files.tensors[0].filename().string(), std::string("tensors-h_test.tsv"));
    const auto rows = read_tsv(files.tensors[0]);
    QCOMPARE(rows.size(), size_t(n));
    for (int64_t i = 0; i < n; ++i) {
      QCOMPARE(rows[i].size(), size_t{6});
      for (int64_t j = 0; j < 6; ++j)  // shortest round-trip text: exact
        QCOMPARE(std::strtof(rows[i][j].c_str(), nullptr), h[i][j].item<float>());
    }
    QCOMPARE(read_tsv(files.tensors[1]).size(), size_t(n));

    const auto meta = read_tsv(files.metadata);
    QCOMPARE(meta.size(), size_t(n + 1));
    QCOMPARE(meta[0], (std::vector<std::string>{"index", "label", "class"}));
    QCOMPARE(meta[2], (std::vector<std::string>{"101", "1", "dog with tab"}));
    QCOMPARE(meta[3], (std::vector<std::string>{"102", "2", "ship"}));

    // 10 images -> a 4 x 4 grid of 6 x 8 cells, row by row, empty cells black.
    QCOMPARE(files.grid_side, int64_t{4});
    QCOMPARE(files.thumbnail_width, int64_t{6});
    QCOMPARE(files.thumbnail_height, int64_t{8});
    const QImage sprite = load(files.sprite);
    QCOMPARE(sprite.width(), 24);
    QCOMPARE(sprite.height(), 32);
    for (int64_t i = 0; i < 16; ++i)
      for (int y = 0; y < 8; ++y)
        for (int x = 0; x < 6; ++x) {
          const QRgb px = sprite.pixel(int(i % 4) * 6 + x, int(i / 4) * 8 + y);
          const int r = i < n ? images[i][0][y][x].item<int>() : 0;
          const int b = i < n ? images[i][2][y][x].item<int>() : 0;
          if (qRed(px) != r || qBlue(px) != b) QFAIL(qPrintable(QString("sprite cell %1 differs").arg(i)));
        }

    const std::string config = read_file(files.config);
    QVERIFY(config.find("tensor_name: \"h test\"") != std::string::npos);
    QVERIFY(config.find("tensor_path: \"tensors-z_test.tsv\"") != std::string::npos);
    QVERIFY(config.find("metadata_path: \"metadata.tsv\"") != std::string::npos);
    QVERIFY(config.find("image_path: \"sprite.png\"") != std::string::npos);
    QVERIFY(config.find("single_image_dim: 6\n    single_image_dim: 8") != std::string::npos);
    QCOMPARE(std::count(config.begin(), config.end(), '{'), 4L);  // two embeddings, two sprites
  }

  void oneTensorIsTensorsTsvAndGreyImagesGiveAGreySprite() {
    test::TempDir dir;
    const auto images = torch::full({5, 1, 4, 4}, 77, torch::kByte);
    const auto files =
        export_projector(dir.path(), {{"z", torch::ones({5, 2})}}, torch::zeros({5}, torch::kLong), {}, images);
    QCOMPARE(files.tensors.front().filename().string(), std::string("tensors.tsv"));
    const auto meta = read_tsv(files.metadata);
    QCOMPARE(meta[5], (std::vector<std::string>{"4", "0", "0"}));  // no class names: the label
    const QImage sprite(QString::fromStdString(files.sprite.string()));
    QVERIFY(sprite.isGrayscale());
    QCOMPARE(sprite.width(), 12);
    QCOMPARE(qGray(sprite.pixel(0, 0)), 77);
    QCOMPARE(qGray(sprite.pixel(11, 11)), 0);  // the last of 9 cells is empty
  }

  void thumbnailsShrinkToFitTheSpriteLimit() {
    // 10 images of 8 x 8 in a 4 x 4 grid need 32 px; a 20 px limit gives 5 x 5 cells.
    auto images = torch::zeros({10, 3, 8, 8}, torch::kByte);
    for (int64_t i = 0; i < 10; ++i) images[i].fill_(20 * i);
    int64_t tw = 0, th = 0, side = 0;
    const auto sheet = sprite_sheet(images, 20, &tw, &th, &side);
    QCOMPARE(tw, int64_t{5});
    QCOMPARE(th, int64_t{5});
    QCOMPARE(side, int64_t{4});
    QCOMPARE(sheet.sizes().vec(), (std::vector<int64_t>{20, 20, 3}));
    for (int64_t i = 0; i < 10; ++i)  // area averaging keeps uniform images uniform
      QVERIFY(sheet.slice(0, (i / 4) * 5, (i / 4) * 5 + 5)
                  .slice(1, (i % 4) * 5, (i % 4) * 5 + 5)
                  .eq(20 * i)
                  .all()
                  .item<bool>());
    QVERIFY_THROWS_EXCEPTION(ConfigError, sprite_sheet(torch::zeros({10, 3, 8, 8}, torch::kByte), 3));
  }

  void noImagesNoSprite() {
    test::TempDir dir;
    const auto files =
        export_projector(dir.path(), {{"h", torch::ones({3, 2})}}, torch::zeros({3}, torch::kLong), {}, {});
    QVERIFY(files.sprite.empty());
    QVERIFY(!fs::exists(dir / "sprite.png"));
    QVERIFY(read_file(files.config).find("sprite") == std::string::npos);
  }

  void inconsistentInputIsRejected() {
    test::TempDir dir;
    const auto y = torch::zeros({4}, torch::kLong);
    QVERIFY_THROWS_EXCEPTION(ConfigError, export_projector(dir.path(), {}, y, {}, {}));
    QVERIFY_THROWS_EXCEPTION(ConfigError, export_projector(dir.path(), {{"h", torch::ones({3, 2})}}, y, {}, {}));
    QVERIFY_THROWS_EXCEPTION(
        ConfigError, export_projector(dir.path(), {{"h", torch::ones({4, 2})}, {"z", torch::ones({5, 2})}}, y, {}, {}));
    QVERIFY_THROWS_EXCEPTION(ConfigError, export_projector(dir.path(), {{"h", torch::ones({4, 2})}}, y, {},
                                                           torch::zeros({3, 3, 4, 4}, torch::kByte)));
    QVERIFY_THROWS_EXCEPTION(ConfigError, sprite_sheet(torch::zeros({3, 2, 4, 4}, torch::kByte), 100));
  }
};

QTEST_GUILESS_MAIN(TestProjectorExport)
#include "test_projector_export.moc"
