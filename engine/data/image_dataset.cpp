#include "engine/data/image_dataset.h"

#include <algorithm>
#include <cstdio>

#include <torch/torch.h>

#include "engine/core/error.h"
#include "engine/core/fnv1a.h"
#include "engine/data/image_stream.h"

namespace simclr {

int64_t ImageDataset::size() const {
  return stream ? stream->size() : images.defined() ? images.size(0) : 0;
}
int64_t ImageDataset::channels() const {
  return stream ? stream->channels() : images.defined() ? images.size(1) : 0;
}
int64_t ImageDataset::height() const {
  return stream ? stream->height() : images.defined() ? images.size(2) : 0;
}
int64_t ImageDataset::width() const {
  return stream ? stream->width() : images.defined() ? images.size(3) : 0;
}

namespace {
// int64 [K] on the CPU; ConfigError naming `what` when an index is outside [0, n).
torch::Tensor checked_indices(const torch::Tensor& indices, int64_t n, const char* what) {
  const torch::Tensor idx = indices.to(torch::kCPU, torch::kLong).reshape({-1}).contiguous();
  if (idx.numel() > 0) {
    const int64_t lo = idx.min().item<int64_t>();
    const int64_t hi = idx.max().item<int64_t>();
    if (lo < 0 || hi >= n)
      throw ConfigError(std::string(what) + ": index " + std::to_string(lo < 0 ? lo : hi) +
                        " out of range for a dataset of " + std::to_string(n) + " images");
  }
  return idx;
}
}  // namespace

torch::Tensor ImageDataset::gather(const torch::Tensor& indices) const {
  const torch::Tensor idx = checked_indices(indices, size(), "gather");
  if (stream) return stream->fetch(idx);
  return images.index_select(0, idx.to(images.device()));
}

torch::Tensor ImageDataset::rows(int64_t begin, int64_t end) const {
  begin = std::clamp<int64_t>(begin, 0, size());
  end = std::clamp<int64_t>(end, begin, size());
  if (!stream) return images.slice(0, begin, end);
  const int64_t ahead = std::min(size(), end + (end - begin));
  if (ahead > end) stream->prefetch(torch::arange(end, ahead, torch::kLong));
  return stream->fetch(torch::arange(begin, end, torch::kLong));
}

ImageDataset ImageDataset::in_memory() const {
  return stream ? subset(torch::arange(size(), torch::kLong)) : *this;
}

std::shared_ptr<const ImageStream> ImageDataset::as_stream() const {
  if (stream) return stream;
  return std::make_shared<TensorStream>(images.defined() ? images : torch::empty({0, 3, 1, 1}, torch::kByte));
}

ImageDataset ImageDataset::subset(const torch::Tensor& indices) const {
  return picked(checked_indices(indices, size(), "subset"), /*decode=*/true);
}

ImageDataset ImageDataset::picked(const torch::Tensor& idx, bool decode) const {
  ImageDataset out;
  out.class_names = class_names;
  if (!images.defined() && !stream) return out;
  if (stream && !decode)
    out.stream = std::make_shared<SubsetStream>(stream, idx);
  else
    out.images = gather(idx).contiguous();
  out.labels = labels.index_select(0, idx.to(labels.device())).contiguous();
  if (!files.empty()) {
    const int64_t* p = idx.data_ptr<int64_t>();
    for (int64_t i = 0; i < idx.numel(); ++i) out.files.push_back(files[size_t(p[i])]);
  }
  return out;
}

std::vector<int64_t> ImageDataset::class_counts() const {
  std::vector<int64_t> counts(class_names.size(), 0);
  if (!labels.defined()) return counts;
  const torch::Tensor l = labels.to(torch::kCPU, torch::kLong).contiguous();
  const int64_t* p = l.data_ptr<int64_t>();
  for (int64_t i = 0; i < l.numel(); ++i) {
    // Labels outside the class list are a loader bug; count() below would hide them.
    if (p[i] >= 0 && p[i] < static_cast<int64_t>(counts.size())) ++counts[static_cast<size_t>(p[i])];
  }
  return counts;
}

namespace {
// The first `per_class` images of each class, in dataset order.
torch::Tensor balanced_indices(const ImageDataset& d, int64_t per_class) {
  std::vector<int64_t> taken(d.class_names.size(), 0);
  std::vector<int64_t> picked;
  if (d.labels.defined()) {
    const torch::Tensor l = d.labels.to(torch::kCPU, torch::kLong).contiguous();
    const int64_t* p = l.data_ptr<int64_t>();
    picked.reserve(static_cast<size_t>(std::min<int64_t>(l.numel(), per_class * d.num_classes())));
    for (int64_t i = 0; i < l.numel(); ++i) {
      const int64_t c = p[i];
      if (c < 0 || c >= d.num_classes()) continue;
      if (taken[static_cast<size_t>(c)] < per_class) {
        ++taken[static_cast<size_t>(c)];
        picked.push_back(i);
      }
    }
  }
  return torch::tensor(picked, torch::kLong);
}
}  // namespace

ImageDataset ImageDataset::limited_to(int64_t total) const {
  if (total <= 0 || total >= size()) return *this;
  const torch::Tensor idx =
      labelled() ? balanced_indices(*this, std::max<int64_t>(1, total / std::max<int64_t>(1, num_classes())))
                 : torch::linspace(0, double(size() - 1), total).round().to(torch::kLong);
  return picked(idx, /*decode=*/false);  // a streamed set: the same images, left streaming
}

ImageDataset ImageDataset::balanced_subset(int64_t per_class) const {
  if (per_class < 0) throw ConfigError("balanced subset: per_class must be >= 0, got " + std::to_string(per_class));
  if (!labelled()) return subset(torch::arange(std::min(per_class, size()), torch::kLong));
  return subset(balanced_indices(*this, per_class));
}

void ImageDataset::check(const std::string& what) const {
  auto fail = [&](const std::string& problem) { throw DataError(what + ": " + problem); };
  if (stream) {
    if (!labels.defined() || labels.scalar_type() != torch::kLong || labels.dim() != 1 || labels.size(0) != size())
      fail("a streamed set needs int64 labels [" + std::to_string(size()) + "]");
    if (!files.empty() && int64_t(files.size()) != size())
      fail(std::to_string(size()) + " images but " + std::to_string(files.size()) + " file names");
    return;
  }
  if (!images.defined() || !labels.defined()) fail("images or labels missing");
  if (images.dim() != 4) fail("images must be [N, C, H, W], got " + std::to_string(images.dim()) + " dimensions");
  if (images.scalar_type() != torch::kByte) fail("images must be uint8");
  if (labels.scalar_type() != torch::kLong || labels.dim() != 1) fail("labels must be int64 [N]");
  if (labels.size(0) != images.size(0))
    fail(std::to_string(images.size(0)) + " images but " + std::to_string(labels.size(0)) + " labels");
  if (!files.empty() && int64_t(files.size()) != images.size(0))
    fail(std::to_string(images.size(0)) + " images but " + std::to_string(files.size()) + " file names");
  if (!labelled()) {
    if (labels.numel() > 0 && labels.ne(kUnlabelled).any().item<bool>())
      fail("labels given but no class names (an unlabelled set has every label " + std::to_string(kUnlabelled) + ")");
  } else if (labels.numel() > 0) {
    const int64_t lo = labels.min().item<int64_t>();
    const int64_t hi = labels.max().item<int64_t>();
    if (lo < 0 || hi >= num_classes())
      fail("label " + std::to_string(lo < 0 ? lo : hi) + " out of range 0.." + std::to_string(num_classes() - 1));
  }
}

std::string dataset_fingerprint(const ImageDataset& ds) {
  Fnv1a f;
  f.add(ds.size());
  if (ds.streamed() || ds.images.defined()) {
    for (const int64_t d : {ds.size(), ds.channels(), ds.height(), ds.width()}) f.add(d);
    const int64_t n = ds.size();
    const int64_t samples = std::min<int64_t>(n, 64);
    std::vector<int64_t> rows;
    for (int64_t s = 0; s < samples; ++s) rows.push_back(samples > 1 ? s * (n - 1) / (samples - 1) : 0);
    const torch::Tensor img = ds.gather(torch::tensor(rows, torch::kLong)).to(torch::kCPU).contiguous();
    const int64_t per_image = samples > 0 ? img.numel() / samples : 0;
    const auto* base = static_cast<const unsigned char*>(img.data_ptr());
    for (int64_t s = 0; s < samples; ++s) {
      f.add(rows[size_t(s)]);
      f.add(base + s * per_image, static_cast<size_t>(per_image));
    }
  }
  if (ds.labels.defined() && ds.labels.numel() > 0) {
    const torch::Tensor l = ds.labels.to(torch::kCPU, torch::kLong).contiguous();
    f.add(l.data_ptr<int64_t>(), static_cast<size_t>(l.numel()) * sizeof(int64_t));
  }
  for (const auto& name : ds.class_names) f.add(name);
  return f.hex();
}

}  // namespace simclr
