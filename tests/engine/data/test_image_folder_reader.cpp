#include <QtTest>

#include <algorithm>
#include <chrono>
#include <numeric>
#include <set>
#include <memory>

#include <opencv2/imgcodecs.hpp>

#include "engine/core/error.h"
#include "engine/data/dataset_locator.h"
#include "engine/data/image_folder_reader.h"
#include "tests/support/dataset_fixtures.h"
#include "tests/support/temp_dir.h"

using namespace simclr;
namespace fs = std::filesystem;

namespace {

const std::vector<std::string> kClasses = {"cat", "dog", "zebra"};

// Class c's colour, shaded by image index i so every image differs: RGB.
cv::Scalar rgb_of(int c, int i) {
  return cv::Scalar(40 + 80 * c, 10 + 20 * i, 200 - 60 * c);
}

// A constant image of an RGB colour (OpenCV writes BGR), h x w.
void write_png(const fs::path& file, cv::Scalar rgb, int h, int w) {
  fs::create_directories(file.parent_path());
  const cv::Mat m(h, w, CV_8UC3, cv::Scalar(rgb[2], rgb[1], rgb[0]));
  QVERIFY(cv::imwrite(file.string(), m));
}

// train/<class>/ with 3 images (written in reverse name order, of different sizes) and
// <held_out>/<class>/ with 2. Image i of class c is named img<i>.png and has rgb_of(c, i).
void write_folder(const fs::path& root, const std::string& held_out = "val") {
  const int sizes[][2] = {{20, 30}, {24, 24}, {40, 16}};
  for (int c = 0; c < 3; ++c) {
    for (int i = 2; i >= 0; --i)
      write_png(root / "train" / kClasses[size_t(c)] / ("img" + std::to_string(i) + ".png"), rgb_of(c, i), sizes[i][0],
                sizes[i][1]);
    for (int i = 0; i < 2; ++i)
      write_png(root / held_out / kClasses[size_t(c)] / ("img" + std::to_string(i) + ".png"), rgb_of(c, i), 16, 16);
  }
}

// The colour of image n of a split as RGB ints.
std::array<int, 3> colour(const ImageDataset& ds, int64_t n) {
  const torch::Tensor centre = ds.images[n].select(1, ds.height() / 2).select(1, ds.width() / 2);
  return {centre[0].item<int>(), centre[1].item<int>(), centre[2].item<int>()};
}

bool constant_image(const ImageDataset& ds, int64_t n) {
  const torch::Tensor img = ds.images[n].to(torch::kInt);
  return torch::equal(img.amax({1, 2}), img.amin({1, 2}));
}

void expect_error(const fs::path& root, const QStringList& parts, const ImageFolderOptions& options) {
  try {
    load_image_folder(root, options);
    QFAIL("no DataError");
  } catch (const DataError& e) {
    const QString what = QString::fromStdString(e.what());
    for (const auto& part : parts) QVERIFY2(what.contains(part), qPrintable(what + "\n  lacks: " + part));
  }
}

void set_newer(const fs::path& file) {
  fs::last_write_time(file, fs::last_write_time(file) + std::chrono::seconds(5));
}

}  // namespace

class TestImageFolderReader : public QObject {
  Q_OBJECT
  std::unique_ptr<test::TempDir> tmp_;
  fs::path root_;
  ImageFolderOptions options_;

 private Q_SLOTS:
  void init() {
    tmp_ = std::make_unique<test::TempDir>("simclr-image-folder");
    root_ = tmp_->path() / "subset";
    write_folder(root_);
    options_ = {};
    options_.image_size = 12;
    options_.cache_dir = tmp_->path() / "cache";
  }
  void cleanup() { tmp_.reset(); }

