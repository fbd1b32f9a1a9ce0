#include "app/gui/shell/resource_paths.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>

namespace simclr::gui {

QStringList projectTemplateDirs() {
  const QString appDir = QCoreApplication::applicationDirPath();
  QStringList dirs{QDir::cleanPath(appDir + QStringLiteral("/../share/simclr-workbench/projects"))};
#ifdef SIMCLR_SOURCE_PROJECTS_DIR
  dirs << QStringLiteral(SIMCLR_SOURCE_PROJECTS_DIR);
#endif
  return dirs;
}

QStringList projectTemplates() {
  for (const QString& dir : projectTemplateDirs()) {
    QDir d(dir);
    const QStringList names = d.entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name);
    if (names.isEmpty()) continue;
    QStringList files;
    for (const QString& name : names) files << d.absoluteFilePath(name);
    return files;
  }
  return {};
}

QString quickstartProject() {
  for (const QString& file : projectTemplates())
    if (QFileInfo(file).fileName() == QLatin1String("quickstart.json")) return file;
  return {};
}

}  // namespace simclr::gui
