#include "engine/train/run_heartbeat.h"

#include "engine/core/error.h"

namespace simclr {

RunHeartbeat::RunHeartbeat(RunFolder run, std::chrono::milliseconds every)
    : run_(std::move(run)), record_(this_process_record()), every_(every) {
  write();
  thread_ = std::thread([this] { beat_until_stopped(); });
}

RunHeartbeat::~RunHeartbeat() {
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
  std::error_code ec;
  std::filesystem::remove(process_record_file(run_), ec);
}

void RunHeartbeat::write() {
  record_.heartbeat_at = unix_now();
  record_.step = step_;
  record_.total_steps = total_steps_;
  write_process_record(run_, record_);
}

void RunHeartbeat::write_total(int64_t total_steps) {
  const std::lock_guard<std::mutex> lock(mutex_);
  total_steps_ = total_steps;
  write();
}

void RunHeartbeat::beat_until_stopped() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!wake_.wait_for(lock, every_, [this] { return stopping_; })) {
    try {
      write();
    } catch (const Error&) {
      // A full disk is the training's to report (its next checkpoint or metrics line);
      // a missed heartbeat only makes the run look stale from another host.
    }
  }
}

}  // namespace simclr
