#pragma once
// A scratch folder for one test, removed afterwards (kept with SIMCLR_KEEP_TEST_FILES=1).
#include <filesystem>
#include <string>

namespace simclr::test {

class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "simclr-test");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

// The real-data folder from $SIMCLR_DATA_DIR, or empty when unset or missing.
std::filesystem::path real_data_dir();

}  // namespace simclr::test
