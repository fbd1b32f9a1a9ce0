#include "engine/data/cifar10_reader.h"

#include <algorithm>
#include <cstring>

#include "engine/core/error.h"
#include "engine/data/binary_file.h"

namespace simclr {

namespace fs = std::filesystem;

std::vector<std::string> cifar10_class_names() {
  return {"airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"};
}

ImageDataset read_cifar10_batches(const std::vector<fs::path>& files, std::vector<std::string> class_names) {
  if (class_names.empty()) class_names = cifar10_class_names();
  const int64_t num_classes = static_cast<int64_t>(class_names.size());
  if (num_classes > 256) throw DataError("CIFAR-10: at most 256 classes fit in a label byte");

  // Sizes first, so that one tensor holds every record and a bad file fails before any work.
  std::vector<int64_t> records(files.size());
  int64_t total = 0;
  for (size_t f = 0; f < files.size(); ++f) {
    std::error_code ec;
    if (!fs::is_regular_file(files[f], ec)) throw DataError(display_path(files[f]) + ": missing file");
    const auto bytes = static_cast<int64_t>(fs::file_size(files[f], ec));
    if (ec) throw DataError(display_path(files[f]) + ": cannot read size: " + ec.message());
    if (bytes == 0) throw DataError(display_path(files[f]) + ": empty file");
    if (bytes % kCifarRecordBytes != 0)
      throw DataError(display_path(files[f]) + ": truncated record: " + std::to_string(bytes) +
                      " bytes is not a multiple of the 3073-byte record size");
    records[f] = bytes / kCifarRecordBytes;
    total += records[f];
  }

  ImageDataset ds;
  ds.class_names = std::move(class_names);
  ds.images = torch::empty({total, 3, 32, 32}, torch::kByte);
  ds.labels = torch::empty({total}, torch::kLong);
  auto* img = ds.images.data_ptr<uint8_t>();
  auto* lab = ds.labels.data_ptr<int64_t>();
  int64_t at = 0;
  for (size_t f = 0; f < files.size(); ++f) {
    const Bytes raw = read_binary_file(files[f]);
    if (static_cast<int64_t>(raw.size()) != records[f] * kCifarRecordBytes)
      throw DataError(display_path(files[f]) + ": file changed while reading");
    const uint8_t* r = raw.data();
    for (int64_t i = 0; i < records[f]; ++i, ++at, r += kCifarRecordBytes) {
      if (r[0] >= num_classes)
        throw DataError(display_path(files[f]) + ": record " + std::to_string(i) + ": label " + std::to_string(r[0]) +
                        " out of range 0.." + std::to_string(num_classes - 1));
      lab[at] = r[0];
      std::memcpy(img + at * kCifarImageBytes, r + 1, kCifarImageBytes);
    }
  }
  return ds;
}

std::vector<std::string> read_cifar10_meta(const fs::path& meta_file) {
  std::error_code ec;
  if (!fs::exists(meta_file, ec)) return cifar10_class_names();
  const Bytes raw = read_binary_file(meta_file);
  std::vector<std::string> names;
  std::string line;
  auto flush = [&] {
    const auto b = line.find_first_not_of(" \t\r");
    const auto e = line.find_last_not_of(" \t\r");
    if (b != std::string::npos) names.push_back(line.substr(b, e - b + 1));
    line.clear();
  };
  for (uint8_t c : raw) {
    if (c == '\n')
      flush();
    else
      line.push_back(static_cast<char>(c));
  }
  flush();
  if (names.size() != 10)
    throw DataError(display_path(meta_file) + ": expected 10 class names, found " + std::to_string(names.size()));
  return names;
}

DatasetSplits load_cifar10(const fs::path& dir, const std::function<void(const std::string&)>& on_note) {
  std::error_code ec;
  const fs::path test_file = dir / "test_batch.bin";
  // A partial set is data_batch_1.bin up to data_batch_k.bin: the last batch present says
  // how many there should be, and every batch before it must be there too.
  int last = 0;
  for (int i = 1; i <= 5; ++i)
    if (fs::exists(dir / ("data_batch_" + std::to_string(i) + ".bin"), ec)) last = i;
  std::vector<fs::path> train_files;
  std::string missing;
  for (int i = 1; i <= std::max(last, 5); ++i) {
    const fs::path f = dir / ("data_batch_" + std::to_string(i) + ".bin");
    if (i <= last) train_files.push_back(f);
    if ((i <= last || last == 0) && !fs::exists(f, ec))
      missing += (missing.empty() ? "" : ", ") + f.filename().string();
  }
  if (!fs::exists(test_file, ec)) missing += (missing.empty() ? "" : ", ") + test_file.filename().string();
  if (!missing.empty())
    throw DataError(display_path(dir) + ": missing file(s) of CIFAR-10: " + missing +
                    (last > 0 && last < 5 ? " (a partial set holds data_batch_1.bin up to data_batch_k.bin)" : ""));

  DatasetSplits splits;
  splits.name = "cifar10";
  splits.root = dir;
  const auto names = read_cifar10_meta(dir / "batches.meta.txt");
  splits.train = read_cifar10_batches(train_files, names);
  splits.test = read_cifar10_batches({test_file}, names);
  if (last < 5 && on_note) {
    std::string absent;
    for (int i = last + 1; i <= 5; ++i)
      absent += (absent.empty() ? "" : ", ") + ("data_batch_" + std::to_string(i) + ".bin");
    on_note("CIFAR-10 in " + display_path(dir) + " is a partial set: " + std::to_string(last) +
            " of the 5 training batches (" + std::to_string(splits.train.size()) + " training images; " + absent +
            " not there) and test_batch.bin (" + std::to_string(splits.test.size()) +
            " images); training and evaluation use what is there");
  }
  return splits;
}

}  // namespace simclr
