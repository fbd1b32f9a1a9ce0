// A mistyped command word, at any level, is an error (exit code 2) that names the word and
// the nearest command, even next to --help; the help itself and other argument errors are
// left as they were.
#include <QtTest>

#include "tests/app/cli/cli_process.h"

using simclr::test::cli;
using Outcome = simclr::test::ProcessOutcome;

class TestUnknownCommand : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void unknownWordExitsWithTwo_data() {
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    QTest::newRow("typo") << QStringList{"trian", "p.json"}
                          << "error: 'trian' is not a simclr-cli command; did you mean 'train'?";
    QTest::newRow("typo, --help") << QStringList{"tnse", "--help"}
                                  << "error: 'tnse' is not a simclr-cli command; did you mean 'tsne'?";
    QTest::newRow("after -q") << QStringList{"-q", "neighbors", "RUN"} << "did you mean 'neighbours'?";
    QTest::newRow("nothing close, --help") << QStringList{"no-such-command", "--help"}
                                           << "'no-such-command' is not a simclr-cli command; the commands are";
    QTest::newRow("second level") << QStringList{"project", "valdate", "p.json"}
                                  << "'valdate' is not a simclr-cli project command; did you mean 'validate'?";
    QTest::newRow("second level, --help") << QStringList{"dataset", "inof", "--help"}
                                          << "'inof' is not a simclr-cli dataset command; did you mean 'info'?";
    // export takes RUN too: a word close to a command that names no folder is a mistyped command.
    QTest::newRow("export, extra word") << QStringList{"export", "metrcs", "/no/such/run"}
                                        << "'metrcs' is not a simclr-cli export command; did you mean 'metrics'?";
    QTest::newRow("export, alone") << QStringList{"export", "wieghts"}
                                   << "'wieghts' is not a simclr-cli export command; did you mean 'weights'?";
    QTest::newRow("second level, nothing close")
        << QStringList{"project", "nosuch"} << "'nosuch' is not a simclr-cli project command; the commands are";
  }
  void unknownWordExitsWithTwo() {
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    const Outcome o = cli(args);
    QVERIFY2(o.code == 2, qPrintable(QString("exit %1: %2").arg(o.code).arg(o.err)));
    QVERIFY2(o.err.contains(message), qPrintable(o.err));
    QVERIFY2(o.out.isEmpty(), qPrintable(o.out));  // no help printed, nothing run
  }

  // With nothing close, the message lists what there is.
  void listsTheCommands() {
    Outcome o = cli({"no-such-command"});
    QCOMPARE(o.code, 2);
    for (const char* name : {"dataset", "project", "train", "sweep", "tsne", "neighbours", "export"})
      QVERIFY2(o.err.contains(QLatin1String(name)), qPrintable(o.err));
    o = cli({"project", "nosuch"});
    QCOMPARE(o.code, 2);
    QVERIFY2(o.err.contains("validate, show") || o.err.contains("show, validate"), qPrintable(o.err));
  }

  void helpStillWorks_data() {
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("text");
    QTest::newRow("main") << QStringList{"--help"} << "neighbours";
    QTest::newRow("command") << QStringList{"train", "--help"} << "--max-steps";
    QTest::newRow("second level") << QStringList{"project", "validate", "--help"} << "PROJECT";
  }
  void helpStillWorks() {
    QFETCH(QStringList, args);
    QFETCH(QString, text);
    const Outcome o = cli(args);
    QCOMPARE(o.code, 0);
    QVERIFY2(o.out.contains(text), qPrintable(o.out));
  }

  // A stray argument after a command is not taken for a command word.
  void otherArgumentErrorsAreUnchanged() {
    const Outcome o = cli({"project", "show", "a.json", "extra"});
    QCOMPARE(o.code, 2);
    QVERIFY2(o.err.contains("extra"), qPrintable(o.err));
    QVERIFY2(!o.err.contains("is not a"), qPrintable(o.err));
  }
};

QTEST_GUILESS_MAIN(TestUnknownCommand)
#include "test_unknown_command.moc"
