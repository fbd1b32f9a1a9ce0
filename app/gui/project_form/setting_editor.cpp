#include "app/gui/project_form/setting_editor.h"

#include <QLabel>
#include <QStyle>
#include <QVBoxLayout>
#include <QWidget>

namespace simclr::gui {

namespace {
// Marks a widget as invalid through a dynamic property that the form's style sheet turns
// into a red frame; re-polishing applies the change at once.
void setInvalid(QWidget* widget, bool invalid) {
  if (widget->property("invalid").toBool() == invalid) return;
  widget->setProperty("invalid", invalid);
  widget->style()->unpolish(widget);
  widget->style()->polish(widget);
  widget->update();
}
}  // namespace

SettingEditor::SettingEditor(std::string path) : path_(std::move(path)), container_(new QWidget) {
  auto* layout = new QVBoxLayout(container_);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->setSpacing(2);
  issueLabel_ = new QLabel(container_);
  issueLabel_->setObjectName(QString::fromStdString(path_) + QStringLiteral(".issue"));
  issueLabel_->setProperty("role", QStringLiteral("issue"));
  issueLabel_->setWordWrap(true);
  issueLabel_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  issueLabel_->hide();
  layout->addWidget(issueLabel_);
}

void SettingEditor::setWidgets(QWidget* input, QWidget* field) {
  input_ = input;
  input_->setObjectName(QString::fromStdString(path_));
  static_cast<QVBoxLayout*>(container_->layout())->insertWidget(0, field);
}

SettingEditor::~SettingEditor() = default;

std::string SettingEditor::pointer() const {
  std::string out = "/";
  for (char c : path_) out += c == '.' ? '/' : c;
  return out;
}

void SettingEditor::setIssues(const QStringList& messages) {
  issues_ = messages;
  updateIssueLabel();
}

QString SettingEditor::issueText() const {
  return issueLabel_->isHidden() ? QString() : issueLabel_->text();
}

void SettingEditor::commit(const nlohmann::json& value) {
  setLocalIssue({});
  if (commit_) commit_(value);
}

void SettingEditor::setLocalIssue(const QString& message) {
  localIssue_ = message;
  updateIssueLabel();
}

void SettingEditor::updateIssueLabel() {
  QStringList lines = issues_;
  if (!localIssue_.isEmpty()) lines.prepend(localIssue_);
  issueLabel_->setText(lines.join(QLatin1Char('\n')));
  issueLabel_->setVisible(!lines.isEmpty());
  if (input_) setInvalid(input_, !lines.isEmpty());
}

QString settingLabel(const std::string& key) {
  QStringList words = QString::fromStdString(key).split(QLatin1Char('_'), Qt::SkipEmptyParts);
  // A unit in the key ("timeout_s", "timeline_max_mb") is shown with the value instead.
  if (words.size() > 1 && (words.back() == QLatin1String("s") || words.back() == QLatin1String("mb")))
    words.removeLast();
  for (QString& word : words) {
    if (word == QLatin1String("knn"))
      word = QStringLiteral("kNN");
    else if (word == QLatin1String("lr"))
      word = QStringLiteral("LR");
    else if (word == QLatin1String("dim"))
      word = QStringLiteral("dimension");
  }
  QString label = words.join(QLatin1Char(' '));
  if (!label.isEmpty() && label[0].isLower()) label[0] = label[0].toUpper();
  return label;
}

}  // namespace simclr::gui
