// The settings form: generated from the schema (every setting has an editor), shows the
// document, edits reach it, and the engine's messages appear next to their settings.
#include <QCheckBox>
#include <QComboBox>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTabWidget>
#include <QtTest>

#include <QDoubleSpinBox>
#include <QListWidget>
#include <QMenu>
#include <QSlider>
#include <QToolButton>

#include "app/gui/project/project_document.h"
#include "app/gui/project/project_editor.h"
#include "app/gui/augmentation/augmentation_list_editor.h"
#include "app/gui/project_form/project_form.h"
#include "app/gui/project/project_json_view.h"
#include "engine/augment/augment_pipeline.h"
#include "engine/core/atomic_file.h"
#include "engine/project/project_file.h"
#include "tests/support/temp_dir.h"
#include "tests/widgets/widget_shots.h"

using namespace simclr;
using nlohmann::json;
using simclr::gui::ProjectDocument;
using simclr::gui::ProjectForm;

namespace {

QString q(const std::filesystem::path& p) {
  return QString::fromStdString(p.string());
}

json sampleProject() {
  json p = to_json(ProjectConfig{});
  p["name"] = "form test";
  p["training"]["batch_size"] = 128;
  p["training"]["learning_rate"] = 3e-4;
  p["training"]["channels_last"] = true;
  p["model"]["width"] = 16;
  p["profiles"] = {{"cuda", {{"model", {{"width", 64}}}}}};
  return p;
}

// Every leaf and section of the schema, as dotted paths; augmentation and profiles are
// free-form, edited as a whole.
void collectPaths(const json& object, const std::string& prefix, QStringList& out) {
  for (const auto& [key, value] : object.items()) {
    const std::string path = prefix.empty() ? key : prefix + "." + key;
    out << QString::fromStdString(path);
    if (value.is_object() && key != "augmentation" && key != "profiles") collectPaths(value, path, out);
  }
}

// Types a new value into a field as a user does: select all, type, press Return.
void typeInto(QWidget* field, const QString& text) {
  QVERIFY(field);
  QWidget* target = field;
  if (auto* spin = qobject_cast<QSpinBox*>(field)) {
    spin->selectAll();
    target = spin->findChild<QLineEdit*>();
  } else if (auto* edit = qobject_cast<QLineEdit*>(field)) {
    edit->selectAll();
  }
  QTest::keyClicks(target, text);
  QTest::keyClick(target, Qt::Key_Return);
}

}  // namespace

class TestProjectForm : public QObject {
  Q_OBJECT

  test::TempDir* dir_ = nullptr;
  std::filesystem::path file_;

 private Q_SLOTS:
  void init() {
    dir_ = new test::TempDir("form");
    file_ = *dir_ / "project.json";
    write_file_atomically(file_, sampleProject().dump(2));
  }
  void cleanup() { delete dir_; }

  void everySchemaSettingHasAnEditor() {
    ProjectDocument doc;
    ProjectForm form(&doc);
    QStringList paths;
    collectPaths(to_json(ProjectConfig{}), "", paths);
    QVERIFY(paths.size() > 40);
    for (const QString& path : paths) QVERIFY2(form.editorFor(path), qPrintable(path));
  }

  void showsTheDocumentsValues() {
    ProjectDocument doc;
    QString error;
    QVERIFY2(doc.open(q(file_), &error), qPrintable(error));
    ProjectForm form(&doc);
    QCOMPARE(qobject_cast<QSpinBox*>(form.editorFor("training.batch_size"))->value(), 128);
    QCOMPARE(qobject_cast<QSpinBox*>(form.editorFor("model.width"))->value(), 16);
    QCOMPARE(qobject_cast<QLineEdit*>(form.editorFor("training.learning_rate"))->text(), QStringLiteral("0.0003"));
    QCOMPARE(qobject_cast<QLineEdit*>(form.editorFor("training.weight_decay"))->text(), QStringLiteral("1e-6"));
    QCOMPARE(qobject_cast<QLineEdit*>(form.editorFor("name"))->text(), QStringLiteral("form test"));
    QCOMPARE(qobject_cast<QComboBox*>(form.editorFor("training.optimizer"))->currentText(), QStringLiteral("adam"));
    QVERIFY(qobject_cast<QCheckBox*>(form.editorFor("training.channels_last"))->isChecked());
    QCOMPARE(qobject_cast<QComboBox*>(form.editorFor("augmentation"))->currentText(), QStringLiteral("simclr-cifar"));
    const auto* profiles = qobject_cast<QPlainTextEdit*>(form.editorFor("profiles"));
    QCOMPARE(json::parse(profiles->toPlainText().toStdString()), sampleProject()["profiles"]);
    QVERIFY(form.unplacedIssues().isEmpty());
  }

