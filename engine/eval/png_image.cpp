#include "engine/eval/png_image.h"

#include <array>
#include <cstdint>
#include <limits>

#include <torch/torch.h>

#include "engine/core/atomic_file.h"
#include "engine/core/error.h"

#ifdef SIMCLR_EVAL_HAVE_ZLIB
#include <zlib.h>
#endif

namespace simclr {

namespace {

// CRC-32 (ISO 3309, reflected polynomial 0xEDB88320) as PNG chunks need it.
uint32_t crc32_of(const std::string& bytes, size_t begin) {
  static const std::array<uint32_t, 256> table = [] {
    std::array<uint32_t, 256> t{};
    for (uint32_t n = 0; n < 256; ++n) {
      uint32_t c = n;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[n] = c;
    }
    return t;
  }();
  uint32_t c = 0xFFFFFFFFu;
  for (size_t i = begin; i < bytes.size(); ++i) c = table[(c ^ static_cast<uint8_t>(bytes[i])) & 0xff] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

void put_u32_be(std::string& out, uint32_t v) {
  out += static_cast<char>(v >> 24);
  out += static_cast<char>((v >> 16) & 0xff);
  out += static_cast<char>((v >> 8) & 0xff);
  out += static_cast<char>(v & 0xff);
}

void put_chunk(std::string& png, const char* type, const char* data, size_t size) {
  put_u32_be(png, static_cast<uint32_t>(size));
  const size_t crc_from = png.size();  // the CRC covers the type and the data
  png.append(type, 4);
  if (size > 0) png.append(data, size);
  put_u32_be(png, crc32_of(png, crc_from));
}

// A zlib stream (RFC 1950) of stored deflate blocks (RFC 1951, BTYPE 00): no compression,
// no zlib needed.
std::string zlib_stored(const std::string& raw) {
  std::string out("\x78\x01", 2);  // deflate, 32 KiB window, no dictionary; (0x7801 % 31 == 0)
  size_t pos = 0;
  do {
    const size_t n = std::min<size_t>(65535, raw.size() - pos);
    const bool last = pos + n == raw.size();
    out += static_cast<char>(last ? 1 : 0);
    out += static_cast<char>(n & 0xff);
    out += static_cast<char>(n >> 8);
    out += static_cast<char>(~n & 0xff);
    out += static_cast<char>((~n >> 8) & 0xff);
    out.append(raw, pos, n);
    pos += n;
  } while (pos < raw.size());
  uint32_t a = 1, b = 0;  // Adler-32 of the uncompressed data
  for (unsigned char c : raw) {
    a = (a + c) % 65521;
    b = (b + a) % 65521;
  }
  put_u32_be(out, (b << 16) | a);
  return out;
}

std::string zlib_compressed(const std::string& raw, int level) {
#ifdef SIMCLR_EVAL_HAVE_ZLIB
  if (level > 0) {
    uLongf size = compressBound(static_cast<uLong>(raw.size()));
    std::string out(size, '\0');
    const int rc = compress2(reinterpret_cast<Bytef*>(out.data()), &size, reinterpret_cast<const Bytef*>(raw.data()),
                             static_cast<uLong>(raw.size()), std::min(level, 9));
    if (rc != Z_OK) throw IoError("PNG: zlib compress2 failed with code " + std::to_string(rc));
    out.resize(size);
    return out;
  }
#endif
  return zlib_stored(raw);
}

}  // namespace

bool png_compression_available() {
#ifdef SIMCLR_EVAL_HAVE_ZLIB
  return true;
#else
  return false;
#endif
}

std::string encode_png(const torch::Tensor& image, int compression_level) {
  if (!image.defined() || image.scalar_type() != torch::kByte || (image.dim() != 2 && image.dim() != 3))
    throw ConfigError("PNG: need a uint8 image [H, W] or [H, W, C]");
  const torch::Tensor hwc = (image.dim() == 2 ? image.unsqueeze(2) : image).to(torch::kCPU).contiguous();
  const int64_t h = hwc.size(0), w = hwc.size(1), c = hwc.size(2);
  if (h < 1 || w < 1 || h > std::numeric_limits<int32_t>::max() || w > std::numeric_limits<int32_t>::max())
    throw ConfigError("PNG: image size " + std::to_string(w) + "x" + std::to_string(h) + " is not allowed");
  uint8_t colour_type = 0;
  switch (c) {
    case 1:
      colour_type = 0;
      break;  // greyscale
    case 3:
      colour_type = 2;
      break;  // truecolour
    case 4:
      colour_type = 6;
      break;  // truecolour with alpha
    default:
      throw ConfigError("PNG: need 1, 3 or 4 channels, got " + std::to_string(c));
  }
  // Scanlines, each led by its filter type 0 (None): thumbnails of natural images gain
  // little from the other filters and None keeps the encoder trivially correct.
  const size_t row_bytes = static_cast<size_t>(w * c);
  std::string raw;
  raw.reserve(static_cast<size_t>(h) * (row_bytes + 1));
  const char* pixels = static_cast<const char*>(hwc.data_ptr());
  for (int64_t y = 0; y < h; ++y) {
    raw += '\0';
    raw.append(pixels + y * row_bytes, row_bytes);
  }
  const std::string idat = zlib_compressed(raw, compression_level);

  std::string png("\x89PNG\r\n\x1a\n", 8);
  std::string ihdr;
  put_u32_be(ihdr, static_cast<uint32_t>(w));
  put_u32_be(ihdr, static_cast<uint32_t>(h));
  ihdr += static_cast<char>(8);  // bit depth
  ihdr += static_cast<char>(colour_type);
  ihdr += std::string(3, '\0');  // deflate, adaptive filtering, no interlace
  put_chunk(png, "IHDR", ihdr.data(), ihdr.size());
  constexpr size_t kMaxChunk = size_t{1} << 23;  // several IDAT chunks keep each one modest
  for (size_t pos = 0; pos < idat.size(); pos += kMaxChunk)
    put_chunk(png, "IDAT", idat.data() + pos, std::min(kMaxChunk, idat.size() - pos));
  put_chunk(png, "IEND", nullptr, 0);
  return png;
}

void write_png(const std::filesystem::path& path, const torch::Tensor& image, int compression_level) {
  write_file_atomically(path, encode_png(image, compression_level));
}

}  // namespace simclr