  void readsClassesLabelsAndPixels() {
    ImageFolderStats stats;
    const DatasetSplits d = load_image_folder(root_, options_, &stats);
    QCOMPARE(QString::fromStdString(d.name), QStringLiteral("image-folder"));
    QCOMPARE(d.root, root_);
    QCOMPARE(d.train.class_names, kClasses);
    QCOMPARE(d.test.class_names, kClasses);
    QCOMPARE(d.train.images.sizes().vec(), (std::vector<int64_t>{9, 3, 12, 12}));
    QCOMPARE(d.test.images.sizes().vec(), (std::vector<int64_t>{6, 3, 12, 12}));
    QCOMPARE(d.train.images.scalar_type(), torch::kByte);
    QVERIFY(torch::equal(d.train.labels, torch::tensor({0, 0, 0, 1, 1, 1, 2, 2, 2}, torch::kLong)));
    QVERIFY(torch::equal(d.test.labels, torch::tensor({0, 0, 1, 1, 2, 2}, torch::kLong)));
    // Sorted by path (img0, img1, img2) though written img2 first; RGB order kept.
    for (int c = 0; c < 3; ++c)
      for (int i = 0; i < 3; ++i) {
        const cv::Scalar want = rgb_of(c, i);
        const auto got = colour(d.train, 3 * c + i);
        QCOMPARE(got, (std::array<int, 3>{int(want[0]), int(want[1]), int(want[2])}));
        QVERIFY(constant_image(d.train, 3 * c + i));
      }
    d.train.check("train");
    d.test.check("val");
    QCOMPARE(stats.files, int64_t{15});
    QCOMPARE(stats.decoded, int64_t{15});
    QCOMPARE(stats.skipped, int64_t{0});
    QVERIFY(!stats.from_cache);
    QVERIFY(fs::is_regular_file(stats.cache_file));
    QCOMPARE(stats.cache_file.parent_path(), options_.cache_dir);
  }

  void defaultSizeAndTestFolder() {
    const fs::path other = tmp_->path() / "other";
    write_folder(other, "test");
    ImageFolderOptions options;
    options.cache_dir = options_.cache_dir;
    const DatasetSplits d = load_image_folder(other, options);
    QCOMPARE(d.train.height(), kDefaultImageFolderSize);
    QCOMPARE(d.train.width(), kDefaultImageFolderSize);
    QCOMPARE(d.test.size(), int64_t{6});
  }

  void decodesOnOneOrManyThreadsAlike() {
    ImageFolderOptions one = options_, many = options_;
    one.use_cache = many.use_cache = false;
    one.threads = 1;
    many.threads = 4;
    const DatasetSplits a = load_image_folder(root_, one), b = load_image_folder(root_, many);
    QVERIFY(torch::equal(a.train.images, b.train.images));
    QVERIFY(torch::equal(a.test.images, b.test.images));
  }

  void skipPolicyLeavesOutAndReports() {
    const fs::path bad = root_ / "train" / "dog" / "img1b.jpg";
    test::write_bytes(bad, "this is not a JPEG at all");
    test::write_bytes(root_ / "train" / "dog" / "notes.txt", "not an image name: ignored");
    std::vector<std::string> warnings;
    options_.on_warning = [&](const std::string& w) { warnings.push_back(w); };
    ImageFolderStats stats;
    const DatasetSplits d = load_image_folder(root_, options_, &stats);
    QCOMPARE(d.train.size(), int64_t{9});
    QCOMPARE(stats.files, int64_t{16});
    QCOMPARE(stats.decoded, int64_t{15});
    QCOMPARE(stats.skipped, int64_t{1});
    QCOMPARE(stats.skipped_files.size(), size_t{1});
    QVERIFY(QString::fromStdString(stats.skipped_files[0]).startsWith(QString::fromStdString(bad.string())));
    QCOMPARE(warnings.size(), size_t{1});
    QVERIFY(QString::fromStdString(warnings[0]).contains(QString::fromStdString(bad.string())));
    QVERIFY(torch::equal(d.train.labels, torch::tensor({0, 0, 0, 1, 1, 1, 2, 2, 2}, torch::kLong)));

    // From the cache, the skipped file is still reported.
    warnings.clear();
    ImageFolderStats again;
    load_image_folder(root_, options_, &again);
    QVERIFY(again.from_cache);
    QCOMPARE(again.skipped, int64_t{1});
    QCOMPARE(warnings.size(), size_t{1});
  }

