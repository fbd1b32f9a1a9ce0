#include "engine/data/decoded_image_cache.h"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/core/error.h"

namespace simclr {

namespace fs = std::filesystem;

namespace {

constexpr char kMagic[8] = {'S', 'I', 'M', 'C', 'L', 'R', 'D', 'C'};
constexpr int64_t kFormat = 1;
constexpr size_t kHeaderBytes = 4096;  // rows start page-aligned after the header and flags

struct Header {
  char magic[8];
  int64_t format;
  int64_t count;
  int64_t image_bytes;
  char key[64];
};

size_t rounded_to_page(size_t n) {
  return (n + kHeaderBytes - 1) / kHeaderBytes * kHeaderBytes;
}

Header header_for(const std::string& key, int64_t count, int64_t image_bytes) {
  Header h{};
  std::memcpy(h.magic, kMagic, sizeof kMagic);
  h.format = kFormat;
  h.count = count;
  h.image_bytes = image_bytes;
  std::strncpy(h.key, key.c_str(), sizeof h.key - 1);
  return h;
}

[[noreturn]] void fail(const fs::path& file, const std::string& what) {
  throw IoError(file.string() + ": decoded-image cache: " + what + " (" + std::strerror(errno) + ")");
}

}  // namespace

DecodedImageCache::DecodedImageCache(const fs::path& file, const std::string& key, int64_t count, int64_t image_bytes)
    : count_(count), image_bytes_(image_bytes) {
  const size_t flags_end = rounded_to_page(kHeaderBytes + size_t(count));
  map_bytes_ = flags_end + size_t(count) * size_t(image_bytes);
  const Header wanted = header_for(key, count, image_bytes);
  std::error_code ec;
  fs::create_directories(file.parent_path(), ec);
  int fd = ::open(file.c_str(), O_RDWR | O_CLOEXEC);
  bool fresh = fd < 0;
  if (fd >= 0) {
    Header found{};
    struct stat st {};
    if (::pread(fd, &found, sizeof found, 0) != ssize_t(sizeof found) || std::memcmp(&found, &wanted, sizeof found) != 0 ||
        ::fstat(fd, &st) != 0 || size_t(st.st_size) != map_bytes_) {
      ::close(fd);
      fresh = true;
    }
  }
  if (fresh) {
    // Build the new file beside the old one and rename it over, so a reader never maps a
    // half-made header.
    const fs::path temporary = file.string() + ".tmp" + std::to_string(::getpid());
    fd = ::open(temporary.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) fail(temporary, "cannot create");
    if (::ftruncate(fd, off_t(map_bytes_)) != 0 || ::pwrite(fd, &wanted, sizeof wanted, 0) != ssize_t(sizeof wanted)) {
      const int saved = errno;
      ::close(fd);
      ::unlink(temporary.c_str());
      errno = saved;
      fail(temporary, "cannot size or write");
    }
    if (::rename(temporary.c_str(), file.c_str()) != 0) {
      const int saved = errno;
      ::close(fd);
      ::unlink(temporary.c_str());
      errno = saved;
      fail(file, "cannot rename into place");
    }
  }
  void* map = ::mmap(nullptr, map_bytes_, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  ::close(fd);
  if (map == MAP_FAILED) fail(file, "cannot map");
  map_ = static_cast<uint8_t*>(map);
  done_ = map_ + kHeaderBytes;
  rows_ = map_ + flags_end;
}

DecodedImageCache::~DecodedImageCache() {
  if (map_) ::munmap(map_, map_bytes_);
}

bool DecodedImageCache::read(int64_t i, uint8_t* out) const {
  if (i < 0 || i >= count_) return false;
  if (__atomic_load_n(&done_[i], __ATOMIC_ACQUIRE) != 1) return false;
  std::memcpy(out, rows_ + i * image_bytes_, size_t(image_bytes_));
  return true;
}

void DecodedImageCache::write(int64_t i, const uint8_t* pixels) {
  if (i < 0 || i >= count_) return;
  std::memcpy(rows_ + i * image_bytes_, pixels, size_t(image_bytes_));
  __atomic_store_n(&done_[i], uint8_t(1), __ATOMIC_RELEASE);  // after the row
}

}  // namespace simclr
