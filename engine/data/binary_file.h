#pragma once
// Whole-file reads for the dataset readers, with DataError messages that name the file.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace simclr {

using Bytes = std::vector<uint8_t>;

// Reads the whole file. Throws DataError "<path>: missing file" / "<path>: cannot read".
Bytes read_binary_file(const std::filesystem::path& path);

// True when `bytes` starts with the gzip magic number (1f 8b).
bool is_gzip(const Bytes& bytes);

// Decompresses a gzip stream (concatenated members allowed). Throws DataError
// "<path>: corrupt gzip data (...)" on bad or truncated input, or when built without zlib.
Bytes gunzip(const Bytes& compressed, const std::filesystem::path& path);

// The file name for messages: "data_batch_1.bin" style paths keep their folder so that the
// user can find the file; this is just path.string().
inline std::string display_path(const std::filesystem::path& path) {
  return path.string();
}

}  // namespace simclr
