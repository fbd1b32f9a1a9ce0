#pragma once
// Export for TensorBoard's Embedding Projector (projector.tensorflow.org, or TensorBoard's
// projector plugin pointed at the folder): one folder holding
//   tensors.tsv            one row per point, tab-separated features (several tensors:
//                          tensors-<name>.tsv each)
//   metadata.tsv           header "index\tlabel\tclass", then one row per point (the
//                          projector reads a header row when there is more than one column)
//   sprite.png             the points' images as thumbnails in a square grid, row by row,
//                          at most 8192 px per side (the projector's limit)
//   projector_config.pbtxt the ProjectorConfig text proto naming the files above
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <torch/types.h>

namespace simclr {

struct ProjectorTensor {
  std::string name;        // shown in the projector's tensor menu, e.g. "h test step 1000"
  torch::Tensor features;  // float [N, D]
};

struct ProjectorOptions {
  bool sprite = true;              // needs images
  int64_t max_sprite_side = 8192;  // pixels; thumbnails shrink so the grid fits
};

struct ProjectorFiles {
  std::filesystem::path dir;
  std::vector<std::filesystem::path> tensors;  // one per ProjectorTensor, in order
  std::filesystem::path metadata;
  std::filesystem::path sprite;  // empty without a sprite
  std::filesystem::path config;
  int64_t thumbnail_width = 0, thumbnail_height = 0;  // pixels of one sprite cell
  int64_t grid_side = 0;                              // cells per row and column
};

// tensors: one or more, all with the same N. labels: int64 [N]; class_names: index = label
// (may be empty: the class column repeats the label). images: uint8 [N, C, H, W] with C 1 or
// 3, or undefined for no sprite. indices: int64 [N], the points' rows in their split for
// the index column (undefined: 0..N-1). Creates `dir`; every file is written atomically.
// Throws ConfigError for inconsistent inputs, IoError when writing fails.
ProjectorFiles export_projector(const std::filesystem::path& dir, const std::vector<ProjectorTensor>& tensors,
                                const torch::Tensor& labels, const std::vector<std::string>& class_names,
                                const torch::Tensor& images, const torch::Tensor& indices = {},
                                const ProjectorOptions& options = {});

// The images uint8 [N, C, H, W] as thumbnails in a square grid of ceil(sqrt(N)) cells per
// side, row-major, empty cells black: uint8 [side * th, side * tw, C]. Thumbnails keep the
// images' size unless the grid would pass max_side pixels, then shrink (area averaging).
torch::Tensor sprite_sheet(const torch::Tensor& images, int64_t max_side, int64_t* thumbnail_width = nullptr,
                           int64_t* thumbnail_height = nullptr, int64_t* grid_side = nullptr);

}  // namespace simclr
