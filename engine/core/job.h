#pragma once
// The contract every long-running engine job follows: it takes its config, a JobCallbacks
// and a StopToken. Progress bars in the CLI and the GUI are two implementations of the
// callbacks. Only plain C++ types cross this boundary.
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace simclr {

enum class LogLevel { Debug, Info, Warning, Error };
const char* to_string(LogLevel level);

struct Progress {
  std::string stage;     // what is being done ("train", "embed test", "download")
  long long step = 0;    // steps done in this stage
  long long total = 0;   // 0 when unknown
  double elapsed_s = 0;  // since the stage started
  double eta_s = -1;     // estimated seconds left, -1 when unknown
};

struct JobCallbacks {
  std::function<void(const Progress&)> on_progress;
  std::function<void(LogLevel, const std::string&)> on_log;

  void progress(const Progress& p) const {
    if (on_progress) on_progress(p);
  }
  void log(LogLevel level, const std::string& text) const {
    if (on_log) on_log(level, text);
  }
};

// Shared stop/pause flags. Copies share state, so the GUI thread can hold one copy and
// set it directly while the worker polls its own copy between steps.
class StopToken {
 public:
  StopToken();
  void request_stop();
  bool stop_requested() const;
  void set_paused(bool paused);
  bool paused() const;
  // Blocks while paused; returns early when a stop is requested.
  void wait_while_paused() const;
  // Throws CancelledError(what) when a stop was requested.
  void throw_if_stopped(const std::string& what) const;

 private:
  struct State {
    std::atomic<bool> stop{false};
    std::atomic<bool> pause{false};
  };
  std::shared_ptr<State> state_;
};

// Measures a stage and fills Progress (elapsed time, ETA from the mean step time).
class ProgressClock {
 public:
  explicit ProgressClock(std::string stage, long long total = 0, long long done_before = 0);
  Progress at(long long step) const;
  double elapsed_s() const;

 private:
  std::string stage_;
  long long total_;
  long long done_before_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace simclr
