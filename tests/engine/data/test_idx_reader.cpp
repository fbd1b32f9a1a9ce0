#include <QtTest>

#include <fstream>

#include "engine/core/error.h"
#include "engine/data/dataset_locator.h"
#include "engine/data/idx_reader.h"
#include "tests/support/dataset_fixtures.h"
#include "tests/support/temp_dir.h"

using namespace simclr;
namespace fs = std::filesystem;

namespace {
enum class Damage {
  Remove,         // delete the file
  WrongMagic,     // a label file where images are expected
  CutHeader,      // shorter than the header
  CutData,        // fewer pixels than the header announces
  TrailingBytes,  // more bytes than announced
  FewerLabels,    // label count differs from image count
  LabelTooBig,    // label 10 with 10 classes
  CorruptGzip,    // deflate data damaged
  CutGzip,        // gzip stream cut in half
  HugeSizes,      // header sizes whose product overflows
};

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}
}  // namespace
Q_DECLARE_METATYPE(Damage)

class TestIdxReader : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void readsBackFixtureExactly_data() {
    QTest::addColumn<bool>("gz");
    QTest::newRow("plain") << false;
    QTest::newRow("gzip") << true;
  }
  void readsBackFixtureExactly() {
    QFETCH(bool, gz);
    if (gz && !test::have_gzip()) QSKIP("built without zlib");
    test::TempDir dir;
    const DatasetSplits want = test::write_idx_folder(dir.path(), 7, 5, gz, 21, 28, 10);
    QVERIFY(fs::exists(dir / (gz ? "train-images-idx3-ubyte.gz" : "train-images-idx3-ubyte")));
    const DatasetSplits got = load_idx_dataset(dir.path(), "mnist", mnist_class_names());
    QCOMPARE(got.name, std::string("mnist"));
    QCOMPARE(got.train.images.sizes().vec(), (std::vector<int64_t>{7, 1, 28, 28}));
    QCOMPARE(got.train.images.scalar_type(), torch::kByte);
    QCOMPARE(got.train.labels.scalar_type(), torch::kLong);
    QVERIFY(torch::equal(got.train.images, want.train.images));
    QVERIFY(torch::equal(got.train.labels, want.train.labels));
    QVERIFY(torch::equal(got.test.images, want.test.images));
    QVERIFY(torch::equal(got.test.labels, want.test.labels));
    QCOMPARE(got.test.class_names, mnist_class_names());
  }

  void readsNonSquareImagesDirectly() {
    test::TempDir dir;
    const ImageDataset ds = test::make_random_images(3, 1, 5, 7, 4, 8);
    test::write_bytes(dir / "img", test::idx_images_bytes(ds.images));
    test::write_bytes(dir / "lab", test::idx_labels_bytes(ds.labels));
    const torch::Tensor images = read_idx_images(dir / "img");
    QCOMPARE(images.sizes().vec(), (std::vector<int64_t>{3, 1, 5, 7}));
    QVERIFY(torch::equal(images, ds.images));
    QVERIFY(torch::equal(read_idx_labels(dir / "lab"), ds.labels));
  }

  void emptyFilesGiveEmptyTensors() {
    test::TempDir dir;
    const ImageDataset ds = test::make_random_images(0, 1, 28, 28, 10, 8);
    test::write_bytes(dir / "img", test::idx_images_bytes(ds.images));
    QCOMPARE(read_idx_images(dir / "img").size(0), 0);
  }

  void malformedInputThrowsDataErrorNamingTheFile_data() {
    QTest::addColumn<bool>("gz");
    QTest::addColumn<QString>("file");
    QTest::addColumn<Damage>("damage");
    QTest::addColumn<QString>("problem");
    QTest::newRow("missing labels") << false << "t10k-labels-idx1-ubyte" << Damage::Remove << "missing file";
    QTest::newRow("wrong magic") << false << "train-images-idx3-ubyte" << Damage::WrongMagic
                                 << "wrong IDX magic number";
    QTest::newRow("header cut") << false << "t10k-images-idx3-ubyte" << Damage::CutHeader << "truncated";
    QTest::newRow("pixels cut") << false << "train-images-idx3-ubyte" << Damage::CutData << "truncated";
    QTest::newRow("labels cut") << false << "train-labels-idx1-ubyte" << Damage::CutData << "truncated";
    QTest::newRow("trailing bytes") << false << "t10k-images-idx3-ubyte" << Damage::TrailingBytes << "unexpected bytes";
    QTest::newRow("count mismatch") << false << "train-labels-idx1-ubyte" << Damage::FewerLabels << "labels but";
    QTest::newRow("label beyond classes") << false << "t10k-labels-idx1-ubyte" << Damage::LabelTooBig << "label 10";
    QTest::newRow("implausible sizes") << false << "train-images-idx3-ubyte" << Damage::HugeSizes << "implausible";
    QTest::newRow("gz pixels cut") << true << "train-images-idx3-ubyte.gz" << Damage::CutData << "truncated";
    QTest::newRow("corrupt gzip") << true << "train-images-idx3-ubyte.gz" << Damage::CorruptGzip << "corrupt gzip";
    QTest::newRow("gzip cut short") << true << "t10k-labels-idx1-ubyte.gz" << Damage::CutGzip << "corrupt gzip";
  }
  void malformedInputThrowsDataErrorNamingTheFile() {
    QFETCH(bool, gz);
    QFETCH(QString, file);
    QFETCH(Damage, damage);
    QFETCH(QString, problem);
    if (gz && !test::have_gzip()) QSKIP("built without zlib");
    test::TempDir dir;
    const DatasetSplits fixture = test::write_idx_folder(dir.path(), 6, 4, gz, 31, 10, 10);
    const fs::path target = dir / file.toStdString();
    std::string bytes = read_all(target);
    auto rewrite = [&](const std::string& raw) { test::write_bytes(target, gz ? test::gzip_bytes(raw) : raw); };
    switch (damage) {
      case Damage::Remove:
        fs::remove(target);
        break;
      case Damage::WrongMagic:
        bytes[3] = char(0x01);
        rewrite(bytes);
        break;
      case Damage::CutHeader:
        rewrite(bytes.substr(0, 10));
        break;
      case Damage::CutData: {
        // Cut the uncompressed content (re-created from the fixture for .gz files).
        const std::string full = !gz                       ? bytes
                                 : file.contains("images") ? test::idx_images_bytes(fixture.train.images)
                                                           : test::idx_labels_bytes(fixture.train.labels);
        rewrite(full.substr(0, full.size() - 3));
        break;
      }
      case Damage::TrailingBytes:
        rewrite(bytes + "xyz");
        break;
      case Damage::FewerLabels:
        rewrite(test::idx_labels_bytes(fixture.train.labels.slice(0, 0, 5)));
        break;
      case Damage::LabelTooBig:
        bytes[8 + 2] = char(10);
        rewrite(bytes);
        break;
      case Damage::CorruptGzip:
        for (size_t i = bytes.size() / 3; i < bytes.size() / 3 + 16; ++i) bytes[i] = char(~bytes[i]);
        test::write_bytes(target, bytes);
        break;
      case Damage::HugeSizes:
        for (size_t i = 4; i < 16; ++i) bytes[i] = char(0xff);
        rewrite(bytes);
        break;
      case Damage::CutGzip:
        test::write_bytes(target, bytes.substr(0, bytes.size() / 2));
        break;
    }
    try {
      load_idx_dataset(dir.path(), "mnist", mnist_class_names());
      QFAIL("no DataError thrown");
    } catch (const DataError& e) {
      const QString message = QString::fromStdString(e.what());
      qInfo("%s", e.what());
      // The message names the file (the .gz suffix may be written as "[.gz]" for a missing one).
      QString stem = file;
      stem.remove(".gz");
      QVERIFY2(message.contains(stem), qPrintable(message));
      QVERIFY2(message.contains(problem), qPrintable(message));
      QVERIFY2(!message.contains('\n'), "one-line message");
    }
  }

  void realFashionMnistLoads() {
    // Debian's dataset-fashion-mnist package, or a copy under $SIMCLR_DATA_DIR.
    fs::path dir;
    for (const fs::path& p : {test::real_data_dir() / "fashion-mnist", fs::path("/usr/share/datasets/fashion-mnist")})
      if (!p.empty() && looks_like_dataset("fashion-mnist", p)) {
        dir = p;
        break;
      }
    if (dir.empty()) QSKIP("Fashion-MNIST not installed (apt install dataset-fashion-mnist)");
    QElapsedTimer timer;
    timer.start();
    const DatasetSplits d = load_dataset("fashion-mnist", dir);
    qInfo("real Fashion-MNIST (%s) loaded in %lld ms", dir.c_str(), static_cast<long long>(timer.elapsed()));
    QCOMPARE(d.train.images.sizes().vec(), (std::vector<int64_t>{60000, 1, 28, 28}));
    QCOMPARE(d.test.size(), 10000);
    QCOMPARE(d.test.class_counts(), std::vector<int64_t>(10, 1000));
    QCOMPARE(d.train.class_counts(), std::vector<int64_t>(10, 6000));
    QCOMPARE(d.train.class_names.front(), std::string("T-shirt/top"));
  }
};

QTEST_GUILESS_MAIN(TestIdxReader)
#include "test_idx_reader.moc"
