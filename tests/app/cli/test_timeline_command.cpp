// `simclr-cli timeline RUN` as a user runs it: the timeline of a tiny run into
// <run>/timeline/, its animation as an MP4 that OpenCV reads back with the expected number
// of frames and as numbered PNG files, the saved frames reused on a second call, and exit
// code 2 (or 1 for an unwritable video) with nothing half-written for bad input.
#include <QtTest>

#include <opencv2/videoio.hpp>

#include "engine/analysis/embedding_timeline.h"
#include "engine/analysis/timeline_animation.h"
#include "tests/app/cli/cli_process.h"
#include "tests/support/project_fixtures.h"
#include "tests/support/temp_dir.h"

using namespace simclr;
using simclr::test::cli;
using simclr::test::count_files;
using Outcome = simclr::test::ProcessOutcome;
namespace fs = std::filesystem;

namespace {

const QStringList kQuick{"--points", "0", "--perplexity", "5", "--iterations", "200", "--warm-iterations", "100"};

int64_t video_frames(const fs::path& file) {
  cv::VideoCapture video(file.string());
  if (!video.isOpened()) return -1;
  int64_t frames = 0;
  cv::Mat image;
  while (video.read(image)) {
    if (image.cols != 128 || image.rows != 128) return -2;
    ++frames;
  }
  return frames;
}

}  // namespace

class TestTimelineCommand : public QObject {
  Q_OBJECT
  test::TempDir dir_{"simclr-cli-timeline"};
  QString run_;

 private Q_SLOTS:
  void initTestCase() { run_ = QString::fromStdString(test::train_tiny_run(dir_.path(), 3, 2, false).string()); }

  void writesTheTimelineAndItsVideo() {
    const fs::path video = dir_ / "timeline.mp4";
    const Outcome o = cli(
        QStringList{"timeline", run_} + kQuick +
        QStringList{"--video", QString::fromStdString(video.string()), "--size", "128", "--tween", "3", "--fps", "10"});
    QVERIFY2(o.code == 0, qPrintable(o.err));
    // One row per snapshot (step 0 and the epochs' ends, 5 and 10), the saved folder named.
    for (const char* step : {"         0", "         5", "        10"})
      QVERIFY2(o.out.contains(step), qPrintable(o.out));
    QVERIFY(o.out.contains(QStringLiteral("3 frames (0 reused")));
    const EmbeddingTimeline t = load_timeline(timeline_dir(run_.toStdString()));
    QCOMPARE(t.frames.size(), size_t{3});
    QCOMPARE(t.indices.size(0), int64_t{40});

    AnimationOptions animation;
    animation.tween = 3;
    const int64_t expected = animation_frame_count(3, animation);
    QCOMPARE(expected, int64_t{2 * 4 + 1 + 25});
    QVERIFY(o.out.contains(QStringLiteral("(%1 frames at 10 fps)").arg(expected)));
    QCOMPARE(video_frames(video), expected);
    for (const auto& entry : fs::directory_iterator(dir_.path()))
      QVERIFY(entry.path().filename().string().find(".tmp-") == std::string::npos);
  }

  void reusesSavedFramesAndWritesPngFrames() {
    const fs::path frames = dir_ / "frames";
    const Outcome o = cli(QStringList{"timeline", run_} + kQuick +
                          QStringList{"--frames", QString::fromStdString(frames.string()), "--size", "128", "--tween",
                                      "0", "--features", "z"});
    QVERIFY2(o.code == 0, qPrintable(o.err));
    QVERIFY2(o.out.contains(QStringLiteral("3 frames (3 reused")), qPrintable(o.out));
    QCOMPARE(count_files(frames), 3 + 25);
    QVERIFY(fs::exists(frames / "frame-00001.png"));
    QVERIFY(fs::exists(frames / "frame-00028.png"));
  }

  void badInput_data() {
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("message");
    QTest::newRow("step not kept") << QStringList{"--steps", "4,7"} << 2
                                   << "kept no snapshot or checkpoint at step 7 (it kept: 0, 4, 5, 8, 10)";
    QTest::newRow("method") << QStringList{"--method", "umap"} << 2 << "method 'umap': use tsne or pca";
    QTest::newRow("odd size") << QStringList{"--size", "127"} << 2 << "size must be an even number";
    QTest::newRow("unwritable video") << QStringList{"--video", "/no/such/folder/t.mp4"} << 1
                                      << "OpenCV cannot open a video writer";
    QTest::newRow("no run") << QStringList{"--split", "test"} << 2 << "no such run folder";
  }
  void badInput() {
    QFETCH(QStringList, args);
    QFETCH(int, code);
    QFETCH(QString, message);
    const QString run = QTest::currentDataTag() == QStringLiteral("no run") ? QStringLiteral("/no/such/run") : run_;
    const Outcome o = cli(QStringList{"timeline", run} + kQuick + args);
    QVERIFY2(o.code == code, qPrintable(QStringLiteral("exit %1: %2").arg(o.code).arg(o.err)));
    QVERIFY2(o.err.contains(message), qPrintable(o.err));
  }
};

QTEST_GUILESS_MAIN(TestTimelineCommand)
#include "test_timeline_command.moc"
