#pragma once
// CIFAR-10 in its binary distribution (cifar-10-batches-bin): each record is one label
// byte followed by the 32x32 red, green and blue planes (3 072 bytes), row-major.
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "engine/data/image_dataset.h"

namespace simclr {

constexpr int64_t kCifarImageBytes = 3 * 32 * 32;
constexpr int64_t kCifarRecordBytes = 1 + kCifarImageBytes;

// "airplane", "automobile", ... "truck": the names batches.meta.txt lists.
std::vector<std::string> cifar10_class_names();

// Reads the batch files in order into one dataset (uint8 [N, 3, 32, 32], int64 [N]).
// Throws DataError naming the file for a missing file, an empty file, a size that is not
// a multiple of 3 073 bytes (truncated record) or a label >= class_names.size().
ImageDataset read_cifar10_batches(const std::vector<std::filesystem::path>& files,
                                  std::vector<std::string> class_names);

// Class names from batches.meta.txt (one per line, blank lines ignored). Throws DataError
// when the file does not list exactly 10 names. A missing file gives the standard names.
std::vector<std::string> read_cifar10_meta(const std::filesystem::path& meta_file);

// `dir` holds data_batch_1.bin .. data_batch_5.bin, test_batch.bin and batches.meta.txt.
// A partial set is accepted: data_batch_1.bin up to data_batch_k.bin (k < 5) and
// test_batch.bin, said in one line to `on_note` (a generated or carried set on a machine
// without the whole dataset). Throws DataError listing every missing batch file: the test
// batch, any batch before the last one present, or all of them when none is.
DatasetSplits load_cifar10(const std::filesystem::path& dir,
                           const std::function<void(const std::string&)>& on_note = {});

}  // namespace simclr
