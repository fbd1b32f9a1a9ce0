#pragma once
// simclr-cli's stderr as the workbench reads it, one line at a time: a message with its
// level ("warning: ...", "[rank 1] error: ...", plain lines are information), or one of the
// progress bar's lines ("train [#####.....] 3/10  30%  0:05 elapsed, ETA 0:12  loss ...",
// printed every few seconds when stderr is not a terminal).
#include <QString>

#include "app/gui/jobs/metric_types.h"

namespace simclr::gui {

struct CliLine {
  enum class Kind { Empty, Message, Progress };
  Kind kind = Kind::Empty;
  int level = 1;  // simclr::LogLevel of a message
  QString text;   // the line without its end-of-line characters
  JobProgress progress;
};

CliLine parseCliLine(const QString& line);

// "4:05" or "1:02:03" in seconds; -1 for "--:--" or anything else.
double parseCliDuration(const QString& text);

}  // namespace simclr::gui
