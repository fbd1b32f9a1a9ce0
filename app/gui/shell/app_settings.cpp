#include "app/gui/shell/app_settings.h"

#include <QFileInfo>

namespace simclr::gui {

AppSettings::AppSettings() : settings_(std::make_unique<QSettings>()) {}

AppSettings::AppSettings(const QString& iniFile)
    : settings_(std::make_unique<QSettings>(iniFile, QSettings::IniFormat)) {}

void AppSettings::addRecentProject(const QString& file) {
  const QString path = QFileInfo(file).absoluteFilePath();
  QStringList recent = value(settings::RecentProjects);
  recent.removeAll(path);
  recent.prepend(path);
  while (recent.size() > kMaxRecentProjects) recent.removeLast();
  setValue(settings::RecentProjects, recent);
}

void AppSettings::removeRecentProject(const QString& file) {
  QStringList recent = value(settings::RecentProjects);
  recent.removeAll(QFileInfo(file).absoluteFilePath());
  setValue(settings::RecentProjects, recent);
}

}  // namespace simclr::gui
