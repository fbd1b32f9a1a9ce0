#pragma once
// What an embedding layout needs beyond its coordinates: the whole split's features (for
// neighbour search), labels and images (for thumbnails). Shared read-only between the job
// that built it and the panel. Includes Torch: include it from .cpp files only, never from
// a header moc reads.
#include <string>
#include <vector>

#include <torch/types.h>

#include "engine/data/image_dataset.h"
#include "engine/eval/neighbour_search.h"

namespace simclr::gui {

struct EmbeddingSplitData {
  std::string split;     // "train" or "test"
  std::string features;  // "h" or "z"
  int64_t step = 0;
  torch::Tensor labels;  // int64 [N], the whole split
  ImageDataset images;   // the whole split, uint8 [N, C, H, W]
  NeighbourIndex index;  // cosine search over the split's features, with labels
};

}  // namespace simclr::gui
