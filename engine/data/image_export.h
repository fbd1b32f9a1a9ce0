#pragma once
// A dataset split written out as image files: for trying the image-folder reader on known
// data (CIFAR-10's test split as a flat folder of PNGs whose labels are kept aside), and for
// benchmarks against other loaders on the same files.
//
//   flat:    <dir>/<index, 5 digits>.<ext>, and <dir>/../<dir name>-labels.csv (path,label)
//            outside the folder, so that the folder itself holds no labels
//   folders: <dir>/<class>/<index>.<ext>, the image-folder reader's class layout
#include <cstdint>
#include <filesystem>
#include <string>

#include "engine/core/job.h"
#include "engine/data/image_dataset.h"

namespace simclr {

struct ImageExportOptions {
  std::string layout = "flat";  // flat | folders
  std::string format = "png";   // png | jpg
  int64_t size = 0;             // resize and centre-crop to size x size; 0 = as they are
  int jpeg_quality = 95;
};

struct ImageExportResult {
  int64_t written = 0;
  std::filesystem::path labels_csv;  // flat layout of a labelled split; empty otherwise
};

// Throws ConfigError for bad options or a `dir` that exists and is not empty (nothing is
// overwritten), IoError when a file cannot be written. Each file is written atomically.
ImageExportResult export_images(const ImageDataset& split, const std::filesystem::path& dir,
                                const ImageExportOptions& options, const JobCallbacks& callbacks = {},
                                const StopToken& stop = {});

}  // namespace simclr
