#pragma once
// The one threading primitive of the t-SNE code: a loop over [0, count) split into chunks
// that a few std::threads take in turn. Every caller writes only the outputs of its own
// indices and sums them later in a fixed order, so results do not depend on which thread
// ran which chunk, nor on the number of threads: a seed gives bit-identical layouts.
#include <algorithm>
#include <atomic>
#include <cstdint>
#include <thread>
#include <vector>

namespace simclr::tsne_detail {

// fn(begin, end) for consecutive chunks of about `chunk` indices; the calling thread works
// too. Chunks are handed out dynamically because the cost per point varies a lot (a point
// in a dense cluster opens many more Barnes-Hut cells than an outlier). fn must not throw.
template <class Fn>
void parallel_chunks(int64_t count, int threads, int64_t chunk, const Fn& fn) {
  if (count <= 0) return;
  chunk = std::max<int64_t>(chunk, 1);
  const int64_t chunks = (count + chunk - 1) / chunk;
  const int workers = static_cast<int>(std::min<int64_t>(std::max(threads, 1), chunks));
  if (workers == 1) {
    fn(int64_t{0}, count);
    return;
  }
  std::atomic<int64_t> next{0};
  auto work = [&] {
    for (int64_t c = next.fetch_add(1); c < chunks; c = next.fetch_add(1))
      fn(c * chunk, std::min(count, (c + 1) * chunk));
  };
  std::vector<std::thread> pool;
  pool.reserve(static_cast<size_t>(workers - 1));
  for (int t = 1; t < workers; ++t) pool.emplace_back(work);
  work();
  for (auto& thread : pool) thread.join();
}

}  // namespace simclr::tsne_detail
