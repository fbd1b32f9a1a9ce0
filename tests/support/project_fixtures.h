#pragma once
// Projects small enough to train in a second or two on the CPU, for tests of everything
// that needs a real run: the trainer, the analysis commands, the GUI's workers and windows.
#include <filesystem>

#include "engine/project/project_config.h"

namespace simclr::test {

// 80 training images (a CIFAR-10 fixture written with write_cifar10_folder(dir, 16, ...))
// in 5 steps of 16 per epoch, 2 epochs, a 4-wide ResNet-18 and a small head, on the CPU.
ProjectConfig tiny_project(const std::filesystem::path& data_dir);

// The same written as a project file (its `file` set); returns the parsed config.
ProjectConfig write_tiny_project(const std::filesystem::path& file, const std::filesystem::path& data_dir);

// A finished tiny run for tests of what analyses runs: writes a CIFAR-10 fixture (seeded by
// `seed`) to <dir>/data, trains tiny_project() on it (`epochs` epochs; the kNN monitor off
// when `monitor` is false) into <dir>/runs, and returns the run folder.
std::filesystem::path train_tiny_run(const std::filesystem::path& dir, uint64_t seed, int64_t epochs = 2,
                                     bool monitor = true);

struct PhotoFolder;
// An unlabelled run: write_photo_folder(dir/photos, 120 pictures, 3 planted pairs of each
// kind, 4 noise images) trained for two epochs with tiny_project's model, no monitor.
std::filesystem::path train_photo_run(const std::filesystem::path& dir, PhotoFolder* photos = nullptr);

}  // namespace simclr::test
