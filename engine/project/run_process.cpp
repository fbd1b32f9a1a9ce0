#include "engine/project/run_process.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <ctime>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "engine/core/atomic_file.h"

namespace simclr {

namespace {

std::string host_name() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0) return "localhost";
  return name;
}

std::string boot_id() {
  std::ifstream in("/proc/sys/kernel/random/boot_id");
  std::string id;
  std::getline(in, id);
  return id;
}

struct ProcStat {
  char state = '?';
  int64_t start = 0;
};

// /proc/<pid>/stat: "pid (comm) state ppid ...", the start time its 22nd field. comm may
// hold spaces and parentheses, so fields are counted after the last ')'.
std::optional<ProcStat> proc_stat(int64_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!in || !std::getline(in, line)) return std::nullopt;
  const size_t close = line.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream fields(line.substr(close + 1));
  ProcStat stat;
  std::string field;
  for (int n = 3; n <= 22 && fields >> field; ++n) {
    if (n == 3) stat.state = field.empty() ? '?' : field[0];
    if (n == 22) {
      try {
        stat.start = std::stoll(field);
      } catch (const std::exception&) {
        return std::nullopt;
      }
      return stat;
    }
  }
  return std::nullopt;
}

bool proc_readable() {
  static const bool readable = proc_stat(::getpid()).has_value();
  return readable;
}

int64_t int_field(const nlohmann::json& j, const char* key) {
  return j.contains(key) && j[key].is_number_integer() ? j[key].get<int64_t>() : 0;
}

std::string string_field(const nlohmann::json& j, const char* key) {
  return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
}

}  // namespace

int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::filesystem::path process_record_file(const RunFolder& run) {
  return run.dir() / "process.json";
}

ProcessRecord this_process_record() {
  ProcessRecord r;
  r.pid = ::getpid();
  r.host = host_name();
  r.boot_id = boot_id();
  if (const auto stat = proc_stat(r.pid)) r.process_start = stat->start;
  r.started_at = r.heartbeat_at = unix_now();
  return r;
}

void write_process_record(const RunFolder& run, const ProcessRecord& r) {
  const nlohmann::json j = {{"state", "running"},
                            {"pid", r.pid},
                            {"host", r.host},
                            {"boot_id", r.boot_id},
                            {"process_start", r.process_start},
                            {"started_at", r.started_at},
                            {"heartbeat_at", r.heartbeat_at},
                            {"step", r.step},
                            {"total_steps", r.total_steps}};
  write_file_atomically(process_record_file(run), j.dump(2) + "\n");
}

std::optional<ProcessRecord> read_process_record(const RunFolder& run) {
  const std::filesystem::path file = process_record_file(run);
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) return std::nullopt;
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(read_file(file));
  } catch (const std::exception&) {
    return std::nullopt;  // removed or hand-edited meanwhile
  }
  if (!j.is_object() || int_field(j, "pid") <= 0) return std::nullopt;
  ProcessRecord r;
  r.pid = int_field(j, "pid");
  r.host = string_field(j, "host");
  r.boot_id = string_field(j, "boot_id");
  r.process_start = int_field(j, "process_start");
  r.started_at = int_field(j, "started_at");
  r.heartbeat_at = int_field(j, "heartbeat_at");
  r.step = int_field(j, "step");
  r.total_steps = int_field(j, "total_steps");
  return r;
}

bool process_alive(const ProcessRecord& r, int64_t now, int64_t stale_after_s) {
  const bool this_machine = r.host == host_name() && !r.boot_id.empty() && r.boot_id == boot_id();
  if (this_machine && proc_readable()) {
    const auto stat = proc_stat(r.pid);
    return stat && stat->start == r.process_start && stat->state != 'Z' && stat->state != 'X';
  }
  if (this_machine) return ::kill(static_cast<pid_t>(r.pid), 0) == 0 || errno == EPERM;
  // Another machine (or this one rebooted, or a shared name): only the heartbeat can tell.
  return now - r.heartbeat_at <= stale_after_s;
}

std::string describe_process(const ProcessRecord& r) {
  std::string text = "process " + std::to_string(r.pid) + " on " + (r.host.empty() ? "an unknown host" : r.host);
  if (r.started_at > 0) {
    const std::time_t t = static_cast<std::time_t>(r.started_at);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", std::localtime(&t));
    text += std::string(", started ") + stamp;
  }
  return text;
}

}  // namespace simclr