  // The description is read whole, over several lines, and an edit is kept when the field
  // is left.
  void theDescriptionIsMultiLine() {
    ProjectDocument doc;
    QString error;
    QVERIFY(doc.open(q(file_), &error));
    doc.setValue("/description", json("A long description of what this experiment is about, which used to show only "
                                      "its end in a one-line field."));
    ProjectForm form(&doc);
    form.show();
    QVERIFY(QTest::qWaitForWindowExposed(&form));
    auto* edit = qobject_cast<QPlainTextEdit*>(form.editorFor("description"));
    QVERIFY(edit);
    QVERIFY(edit->toPlainText().startsWith(QStringLiteral("A long description")));
    edit->setFocus();
    QTRY_VERIFY(edit->hasFocus());
    QTest::keyClick(edit, Qt::Key_End, Qt::ControlModifier);
    QTest::keyClicks(edit, QStringLiteral(" Second thought."));
    QCOMPARE(doc.value("/description").get<std::string>().find("Second thought"), std::string::npos);  // not yet
    form.editorFor("name")->setFocus();
    QTRY_VERIFY(doc.value("/description").get<std::string>().find("field. Second thought.") != std::string::npos);
  }

  void editsReachTheDocumentAndSurviveSaveAndReload() {
    ProjectDocument doc;
    QString error;
    QVERIFY(doc.open(q(file_), &error));
    ProjectForm form(&doc);
    form.show();
    QSignalSpy changed(&doc, &ProjectDocument::changed);

    typeInto(form.editorFor("training.batch_size"), "64");
    QCOMPARE(doc.value("/training/batch_size"), json(64));
    typeInto(form.editorFor("training.learning_rate"), "1e-3");
    QCOMPARE(doc.value("/training/learning_rate"), json(1e-3));
    typeInto(form.editorFor("training.seed"), "12345678901");
    QCOMPARE(doc.value("/training/seed"), json(uint64_t(12345678901ULL)));
    typeInto(form.editorFor("dataset.path"), "data/cifar");
    QCOMPARE(doc.value("/dataset/path"), json("data/cifar"));
    auto* optimizer = qobject_cast<QComboBox*>(form.editorFor("training.optimizer"));
    QTest::keyClick(optimizer, Qt::Key_Down);  // adam -> sgd
    QCOMPARE(doc.value("/training/optimizer"), json("sgd"));
    QTest::mouseClick(form.editorFor("training.channels_last"), Qt::LeftButton);
    QCOMPARE(doc.value("/training/channels_last"), json(false));
    QCOMPARE(changed.size(), 6);  // one per edit: showing values never writes back

    QVERIFY(doc.isModified());
    QVERIFY2(doc.save(&error), qPrintable(error));
    ProjectDocument reloaded;
    QVERIFY(reloaded.open(q(file_), &error));
    QCOMPARE(reloaded.json(), doc.json());
  }

  void documentChangesUpdateTheForm() {
    ProjectDocument doc;
    QString error;
    QVERIFY(doc.open(q(file_), &error));
    ProjectForm form(&doc);
    QSignalSpy changed(&doc, &ProjectDocument::changed);
    json next = doc.json();
    next["training"]["epochs"] = 77;
    next["evaluation"]["knn_temperature"] = 0.07;
    doc.setJson(next);  // as the JSON view's Apply does
    QCOMPARE(qobject_cast<QSpinBox*>(form.editorFor("training.epochs"))->value(), 77);
    QCOMPARE(qobject_cast<QLineEdit*>(form.editorFor("evaluation.knn_temperature"))->text(), QStringLiteral("0.07"));
    QCOMPARE(changed.size(), 1);
  }

