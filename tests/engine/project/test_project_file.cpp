#include <QtTest>

#include <fstream>

#include "engine/core/atomic_file.h"
#include "engine/core/error.h"
#include "engine/project/project_file.h"
#include "tests/support/temp_dir.h"

using namespace simclr;
using nlohmann::json;

namespace {
bool has_issue(const ConfigIssues& issues, const std::string& path, const std::string& fragment) {
  for (const auto& issue : issues)
    if (issue.path == path && issue.message.find(fragment) != std::string::npos) return true;
  return false;
}
std::string dump(const ConfigIssues& issues) {
  return join_issues(issues);
}
}  // namespace

class TestProjectFile : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void emptyProjectTakesDefaults() {
    const ProjectConfig config = parse_project(json::object());
    QCOMPARE(config.training.batch_size, int64_t{256});
    QCOMPARE(QString::fromStdString(config.dataset.name), QStringLiteral("cifar10"));
    QCOMPARE(QString::fromStdString(config.augmentation.value("preset", "")), QStringLiteral("simclr-cifar"));
  }

  void roundTripKeepsEverySetting() {
    ProjectConfig config;
    config.name = "round trip";
    config.training.batch_size = 64;
    config.training.optimizer = "lars";
    config.training.learning_rate = 0.3;
    config.training.seed = 42;
    config.model.width = 16;
    config.model.projection.layers = 3;
    config.evaluation.knn_k = 20;
    config.augmentation = json{{"preset", "paper"}};
    const json written = to_json(config);
    const ProjectConfig back = parse_project(written);
    QCOMPARE(to_json(back), written);
    QCOMPARE(back.training.seed, uint64_t{42});
  }

  void vitModelRoundTrips() {
    ProjectConfig config;
    config.model.encoder = "vit";
    config.model.vit.patch_size = 16;
    config.model.vit.dim = 768;
    config.model.vit.heads = 8;
    config.model.vit.layers = 8;
    config.model.vit.mlp_ratio = 2.5;
    config.model.vit.dropout = 0.2;
    config.model.vit.pool = "mean";
    const json written = to_json(config);
    QCOMPARE(written["model"]["vit"]["dim"].get<int64_t>(), int64_t{768});
    const ProjectConfig back = parse_project(written);
    QCOMPARE(to_json(back), written);
    QCOMPARE(QString::fromStdString(back.model.encoder), QStringLiteral("vit"));
    QCOMPARE(back.model.vit.heads, int64_t{8});
    QCOMPARE(back.model.vit.dropout, 0.2);
    QCOMPARE(QString::fromStdString(back.model.vit.pool), QStringLiteral("mean"));
    // A partial vit section keeps the defaults of the rest.
    const ProjectConfig partial = parse_project(json::parse(R"({"model": {"encoder": "vit", "vit": {"dim": 129}}})"));
    QCOMPARE(partial.model.vit.dim, int64_t{129});  // a multiple of the default 3 heads
    QCOMPARE(partial.model.vit.heads, VitConfig{}.heads);
    QCOMPARE(QString::fromStdString(partial.model.vit.pool), QStringLiteral("cls"));
  }

  void invalidValuesAreReportedByPath_data() {
    QTest::addColumn<QString>("document");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("fragment");
    QTest::newRow("batch too small") << R"({"training": {"batch_size": 1}})"
                                     << "training.batch_size"
                                     << ">= 2";
    QTest::newRow("batch wrong type") << R"({"training": {"batch_size": "big"}})"
                                      << "training.batch_size"
                                      << "must be an integer, not a string";
    QTest::newRow("temperature zero") << R"({"training": {"temperature": 0}})"
                                      << "training.temperature"
                                      << "> 0";
    QTest::newRow("negative lr") << R"({"training": {"learning_rate": -1}})"
                                 << "training.learning_rate"
                                 << "> 0";
    QTest::newRow("unknown optimizer") << R"({"training": {"optimizer": "adamw"}})"
                                       << "training.optimizer"
                                       << "did you mean 'adam'";
    QTest::newRow("unknown key") << R"({"training": {"batchsize": 8}})"
                                 << "training.batchsize"
                                 << "did you mean 'batch_size'";
    QTest::newRow("unknown section") << R"({"modle": {}})"
                                     << "modle"
                                     << "did you mean 'model'";
    QTest::newRow("bad device") << R"({"training": {"device": "tpu"}})"
                                << "training.device"
                                << "tpu";
    QTest::newRow("section not object") << R"({"model": 3})"
                                        << "model"
                                        << "must be an object";
    QTest::newRow("future version") << R"({"version": 99})"
                                    << "version"
                                    << "<= 1";
    QTest::newRow("bool expected") << R"({"model": {"projection": {"batch_norm": 1}}})"
                                   << "model.projection.batch_norm"
                                   << "true or false";
    QTest::newRow("bad profile") << R"({"profiles": {"cuda": {"training": {"batch_size": 0}}}})"
                                 << "profiles.cuda.training.batch_size"
                                 << ">= 2";
    QTest::newRow("unknown profile") << R"({"profiles": {"tpu": {}}})"
                                     << "profiles.tpu"
                                     << "unknown profile";
    QTest::newRow("vit pool") << R"({"model": {"encoder": "vit", "vit": {"pool": "max"}}})"
                              << "model.vit.pool"
                              << "max";
    QTest::newRow("vit dropout") << R"({"model": {"vit": {"dropout": 1.5}}})"
                                 << "model.vit.dropout"
                                 << "<= 0.99";
    QTest::newRow("vit heads") << R"({"model": {"vit": {"heads": 0}}})"
                               << "model.vit.heads"
                               << ">= 1";
    QTest::newRow("vit dim and heads") << R"({"model": {"encoder": "vit", "vit": {"dim": 100, "heads": 3}}})"
                                       << "model.vit.dim"
                                       << "not a multiple of model.vit.heads (3)";
    QTest::newRow("vit unknown key") << R"({"model": {"vit": {"depth": 6}}})"
                                     << "model.vit.depth"
                                     << "unknown";
    QTest::newRow("bad augmentation preset") << R"({"augmentation": {"preset": "strong"}})"
                                             << "augmentation.preset"
                                             << "strong";
  }
  void invalidValuesAreReportedByPath() {
    QFETCH(QString, document);
    QFETCH(QString, path);
    QFETCH(QString, fragment);
    const auto issues = validate_project(json::parse(document.toStdString()));
    QVERIFY2(has_issue(issues, path.toStdString(), fragment.toStdString()), dump(issues).c_str());
    QVERIFY_THROWS_EXCEPTION(ConfigError, parse_project(json::parse(document.toStdString())));
  }

  void everyIssueIsReportedAtOnce() {
    const auto issues = validate_project(
        json::parse(R"({"training": {"batch_size": 0, "epochs": 0, "optimizr": "sgd"}, "model": {"width": 0}})"));
    QCOMPARE(issues.size(), size_t{4});
  }

  void syntaxErrorNamesFileLineAndColumn() {
    test::TempDir dir;
    const auto file = dir / "broken.json";
    write_file_atomically(file, "{\n  \"name\": \"x\",\n  \"training\": {,}\n}\n");
    try {
      load_project(file);
      QFAIL("expected ConfigError");
    } catch (const ConfigError& e) {
      const QString message = e.what();
      QVERIFY2(message.contains(QString::fromStdString(file.string() + ":3:")), e.what());
    }
  }

  void missingFileIsBadInput() {
    try {
      load_project("/nonexistent/project.json");
      QFAIL("expected ConfigError");
    } catch (const ConfigError& e) {
      QVERIFY(e.is_bad_input());
      QVERIFY(QString(e.what()).contains("/nonexistent/project.json"));
    }
  }

  void saveIsAtomicAndLoadable() {
    test::TempDir dir;
    const auto file = dir / "p.json";
    ProjectConfig config;
    config.name = "saved";
    config.training.epochs = 3;
    save_project(config, file);
    const ProjectConfig back = load_project(file);
    QCOMPARE(back.training.epochs, int64_t{3});
    QCOMPARE(back.file, std::filesystem::absolute(file));
    QCOMPARE(back.base_dir(), dir.path());
  }

  void profileMergesOverTheProject() {
    const ProjectConfig config = parse_project(json::parse(
        R"({"model": {"width": 16}, "profiles": {"cuda": {"model": {"width": 64}, "training": {"batch_size": 512}}}})"));
    const ProjectConfig cuda = apply_profile(config, "cuda");
    QCOMPARE(cuda.model.width, int64_t{64});
    QCOMPARE(cuda.training.batch_size, int64_t{512});
    QCOMPARE(cuda.model.stem, config.model.stem);
    QCOMPARE(apply_profile(config, "cpu").model.width, int64_t{16});
  }

  void shippedProjectsAreValid_data() {
    QTest::addColumn<QString>("file");
    const QString dir = QFINDTESTDATA("../../../projects");
    QVERIFY(!dir.isEmpty());
    for (const auto& entry : std::filesystem::directory_iterator(dir.toStdString()))
      if (entry.path().extension() == ".json")
        QTest::newRow(entry.path().filename().c_str()) << QString::fromStdString(entry.path().string());
  }
  void shippedProjectsAreValid() {
    QFETCH(QString, file);
    const ProjectConfig config = load_project(file.toStdString());
    QVERIFY(!config.description.empty());
  }

  void nearestNameNeedsToBeClose() {
    QCOMPARE(QString::fromStdString(nearest_name("lerning_rate", {"learning_rate", "seed"})),
             QStringLiteral("learning_rate"));
    QVERIFY(nearest_name("completely_different", {"seed", "epochs"}).empty());
  }
};

QTEST_GUILESS_MAIN(TestProjectFile)
#include "test_project_file.moc"
