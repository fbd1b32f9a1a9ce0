#include "app/gui/project_form/schema_form_builder.h"

#include <QFormLayout>
#include <QGroupBox>
#include <QVBoxLayout>
#include <QWidget>

#include "app/gui/augmentation/augmentation_editor.h"
#include "app/gui/project_form/setting_editors.h"
#include "engine/project/project_schema.h"
#include "engine/project/setting_help.h"

namespace simclr::gui {

namespace {

// Presentation only (titles and what 0 means); names, types, defaults and bounds all come
// from the schema.
QString sectionTitle(const std::string& path) {
  if (path == "model.projection") return QObject::tr("Projection head");
  if (path == "model.vit") return QObject::tr("Vision Transformer (encoder \"vit\")");
  if (path == "profiles") return QObject::tr("Device profiles");
  if (path == "sweep") return QObject::tr("Batch-size sweep");
  return settingLabel(path.substr(path.rfind('.') + 1));
}

QString zeroMeaning(const std::string& path) {
  const SettingHelp* help = setting_help(path);
  return help ? QString::fromStdString(help->zero) : QString();
}

// "Timeline max mb (MB)": the unit beside a number typed as text (spin boxes show theirs).
QString labelWithUnit(const char* key, const std::string& path) {
  const SettingHelp* help = setting_help(path);
  const QString label = settingLabel(key);
  return help && !help->unit.empty() ? label + QStringLiteral(" (%1)").arg(QString::fromStdString(help->unit))
                                     : label;
}

QString placeholder(const std::string& path) {
  if (path == "dataset.path") return QObject::tr("Empty: search $SIMCLR_DATA_DIR and the data folder");
  if (path == "training.device") return QObject::tr("auto, cpu, cuda or cuda:N");
  if (path == "description") return QObject::tr("What this experiment is about");
  if (path == "sweep.batch_sizes") return QObject::tr("Empty: a single run; e.g. 32, 64, 128, 256 for a sweep");
  return {};
}

ValueRange toRange(const schema::Range& r) {
  return {r.min, r.max};
}

QFormLayout* makeForm(QWidget* parent) {
  auto* form = new QFormLayout(parent);
  form->setLabelAlignment(Qt::AlignRight | Qt::AlignVCenter);
  form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
  // In a narrow dock a label goes above its field rather than pushing the form wider.
  form->setRowWrapPolicy(QFormLayout::WrapLongRows);
  return form;
}

class FormBuilder {
 public:
  using Editors = std::vector<std::unique_ptr<SettingEditor>>;

  // Top level: sections go into `sections`, plain fields into a "Project" box made on first use.
  FormBuilder(Editors& editors, QVBoxLayout* sections) : editors_(editors), sections_(sections) {}
  // Inside a section: everything goes into `form`.
  FormBuilder(Editors& editors, std::string prefix, QFormLayout* form)
      : editors_(editors), prefix_(std::move(prefix)), form_(form) {}

  void field(const char* key, std::string& value, const schema::Choices& choices = {}) {
    const std::string path = join(key);
    if (!choices.empty()) return add(key, std::make_unique<ChoiceEditor>(path, choices, value));
    if (path == "description")
      add(key, std::make_unique<LongTextEditor>(path, placeholder(path)));
    else
      add(key, std::make_unique<TextEditor>(path, value, placeholder(path), path == "dataset.path"));
  }
  void field(const char* key, bool& value) {
    // The check box carries its own text, the label column stays empty.
    addRow({}, std::make_unique<BoolEditor>(join(key), settingLabel(key), value));
  }
  void field(const char* key, int64_t& value, schema::Range range = schema::any()) {
    auto editor = std::make_unique<IntegerEditor>(join(key), toRange(range), value);
    if (const QString zero = zeroMeaning(join(key)); !zero.isEmpty()) editor->setZeroText(zero);
    add(key, std::move(editor));
  }
  void field(const char* key, std::vector<int64_t>&, schema::Range range = schema::any()) {
    add(key, std::make_unique<IntegerListEditor>(join(key), toRange(range), placeholder(join(key))));
  }
  void field(const char* key, uint64_t& value) { add(key, std::make_unique<UnsignedEditor>(join(key), value)); }
  void field(const char* key, double& value, schema::Range range = schema::any()) {
    addRow(labelWithUnit(key, join(key)) + QLatin1Char(':'),
           std::make_unique<NumberEditor>(join(key), toRange(range), value));
  }

  template <class Section>
  void section(const char* key, Section& value) {
    const std::string path = join(key);
    auto* box = new QGroupBox(sectionTitle(path));
    box->setObjectName(QString::fromStdString(path) + QStringLiteral(".box"));
    QFormLayout* form = makeForm(box);
    auto messages = std::make_unique<SectionEditor>(path, box);
    form->addRow(messages->container());
    editors_.push_back(std::move(messages));
    FormBuilder nested(editors_, path, form);
    schema::describe(nested, value);
    placeBox(box);
  }

  void raw(const char* key, nlohmann::json&) {
    const std::string path = join(key);
    auto* box = new QGroupBox(sectionTitle(path));
    box->setObjectName(QString::fromStdString(path) + QStringLiteral(".box"));
    auto* layout = new QVBoxLayout(box);
    std::unique_ptr<SettingEditor> editor;
    if (path == "augmentation")
      editor = std::make_unique<AugmentationEditor>(path);
    else
      editor = std::make_unique<JsonObjectEditor>(
          path, path == "profiles" ? QObject::tr("Overrides merged over the project when the run's device matches, "
                                                 "e.g. {\"cuda\": {\"model\": {\"width\": 64}}}")
                                   : QString());
    layout->addWidget(editor->container());
    editors_.push_back(std::move(editor));
    placeBox(box);
  }

 private:
  std::string join(const char* key) const { return prefix_.empty() ? key : prefix_ + "." + key; }

  void add(const char* key, std::unique_ptr<SettingEditor> editor) {
    addRow(settingLabel(key) + QLatin1Char(':'), std::move(editor));
  }
  void addRow(const QString& label, std::unique_ptr<SettingEditor> editor) {
    if (!form_) {  // a top-level field: the "Project" box, made when the first one comes
      auto* box = new QGroupBox(QObject::tr("Project"));
      box->setObjectName(QStringLiteral("project.box"));
      form_ = makeForm(box);
      sections_->addWidget(box);
    }
    form_->addRow(label, editor->container());
    editors_.push_back(std::move(editor));
  }
  void placeBox(QGroupBox* box) {
    if (sections_)
      sections_->addWidget(box);
    else
      form_->addRow(box);
  }

  Editors& editors_;
  std::string prefix_;
  QVBoxLayout* sections_ = nullptr;
  QFormLayout* form_ = nullptr;
};

}  // namespace

SchemaForm buildProjectForm() {
  SchemaForm out;
  out.widget = new QWidget;
  auto* layout = new QVBoxLayout(out.widget);
  ProjectConfig defaults;  // the visitor reads each field's default from here
  FormBuilder builder(out.editors, layout);
  schema::describe(builder, defaults);
  layout->addStretch(1);
  return out;
}

}  // namespace simclr::gui
