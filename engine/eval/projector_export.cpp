#include "engine/eval/projector_export.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <fstream>

#include <torch/torch.h>

#include "engine/core/atomic_file.h"
#include "engine/core/error.h"
#include "engine/eval/png_image.h"

namespace simclr {

namespace fs = std::filesystem;

namespace {

// A file-name-safe form of a tensor name: letters, digits, '-' and '_' kept.
std::string slug(const std::string& name) {
  std::string s;
  for (char c : name) s += std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' ? c : '_';
  return s.empty() ? "tensor" : s;
}

// TSV cells cannot hold tabs or line breaks.
std::string tsv_cell(std::string s) {
  for (char& c : s)
    if (c == '\t' || c == '\n' || c == '\r') c = ' ';
  return s;
}

// A string literal for the text proto.
std::string quoted(const std::string& s) {
  std::string q = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') q += '\\';
    q += c;
  }
  return q + '"';
}

// Rows of tab-separated floats in their shortest round-trip form, streamed to the file so
// 50 000 x 512 features never sit in memory as one string.
void write_tsv_features(const fs::path& path, const torch::Tensor& features) {
  const torch::Tensor f = features.detach().to(torch::kCPU, torch::kFloat).contiguous();
  const int64_t n = f.size(0), d = f.size(1);
  const float* p = f.data_ptr<float>();
  write_atomically_with(path, [&](const fs::path& tmp) {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    std::string line;
    char buf[32];
    for (int64_t i = 0; i < n; ++i) {
      line.clear();
      for (int64_t j = 0; j < d; ++j) {
        if (j > 0) line += '\t';
        const auto res = std::to_chars(buf, buf + sizeof buf, p[i * d + j]);
        line.append(buf, res.ptr);
      }
      line += '\n';
      out.write(line.data(), static_cast<std::streamsize>(line.size()));
    }
    out.flush();
    if (!out) throw IoError("cannot write " + tmp.string());
  });
}

}  // namespace

torch::Tensor sprite_sheet(const torch::Tensor& images, int64_t max_side, int64_t* thumbnail_width,
                           int64_t* thumbnail_height, int64_t* grid_side) {
  if (!images.defined() || images.dim() != 4 || images.scalar_type() != torch::kByte || images.size(0) < 1 ||
      (images.size(1) != 1 && images.size(1) != 3))
    throw ConfigError("sprite: need uint8 images [N, C, H, W] with C = 1 or 3");
  const int64_t n = images.size(0), c = images.size(1), h = images.size(2), w = images.size(3);
  const auto side = static_cast<int64_t>(std::ceil(std::sqrt(static_cast<double>(n))));
  if (side > max_side)
    throw ConfigError("sprite: " + std::to_string(n) + " images do not fit a " + std::to_string(max_side) +
                      " px sprite");
  // Shrink uniformly (keeping the aspect) only when full-size thumbnails would not fit.
  const double scale = std::min(1.0, static_cast<double>(max_side) / static_cast<double>(side * std::max(h, w)));
  const int64_t th = std::max<int64_t>(1, static_cast<int64_t>(std::floor(h * scale)));
  const int64_t tw = std::max<int64_t>(1, static_cast<int64_t>(std::floor(w * scale)));

  torch::NoGradGuard no_grad;
  auto cells = torch::zeros({side * side, c, th, tw}, torch::kByte);  // [side², C, th, tw]
  if (th == h && tw == w) {
    cells.slice(0, 0, n).copy_(images.to(torch::kCPU));
  } else {
    constexpr int64_t kChunk = 4096;  // bounds the float copy
    for (int64_t s = 0; s < n; s += kChunk) {
      const int64_t e = std::min(n, s + kChunk);
      const auto small = torch::adaptive_avg_pool2d(images.slice(0, s, e).to(torch::kCPU, torch::kFloat), {th, tw});
      cells.slice(0, s, e).copy_(small.round().clamp(0, 255).to(torch::kByte));
    }
  }
  if (thumbnail_width) *thumbnail_width = tw;
  if (thumbnail_height) *thumbnail_height = th;
  if (grid_side) *grid_side = side;
  // [row, col, C, th, tw] -> [row, th, col, tw, C] -> [side*th, side*tw, C]
  return cells.view({side, side, c, th, tw}).permute({0, 3, 1, 4, 2}).reshape({side * th, side * tw, c});
}

