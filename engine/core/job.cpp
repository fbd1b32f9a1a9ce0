#include "engine/core/job.h"

#include <thread>

#include "engine/core/error.h"

namespace simclr {

const char* to_string(LogLevel level) {
  switch (level) {
    case LogLevel::Debug:
      return "debug";
    case LogLevel::Info:
      return "info";
    case LogLevel::Warning:
      return "warning";
    case LogLevel::Error:
      return "error";
  }
  return "info";
}

StopToken::StopToken() : state_(std::make_shared<State>()) {}
void StopToken::request_stop() {
  state_->stop.store(true);
}
bool StopToken::stop_requested() const {
  return state_->stop.load();
}
void StopToken::set_paused(bool paused) {
  state_->pause.store(paused);
}
bool StopToken::paused() const {
  return state_->pause.load();
}

void StopToken::wait_while_paused() const {
  while (state_->pause.load() && !state_->stop.load()) std::this_thread::sleep_for(std::chrono::milliseconds(20));
}

void StopToken::throw_if_stopped(const std::string& what) const {
  if (stop_requested()) throw CancelledError(what + ": stopped by request");
}

ProgressClock::ProgressClock(std::string stage, long long total, long long done_before)
    : stage_(std::move(stage)), total_(total), done_before_(done_before), start_(std::chrono::steady_clock::now()) {}

double ProgressClock::elapsed_s() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

Progress ProgressClock::at(long long step) const {
  Progress p;
  p.stage = stage_;
  p.step = step;
  p.total = total_;
  p.elapsed_s = elapsed_s();
  const long long done_here = step - done_before_;
  if (total_ > 0 && done_here > 0)
    p.eta_s = p.elapsed_s / static_cast<double>(done_here) * static_cast<double>(total_ - step);
  return p;
}

}  // namespace simclr