  void invalidValuesShowMessagesNextToTheirSetting_data() {
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("bad");  // typed into the field
    QTest::addColumn<QString>("good");
    QTest::addColumn<QString>("message");
    QTest::newRow("batch size 1") << "training.batch_size"
                                  << "1"
                                  << "32"
                                  << ">= 2";
    QTest::newRow("temperature 0") << "training.temperature"
                                   << "0"
                                   << "0.2"
                                   << "> 0";
    QTest::newRow("momentum 2") << "training.momentum"
                                << "2"
                                << "0.9"
                                << "<= 1";
    QTest::newRow("layers 12") << "model.projection.layers"
                               << "12"
                               << "3"
                               << "<= 8";
    QTest::newRow("device") << "training.device"
                            << "gpu"
                            << "cuda:1"
                            << "not auto, cpu, cuda";
  }
  void invalidValuesShowMessagesNextToTheirSetting() {
    QFETCH(QString, path);
    QFETCH(QString, bad);
    QFETCH(QString, good);
    QFETCH(QString, message);
    ProjectDocument doc;
    QString error;
    QVERIFY(doc.open(q(file_), &error));
    ProjectForm form(&doc);
    form.show();
    QVERIFY(form.issueTextFor(path).isEmpty());

    typeInto(form.editorFor(path), bad);
    QVERIFY(!doc.isValid());
    QVERIFY2(form.issueTextFor(path).contains(message), qPrintable(form.issueTextFor(path)));
    QVERIFY(form.editorFor(path)->property("invalid").toBool());
    const auto* label = form.findChild<QWidget*>(path + ".issue");
    QVERIFY(label && label->isVisible());
    QVERIFY(form.unplacedIssues().isEmpty());  // placed, not only in the summary

    typeInto(form.editorFor(path), good);
    QVERIFY(doc.isValid());
    QVERIFY(form.issueTextFor(path).isEmpty());
    QVERIFY(!label->isVisible());
    QVERIFY(!form.editorFor(path)->property("invalid").toBool());
  }

  void valuesFromTheRawJsonAreFlaggedWhereTheyBelong() {
    ProjectDocument doc;
    QString error;
    QVERIFY(doc.open(q(file_), &error));
    ProjectForm form(&doc);
    doc.setValue("/dataset/name", "cifar100");
    auto* name = qobject_cast<QComboBox*>(form.editorFor("dataset.name"));
    QCOMPARE(name->currentText(), QStringLiteral("cifar100"));  // shown as it is
    QVERIFY2(form.issueTextFor("dataset.name").contains("did you mean 'cifar10'"),
             qPrintable(form.issueTextFor("dataset.name")));
    QTest::keyClick(name, Qt::Key_Home);  // the user picks a valid name
    QCOMPARE(doc.value("/dataset/name"), json("cifar10"));
    QVERIFY(form.issueTextFor("dataset.name").isEmpty());

    json next = doc.json();
    next["training"]["batchsize"] = 3;  // a typo: the section owns it
    next["colour"] = "blue";            // nobody owns it: the summary lists it
    doc.setJson(next);
    QVERIFY2(form.issueTextFor("training").contains("batchsize: unknown setting"),
             qPrintable(form.issueTextFor("training")));
    QCOMPARE(form.unplacedIssues().size(), 1);
    QVERIFY(form.unplacedIssues().front().startsWith("colour"));
    QVERIFY(form.findChild<QWidget*>("issueSummary")->isVisibleTo(&form));

    next["training"].erase("batchsize");
    next.erase("colour");
    next["augmentation"] = {{"preset", "custom"}, {"ops", {{{"op", "horizontal_flip"}, {"p", 2}}}}};
    doc.setJson(next);
    QVERIFY2(form.issueTextFor("augmentation").contains("ops[0].p"), qPrintable(form.issueTextFor("augmentation")));
    QVERIFY(form.issueTextFor("training").isEmpty());
    QVERIFY(form.unplacedIssues().isEmpty());
  }

  void textThatIsNotANumberIsRefusedInPlace() {
    ProjectDocument doc;
    QString error;
    QVERIFY(doc.open(q(file_), &error));
    ProjectForm form(&doc);
    form.show();
    typeInto(form.editorFor("training.learning_rate"), "fast");
    QVERIFY(form.issueTextFor("training.learning_rate").contains("not a number"));
    QCOMPARE(doc.value("/training/learning_rate"), json(3e-4));
    typeInto(form.editorFor("training.learning_rate"), "5e-4");
    QCOMPARE(doc.value("/training/learning_rate"), json(5e-4));
    QVERIFY(form.issueTextFor("training.learning_rate").isEmpty());
  }