ProjectorFiles export_projector(const fs::path& dir, const std::vector<ProjectorTensor>& tensors,
                                const torch::Tensor& labels, const std::vector<std::string>& class_names,
                                const torch::Tensor& images, const torch::Tensor& indices,
                                const ProjectorOptions& options) {
  if (tensors.empty()) throw ConfigError("projector export: no tensors");
  const int64_t n = tensors.front().features.defined() ? tensors.front().features.size(0) : 0;
  for (const auto& t : tensors)
    if (!t.features.defined() || t.features.dim() != 2 || t.features.size(0) != n || n < 1)
      throw ConfigError("projector export: tensor '" + t.name + "' must be [N, D] with the same N > 0 as the others");
  if (!labels.defined() || labels.dim() != 1 || labels.size(0) != n)
    throw ConfigError("projector export: need one label per point (" + std::to_string(n) + ")");
  if (indices.defined() && (indices.dim() != 1 || indices.size(0) != n))
    throw ConfigError("projector export: need one index per point (" + std::to_string(n) + ")");
  if (options.sprite && images.defined() && images.size(0) != n)
    throw ConfigError("projector export: " + std::to_string(images.size(0)) + " images for " + std::to_string(n) +
                      " points");

  ProjectorFiles files;
  files.dir = dir;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw IoError("projector export: cannot create " + dir.string() + ": " + ec.message());

  for (const auto& t : tensors) {
    const std::string file = tensors.size() == 1 ? "tensors.tsv" : "tensors-" + slug(t.name) + ".tsv";
    write_tsv_features(dir / file, t.features);
    files.tensors.push_back(dir / file);
  }

  const torch::Tensor y = labels.to(torch::kCPU, torch::kLong).contiguous();
  const torch::Tensor idx =
      indices.defined() ? indices.to(torch::kCPU, torch::kLong).contiguous() : torch::arange(n, torch::kLong);
  std::string meta = "index\tlabel\tclass\n";
  for (int64_t i = 0; i < n; ++i) {
    const int64_t label = y.data_ptr<int64_t>()[i];
    const bool named = label >= 0 && label < static_cast<int64_t>(class_names.size());
    meta += std::to_string(idx.data_ptr<int64_t>()[i]) + '\t' + std::to_string(label) + '\t' +
            (named ? tsv_cell(class_names[static_cast<size_t>(label)]) : std::to_string(label)) + '\n';
  }
  files.metadata = dir / "metadata.tsv";
  write_file_atomically(files.metadata, meta);

  if (options.sprite && images.defined()) {
    const auto sheet = sprite_sheet(images, options.max_sprite_side, &files.thumbnail_width, &files.thumbnail_height,
                                    &files.grid_side);
    files.sprite = dir / "sprite.png";
    write_png(files.sprite, sheet);
  }

  // Paths are relative to the config's folder, so the folder can be moved or served.
  std::string config;
  for (size_t i = 0; i < tensors.size(); ++i) {
    config += "embeddings {\n  tensor_name: " + quoted(tensors[i].name) + "\n";
    config += "  tensor_shape: " + std::to_string(n) +
              "\n  tensor_shape: " + std::to_string(tensors[i].features.size(1)) + "\n";
    config += "  tensor_path: " + quoted(files.tensors[i].filename().string()) + "\n";
    config += "  metadata_path: \"metadata.tsv\"\n";
    if (!files.sprite.empty())
      config +=
          "  sprite {\n    image_path: \"sprite.png\"\n    single_image_dim: " + std::to_string(files.thumbnail_width) +
          "\n    single_image_dim: " + std::to_string(files.thumbnail_height) + "\n  }\n";
    config += "}\n";
  }
  files.config = dir / "projector_config.pbtxt";
  write_file_atomically(files.config, config);
  return files;
}

}  // namespace simclr
