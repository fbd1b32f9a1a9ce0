// The raw JSON view: shows the document, applies valid text, refuses broken text with its
// line and column and leaves the document as it was.
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QtTest>

#include "app/gui/project/json_text.h"
#include "app/gui/project/project_document.h"
#include "app/gui/project/project_json_view.h"
#include "engine/core/atomic_file.h"
#include "engine/project/project_file.h"
#include "tests/support/temp_dir.h"

using namespace simclr;
using nlohmann::json;
using simclr::gui::ProjectDocument;
using simclr::gui::ProjectJsonView;

class TestProjectJsonView : public QObject {
  Q_OBJECT

  test::TempDir* dir_ = nullptr;
  ProjectDocument* doc_ = nullptr;

  static void replaceText(QPlainTextEdit* edit, const QString& text) {
    edit->selectAll();
    QTest::keyClick(edit, Qt::Key_Delete);
    edit->insertPlainText(text);  // typing it key by key would auto-repeat braces nowhere, but is slow
  }

 private Q_SLOTS:
  void init() {
    dir_ = new test::TempDir("jsonview");
    json p = to_json(ProjectConfig{});
    p["training"]["batch_size"] = 128;
    write_file_atomically(*dir_ / "p.json", p.dump(2));
    doc_ = new ProjectDocument;
    QString error;
    QVERIFY2(doc_->open(QString::fromStdString((*dir_ / "p.json").string()), &error), qPrintable(error));
  }
  void cleanup() {
    delete doc_;
    delete dir_;
  }

  void showsThePrettyPrintedDocument() {
    ProjectJsonView view(doc_);
    QCOMPARE(json::parse(view.editor()->toPlainText().toStdString()), doc_->json());
    QVERIFY(view.editor()->toPlainText().contains("\n  \"training\": {\n    \"batch_size\": 128"));
    QVERIFY(!view.hasPendingEdits());
    QVERIFY(!view.findChild<QPushButton*>("projectJsonApply")->isEnabled());
  }

  void invalidJsonIsLocatedAndChangesNothing() {
    ProjectJsonView view(doc_);
    view.show();
    const json before = doc_->json();
    QSignalSpy changed(doc_, &ProjectDocument::changed);
    // Line 3 lacks a comma: the parser stops at the string on line 4.
    replaceText(view.editor(), "{\n  \"version\": 1,\n  \"name\": \"x\"\n  \"training\": {}\n}");
    QVERIFY(view.hasPendingEdits());
    QTest::mouseClick(view.findChild<QPushButton*>("projectJsonApply"), Qt::LeftButton);
    QVERIFY2(view.messageText().startsWith("Line 4, column "), qPrintable(view.messageText()));
    QCOMPARE(changed.size(), 0);
    QCOMPARE(doc_->json(), before);
    QVERIFY(!doc_->isModified());
    QCOMPARE(view.editor()->textCursor().blockNumber(), 3);  // the cursor waits at the error
    QVERIFY(view.hasPendingEdits());                         // the text is kept for fixing
  }

  void validJsonReplacesTheDocument() {
    ProjectJsonView view(doc_);
    QString text = view.editor()->toPlainText();
    text.replace("\"batch_size\": 128", "\"batch_size\": 64");
    replaceText(view.editor(), text);
    QVERIFY(view.apply());
    QCOMPARE(doc_->value("/training/batch_size"), json(64));
    QVERIFY(doc_->isModified());
    QVERIFY(!view.hasPendingEdits());
    QVERIFY(view.messageText().isEmpty());
  }

  void aDocumentMustBeAnObject() {
    ProjectJsonView view(doc_);
    const json before = doc_->json();
    replaceText(view.editor(), "[1, 2]");
    QVERIFY(!view.apply());
    QVERIFY(view.messageText().contains("JSON object"));
    QCOMPARE(doc_->json(), before);
  }

  void pendingEditsSurviveChangesElsewhereUntilReverted() {
    ProjectJsonView view(doc_);
    replaceText(view.editor(), "{ \"name\": \"mine\" }");
    doc_->setValue("/training/epochs", 9);  // the form edits meanwhile
    QCOMPARE(view.editor()->toPlainText(), QStringLiteral("{ \"name\": \"mine\" }"));
    QVERIFY(view.messageText().contains("changed elsewhere"));
    QTest::mouseClick(view.findChild<QPushButton*>("projectJsonRevert"), Qt::LeftButton);
    QCOMPARE(json::parse(view.editor()->toPlainText().toStdString()), doc_->json());
    QVERIFY(!view.hasPendingEdits());

    doc_->setValue("/training/epochs", 10);  // without pending edits the text follows
    QCOMPARE(json::parse(view.editor()->toPlainText().toStdString())["training"]["epochs"], json(10));
  }

  void parseErrorsCountCharactersNotBytes() {
    const auto r = gui::parseJsonText(QStringLiteral("{\"name\": \"Ünïcödé\" x}"));
    QVERIFY(!r.ok);
    QCOMPARE(r.line, 1);
    QCOMPARE(r.column, 20);
  }
};

QTEST_MAIN(TestProjectJsonView)
#include "test_project_json_view.moc"
