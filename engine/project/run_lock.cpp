#include "engine/project/run_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "engine/core/error.h"
#include "engine/project/run_process.h"

namespace simclr {

namespace {

std::string busy_message(const RunFolder& run, const std::optional<ProcessRecord>& other) {
  std::string who = "another process";
  if (other) {
    who = describe_process(*other);
    if (other->total_steps > 0)
      who += ", at step " + std::to_string(other->step) + " of " + std::to_string(other->total_steps);
  }
  return run.dir().string() + " is being trained by " + who +
         ": a run folder takes one trainer at a time (stop that one first, or start a new run)";
}

}  // namespace

std::filesystem::path run_lock_file(const RunFolder& run) {
  return run.dir() / ".train.lock";
}

RunLock::RunLock(const RunFolder& run) {
  const std::filesystem::path file = run_lock_file(run);
  // Close-on-exec: a process this one starts (a rank, a tool) must not inherit the lock and
  // hold it after this one died.
  fd_ = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) throw IoError(file.string() + ": cannot create the run's lock file: " + std::strerror(errno));
  if (::flock(fd_, LOCK_EX | LOCK_NB) == 0) return;
  const int error = errno;
  if (error == EWOULDBLOCK) {
    ::close(fd_);
    throw ConfigError(busy_message(run, read_process_record(run)));
  }
  // No locks on this file system (ENOLCK, EOPNOTSUPP): a live process record refuses.
  const std::optional<ProcessRecord> other = read_process_record(run);
  if (other && process_alive(*other, unix_now())) {
    ::close(fd_);
    throw ConfigError(busy_message(run, other));
  }
}

RunLock::~RunLock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace simclr
