#pragma once
// Fresh multi-megabyte blocks cost page faults: glibc hands blocks above its mmap threshold
// straight back to the kernel, and the kernel zero-fills every page of the next one. Measured
// on the 2-core machine that was up to 4x the augmentation compute and about 15 % of a
// ResNet-18 training step. Raising glibc's thresholds keeps mid-sized blocks in its heap for
// reuse; tensors of a megabyte and more go through the tensor memory cache.

namespace simclr {

// Call once at start-up, before large tensors are allocated.
void tune_allocator_for_tensors();

}  // namespace simclr
