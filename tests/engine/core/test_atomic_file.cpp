#include <QtTest>

#include <fstream>

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
