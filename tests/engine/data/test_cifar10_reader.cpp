#include <QtTest>

#include <fstream>

#include "engine/core/error.h"
#include "engine/data/cifar10_reader.h"
#include "engine/data/dataset_locator.h"
#include "tests/support/dataset_fixtures.h"
#include "tests/support/temp_dir.h"

using namespace simclr;
namespace fs = std::filesystem;

namespace {
// How a malformed-input case damages the fixture folder.
enum class Damage { Remove, Truncate, BadLabel, Empty, ShortMeta, Folder };

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}
}  // namespace
Q_DECLARE_METATYPE(Damage)

class TestCifar10Reader : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void readsBackFixtureExactly() {
    test::TempDir dir;
    const DatasetSplits want = test::write_cifar10_folder(dir.path(), 3, 4, 11);
    const DatasetSplits got = load_cifar10(dir.path());
    QCOMPARE(got.name, std::string("cifar10"));
    QCOMPARE(got.root, dir.path());
    QCOMPARE(got.train.size(), 15);
    QCOMPARE(got.test.size(), 4);
    QCOMPARE(got.train.images.sizes().vec(), (std::vector<int64_t>{15, 3, 32, 32}));
    QCOMPARE(got.train.images.scalar_type(), torch::kByte);
    QCOMPARE(got.train.labels.scalar_type(), torch::kLong);
    QVERIFY(got.train.images.is_contiguous());
    QVERIFY(torch::equal(got.train.images, want.train.images));
    QVERIFY(torch::equal(got.train.labels, want.train.labels));
    QVERIFY(torch::equal(got.test.images, want.test.images));
    QVERIFY(torch::equal(got.test.labels, want.test.labels));
    QCOMPARE(got.train.class_names, cifar10_class_names());
    QCOMPARE(got.test.class_names, cifar10_class_names());
  }

  void pixelLayoutIsRedGreenBluePlanes() {
    // One record written by hand: label 7, red plane 1, green plane 2, blue = x coordinate.
    test::TempDir dir;
    std::string rec(1, char(7));
    rec += std::string(1024, char(1)) + std::string(1024, char(2));
    for (int y = 0; y < 32; ++y)
      for (int x = 0; x < 32; ++x) rec.push_back(char(x));
    test::write_bytes(dir / "one.bin", rec);
    const ImageDataset ds = read_cifar10_batches({dir / "one.bin"}, cifar10_class_names());
    QCOMPARE(ds.labels[0].item<int64_t>(), 7);
    QCOMPARE(ds.images[0][0][5][9].item<uint8_t>(), uint8_t(1));
    QCOMPARE(ds.images[0][1][31][0].item<uint8_t>(), uint8_t(2));
    QCOMPARE(ds.images[0][2][3][17].item<uint8_t>(), uint8_t(17));
  }

  void readsBatchesInGivenOrder() {
    test::TempDir dir;
    test::write_cifar10_folder(dir.path(), 2, 1, 3);
    const ImageDataset a = read_cifar10_batches({dir / "data_batch_2.bin"}, {});
    const ImageDataset b = read_cifar10_batches({dir / "data_batch_1.bin"}, {});
    const ImageDataset ab = read_cifar10_batches({dir / "data_batch_2.bin", dir / "data_batch_1.bin"}, {});
    QVERIFY(torch::equal(ab.images, torch::cat({a.images, b.images})));
    QVERIFY(torch::equal(ab.labels, torch::cat({a.labels, b.labels})));
    QCOMPARE(ab.class_names, cifar10_class_names());  // empty names: the standard ones
  }

  void missingMetaFileGivesStandardNames() {
    test::TempDir dir;
    test::write_cifar10_folder(dir.path(), 1, 1, 4);
    fs::remove(dir / "batches.meta.txt");
    QCOMPARE(load_cifar10(dir.path()).train.class_names, cifar10_class_names());
  }

  void customMetaNamesAreUsed() {
    test::TempDir dir;
    test::write_cifar10_folder(dir.path(), 1, 1, 4);
    std::string meta;
    for (int i = 0; i < 10; ++i) meta += "  name " + std::to_string(i) + "\r\n";
    test::write_bytes(dir / "batches.meta.txt", meta + "\n\n");
    const auto names = load_cifar10(dir.path()).train.class_names;
    QCOMPARE(names.size(), size_t(10));
    QCOMPARE(names[3], std::string("name 3"));
  }

  // A generated or carried set on a machine without the whole dataset: data_batch_1.bin up
  // to data_batch_k.bin and test_batch.bin load, with one line saying the set is partial.
  void partialSetLoadsAndSaysSo_data() {
    QTest::addColumn<int>("batches");
    for (int k = 1; k <= 5; ++k) QTest::newRow(qPrintable(QString("%1 of 5").arg(k))) << k;
  }
  void partialSetLoadsAndSaysSo() {
    QFETCH(int, batches);
    test::TempDir dir;
    const DatasetSplits want = test::write_cifar10_folder(dir.path(), 3, 4, 21);
    for (int i = batches + 1; i <= 5; ++i) fs::remove(dir / ("data_batch_" + std::to_string(i) + ".bin"));
    std::vector<std::string> notes;
    ImageFolderOptions options;  // load_dataset hands the note to the options' warning callback
    options.on_warning = [&notes](const std::string& note) { notes.push_back(note); };
    const DatasetSplits got = load_dataset("cifar10", dir.path(), options);
    QCOMPARE(got.train.size(), 3 * batches);
    QVERIFY(torch::equal(got.train.images, want.train.images.slice(0, 0, 3 * batches)));
    QVERIFY(torch::equal(got.train.labels, want.train.labels.slice(0, 0, 3 * batches)));
    QVERIFY(torch::equal(got.test.images, want.test.images));
    if (batches == 5) {
      QVERIFY(notes.empty());  // the whole set: nothing to say
      return;
    }
    QCOMPARE(notes.size(), size_t(1));
    const QString note = QString::fromStdString(notes.front());
    qInfo("%s", qPrintable(note));
    QVERIFY2(note.contains("partial set"), qPrintable(note));
    QVERIFY2(note.contains(QString("%1 of the 5 training batches").arg(batches)), qPrintable(note));
    QVERIFY2(note.contains(QString("%1 training images").arg(3 * batches)), qPrintable(note));
    QVERIFY2(note.contains(QString("data_batch_%1.bin").arg(batches + 1)), qPrintable(note));
    QVERIFY2(!note.contains('\n'), "one line");
  }

  // A gap before the last batch present is damage, not a partial set; no batch at all too.
  void incompleteSetIsRefused_data() {
    QTest::addColumn<QStringList>("removed");
    QTest::addColumn<QStringList>("named");
    QTest::newRow("gap") << QStringList{"data_batch_2.bin"} << QStringList{"data_batch_2.bin"};
    QTest::newRow("no training batch") << QStringList{"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin",
                                                      "data_batch_4.bin", "data_batch_5.bin"}
                                       << QStringList{"data_batch_1.bin", "data_batch_5.bin"};
    QTest::newRow("partial without test batch")
        << QStringList{"data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin", "test_batch.bin"}
        << QStringList{"test_batch.bin"};
  }
  void incompleteSetIsRefused() {
    QFETCH(QStringList, removed);
    QFETCH(QStringList, named);
    test::TempDir dir;
    test::write_cifar10_folder(dir.path(), 2, 2, 5);
    for (const QString& f : removed) fs::remove(dir / f.toStdString());
    try {
      load_cifar10(dir.path());
      QFAIL("no DataError thrown");
    } catch (const DataError& e) {
      const QString message = QString::fromStdString(e.what());
      QVERIFY2(message.contains("missing"), qPrintable(message));
      for (const QString& f : named) QVERIFY2(message.contains(f), qPrintable(message));
    }
  }

  void malformedInputThrowsDataErrorNamingTheFile_data() {
    QTest::addColumn<QString>("file");
    QTest::addColumn<Damage>("damage");
    QTest::addColumn<QString>("problem");
    QTest::newRow("missing test batch") << "test_batch.bin" << Damage::Remove << "missing";
    QTest::newRow("missing train batch") << "data_batch_4.bin" << Damage::Remove << "missing";
    QTest::newRow("truncated record") << "data_batch_2.bin" << Damage::Truncate << "truncated record";
    QTest::newRow("label out of range") << "data_batch_3.bin" << Damage::BadLabel << "label 10 out of range";
    QTest::newRow("empty batch") << "test_batch.bin" << Damage::Empty << "empty file";
    QTest::newRow("meta lists 3 names") << "batches.meta.txt" << Damage::ShortMeta << "expected 10 class names";
    QTest::newRow("folder instead of batch") << "data_batch_5.bin" << Damage::Folder << "missing";
  }
  void malformedInputThrowsDataErrorNamingTheFile() {
    QFETCH(QString, file);
    QFETCH(Damage, damage);
    QFETCH(QString, problem);
    test::TempDir dir;
    test::write_cifar10_folder(dir.path(), 3, 3, 5);
    const fs::path target = dir / file.toStdString();
    std::string bytes = read_all(target);
    switch (damage) {
      case Damage::Remove:
        fs::remove(target);
        break;
      case Damage::Truncate:
        bytes.pop_back();
        test::write_bytes(target, bytes);
        break;
      case Damage::BadLabel:
        bytes[kCifarRecordBytes] = char(10);
        test::write_bytes(target, bytes);
        break;
      case Damage::Empty:
        test::write_bytes(target, "");
        break;
      case Damage::ShortMeta:
        test::write_bytes(target, "cat\ndog\nfrog\n");
        break;
      case Damage::Folder:
        fs::remove(target);
        fs::create_directory(target);
        break;
    }
    try {
      load_cifar10(dir.path());
      QFAIL("no DataError thrown");
    } catch (const DataError& e) {
      const QString message = QString::fromStdString(e.what());
      qInfo("%s", e.what());
      QVERIFY2(message.contains(file), qPrintable(message));
      QVERIFY2(message.contains(problem), qPrintable(message));
      QVERIFY2(!message.contains('\n'), "one-line message");
    }
  }

  void realCifar10LoadsCompletely() {
    const fs::path root = test::real_data_dir();
    if (root.empty()) QSKIP("SIMCLR_DATA_DIR is not set: real CIFAR-10 not tested");
    const fs::path dir = root / "cifar-10-batches-bin";
    if (!fs::exists(dir / "data_batch_1.bin")) QSKIP("no cifar-10-batches-bin in SIMCLR_DATA_DIR");
    QElapsedTimer timer;
    timer.start();
    const DatasetSplits d = load_cifar10(dir);
    qInfo("real CIFAR-10 loaded in %lld ms", static_cast<long long>(timer.elapsed()));
    QCOMPARE(d.train.size(), 50000);
    QCOMPARE(d.test.size(), 10000);
    QCOMPARE(d.train.images.sizes().vec(), (std::vector<int64_t>{50000, 3, 32, 32}));
    QCOMPARE(d.test.class_counts(), std::vector<int64_t>(10, 1000));
    QCOMPARE(d.train.class_counts(), std::vector<int64_t>(10, 5000));
    QCOMPARE(d.train.class_names, cifar10_class_names());
    d.train.check("train");
    d.test.check("test");
    // Not a blank buffer: real photographs use the whole value range.
    QVERIFY(d.test.images.max().item<uint8_t>() == 255);
    QVERIFY(d.test.images.min().item<uint8_t>() == 0);
  }
};

QTEST_GUILESS_MAIN(TestCifar10Reader)
#include "test_cifar10_reader.moc"
