#pragma once
// Atomic writes: write a temporary file in the target's folder, flush it to disk, then
// rename it over the target. A crash or a full disk never leaves a half-written file.
#include <filesystem>
#include <functional>
#include <string>

namespace simclr {

// Writes `contents` to `path` atomically. Throws IoError naming the path on failure.
void write_file_atomically(const std::filesystem::path& path, const std::string& contents);

// Lets `writer` fill a temporary path (e.g. torch::save), then renames it to `path`.
// The temporary file is removed if the writer throws.
void write_atomically_with(const std::filesystem::path& path,
                           const std::function<void(const std::filesystem::path& tmp)>& writer);

// Reads a whole file; throws IoError naming the path when it cannot.
std::string read_file(const std::filesystem::path& path);

}  // namespace simclr
