#pragma once
// The File menu's work: new project from a template, open, save, save as, recent files,
// and asking about unsaved changes. Dialogs live here, the document holds the state.
#include <QObject>
#include <QString>

class QMenu;
class QWidget;

namespace simclr::gui {

class AppSettings;
class ProjectDocument;

class ProjectController : public QObject {
  Q_OBJECT
 public:
  ProjectController(ProjectDocument& document, AppSettings& settings, QWidget* dialogParent);

  // Each returns false when the user cancelled or it failed (the failure was shown).
  bool newFromTemplate(const QString& templateFile);
  // A new, unsaved project that trains on `folder` (an image folder with train/<class>/ and
  // val/ or test/), from `templateFile`'s settings; a folder without that layout is
  // explained, not opened.
  bool newForImageFolder(const QString& folder, const QString& templateFile);
  bool open();                         // asks for a file
  bool openFile(const QString& file);  // shows errors in a dialog
  bool save();
  bool saveAs();
  // Before the document is replaced or the window closes: Save / Discard / Cancel.
  // True when it is fine to go on.
  bool maybeSave();

  // Fills `menu` with the recent projects (kept up to date by this controller).
  void attachRecentMenu(QMenu* menu);
  // Fills `menu` with one entry per bundled project template.
  void fillTemplateMenu(QMenu* menu);

 Q_SIGNALS:
  void projectOpened(const QString& file);

 private:
  void rememberFile(const QString& file);
  void rebuildRecentMenu();
  void showError(const QString& title, const QString& message);

  ProjectDocument& document_;
  AppSettings& settings_;
  QWidget* parent_;
  QMenu* recentMenu_ = nullptr;
};

}  // namespace simclr::gui
