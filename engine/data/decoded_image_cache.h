#pragma once
// One memory-mapped file of decoded, resized images, for a streaming image folder: the second
// epoch reads pixels instead of decoding files. Layout: a header (magic, format, the folder's
// cache key, image count and size), one "done" byte per image, then the images' uint8
// [C, S, S] rows. The file is created sparse at its full size, so it takes disk as images are
// written. A row counts only once its byte is set, which is written after the row: a run
// killed mid-write leaves that image to be decoded again. The pages belong to the kernel's
// page cache, not to the process's own memory. A file whose header does not match (another
// folder state, size or format) is replaced.
#include <cstdint>
#include <filesystem>
#include <string>

namespace simclr {

class DecodedImageCache {
 public:
  // Opens or creates `file` for `count` images of `image_bytes` each, under `key`. Throws
  // IoError naming the file when it cannot be created or mapped (a full disk, say).
  DecodedImageCache(const std::filesystem::path& file, const std::string& key, int64_t count, int64_t image_bytes);
  ~DecodedImageCache();
  DecodedImageCache(const DecodedImageCache&) = delete;
  DecodedImageCache& operator=(const DecodedImageCache&) = delete;

  // Copies image `i` into `out` and returns true when it is cached.
  bool read(int64_t i, uint8_t* out) const;
  // Stores image `i` (image_bytes bytes). Different images may be written from several
  // threads at once; one image from one thread at a time.
  void write(int64_t i, const uint8_t* pixels);

 private:
  int64_t count_ = 0, image_bytes_ = 0;
  uint8_t* map_ = nullptr;
  size_t map_bytes_ = 0;
  uint8_t* done_ = nullptr;
  uint8_t* rows_ = nullptr;
};

}  // namespace simclr
