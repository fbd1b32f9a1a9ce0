#include "engine/core/tensor_memory_cache.h"

#include <c10/core/Allocator.h>
#include <c10/core/CPUAllocator.h>
#include <torch/version.h>
#include <sys/mman.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <string>
#include <unordered_map>

// LibTorch 2.3 made Allocator::allocate non-const; 2.1 added the pure copy_data.
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 3)
#define SIMCLR_ALLOCATE_CONST
#else
#define SIMCLR_ALLOCATE_CONST const
#endif

namespace simclr {
namespace {

// Block sizes are multiples of this, so the sizes of a step repeat exactly.
constexpr std::size_t kBlockGranule = std::size_t{2} << 20;
// Headroom over the peak of live bytes the cache may keep reserved before it evicts.
constexpr std::size_t kSlackBytes = std::size_t{256} << 20;

std::size_t round_up(std::size_t n, std::size_t m) {
  return (n + m - 1) / m * m;
}

// An anonymous mapping of `size` bytes, or nullptr. Not marked for transparent huge pages:
// with the kernel's defrag=madvise their first touch compacts memory, which cost 6 s of
// system time on a ResNet-18 run and saved nothing measurable per step.
void* map_block(std::size_t size) {
  void* p = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  return p == MAP_FAILED ? nullptr : p;
}

class TensorMemoryCache final : public c10::Allocator {
 public:
  explicit TensorMemoryCache(c10::Allocator* fallback) : fallback_(fallback) {}

  c10::DataPtr allocate(std::size_t n) SIMCLR_ALLOCATE_CONST override {
    if (n < kTensorCacheMinBlock) return fallback_->allocate(n);
    void* p = take(round_up(n, kBlockGranule));
    return {p, p, &release_block, c10::Device(c10::DeviceType::CPU)};
  }

  c10::DeleterFnPtr raw_deleter() const override { return &release_block; }

  // Pure virtual from LibTorch 2.1 on; a plain member before.
  void copy_data(void* dest, const void* src, std::size_t count) const { std::memcpy(dest, src, count); }

  void release_all() {
    std::lock_guard<std::mutex> lock(mutex_);
    while (!free_.empty()) evict_largest();
  }

  TensorMemoryCacheStats stats() const {
    std::lock_guard<std::mutex> lock(mutex_);
    TensorMemoryCacheStats s = stats_;
    s.installed = true;
    return s;
  }

  static TensorMemoryCache* instance;

 private:
  static void release_block(void* p) { instance->give_back(p); }

  void* take(std::size_t size) const {
    std::lock_guard<std::mutex> lock(mutex_);
    // Best fit, wasting at most a quarter: a step repeats its sizes, so most requests match.
    const auto it = free_.lower_bound(size);
    if (it != free_.end() && it->first <= size + size / 4) {
      void* p = it->second;
      live_[p] = it->first;
      note_live(it->first);
      stats_.cached_bytes -= it->first;
      free_.erase(it);
      ++stats_.hits;
      return p;
    }
    ++stats_.misses;
    const std::size_t limit = std::max(stats_.peak_live_bytes, stats_.live_bytes + size) / 4 * 5 + kSlackBytes;
    while (!free_.empty() && stats_.live_bytes + stats_.cached_bytes + size > limit) evict_largest();
    void* p = map_block(size);
    if (!p) {  // out of address space or memory: give everything cached back, then try once more
      while (!free_.empty()) evict_largest();
      p = map_block(size);
      TORCH_CHECK(p, "out of memory: could not allocate ", size >> 20, " MiB for a tensor");
    }
    live_[p] = size;
    note_live(size);
    return p;
  }

  void give_back(void* p) {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto it = live_.find(p);
    if (it == live_.end()) {  // a small block that raw_allocate took from the fallback
      fallback_->raw_deleter()(p);
      return;
    }
    free_.emplace(it->second, p);
    stats_.live_bytes -= it->second;
    stats_.cached_bytes += it->second;
    live_.erase(it);
  }

  void note_live(std::size_t size) const {
    stats_.live_bytes += size;
    stats_.peak_live_bytes = std::max(stats_.peak_live_bytes, stats_.live_bytes);
  }

  void evict_largest() const {
    const auto last = std::prev(free_.end());
    munmap(last->second, last->first);
    stats_.cached_bytes -= last->first;
    ++stats_.evictions;
    free_.erase(last);
  }

  c10::Allocator* fallback_;
  mutable std::mutex mutex_;
  mutable std::unordered_map<void*, std::size_t> live_;
  mutable std::multimap<std::size_t, void*> free_;
  mutable TensorMemoryCacheStats stats_;
};

TensorMemoryCache* TensorMemoryCache::instance = nullptr;

}  // namespace

bool install_tensor_memory_cache() {
  static const bool installed = [] {
    const char* off = std::getenv("SIMCLR_NO_TENSOR_CACHE");
    if (off && *off && std::string(off) != "0") return false;
    // Never destroyed: tensors in static objects may be freed after main returns.
    TensorMemoryCache::instance = new TensorMemoryCache(c10::GetDefaultCPUAllocator());
    c10::SetCPUAllocator(TensorMemoryCache::instance, /*priority=*/1);
    return true;
  }();
  return installed;
}

void release_cached_tensor_memory() {
  if (TensorMemoryCache::instance) TensorMemoryCache::instance->release_all();
}

TensorMemoryCacheStats tensor_memory_cache_stats() {
  return TensorMemoryCache::instance ? TensorMemoryCache::instance->stats() : TensorMemoryCacheStats{};
}

}  // namespace simclr
