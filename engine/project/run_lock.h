#pragma once
// One trainer per run folder: a trainer holds an exclusive lock (flock) on <run>/.train.lock
// while it trains, so a second process (another window, the CLI) that would interleave its
// checkpoints and metrics with the first's is refused, naming it. The kernel drops the
// lock when its process ends however it ends, so a killed run leaves no stale lock. Where
// the file system has no locks, the process record (run_process.h) decides.
#include <filesystem>

#include "engine/project/run_folder.h"

namespace simclr {

class RunLock {
 public:
  // Throws ConfigError naming the process that trains `run` (pid, host, start, step) when
  // another holds it, IoError when the lock file cannot be made.
  explicit RunLock(const RunFolder& run);
  ~RunLock();  // releases it
  RunLock(const RunLock&) = delete;
  RunLock& operator=(const RunLock&) = delete;

 private:
  int fd_ = -1;
};

std::filesystem::path run_lock_file(const RunFolder& run);

}  // namespace simclr
