#pragma once
// Seeded draws for the explore algorithms (k-center's first pick, k-means++): a
// std::mt19937_64, whose output sequence the C++ standard fixes, turned into numbers
// without the library-specific distributions, so a seed picks the same images with any
// standard library and any LibTorch.
#include <cstdint>
#include <random>

namespace simclr {

class SeededDraws {
 public:
  explicit SeededDraws(uint64_t seed) : engine_(seed) {}
  // Uniform in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
  // Uniform in [0, n), n >= 1 (the modulo bias is below 2^-40 for any n under 2^24).
  int64_t index(int64_t n) { return static_cast<int64_t>(engine_() % static_cast<uint64_t>(n)); }

 private:
  std::mt19937_64 engine_;
};

}  // namespace simclr
