#include "engine/core/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>

#include "engine/core/error.h"
#include "engine/core/fault_point.h"

namespace simclr {

namespace fs = std::filesystem;

namespace {
fs::path temporary_sibling(const fs::path& path) {
  std::random_device rd;
  return path.parent_path() / ("." + path.filename().string() + ".tmp" + std::to_string(rd()));
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
