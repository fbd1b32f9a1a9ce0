#include "engine/data/streaming_image_folder.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include <torch/torch.h>

#include "engine/core/error.h"
#include "engine/data/decoded_image_cache.h"
#include "engine/data/image_file.h"

namespace simclr {

namespace fs = std::filesystem;

struct StreamingImageFolder::State {
  std::vector<fs::path> files;
  StreamingOptions options;
  int64_t image_bytes = 0;
  std::unique_ptr<DecodedImageCache> cache;

  struct Decoded {
    std::vector<uint8_t> pixels;
    std::string error;  // set when the file did not decode (pixels are then black)
  };

  mutable std::mutex mutex;
  mutable std::condition_variable work, done;
  std::deque<int64_t> queue;                      // images to decode, the urgent ones first
  std::unordered_set<int64_t> pending;            // queued or being decoded
  std::unordered_map<int64_t, Decoded> ready;     // decoded, not fetched yet
  std::unordered_set<int64_t> reported;           // unreadable files already reported
  int64_t held = 0, peak = 0;  // bytes held for pending + ready images
  std::atomic<int64_t> decoded_files{0};
  bool stopping = false;
  std::vector<std::thread> pool;

  Decoded decode(int64_t i) {
    Decoded out;
    out.pixels.resize(size_t(image_bytes));
    if (cache && cache->read(i, out.pixels.data())) return out;
    try {
      read_resized_image_file(files[size_t(i)], options.image_size, out.pixels.data());
      if (cache) cache->write(i, out.pixels.data());
    } catch (const std::exception& e) {
      std::fill(out.pixels.begin(), out.pixels.end(), uint8_t(0));
      const std::string what = e.what(), name = files[size_t(i)].string();
      out.error = what.rfind(name, 0) == 0 ? what : name + ": " + what;
    }
    ++decoded_files;
    return out;
  }

  void run() {
    std::unique_lock<std::mutex> lock(mutex);
    while (true) {
      work.wait(lock, [&] { return stopping || !queue.empty(); });
      if (stopping) return;
      const int64_t i = queue.front();
      queue.pop_front();
      lock.unlock();
      Decoded d = decode(i);
      lock.lock();
      ready[i] = std::move(d);
      pending.erase(i);
      done.notify_all();
    }
  }

  void hold(int64_t i, bool urgent) {  // under the lock
    if (urgent)
      queue.push_front(i);
    else
      queue.push_back(i);
    pending.insert(i);
    held += image_bytes;
    peak = std::max(peak, held);
  }
};

namespace {

std::vector<int64_t> index_list(const torch::Tensor& indices, int64_t size) {
  const torch::Tensor idx = indices.to(torch::kCPU, torch::kLong).reshape({-1}).contiguous();
  const int64_t* p = idx.data_ptr<int64_t>();
  std::vector<int64_t> out(p, p + idx.numel());
  for (const int64_t i : out)
    if (i < 0 || i >= size)
      throw ConfigError("streaming image folder: index " + std::to_string(i) + " out of range for " +
                        std::to_string(size) + " images");
  return out;
}

}  // namespace

StreamingImageFolder::StreamingImageFolder(std::vector<fs::path> files, StreamingOptions options)
    : state_(std::make_unique<State>()) {
  State& s = *state_;
  if (options.image_size < 1) throw ConfigError("streaming image folder: image size must be at least 1");
  s.files = std::move(files);
  s.options = std::move(options);
  s.image_bytes = 3 * s.options.image_size * s.options.image_size;
  if (!s.options.decoded_cache.empty())
    s.cache = std::make_unique<DecodedImageCache>(s.options.decoded_cache, s.options.cache_key,
                                                  int64_t(s.files.size()), s.image_bytes);
  const int cores = int(std::max(1u, std::thread::hardware_concurrency()));
  const int threads = s.options.threads > 0 ? s.options.threads : std::min(cores, 16);
  for (int t = 0; t < threads; ++t) s.pool.emplace_back([&s] { s.run(); });
}

StreamingImageFolder::~StreamingImageFolder() {
  {
    std::lock_guard<std::mutex> lock(state_->mutex);
    state_->stopping = true;
  }
  state_->work.notify_all();
  for (auto& t : state_->pool) t.join();
}

int64_t StreamingImageFolder::size() const {
  return int64_t(state_->files.size());
}

int64_t StreamingImageFolder::height() const {
  return state_->options.image_size;
}

void StreamingImageFolder::prefetch(const torch::Tensor& indices) const {
  State& s = *state_;
  const auto wanted = index_list(indices, size());
  std::lock_guard<std::mutex> lock(s.mutex);
  for (const int64_t i : wanted) {
    if (s.pending.count(i) || s.ready.count(i)) continue;
    if (s.held + s.image_bytes > s.options.budget_bytes) break;  // the rest is decoded when fetched
    s.hold(i, false);
  }
  s.work.notify_all();
}

torch::Tensor StreamingImageFolder::fetch(const torch::Tensor& indices) const {
  State& s = *state_;
  const auto wanted = index_list(indices, size());
  const int64_t side = s.options.image_size;
  torch::Tensor out = torch::empty({int64_t(wanted.size()), 3, side, side}, torch::kByte);
  auto* base = out.data_ptr<uint8_t>();
  // Each distinct image once, however often it is asked for.
  std::unordered_map<int64_t, std::vector<int64_t>> rows;
  std::vector<int64_t> order;
  for (size_t k = 0; k < wanted.size(); ++k) {
    auto& r = rows[wanted[k]];
    if (r.empty()) order.push_back(wanted[k]);
    r.push_back(int64_t(k));
  }
  std::unique_lock<std::mutex> lock(s.mutex);
  for (auto it = order.rbegin(); it != order.rend(); ++it)  // urgent, in batch order
    if (!s.pending.count(*it) && !s.ready.count(*it)) s.hold(*it, true);
  s.work.notify_all();
  std::string failure;
  for (const int64_t i : order) {
    s.done.wait(lock, [&] { return s.ready.count(i) > 0; });
    State::Decoded d = std::move(s.ready[i]);
    s.ready.erase(i);
    s.held -= s.image_bytes;
    const bool report = !d.error.empty() && s.reported.insert(i).second;
    lock.unlock();
    if (!d.error.empty()) {
      if (s.options.fail_on_unreadable && failure.empty()) failure = d.error;
      if (report && s.options.on_warning) s.options.on_warning("unreadable while streaming, a black image instead: " + d.error);
    }
    for (const int64_t row : rows[i]) std::memcpy(base + row * s.image_bytes, d.pixels.data(), size_t(s.image_bytes));
    lock.lock();
  }
  lock.unlock();
  if (!failure.empty()) throw DataError(failure + " (dataset.on_unreadable is \"fail\"; \"skip\" reads it as black)");
  return out;
}

int64_t StreamingImageFolder::peak_held_bytes() const {
  std::lock_guard<std::mutex> lock(state_->mutex);
  return state_->peak;
}

int64_t StreamingImageFolder::decoded_files() const {
  return state_->decoded_files.load();
}

}  // namespace simclr
