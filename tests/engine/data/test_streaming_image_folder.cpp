// A folder streamed from its files: the same pixels, labels and names as loading it into
// memory, prefetching within its budget, the decoded-image cache, and files that go bad
// after they were listed.
#include <QtTest>

#include <random>

#include <opencv2/imgcodecs.hpp>

#include "engine/core/error.h"
#include "engine/data/image_folder_reader.h"
#include "engine/data/image_stream.h"
#include "engine/data/streaming_image_folder.h"
#include "tests/support/dataset_fixtures.h"
#include "tests/support/temp_dir.h"

using namespace simclr;
namespace fs = std::filesystem;

namespace {

constexpr int64_t kSide = 16;
constexpr int64_t kImageBytes = 3 * kSide * kSide;

// <root>/train/{a,b,c}/ with `per_class` noise PNGs of varied sizes, val/{a,b,c}/ with 3.
void write_noise_folder(const fs::path& root, int per_class) {
  std::mt19937 gen(7);
  for (const char* split : {"train", "val"})
    for (const char* cls : {"a", "b", "c"}) {
      const int n = std::string(split) == "train" ? per_class : 3;
      fs::create_directories(root / split / cls);
      for (int i = 0; i < n; ++i) {
        cv::Mat m(18 + i % 5, 22 + i % 3, CV_8UC3);
        for (size_t k = 0; k < m.total() * 3; ++k) m.data[k] = uchar(gen() & 0xff);
        QVERIFY(cv::imwrite((root / split / cls / ("im" + std::to_string(i) + ".png")).string(), m));
      }
    }
}

std::vector<fs::path> pngs(const fs::path& dir) {
  std::vector<fs::path> out;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.path().extension() == ".png") out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

ImageFolderOptions options_for(FolderStreaming streaming) {
  ImageFolderOptions o;
  o.image_size = kSide;
  o.streaming = streaming;
  o.use_cache = false;
  o.threads = 2;
  return o;
}

}  // namespace

class TestStreamingImageFolder : public QObject {
  Q_OBJECT
  test::TempDir tmp_{"simclr-streaming-folder"};
  fs::path root_;

 private Q_SLOTS:
  void initTestCase() {
    root_ = tmp_ / "photos";
    write_noise_folder(root_, 20);
  }

  void streamedFolderGivesTheSamePixelsAsTheInMemoryLoad() {
    ImageFolderStats in_stats, streamed_stats;
    const DatasetSplits memory = load_image_folder(root_, options_for(FolderStreaming::Never), &in_stats);
    const DatasetSplits streamed = load_image_folder(root_, options_for(FolderStreaming::Always), &streamed_stats);
    QVERIFY(!in_stats.streamed);
    QVERIFY(streamed_stats.streamed);
    QVERIFY(streamed.train.streamed());
    QVERIFY(!streamed.train.images.defined());
    QVERIFY(!streamed.test.streamed());  // small: decoded into memory for the monitor
    QCOMPARE(streamed.train.size(), memory.train.size());
    QCOMPARE(streamed.train.height(), kSide);
    QCOMPARE(streamed.train.channels(), int64_t{3});
    QVERIFY(torch::equal(streamed.train.labels, memory.train.labels));
    QVERIFY(streamed.train.files == memory.train.files);
    QVERIFY(streamed.train.class_names == memory.train.class_names);
    streamed.train.check("streamed train");
    // Any order, repeats included.
    const torch::Tensor order = torch::tensor(std::vector<int64_t>{59, 0, 17, 17, 42, 3, 0}, torch::kLong);
    QVERIFY(torch::equal(streamed.train.gather(order), memory.train.images.index_select(0, order)));
    QVERIFY(torch::equal(streamed.train.rows(10, 30), memory.train.images.slice(0, 10, 30)));
    QVERIFY(torch::equal(streamed.train.in_memory().images, memory.train.images));
    QCOMPARE(dataset_fingerprint(streamed.train), dataset_fingerprint(streamed.train));
    try {
      streamed.train.gather(torch::tensor(std::vector<int64_t>{60}, torch::kLong));
      QFAIL("no ConfigError for an index past the end");
    } catch (const ConfigError& e) {
      QVERIFY2(QString(e.what()).contains("60"), e.what());
    }
  }

  void limitedSetsStayStreamedAndSubsetsDecode() {
    const DatasetSplits memory = load_image_folder(root_, options_for(FolderStreaming::Never));
    const DatasetSplits streamed = load_image_folder(root_, options_for(FolderStreaming::Always));
    const ImageDataset limited = streamed.train.limited_to(9);
    QVERIFY(limited.streamed());
    const ImageDataset expected = memory.train.limited_to(9);
    QCOMPARE(limited.size(), expected.size());
    QVERIFY(torch::equal(limited.labels, expected.labels));
    QVERIFY(limited.files == expected.files);
    QVERIFY(torch::equal(limited.rows(0, limited.size()), expected.images));
    const ImageDataset picked = streamed.train.subset(torch::arange(5, torch::kLong));
    QVERIFY(!picked.streamed());
    QVERIFY(torch::equal(picked.images, memory.train.images.slice(0, 0, 5)));
  }

