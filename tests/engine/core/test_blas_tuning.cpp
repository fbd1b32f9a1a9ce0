#include <QtTest>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "engine/core/blas_tuning.h"

using namespace simclr;

namespace {

struct ChildReport {
  QString core;      // blas_core_name() in the process that finally ran
  QString coretype;  // its $OPENBLAS_CORETYPE
  bool ran = false;
};

// Runs this test binary's childReport case in a fresh process with `env`.
ChildReport run_child(QProcessEnvironment env) {
  env.insert(QStringLiteral("SIMCLR_BLAS_TEST_CHILD"), QStringLiteral("1"));
  env.remove(QStringLiteral("SIMCLR_BLAS_TUNED"));
  QProcess process;
  process.setProcessEnvironment(env);
  process.start(QCoreApplication::applicationFilePath(), {QStringLiteral("childReport")});
  process.waitForFinished(60000);
  ChildReport report;
  for (const QString& line : QString::fromLocal8Bit(process.readAllStandardOutput()).split(QLatin1Char('\n'))) {
    if (line.startsWith(QLatin1String("core="))) {
      report.ran = true;
      report.core = line.section(QLatin1Char(' '), 0, 0).mid(5);
      report.coretype = line.section(QLatin1Char(' '), 1, 1).mid(9);
    }
  }
  return report;
}

bool cpu_has_avx512() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  for (std::string line; std::getline(cpuinfo, line);)
    if (line.rfind("flags", 0) == 0)
      return line.find(" avx512f") != std::string::npos && line.find(" avx512cd") != std::string::npos &&
             line.find(" avx512bw") != std::string::npos && line.find(" avx512dq") != std::string::npos &&
             line.find(" avx512vl") != std::string::npos;
  return false;
}

QProcessEnvironment clean_environment() {
  auto env = QProcessEnvironment::systemEnvironment();
  env.remove(QStringLiteral("OPENBLAS_CORETYPE"));
  env.remove(QStringLiteral("SIMCLR_NO_BLAS_TUNING"));
  return env;
}

}  // namespace

class TestBlasTuning : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  // Not a test of its own: the child process the other cases start. It calls
  // tune_blas_for_cpu with its own argv (which may re-execute it) and prints what it runs with.
  void childReport() {
    if (!qEnvironmentVariableIsSet("SIMCLR_BLAS_TEST_CHILD")) QSKIP("run as a child process by the other cases");
    std::vector<std::string> args;
    for (const QString& a : QCoreApplication::arguments()) args.push_back(a.toStdString());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    tune_blas_for_cpu(argv.data());
    const char* coretype = std::getenv("OPENBLAS_CORETYPE");
    std::printf("core=%s coretype=%s\n", blas_core_name(), coretype ? coretype : "");
    std::fflush(stdout);
  }

  void switchesToAvx512KernelsOnlyWhereOpenBlasFellBack() {
    auto off = clean_environment();
    off.insert(QStringLiteral("SIMCLR_NO_BLAS_TUNING"), QStringLiteral("1"));
    const ChildReport untuned = run_child(off);
    QVERIFY(untuned.ran);
    QCOMPARE(untuned.coretype, QString());
    const ChildReport tuned = run_child(clean_environment());
    QVERIFY(tuned.ran);
    const QString own = untuned.core.toLower();
    const bool fast_already = own == QLatin1String("skylakex") || own == QLatin1String("cooperlake") ||
                              own == QLatin1String("sapphirerapids");
    if (untuned.core.isEmpty() || fast_already || !cpu_has_avx512()) {
      // Not OpenBLAS, already its AVX-512 kernels, or no AVX-512: nothing changes.
      QCOMPARE(tuned.core, untuned.core);
      QCOMPARE(tuned.coretype, QString());
    } else {
      QCOMPARE(tuned.core, QStringLiteral("SkylakeX"));
      QCOMPARE(tuned.coretype, QStringLiteral("SkylakeX"));
    }
  }

  void leavesTheUsersChoiceAlone() {
    auto env = clean_environment();
    env.insert(QStringLiteral("OPENBLAS_CORETYPE"), QStringLiteral("Haswell"));
    const ChildReport child = run_child(env);
    QVERIFY(child.ran);
    QCOMPARE(child.coretype, QStringLiteral("Haswell"));
    if (!child.core.isEmpty()) QCOMPARE(child.core, QStringLiteral("Haswell"));
  }
};

QTEST_GUILESS_MAIN(TestBlasTuning)
#include "test_blas_tuning.moc"
