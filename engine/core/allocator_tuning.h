#pragma once
// glibc hands blocks above its mmap threshold straight back to the kernel, so every fresh
// multi-megabyte tensor (a batch of views, an activation) costs page faults again; measured on
// the 2-core machine that was up to 4x the augmentation compute. Raising the thresholds keeps
// those blocks in the heap for reuse.

namespace simclr {

// Call once at start-up, before large tensors are allocated. No-op off glibc.
void tune_allocator_for_tensors();

}  // namespace simclr
