#include "engine/core/fault_point.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "engine/core/error.h"

namespace simclr {

namespace {

struct Fault {
  std::string point;
  int64_t pass = 0;
  std::string action;  // kill, enospc, eio
};

struct Faults {
  std::vector<Fault> list;
  std::string error;  // why SIMCLR_FAULT could not be read
  std::map<std::string, int64_t> passes;
  std::mutex mutex;
};

std::optional<Fault> parse_fault(const std::string& item) {
  const size_t a = item.find(':'), b = item.rfind(':');
  if (a == std::string::npos || a == b) return std::nullopt;
  Fault f{item.substr(0, a), 0, item.substr(b + 1)};
  try {
    size_t used = 0;
    f.pass = std::stoll(item.substr(a + 1, b - a - 1), &used);
    if (used != b - a - 1) return std::nullopt;
  } catch (const std::exception&) {
    return std::nullopt;
  }
  if (f.point.empty() || f.pass < 1 || (f.action != "kill" && f.action != "enospc" && f.action != "eio"))
    return std::nullopt;
  return f;
}

// Read once; nullptr when the variable is unset, as it is outside tests.
Faults* faults() {
  static Faults* const faults = []() -> Faults* {
    const char* value = std::getenv("SIMCLR_FAULT");
    if (!value || !*value) return nullptr;
    auto* f = new Faults;  // lives as long as the process
    std::istringstream items(value);
    std::string item;
    while (std::getline(items, item, ',')) {
      if (const auto fault = parse_fault(item))
        f->list.push_back(*fault);
      else
        f->error = "SIMCLR_FAULT: '" + item + "' is not <point>:<n>:<kill|enospc|eio>";
    }
    return f;
  }();
  return faults;
}

}  // namespace

int fault_point(const char* name, const std::function<void()>& before_kill) {
  Faults* f = faults();
  if (!f) return 0;
  if (!f->error.empty()) throw ConfigError(f->error);
  std::lock_guard<std::mutex> lock(f->mutex);
  const int64_t pass = ++f->passes[name];
  for (const Fault& fault : f->list) {
    if (fault.point != name || fault.pass != pass) continue;
    if (fault.action == "enospc") return ENOSPC;
    if (fault.action == "eio") return EIO;
    if (before_kill) before_kill();
    ::kill(::getpid(), SIGKILL);
    ::pause();  // SIGKILL is not delivered later than this
  }
  return 0;
}

}  // namespace simclr
