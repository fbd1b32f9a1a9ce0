#include "app/gui/project/project_json_view.h"

#include <algorithm>

#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QTextBlock>
#include <QVBoxLayout>

#include "app/gui/project/json_text.h"
#include "app/gui/project/project_document.h"

namespace simclr::gui {

ProjectJsonView::ProjectJsonView(ProjectDocument* document, QWidget* parent) : QWidget(parent), document_(document) {
  text_ = new QPlainTextEdit;
  text_->setObjectName(QStringLiteral("projectJsonText"));
  text_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
  text_->setLineWrapMode(QPlainTextEdit::NoWrap);
  text_->setTabStopDistance(text_->fontMetrics().horizontalAdvance(QLatin1Char(' ')) * 2);

  message_ = new QLabel;
  message_->setObjectName(QStringLiteral("projectJsonMessage"));
  message_->setWordWrap(true);
  message_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  message_->hide();

  apply_ = new QPushButton(tr("&Apply"));
  apply_->setObjectName(QStringLiteral("projectJsonApply"));
  apply_->setToolTip(tr("Replace the project's settings with this text (Ctrl+Return)"));
  apply_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return));
  revert_ = new QPushButton(tr("&Revert"));
  revert_->setObjectName(QStringLiteral("projectJsonRevert"));
  revert_->setToolTip(tr("Discard the edits and show the project's current settings"));

  auto* buttons = new QHBoxLayout;
  buttons->addWidget(message_, 1);
  buttons->addWidget(revert_, 0, Qt::AlignTop);
  buttons->addWidget(apply_, 0, Qt::AlignTop);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(text_, 1);
  layout->addLayout(buttons);

  connect(apply_, &QPushButton::clicked, this, &ProjectJsonView::apply);
  connect(revert_, &QPushButton::clicked, this, &ProjectJsonView::revert);
  connect(text_, &QPlainTextEdit::modificationChanged, this, [this](bool pending) {
    updateButtons();
    Q_EMIT pendingEditsChanged(pending);
  });
  connect(document_, &ProjectDocument::changed, this, &ProjectJsonView::onDocumentChanged);
  revert();
}

QString ProjectJsonView::messageText() const {
  return message_->isHidden() ? QString() : message_->text();
}

bool ProjectJsonView::hasPendingEdits() const {
  return text_->document()->isModified();
}

bool ProjectJsonView::apply() {
  const JsonParseResult parsed = parseJsonText(text_->toPlainText());
  if (!parsed.ok) {
    showMessage(parsed.message, true);
    // Put the cursor where the parser stopped, so the fix is one keystroke away.
    const QTextBlock block = text_->document()->findBlockByNumber(parsed.line - 1);
    if (block.isValid()) {
      QTextCursor cursor(block);
      cursor.movePosition(QTextCursor::Right, QTextCursor::MoveAnchor,
                          std::min(parsed.column - 1, std::max(0, block.length() - 1)));
      text_->setTextCursor(cursor);
    }
    text_->setFocus();
    return false;
  }
  if (!parsed.value.is_object()) {
    showMessage(tr("A project must be a JSON object: { … }"), true);
    return false;
  }
  // Marked clean first: the document's change notification then shows the new text.
  text_->document()->setModified(false);
  document_->setJson(parsed.value);
  revert();
  return true;
}

void ProjectJsonView::revert() {
  const QString text = document_->isOpen() ? prettyJson(document_->json()) : QString();
  if (text != text_->toPlainText()) {
    // Keep the reader's place: the new text is usually the old one with one value changed.
    const int scroll = text_->verticalScrollBar()->value();
    text_->setPlainText(text);
    text_->verticalScrollBar()->setValue(scroll);
  }
  text_->document()->setModified(false);
  text_->setReadOnly(!document_->isOpen());
  showMessage({}, false);
  updateButtons();
}

void ProjectJsonView::onDocumentChanged() {
  if (!hasPendingEdits()) return revert();
  showMessage(tr("The project was changed elsewhere. Apply replaces those changes with this text; "
                 "Revert shows them."),
              false);
}

void ProjectJsonView::showMessage(const QString& text, bool error) {
  message_->setText(text);
  message_->setStyleSheet(error ? QStringLiteral("color: #c62828;") : QString());
  message_->setVisible(!text.isEmpty());
}

void ProjectJsonView::updateButtons() {
  apply_->setEnabled(hasPendingEdits());
  revert_->setEnabled(hasPendingEdits());
}

}  // namespace simclr::gui
