// Every setting the schema declares has help for people: a sentence, and a unit or a
// meaning of 0 where the schema's own comments give one.
#include <QtTest>

#include <set>

#include "engine/project/setting_help.h"

using namespace simclr;

class TestSettingHelp : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void everySchemaSettingHasHelp() {
    const auto paths = schema_setting_paths();
    QVERIFY(paths.size() > 50);
    QVERIFY(std::find(paths.begin(), paths.end(), "training.distributed.timeout_s") != paths.end());
    QVERIFY(std::find(paths.begin(), paths.end(), "augmentation") != paths.end());
    for (const std::string& path : paths) {
      const SettingHelp* help = setting_help(path);
      QVERIFY2(help, ("no help for " + path).c_str());
      QVERIFY2(help->text.size() > 10 && help->text.back() == '.', ("help of " + path + ": " + help->text).c_str());
    }
  }

  void unitsAndWhatZeroMeans() {
    const auto paths = schema_setting_paths();
    const std::set<std::string> known(paths.begin(), paths.end());
    QCOMPARE(known.size(), paths.size());
    QVERIFY(setting_help("training.no_such_setting") == nullptr);
    QCOMPARE(QString::fromStdString(setting_help("training.epochs")->unit), QStringLiteral("epochs"));
    QCOMPARE(QString::fromStdString(setting_help("training.threads")->zero), QStringLiteral("all cores"));
  }
};

QTEST_APPLESS_MAIN(TestSettingHelp)
#include "test_setting_help.moc"
