#pragma once
// The project editor the main window docks: the settings form and the raw JSON side by
// side as two tabs over one ProjectDocument. The form's tab shows a warning icon and the
// number of problems while the project is invalid.
#include <QWidget>

class QTabWidget;

namespace simclr::gui {

class ProjectDocument;
class ProjectForm;
class ProjectJsonView;

class ProjectEditor : public QWidget {
  Q_OBJECT
 public:
  explicit ProjectEditor(ProjectDocument* document, QWidget* parent = nullptr);

  ProjectForm* form() const { return form_; }
  ProjectJsonView* jsonView() const { return json_; }
  QTabWidget* tabs() const { return tabs_; }
  void showForm();
  void showJson();

 private:
  void updateTabs();

  ProjectDocument* document_;
  QTabWidget* tabs_;
  ProjectForm* form_;
  ProjectJsonView* json_;
};

}  // namespace simclr::gui
