#include "engine/core/zip_directory.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <fstream>

#include "engine/core/pickle_check.h"

namespace simclr {

namespace {

constexpr uint32_t kLocalHeader = 0x04034b50;     // PK\3\4
constexpr uint32_t kCentralHeader = 0x02014b50;   // PK\1\2
constexpr uint32_t kEndOfDirectory = 0x06054b50;  // PK\5\6
constexpr uint32_t kZip64End = 0x06064b50;        // PK\6\6
constexpr uint32_t kZip64Locator = 0x07064b50;    // PK\6\7
constexpr uint64_t kMaxRecords = 1u << 20;        // a checkpoint holds a few hundred
constexpr uint64_t kMaxPickle = 1u << 30;         // the structure; tensors are records of their own

uint64_t le(const std::string& b, size_t at, int bytes) {
  uint64_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = v << 8 | static_cast<unsigned char>(b[at + i]);
  return v;
}

struct Directory {
  uint64_t records = 0;
  uint64_t offset = 0;
  uint64_t size = 0;
  uint64_t end = 0;  // where the directory must end: the (zip64) end record
};

// The end-of-directory record (and its zip64 form when the plain one says so), or why not.
std::string find_directory(uint64_t size, const ZipByteReader& read, Directory& dir) {
  const uint64_t tail = std::min<uint64_t>(size, 22 + 65535);
  std::string bytes;
  if (!read(size - tail, tail, bytes)) return "cannot be read";
  size_t at = std::string::npos;
  // The record and its comment end exactly where the file does; search from the end.
  // The last signature, as miniz takes it (a second one in the comment must not make the
  // two of us read different directories: found by fuzzing).
  for (size_t i = bytes.size() >= 22 ? bytes.size() - 22 + 1 : 0; i-- > 0;) {
    if (le(bytes, i, 4) == kEndOfDirectory) {
      at = i;
      break;
    }
  }
  if (at == std::string::npos || at + 22 + le(bytes, at + 20, 2) != bytes.size()) return "no zip directory at its end";
  const uint64_t eocd = size - tail + at;
  if (le(bytes, at + 4, 2) != 0 || le(bytes, at + 6, 2) != 0) return "a zip archive split over several disks";
  dir.records = le(bytes, at + 10, 2);
  dir.size = le(bytes, at + 12, 4);
  dir.offset = le(bytes, at + 16, 4);
  dir.end = eocd;
  if (dir.records == 0xffff || dir.size == 0xffffffff || dir.offset == 0xffffffff) {
    std::string loc;
    if (eocd < 20 || !read(eocd - 20, 20, loc) || le(loc, 0, 4) != kZip64Locator)
      return "a zip64 archive without its zip64 locator";
    const uint64_t end64 = le(loc, 8, 8);
    std::string rec;
    if (end64 > eocd - 20 || eocd - 20 - end64 < 56 || !read(end64, 56, rec) || le(rec, 0, 4) != kZip64End)
      return "a damaged zip64 end record";
    dir.records = le(rec, 32, 8);
    dir.size = le(rec, 40, 8);
    dir.offset = le(rec, 48, 8);
    dir.end = end64;
  }
  if (dir.records == 0) return "an empty zip archive";
  if (dir.records > kMaxRecords) return std::to_string(dir.records) + " records, implausibly many";
  if (dir.offset > dir.end || dir.size > dir.end - dir.offset)
    return "its zip directory (" + std::to_string(dir.size) + " bytes at " + std::to_string(dir.offset) +
           ") lies outside the " + std::to_string(size) + "-byte file";
  if (dir.size < dir.records * 46)
    return "its zip directory is too short for its " + std::to_string(dir.records) + " records";
  return {};
}

// The zip64 extra field's 64-bit values for the 32-bit fields that hold 0xffffffff.
bool zip64_sizes(const std::string& extra, uint64_t& uncompressed, uint64_t& compressed, uint64_t& offset) {
  size_t at = 0;
  while (at + 4 <= extra.size()) {
    const uint64_t id = le(extra, at, 2), length = le(extra, at + 2, 2);
    if (at + 4 + length > extra.size()) return false;
    if (id == 0x0001) {
      size_t field = at + 4;
      for (uint64_t* v : {&uncompressed, &compressed, &offset}) {
        if (*v != 0xffffffff) continue;
        if (field + 8 > at + 4 + length) return false;
        *v = le(extra, field, 8);
        field += 8;
      }
      return true;
    }
    at += 4 + length;
  }
  return uncompressed != 0xffffffff && compressed != 0xffffffff && offset != 0xffffffff;
}

// CRC-32 as zip computes it (reflected 0xEDB88320).
uint32_t crc32(const std::string& bytes) {
  static const auto table = [] {
    std::array<uint32_t, 256> t{};
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  uint32_t c = 0xffffffffu;
  for (const char b : bytes) c = table[(c ^ static_cast<unsigned char>(b)) & 0xff] ^ (c >> 8);
  return c ^ 0xffffffffu;
}

}  // namespace

std::string zip_directory_damage(uint64_t size, const ZipByteReader& read) {
  if (size < 22) return "too short for a zip archive (" + std::to_string(size) + " bytes)";
  Directory dir;
  if (std::string why = find_directory(size, read, dir); !why.empty()) return why;
  std::string cd;
  if (!read(dir.offset, dir.size, cd)) return "its zip directory cannot be read";
  std::string prefix;
  bool has_version = false;
  size_t at = 0;
  for (uint64_t r = 0; r < dir.records; ++r) {
    const std::string which = "record " + std::to_string(r + 1);
    if (at + 46 > cd.size() || le(cd, at, 4) != kCentralHeader) return which + ": damaged zip directory entry";
    const uint64_t flags = le(cd, at + 8, 2), method = le(cd, at + 10, 2);
    uint64_t compressed = le(cd, at + 20, 4), uncompressed = le(cd, at + 24, 4);
    const uint64_t name_len = le(cd, at + 28, 2), extra_len = le(cd, at + 30, 2), comment_len = le(cd, at + 32, 2);
    const uint64_t crc = le(cd, at + 16, 4);
    uint64_t local = le(cd, at + 42, 4);
    if (at + 46 + name_len + extra_len + comment_len > cd.size()) return which + ": damaged zip directory entry";
    const std::string name = cd.substr(at + 46, name_len);
    const std::string extra = cd.substr(at + 46 + name_len, extra_len);
    at += 46 + name_len + extra_len + comment_len;
    const std::string what = which + " (" + name + ")";
    if (name.empty() || name.find('\0') != std::string::npos) return which + ": a record without a usable name";
    const size_t slash = name.find('/');
    if (slash == std::string::npos || slash == 0) return what + ": not inside the archive's folder";
    if (prefix.empty()) prefix = name.substr(0, slash + 1);
    if (name.compare(0, prefix.size(), prefix) != 0) return what + ": outside the archive's folder " + prefix;
    if (!zip64_sizes(extra, uncompressed, compressed, local)) return what + ": damaged zip64 sizes";
    if (flags & 0x0001) return what + ": encrypted";
    // LibTorch stores its records, but deflates TorchScript code (code/*.py).
    const bool is_pickle = name.size() > 3 && name.compare(name.size() - 3, 3, "pkl") == 0;  // .pkl, .debug_pkl
    if (method != 0 && (method != 8 || is_pickle))
      return what + ": compressed (method " + std::to_string(method) + "), which LibTorch does not write";
    if (method == 0 && compressed != uncompressed) return what + ": stored, but its sizes differ";
    // Deflate expands at most about 1032:1; the reader allocates the stated size.
    if (method == 8 && uncompressed / 1032 > compressed + 1)
      return what + ": " + std::to_string(uncompressed) + " bytes from " + std::to_string(compressed) + " compressed";
    // The local header: where the record's bytes start, and the same name.
    std::string header;
    if (local > dir.offset || dir.offset - local < 30 || !read(local, 30, header) || le(header, 0, 4) != kLocalHeader)
      return what + ": no record header at byte " + std::to_string(local);
    const uint64_t local_name = le(header, 26, 2), local_extra = le(header, 28, 2);
    std::string local_name_bytes;
    if (!read(local + 30, local_name, local_name_bytes) || local_name_bytes != name)
      return what + ": its record header names another record";
    const uint64_t data = local + 30 + local_name + local_extra;
    if (data > dir.offset || compressed > dir.offset - data)
      return what + ": its " + std::to_string(compressed) + " bytes at " + std::to_string(data) +
             " run past the records into the zip directory";
    // The records LibTorch parses (pickles, TorchScript code, version) against their CRC,
    // which its zip reader does not check; tensor data (<folder>/data/...) is only copied.
    const bool tensor_data = name.compare(prefix.size(), 5, "data/") == 0;
    if (method == 0 && !tensor_data) {
      if (compressed > kMaxPickle) return what + ": " + std::to_string(compressed) + " bytes, implausibly large";
      std::string bytes;
      if (!read(data, compressed, bytes)) return what + ": cannot be read";
      if (crc32(bytes) != crc) return what + ": its bytes do not match their CRC (damaged)";
      // LibTorch refuses an archive whose version it cannot parse or read, and leaks its zip
      // reader when it does (found by fuzzing): 1 to 10 as 1.13 reads them.
      if (name == prefix + "version" || name == prefix + ".data/version") {
        std::string digits = bytes;
        while (!digits.empty() && (digits.back() == '\n' || digits.back() == '\r')) digits.pop_back();
        if (digits.empty() || digits.size() > 2 || digits.find_first_not_of("0123456789") != std::string::npos ||
            std::stoi(digits) < 1 || std::stoi(digits) > 10)
          return what + ": not an archive version LibTorch reads ('" + bytes.substr(0, 20) + "')";
        has_version = true;
      }
      if (is_pickle)
        if (std::string why = pickle_damage(bytes); !why.empty()) return what + ": damaged pickle: " + why;
    }
  }
  if (!has_version) return "no stored version record (" + prefix + "version), which LibTorch needs";
  return {};
}

std::string zip_directory_damage(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary | std::ios::ate);
  if (!in) return "cannot be opened";
  const std::streamoff size = in.tellg();
  if (size < 0) return "cannot be read";
  return zip_directory_damage(static_cast<uint64_t>(size), [&](uint64_t offset, uint64_t n, std::string& out) {
    if (offset > static_cast<uint64_t>(size) || n > static_cast<uint64_t>(size) - offset) return false;
    out.assign(static_cast<size_t>(n), '\0');
    in.clear();
    in.seekg(static_cast<std::streamoff>(offset));
    return static_cast<bool>(in.read(out.data(), static_cast<std::streamsize>(n)));
  });
}

std::string zip_directory_damage(const std::string& bytes) {
  return zip_directory_damage(bytes.size(), [&](uint64_t offset, uint64_t n, std::string& out) {
    if (offset > bytes.size() || n > bytes.size() - offset) return false;
    out = bytes.substr(static_cast<size_t>(offset), static_cast<size_t>(n));
    return true;
  });
}

}  // namespace simclr
