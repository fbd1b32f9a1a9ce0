#pragma once
// The generator that draws the augmentation parameters of view `view` (0 or 1) at training
// step `step` of a run seeded with `seed`. The trainer and the GUI's augmentation preview
// both use it, so the preview shows exactly the views training would make of the same batch.
#include <cstdint>

#include <ATen/core/Generator.h>

#include "engine/core/seeding.h"

namespace simclr {

// The seed stream of the views (the trainer's other streams use other first coordinates).
constexpr uint64_t kViewSeedStream = 2;

inline at::Generator view_generator(uint64_t seed, int64_t step, int view) {
  return make_generator(derive_seed(seed, {kViewSeedStream, static_cast<uint64_t>(step), static_cast<uint64_t>(view)}));
}

}  // namespace simclr
