#pragma once
// Reproducible randomness: every random draw in the engine comes from a generator whose
// seed is derived from the run seed and the position in the run (epoch, step, view). A run
// resumed at step s therefore draws exactly what an uninterrupted run draws at step s.
#include <cstdint>
#include <initializer_list>

#include <ATen/core/Generator.h>

namespace simclr {

// Mixes a base seed with any number of stream coordinates (splitmix64 chain).
uint64_t derive_seed(uint64_t base, std::initializer_list<uint64_t> stream);

// A CPU generator seeded with `seed`. Random parameters are drawn on the CPU and then
// moved to the compute device, so a seed gives the same views on CPU and GPU.
at::Generator make_generator(uint64_t seed);

}  // namespace simclr
