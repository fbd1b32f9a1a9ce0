#include "tests/fuzz/fuzz_harness.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>

namespace simclr::fuzz {

namespace fs = std::filesystem;

std::vector<Harness>& harnesses() {
  static std::vector<Harness> all;
  return all;
}

bool register_harness(const char* name, FuzzEntry entry) {
  harnesses().push_back({name, entry});
  return true;
}

const Harness* find_harness(const std::string& name) {
  for (const auto& h : harnesses())
    if (h.name == name) return &h;
  return nullptr;
}

namespace {
fs::path make_scratch() {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/simclr-fuzz-XXXXXX";
  if (!::mkdtemp(pattern.data())) {
    std::perror("simclr fuzz: cannot make a scratch folder");
    std::abort();
  }
  return pattern;
}

void remove_scratch();

const fs::path& scratch() {
  static const fs::path dir = [] {
    fs::path d = make_scratch();
    std::atexit(remove_scratch);
    return d;
  }();
  return dir;
}

void remove_scratch() {
  std::error_code ec;
  fs::remove_all(scratch(), ec);
}
}  // namespace

void note_error(const simclr::Error& e) {
  static const bool verbose = [] {
    const char* v = std::getenv("SIMCLR_FUZZ_VERBOSE");
    return v && *v && std::string(v) != "0";
  }();
  if (verbose) std::fprintf(stderr, "  simclr::Error: %s\n", e.what());
}

const fs::path& scratch_dir() {
  return scratch();
}

fs::path write_input(const std::string& name, const uint8_t* data, size_t size) {
  const fs::path file = scratch_dir() / name;
  std::error_code ec;
  fs::create_directories(file.parent_path(), ec);
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  out.close();
  if (!out) {
    std::fprintf(stderr, "simclr fuzz: cannot write %s\n", file.c_str());
    std::abort();
  }
  return file;
}

fs::path write_input(const std::string& name, const std::string& bytes) {
  return write_input(name, reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
}

fs::path fresh_dir(const std::string& name) {
  const fs::path dir = scratch_dir() / name;
  std::error_code ec;
  fs::remove_all(dir, ec);
  fs::create_directories(dir, ec);
  return dir;
}

}  // namespace simclr::fuzz
