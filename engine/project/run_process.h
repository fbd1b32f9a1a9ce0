#pragma once
// The process that trains a run: <run>/process.json names it (pid, host, the process's own
// start time, a heartbeat) while it trains and is removed when training ends. A record left
// behind by a process that is gone marks the run as interrupted. status.json keeps only how
// a run ended: followers of the folder read a status.json as the end of the run.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "engine/project/run_folder.h"

namespace simclr {

struct ProcessRecord {
  int64_t pid = 0;
  std::string host;
  std::string boot_id;        // /proc/sys/kernel/random/boot_id: tells a reboot apart
  int64_t process_start = 0;  // /proc/<pid>/stat's start time (clock ticks after boot): a reused pid differs
  int64_t started_at = 0;     // Unix seconds
  int64_t heartbeat_at = 0;   // Unix seconds, refreshed while the process lives
  int64_t step = 0;           // optimizer steps done at the last heartbeat
  int64_t total_steps = 0;
};

// A heartbeat older than this, from a process on another host, means it is gone.
constexpr int64_t kStaleHeartbeatSeconds = 600;

std::filesystem::path process_record_file(const RunFolder& run);

// This process, now (heartbeat_at = started_at = the current time).
ProcessRecord this_process_record();

// Written atomically. Throws IoError naming the file.
void write_process_record(const RunFolder& run, const ProcessRecord& record);

// The record of the process training `run`, or nullopt when there is none or it is unreadable.
std::optional<ProcessRecord> read_process_record(const RunFolder& run);

// On this host (same name and boot): whether that pid is still the process that wrote the
// record (its start time matches, and it is not a zombie). On another host, or where /proc
// cannot tell: whether the heartbeat is at most `stale_after_s` old at `now` (Unix seconds).
bool process_alive(const ProcessRecord& record, int64_t now, int64_t stale_after_s = kStaleHeartbeatSeconds);

// "process 1234 on host-a, started 2024-05-01 12:00:03".
std::string describe_process(const ProcessRecord& record);

// The current time in Unix seconds.
int64_t unix_now();

}  // namespace simclr