  void augmentationPresetsAndCustomOps() {
    ProjectDocument doc;
    QString error;
    QVERIFY(doc.open(q(file_), &error));
    ProjectForm form(&doc);
    form.show();
    auto* preset = qobject_cast<QComboBox*>(form.editorFor("augmentation"));
    auto* ops = form.findChild<QPlainTextEdit*>("augmentation.ops");
    QVERIFY(ops->isReadOnly());  // a preset's ops are shown, not edited
    // ... as a numbered list a person reads, one line per op with its settings.
    const json presetOps = AugmentPipeline::preset_spec("simclr-cifar")["ops"];
    const QStringList lines = ops->toPlainText().split(QLatin1Char('\n'));
    QCOMPARE(lines.size(), int(presetOps.size()));
    for (int i = 0; i < lines.size(); ++i)
      QVERIFY2(lines[i].startsWith(QStringLiteral("%1. %2").arg(i + 1).arg(QString::fromStdString(presetOps[i]["op"]))),
               qPrintable(lines[i]));
    QVERIFY2(lines[0].contains(QStringLiteral("scale 0.2–1")), qPrintable(lines[0]));

    QTest::keyClick(preset, Qt::Key_End);  // "custom": an editable copy of the preset
    QCOMPARE(doc.value("/augmentation/preset"), json("custom"));
    QCOMPARE(doc.value("/augmentation/ops"), AugmentPipeline::preset_spec("simclr-cifar")["ops"]);
    QVERIFY(!ops->isReadOnly());
    QVERIFY(doc.isValid());

    ops->selectAll();
    QTest::keyClicks(ops, R"([{"op": "horizontal_flip", "p": 0.25}])");
    auto* apply = form.findChild<QPushButton*>("augmentation.apply");
    QVERIFY(apply->isEnabled());
    QTest::mouseClick(apply, Qt::LeftButton);
    QCOMPARE(doc.value("/augmentation/ops"), json::parse(R"([{"op": "horizontal_flip", "p": 0.25}])"));
    QVERIFY(!apply->isEnabled());

    ops->selectAll();
    QTest::keyClicks(ops, "[{\"op\": }]");  // broken: stays in the editor, located
    QTest::mouseClick(apply, Qt::LeftButton);
    QVERIFY2(form.issueTextFor("augmentation").contains("Line 1, column"),
             qPrintable(form.issueTextFor("augmentation")));
    QCOMPARE(doc.value("/augmentation/ops"), json::parse(R"([{"op": "horizontal_flip", "p": 0.25}])"));

    QTest::keyClick(preset, Qt::Key_Home);  // back to a preset: "none"
    QCOMPARE(doc.value("/augmentation"), json({{"preset", "none"}}));
    QVERIFY(ops->isReadOnly());
    QVERIFY(form.issueTextFor("augmentation").isEmpty());
  }

