// simclr-cli selftest as a user and CI see it: on the CPU every check PASSes or SKIPs (fp16
// autocast, which LibTorch has only on CUDA) and the exit code is 0; a check whose device
// result is perturbed (SIMCLR_SELFTEST_PERTURB) is reported as FAIL, the others still run,
// and the exit code is 1; a device that cannot be used here is bad input (exit 2).
#include <QProcess>
#include <QProcessEnvironment>
#include <QtTest>

#include <torch/cuda.h>

#include "tests/app/cli/cli_process.h"

using Outcome = simclr::test::ProcessOutcome;

namespace {

Outcome selftest(const QStringList& args, const QString& perturb = {}) {
  return simclr::test::cli_with_env(QStringList{"selftest"} + args, QStringLiteral("SIMCLR_SELFTEST_PERTURB"), perturb);
}

// The status word of check `name`'s line ("PASS", "FAIL", "SKIP"), or "" when it has none.
QString status_of(const QString& out, const QString& name) {
  for (const QString& line : out.split('\n'))  // "PASS  <name padded to 15> <detail>"
    if (line.mid(6).startsWith(name + "  ")) return line.left(4);
  return {};
}

const QStringList kChecks = {"device",     "augment",    "bf16",     "fp16", "data on device",
                             "train step", "checkpoint", "features", "knn",  "t-SNE input"};

}  // namespace

class TestSelftestCommand : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void cpuPassesEveryCheck() {
    const Outcome o = selftest({"--device", "cpu"});
    QVERIFY2(o.code == 0, qPrintable(QString("exit %1\n%2%3").arg(o.code).arg(o.out, o.err)));
    for (const QString& check : kChecks) {
      const QString status = status_of(o.out, check);
      if (check == "fp16")  // LibTorch has fp16 autocast only on CUDA: skipped with the reason
        QVERIFY2(status == "SKIP" && o.out.contains("fp16 needs a CUDA device"), qPrintable(o.out));
      else
        QVERIFY2(status == "PASS", qPrintable(check + ": '" + status + "'\n" + o.out));
    }
    QVERIFY2(!o.out.contains("FAIL"), qPrintable(o.out));
    QVERIFY2(o.out.contains("selftest on cpu: 9 passed, 0 failed, 1 skipped"), qPrintable(o.out));
  }

  // A wrong device result must be caught by the check's comparison and reported.
  void perturbedCheckFails_data() {
    QTest::addColumn<QString>("check");
    for (const char* check : {"device", "augment", "bf16", "checkpoint", "knn", "t-SNE input"})
      QTest::newRow(check) << check;
  }
  void perturbedCheckFails() {
    QFETCH(QString, check);
    const QStringList others = {"device", check == "device" ? "augment" : "device"};
    const Outcome o = selftest({"--device", "cpu", "--only", QStringList{check, others.last()}.join(',')}, check);
    QVERIFY2(o.code == 1, qPrintable(QString("exit %1\n%2%3").arg(o.code).arg(o.out, o.err)));
    QCOMPARE(status_of(o.out, check), QString("FAIL"));
    QCOMPARE(status_of(o.out, others.last()), QString("PASS"));  // the rest still run and pass
    QVERIFY2(o.err.contains("1 check(s) FAILED on cpu"), qPrintable(o.err));
  }

  void unusableDeviceIsBadInput_data() {
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    if (!torch::cuda::is_available())
      QTest::newRow("cuda without CUDA") << QStringList{"--device", "cuda"} << "CUDA is not available";
    QTest::newRow("unknown device") << QStringList{"--device", "gpu"} << "unknown device";
    QTest::newRow("unknown check") << QStringList{"--device", "cpu", "--only", "augmnt"}
                                   << "--only: no check named 'augmnt'";
  }
  void unusableDeviceIsBadInput() {
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    const Outcome o = selftest(args);
    QVERIFY2(o.code == 2, qPrintable(QString("exit %1\n%2%3").arg(o.code).arg(o.out, o.err)));
    QVERIFY2(o.err.contains(message), qPrintable(o.err));
    QVERIFY2(!o.out.contains("PASS") && !o.out.contains("FAIL"), qPrintable(o.out));  // nothing ran
  }
};

QTEST_GUILESS_MAIN(TestSelftestCommand)
#include "test_selftest_command.moc"
