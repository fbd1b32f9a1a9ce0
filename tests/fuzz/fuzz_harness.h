#pragma once
// The fuzz harnesses of tests/fuzz: one per kind of file the workbench reads from outside.
// A harness is a function of the bytes libFuzzer (or the replay tool) hands it; it writes
// them where the real reader needs them (a file in the process's scratch folder, or a buffer)
// and calls that reader. simclr::Error is the expected answer to bad input and is caught;
// anything else (another std::exception, a crash, a sanitizer report) is a finding.
//
//   SIMCLR_FUZZ_HARNESS(npy) {
//     const auto file = simclr::fuzz::write_input("x.npy", data, size);
//     return simclr::fuzz::expect_errors([&] { simclr::read_npy(file); });
//   }
//
// defines `int simclr_fuzz_npy(const uint8_t*, size_t)` and registers it under "npy". The
// ordinary test build links every harness into one replay tool (fuzz_replay.cpp); the
// libFuzzer build (tests/fuzz/run.sh) links each into its own fuzzer, whose
// LLVMFuzzerTestOneInput (libfuzzer_entry.cpp.in) calls that function.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "engine/core/error.h"

namespace simclr::fuzz {

using FuzzEntry = int (*)(const uint8_t* data, size_t size);

struct Harness {
  std::string name;
  FuzzEntry entry = nullptr;
};

// Every harness linked into this program, in registration order.
std::vector<Harness>& harnesses();
bool register_harness(const char* name, FuzzEntry entry);
const Harness* find_harness(const std::string& name);

// A folder of this process's own, made on first use under $TMPDIR and removed at exit.
const std::filesystem::path& scratch_dir();
// Writes the bytes to scratch_dir()/name (folders created) and returns the path.
std::filesystem::path write_input(const std::string& name, const uint8_t* data, size_t size);
std::filesystem::path write_input(const std::string& name, const std::string& bytes);
// Empties scratch_dir()/name (a folder) and returns its path, made again.
std::filesystem::path fresh_dir(const std::string& name);

// With SIMCLR_FUZZ_VERBOSE=1 in the environment, prints the message (to see what a seed or
// a regression input meets); otherwise nothing.
void note_error(const simclr::Error& e);

// Runs `read`; simclr::Error (what a reader throws for bad input) ends it quietly, anything
// else propagates. Returns 0, libFuzzer's "keep going".
template <class Read>
int expect_errors(Read&& read) {
  try {
    read();
  } catch (const simclr::Error& e) {
    note_error(e);
  }
  return 0;
}

}  // namespace simclr::fuzz

#define SIMCLR_FUZZ_HARNESS(name)                                    \
  int simclr_fuzz_##name(const uint8_t* data, size_t size);          \
  [[maybe_unused]] static const bool simclr_fuzz_registered_##name = \
      ::simclr::fuzz::register_harness(#name, &simclr_fuzz_##name);  \
  int simclr_fuzz_##name(const uint8_t* data, size_t size)
