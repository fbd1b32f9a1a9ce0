#include "app/cli/terminal_progress.h"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <iostream>

namespace simclr::cli {

std::string format_duration(double seconds) {
  if (seconds < 0 || !std::isfinite(seconds)) return "--:--";
  const long long s = std::llround(seconds);
  char buf[32];
  if (s >= 3600)
    std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", s / 3600, (s / 60) % 60, s % 60);
  else
    std::snprintf(buf, sizeof buf, "%lld:%02lld", s / 60, s % 60);
  return buf;
}

TerminalProgress::TerminalProgress(bool quiet) : quiet_(quiet), tty_(::isatty(STDERR_FILENO) != 0) {}

TerminalProgress::~TerminalProgress() {
  finish_line();
}

void TerminalProgress::finish_line() {
  if (bar_showing_) std::cerr << '\n';
  bar_showing_ = false;
}

void TerminalProgress::update(const Progress& p) {
  if (quiet_) return;
  const auto now = std::chrono::steady_clock::now();
  const bool done = p.total > 0 && p.step >= p.total;
  const bool new_stage = p.stage != last_stage_;
  // Off a terminal (logs, CI) a line every few seconds is enough.
  const auto interval = tty_ ? std::chrono::milliseconds(100) : std::chrono::milliseconds(5000);
  if (!done && !new_stage && now - last_draw_ < interval) return;
  if (new_stage) finish_line();
  last_stage_ = p.stage;
  last_draw_ = now;

  std::string line = p.stage + " ";
  if (p.total > 0) {
    const int width = 30;
    const double frac = std::min(1.0, static_cast<double>(p.step) / static_cast<double>(p.total));
    const int filled = static_cast<int>(frac * width);
    line += "[" + std::string(filled, '#') + std::string(width - filled, '.') + "] ";
    line += std::to_string(p.step) + "/" + std::to_string(p.total);
    char pct[16];
    std::snprintf(pct, sizeof pct, " %3.0f%%", frac * 100);
    line += pct;
  } else {
    line += std::to_string(p.step);
  }
  line += "  " + format_duration(p.elapsed_s) + " elapsed";
  if (p.eta_s >= 0) line += ", ETA " + format_duration(p.eta_s);
  if (!suffix_.empty() && p.stage == suffix_stage_) line += "  " + suffix_;
  if (tty_) {
    std::cerr << "\r\033[K" << line << std::flush;
    bar_showing_ = true;
    if (done) finish_line();
  } else {
    std::cerr << line << '\n';
  }
}

void TerminalProgress::log(LogLevel level, const std::string& text) {
  if (quiet_ && level < LogLevel::Warning) return;
  finish_line();
  if (level == LogLevel::Info)
    std::cerr << text << '\n';
  else
    std::cerr << to_string(level) << ": " << text << '\n';
}

JobCallbacks TerminalProgress::callbacks() {
  JobCallbacks cb;
  cb.on_progress = [this](const Progress& p) { update(p); };
  cb.on_log = [this](LogLevel level, const std::string& text) { log(level, text); };
  return cb;
}

}  // namespace simclr::cli
