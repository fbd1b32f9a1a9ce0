#pragma once
// The workbench's two looks on Qt's Fusion style: light (the default) and dark. Qt 6.4 cannot
// read the desktop's colour scheme, so the user chooses (View > Theme) and it is remembered.
// Charts follow the application palette (widgets/chart_style.h).
#include <QString>

namespace simclr::gui {

enum class Theme { Light, Dark };

Theme themeFromName(const QString& name);  // "dark" -> Dark, anything else Light
QString themeName(Theme theme);

// Sets the Fusion style and the theme's palette on the application.
void applyTheme(Theme theme);

}  // namespace simclr::gui
