#pragma once
// The project as raw JSON text: pretty-printed, monospace, editable. Apply replaces the
// document (a syntax error is shown with its line and column, the cursor put there, and
// the document left as it was); Revert discards the edits. While the text has unapplied
// edits, changes made elsewhere do not overwrite it: a note offers Revert instead.
#include <QString>
#include <QWidget>

class QLabel;
class QPlainTextEdit;
class QPushButton;

namespace simclr::gui {

class ProjectDocument;

class ProjectJsonView : public QWidget {
  Q_OBJECT
 public:
  explicit ProjectJsonView(ProjectDocument* document, QWidget* parent = nullptr);

  QPlainTextEdit* editor() const { return text_; }
  // The message under the text (a syntax error, or the "changed elsewhere" note).
  QString messageText() const;
  bool hasPendingEdits() const;

 public Q_SLOTS:
  // Returns whether the text was valid and is now the document.
  bool apply();
  void revert();

 Q_SIGNALS:
  void pendingEditsChanged(bool pending);

 private:
  void onDocumentChanged();
  void showMessage(const QString& text, bool error);
  void updateButtons();

  ProjectDocument* document_;
  QPlainTextEdit* text_;
  QLabel* message_;
  QPushButton* apply_;
  QPushButton* revert_;
};

}  // namespace simclr::gui
