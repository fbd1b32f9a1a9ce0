#pragma once
// A check of a zip archive's directory before LibTorch's zip reader (miniz, through
// caffe2's PyTorchStreamReader) sees it. That reader trusts the offsets and sizes it finds:
// a damaged or hostile archive makes it read outside its buffer (pytorch/pytorch#74798,
// #185440) rather than fail, and its unpickler trusts the pickles inside (pickle_check.h).
// What passes here is a directory whose every record lies inside the file, stored (or,
// for TorchScript code, deflated within deflate's ratio), whose record header agrees with
// the directory, with names in one top folder ("archive/data.pkl"), whose stored records
// other than tensor data (pickles, code, version) match their CRC, which LibTorch's reader
// does not check, and whose pickles (*.pkl, *.debug_pkl) pass pickle_damage().
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

namespace simclr {

// Reads `n` bytes at `offset` into `out`; false when the source is shorter.
using ZipByteReader = std::function<bool(uint64_t offset, uint64_t n, std::string& out)>;

// Why an archive of `size` bytes read through `read` is not one LibTorch may open ("record
// 3 (archive/data/0): its 9000 bytes at 120 run past the records into the zip directory"),
// or "".
std::string zip_directory_damage(uint64_t size, const ZipByteReader& read);

// The same for a file (only its directory, record headers and pickles are read) and for bytes.
std::string zip_directory_damage(const std::filesystem::path& file);
std::string zip_directory_damage(const std::string& bytes);

}  // namespace simclr
