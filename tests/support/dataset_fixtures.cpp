#include "tests/support/dataset_fixtures.h"

#include <cstring>
#include <fstream>
#include <memory>
#include <random>
#include <stdexcept>

#include "engine/data/cifar10_reader.h"
#include "engine/data/idx_reader.h"

#ifdef SIMCLR_HAVE_ZLIB
#include <zlib.h>
#endif
#ifdef SIMCLR_HAVE_DOWNLOAD
#include <archive.h>
#include <archive_entry.h>
#endif

namespace simclr::test {

namespace fs = std::filesystem;

ImageDataset make_random_images(int64_t n, int64_t channels, int64_t height, int64_t width, int64_t num_classes,
                                uint64_t seed) {
  std::mt19937_64 rng(seed);
  ImageDataset ds;
  ds.images = torch::empty({n, channels, height, width}, torch::kByte);
  ds.labels = torch::empty({n}, torch::kLong);
  auto* px = ds.images.data_ptr<uint8_t>();
  for (int64_t i = 0; i < ds.images.numel(); ++i) px[i] = static_cast<uint8_t>(rng() >> 56);
  auto* lab = ds.labels.data_ptr<int64_t>();
  for (int64_t i = 0; i < n; ++i)
    lab[i] = i < num_classes ? i : static_cast<int64_t>(rng() % static_cast<uint64_t>(num_classes));
  for (int64_t c = 0; c < num_classes; ++c) ds.class_names.push_back("class " + std::to_string(c));
  return ds;
}

std::string cifar10_batch_bytes(const ImageDataset& ds) {
  if (ds.channels() != 3 || ds.height() != 32 || ds.width() != 32)
    throw std::invalid_argument("cifar10_batch_bytes: images must be [N, 3, 32, 32]");
  const torch::Tensor img = ds.images.contiguous();
  const auto* px = img.data_ptr<uint8_t>();
  const auto* lab = ds.labels.data_ptr<int64_t>();
  std::string out;
  out.reserve(static_cast<size_t>(ds.size() * kCifarRecordBytes));
  for (int64_t i = 0; i < ds.size(); ++i) {
    out.push_back(static_cast<char>(static_cast<uint8_t>(lab[i])));
    out.append(reinterpret_cast<const char*>(px + i * kCifarImageBytes), kCifarImageBytes);
  }
  return out;
}

namespace {
void put_be32(std::string& out, uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) out.push_back(static_cast<char>((v >> s) & 0xff));
}
}  // namespace

std::string idx_images_bytes(const torch::Tensor& images) {
  std::string out;
  put_be32(out, 0x00000803);
  put_be32(out, static_cast<uint32_t>(images.size(0)));
  put_be32(out, static_cast<uint32_t>(images.size(2)));
  put_be32(out, static_cast<uint32_t>(images.size(3)));
  const torch::Tensor img = images.contiguous();
  out.append(reinterpret_cast<const char*>(img.data_ptr<uint8_t>()), static_cast<size_t>(img.numel()));
  return out;
}

std::string idx_labels_bytes(const torch::Tensor& labels) {
  std::string out;
  put_be32(out, 0x00000801);
  put_be32(out, static_cast<uint32_t>(labels.size(0)));
  const torch::Tensor l = labels.to(torch::kLong).contiguous();
  for (int64_t i = 0; i < l.numel(); ++i)
    out.push_back(static_cast<char>(static_cast<uint8_t>(l.data_ptr<int64_t>()[i])));
  return out;
}

#ifdef SIMCLR_HAVE_ZLIB
bool have_gzip() {
  return true;
}
std::string gzip_bytes(const std::string& raw) {
  z_stream zs{};
  if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    throw std::runtime_error("gzip_bytes: deflateInit2 failed");
  std::string out(deflateBound(&zs, static_cast<uLong>(raw.size())) + 64, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(raw.data()));
  zs.avail_in = static_cast<uInt>(raw.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) throw std::runtime_error("gzip_bytes: deflate failed");
  return out;
}
#else
bool have_gzip() {
  return false;
}
std::string gzip_bytes(const std::string&) {
  throw std::runtime_error("gzip_bytes: built without zlib");
}
#endif

void write_bytes(const fs::path& path, const std::string& bytes) {
  if (!path.parent_path().empty()) fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("write_bytes: cannot write " + path.string());
}

namespace {
// Concatenates datasets along N.
ImageDataset concat(const std::vector<ImageDataset>& parts) {
  ImageDataset out;
  out.class_names = parts.front().class_names;
  std::vector<torch::Tensor> images, labels;
  for (const auto& p : parts) {
    images.push_back(p.images);
    labels.push_back(p.labels);
  }
  out.images = torch::cat(images).contiguous();
  out.labels = torch::cat(labels).contiguous();
  return out;
}

std::string cifar_meta_text(const std::vector<std::string>& names) {
  std::string meta;
  for (const auto& n : names) meta += n + "\n";
  return meta + "\n";  // the official file ends with a blank line
}
}  // namespace

