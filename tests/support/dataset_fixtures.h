#pragma once
// Small dataset files made by the tests themselves: CIFAR-10 batches, IDX files (plain and
// gzip) and tar.gz archives, each paired with the ImageDataset the readers must return.
#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "engine/data/image_dataset.h"

namespace simclr::test {

// Deterministic pseudo-random uint8 images [n, c, h, w] and labels in [0, num_classes);
// the first num_classes labels are 0, 1, ... so that every class occurs when n allows.
ImageDataset make_random_images(int64_t n, int64_t channels, int64_t height, int64_t width, int64_t num_classes,
                                uint64_t seed);

// The bytes of a CIFAR-10 batch file holding `ds` (images [N, 3, 32, 32], labels < 256).
std::string cifar10_batch_bytes(const ImageDataset& ds);
// The bytes of an idx3-ubyte file (images [N, 1, H, W]) and an idx1-ubyte file.
std::string idx_images_bytes(const torch::Tensor& images);
std::string idx_labels_bytes(const torch::Tensor& labels);
// gzip-compressed `raw` (only when built with zlib, see have_gzip()).
bool have_gzip();
std::string gzip_bytes(const std::string& raw);

// Writes `bytes` to `path`, creating its folder.
void write_bytes(const std::filesystem::path& path, const std::string& bytes);

// A CIFAR-10 folder: data_batch_1..5.bin with `per_batch` records each, test_batch.bin with
// `test_count` records and batches.meta.txt. Returns what load_cifar10(dir) must return.
DatasetSplits write_cifar10_folder(const std::filesystem::path& dir, int64_t per_batch, int64_t test_count,
                                   uint64_t seed);

// An IDX folder (train-*, t10k-*), optionally gzip-compressed with the .gz suffix.
DatasetSplits write_idx_folder(const std::filesystem::path& dir, int64_t train_count, int64_t test_count, bool gz,
                               uint64_t seed, int64_t side = 28, int64_t num_classes = 10);

// One archive member: a path (a trailing '/' makes a folder) and its contents.
using ArchiveEntry = std::pair<std::string, std::string>;
bool have_archive_writer();  // libarchive available (download support built)
// A gzip-compressed tar archive in memory, written with libarchive.
std::string make_tar_gz(const std::vector<ArchiveEntry>& entries);
// The members of a small but valid cifar-10-batches-bin/ folder; `expected` (optional)
// receives the splits the loader must return.
std::vector<ArchiveEntry> cifar10_archive_entries(int64_t per_batch, int64_t test_count, uint64_t seed,
                                                  DatasetSplits* expected = nullptr);

}  // namespace simclr::test
