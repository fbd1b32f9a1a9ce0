#include "app/gui/processes/cli_executable.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>

namespace simclr::gui {

QString defaultCliPath() {
  const QDir appDir(QCoreApplication::applicationDirPath());
  for (const QString& candidate :
       {appDir.filePath(QStringLiteral("../cli/simclr-cli")), appDir.filePath(QStringLiteral("simclr-cli"))}) {
    const QFileInfo info(candidate);
    if (info.isFile() && info.isExecutable()) return info.canonicalFilePath();
  }
  const QString onPath = QStandardPaths::findExecutable(QStringLiteral("simclr-cli"));
  return onPath.isEmpty() ? QStringLiteral("simclr-cli") : onPath;
}

}  // namespace simclr::gui