DatasetSplits write_cifar10_folder(const fs::path& dir, int64_t per_batch, int64_t test_count, uint64_t seed) {
  DatasetSplits expected;
  for (const auto& [name, bytes] : cifar10_archive_entries(per_batch, test_count, seed, &expected)) {
    const fs::path rel = fs::path(name).lexically_relative("cifar-10-batches-bin");
    if (name.back() == '/') continue;
    write_bytes(dir / rel, bytes);
  }
  expected.name = "cifar10";
  expected.root = dir;
  return expected;
}

std::vector<ArchiveEntry> cifar10_archive_entries(int64_t per_batch, int64_t test_count, uint64_t seed,
                                                  DatasetSplits* expected) {
  const auto names = cifar10_class_names();
  std::vector<ArchiveEntry> entries{{"cifar-10-batches-bin/", ""}};
  std::vector<ImageDataset> batches;
  for (int b = 1; b <= 5; ++b) {
    ImageDataset part = make_random_images(per_batch, 3, 32, 32, 10, seed + static_cast<uint64_t>(b));
    part.class_names = names;
    entries.emplace_back("cifar-10-batches-bin/data_batch_" + std::to_string(b) + ".bin", cifar10_batch_bytes(part));
    batches.push_back(std::move(part));
  }
  ImageDataset test = make_random_images(test_count, 3, 32, 32, 10, seed + 100);
  test.class_names = names;
  entries.emplace_back("cifar-10-batches-bin/test_batch.bin", cifar10_batch_bytes(test));
  entries.emplace_back("cifar-10-batches-bin/batches.meta.txt", cifar_meta_text(names));
  entries.emplace_back("cifar-10-batches-bin/readme.html", "<p>test fixture</p>\n");
  if (expected) {
    expected->name = "cifar10";
    expected->train = concat(batches);
    expected->test = std::move(test);
  }
  return entries;
}

DatasetSplits write_idx_folder(const fs::path& dir, int64_t train_count, int64_t test_count, bool gz, uint64_t seed,
                               int64_t side, int64_t num_classes) {
  DatasetSplits expected;
  expected.root = dir;
  expected.train = make_random_images(train_count, 1, side, side, num_classes, seed);
  expected.test = make_random_images(test_count, 1, side, side, num_classes, seed + 1);
  const std::string suffix = gz ? ".gz" : "";
  auto put = [&](const std::string& name, const std::string& bytes) {
    write_bytes(dir / (name + suffix), gz ? gzip_bytes(bytes) : bytes);
  };
  put("train-images-idx3-ubyte", idx_images_bytes(expected.train.images));
  put("train-labels-idx1-ubyte", idx_labels_bytes(expected.train.labels));
  put("t10k-images-idx3-ubyte", idx_images_bytes(expected.test.images));
  put("t10k-labels-idx1-ubyte", idx_labels_bytes(expected.test.labels));
  return expected;
}

#ifdef SIMCLR_HAVE_DOWNLOAD
bool have_archive_writer() {
  return true;
}

std::string make_tar_gz(const std::vector<ArchiveEntry>& entries) {
  std::string out;
  std::unique_ptr<archive, int (*)(archive*)> a(archive_write_new(), &archive_write_free);
  archive_write_set_format_pax_restricted(a.get());
  archive_write_add_filter_gzip(a.get());
  auto on_write = [](archive*, void* user, const void* buf, size_t n) -> la_ssize_t {
    static_cast<std::string*>(user)->append(static_cast<const char*>(buf), n);
    return static_cast<la_ssize_t>(n);
  };
  if (archive_write_open(a.get(), &out, nullptr, on_write, nullptr) != ARCHIVE_OK)
    throw std::runtime_error(std::string("make_tar_gz: ") + archive_error_string(a.get()));
  for (const auto& [name, contents] : entries) {
    std::unique_ptr<archive_entry, void (*)(archive_entry*)> e(archive_entry_new(), &archive_entry_free);
    const bool dir = !name.empty() && name.back() == '/';
    archive_entry_set_pathname(e.get(), name.c_str());
    archive_entry_set_filetype(e.get(), dir ? AE_IFDIR : AE_IFREG);
    archive_entry_set_perm(e.get(), dir ? 0755 : 0644);
    archive_entry_set_size(e.get(), dir ? 0 : static_cast<la_int64_t>(contents.size()));
    if (archive_write_header(a.get(), e.get()) != ARCHIVE_OK)
      throw std::runtime_error("make_tar_gz: " + name + ": " + archive_error_string(a.get()));
    if (!dir && !contents.empty() &&
        archive_write_data(a.get(), contents.data(), contents.size()) != static_cast<la_ssize_t>(contents.size()))
      throw std::runtime_error("make_tar_gz: " + name + ": " + archive_error_string(a.get()));
  }
  if (archive_write_close(a.get()) != ARCHIVE_OK)
    throw std::runtime_error(std::string("make_tar_gz: ") + archive_error_string(a.get()));
  return out;
}
#else
bool have_archive_writer() {
  return false;
}
std::string make_tar_gz(const std::vector<ArchiveEntry>&) {
  throw std::runtime_error("make_tar_gz: built without libarchive");
}
#endif

}  // namespace simclr::test
