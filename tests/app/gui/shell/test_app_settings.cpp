// The typed settings accessor: defaults, round trips through the file, the recent list.
#include <QtTest>

#include "app/gui/shell/app_settings.h"
#include "tests/support/temp_dir.h"

using namespace simclr::gui;

class TestAppSettings : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void defaultsUntilSet() {
    simclr::test::TempDir dir("settings");
    AppSettings s(QString::fromStdString((dir / "s.ini").string()));
    QCOMPARE(s.value(settings::ChartSmoothing), 0.6);
    QCOMPARE(s.value(settings::ThreadsOverride), -1);
    QVERIFY(s.value(settings::RecentProjects).isEmpty());
  }

  void valuesPersistAcrossInstances() {
    simclr::test::TempDir dir("settings");
    const QString file = QString::fromStdString((dir / "s.ini").string());
    {
      AppSettings s(file);
      s.setValue(settings::ChartSmoothing, 0.25);
      s.setValue(settings::ChartLogScale, true);
      s.setValue(settings::WindowGeometry, QByteArray("\x01\x02\x00\x03", 4));
      s.sync();
    }
    AppSettings s(file);
    QCOMPARE(s.value(settings::ChartSmoothing), 0.25);
    QCOMPARE(s.value(settings::ChartLogScale), true);
    QCOMPARE(s.value(settings::WindowGeometry), QByteArray("\x01\x02\x00\x03", 4));
  }

  void recentProjectsAreUniqueNewestFirstAndCapped() {
    simclr::test::TempDir dir("settings");
    AppSettings s(QString::fromStdString((dir / "s.ini").string()));
    for (int i = 0; i < AppSettings::kMaxRecentProjects + 3; ++i)
      s.addRecentProject(QStringLiteral("/p/%1.json").arg(i));
    s.addRecentProject(QStringLiteral("/p/5.json"));
    const QStringList recent = s.value(settings::RecentProjects);
    QCOMPARE(recent.size(), AppSettings::kMaxRecentProjects);
    QCOMPARE(recent.first(), QStringLiteral("/p/5.json"));
    QCOMPARE(recent.count(QStringLiteral("/p/5.json")), 1);
    s.removeRecentProject(QStringLiteral("/p/5.json"));
    QVERIFY(!s.value(settings::RecentProjects).contains(QStringLiteral("/p/5.json")));
  }
};

QTEST_GUILESS_MAIN(TestAppSettings)
#include "test_app_settings.moc"
