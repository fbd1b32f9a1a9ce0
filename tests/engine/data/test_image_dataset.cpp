#include <QtTest>

#include "engine/core/error.h"
#include "engine/data/image_dataset.h"
#include "tests/support/dataset_fixtures.h"

using namespace simclr;

namespace {
ImageDataset with_labels(std::vector<int64_t> labels, int64_t num_classes) {
  ImageDataset ds = test::make_random_images(static_cast<int64_t>(labels.size()), 2, 3, 4, num_classes, 5);
  ds.labels = torch::tensor(labels, torch::kLong);
  return ds;
}
std::vector<int64_t> to_vector(const torch::Tensor& t) {
  const torch::Tensor c = t.to(torch::kLong).contiguous();
  return std::vector<int64_t>(c.data_ptr<int64_t>(), c.data_ptr<int64_t>() + c.numel());
}
}  // namespace

class TestImageDataset : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void accessorsReportShape() {
    const ImageDataset ds = test::make_random_images(10, 3, 4, 5, 3, 1);
    QCOMPARE(ds.size(), 10);
    QCOMPARE(ds.channels(), 3);
    QCOMPARE(ds.height(), 4);
    QCOMPARE(ds.width(), 5);
    QCOMPARE(ds.num_classes(), 3);
    ds.check("fixture");  // consistent: must not throw
  }

  void emptyDatasetHasSizeZero() {
    const ImageDataset ds;
    QCOMPARE(ds.size(), 0);
    QCOMPARE(ds.channels(), 0);
    QVERIFY(ds.class_counts().empty());
  }

  void subsetCopiesRowsInIndexOrder() {
    const ImageDataset ds = test::make_random_images(10, 3, 4, 5, 3, 2);
    const ImageDataset sub = ds.subset(torch::tensor(std::vector<int64_t>{3, 0, 3}, torch::kLong));
    QCOMPARE(sub.size(), 3);
    QVERIFY(torch::equal(sub.images[0], ds.images[3]));
    QVERIFY(torch::equal(sub.images[1], ds.images[0]));
    QVERIFY(torch::equal(sub.images[2], ds.images[3]));
    QCOMPARE(to_vector(sub.labels), (std::vector<int64_t>{ds.labels[3].item<int64_t>(), ds.labels[0].item<int64_t>(),
                                                          ds.labels[3].item<int64_t>()}));
    QVERIFY(sub.images.is_contiguous());
    QCOMPARE(sub.class_names, ds.class_names);
    // A copy: writing to the subset leaves the source alone.
    const uint8_t before = ds.images[0][0][0][0].item<uint8_t>();
    sub.images[1][0][0][0] = static_cast<uint8_t>(before + 1);
    QCOMPARE(ds.images[0][0][0][0].item<uint8_t>(), before);
  }

  void subsetRejectsOutOfRangeIndices_data() {
    QTest::addColumn<qint64>("index");
    QTest::newRow("negative") << qint64(-1);
    QTest::newRow("past the end") << qint64(10);
  }
  void subsetRejectsOutOfRangeIndices() {
    QFETCH(qint64, index);
    const ImageDataset ds = test::make_random_images(10, 1, 2, 2, 2, 3);
    QVERIFY_THROWS_EXCEPTION(ConfigError, ds.subset(torch::tensor(std::vector<int64_t>{0, index}, torch::kLong)));
  }

  void classCountsCountEveryClass() {
    const ImageDataset ds = with_labels({0, 2, 2, 1, 2, 0}, 4);
    QCOMPARE(ds.class_counts(), (std::vector<int64_t>{2, 1, 3, 0}));
  }

  void balancedSubsetTakesFirstPerClassInDatasetOrder_data() {
    QTest::addColumn<qint64>("perClass");
    QTest::addColumn<QList<qint64>>("expected");
    QTest::newRow("two per class") << qint64(2) << QList<qint64>{0, 1, 2, 3, 4, 6};
    QTest::newRow("one per class") << qint64(1) << QList<qint64>{0, 1, 3};
    QTest::newRow("more than available") << qint64(9) << QList<qint64>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    QTest::newRow("none") << qint64(0) << QList<qint64>{};
  }
  void balancedSubsetTakesFirstPerClassInDatasetOrder() {
    QFETCH(qint64, perClass);
    QFETCH(QList<qint64>, expected);
    const std::vector<int64_t> expectedIndices(expected.begin(), expected.end());
    const ImageDataset ds = with_labels({0, 1, 0, 2, 1, 0, 2, 2, 1, 0}, 3);
    const ImageDataset sub = ds.balanced_subset(perClass);
    const ImageDataset want = ds.subset(torch::tensor(expectedIndices, torch::kLong));
    QCOMPARE(sub.size(), static_cast<int64_t>(expectedIndices.size()));
    QVERIFY(torch::equal(sub.images, want.images));
    QCOMPARE(to_vector(sub.labels), to_vector(want.labels));
  }

  void limitedToKeepsClassesBalanced_data() {
    QTest::addColumn<int>("total");
    QTest::addColumn<int>("expected");
    QTest::newRow("all when 0") << 0 << 100;
    QTest::newRow("all when larger") << 500 << 100;
    QTest::newRow("half") << 50 << 50;
    QTest::newRow("rounds down per class") << 47 << 40;
    QTest::newRow("at least one per class") << 3 << 10;
  }
  void limitedToKeepsClassesBalanced() {
    QFETCH(int, total);
    QFETCH(int, expected);
    ImageDataset ds = test::make_random_images(100, 1, 2, 2, 10, 9);
    ds.labels = torch::arange(100, torch::kLong).remainder(10);  // exactly 10 per class
    const ImageDataset limited = ds.limited_to(total);
    QCOMPARE(limited.size(), int64_t{expected});
    if (expected < 100) {
      const auto counts = limited.class_counts();
      for (const auto c : counts) QCOMPARE(c, counts.front());
    }
  }

  void balancedSubsetRejectsNegativeCount() {
    const ImageDataset ds = with_labels({0, 1}, 2);
    QVERIFY_THROWS_EXCEPTION(ConfigError, ds.balanced_subset(-1));
  }

  void checkRejectsInconsistentDatasets() {
    ImageDataset ds = with_labels({0, 1, 5}, 3);
    QVERIFY_THROWS_EXCEPTION(DataError, ds.check("bad labels"));
    ds = with_labels({0, 1}, 3);
    ds.labels = torch::tensor(std::vector<int64_t>{0}, torch::kLong);
    QVERIFY_THROWS_EXCEPTION(DataError, ds.check("count mismatch"));
  }

  void fingerprintFollowsContents() {
    const ImageDataset a = test::make_random_images(200, 3, 8, 8, 10, 4);
    ImageDataset b = a.subset(torch::arange(200, torch::kLong));
    QCOMPARE(dataset_fingerprint(a), dataset_fingerprint(b));
    QCOMPARE(dataset_fingerprint(a).size(), size_t(16));
    b.images[0][1][2][3] = static_cast<uint8_t>(a.images[0][1][2][3].item<uint8_t>() ^ 1);  // first image is sampled
    QVERIFY(dataset_fingerprint(a) != dataset_fingerprint(b));
    ImageDataset c = a.subset(torch::arange(200, torch::kLong));
    c.labels[57] = (c.labels[57].item<int64_t>() + 1) % 10;
    QVERIFY(dataset_fingerprint(a) != dataset_fingerprint(c));
    QVERIFY(dataset_fingerprint(a) != dataset_fingerprint(a.subset(torch::arange(199, torch::kLong))));
  }
};

QTEST_GUILESS_MAIN(TestImageDataset)
#include "test_image_dataset.moc"
