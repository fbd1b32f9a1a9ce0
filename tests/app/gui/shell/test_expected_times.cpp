// The start page's expected times: measured in the background, shown per bundled project,
// remembered until the project file changes.
#include <QtTest>

#include <QFile>
#include <QListWidget>

#include "app/gui/shell/app_settings.h"
#include "app/gui/shell/expected_times.h"
#include "app/gui/shell/start_page.h"
#include "engine/project/project_file.h"
#include "tests/support/project_fixtures.h"
#include "tests/support/temp_dir.h"

using namespace simclr;
using namespace simclr::gui;

class TestExpectedTimes : public QObject {
  Q_OBJECT
  test::TempDir dir_{"gui-expected-times"};

  QString writeProject(const std::string& name, const std::string& dataset) {
    ProjectConfig p = test::tiny_project("unused");
    p.dataset.name = dataset;
    p.dataset.train_limit = 160;  // 10 steps of 16 per epoch
    p.training.epochs = 3;
    save_project(p, dir_ / (name + ".json"));
    return QString::fromStdString((dir_ / (name + ".json")).string());
  }

 private Q_SLOTS:
  void measuresRemembersAndForgetsWhenTheFileChanges() {
    const QString tiny = writeProject("tiny", "cifar10");
    const QString folder = writeProject("folder", "image-folder");
    AppSettings settings(QString::fromStdString((dir_ / "settings.ini").string()));
    {
      ExpectedTimes times(settings);
      QSignalSpy measured(&times, &ExpectedTimes::measured);
      times.measure({tiny, folder});
      QVERIFY(times.textFor(tiny).contains(QStringLiteral("measuring")));
      QTRY_COMPARE_WITH_TIMEOUT(measured.size(), 2, 60000);
      QVERIFY2(times.textFor(tiny).contains(QStringLiteral("per epoch here")) &&
                   times.textFor(tiny).contains(QStringLiteral("for its 3 epochs")),
               qPrintable(times.textFor(tiny)));
      QVERIFY2(times.textFor(folder).startsWith(QStringLiteral("no estimate:")), qPrintable(times.textFor(folder)));
    }
    // Remembered in the settings: a new start shows it without measuring.
    ExpectedTimes again(settings);
    QVERIFY(again.textFor(tiny).contains(QStringLiteral("per epoch here")));
    again.measure({tiny});
    QVERIFY(!again.isBusy());
    // A changed file is measured again.
    QFile file(tiny);
    QVERIFY(file.open(QIODevice::ReadWrite));
    file.setFileTime(QDateTime::currentDateTime().addSecs(60), QFileDevice::FileModificationTime);
    file.close();
    QVERIFY(again.textFor(tiny).isEmpty());
  }

  void formatsDurations() {
    QCOMPARE(formatDuration(42), QStringLiteral("42 s"));
    QCOMPARE(formatDuration(96), QStringLiteral("1.6 min"));
    QCOMPARE(formatDuration(1800), QStringLiteral("30 min"));
    QCOMPARE(formatDuration(9000), QStringLiteral("2.5 h"));
  }
};

QTEST_MAIN(TestExpectedTimes)
#include "test_expected_times.moc"
