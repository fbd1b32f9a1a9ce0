// A project whose dataset is an image folder: validated, trained for two steps, and its
// channel statistics cached apart from another folder's.
#include <QtTest>

#include <random>

#include <opencv2/imgcodecs.hpp>

#include "engine/core/error.h"
#include "engine/project/project_file.h"
#include "engine/train/run_setup.h"
#include "engine/train/trainer.h"
#include "tests/support/dataset_fixtures.h"
#include "tests/support/project_fixtures.h"
#include "tests/support/temp_dir.h"

using namespace simclr;
namespace fs = std::filesystem;

namespace {

// <root>/train/{a,b}/ with `per_class` noisy 20x24 PNGs each, val/{a,b}/ with 4.
void write_noise_folder(const fs::path& root, int per_class, uint32_t seed) {
  std::mt19937 gen(seed);
  for (const char* split : {"train", "val"})
    for (const char* cls : {"a", "b"}) {
      const int n = std::string(split) == "train" ? per_class : 4;
      fs::create_directories(root / split / cls);
      for (int i = 0; i < n; ++i) {
        cv::Mat m(20, 24, CV_8UC3);
        for (size_t k = 0; k < m.total() * 3; ++k) m.data[k] = uchar(gen() & 0xff);
        QVERIFY(cv::imwrite((root / split / cls / ("im" + std::to_string(i) + ".png")).string(), m));
      }
    }
  test::write_bytes(root / "train" / "b" / "zz-broken.jpg", "not a jpeg");
}

ProjectConfig folder_project(const fs::path& data) {
  ProjectConfig p = test::tiny_project(data);
  p.dataset.name = "image-folder";
  p.dataset.image_size = 16;
  p.training.batch_size = 8;
  p.training.max_steps = 2;
  p.evaluation.knn_every_epochs = 0;
  p.evaluation.knn_at_start = false;
  return p;
}

}  // namespace

class TestImageFolderTraining : public QObject {
  Q_OBJECT
  test::TempDir tmp_{"simclr-image-folder-train"};

 private Q_SLOTS:
  void initTestCase() {
    qputenv("XDG_CACHE_HOME", QByteArray::fromStdString((tmp_.path() / "cache").string()));
    write_noise_folder(tmp_ / "one", 12, 1);
    write_noise_folder(tmp_ / "two", 10, 2);
  }

  void projectFileKeepsTheSettings() {
    ProjectConfig p = folder_project(tmp_ / "one");
    p.dataset.on_unreadable = "fail";
    const nlohmann::json j = to_json(p);
    QCOMPARE(j.at("dataset").at("image_size").get<int64_t>(), int64_t{16});
    QCOMPARE(j.at("dataset").at("on_unreadable").get<std::string>(), std::string("fail"));
    const ProjectConfig back = parse_project(j);
    QCOMPARE(back.dataset.name, std::string("image-folder"));
    QCOMPARE(back.dataset.image_size, int64_t{16});
    QCOMPARE(back.dataset.on_unreadable, std::string("fail"));

    nlohmann::json bad = j;
    bad["dataset"]["on_unreadable"] = "ignore";
    bad["dataset"]["image_size"] = -1;
    QStringList paths;
    for (const auto& issue : validate_project(bad)) paths << QString::fromStdString(issue.path);
    QVERIFY2(paths.contains("dataset.on_unreadable"), qPrintable(paths.join(", ")));
    QVERIFY2(paths.contains("dataset.image_size"), qPrintable(paths.join(", ")));
  }

  void trainsTwoSteps() {
    ProjectConfig p = folder_project(tmp_ / "one");
    TrainOptions options;
    options.runs_root = tmp_ / "runs";
    std::vector<std::string> warnings;
    TrainCallbacks callbacks;
    callbacks.on_log = [&](LogLevel level, const std::string& message) {
      if (level == LogLevel::Warning) warnings.push_back(message);
    };
    const TrainResult result = train(p, options, callbacks, StopToken());
    QCOMPARE(QString::fromStdString(result.state), QStringLiteral("completed"));
    QCOMPARE(result.steps_done, int64_t{2});
    QVERIFY(std::isfinite(result.final_loss) && result.final_loss > 0);
    // The unreadable file was skipped and said so in the run's log.
    const auto skipped = std::count_if(warnings.begin(), warnings.end(), [](const std::string& w) {
      return w.find("zz-broken.jpg") != std::string::npos;
    });
    QCOMPARE(int(skipped), 1);
  }