  void failPolicyNamesTheFile() {
    const fs::path bad = root_ / "val" / "zebra" / "broken.png";
    test::write_bytes(bad, "\x89PNG\r\n\x1a\n truncated");
    options_.on_unreadable = UnreadablePolicy::Fail;
    expect_error(root_, {QString::fromStdString(bad.string()), "PNG", "on_unreadable"}, options_);
    QVERIFY(!fs::exists(options_.cache_dir) || fs::is_empty(options_.cache_dir));
  }

  void parsesThePolicy() {
    QVERIFY(parse_unreadable_policy("skip") == UnreadablePolicy::Skip);
    QVERIFY(parse_unreadable_policy("fail") == UnreadablePolicy::Fail);
    QVERIFY_THROWS_EXCEPTION(ConfigError, parse_unreadable_policy("ignore"));
  }

  void secondLoadComesFromTheCache() {
    ImageFolderStats first, second;
    const DatasetSplits a = load_image_folder(root_, options_, &first);
    const DatasetSplits b = load_image_folder(root_, options_, &second);
    QVERIFY(!first.from_cache);
    QVERIFY(second.from_cache);
    QCOMPARE(second.decoded, int64_t{0});
    QCOMPARE(second.key, first.key);
    QVERIFY(torch::equal(a.train.images, b.train.images));
    QVERIFY(torch::equal(a.train.labels, b.train.labels));
    QVERIFY(torch::equal(a.test.images, b.test.images));
    QVERIFY(torch::equal(a.test.labels, b.test.labels));
    QCOMPARE(b.train.class_names, a.train.class_names);
    QCOMPARE(b.root, root_);
  }

  void changesInvalidateTheCache_data() {
    QTest::addColumn<QString>("change");
    QTest::addColumn<int>("trainSize");
    QTest::newRow("touched") << "touch" << 9;
    QTest::newRow("rewritten, other colour") << "rewrite" << 9;
    QTest::newRow("added") << "add" << 10;
    QTest::newRow("removed") << "remove" << 8;
    QTest::newRow("other image size") << "size" << 9;
  }
  void changesInvalidateTheCache() {
    QFETCH(QString, change);
    QFETCH(int, trainSize);
    load_image_folder(root_, options_);
    const fs::path file = root_ / "train" / "cat" / "img1.png";
    if (change == "touch") set_newer(file);
    if (change == "rewrite") {
      write_png(file, cv::Scalar(1, 2, 3), 24, 24);  // same size of file, likely; the time differs
      set_newer(file);
    }
    if (change == "add") write_png(root_ / "train" / "zebra" / "img9.png", rgb_of(2, 9), 8, 8);
    if (change == "remove") fs::remove(file);
    if (change == "size") options_.image_size = 10;
    ImageFolderStats stats;
    const DatasetSplits d = load_image_folder(root_, options_, &stats);
    QVERIFY(!stats.from_cache);
    QCOMPARE(d.train.size(), int64_t(trainSize));
    if (change == "rewrite") QCOMPARE(colour(d.train, 1), (std::array<int, 3>{1, 2, 3}));
    ImageFolderStats again;
    load_image_folder(root_, options_, &again);
    QVERIFY(again.from_cache);
  }

  void corruptCacheIsRebuilt() {
    ImageFolderStats first;
    const DatasetSplits a = load_image_folder(root_, options_, &first);
    test::write_bytes(first.cache_file, "garbage");
    ImageFolderStats second;
    const DatasetSplits b = load_image_folder(root_, options_, &second);
    QVERIFY(!second.from_cache);
    QVERIFY(torch::equal(a.train.images, b.train.images));
    ImageFolderStats third;
    load_image_folder(root_, options_, &third);
    QVERIFY(third.from_cache);
  }

