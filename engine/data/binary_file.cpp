#include "engine/data/binary_file.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/core/error.h"

#ifdef SIMCLR_HAVE_ZLIB
#include <zlib.h>
#endif

namespace simclr {

namespace fs = std::filesystem;

Bytes read_binary_file(const fs::path& path) {
  // One open and one fstat: loaders call this once per image file, thousands of times a second.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT || errno == ENOTDIR) throw DataError(display_path(path) + ": missing file");
    throw DataError(display_path(path) + ": cannot open: " + std::strerror(errno));
  }
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0) throw DataError(display_path(path) + ": cannot read size: " + std::strerror(errno));
  if (S_ISDIR(st.st_mode)) throw DataError(display_path(path) + ": is a folder, expected a file");
  Bytes bytes(static_cast<size_t>(st.st_size));
  size_t got = 0;
  while (got < bytes.size()) {
    const ssize_t n = ::read(fd, bytes.data() + got, bytes.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += size_t(n);
  }
  if (got != bytes.size())
    throw DataError(display_path(path) + ": read " + std::to_string(got) + " of " + std::to_string(bytes.size()) +
                    " bytes");
  return bytes;
}

bool is_gzip(const Bytes& bytes) {
  return bytes.size() >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b;
}

#ifdef SIMCLR_HAVE_ZLIB
Bytes gunzip(const Bytes& in, const fs::path& path) {
  auto corrupt = [&](const std::string& why) {
    return DataError(display_path(path) + ": corrupt gzip data (" + why + ")");
  };
  Bytes out;
  // The gzip trailer holds the uncompressed size modulo 2^32: a good first guess.
  size_t guess = in.size() * 4;
  if (in.size() >= 18) {
    const size_t n = in.size();
    const uint32_t isize =
        uint32_t(in[n - 4]) | uint32_t(in[n - 3]) << 8 | uint32_t(in[n - 2]) << 16 | uint32_t(in[n - 1]) << 24;
    // deflate expands at most ~1032:1; a damaged trailer must not make us allocate gigabytes.
    if (isize > 0) guess = std::min<size_t>(isize, in.size() * 1040);
  }
  out.resize(std::max<size_t>(guess, 1024));

  z_stream zs{};
  if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) throw corrupt("cannot initialise zlib");
  std::unique_ptr<z_stream, int (*)(z_stream*)> guard(&zs, &inflateEnd);
  zs.next_in = const_cast<Bytes::value_type*>(in.data());
  zs.avail_in = static_cast<uInt>(in.size());
  size_t produced = 0;
  for (;;) {
    if (produced == out.size()) out.resize(out.size() * 2);
    zs.next_out = out.data() + produced;
    const size_t room = std::min<size_t>(out.size() - produced, 1u << 30);
    zs.avail_out = static_cast<uInt>(room);
    const int rc = inflate(&zs, Z_NO_FLUSH);
    produced += room - zs.avail_out;
    if (rc == Z_STREAM_END) {
      // Another gzip member may follow (gzip -c a b > c); anything else is garbage.
      if (zs.avail_in == 0) break;
      if (zs.avail_in >= 2 && zs.next_in[0] == 0x1f && zs.next_in[1] == 0x8b) {
        if (inflateReset(&zs) != Z_OK) throw corrupt("cannot reset zlib");
        continue;
      }
      throw corrupt(std::to_string(zs.avail_in) + " unexpected bytes after the end of the stream");
    }
    if (rc == Z_OK) continue;
    if (rc == Z_BUF_ERROR) {
      if (zs.avail_in == 0) throw corrupt("truncated");
      if (zs.avail_out == 0) continue;  // output buffer full: grow and go on
      throw corrupt("no progress");
    }
    throw corrupt(zs.msg ? zs.msg : "inflate error " + std::to_string(rc));
  }
  out.resize(produced);
  return out;
}
#else
Bytes gunzip(const Bytes&, const fs::path& path) {
  throw DataError(display_path(path) + ": cannot read gzip files: built without zlib; decompress it with gunzip");
}
#endif

}  // namespace simclr
