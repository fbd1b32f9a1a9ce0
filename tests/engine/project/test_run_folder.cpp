#include <QtTest>

#include <fstream>

#include "engine/core/error.h"
#include "engine/project/run_folder.h"
#include "tests/support/temp_dir.h"

using namespace simclr;

class TestRunFolder : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void createsUniqueFoldersWithConfig() {
    test::TempDir dir;
    const RunFolder a = create_run_folder(dir.path(), "my project");
    const RunFolder b = create_run_folder(dir.path(), "my project");
    QVERIFY(a.dir() != b.dir());
    QVERIFY(QString::fromStdString(a.name()).startsWith("my-project-"));
    QVERIFY(std::filesystem::is_directory(a.checkpoint_dir()));
    ProjectConfig config;
    config.training.batch_size = 32;
    a.write_config(config);
    QCOMPARE(a.read_config().training.batch_size, int64_t{32});
    QCOMPARE(list_runs(dir.path()).size(), size_t{1});  // only a has a config
  }

  void explicitNamesAreCheckedAndNotReused() {
    test::TempDir dir;
    create_run_folder(dir.path(), "p", "first");
    QVERIFY_THROWS_EXCEPTION(ConfigError, create_run_folder(dir.path(), "p", "first"));
    QVERIFY_THROWS_EXCEPTION(ConfigError, create_run_folder(dir.path(), "p", "../escape"));
    QVERIFY_THROWS_EXCEPTION(ConfigError, create_run_folder(dir.path(), "p", "a b"));
  }

  void latestCheckpointIsTheHighestStep() {
    test::TempDir dir;
    const RunFolder run = create_run_folder(dir.path(), "p");
    QVERIFY(run.latest_checkpoint().empty());
    for (int64_t step : {5, 120, 40}) std::ofstream(run.checkpoint_file(step)) << "x";
    std::ofstream(run.checkpoint_dir() / "notes.txt") << "ignored";
    QCOMPARE(run.latest_checkpoint(), run.checkpoint_file(120));
  }

  void readingAFolderThatIsNotARunFails() {
    test::TempDir dir;
    QVERIFY_THROWS_EXCEPTION(ConfigError, RunFolder(dir.path()).read_config());
  }
};

QTEST_GUILESS_MAIN(TestRunFolder)
#include "test_run_folder.moc"
