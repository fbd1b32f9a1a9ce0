#include "tests/support/temp_dir.h"

#include <cstdlib>
#include <random>

namespace simclr::test {

namespace fs = std::filesystem;

TempDir::TempDir(const std::string& prefix) {
  std::random_device rd;
  path_ = fs::temp_directory_path() / (prefix + "-" + std::to_string(rd()) + std::to_string(rd()));
  fs::create_directories(path_);
}

TempDir::~TempDir() {
  const char* keep = std::getenv("SIMCLR_KEEP_TEST_FILES");
  if (keep && std::string(keep) == "1") return;
  std::error_code ec;
  fs::remove_all(path_, ec);
}

fs::path real_data_dir() {
  const char* dir = std::getenv("SIMCLR_DATA_DIR");
  if (!dir || !*dir) return {};
  fs::path p(dir);
  return fs::is_directory(p) ? fs::absolute(p) : fs::path();
}

}  // namespace simclr::test
