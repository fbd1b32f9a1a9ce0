// `simclr-cli dataset info/verify` on an image folder as a user runs them: the image size
// and unreadable-file policy from the command line, skipped files reported, one channel-
// statistics cache per folder, and exit code 2 for bad input.
#include <QtTest>

#include <QDir>
#include <QImage>

#include "engine/core/atomic_file.h"
#include "tests/app/cli/cli_process.h"
#include "tests/support/dataset_fixtures.h"
#include "tests/support/temp_dir.h"

using namespace simclr;
using simclr::test::cli;
using Outcome = simclr::test::ProcessOutcome;
namespace fs = std::filesystem;

namespace {
// train/ and val/ with two classes of two images each, of the colour `red`; not square, so
// the reader scales and centre-crops them.
void write_image_folder(const fs::path& root, int red) {
  for (const char* split : {"train", "val"})
    for (const char* cls : {"ant", "bee"})
      for (int i = 0; i < 2; ++i) {
        const fs::path folder = root / split / cls;
        fs::create_directories(folder);
        QImage image(30 + 10 * i, 20, QImage::Format_RGB32);
        image.fill(QColor(red, 30 * i, 90));
        QVERIFY(image.save(QString::fromStdString((folder / ("img" + std::to_string(i) + ".png")).string())));
      }
}

}  // namespace

class TestDatasetCommand : public QObject {
  Q_OBJECT
  test::TempDir dir_{"simclr-cli-dataset"};
  fs::path cache_;

  QStringList statsFiles() const {
    return QDir(test::qpath(cache_ / "simclr-workbench"))
        .entryList({QStringLiteral("channel-stats-*.json")}, QDir::Files);
  }

 private Q_SLOTS:
  void initTestCase() {
    write_image_folder(dir_ / "red", 220);
    write_image_folder(dir_ / "dark", 20);
    test::write_bytes(dir_ / "red" / "train" / "bee" / "broken.png", "not a png");
    cache_ = dir_ / "cache";
    qputenv("XDG_CACHE_HOME", QByteArray::fromStdString(cache_.string()));  // inherited by the CLI
  }

  void helpMentionsImageFolder() {
    const Outcome o = cli({"dataset", "info", "--help"});
    QCOMPARE(o.code, 0);
    for (const char* text : {"image-folder", "--image-size", "--on-unreadable"})
      QVERIFY2(o.out.contains(QLatin1String(text)), qPrintable(o.out));
  }

  void infoUsesTheImageSizeAndReportsSkippedFiles() {
    const Outcome o =
        cli({"dataset", "info", "image-folder", "--path", test::qpath(dir_ / "red"), "--image-size", "24"});
    QVERIFY2(o.code == 0, qPrintable(o.err));
    QVERIFY2(o.out.contains("3x24x24"), qPrintable(o.out));
    QVERIFY2(o.out.contains("skipped   1 unreadable"), qPrintable(o.out));
    QVERIFY2(o.err.contains("warning: ") && o.err.contains("broken.png"), qPrintable(o.err));
  }

  // Two folders (and one folder at two sizes) never share channel statistics: each cache
  // file is named by the folder's id, and the dark folder's mean is not the red one's.
  void eachFolderHasItsOwnStatisticsCache() {
    const Outcome red =
        cli({"dataset", "info", "image-folder", "--path", test::qpath(dir_ / "red"), "--image-size", "16"});
    QVERIFY2(red.code == 0, qPrintable(red.err));
    const QStringList afterRed = statsFiles();
    const Outcome dark =
        cli({"dataset", "info", "image-folder", "--path", test::qpath(dir_ / "dark"), "--image-size", "16"});
    QVERIFY2(dark.code == 0, qPrintable(dark.err));
    const QStringList afterDark = statsFiles();
    QCOMPARE(afterDark.size(), afterRed.size() + 1);
    const QRegularExpression named(QStringLiteral("^channel-stats-image-folder-[0-9a-f]{16}\\.json$"));
    for (const QString& file : afterDark) QVERIFY2(named.match(file).hasMatch(), qPrintable(file));
    const auto meanLine = [](const QString& out) {
      return out.section(QStringLiteral("per-channel mean"), 1).section(QLatin1Char('\n'), 0, 0);
    };
    QVERIFY(!meanLine(red.out).isEmpty());
    QVERIFY2(meanLine(red.out) != meanLine(dark.out), qPrintable(meanLine(red.out)));
  }

