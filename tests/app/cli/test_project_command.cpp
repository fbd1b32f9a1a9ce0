// `simclr-cli project validate` and `project show` as a user runs them: every file checked
// and every problem named with its file and JSON path (exit code 2 if any), and the project
// printed with every default filled in, which validates and shows again unchanged.
#include <QtTest>

#include <nlohmann/json.hpp>

#include "engine/core/atomic_file.h"
#include "engine/project/project_config.h"
#include "engine/project/project_file.h"
#include "engine/project/setting_help.h"
#include "tests/app/cli/cli_process.h"
#include "tests/support/project_fixtures.h"
#include "tests/support/temp_dir.h"

using namespace simclr;
using simclr::test::cli;
using Outcome = simclr::test::ProcessOutcome;
namespace fs = std::filesystem;

class TestProjectCommand : public QObject {
  Q_OBJECT
  test::TempDir dir_{"simclr-cli-project"};
  fs::path good_, minimal_;

  fs::path write(const std::string& name, const std::string& text) {
    write_file_atomically(dir_ / name, text);
    return dir_ / name;
  }

 private Q_SLOTS:
  void initTestCase() {
    good_ = dir_ / "good.json";
    test::write_tiny_project(good_, dir_ / "data");
    minimal_ = write("minimal.json", R"({"version": 1, "name": "mini", "training": {"epochs": 3}})");
  }

  void validateSaysOk() {
    Outcome o = cli({"project", "validate", test::qpath(good_)});
    QVERIFY2(o.code == 0, qPrintable(o.err));
    QCOMPARE(o.out, test::qpath(good_) + ": OK (tiny)\n");
    o = cli({"-q", "project", "validate", test::qpath(good_), test::qpath(minimal_)});
    QVERIFY2(o.code == 0, qPrintable(o.err));
    QVERIFY2(o.out.isEmpty(), qPrintable(o.out));
  }

  void validateNamesTheProblem_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<QStringList>("messages");
    QTest::newRow("unknown key") << R"({"version": 1, "training": {"lerning_rate": 0.1}})"
                                 << QStringList{"training.lerning_rate", "did you mean 'learning_rate'"};
    QTest::newRow("out of range") << R"({"version": 1, "training": {"epochs": 0}})" << QStringList{"training.epochs"};
    QTest::newRow("wrong type") << R"({"version": 1, "training": {"batch_size": "big"}})"
                                << QStringList{"training.batch_size", "an integer"};
    QTest::newRow("two problems") << R"({"version": 1, "training": {"epochs": 0, "seed": -1}})"
                                  << QStringList{"training.epochs", "training.seed"};
    QTest::newRow("not JSON") << "{\n  \"version\": 1,\n  \"name\": \n}" << QStringList{":4:1: not valid JSON"};
  }
  void validateNamesTheProblem() {
    QFETCH(QString, text);
    QFETCH(QStringList, messages);
    const fs::path bad = write("bad-" + std::string(QTest::currentDataTag()) + ".json", text.toStdString());
    // A good file before the bad one: both are checked and reported.
    const Outcome o = cli({"project", "validate", test::qpath(good_), test::qpath(bad)});
    QVERIFY2(o.code == 2, qPrintable(QString("exit %1: %2").arg(o.code).arg(o.err)));
    QVERIFY2(o.out.contains(test::qpath(good_) + ": OK"), qPrintable(o.out));
    QVERIFY2(!o.out.contains(test::qpath(bad)), qPrintable(o.out));
    QVERIFY2(o.err.contains(test::qpath(bad)), qPrintable(o.err));
    for (const QString& message : messages) QVERIFY2(o.err.contains(message), qPrintable(o.err));
    QVERIFY2(o.err.contains("1 of 2 project file(s) invalid"), qPrintable(o.err));
  }

  void validateMissingFile() {
    const fs::path missing = dir_ / "missing.json";
    const Outcome o = cli({"project", "validate", test::qpath(missing)});
    QVERIFY2(o.code == 2, qPrintable(QString("exit %1: %2").arg(o.code).arg(o.err)));
    QVERIFY2(o.err.contains(test::qpath(missing)), qPrintable(o.err));
  }

  // Every default written out: the defaults of a ProjectConfig, plus what the file sets.
  void showFillsInTheDefaults() {
    const Outcome o = cli({"project", "show", test::qpath(minimal_)});
    QVERIFY2(o.code == 0, qPrintable(o.err));
    const auto shown = nlohmann::json::parse(o.out.toStdString(), nullptr, false);
    QVERIFY2(shown.is_object(), qPrintable(o.out));
    nlohmann::json expected = to_json(ProjectConfig{});
    expected["name"] = "mini";
    expected["training"]["epochs"] = 3;
    QVERIFY2(shown == expected, qPrintable(QString::fromStdString(nlohmann::json::diff(expected, shown).dump())));
    QVERIFY(shown["training"].contains("learning_rate"));  // not in the file
  }

  // What show prints is a complete project: it validates and shows again unchanged.
  void showIsAFixedPoint() {
    const Outcome first = cli({"project", "show", test::qpath(good_)});
    QVERIFY2(first.code == 0, qPrintable(first.err));
    const fs::path shown = write("shown.json", first.out.toStdString());
    const Outcome valid = cli({"project", "validate", test::qpath(shown)});
    QVERIFY2(valid.code == 0, qPrintable(valid.err));
    const Outcome again = cli({"project", "show", test::qpath(shown)});
    QCOMPARE(again.code, 0);
    QCOMPARE(again.out, first.out);
  }

  // --explain: every setting, with its value, its unit and what it means.
  void showExplainsEachSetting() {
    const Outcome o = cli({"project", "show", "--explain", test::qpath(minimal_)});
    QVERIFY2(o.code == 0, qPrintable(o.err));
    QVERIFY2(o.out.contains("training.epochs = 3 epochs\n    Passes over the training split."), qPrintable(o.out));
    QVERIFY2(o.out.contains("dataset.train_limit = 0 images (all images)"), qPrintable(o.out));
    QVERIFY2(o.out.contains("training.timeline_max_mb = 2048.0 MB"), qPrintable(o.out));
    for (const std::string& path : schema_setting_paths())
      QVERIFY2(o.out.contains(QString::fromStdString("\n" + path + " = ")) || o.out.startsWith(QString::fromStdString(path)),
               path.c_str());
  }

  void showBadInputExitsWithTwo() {
    const fs::path bad = write("show-bad.json", R"({"version": 1, "model": {"width": -4}})");
    Outcome o = cli({"project", "show", test::qpath(bad)});
    QCOMPARE(o.code, 2);
    QVERIFY2(o.err.contains(test::qpath(bad)) && o.err.contains("model.width"), qPrintable(o.err));
    QVERIFY(o.out.isEmpty());
    o = cli({"project", "show"});
    QCOMPARE(o.code, 2);
    QVERIFY2(o.err.contains("PROJECT"), qPrintable(o.err));
  }
};

QTEST_GUILESS_MAIN(TestProjectCommand)
#include "test_project_command.moc"
