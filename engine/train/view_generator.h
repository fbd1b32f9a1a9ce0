#pragma once
// The generators that draw the augmentation parameters of a run's views. The trainer and
// the GUI's augmentation preview both use them, so the preview shows exactly the views
// training would make of the same batch.
//
// training.views_version 1 (runs made before version 2): one generator per (seed, step,
// view) draws the whole batch's views. Version 2: one per (seed, step, view, position of
// the image in the global batch), so an image's views are the same however the batch is
// split over the processes of a data-parallel run.
#include <cstdint>

#include <ATen/core/Generator.h>

#include "engine/core/seeding.h"

namespace simclr {

// The seed streams of the views (the trainer's other streams use other first coordinates).
constexpr uint64_t kViewSeedStream = 2;
constexpr uint64_t kImageViewSeedStream = 3;

// Version 1: the whole batch's view `view` (0 or 1) at step `step`.
inline at::Generator view_generator(uint64_t seed, int64_t step, int view) {
  return make_generator(derive_seed(seed, {kViewSeedStream, static_cast<uint64_t>(step), static_cast<uint64_t>(view)}));
}

// Version 2: view `view` of the image at `position` of the global batch at step `step`.
inline at::Generator image_view_generator(uint64_t seed, int64_t step, int view, int64_t position) {
  return make_generator(derive_seed(seed, {kImageViewSeedStream, static_cast<uint64_t>(step),
                                           static_cast<uint64_t>(view), static_cast<uint64_t>(position)}));
}

}  // namespace simclr
