#include "app/gui/processes/cli_output.h"

#include <QRegularExpression>

#include <algorithm>

#include "engine/core/job.h"

namespace simclr::gui {

double parseCliDuration(const QString& text) {
  const QStringList parts = text.split(QLatin1Char(':'));
  if (parts.size() < 2 || parts.size() > 3) return -1;
  double seconds = 0;
  for (const QString& part : parts) {
    bool ok = false;
    const int value = part.toInt(&ok);
    if (!ok || value < 0) return -1;
    seconds = 60 * seconds + value;
  }
  return seconds;
}

CliLine parseCliLine(const QString& raw) {
  CliLine line;
  line.text = raw.trimmed();
  if (line.text.isEmpty()) return line;
  static const QRegularExpression progress(
      QStringLiteral(R"(^(.+?) (?:\[[#.]*\] (\d+)/(\d+) +\d+%|(\d+)) +(\S+) elapsed(?:, ETA (\S+))?)"));
  if (const auto m = progress.match(line.text); m.hasMatch()) {
    line.kind = CliLine::Kind::Progress;
    line.progress.stage = m.captured(1);
    line.progress.step = m.captured(m.captured(2).isEmpty() ? 4 : 2).toLongLong();
    line.progress.total = m.captured(3).toLongLong();
    line.progress.elapsedSeconds = std::max(0.0, parseCliDuration(m.captured(5)));
    line.progress.etaSeconds = m.captured(6).isEmpty() ? -1 : parseCliDuration(m.captured(6));
    return line;
  }
  // "[rank 1] warning: ...", "error: ...", "simclr-cli: rank 0 (pid 12) exited with code 1".
  static const QRegularExpression level(QStringLiteral(R"(^(?:\[rank \d+\] )?(debug|warning|error): )"));
  static const QRegularExpression rankEnded(QStringLiteral(R"(^simclr-cli: rank \d+ .*(exited|killed|did not stop))"));
  line.kind = CliLine::Kind::Message;
  line.level = int(LogLevel::Info);
  if (const auto m = level.match(line.text); m.hasMatch()) {
    const QString word = m.captured(1);
    line.level = int(word == QLatin1String("error")     ? LogLevel::Error
                     : word == QLatin1String("warning") ? LogLevel::Warning
                                                        : LogLevel::Debug);
  } else if (rankEnded.match(line.text).hasMatch()) {
    line.level = int(LogLevel::Warning);
  }
  return line;
}

}  // namespace simclr::gui
