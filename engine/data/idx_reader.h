#pragma once
// The IDX format of MNIST and Fashion-MNIST: a big-endian magic number (0x0000TTDD: TT the
// element type, 08 = uint8; DD the number of dimensions), DD big-endian 32-bit sizes, then
// the elements. Files may be gzip-compressed (detected by content, not by name).
#include <filesystem>
#include <string>
#include <vector>

#include "engine/data/image_dataset.h"

namespace simclr {

// An idx3-ubyte image file (magic 0x00000803) as uint8 [N, 1, H, W].
torch::Tensor read_idx_images(const std::filesystem::path& path);
// An idx1-ubyte label file (magic 0x00000801) as int64 [N].
torch::Tensor read_idx_labels(const std::filesystem::path& path);

// Fashion-MNIST's ten classes ("T-shirt/top" .. "Ankle boot") and MNIST's digits "0".."9".
std::vector<std::string> fashion_mnist_class_names();
std::vector<std::string> mnist_class_names();

// `dir` holds train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte and
// t10k-labels-idx1-ubyte, each optionally with a .gz suffix. Throws DataError naming the
// file for a missing file, wrong magic number, truncation, an image/label count mismatch,
// a label beyond the class count or corrupt gzip data.
DatasetSplits load_idx_dataset(const std::filesystem::path& dir, const std::string& name,
                               std::vector<std::string> class_names);

// dir/stem or dir/stem.gz, whichever exists (plain first); dir/stem when neither does.
std::filesystem::path find_idx_file(const std::filesystem::path& dir, const std::string& stem);

}  // namespace simclr