  void verifySkipsOrFailsOnUnreadableFiles() {
    const Outcome skip = cli({"dataset", "verify", "image-folder", "--path", test::qpath(dir_ / "red")});
    QVERIFY2(skip.code == 0, qPrintable(skip.err));
    QVERIFY2(skip.out.startsWith("OK") && skip.out.contains("1 unreadable file(s) skipped"), qPrintable(skip.out));
    QVERIFY2(skip.err.contains("broken.png"), qPrintable(skip.err));

    const Outcome fail =
        cli({"dataset", "verify", "image-folder", "--path", test::qpath(dir_ / "red"), "--on-unreadable", "fail"});
    QCOMPARE(fail.code, 2);
    QVERIFY2(fail.err.contains("broken.png"), qPrintable(fail.err));
  }

  // A streamed folder is only listed when it loads; verify decodes every file of it, so the
  // broken one is still named (read as black, or an error with "fail").
  void aStreamedFolderIsVerifiedFileByFile() {
    const QStringList red{"dataset", "image-folder", "--path", test::qpath(dir_ / "red"), "--streaming", "always"};
    auto with = [&](const char* command, QStringList extra) {
      QStringList args = red;
      args.insert(1, QLatin1String(command));
      return cli(args + extra);
    };
    const Outcome info = with("info", {});
    QVERIFY2(info.code == 0, qPrintable(info.err));
    QVERIFY2(info.out.contains("streamed  decoded as used"), qPrintable(info.out));
    QVERIFY2(info.err.contains("streaming 5 training images") && info.err.contains("\"always\""), qPrintable(info.err));

    const Outcome skip = with("verify", {});
    QVERIFY2(skip.code == 0, qPrintable(skip.err));
    QVERIFY2(skip.out.startsWith("OK"), qPrintable(skip.out));
    QVERIFY2(skip.err.contains("unreadable while streaming") && skip.err.contains("broken.png"), qPrintable(skip.err));

    const Outcome fail = with("verify", {"--on-unreadable", "fail"});
    QCOMPARE(fail.code, 2);
    QVERIFY2(fail.err.contains("broken.png") && fail.err.contains("\"fail\""), qPrintable(fail.err));

    const Outcome memory = cli({"dataset", "info", "image-folder", "--path", test::qpath(dir_ / "red"),
                                "--memory-budget", "1024"});
    QVERIFY2(memory.code == 0 && !memory.out.contains("streamed"), qPrintable(memory.out));
  }

  // An image folder's test split written out flat (labels kept beside it) reads back as an
  // unlabelled folder of the same pixels; a folder that is not empty is refused.
  void exportWritesAFlatFolderAndItsLabels() {
    const fs::path flat = dir_ / "exported" / "flat";
    const Outcome o = cli({"dataset", "export", "image-folder", "--path", test::qpath(dir_ / "dark"), "--image-size",
                           "16", "--to", test::qpath(flat)});
    QVERIFY2(o.code == 0, qPrintable(o.err));
    QVERIFY2(o.out.contains("wrote 4 png files"), qPrintable(o.out));
    QVERIFY(fs::exists(flat / "00000.png") && fs::exists(flat / "00003.png"));
    QCOMPARE(QString::fromStdString(read_file(dir_ / "exported" / "flat-labels.csv")),
             QStringLiteral("path,label\n00000.png,ant\n00001.png,ant\n00002.png,bee\n00003.png,bee\n"));
    const Outcome info = cli(
        {"dataset", "info", "image-folder", "--path", test::qpath(flat), "--holdout", "0.25", "--image-size", "16"});
    QVERIFY2(info.code == 0, qPrintable(info.err));
    QVERIFY2(info.out.contains("labels    none") && info.out.contains("test      held out 1 of 4 images"),
             qPrintable(info.out));
    QVERIFY2(info.out.contains("3x16x16"), qPrintable(info.out));

    const Outcome again =
        cli({"dataset", "export", "image-folder", "--path", test::qpath(dir_ / "dark"), "--to", test::qpath(flat)});
    QCOMPARE(again.code, 2);
    QVERIFY2(again.err.contains("not empty"), qPrintable(again.err));
  }

  void badOptionsExitWithTwo_data() {
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    QTest::newRow("policy")
        << QStringList{"dataset",         "verify", "image-folder", "--path", test::qpath(dir_ / "dark"),
                       "--on-unreadable", "ignore"}
        << "skip";
    QTest::newRow("not a folder") << QStringList{"dataset", "info", "cifar10", "--image-size", "32"}
                                  << "image-folder only";
    QTest::newRow("streaming") << QStringList{"dataset", "info", "image-folder", "--path", test::qpath(dir_ / "dark"),
                                              "--streaming", "sometimes"}
                               << "auto, always or never";
  }
  void badOptionsExitWithTwo() {
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    const Outcome o = cli(args);
    QCOMPARE(o.code, 2);
    QVERIFY2(o.err.contains(message), qPrintable(o.err));
  }
};

QTEST_GUILESS_MAIN(TestDatasetCommand)
#include "test_dataset_command.moc"
