#pragma once
// Atomic writes: write a temporary file in the target's folder, flush it to disk, then
// rename it over the target. A crash or a full disk never leaves a half-written file.
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace simclr {

// Writes `contents` to `path` atomically. Throws IoError naming the path on failure.
void write_file_atomically(const std::filesystem::path& path, const std::string& contents);

// Lets `writer` fill a temporary path (e.g. torch::save), then renames it to `path`.
// The temporary file is removed if the writer throws.
void write_atomically_with(const std::filesystem::path& path,
                           const std::function<void(const std::filesystem::path& tmp)>& writer);

// A temporary name beside `target` that says who made it:
// ".<name>.tmp-<host>-<pid>-<random>" (host: a hash of this machine's name).
std::filesystem::path temporary_sibling(const std::filesystem::path& target);

// Removes the temporaries (files or folders named by temporary_sibling) under `dir` whose
// process, on this machine, is no longer running: what a process killed while writing
// left behind. Those of live processes and other machines stay. Returns what it removed.
std::vector<std::filesystem::path> remove_abandoned_temporaries(const std::filesystem::path& dir);

// Reads a whole file; throws IoError naming the path when it cannot.
std::string read_file(const std::filesystem::path& path);

}  // namespace simclr
