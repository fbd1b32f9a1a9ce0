#include <QtTest>

#include <fstream>

#include <nlohmann/json.hpp>

#include "engine/core/atomic_file.h"
#include "engine/core/error.h"
#include "engine/data/channel_stats.h"
#include "engine/data/cifar10_reader.h"
#include "tests/support/dataset_fixtures.h"
#include "tests/support/temp_dir.h"

using namespace simclr;
namespace fs = std::filesystem;

namespace {
// The float64 reference: scale to [0, 1], then mean and population std per channel.
ChannelStats reference_stats(const ImageDataset& ds) {
  const torch::Tensor x = ds.images.to(torch::kDouble) / 255.0;
  const torch::Tensor mean = x.mean({0, 2, 3});
  const torch::Tensor var = (x - mean.view({1, -1, 1, 1})).pow(2).mean({0, 2, 3});
  ChannelStats s;
  for (int64_t c = 0; c < ds.channels(); ++c) {
    s.mean.push_back(mean[c].item<double>());
    s.std.push_back(var[c].sqrt().item<double>());
  }
  return s;
}

void compare_stats(const ChannelStats& got, const ChannelStats& want, double tol) {
  QCOMPARE(got.mean.size(), want.mean.size());
  QCOMPARE(got.std.size(), want.std.size());
  for (size_t c = 0; c < want.mean.size(); ++c) {
    const auto text = [&](const char* what, double a, double b) {
      return QString("%1[%2] %3 vs %4").arg(what).arg(c).arg(a, 0, 'g', 17).arg(b, 0, 'g', 17);
    };
    QVERIFY2(std::abs(got.mean[c] - want.mean[c]) <= tol, qPrintable(text("mean", got.mean[c], want.mean[c])));
    QVERIFY2(std::abs(got.std[c] - want.std[c]) <= tol, qPrintable(text("std", got.std[c], want.std[c])));
  }
}

enum class Change { Subset, OtherName, Pixels, Garbage, WrongChannels, EmptyFile, NegativeStd };
}  // namespace
Q_DECLARE_METATYPE(Change)

