#pragma once
// A text progress bar with ETA on stderr, redrawn in place at most ~10 times a second.
#include <chrono>
#include <string>

#include "engine/core/job.h"

namespace simclr::cli {

class TerminalProgress {
 public:
  explicit TerminalProgress(bool quiet = false);
  ~TerminalProgress();  // ends the line if a bar is showing
  void update(const Progress& progress);
  void log(LogLevel level, const std::string& text);
  // Callbacks that feed this bar, for engine jobs.
  JobCallbacks callbacks();
  // Extra text shown after the bar of one stage ("loss 5.12  lr 1e-3" for "train").
  void set_suffix(std::string stage, std::string suffix) {
    suffix_stage_ = std::move(stage);
    suffix_ = std::move(suffix);
  }

 private:
  void finish_line();
  bool quiet_;
  bool tty_;
  bool bar_showing_ = false;
  std::string suffix_stage_;
  std::string suffix_;
  std::string last_stage_;
  std::chrono::steady_clock::time_point last_draw_{};
};

std::string format_duration(double seconds);  // "1:02:03", "4:05"

}  // namespace simclr::cli
