// simclr_fuzz_replay: the fuzz harnesses without libFuzzer, for the ordinary test build.
//   simclr_fuzz_replay --list                       the harnesses
//   simclr_fuzz_replay --write-seeds DIR [NAME...]  seed corpora into DIR/<harness>/
//   simclr_fuzz_replay NAME PATH...                 feeds every file (folders: the files
//                                                   in them, sorted) to harness NAME
// A simclr::Error is the harness's business; any other exception that leaves a harness
// fails the replay, naming the input (a crash names it by the line printed before it).
#include <algorithm>
#include <cstdio>
#include <exception>
#include <fstream>
#include <iterator>
#include <string>
#include <typeinfo>
#include <vector>

#include "tests/fuzz/fuzz_harness.h"
#include "tests/fuzz/fuzz_seeds.h"

namespace fs = std::filesystem;
using namespace simclr::fuzz;

namespace {

int usage() {
  std::fprintf(stderr,
               "usage: simclr_fuzz_replay --list\n"
               "       simclr_fuzz_replay --write-seeds DIR [HARNESS...]\n"
               "       simclr_fuzz_replay HARNESS FILE-OR-FOLDER...\n");
  return 2;
}

std::vector<fs::path> inputs_under(const fs::path& path) {
  std::vector<fs::path> files;
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    for (const auto& entry : fs::directory_iterator(path, ec))
      if (entry.is_regular_file() && entry.path().filename().string().front() != '.') files.push_back(entry.path());
    std::sort(files.begin(), files.end());
  } else if (fs::is_regular_file(path, ec)) {
    files.push_back(path);
  }
  return files;
}

int write_all_seeds(const fs::path& dir, std::vector<std::string> names) {
  if (names.empty()) names = seeded_harnesses();
  for (const auto& name : names) {
    try {
      fs::remove_all(dir / name);
      if (!write_seeds(name, dir / name)) {
        std::fprintf(stderr, "%s: no seed writer\n", name.c_str());
        return 1;
      }
    } catch (const std::exception& e) {
      std::fprintf(stderr, "%s: cannot write its seeds: %s\n", name.c_str(), e.what());
      return 1;
    }
    std::printf("%s: %zu seeds in %s\n", name.c_str(), inputs_under(dir / name).size(), (dir / name).c_str());
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage();
  const std::string first = argv[1];
  if (first == "--list") {
    for (const auto& h : harnesses()) std::printf("%s\n", h.name.c_str());
    return 0;
  }
  if (first == "--write-seeds") {
    if (argc < 3) return usage();
    return write_all_seeds(argv[2], std::vector<std::string>(argv + 3, argv + argc));
  }
  const Harness* harness = find_harness(first);
  if (!harness) {
    std::fprintf(stderr, "unknown harness '%s'; --list names them\n", first.c_str());
    return 2;
  }
  int failures = 0, replayed = 0;
  for (int i = 2; i < argc; ++i) {
    for (const auto& file : inputs_under(argv[i])) {
      std::ifstream in(file, std::ios::binary);
      const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      std::fprintf(stderr, "%s: %s (%zu bytes)\n", harness->name.c_str(), file.c_str(), bytes.size());
      std::fflush(stderr);
      try {
        harness->entry(bytes.data(), bytes.size());
      } catch (const std::exception& e) {
        std::fprintf(stderr, "FAIL %s: %s escaped the reader (%s): %s\n", file.c_str(), typeid(e).name(),
                     "not a simclr::Error", e.what());
        ++failures;
      }
      ++replayed;
    }
  }
  std::printf("%s: %d inputs replayed, %d failed\n", harness->name.c_str(), replayed, failures);
  return failures ? 1 : 0;
}
