#pragma once
// Seed corpora for the fuzz harnesses, made by the real writers (and the test fixtures) so
// that they follow the formats as they are today: nothing generated is committed.
#include <filesystem>
#include <string>
#include <vector>

namespace simclr::fuzz {

// The harnesses that have a seed writer.
std::vector<std::string> seeded_harnesses();

// Writes the seeds of `harness` into `dir` (created); false when it has no writer.
bool write_seeds(const std::string& harness, const std::filesystem::path& dir);

}  // namespace simclr::fuzz
