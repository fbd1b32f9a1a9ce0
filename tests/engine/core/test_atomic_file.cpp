#include <QtTest>

#include <fstream>

#include <sys/wait.h>
#include <unistd.h>

#include "engine/core/atomic_file.h"
#include "engine/core/error.h"
#include "tests/support/temp_dir.h"

using namespace simclr;

class TestAtomicFile : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void writesAndReplaces() {
    test::TempDir dir;
    const auto path = dir / "sub" / "file.json";
    write_file_atomically(path, "first");
    QCOMPARE(QString::fromStdString(read_file(path)), QStringLiteral("first"));
    write_file_atomically(path, "second");
    QCOMPARE(QString::fromStdString(read_file(path)), QStringLiteral("second"));
    // No temporary file is left beside the target.
    int entries = 0;
    for (const auto& e : std::filesystem::directory_iterator(path.parent_path())) (void)e, ++entries;
    QCOMPARE(entries, 1);
  }

  void failingWriterKeepsOldContents() {
    test::TempDir dir;
    const auto path = dir / "file.txt";
    write_file_atomically(path, "good");
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, write_atomically_with(path, [](const std::filesystem::path& tmp) {
                               std::ofstream(tmp) << "half";
                               throw std::runtime_error("writer failed");
                             }));
    QCOMPARE(QString::fromStdString(read_file(path)), QStringLiteral("good"));
    int entries = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir.path())) (void)e, ++entries;
    QCOMPARE(entries, 1);
  }

  // A killed writer's temporaries go; a live process's, another machine's and files that
  // only look alike stay.
  void abandonedTemporariesAreRemoved() {
    test::TempDir dir;
    const auto target = dir / "evaluation" / "knn.json";
    const auto mine = temporary_sibling(target);  // this process: alive
    const std::string name = mine.filename().string();
    QVERIFY(name.rfind(".knn.json.tmp-", 0) == 0);
    // The same name for a process that has ended: a child that exited and was reaped.
    const pid_t child = fork();
    if (child == 0) _exit(0);
    waitpid(child, nullptr, 0);
    const std::string host = name.substr(14, 8);
    const auto dead = dir / "evaluation" / (".knn.json.tmp-" + host + "-" + std::to_string(child) + "-7");
    const auto dead_folder = dir / (".timeline.tmp-" + host + "-" + std::to_string(child) + "-8");
    const auto elsewhere = dir / (".knn.json.tmp-0badc0de-" + std::to_string(child) + "-9");
    const auto lookalike = dir / "notes.tmp-1-2-3";
    std::filesystem::create_directories(dead_folder / "inner");
    std::filesystem::create_directories(target.parent_path());
    for (const auto& file : {mine, dead, elsewhere, lookalike, dead_folder / "inner" / "a.npy"}) std::ofstream(file) << "x";

    const auto removed = remove_abandoned_temporaries(dir.path());
    QCOMPARE(removed.size(), size_t{2});
    QVERIFY(!std::filesystem::exists(dead));
    QVERIFY(!std::filesystem::exists(dead_folder));
    for (const auto& kept : {mine, elsewhere, lookalike}) QVERIFY2(std::filesystem::exists(kept), kept.c_str());
  }

  void missingFileNamesThePath() {
    try {
      read_file("/nonexistent/simclr/file.bin");
      QFAIL("expected IoError");
    } catch (const IoError& e) {
      QVERIFY(QString(e.what()).contains("/nonexistent/simclr/file.bin"));
    }
  }
};

QTEST_GUILESS_MAIN(TestAtomicFile)
#include "test_atomic_file.moc"
