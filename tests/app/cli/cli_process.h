#pragma once
// Running a program as a user would from the shell, for the CLI tests: its exit code and
// what it printed. The built simclr-cli is SIMCLR_CLI_PATH (defined per test target).
#include <QProcess>
#include <QString>
#include <QStringList>

namespace simclr::test {

struct ProcessOutcome {
  int code = -1;  // -1: it crashed or did not finish in time
  QString out, err;
};

inline ProcessOutcome run_process(const QString& program, const QStringList& args, int timeout_ms = 240000) {
  QProcess p;
  p.start(program, args);
  if (!p.waitForFinished(timeout_ms)) return {};
  return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, QString::fromUtf8(p.readAllStandardOutput()),
          QString::fromUtf8(p.readAllStandardError())};
}

#ifdef SIMCLR_CLI_PATH
inline ProcessOutcome cli(const QStringList& args) {
  return run_process(QStringLiteral(SIMCLR_CLI_PATH), args);
}
#endif

}  // namespace simclr::test