  void cacheDefaultsToTheUserCacheFolder() {
    const QByteArray old = qgetenv("XDG_CACHE_HOME");
    qputenv("XDG_CACHE_HOME", QByteArray::fromStdString((tmp_->path() / "xdg-cache").string()));
    options_.cache_dir.clear();
    ImageFolderStats stats;
    load_image_folder(root_, options_, &stats);
    qputenv("XDG_CACHE_HOME", old);
    QCOMPARE(stats.cache_file.parent_path(), tmp_->path() / "xdg-cache" / "simclr-workbench" / "image-folders");
    QVERIFY(fs::is_regular_file(stats.cache_file));
  }

  void foldersHaveTheirOwnIds() {
    const std::string a = image_folder_id(root_, options_);
    QCOMPARE(a.size(), size_t{16});
    QCOMPARE(image_folder_id(root_ / ".", options_), a);
    QVERIFY(image_folder_id(tmp_->path() / "other", options_) != a);
    ImageFolderOptions bigger = options_;
    bigger.image_size = 32;
    QVERIFY(image_folder_id(root_, bigger) != a);
  }

  void layoutErrors_data() {
    QTest::addColumn<QString>("layout");
    QTest::addColumn<QStringList>("parts");
    QTest::newRow("no val, too few to hold out")
        << "no-val" << QStringList{"9 images are too few to hold 10% out", "dataset.holdout_fraction", "val/"};
    QTest::newRow("val class not in train") << "extra-class" << QStringList{"lion", "train/", "cat, dog, zebra"};
    QTest::newRow("no train folder") << "no-train" << QStringList{"no train/", "dataset.labels"};
    QTest::newRow("train without classes") << "empty-train" << QStringList{"train", "no class folders"};
    QTest::newRow("class without images") << "empty-class" << QStringList{"dog", "no image files"};
    QTest::newRow("val without images") << "empty-val" << QStringList{"val", "no image files"};
    QTest::newRow("class all unreadable") << "all-bad" << QStringList{"dog", "none of its 3 image files"};
  }
  void layoutErrors() {
    QFETCH(QString, layout);
    QFETCH(QStringList, parts);
    if (layout == "no-val") fs::remove_all(root_ / "val");
    if (layout == "extra-class") write_png(root_ / "val" / "lion" / "a.png", rgb_of(0, 0), 8, 8);
    if (layout == "no-train") fs::remove_all(root_ / "train");
    if (layout == "empty-train") {
      fs::remove_all(root_ / "train");
      fs::create_directories(root_ / "train");
      test::write_bytes(root_ / "train" / "stray.png", "x");
    }
    if (layout == "empty-class") {
      fs::remove_all(root_ / "train" / "dog");
      fs::create_directories(root_ / "train" / "dog" / "nested");
    }
    if (layout == "empty-val")
      for (const auto& c : kClasses) fs::remove_all(root_ / "val" / c);
    if (layout == "all-bad")
      for (int i = 0; i < 3; ++i) test::write_bytes(root_ / "train" / "dog" / ("img" + std::to_string(i) + ".png"), "");
    options_.labels = FolderLabels::Folders;  // these layouts say they have classes
    expect_error(root_, parts + QStringList{QString::fromStdString(root_.string())}, options_);
  }

  void nestedAndHiddenFiles() {
    write_png(root_ / "train" / "cat" / "more" / "deep.png", rgb_of(0, 5), 8, 8);
    write_png(root_ / "train" / "cat" / ".thumbs" / "t.png", rgb_of(0, 6), 8, 8);
    write_png(root_ / "train" / ".cache" / "x" / "t.png", rgb_of(0, 7), 8, 8);
    const DatasetSplits d = load_image_folder(root_, options_);
    QCOMPARE(d.train.size(), int64_t{10});
    QCOMPARE(d.train.class_names, kClasses);
  }

