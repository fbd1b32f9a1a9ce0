#pragma once
// Where the application finds what it ships with (project templates), both when installed
// under a prefix (<prefix>/share/simclr-workbench) and when run from the build tree.
#include <QString>
#include <QStringList>

namespace simclr::gui {

// Folders that may hold the bundled project files, in order of preference.
QStringList projectTemplateDirs();

// The *.json templates found there (first folder that has any), sorted by name.
QStringList projectTemplates();

// The bundled quickstart project, or empty when none is found.
QString quickstartProject();

}  // namespace simclr::gui
