#include "app/gui/augmentation/augmentation_editor.h"

#include <QComboBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTabWidget>

#include "app/gui/augmentation/augmentation_list_editor.h"
#include "app/gui/augmentation/augmentation_ops_text.h"
#include "app/gui/project/json_text.h"
#include "engine/augment/augment_pipeline.h"
#include "engine/core/error.h"

namespace simclr::gui {

using nlohmann::json;

namespace {
const QString kCustom = QStringLiteral("custom");

// The ops a preset stands for, or null for an unknown preset.
json presetOps(const std::string& preset) {
  try {
    return AugmentPipeline::preset_spec(preset).value("ops", json::array());
  } catch (const Error&) {
    return nullptr;
  }
}
}  // namespace

AugmentationEditor::AugmentationEditor(std::string path)
    : SettingEditor(std::move(path)),
      preset_(new QComboBox),
      imageSize_(new QSpinBox),
      tabs_(new QTabWidget),
      list_(new AugmentationListEditor),
      ops_(new QPlainTextEdit),
      opsHint_(new QLabel),
      apply_(new QPushButton(QObject::tr("Apply"))),
      revert_(new QPushButton(QObject::tr("Revert"))) {
  for (const auto& name : AugmentPipeline::preset_names()) preset_->addItem(QString::fromStdString(name));
  preset_->addItem(kCustom);
  preset_->setToolTip(QObject::tr("A named pipeline, or \"custom\" for an op list of your own"));
  preset_->setObjectName(QString::fromStdString(this->path()) + QStringLiteral(".preset"));

  imageSize_->setRange(0, 4096);
  imageSize_->setSpecialValueText(QObject::tr("native"));
  imageSize_->setSuffix(QObject::tr(" px"));
  imageSize_->setKeyboardTracking(false);
  imageSize_->setToolTip(QObject::tr("Resize every view to N × N at the end (the paper uses 224)"));
  imageSize_->setObjectName(QString::fromStdString(this->path()) + QStringLiteral(".image_size"));

  ops_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
  ops_->setLineWrapMode(QPlainTextEdit::NoWrap);
  ops_->setTabChangesFocus(true);
  ops_->setMinimumHeight(ops_->fontMetrics().lineSpacing() * 10 + 12);
  ops_->setObjectName(QString::fromStdString(this->path()) + QStringLiteral(".ops"));
  apply_->setObjectName(QString::fromStdString(this->path()) + QStringLiteral(".apply"));
  opsHint_->setWordWrap(true);
  opsHint_->setProperty("role", QStringLiteral("hint"));

  auto* field = new QWidget;
  auto* form = new QFormLayout(field);
  form->setContentsMargins(0, 0, 0, 0);
  form->setRowWrapPolicy(QFormLayout::WrapLongRows);  // a narrow dock: labels above the fields
  form->addRow(QObject::tr("Preset:"), preset_);
  form->addRow(QObject::tr("Final size:"), imageSize_);
  auto* opsBox = new QWidget;
  auto* opsLayout = new QVBoxLayout(opsBox);
  opsLayout->setContentsMargins(0, 0, 0, 0);
  opsLayout->addWidget(ops_);
  opsLayout->addWidget(opsHint_);
  auto* buttons = new QHBoxLayout;
  buttons->addStretch(1);
  buttons->addWidget(revert_);
  buttons->addWidget(apply_);
  opsLayout->addLayout(buttons);
  tabs_->setObjectName(QString::fromStdString(this->path()) + QStringLiteral(".tabs"));
  tabs_->addTab(list_, QObject::tr("List"));
  tabs_->addTab(opsBox, QObject::tr("JSON"));
  tabs_->setDocumentMode(true);
  form->addRow(QObject::tr("Operations:"), tabs_);

  QObject::connect(preset_, &QComboBox::activated, preset_, [this](int index) { choosePreset(index); });
  QObject::connect(imageSize_, &QSpinBox::valueChanged, imageSize_, [this](int v) { changeImageSize(v); });
  QObject::connect(apply_, &QPushButton::clicked, ops_, [this] { applyOps(); });
  QObject::connect(revert_, &QPushButton::clicked, ops_, [this] { revertOps(); });
  QObject::connect(ops_, &QPlainTextEdit::modificationChanged, ops_, [this] { updateButtons(); });
  // An edit in the list is the custom list it shows (a preset's becomes a copy).
  QObject::connect(list_, &AugmentationListEditor::opsEdited, list_, [this](const json& ops) {
    json next = spec();
    next["preset"] = "custom";
    next["ops"] = ops;
    commit(next);
  });
  setWidgets(preset_, field);
}

json AugmentationEditor::spec() const {
  if (shown_.is_string()) return json{{"preset", shown_}};
  return shown_.is_object() ? shown_ : json{{"preset", "none"}};
}

QString AugmentationEditor::currentPreset() const {
  const json s = spec();
  const auto it = s.find("preset");
  return it != s.end() && it->is_string() ? QString::fromStdString(it->get<std::string>()) : kCustom;
}

void AugmentationEditor::show(const json& value) {
  const bool same = value == shown_;
  shown_ = value;
  const json s = spec();
  {
    const QSignalBlocker block(preset_);
    const QString preset = currentPreset();
    while (preset_->count() > int(AugmentPipeline::preset_names().size()) + 1)
      preset_->removeItem(preset_->count() - 1);
    int index = preset_->findText(preset);
    if (index < 0) {  // an unknown preset typed in the JSON: shown as is, flagged by the validator
      preset_->addItem(preset);
      index = preset_->count() - 1;
    }
    preset_->setCurrentIndex(index);
  }
  {
    const QSignalBlocker block(imageSize_);
    const json size = s.value("image_size", json(0));
    imageSize_->setValue(size.is_number_integer() ? int(size.get<int64_t>()) : 0);
  }
  // Keep ops being typed while other settings change; a new value replaces them.
  if (!same || !ops_->document()->isModified()) revertOps();
}

void AugmentationEditor::choosePreset(int index) {
  const QString name = preset_->itemText(index);
  if (name == currentPreset()) return;
  json next;
  if (name == kCustom) {
    // An editable copy of what the current preset does, so "custom" starts from it.
    const json ops = presetOps(currentPreset().toStdString());
    next = {{"preset", "custom"}, {"ops", ops.is_null() ? json::array() : ops}};
  } else {
    next = {{"preset", name.toStdString()}};
  }
  const json size = spec().value("image_size", json(0));
  if (!(size.is_number_integer() && size.get<int64_t>() == 0)) next["image_size"] = size;
  commit(next);
}

void AugmentationEditor::changeImageSize(int size) {
  json next = spec();
  if (size == 0)
    next.erase("image_size");
  else
    next["image_size"] = size;
  commit(next);
}

void AugmentationEditor::applyOps() {
  const JsonParseResult parsed = parseJsonText(ops_->toPlainText());
  if (!parsed.ok) return setLocalIssue(parsed.message);
  if (!parsed.value.is_array()) return setLocalIssue(QObject::tr("The operations must be a JSON array: [ … ]"));
  json next = spec();
  next["preset"] = "custom";
  next["ops"] = parsed.value;
  ops_->document()->setModified(false);
  commit(next);
}

void AugmentationEditor::revertOps() {
  const json s = spec();
  const bool custom = currentPreset() == kCustom;
  json ops = custom ? s.value("ops", json::array()) : presetOps(currentPreset().toStdString());
  {
    const QSignalBlocker block(ops_);
    // A preset's ops read as a list; a custom list is the JSON the user edits.
    ops_->setPlainText(ops.is_null() ? QString() : custom ? prettyJson(ops) : readableAugmentationOps(ops));
    ops_->document()->setModified(false);
  }
  list_->setOps(ops.is_null() ? json::array() : ops);
  ops_->setReadOnly(!custom);
  // The readable list wraps in a narrow dock; JSON being edited keeps its lines.
  ops_->setLineWrapMode(custom ? QPlainTextEdit::NoWrap : QPlainTextEdit::WidgetWidth);
  opsHint_->setText(custom ? QObject::tr("Edit the list (JSON), then Apply.")
                           : QObject::tr("The preset's operations, in order. Edit them in the List tab (or "
                                         "choose \"custom\") for a copy of your own."));
  setLocalIssue({});
  updateButtons();
}

void AugmentationEditor::updateButtons() {
  const bool modified = ops_->document()->isModified();
  apply_->setEnabled(modified);
  revert_->setEnabled(modified);
}

}  // namespace simclr::gui