  void throughTheLocator() {
    QCOMPARE(QString::fromStdString(canonical_dataset_name("ImageFolder")), QStringLiteral("image-folder"));
    QCOMPARE(QString::fromStdString(canonical_dataset_name("image_folder")), QStringLiteral("image-folder"));
    QVERIFY(default_class_names("image-folder").empty());
    try {
      locate_dataset("image-folder", "", tmp_->path());
      QFAIL("no ConfigError");
    } catch (const ConfigError& e) {
      QVERIFY2(QString(e.what()).contains("dataset.path"), e.what());
    }
    // A relative path against the base folder; only that place is searched.
    QCOMPARE(locate_dataset("image-folder", "subset", tmp_->path()), root_);
    QCOMPARE(dataset_search_paths("image-folder", "subset", tmp_->path()), std::vector<fs::path>{root_});
    try {
      locate_dataset("image-folder", "nowhere", tmp_->path());
      QFAIL("no DataError");
    } catch (const DataError& e) {
      QVERIFY2(QString(e.what()).contains(QString::fromStdString((tmp_->path() / "nowhere").string())), e.what());
      QVERIFY2(QString(e.what()).contains("train/<class>"), e.what());
    }
    ImageFolderStats stats;
    const DatasetSplits d = load_dataset("image-folder", root_, options_, &stats);
    QCOMPARE(QString::fromStdString(d.name), QStringLiteral("image-folder"));
    QCOMPARE(d.train.size(), int64_t{9});
    QCOMPARE(stats.decoded, int64_t{15});
  }

  // A camera roll: images in date folders, no train/, no labels. Everything is read, the
  // date folders are not classes, and a tenth is held out by the same draw every time.
  void unlabelledFolderHoldsOutAFixedDraw() {
    const fs::path roll = tmp_->path() / "roll";
    for (int i = 0; i < 40; ++i)
      write_png(roll / (i < 25 ? "2024-01" : "2024-02") / ("p" + std::to_string(100 + i) + ".png"), rgb_of(i % 3, i),
                10 + i % 5, 12);
    test::write_bytes(roll / "notes.txt", "not an image");
    ImageFolderStats stats;
    const DatasetSplits d = load_image_folder(roll, options_, &stats);
    QVERIFY(!d.train.labelled());
    QVERIFY(d.test.class_names.empty());
    QCOMPARE(d.train.size() + d.test.size(), int64_t{40});
    QCOMPARE(d.test.size(), int64_t{4});
    QVERIFY(d.train.labels.eq(kUnlabelled).all().item<bool>());
    QVERIFY(d.test.labels.eq(kUnlabelled).all().item<bool>());
    QVERIFY2(QString::fromStdString(d.held_out).contains("held out 4 of 40 images (10%"), d.held_out.c_str());
    // Files are relative, in path order within each split, and the splits do not overlap.
    QCOMPARE(d.train.files.size(), size_t(36));
    QVERIFY(std::is_sorted(d.train.files.begin(), d.train.files.end()));
    QCOMPARE(d.train.files.front().substr(0, 8), std::string("2024-01/"));
    std::set<std::string> all(d.train.files.begin(), d.train.files.end());
    all.insert(d.test.files.begin(), d.test.files.end());
    QCOMPARE(all.size(), size_t(40));
    // The same draw again, decoded afresh and from the cache.
    for (bool cache : {false, true}) {
      ImageFolderOptions again = options_;
      again.use_cache = cache;
      ImageFolderStats st;
      const DatasetSplits e = load_image_folder(roll, again, &st);
      QCOMPARE(st.from_cache, cache);
      QCOMPARE(e.test.files, d.test.files);
      QCOMPARE(e.held_out, d.held_out);
      QVERIFY(torch::equal(e.test.images, d.test.images));
      QVERIFY(!e.train.labelled());
    }
    // Another share is another folder as far as caches and statistics go.
    ImageFolderOptions fifth = options_;
    fifth.holdout_fraction = 0.2;
    QVERIFY(image_folder_id(roll, fifth) != image_folder_id(roll, options_));
    QCOMPARE(load_image_folder(roll, fifth).test.size(), int64_t{8});
  }

  // "none" on a class layout: train/ and val/ are still the splits, their sub-folders are not classes.
  void labelsNoneIgnoresClassFolders() {
    ImageFolderOptions none = options_;
    none.labels = FolderLabels::None;
    const DatasetSplits d = load_image_folder(root_, none);
    QVERIFY(!d.train.labelled());
    QCOMPARE(d.train.size(), int64_t{9});
    QCOMPARE(d.test.size(), int64_t{6});
    QVERIFY(d.held_out.empty());
    QCOMPARE(d.train.files.front(), std::string("train/cat/img0.png"));
    QVERIFY(image_folder_id(root_, none) != image_folder_id(root_, options_));
    QCOMPARE(resolve_folder_labels(root_, FolderLabels::Auto), FolderLabels::Folders);
    QCOMPARE(resolve_folder_labels(tmp_->path() / "nowhere", FolderLabels::Auto), FolderLabels::None);
  }

