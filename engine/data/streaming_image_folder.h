#pragma once
// A folder of image files read as it is used, for folders whose decoded images do not fit in
// memory: a pool of threads decodes files (OpenCV, image_file.h) into a prefetch store that
// holds at most `budget_bytes` of decoded images; fetch() takes a batch from there, decoding
// whatever was not prefetched. With a decoded-image cache (decoded_image_cache.h) each file
// is decoded once and later reads copy its row from the mapped file.
//
// A file that cannot be decoded while streaming (changed or damaged since it was listed)
// becomes a black image and is reported once through on_warning, or is a DataError naming
// it when the folder's policy is "fail".
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "engine/data/image_stream.h"

namespace simclr {

struct StreamingOptions {
  int64_t image_size = 64;     // images come out 3 x image_size x image_size
  int64_t budget_bytes = 0;    // decoded images held ahead of use at most (0: none prefetched)
  int threads = 0;             // decoding threads; 0 = one per core (at most 16)
  bool fail_on_unreadable = false;
  std::filesystem::path decoded_cache;  // empty: no cache file
  std::string cache_key;                // what the cache file must have been written for
  std::function<void(const std::string&)> on_warning;  // from a decoding thread
};

class StreamingImageFolder : public ImageStream {
 public:
  StreamingImageFolder(std::vector<std::filesystem::path> files, StreamingOptions options);
  ~StreamingImageFolder() override;

  int64_t size() const override;
  int64_t channels() const override { return 3; }
  int64_t height() const override;
  int64_t width() const override { return height(); }
  torch::Tensor fetch(const torch::Tensor& indices) const override;
  void prefetch(const torch::Tensor& indices) const override;

  // The most bytes of decoded images held at once (prefetched, decoding or waiting to be
  // fetched), for tests and benchmarks.
  int64_t peak_held_bytes() const;
  int64_t decoded_files() const;  // files decoded so far (not read from the cache)

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace simclr
