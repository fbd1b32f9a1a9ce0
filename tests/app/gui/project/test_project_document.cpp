// The edited project: open (valid, invalid, broken), edit, validate, save atomically.
#include <QtTest>

#include "app/gui/project/project_document.h"
#include "engine/core/atomic_file.h"
#include "engine/project/project_file.h"
#include "tests/support/project_fixtures.h"
#include "tests/support/temp_dir.h"

using namespace simclr;
using simclr::gui::ProjectDocument;

class TestProjectDocument : public QObject {
  Q_OBJECT
  static QString q(const std::filesystem::path& p) { return QString::fromStdString(p.string()); }

 private Q_SLOTS:
  void openEditSaveRoundTrip() {
    test::TempDir dir("doc");
    test::write_tiny_project(dir / "p.json", dir / "data");
    ProjectDocument doc;
    QSignalSpy modified(&doc, &ProjectDocument::modifiedChanged);
    QString error;
    QVERIFY2(doc.open(q(dir / "p.json"), &error), qPrintable(error));
    QVERIFY(doc.isValid());
    QVERIFY(!doc.isModified());
    QCOMPARE(doc.value("/training/batch_size").get<int>(), 16);

    doc.setValue("/training/batch_size", 32);
    QVERIFY(doc.isModified());
    QCOMPARE(modified.size(), 1);
    QVERIFY2(doc.save(&error), qPrintable(error));
    QVERIFY(!doc.isModified());
    QCOMPARE(load_project(dir / "p.json").training.batch_size, int64_t(32));
  }

  void missingKeysShowTheirDefaults() {
    test::TempDir dir("doc");
    write_file_atomically(dir / "p.json", R"({"version": 1, "name": "short"})");
    ProjectDocument doc;
    QString error;
    QVERIFY2(doc.open(q(dir / "p.json"), &error), qPrintable(error));
    QCOMPARE(doc.value("/training/temperature").get<double>(), ProjectConfig{}.training.temperature);
  }

  void invalidSettingsOpenWithIssuesAndRefuseToSave() {
    test::TempDir dir("doc");
    write_file_atomically(dir / "p.json", R"({"version": 1, "name": "bad", "training": {"batch_size": 1}})");
    ProjectDocument doc;
    QString error;
    QVERIFY(doc.open(q(dir / "p.json"), &error));
    QVERIFY(!doc.isValid());
    QCOMPARE(QString::fromStdString(doc.issues().front().path), QStringLiteral("training.batch_size"));
    const std::string before = read_file(dir / "p.json");
    doc.setValue("/name", "renamed");
    QVERIFY(!doc.save(&error));
    QVERIFY2(error.contains(QStringLiteral("training.batch_size")), qPrintable(error));
    QCOMPARE(read_file(dir / "p.json"), before);  // nothing half-written
    doc.setValue("/training/batch_size", 8);
    QVERIFY(doc.isValid());
    QVERIFY2(doc.save(&error), qPrintable(error));
  }

  void syntaxErrorsNameLineAndColumn() {
    test::TempDir dir("doc");
    write_file_atomically(dir / "p.json", "{\n  \"name\": \"x\",\n  oops\n}\n");
    ProjectDocument doc;
    QString error;
    QVERIFY(!doc.open(q(dir / "p.json"), &error));
    QVERIFY2(error.contains(QStringLiteral("p.json:3:")), qPrintable(error));
    QVERIFY(!doc.isOpen());
  }

  void newFromTemplateNeedsSaveAs() {
    test::TempDir dir("doc");
    test::write_tiny_project(dir / "template.json", dir / "data");
    ProjectDocument doc;
    QString error;
    QVERIFY(doc.newFromTemplate(q(dir / "template.json"), QStringLiteral("mine"), &error));
    QVERIFY(doc.filePath().isEmpty());
    QVERIFY(doc.isModified());
    QCOMPARE(doc.displayName(), QStringLiteral("mine"));
    QVERIFY(!doc.save(&error));
    QVERIFY(doc.saveAs(q(dir / "mine.json"), &error));
    QCOMPARE(load_project(dir / "mine.json").name, std::string("mine"));
  }
};

QTEST_GUILESS_MAIN(TestProjectDocument)
#include "test_project_document.moc"
