#pragma once
// The form editor for every project setting, generated from the engine's schema
// (schema_form_builder.h). Edits go straight to the ProjectDocument; when the document
// changes (the JSON view, Open) the form shows the new values. The engine's validation
// messages appear under the setting their JSON path names, with a red frame; problems no
// setting owns are listed at the top, with every other problem as a link to its setting.
#include <memory>
#include <vector>

#include <QString>
#include <QStringList>
#include <QWidget>

class QLabel;
class QListWidget;
class QListWidgetItem;
class QScrollArea;
class QStackedWidget;

namespace simclr::gui {

class ProjectDocument;
class SettingEditor;

class ProjectForm : public QWidget {
  Q_OBJECT
 public:
  explicit ProjectForm(ProjectDocument* document, QWidget* parent = nullptr);
  ~ProjectForm() override;

  // The input widget of a setting ("training.batch_size"), or nullptr.
  QWidget* editorFor(const QString& path) const;
  // The message shown under a setting; empty when it has none.
  QString issueTextFor(const QString& path) const;
  // Issues listed in the summary that no setting owns ("path: message").
  QStringList unplacedIssues() const { return unplaced_; }

 public Q_SLOTS:
  // Scrolls to a setting and gives it the keyboard focus.
  void focusSetting(const QString& path);

 private:
  void refresh();
  void showIssues();
  SettingEditor* ownerOf(const std::string& issuePath) const;
  SettingEditor* find(const std::string& path) const;
  void onSummaryActivated(QListWidgetItem* item);

  ProjectDocument* document_;
  std::vector<std::unique_ptr<SettingEditor>> editors_;
  QStackedWidget* pages_;
  QScrollArea* scroll_;
  QWidget* summary_;
  QLabel* summaryTitle_;
  QListWidget* summaryList_;
  QStringList unplaced_;
};

}  // namespace simclr::gui
