#include "app/gui/project_form/setting_editors.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <functional>

#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QFontDatabase>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QRegularExpressionValidator>
#include <QSpinBox>
#include <QVBoxLayout>

#include "app/gui/project/json_text.h"
#include "engine/project/setting_help.h"

namespace simclr::gui {

using nlohmann::json;

QString formatNumber(double value) {
  QString text = QString::number(value, 'g', 12);
  // Qt writes 1e-06; people (and the project files) write 1e-6.
  static const QRegularExpression exponent(QStringLiteral("e([+-])0*(\\d)"));
  text.replace(exponent, QStringLiteral("e\\1\\2"));
  return text.replace(QStringLiteral("e+"), QStringLiteral("e"));
}

QString describeRange(const ValueRange& range, bool integer) {
  const QString kind = integer ? QObject::tr("An integer") : QObject::tr("A number");
  const bool hasMin = std::isfinite(range.min), hasMax = std::isfinite(range.max);
  if (hasMin && range.min > 0 && range.min < 1e-300) return QObject::tr("%1 > 0").arg(kind);
  if (hasMin && hasMax)
    return QObject::tr("%1 from %2 to %3").arg(kind, formatNumber(range.min), formatNumber(range.max));
  if (hasMin) return QObject::tr("%1 ≥ %2").arg(kind, formatNumber(range.min));
  if (hasMax) return QObject::tr("%1 ≤ %2").arg(kind, formatNumber(range.max));
  return kind;
}

namespace {

// The setting's path, what it means (setting_help.h), what it takes and its default.
QString tooltip(const std::string& path, const QString& what, const QString& defaultText) {
  QString text = QStringLiteral("<b>%1</b><br>").arg(QString::fromStdString(path));
  QString takes = what;
  if (const SettingHelp* help = setting_help(path)) {
    text += QString::fromStdString(help->text).toHtmlEscaped() + QStringLiteral("<br>");
    if (!help->unit.empty()) takes += QObject::tr(", in %1").arg(QString::fromStdString(help->unit));
    if (!help->zero.empty()) takes += QObject::tr("; 0: %1").arg(QString::fromStdString(help->zero));
  }
  return text + QStringLiteral("%1. Default: %2").arg(takes.toHtmlEscaped(), defaultText.toHtmlEscaped());
}

QString unitOf(const std::string& path) {
  const SettingHelp* help = setting_help(path);
  return help ? QString::fromStdString(help->unit) : QString();
}

// A field with buttons beside its input.
QWidget* withButtons(QWidget* input, std::initializer_list<QWidget*> buttons) {
  auto* row = new QWidget;
  auto* layout = new QHBoxLayout(row);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(input, 1);
  for (QWidget* b : buttons) layout->addWidget(b);
  return row;
}

QFont monospace() {
  return QFontDatabase::systemFont(QFontDatabase::FixedFont);
}

}  // namespace

// ---- IntegerEditor

IntegerEditor::IntegerEditor(std::string path, ValueRange range, int64_t defaultValue)
    : SettingEditor(std::move(path)), spin_(new QSpinBox), default_(defaultValue) {
  // Wider than valid on purpose (see the header): down to 0 (or the schema's minimum when
  // negative) and up to INT_MAX, so a typed 1 for "at least 2" reaches the validator.
  const double low = std::isfinite(range.min) ? std::min(range.min, 0.0) : double(INT_MIN);
  spin_->setRange(int(std::max(low, double(INT_MIN))), INT_MAX);
  spin_->setKeyboardTracking(false);  // one edit per finished number, not per digit
  spin_->setAccelerated(true);
  spin_->setMinimumWidth(120);
  spin_->setToolTip(tooltip(this->path(), describeRange(range, true), QString::number(default_)));
  if (const QString unit = unitOf(this->path()); !unit.isEmpty()) spin_->setSuffix(QLatin1Char(' ') + unit);
  QObject::connect(spin_, &QSpinBox::valueChanged, spin_, [this](int v) { commit(json(int64_t(v))); });
  setWidgets(spin_, spin_);
}

void IntegerEditor::show(const json& value) {
  const QSignalBlocker block(spin_);
  int64_t v = default_;
  if (value.is_number_integer()) v = value.get<int64_t>();
  spin_->setValue(int(std::clamp<int64_t>(v, spin_->minimum(), spin_->maximum())));
}

void IntegerEditor::setZeroText(const QString& text) {
  if (spin_->minimum() == 0) spin_->setSpecialValueText(text);
}

// ---- UnsignedEditor

UnsignedEditor::UnsignedEditor(std::string path, uint64_t defaultValue)
    : SettingEditor(std::move(path)), edit_(new QLineEdit), default_(defaultValue) {
  edit_->setValidator(new QRegularExpressionValidator(QRegularExpression(QStringLiteral("[0-9]{1,20}")), edit_));
  edit_->setToolTip(tooltip(this->path(), QObject::tr("A non-negative integer"), QString::number(default_)));
  QObject::connect(edit_, &QLineEdit::editingFinished, edit_, [this] { onEdited(); });
  setWidgets(edit_, edit_);
}

void UnsignedEditor::show(const json& value) {
  const QSignalBlocker block(edit_);
  if (value.is_number_unsigned() || (value.is_number_integer() && value.get<int64_t>() >= 0))
    edit_->setText(QString::number(value.get<uint64_t>()));
  else if (value.is_null())
    edit_->setText(QString::number(default_));
  else
    edit_->setText(prettyJson(value));
}

void UnsignedEditor::onEdited() {
  bool ok = false;
  const qulonglong v = edit_->text().trimmed().toULongLong(&ok);
  if (!ok) return setLocalIssue(QObject::tr("Enter a whole number from 0 to %1").arg(ULLONG_MAX));
  commit(json(uint64_t(v)));
}

// ---- NumberEditor

NumberEditor::NumberEditor(std::string path, ValueRange range, double defaultValue)
    : SettingEditor(std::move(path)), edit_(new QLineEdit), default_(defaultValue) {
  edit_->setToolTip(
      tooltip(this->path(), describeRange(range, false) + QObject::tr(" (3e-4 is fine)"), formatNumber(default_)));
  QObject::connect(edit_, &QLineEdit::editingFinished, edit_, [this] { onEdited(); });
  setWidgets(edit_, edit_);
}

void NumberEditor::show(const json& value) {
  const QSignalBlocker block(edit_);
  shown_ = value;
  if (value.is_number())
    edit_->setText(formatNumber(value.get<double>()));
  else if (value.is_null())
    edit_->setText(formatNumber(default_));
  else
    edit_->setText(prettyJson(value));
}

void NumberEditor::onEdited() {
  const QString text = edit_->text().trimmed();
  bool ok = false;
  const double v = QLocale::c().toDouble(text, &ok);
  if (!ok) {
    // QLocale::c() rejects "0,5"; the user's locale may not.
    const double local = QLocale().toDouble(text, &ok);
    if (!ok) return setLocalIssue(QObject::tr("'%1' is not a number (write 0.001 or 1e-3)").arg(text));
    return commit(json(local));
  }
  // Unchanged text must not rewrite an integer 1 as 1.0 in the document.
  if (shown_.is_number() && shown_.get<double>() == v) return setLocalIssue({});
  commit(json(v));
}

// ---- ChoiceEditor

ChoiceEditor::ChoiceEditor(std::string path, std::vector<std::string> choices, std::string defaultValue)
    : SettingEditor(std::move(path)),
      combo_(new QComboBox),
      choices_(std::move(choices)),
      default_(std::move(defaultValue)) {
  QStringList names;
  for (const auto& c : choices_) {
    combo_->addItem(QString::fromStdString(c));
    names << QString::fromStdString(c);
  }
  combo_->setSizeAdjustPolicy(QComboBox::AdjustToContents);
  combo_->setToolTip(tooltip(this->path(), QObject::tr("One of %1").arg(names.join(QStringLiteral(", "))),
                             QString::fromStdString(default_)));
  // activated() fires only for the user's choices, never for show().
  QObject::connect(combo_, &QComboBox::activated, combo_, [this](int index) {
    if (index >= 0 && index < int(choices_.size())) commit(json(choices_[size_t(index)]));
  });
  setWidgets(combo_, combo_);
}

void ChoiceEditor::show(const json& value) {
  const QSignalBlocker block(combo_);
  while (combo_->count() > int(choices_.size())) combo_->removeItem(combo_->count() - 1);
  const std::string v = value.is_string() ? value.get<std::string>() : value.is_null() ? default_ : value.dump();
  const auto it = std::find(choices_.begin(), choices_.end(), v);
  if (it != choices_.end()) return combo_->setCurrentIndex(int(it - choices_.begin()));
  // The document holds something the schema does not allow (typed in the JSON view): show
  // it as it is, so the form never pretends the value were valid.
  combo_->addItem(QString::fromStdString(v));
  combo_->setCurrentIndex(combo_->count() - 1);
}

// ---- TextEditor

TextEditor::TextEditor(std::string path, std::string defaultValue, const QString& placeholder, bool browseFolder)
    : SettingEditor(std::move(path)), edit_(new QLineEdit), default_(std::move(defaultValue)) {
  edit_->setPlaceholderText(placeholder);
  edit_->setToolTip(tooltip(this->path(), QObject::tr("Text"),
                            default_.empty() ? QObject::tr("empty") : QString::fromStdString(default_)));
  QObject::connect(edit_, &QLineEdit::editingFinished, edit_, [this] { onEdited(); });
  QWidget* field = edit_;
  if (browseFolder) {
    auto* browse = new QPushButton(QObject::tr("Browse…"));
    QObject::connect(browse, &QPushButton::clicked, edit_, [this] {
      const QString dir = QFileDialog::getExistingDirectory(edit_, QObject::tr("Choose a folder"), edit_->text());
      if (dir.isEmpty()) return;
      edit_->setText(dir);
      onEdited();
    });
    field = withButtons(edit_, {browse});
  }
  setWidgets(edit_, field);
}

void TextEditor::show(const json& value) {
  const QSignalBlocker block(edit_);
  if (value.is_string())
    edit_->setText(QString::fromStdString(value.get<std::string>()));
  else if (value.is_null())
    edit_->setText(QString::fromStdString(default_));
  else
    edit_->setText(prettyJson(value));
}

void TextEditor::onEdited() {
  commit(json(edit_->text().toStdString()));
}

// ---- LongTextEditor

namespace {
// A plain text edit that reports losing focus: the moment a paragraph is done.
class FocusOutTextEdit : public QPlainTextEdit {
 public:
  std::function<void()> onFocusOut;

