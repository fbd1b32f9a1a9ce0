#pragma once
// Every persistent setting of the workbench, declared once with its key and default, read
// and written through one typed accessor over QSettings (no string keys elsewhere).
#include <memory>

#include <QByteArray>
#include <QSettings>
#include <QString>
#include <QStringList>
#include <QVariant>
#include <QVariantMap>

namespace simclr::gui {

template <class T>
struct Setting {
  const char* key;
  T defaultValue;
};

namespace settings {
inline const Setting<QStringList> RecentProjects{"projects/recent", {}};
inline const Setting<QString> LastProjectDir{"projects/lastDir", {}};
inline const Setting<QByteArray> WindowGeometry{"window/geometry", {}};
inline const Setting<QByteArray> WindowState{"window/state", {}};
inline const Setting<double> ChartSmoothing{"charts/smoothing", 0.6};  // the loss chart's
inline const Setting<bool> ChartLogScale{"charts/logScale", false};
inline const Setting<QString> DeviceOverride{"training/device", {}};   // empty = the project's
inline const Setting<int> ThreadsOverride{"training/threads", -1};     // -1 = the project's
inline const Setting<int> TrainingProcesses{"training/processes", 1};  // > 1: simclr-cli --nproc-per-node
inline const Setting<QString> Theme{"view/theme", QStringLiteral("light")};  // light | dark (app_theme.h)
// Bundled project file -> "<modification time>\t<expected time text>" (expected_times.h).
inline const Setting<QVariantMap> ExpectedTimes{"startPage/expectedTimes", {}};
}  // namespace settings

class AppSettings {
 public:
  static constexpr int kMaxRecentProjects = 10;

  // The application's settings (organisation and application names from QCoreApplication).
  AppSettings();
  // Settings in an INI file, for tests.
  explicit AppSettings(const QString& iniFile);

  template <class T>
  T value(const Setting<T>& setting) const {
    const QVariant v = settings_->value(QString::fromLatin1(setting.key));
    return v.isValid() && v.canConvert<T>() ? v.value<T>() : setting.defaultValue;
  }
  template <class T>
  void setValue(const Setting<T>& setting, const T& value) {
    settings_->setValue(QString::fromLatin1(setting.key), QVariant::fromValue(value));
  }

  // Moves the file to the front of the recent list (absolute path, no duplicates, capped).
  void addRecentProject(const QString& file);
  void removeRecentProject(const QString& file);
  void sync() { settings_->sync(); }

 private:
  std::unique_ptr<QSettings> settings_;
};

}  // namespace simclr::gui
