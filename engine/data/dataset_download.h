#pragma once
// Downloading CIFAR-10's binary archive: libcurl for the transfer, OpenSSL's EVP MD5 for the
// checksum, libarchive to unpack. A long job in the engine's style: progress and log go
// through JobCallbacks, the StopToken cancels it. Nothing half-written is left behind on
// failure or cancellation: the archive goes to a temporary file, the files are unpacked
// into a temporary folder and moved into place only when everything succeeded.
#include <filesystem>
#include <string>

#include "engine/core/job.h"

namespace simclr {

struct DownloadOptions {
  std::string url = "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz";
  std::string md5 = "c32a1d4ab5d03f1284b67883e8d87530";  // hex; empty skips the check
  std::filesystem::path dest_dir;                        // empty: default_download_dir()
  long connect_timeout_s = 30;
  long stall_timeout_s = 60;  // give up when (almost) nothing arrived for this long
};

// False when built with SIMCLR_WITH_DOWNLOAD=OFF (or without libcurl/libarchive/OpenSSL);
// the functions below then throw NetworkError saying so.
bool download_supported();

// Downloads, verifies and unpacks the archive into dest_dir and returns the dataset folder
// (dest_dir/cifar-10-batches-bin), replacing an older copy only after success.
// Throws NetworkError (transfer, HTTP status, truncation: Content-Length versus bytes
// received, MD5 mismatch naming expected and actual), DataError (unsafe or unexpected
// archive contents), IoError (dest_dir not writable), CancelledError (stop token),
// ConfigError (malformed md5 or empty url, before anything is fetched).
std::filesystem::path download_cifar10(const DownloadOptions& options, const JobCallbacks& callbacks,
                                       const StopToken& stop);

// The building blocks, usable for other archives.
//
// Downloads `url` to `dest_file` atomically (temporary file beside it, then rename) and
// checks the MD5 when `expected_md5` is not empty. Progress stage "download", in bytes.
void download_file(const std::string& url, const std::filesystem::path& dest_file, const std::string& expected_md5,
                   const JobCallbacks& callbacks, const StopToken& stop, long connect_timeout_s = 30,
                   long stall_timeout_s = 60);

// Unpacks a (compressed) tar archive into `dest_dir`: directories and regular files only
// (links and devices are skipped with a warning); absolute paths and '..' components are
// rejected with DataError. Progress stage "unpack", in compressed bytes. Messages name
// `source_name` (e.g. the URL) when given, else the archive's path. On failure the caller
// removes dest_dir; download_cifar10() unpacks into a temporary folder.
void extract_archive(const std::filesystem::path& archive, const std::filesystem::path& dest_dir,
                     const JobCallbacks& callbacks, const StopToken& stop, const std::string& source_name = {});

// Throws ConfigError unless `md5` is empty or 32 hexadecimal digits.
void check_md5_hex(const std::string& md5);

// Lower-case hex MD5 of a byte string / of a file (IoError when unreadable).
std::string md5_hex(const std::string& bytes);
std::string file_md5_hex(const std::filesystem::path& path);

}  // namespace simclr
