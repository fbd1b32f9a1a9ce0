#include "app/gui/project_form/project_form.h"

#include <algorithm>

#include <QApplication>
#include <QFrame>
#include <QLabel>
#include <QListWidget>
#include <QScrollArea>
#include <QStackedWidget>
#include <QStyle>
#include <QVBoxLayout>

#include "app/gui/project/project_document.h"
#include "app/gui/project_form/schema_form_builder.h"
#include "app/gui/project_form/setting_editor.h"

namespace simclr::gui {

namespace {

// Red frames and messages for invalid settings. Scoped to the form so the rest of the
// application keeps its native look; the frame is drawn only while a setting is invalid.
const char* kStyle = R"(
QLabel[role="issue"] { color: #c62828; }
QLabel[role="hint"] { color: palette(mid); }
QLineEdit[invalid="true"], QSpinBox[invalid="true"], QComboBox[invalid="true"],
QPlainTextEdit[invalid="true"] { border: 1px solid #c62828; border-radius: 2px; padding: 1px; }
QGroupBox[invalid="true"]::title { color: #c62828; }
#issueSummary { background: #fdecea; border: 1px solid #f5c2c0; border-radius: 4px; }
#issueSummary QListWidget { background: transparent; border: none; }
)";

// "augmentation.ops[1].p" is owned by "augmentation": the whole path, or a prefix ending
// at a '.' or '['.
bool owns(const std::string& owner, const std::string& path) {
  if (path.compare(0, owner.size(), owner) != 0) return false;
  return path.size() == owner.size() || path[owner.size()] == '.' || path[owner.size()] == '[';
}

QString sentence(QString text) {
  if (!text.isEmpty()) text[0] = text[0].toUpper();
  return text;
}

}  // namespace

ProjectForm::ProjectForm(ProjectDocument* document, QWidget* parent) : QWidget(parent), document_(document) {
  setStyleSheet(QString::fromLatin1(kStyle));

  summary_ = new QFrame;
  summary_->setObjectName(QStringLiteral("issueSummary"));
  auto* summaryLayout = new QVBoxLayout(summary_);
  summaryLayout->setContentsMargins(8, 6, 8, 6);
  summaryTitle_ = new QLabel;
  summaryTitle_->setObjectName(QStringLiteral("issueSummaryTitle"));
  summaryTitle_->setWordWrap(true);
  summaryList_ = new QListWidget;
  summaryList_->setObjectName(QStringLiteral("issueSummaryList"));
  summaryList_->setWordWrap(true);
  summaryList_->setFocusPolicy(Qt::NoFocus);
  summaryList_->setVerticalScrollBarPolicy(Qt::ScrollBarAsNeeded);
  summaryLayout->addWidget(summaryTitle_);
  summaryLayout->addWidget(summaryList_);
  summary_->hide();
  connect(summaryList_, &QListWidget::itemActivated, this, &ProjectForm::onSummaryActivated);
  connect(summaryList_, &QListWidget::itemClicked, this, &ProjectForm::onSummaryActivated);

  SchemaForm form = buildProjectForm();
  editors_ = std::move(form.editors);
  for (auto& editor : editors_) {
    SettingEditor* e = editor.get();
    e->setCommit([this, e](const nlohmann::json& value) { document_->setValue(e->pointer(), value); });
  }
  scroll_ = new QScrollArea;
  scroll_->setWidgetResizable(true);
  scroll_->setFrameShape(QFrame::NoFrame);
  scroll_->setWidget(form.widget);

  auto* empty = new QLabel(tr("No project is open."));
  empty->setAlignment(Qt::AlignCenter);
  empty->setEnabled(false);
  pages_ = new QStackedWidget;
  pages_->addWidget(empty);
  pages_->addWidget(scroll_);

  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(summary_);
  layout->addWidget(pages_, 1);

  connect(document_, &ProjectDocument::changed, this, &ProjectForm::refresh);
  refresh();
}

ProjectForm::~ProjectForm() {
  // The widgets go first, while the editors their signal connections call still exist;
  // commits are cut so that a focus change during teardown edits nothing.
  for (auto& editor : editors_) editor->setCommit({});
  delete scroll_->takeWidget();
}

void ProjectForm::refresh() {
  const bool open = document_->isOpen();
  pages_->setCurrentIndex(open ? 1 : 0);
  if (open)
    for (auto& editor : editors_) editor->show(document_->value(editor->pointer()));
  showIssues();
}

void ProjectForm::showIssues() {
  std::vector<QStringList> messages(editors_.size());
  unplaced_.clear();
  summaryList_->clear();
  const auto& issues = document_->isOpen() ? document_->issues() : ConfigIssues{};
  for (const auto& issue : issues) {
    const QString text = QString::fromStdString(issue.to_string());
    auto* item = new QListWidgetItem(text, summaryList_);
    SettingEditor* owner = ownerOf(issue.path);
    if (!owner) {
      unplaced_ << text;
      item->setIcon(style()->standardIcon(QStyle::SP_MessageBoxWarning));
      continue;
    }
    // Under the setting itself, the path is implied; deeper paths keep their remainder.
    const std::string rest = issue.path.substr(owner->path().size());
    const QString message = QString::fromStdString(issue.message);
    const size_t index =
        size_t(std::find_if(editors_.begin(), editors_.end(), [&](const auto& e) { return e.get() == owner; }) -
               editors_.begin());
    messages[index] << (rest.empty() ? sentence(message)
                                     : QString::fromStdString(rest.substr(rest[0] == '.' ? 1 : 0)) +
                                           QStringLiteral(": ") + message);
    item->setData(Qt::UserRole, QString::fromStdString(owner->path()));
    item->setToolTip(tr("Show this setting"));
  }
  for (size_t i = 0; i < editors_.size(); ++i) editors_[i]->setIssues(messages[i]);

  const int count = int(issues.size());
  summary_->setVisible(count > 0);
  if (count == 0) return;
  summaryTitle_->setText((count == 1 ? tr("<b>1 problem</b>") : tr("<b>%1 problems</b>").arg(count)) +
                         tr(" — the project cannot be saved or run until it is fixed."));
  // As tall as its rows, up to five; longer lists scroll.
  const int rows = std::min(count, 5);
  summaryList_->setFixedHeight(rows * summaryList_->sizeHintForRow(0) + 2 * summaryList_->frameWidth() + 4);
}

SettingEditor* ProjectForm::ownerOf(const std::string& issuePath) const {
  SettingEditor* best = nullptr;
  for (const auto& editor : editors_)
    if (owns(editor->path(), issuePath) && (!best || editor->path().size() > best->path().size())) best = editor.get();
  return best;
}

SettingEditor* ProjectForm::find(const std::string& path) const {
  for (const auto& editor : editors_)
    if (editor->path() == path) return editor.get();
  return nullptr;
}

QWidget* ProjectForm::editorFor(const QString& path) const {
  SettingEditor* editor = find(path.toStdString());
  return editor ? editor->input() : nullptr;
}

QString ProjectForm::issueTextFor(const QString& path) const {
  SettingEditor* editor = find(path.toStdString());
  return editor ? editor->issueText() : QString();
}

void ProjectForm::focusSetting(const QString& path) {
  SettingEditor* editor = find(path.toStdString());
  if (!editor) return;
  scroll_->ensureWidgetVisible(editor->container(), 20, 40);
  editor->input()->setFocus(Qt::OtherFocusReason);
}

void ProjectForm::onSummaryActivated(QListWidgetItem* item) {
  const QString path = item->data(Qt::UserRole).toString();
  if (!path.isEmpty()) focusSetting(path);
}

}  // namespace simclr::gui