class TestChannelStats : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void matchesFloat64Reference_data() {
    QTest::addColumn<int>("n");
    QTest::addColumn<int>("channels");
    QTest::addColumn<int>("side");
    QTest::newRow("rgb 32x32") << 50 << 3 << 32;
    QTest::newRow("grey 28x28") << 37 << 1 << 28;
    QTest::newRow("single image") << 1 << 3 << 5;
  }
  void matchesFloat64Reference() {
    QFETCH(int, n);
    QFETCH(int, channels);
    QFETCH(int, side);
    const ImageDataset ds = test::make_random_images(n, channels, side, side, 10, 77);
    compare_stats(compute_channel_stats(ds), reference_stats(ds), 1e-12);
  }

  void skewedValuesMatchReference() {
    // Far from uniform: mostly dark with a few bright pixels, per channel different.
    ImageDataset ds = test::make_random_images(40, 3, 16, 16, 10, 5);
    ds.images =
        (ds.images.to(torch::kFloat) / 37).to(torch::kByte) * torch::tensor({1, 3, 7}, torch::kByte).view({1, 3, 1, 1});
    ds.images = ds.images.contiguous();
    compare_stats(compute_channel_stats(ds), reference_stats(ds), 1e-12);
  }

  void constantImagesHaveZeroStd() {
    ImageDataset ds = test::make_random_images(9, 2, 4, 4, 2, 1);
    ds.images.fill_(51);
    const ChannelStats s = compute_channel_stats(ds);
    QCOMPARE(s.mean, (std::vector<double>{0.2, 0.2}));
    QCOMPARE(s.std, (std::vector<double>{0.0, 0.0}));
  }

  void emptyDatasetIsAnError() {
    const ImageDataset empty = test::make_random_images(0, 3, 4, 4, 2, 1);
    QVERIFY_THROWS_EXCEPTION(DataError, compute_channel_stats(empty));
  }

  void cacheIsWrittenAndReused() {
    test::TempDir dir;
    const ImageDataset ds = test::make_random_images(30, 3, 8, 8, 10, 9);
    const fs::path cache = dir / "stats" / "cifar10.json";
    bool from_cache = true;
    const ChannelStats first = load_or_compute_channel_stats(ds, "cifar10", cache, &from_cache);
    QVERIFY(!from_cache);
    QVERIFY(fs::exists(cache));
    compare_stats(first, reference_stats(ds), 1e-12);

    // Doctor the cached numbers: a reused cache returns them as they are.
    nlohmann::json j = nlohmann::json::parse(read_file(cache));
    j["mean"] = {0.125, 0.25, 0.5};
    write_file_atomically(cache, j.dump());
    const ChannelStats second = load_or_compute_channel_stats(ds, "cifar10", cache, &from_cache);
    QVERIFY(from_cache);
    QCOMPARE(second.mean, (std::vector<double>{0.125, 0.25, 0.5}));
    QCOMPARE(second.std, first.std);
  }

  void cacheIsRecomputedWhenKeyDiffersOrFileIsBad_data() {
    QTest::addColumn<Change>("change");
    QTest::newRow("fewer images") << Change::Subset;
    QTest::newRow("other dataset name") << Change::OtherName;
    QTest::newRow("different pixels, same size") << Change::Pixels;
    QTest::newRow("garbage file") << Change::Garbage;
    QTest::newRow("wrong channel count") << Change::WrongChannels;
    QTest::newRow("empty file") << Change::EmptyFile;
    QTest::newRow("negative std") << Change::NegativeStd;
  }
  void cacheIsRecomputedWhenKeyDiffersOrFileIsBad() {
    QFETCH(Change, change);
    test::TempDir dir;
    const fs::path cache = dir / "stats.json";
    const ImageDataset original = test::make_random_images(30, 3, 8, 8, 10, 9);
    load_or_compute_channel_stats(original, "cifar10", cache);

    ImageDataset ds = original;
    std::string name = "cifar10";
    nlohmann::json j = nlohmann::json::parse(read_file(cache));
    switch (change) {
      case Change::Subset:
        ds = original.subset(torch::arange(29, torch::kLong));
        break;
      case Change::OtherName:
        name = "cifar10-copy";
        break;
      case Change::Pixels:
        ds.images = original.images.clone();
        ds.images[0][0][0][0] = static_cast<uint8_t>(original.images[0][0][0][0].item<uint8_t>() ^ 0x80);
        break;
      case Change::Garbage:
        write_file_atomically(cache, "{\"key\": [1, 2");
        break;
      case Change::WrongChannels:
        j["mean"] = {0.5};
        write_file_atomically(cache, j.dump());
        break;
      case Change::EmptyFile:
        write_file_atomically(cache, "");
        break;
      case Change::NegativeStd:
        j["std"] = {0.1, -0.2, 0.3};
        write_file_atomically(cache, j.dump());
        break;
    }
    bool from_cache = true;
    const ChannelStats s = load_or_compute_channel_stats(ds, name, cache, &from_cache);
    QVERIFY(!from_cache);
    compare_stats(s, reference_stats(ds), 1e-12);
    // The file now holds the new entry.
    load_or_compute_channel_stats(ds, name, cache, &from_cache);
    QVERIFY(from_cache);
  }

  void unwritableCacheIsNotAnError() {
    test::TempDir dir;
    test::write_bytes(dir / "a-file", "x");
    const ImageDataset ds = test::make_random_images(5, 3, 4, 4, 2, 3);
    bool from_cache = true;
    const ChannelStats s = load_or_compute_channel_stats(ds, "cifar10", dir / "a-file" / "stats.json", &from_cache);
    QVERIFY(!from_cache);
    compare_stats(s, reference_stats(ds), 1e-12);
  }

  void realCifar10StatsMatchPublishedValues() {
    const fs::path root = test::real_data_dir();
    if (root.empty()) QSKIP("SIMCLR_DATA_DIR is not set: real CIFAR-10 not tested");
    const fs::path dir = root / "cifar-10-batches-bin";
    if (!fs::exists(dir / "data_batch_1.bin")) QSKIP("no cifar-10-batches-bin in SIMCLR_DATA_DIR");
    const DatasetSplits d = load_cifar10(dir);
    QElapsedTimer timer;
    timer.start();
    const ChannelStats s = compute_channel_stats(d.train);
    qInfo("channel stats of 50000 CIFAR-10 images in %lld ms: mean %.4f %.4f %.4f std %.4f %.4f %.4f",
          static_cast<long long>(timer.elapsed()), s.mean[0], s.mean[1], s.mean[2], s.std[0], s.std[1], s.std[2]);
    // The commonly quoted CIFAR-10 training-set values (population std over all pixels).
    // The shared copy's training images went through JPEG, hence the loose tolerance.
    compare_stats(s, ChannelStats{{0.4914, 0.4822, 0.4465}, {0.2470, 0.2435, 0.2616}}, 0.01);
  }
};

QTEST_GUILESS_MAIN(TestChannelStats)
#include "test_channel_stats.moc"
