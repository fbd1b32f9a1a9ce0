#include "app/gui/project/project_editor.h"

#include <QStyle>
#include <QTabWidget>
#include <QVBoxLayout>

#include "app/gui/project/project_document.h"
#include "app/gui/project_form/project_form.h"
#include "app/gui/project/project_json_view.h"

namespace simclr::gui {

ProjectEditor::ProjectEditor(ProjectDocument* document, QWidget* parent)
    : QWidget(parent),
      document_(document),
      tabs_(new QTabWidget),
      form_(new ProjectForm(document)),
      json_(new ProjectJsonView(document)) {
  tabs_->setDocumentMode(true);
  tabs_->addTab(form_, tr("Settings"));
  tabs_->addTab(json_, tr("JSON"));
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(tabs_);
  connect(document_, &ProjectDocument::changed, this, &ProjectEditor::updateTabs);
  connect(json_, &ProjectJsonView::pendingEditsChanged, this, &ProjectEditor::updateTabs);
  updateTabs();
}

void ProjectEditor::showForm() {
  tabs_->setCurrentWidget(form_);
}
void ProjectEditor::showJson() {
  tabs_->setCurrentWidget(json_);
}

void ProjectEditor::updateTabs() {
  const int problems = document_->isOpen() ? int(document_->issues().size()) : 0;
  tabs_->setTabIcon(0, problems ? style()->standardIcon(QStyle::SP_MessageBoxWarning) : QIcon());
  tabs_->setTabText(0, problems == 0   ? tr("Settings")
                       : problems == 1 ? tr("Settings (1 problem)")
                                       : tr("Settings (%1 problems)").arg(problems));
  // An asterisk, as editors mark unsaved text: the JSON has edits not yet applied.
  tabs_->setTabText(1, json_->hasPendingEdits() ? tr("JSON *") : tr("JSON"));
}

}  // namespace simclr::gui
