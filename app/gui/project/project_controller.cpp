#include "app/gui/project/project_controller.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QInputDialog>
#include <QMenu>
#include <QMessageBox>

#include "app/gui/shell/app_settings.h"
#include "app/gui/project/project_document.h"
#include "app/gui/shell/resource_paths.h"

namespace simclr::gui {

namespace {
const QString kProjectFilter = QObject::tr("SimCLR projects (*.json);;All files (*)");
}

ProjectController::ProjectController(ProjectDocument& document, AppSettings& settings, QWidget* dialogParent)
    : QObject(dialogParent), document_(document), settings_(settings), parent_(dialogParent) {}

bool ProjectController::newFromTemplate(const QString& templateFile) {
  if (!maybeSave()) return false;
  bool ok = false;
  const QString name = QInputDialog::getText(parent_, tr("New Project"), tr("Project name:"), QLineEdit::Normal,
                                             QFileInfo(templateFile).completeBaseName() + tr("-copy"), &ok);
  if (!ok || name.trimmed().isEmpty()) return false;
  QString error;
  if (!document_.newFromTemplate(templateFile, name.trimmed(), &error)) {
    showError(tr("New Project"), error);
    return false;
  }
  Q_EMIT projectOpened(QString());
  return true;
}

bool ProjectController::newForImageFolder(const QString& folder, const QString& templateFile) {
  if (folder.isEmpty()) return false;
  if (!QFileInfo(folder).isDir()) {
    showError(tr("Open a Folder of Images"), tr("%1 is not a folder.").arg(QDir::toNativeSeparators(folder)));
    return false;
  }
  if (!maybeSave()) return false;
  QString error;
  if (!document_.newFromTemplate(templateFile, QDir(folder).dirName(), &error)) {
    showError(tr("Open a Folder of Images"), error);
    return false;
  }
  // Labels are read from train/<class>/ when the folder has them (dataset.labels "auto");
  // any other folder is read unlabelled, with a tenth of it held out.
  document_.setValue("/dataset", {{"name", "image-folder"}, {"path", QDir(folder).absolutePath().toStdString()}});
  const bool classes =
      !QDir(QDir(folder).filePath(QStringLiteral("train"))).entryList(QDir::Dirs | QDir::NoDotAndDotDot).isEmpty();
  document_.setValue("/description",
                     (classes ? tr("SimCLR on the images in %1 (classes from train/<class>/), from the settings of %2.")
                              : tr("SimCLR on the images in %1 (no labels: every image, a tenth held out), from the "
                                   "settings of %2."))
                         .arg(QDir::toNativeSeparators(folder), QFileInfo(templateFile).completeBaseName())
                         .toStdString());
  Q_EMIT projectOpened(QString());
  return true;
}

bool ProjectController::open() {
  if (!maybeSave()) return false;
  const QString file = QFileDialog::getOpenFileName(parent_, tr("Open Project"),
                                                    settings_.value(settings::LastProjectDir), kProjectFilter);
  return !file.isEmpty() && openFile(file);
}

bool ProjectController::openFile(const QString& file) {
  QString error;
  if (!document_.open(file, &error)) {
    showError(tr("Open Project"), error);
    if (!QFileInfo::exists(file)) {
      settings_.removeRecentProject(file);
      rebuildRecentMenu();
    }
    return false;
  }
  rememberFile(file);
  Q_EMIT projectOpened(document_.filePath());
  return true;
}

bool ProjectController::save() {
  if (document_.filePath().isEmpty()) return saveAs();
  QString error;
  if (!document_.save(&error)) {
    showError(tr("Save Project"), error);
    return false;
  }
  rememberFile(document_.filePath());
  return true;
}

bool ProjectController::saveAs() {
  QString dir = settings_.value(settings::LastProjectDir);
  const QString suggested = QDir(dir).filePath(document_.displayName() + QStringLiteral(".json"));
  QString file = QFileDialog::getSaveFileName(parent_, tr("Save Project As"), suggested, kProjectFilter);
  if (file.isEmpty()) return false;
  if (QFileInfo(file).suffix().isEmpty()) file += QStringLiteral(".json");
  QString error;
  if (!document_.saveAs(file, &error)) {
    showError(tr("Save Project"), error);
    return false;
  }
  rememberFile(file);
  return true;
}

bool ProjectController::maybeSave() {
  if (!document_.isOpen() || !document_.isModified()) return true;
  const auto answer = QMessageBox::warning(
      parent_, tr("Unsaved Changes"), tr("The project \"%1\" has unsaved changes.").arg(document_.displayName()),
      QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Save);
  if (answer == QMessageBox::Save) return save();
  return answer == QMessageBox::Discard;
}

void ProjectController::attachRecentMenu(QMenu* menu) {
  recentMenu_ = menu;
  rebuildRecentMenu();
}

void ProjectController::fillTemplateMenu(QMenu* menu) {
  menu->clear();
  const QStringList templates = projectTemplates();
  for (const QString& file : templates)
    menu->addAction(QFileInfo(file).completeBaseName(), this, [this, file] { newFromTemplate(file); });
  if (templates.isEmpty()) menu->addAction(tr("(no templates found)"))->setEnabled(false);
}

void ProjectController::rememberFile(const QString& file) {
  settings_.addRecentProject(file);
  settings_.setValue(settings::LastProjectDir, QFileInfo(file).absolutePath());
  rebuildRecentMenu();
}

void ProjectController::rebuildRecentMenu() {
  if (!recentMenu_) return;
  recentMenu_->clear();
  const QStringList recent = settings_.value(settings::RecentProjects);
  for (int i = 0; i < recent.size(); ++i) {
    const QString file = recent[i];
    QAction* action =
        recentMenu_->addAction(QStringLiteral("&%1 %2").arg(i + 1).arg(QFileInfo(file).fileName()), this, [this, file] {
          if (maybeSave()) openFile(file);
        });
    action->setToolTip(file);
  }
  recentMenu_->setEnabled(!recent.isEmpty());
}

void ProjectController::showError(const QString& title, const QString& message) {
  QMessageBox::critical(parent_, title, message);
}

}  // namespace simclr::gui
