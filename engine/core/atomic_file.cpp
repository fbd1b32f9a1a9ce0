#include "engine/core/atomic_file.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>

#include "engine/core/error.h"
#include "engine/core/fault_point.h"

namespace simclr {

namespace fs = std::filesystem;

namespace {
// Eight hex digits of FNV-1a over the host name: temporaries of another machine sharing the
// folder are never taken for abandoned ones.
std::string host_tag() {
  char name[256] = {};
  ::gethostname(name, sizeof name - 1);
  uint32_t hash = 2166136261u;
  for (const char* c = name; *c; ++c) hash = (hash ^ static_cast<unsigned char>(*c)) * 16777619u;
  char tag[9];
  std::snprintf(tag, sizeof tag, "%08x", hash);
  return tag;
}

bool process_alive(long pid) {
  return pid > 0 && (::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM);
}

// The pid in a temporary_sibling name of this host, or -1 when the name is not one.
long temporary_owner(const std::string& name, const std::string& host) {
  const size_t at = name.rfind(".tmp-");
  if (name.empty() || name[0] != '.' || at == std::string::npos) return -1;
  const std::string rest = name.substr(at + 5);  // <host>-<pid>-<random>
  const size_t dash = rest.find('-');
  if (dash == std::string::npos || rest.substr(0, dash) != host) return -1;
  char* end = nullptr;
  const long pid = std::strtol(rest.c_str() + dash + 1, &end, 10);
  return end && *end == '-' ? pid : -1;
}

// Passes fault points `point` and `point@<file name>`; an injected error throws IoError
// naming the file.
void file_fault(const char* point, const fs::path& path, const char* what) {
  int error = fault_point(point);
  if (!error) error = fault_point((std::string(point) + "@" + path.filename().string()).c_str());
  if (error) throw IoError(path.string() + ": " + what + ": " + std::strerror(error));
}

void sync_file(const fs::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}
}  // namespace

fs::path temporary_sibling(const fs::path& target) {
  std::random_device rd;
  return target.parent_path() / ("." + target.filename().string() + ".tmp-" + host_tag() + "-" +
                                 std::to_string(::getpid()) + "-" + std::to_string(rd()));
}

std::vector<fs::path> remove_abandoned_temporaries(const fs::path& dir) {
  std::vector<fs::path> abandoned;
  const std::string host = host_tag();
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    const long pid = temporary_owner(it->path().filename().string(), host);
    if (pid < 0 || process_alive(pid)) continue;
    abandoned.push_back(it->path());
    if (it->is_directory(ec)) it.disable_recursion_pending();
  }
  std::vector<fs::path> removed;
  for (const auto& path : abandoned)
    if (fs::remove_all(path, ec) > 0 && !ec) removed.push_back(path);
  return removed;
}

void write_atomically_with(const fs::path& path, const std::function<void(const fs::path&)>& writer) {
  std::error_code ec;
  if (!path.parent_path().empty()) fs::create_directories(path.parent_path(), ec);
  if (ec) throw IoError(path.parent_path().string() + ": cannot create folder: " + ec.message());
  const fs::path tmp = temporary_sibling(path);
  try {
    writer(tmp);
    // A test's injected fault once the temporary file is written (a kill leaves it behind,
    // as a crash would), then before the rename; by any file or by this file's name.
    file_fault("file_write", path, "cannot write");
    sync_file(tmp);
    file_fault("file_rename", path, "cannot replace file");
    fs::rename(tmp, path);
  } catch (const fs::filesystem_error& e) {
    fs::remove(tmp, ec);
    throw IoError(path.string() + ": cannot replace file: " + e.code().message());
  } catch (...) {
    fs::remove(tmp, ec);
    throw;
  }
}

void write_file_atomically(const fs::path& path, const std::string& contents) {
  write_atomically_with(path, [&](const fs::path& tmp) {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw IoError(path.string() + ": cannot write: " + std::strerror(errno));
    errno = 0;
    out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
    out.flush();
    if (!out)
      throw IoError(path.string() + ": cannot write: " + (errno ? std::strerror(errno) : "write failed (disk full?)"));
  });
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError(path.string() + ": cannot open: " + std::strerror(errno));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace simclr
