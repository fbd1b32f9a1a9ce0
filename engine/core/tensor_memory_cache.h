#pragma once
// LibTorch's CPU allocator asks malloc for every tensor and hands it back when the tensor
// dies. Activations of a training step are tens to hundreds of megabytes each, above glibc's
// mmap threshold, so each step maps them afresh and the kernel zero-fills every page again:
// measured on the 2-core machine, 1.5 million page faults and about 15 % of a full ResNet-18
// step at batch 256 went into that. This cache keeps freed large blocks and gives them to the
// next tensor of a similar size; a training loop repeats its sizes every step, so after the
// first step nearly every large allocation is a hit (measured: 6.1 million page faults down to
// 0.85 million over four steps, 8.9 s down to 7.0 s per step, peak memory up 13 %).
//
// The cache never holds more than what the process has needed at its peak (plus a margin):
// a miss that would exceed that frees cached blocks first. release_cached_tensor_memory()
// hands everything cached back, for the end of a run or an evaluation.
#include <cstddef>
#include <cstdint>

namespace simclr {

struct TensorMemoryCacheStats {
  bool installed = false;
  std::size_t live_bytes = 0;    // in tensors now (cached-size blocks only)
  std::size_t cached_bytes = 0;  // freed, kept for reuse
  std::size_t peak_live_bytes = 0;
  std::uint64_t hits = 0, misses = 0, evictions = 0;
};

// Makes the cache LibTorch's CPU allocator. Call once at start-up, before the big tensors;
// later calls do nothing. SIMCLR_NO_TENSOR_CACHE=1 leaves LibTorch's allocator in place (to
// measure the difference). Returns whether the cache is installed.
bool install_tensor_memory_cache();

// Frees every cached block; tensors alive keep their memory.
void release_cached_tensor_memory();

TensorMemoryCacheStats tensor_memory_cache_stats();

// Blocks below this go straight to malloc: its own free lists serve them without page faults.
constexpr std::size_t kTensorCacheMinBlock = std::size_t{1} << 20;

}  // namespace simclr