  void autoStreamsOnlyOverTheBudget() {
    // 69 images of 3 x 256 x 256 decode to 13.5 MB: over a 4 MB budget, under 64 MB.
    ImageFolderOptions o = options_for(FolderStreaming::Auto);
    o.image_size = 256;
    std::vector<std::string> warnings;
    o.on_warning = [&](const std::string& w) { warnings.push_back(w); };
    o.memory_budget_mb = 4;
    ImageFolderStats stats;
    const DatasetSplits small_budget = load_image_folder(root_, o, &stats);
    QVERIFY(stats.streamed);
    QVERIFY(small_budget.train.streamed());
    QCOMPARE(stats.decoded_bytes, int64_t{69} * 3 * 256 * 256);
    QCOMPARE(stats.budget_bytes, int64_t{4} << 20);
    QVERIFY(std::any_of(warnings.begin(), warnings.end(), [](const std::string& w) {
      return w.find("streaming 60 training images") != std::string::npos && w.find("4 MB") != std::string::npos;
    }));
    o.memory_budget_mb = 64;
    const DatasetSplits big_budget = load_image_folder(root_, o, &stats);
    QVERIFY(!stats.streamed);
    QVERIFY(!big_budget.train.streamed());
    QCOMPARE(parse_folder_streaming("always"), FolderStreaming::Always);
    QVERIFY_EXCEPTION_THROWN(parse_folder_streaming("sometimes"), ConfigError);
  }

  void prefetchStaysWithinTheBudget() {
    const auto files = pngs(root_ / "train");
    StreamingOptions so;
    so.image_size = kSide;
    so.budget_bytes = 10 * kImageBytes;
    so.threads = 2;
    StreamingImageFolder stream(files, so);
    stream.prefetch(torch::arange(40, torch::kLong));  // 40 asked, room for 10
    const torch::Tensor first = stream.fetch(torch::arange(10, torch::kLong));
    QVERIFY(stream.peak_held_bytes() <= 10 * kImageBytes);
    // A fetch of images never prefetched is decoded on the spot, beyond the budget only by its batch.
    const torch::Tensor later = stream.fetch(torch::arange(20, 28, torch::kLong));
    QVERIFY(stream.peak_held_bytes() <= 10 * kImageBytes + 8 * kImageBytes);
    const ImageDataset memory = load_image_folder(root_, options_for(FolderStreaming::Never)).train;
    QVERIFY(torch::equal(first, memory.images.slice(0, 0, 10)));
    QVERIFY(torch::equal(later, memory.images.slice(0, 20, 28)));
    QCOMPARE(stream.decoded_files(), int64_t{18});  // nothing past the budget was decoded ahead
  }

  void aFileThatGoesBadIsBlackAndNamedOnce() {
    const fs::path dir = tmp_ / "goes-bad";
    fs::create_directories(dir);
    for (const auto& f : pngs(root_ / "train" / "a")) fs::copy_file(f, dir / f.filename());
    const auto files = pngs(dir);
    std::vector<std::string> warnings;
    StreamingOptions so;
    so.image_size = kSide;
    so.threads = 1;
    so.on_warning = [&](const std::string& w) { warnings.push_back(w); };
    StreamingImageFolder stream(files, so);
    test::write_bytes(files[3], "no longer a png");  // changed after the listing
    const torch::Tensor batch = stream.fetch(torch::arange(6, torch::kLong));
    QCOMPARE(batch[3].sum().item<int64_t>(), int64_t{0});
    QVERIFY(batch[2].sum().item<int64_t>() > 0);
    (void)stream.fetch(torch::tensor(std::vector<int64_t>{3, 3}, torch::kLong));
    QCOMPARE(warnings.size(), size_t{1});
    QVERIFY2(QString::fromStdString(warnings[0]).contains(QString::fromStdString(files[3].filename().string())),
             warnings[0].c_str());

    so.fail_on_unreadable = true;
    StreamingImageFolder strict(files, so);
    try {
      strict.fetch(torch::arange(6, torch::kLong));
      QFAIL("no DataError for a file that no longer decodes");
    } catch (const DataError& e) {
      QVERIFY2(QString(e.what()).contains(QString::fromStdString(files[3].filename().string())), e.what());
    }
  }

  void decodedCacheServesTheSecondPass() {
    const auto files = pngs(root_ / "train");
    const int64_t n = int64_t(files.size());
    StreamingOptions so;
    so.image_size = kSide;
    so.threads = 2;
    so.decoded_cache = tmp_ / "cache" / "train.decoded";
    so.cache_key = "first";
    torch::Tensor first;
    {
      StreamingImageFolder stream(files, so);
      first = stream.fetch(torch::arange(n, torch::kLong));
      QCOMPARE(stream.decoded_files(), n);
    }
    {
      StreamingImageFolder again(files, so);
      QVERIFY(torch::equal(again.fetch(torch::arange(n, torch::kLong)), first));
      QCOMPARE(again.decoded_files(), int64_t{0});  // every image read from the mapped file
    }
    so.cache_key = "changed";  // another state of the folder: the file is replaced
    StreamingImageFolder changed(files, so);
    QVERIFY(torch::equal(changed.fetch(torch::arange(n, torch::kLong)), first));
    QCOMPARE(changed.decoded_files(), n);
  }

  void joinedStreamsReadAcrossTheSeam() {
    const DatasetSplits streamed = load_image_folder(root_, options_for(FolderStreaming::Always));
    const DatasetSplits memory = load_image_folder(root_, options_for(FolderStreaming::Never));
    const JoinedStream joined(streamed.train.as_stream(), streamed.test.as_stream());
    QCOMPARE(joined.size(), int64_t{69});
    const torch::Tensor order = torch::tensor(std::vector<int64_t>{68, 0, 60, 59}, torch::kLong);
    const torch::Tensor expected = torch::cat({memory.train.images, memory.test.images}).index_select(0, order);
    QVERIFY(torch::equal(joined.fetch(order), expected));
  }
};

QTEST_GUILESS_MAIN(TestStreamingImageFolder)
#include "test_streaming_image_folder.moc"