  // The List tab: the preset's ops as rows; editing one makes a custom copy; add, move,
  // remove, and parameters through their sliders and spin boxes, each reaching the document.
  void augmentationListEditsOps() {
    ProjectDocument doc;
    QString error;
    QVERIFY(doc.open(q(file_), &error));
    ProjectForm form(&doc);
    form.resize(520, 900);
    form.show();
    auto* list = form.findChild<gui::AugmentationListEditor*>();
    QVERIFY(list);
    const json presetOps = AugmentPipeline::preset_spec("simclr-cifar")["ops"];
    QCOMPARE(list->list()->count(), int(presetOps.size()));
    QVERIFY(list->list()->item(1)->text().startsWith(QStringLiteral("2. horizontal_flip: p 0.5")));

    // The flip's probability by its slider: a custom copy of the preset with p 0.3.
    list->list()->setCurrentRow(1);
    auto* slider = list->parameterArea()->findChild<QWidget*>("param.p")->findChild<QSlider*>();
    QVERIFY(slider);
    slider->setValue(30);
    QCOMPARE(doc.value("/augmentation/preset"), json("custom"));
    json expected = presetOps;
    expected[1]["p"] = 0.3;
    QCOMPARE(doc.value("/augmentation/ops"), expected);
    QVERIFY(list->list()->item(1)->text().contains(QStringLiteral("p 0.3")));
    QVERIFY(doc.isValid());

    // The crop's scale range by its spin boxes.
    list->list()->setCurrentRow(0);
    auto* scale = list->parameterArea()->findChild<QWidget*>("param.scale");
    scale->findChild<QDoubleSpinBox*>("min")->setValue(0.35);
    QCOMPARE(doc.value("/augmentation/ops/0/scale"), json::array({0.35, 1.0}));

    // Add a blur at the end, move it to the top, remove the grayscale op.
    QAction* addBlur = list->addButton()->menu()->findChild<QAction*>("add.gaussian_blur");
    QVERIFY(addBlur);
    addBlur->trigger();
    QCOMPARE(doc.value("/augmentation/ops").size(), presetOps.size() + 1);
    QCOMPARE(list->list()->currentRow(), int(presetOps.size()));
    for (size_t i = 0; i < presetOps.size(); ++i) QTest::mouseClick(list->upButton(), Qt::LeftButton);
    QCOMPARE(doc.value("/augmentation/ops/0/op"), json("gaussian_blur"));
    QVERIFY(!list->upButton()->isEnabled());
    list->list()->setCurrentRow(int(presetOps.size()));  // random_grayscale, last now
    QCOMPARE(doc.value("/augmentation/ops/" + std::to_string(presetOps.size()) + "/op"), json("random_grayscale"));
    QTest::mouseClick(list->removeButton(), Qt::LeftButton);
    QCOMPARE(doc.value("/augmentation/ops").size(), presetOps.size());
    QVERIFY(doc.isValid());

    // The JSON tab shows the same list; an edit there shows in the list.
    auto* ops = form.findChild<QPlainTextEdit*>("augmentation.ops");
    QCOMPARE(json::parse(ops->toPlainText().toStdString()), doc.value("/augmentation/ops"));
    doc.setValue("/augmentation/ops", json::parse(R"([{"op": "solarize", "threshold": 0.7, "p": 0.2}])"));
    QCOMPARE(list->list()->count(), 1);
    QVERIFY(list->list()->item(0)->text().contains(QStringLiteral("threshold 0.7")));
  }

  void theEditorsTabsShowProblemsAndUnappliedJson() {
    ProjectDocument doc;
    QString error;
    QVERIFY(doc.open(q(file_), &error));
    gui::ProjectEditor editor(&doc);
    QTabWidget* tabs = editor.tabs();
    QCOMPARE(tabs->tabText(0), QStringLiteral("Settings"));
    QVERIFY(tabs->tabIcon(0).isNull());
    doc.setValue("/training/batch_size", 1);
    QCOMPARE(tabs->tabText(0), QStringLiteral("Settings (1 problem)"));
    QVERIFY(!tabs->tabIcon(0).isNull());
    doc.setValue("/training/batch_size", 2);
    QCOMPARE(tabs->tabText(0), QStringLiteral("Settings"));

    QCOMPARE(tabs->tabText(1), QStringLiteral("JSON"));
    editor.jsonView()->editor()->insertPlainText(QStringLiteral(" "));
    QCOMPARE(tabs->tabText(1), QStringLiteral("JSON *"));
    editor.jsonView()->revert();
    QCOMPARE(tabs->tabText(1), QStringLiteral("JSON"));
  }

  void screenshot() {
    SIMCLR_SKIP_WITHOUT_SHOTS();
    ProjectDocument doc;
    QString error;
    QVERIFY(doc.open(q(file_), &error));
    doc.setValue("/training/batch_size", 1);
    doc.setValue("/colour", "blue");
    gui::ProjectEditor editor(&doc);
    editor.resize(520, 900);
    editor.show();
    QVERIFY(QTest::qWaitForWindowExposed(&editor));
    editor.form()->focusSetting("training.batch_size");
    QVERIFY(widgets::testing::saveShot(editor, "project_form"));
    editor.form()->focusSetting("augmentation");
    if (auto* list = editor.findChild<gui::AugmentationListEditor*>()) list->list()->setCurrentRow(2);
    QTest::qWait(50);  // the parameters' rows are shown and laid out by posted events
    QVERIFY(widgets::testing::saveShot(editor, "project_augmentation"));
    editor.showJson();
    QVERIFY(widgets::testing::saveShot(editor, "project_json"));
  }
};

QTEST_MAIN(TestProjectForm)
#include "test_project_form.moc"
