#pragma once

// Screenshots for looking at widgets, not for asserting on them: when SIMCLR_WIDGET_SHOTS
// names a folder, the tests' screenshot() cases save PNGs there; otherwise they skip.

#include <QDir>
#include <QString>
#include <QWidget>
#include <QtTest>

namespace simclr::widgets::testing {

inline QString shotsDir() {
  return qEnvironmentVariable("SIMCLR_WIDGET_SHOTS");
}

inline bool saveShot(QWidget& widget, const QString& name) {
  const QString dir = shotsDir();
  if (dir.isEmpty() || !QDir().mkpath(dir)) return false;
  return widget.grab().save(QDir(dir).filePath(name + QStringLiteral(".png")));
}

}  // namespace simclr::widgets::testing

#define SIMCLR_SKIP_WITHOUT_SHOTS()                                     \
  do {                                                                  \
    if (simclr::widgets::testing::shotsDir().isEmpty())                 \
      QSKIP("set SIMCLR_WIDGET_SHOTS to a folder to save screenshots"); \
  } while (false)