  // Streaming changes where the pixels come from, not what training sees: the same seed
  // gives the same losses step by step.
  void streamedTrainingMatchesInMemory() {
    write_noise_folder(tmp_ / "three", 12, 3);
    fs::remove(tmp_ / "three" / "train" / "b" / "zz-broken.jpg");  // a stream cannot know it is broken
    auto losses = [&](const std::string& streaming) {
      ProjectConfig p = folder_project(tmp_ / "three");
      p.training.max_steps = 4;  // more than one epoch of 24 images at batch 8
      p.dataset.streaming = streaming;
      TrainOptions options;
      options.runs_root = tmp_ / ("runs-" + streaming);
      std::vector<double> out;
      std::vector<std::string> warnings;
      TrainCallbacks callbacks;
      callbacks.on_step = [&](const StepMetrics& m) { out.push_back(m.loss); };
      callbacks.on_log = [&](LogLevel level, const std::string& message) {
        if (level == LogLevel::Warning) warnings.push_back(message);
      };
      const TrainResult result = train(p, options, callbacks, StopToken());
      const bool said = std::any_of(warnings.begin(), warnings.end(), [](const std::string& w) {
        return w.find("streaming 24 training images") != std::string::npos;
      });
      return std::make_tuple(result.state, out, said);
    };
    const auto [memory_state, memory, memory_said] = losses("never");
    const auto [stream_state, streamed, stream_said] = losses("always");
    QCOMPARE(QString::fromStdString(stream_state), QStringLiteral("completed"));
    QVERIFY(!memory_said);
    QVERIFY(stream_said);
    QCOMPARE(streamed.size(), size_t{4});
    QCOMPARE(memory.size(), streamed.size());
    for (size_t i = 0; i < memory.size(); ++i)
      QVERIFY2(std::abs(memory[i] - streamed[i]) <= 1e-5 * std::abs(memory[i]),
               qPrintable(QString("step %1: %2 in memory, %3 streamed").arg(i + 1).arg(memory[i]).arg(streamed[i])));
  }

  void runDataUsesTheFolderSettings() {
    const ProjectConfig p = folder_project(tmp_ / "one");
    const RunData data = load_run_data(p, {}, tmp_ / "runs");
    QCOMPARE(data.data.train.size(), int64_t{24});
    QCOMPARE(data.data.train.height(), int64_t{16});
    QCOMPARE(data.data.test.size(), int64_t{8});
    QCOMPARE(data.warnings.size(), size_t{1});

    ProjectConfig strict = p;
    strict.dataset.on_unreadable = "fail";
    try {
      load_run_data(strict, {}, tmp_ / "runs");
      QFAIL("no DataError");
    } catch (const DataError& e) {
      QVERIFY2(QString(e.what()).contains("zz-broken.jpg"), e.what());
    }
  }

  void statisticsOfTwoFoldersAreKeptApart() {
    const RunData one = load_run_data(folder_project(tmp_ / "one"), {}, tmp_ / "runs-stats");
    const RunData two = load_run_data(folder_project(tmp_ / "two"), {}, tmp_ / "runs-stats");
    QCOMPARE(two.data.train.size(), int64_t{20});
    int files = 0;
    for (const auto& entry : fs::directory_iterator(tmp_ / "runs-stats")) {
      QVERIFY(entry.path().filename().string().rfind("image-folder-", 0) == 0);
      ++files;
    }
    QCOMPARE(files, 2);
    QVERIFY(one.stats.mean != two.stats.mean);
  }

  void pathIsRequired() {
    ProjectConfig p = folder_project({});
    p.dataset.path.clear();
    try {
      load_run_data(p, tmp_.path(), tmp_ / "runs");
      QFAIL("no ConfigError");
    } catch (const ConfigError& e) {
      QVERIFY2(QString(e.what()).contains("dataset.path"), e.what());
    }
  }
};

QTEST_GUILESS_MAIN(TestImageFolderTraining)
#include "test_image_folder_training.moc"
