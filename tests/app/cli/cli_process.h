#pragma once
// Running a program as a user would from the shell, for the CLI tests: its exit code and
// what it printed. The built simclr-cli is SIMCLR_CLI_PATH (defined per test target).
#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

#include <filesystem>
#include <system_error>

namespace simclr::test {

struct ProcessOutcome {
  int code = -1;  // -1: it crashed or did not finish in time
  QString out, err;
};

inline ProcessOutcome run_process(const QString& program, const QStringList& args, int timeout_ms = 240000,
                                  const QProcessEnvironment& env = QProcessEnvironment::systemEnvironment()) {
  QProcess p;
  p.setProcessEnvironment(env);
  p.start(program, args);
  if (!p.waitForFinished(timeout_ms)) return {};
  return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, QString::fromUtf8(p.readAllStandardOutput()),
          QString::fromUtf8(p.readAllStandardError())};
}

// A path as the argument a command line takes.
inline QString qpath(const std::filesystem::path& p) {
  return QString::fromStdString(p.string());
}

// Files below `dir`, at any depth (0 when it does not exist).
inline int count_files(const std::filesystem::path& dir) {
  int n = 0;
  std::error_code ec;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir, ec)) n += e.is_regular_file();
  return n;
}

// Folders directly in `root` (run and sweep folders; 0 when it does not exist).
inline int folders_in(const std::filesystem::path& root) {
  int n = 0;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(root, ec)) n += e.is_directory();
  return n;
}

#ifdef SIMCLR_CLI_PATH
inline ProcessOutcome cli(const QStringList& args) {
  return run_process(QStringLiteral(SIMCLR_CLI_PATH), args);
}

// simclr-cli with one environment variable set (SIMCLR_FAULT=..., a test hook), or removed
// when `value` is empty, whatever the test's own environment holds.
inline ProcessOutcome cli_with_env(const QStringList& args, const QString& name, const QString& value) {
  QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
  env.remove(name);
  if (!value.isEmpty()) env.insert(name, value);
  return run_process(QStringLiteral(SIMCLR_CLI_PATH), args, 240000, env);
}
#endif

}  // namespace simclr::test
