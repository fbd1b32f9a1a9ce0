#pragma once
// NumPy .npy files (format version 1.0), so embeddings, labels and layouts open with one
// numpy.load() in Python: little-endian, C order, the header padded with spaces to a
// multiple of 64 bytes as numpy itself writes it.
//   https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
#include <filesystem>

#include <torch/types.h>

namespace simclr {

// Writes `tensor` (float32, float64, int64 or uint8; any rank, any device, any strides)
// atomically. Throws ConfigError for another dtype and IoError when writing fails.
void write_npy(const std::filesystem::path& path, const torch::Tensor& tensor);

// Reads a .npy file written by write_npy or by numpy (versions 1.0 to 3.0; '<f4', '<f8',
// '<i8', '|u1', also '<i4' and '|b1'; C order) into a CPU tensor. Throws DataError naming
// the file for anything else or a truncated file.
torch::Tensor read_npy(const std::filesystem::path& path);

// The header's dictionary for `tensor`, e.g. "{'descr': '<f4', 'fortran_order': False,
// 'shape': (3, 4), }" (without padding). For tests and diagnostics.
std::string npy_header_dict(const torch::Tensor& tensor);

}  // namespace simclr
