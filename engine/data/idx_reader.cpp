#include "engine/data/idx_reader.h"

#include <cstdio>
#include <cstring>

#include "engine/core/error.h"
#include "engine/data/binary_file.h"

namespace simclr {

namespace fs = std::filesystem;

namespace {

uint32_t be32(const uint8_t* p) {
  return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | uint32_t(p[3]);
}

std::string hex32(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08x", v);
  return buf;
}

// A parsed IDX file: its dimensions and where the elements start in `bytes`.
struct IdxFile {
  Bytes bytes;
  std::vector<int64_t> dims;
  size_t data_offset = 0;
};

IdxFile parse_idx(const fs::path& path, int expected_dims, const char* kind) {
  IdxFile idx;
  idx.bytes = read_binary_file(path);
  if (is_gzip(idx.bytes)) idx.bytes = gunzip(idx.bytes, path);
  const Bytes& b = idx.bytes;
  const std::string name = display_path(path);
  const uint32_t want = 0x00000800u | static_cast<uint32_t>(expected_dims);
  if (b.size() < 4)
    throw DataError(name + ": truncated: " + std::to_string(b.size()) + " bytes, shorter than the IDX header");
  const uint32_t magic = be32(b.data());
  if (magic != want)
    throw DataError(name + ": wrong IDX magic number " + hex32(magic) + ", expected " + hex32(want) + " for " + kind);
  const size_t header = 4 + 4 * static_cast<size_t>(expected_dims);
  if (b.size() < header)
    throw DataError(name + ": truncated: " + std::to_string(b.size()) + " bytes, shorter than the IDX header");
  uint64_t count = 1;
  for (int d = 0; d < expected_dims; ++d) {
    const uint32_t n = be32(b.data() + 4 + 4 * d);
    idx.dims.push_back(n);
    if (n != 0 && count > (uint64_t(1) << 40) / n) throw DataError(name + ": implausible IDX sizes in the header");
    count *= n;
  }
  const uint64_t expected = header + count;
  if (b.size() < expected)
    throw DataError(name + ": truncated: the header announces " + std::to_string(count) + " bytes of " + kind +
                    " but the file holds " + std::to_string(b.size() - header));
  if (b.size() > expected)
    throw DataError(name + ": " + std::to_string(b.size() - expected) + " unexpected bytes after the IDX data");
  idx.data_offset = header;
  return idx;
}

}  // namespace

torch::Tensor read_idx_images(const fs::path& path) {
  const IdxFile idx = parse_idx(path, 3, "images");
  const int64_t n = idx.dims[0], h = idx.dims[1], w = idx.dims[2];
  torch::Tensor images = torch::empty({n, 1, h, w}, torch::kByte);
  if (images.numel() > 0) std::memcpy(images.data_ptr<uint8_t>(), idx.bytes.data() + idx.data_offset, images.numel());
  return images;
}

torch::Tensor read_idx_labels(const fs::path& path) {
  const IdxFile idx = parse_idx(path, 1, "labels");
  const int64_t n = idx.dims[0];
  torch::Tensor labels = torch::empty({n}, torch::kLong);
  auto* out = labels.data_ptr<int64_t>();
  const uint8_t* in = idx.bytes.data() + idx.data_offset;
  for (int64_t i = 0; i < n; ++i) out[i] = in[i];
  return labels;
}

std::vector<std::string> fashion_mnist_class_names() {
  return {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"};
}

std::vector<std::string> mnist_class_names() {
  return {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};
}

fs::path find_idx_file(const fs::path& dir, const std::string& stem) {
  std::error_code ec;
  for (const fs::path& p : {dir / stem, dir / (stem + ".gz")})
    if (fs::is_regular_file(p, ec)) return p;
  return dir / stem;
}

namespace {
ImageDataset load_idx_split(const fs::path& dir, const std::string& prefix,
                            const std::vector<std::string>& class_names) {
  const fs::path image_file = find_idx_file(dir, prefix + "-images-idx3-ubyte");
  const fs::path label_file = find_idx_file(dir, prefix + "-labels-idx1-ubyte");
  std::error_code ec;
  if (!fs::is_regular_file(image_file, ec)) throw DataError(display_path(image_file) + "[.gz]: missing file");
  if (!fs::is_regular_file(label_file, ec)) throw DataError(display_path(label_file) + "[.gz]: missing file");
  ImageDataset ds;
  ds.class_names = class_names;
  ds.images = read_idx_images(image_file);
  ds.labels = read_idx_labels(label_file);
  if (ds.images.size(0) != ds.labels.size(0))
    throw DataError(display_path(label_file) + ": " + std::to_string(ds.labels.size(0)) + " labels but " +
                    display_path(image_file) + " holds " + std::to_string(ds.images.size(0)) + " images");
  const int64_t n = ds.labels.size(0);
  const int64_t* l = ds.labels.data_ptr<int64_t>();
  for (int64_t i = 0; i < n; ++i)
    if (l[i] >= ds.num_classes())
      throw DataError(display_path(label_file) + ": label " + std::to_string(l[i]) + " of item " + std::to_string(i) +
                      " out of range 0.." + std::to_string(ds.num_classes() - 1));
  return ds;
}
}  // namespace

DatasetSplits load_idx_dataset(const fs::path& dir, const std::string& name, std::vector<std::string> class_names) {
  if (class_names.empty()) throw DataError(name + ": no class names given");
  DatasetSplits splits;
  splits.name = name;
  splits.root = dir;
  splits.train = load_idx_split(dir, "train", class_names);
  splits.test = load_idx_split(dir, "t10k", class_names);
  return splits;
}

}  // namespace simclr