  // Classes without val/: each class gives its share to the held-out split.
  void foldersWithoutValDrawPerClass() {
    fs::remove_all(root_ / "val");
    options_.holdout_fraction = 0.34;  // one of each class's three
    const DatasetSplits d = load_image_folder(root_, options_);
    QCOMPARE(d.train.class_names, kClasses);
    QCOMPARE(d.train.class_counts(), (std::vector<int64_t>{2, 2, 2}));
    QCOMPARE(d.test.class_counts(), (std::vector<int64_t>{1, 1, 1}));
    QVERIFY2(QString::fromStdString(d.held_out).contains("held out 3 of 9"), d.held_out.c_str());
  }

  void holdoutAndLabelsSettings() {
    QCOMPARE(parse_folder_labels("none"), FolderLabels::None);
    QCOMPARE(parse_folder_labels("folders"), FolderLabels::Folders);
    QCOMPARE(parse_folder_labels("auto"), FolderLabels::Auto);
    try {
      parse_folder_labels("classes");
      QFAIL("no ConfigError");
    } catch (const ConfigError& e) {
      QVERIFY2(QString(e.what()).contains("dataset.labels: 'classes' is not auto, folders or none"), e.what());
    }
    for (double bad : {0.0, 0.95, -0.1}) {
      ImageFolderOptions o = options_;
      o.holdout_fraction = bad;
      try {
        load_image_folder(root_, o);
        QFAIL("no ConfigError");
      } catch (const ConfigError& e) {
        QVERIFY2(QString(e.what()).contains("dataset.holdout_fraction"), e.what());
      }
    }
  }

  // A link loop, a second link to a folder already read and a broken link are reported
  // and left out; the rest loads (they used to abort the whole load).
  void linksAreFollowedOnce() {
    const fs::path roll = tmp_->path() / "links";
    for (int i = 0; i < 12; ++i) write_png(roll / "a" / ("p" + std::to_string(i) + ".png"), rgb_of(0, i), 8, 8);
    fs::create_directory_symlink("..", roll / "a" / "loop");
    fs::create_directory_symlink(roll / "a", roll / "again");
    fs::create_symlink(roll / "gone.png", roll / "a" / "broken.png");
    options_.holdout_fraction = 0.25;
    ImageFolderStats stats;
    const DatasetSplits d = load_image_folder(roll, options_, &stats);
    QCOMPARE(d.train.size() + d.test.size(), int64_t{12});
    const QString skipped = QString::fromStdString(
        std::accumulate(stats.skipped_files.begin(), stats.skipped_files.end(), std::string(),
                        [](const std::string& a, const std::string& b) { return a + b + "\n"; }));
    QVERIFY2(skipped.contains("loop: a link to") && skipped.contains("a folder already read"), qPrintable(skipped));
    QVERIFY2(skipped.contains("again: a link to"), qPrintable(skipped));
    QVERIFY2(skipped.contains("broken.png: not a readable file"), qPrintable(skipped));
  }

  void tooFewToHoldOut() {
    const fs::path few = tmp_->path() / "few";
    for (int i = 0; i < 3; ++i) write_png(few / ("p" + std::to_string(i) + ".png"), rgb_of(1, i), 8, 8);
    expect_error(few, {"3 images are too few to hold 10% out", "dataset.holdout_fraction"}, options_);
    const fs::path none = tmp_->path() / "none";
    test::write_bytes(none / "readme.txt", "no images here");
    expect_error(none, {"no image files", "searched recursively"}, options_);
  }
};

QTEST_GUILESS_MAIN(TestImageFolderReader)
#include "test_image_folder_reader.moc"