 protected:
  void focusOutEvent(QFocusEvent* event) override {
    QPlainTextEdit::focusOutEvent(event);
    if (onFocusOut) onFocusOut();
  }
};
}  // namespace

LongTextEditor::LongTextEditor(std::string path, const QString& placeholder) : SettingEditor(std::move(path)) {
  auto* edit = new FocusOutTextEdit;
  edit_ = edit;
  edit_->setPlaceholderText(placeholder);
  edit_->setTabChangesFocus(true);
  edit_->setLineWrapMode(QPlainTextEdit::WidgetWidth);
  edit_->setFixedHeight(edit_->fontMetrics().lineSpacing() * 4 + 10);  // about three lines
  edit_->setToolTip(tooltip(this->path(), QObject::tr("Text"), QObject::tr("empty")));
  edit->onFocusOut = [this] {
    if (edit_->document()->isModified()) commit(json(edit_->toPlainText().toStdString()));
    edit_->document()->setModified(false);
  };
  setWidgets(edit_, edit_);
}

void LongTextEditor::show(const json& value) {
  const QSignalBlocker block(edit_);
  edit_->setPlainText(value.is_string() ? QString::fromStdString(value.get<std::string>()) : QString());
  edit_->document()->setModified(false);
}

// ---- IntegerListEditor

IntegerListEditor::IntegerListEditor(std::string path, ValueRange range, const QString& placeholder)
    : SettingEditor(std::move(path)), edit_(new QLineEdit) {
  edit_->setPlaceholderText(placeholder);
  edit_->setToolTip(tooltip(this->path(),
                            QObject::tr("Integers separated by commas, each %1").arg(describeRange(range, true)),
                            QObject::tr("none")));
  QObject::connect(edit_, &QLineEdit::editingFinished, edit_, [this] { onEdited(); });
  setWidgets(edit_, edit_);
}

void IntegerListEditor::show(const json& value) {
  const QSignalBlocker block(edit_);
  if (!value.is_array()) {
    edit_->setText(value.is_null() ? QString() : prettyJson(value));
    return;
  }
  QStringList items;
  for (const auto& item : value)
    items << (item.is_number_integer() ? QString::number(item.get<int64_t>()) : prettyJson(item));
  edit_->setText(items.join(QStringLiteral(", ")));
}

void IntegerListEditor::onEdited() {
  json list = json::array();
  for (const QString& part : edit_->text().split(QLatin1Char(','), Qt::SkipEmptyParts)) {
    bool ok = false;
    const qlonglong v = part.trimmed().toLongLong(&ok);
    if (!ok)
      return setLocalIssue(QObject::tr("'%1' is not a whole number; separate numbers with commas").arg(part.trimmed()));
    list.push_back(int64_t(v));
  }
  commit(list);
}

// ---- BoolEditor

BoolEditor::BoolEditor(std::string path, const QString& text, bool defaultValue)
    : SettingEditor(std::move(path)), check_(new QCheckBox(text)), default_(defaultValue) {
  check_->setToolTip(
      tooltip(this->path(), QObject::tr("On or off"), default_ ? QObject::tr("on") : QObject::tr("off")));
  QObject::connect(check_, &QCheckBox::clicked, check_, [this](bool on) { commit(json(on)); });
  setWidgets(check_, check_);
}

void BoolEditor::show(const json& value) {
  const QSignalBlocker block(check_);
  check_->setChecked(value.is_boolean() ? value.get<bool>() : default_);
}

// ---- JsonObjectEditor

JsonObjectEditor::JsonObjectEditor(std::string path, const QString& help)
    : SettingEditor(std::move(path)),
      text_(new QPlainTextEdit),
      apply_(new QPushButton(QObject::tr("Apply"))),
      revert_(new QPushButton(QObject::tr("Revert"))) {
  text_->setFont(monospace());
  text_->setLineWrapMode(QPlainTextEdit::NoWrap);
  text_->setTabChangesFocus(true);
  text_->setFixedHeight(text_->fontMetrics().lineSpacing() * 8 + 12);
  text_->setToolTip(help);
  auto* field = new QWidget;
  auto* layout = new QVBoxLayout(field);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(text_);
  auto* buttons = new QHBoxLayout;
  buttons->addStretch(1);
  buttons->addWidget(revert_);
  buttons->addWidget(apply_);
  layout->addLayout(buttons);
  apply_->setObjectName(QString::fromStdString(this->path()) + QStringLiteral(".apply"));
  QObject::connect(apply_, &QPushButton::clicked, text_, [this] { apply(); });
  QObject::connect(revert_, &QPushButton::clicked, text_, [this] { revert(); });
  QObject::connect(text_, &QPlainTextEdit::modificationChanged, text_, [this] { updateButtons(); });
  setWidgets(text_, field);
  updateButtons();
}

void JsonObjectEditor::show(const json& value) {
  // Pending edits survive changes elsewhere in the document; a new value for this setting
  // (Open, the JSON view) replaces them.
  if (value == shown_ && !shown_.is_null()) return;
  shown_ = value.is_null() ? json::object() : value;
  revert();
}

void JsonObjectEditor::apply() {
  const JsonParseResult parsed = parseJsonText(text_->toPlainText());
  if (!parsed.ok) return setLocalIssue(parsed.message);
  if (!parsed.value.is_object()) return setLocalIssue(QObject::tr("Must be a JSON object: { … }"));
  text_->document()->setModified(false);
  commit(parsed.value);
}

void JsonObjectEditor::revert() {
  const QSignalBlocker block(text_);
  text_->setPlainText(prettyJson(shown_));
  text_->document()->setModified(false);
  setLocalIssue({});
  updateButtons();
}

void JsonObjectEditor::updateButtons() {
  const bool modified = text_->document()->isModified();
  apply_->setEnabled(modified);
  revert_->setEnabled(modified);
}

// ---- SectionEditor

SectionEditor::SectionEditor(std::string path, QGroupBox* box) : SettingEditor(std::move(path)) {
  auto* none = new QWidget;  // a section has no input of its own, only messages
  none->setFixedHeight(0);
  setWidgets(box, none);
  container()->setObjectName(QString::fromStdString(this->path()) + QStringLiteral(".messages"));
}

}  // namespace simclr::gui
