#include "engine/data/image_export.h"

#include <cstdio>

#include "engine/core/atomic_file.h"
#include "engine/core/csv_cell.h"
#include "engine/core/error.h"
#include "engine/data/image_file.h"

namespace simclr {

namespace fs = std::filesystem;

namespace {

void check_options(const ImageExportOptions& o) {
  if (o.layout != "flat" && o.layout != "folders") throw ConfigError("layout '" + o.layout + "': use flat or folders");
  if (o.format != "png" && o.format != "jpg") throw ConfigError("format '" + o.format + "': use png or jpg");
  if (o.size < 0) throw ConfigError("size: must be >= 0 (0 = as they are), not " + std::to_string(o.size));
}

std::string file_name(int64_t index, const std::string& format) {
  char name[32];
  std::snprintf(name, sizeof name, "%05lld.%s", static_cast<long long>(index), format.c_str());
  return name;
}

}  // namespace

ImageExportResult export_images(const ImageDataset& split, const fs::path& dir, const ImageExportOptions& options,
                                const JobCallbacks& callbacks, const StopToken& stop) {
  check_options(options);
  if (options.layout == "folders" && !split.labelled())
    throw ConfigError("layout folders: the split has no labels to name the folders by; use flat");
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_empty(dir, ec))
    throw ConfigError(dir.string() + ": exists and is not empty; export into a new folder");
  fs::create_directories(dir, ec);
  if (ec) throw IoError("cannot create " + dir.string() + ": " + ec.message());

  ImageExportResult result;
  std::string csv = "path,label\n";
  const int64_t n = split.size();
  const torch::Tensor labels = split.labels.to(torch::kCPU, torch::kLong).contiguous();
  constexpr int64_t kChunk = 256;  // a streamed set is decoded this many images at a time
  torch::Tensor chunk;
  for (int64_t i = 0; i < n; ++i) {
    stop.throw_if_stopped("export");
    if (i % kChunk == 0) chunk = split.rows(i, i + kChunk);
    torch::Tensor image = chunk[i % kChunk];
    if (options.size > 0) image = resize_and_center_crop(image, options.size);
    const std::string name = file_name(i, options.format);
    const int64_t label = labels.numel() == n ? labels[i].item<int64_t>() : kUnlabelled;
    fs::path file = dir / name;
    if (options.layout == "folders") {
      const fs::path class_dir = dir / split.class_names.at(size_t(label));
      fs::create_directories(class_dir, ec);
      if (ec) throw IoError("cannot create " + class_dir.string() + ": " + ec.message());
      file = class_dir / name;
    }
    const std::vector<uint8_t> bytes = encode_image(image, options.format, options.jpeg_quality);
    write_file_atomically(file, std::string(bytes.begin(), bytes.end()));
    if (label >= 0) csv += csv_line({name, split.class_names.at(size_t(label))});
    ++result.written;
    if (callbacks.on_progress && ((i + 1) % 256 == 0 || i + 1 == n)) callbacks.on_progress({"export", i + 1, n});
  }
  if (options.layout == "flat" && split.labelled()) {
    // Beside the folder, not in it: the folder is to be read as unlabelled.
    fs::path folder = dir.lexically_normal();
    if (folder.filename().empty()) folder = folder.parent_path();  // "photos/"
    result.labels_csv = folder.parent_path() / (folder.filename().string() + "-labels.csv");
    write_file_atomically(result.labels_csv, csv);
  }
  return result;
}

}  // namespace simclr
