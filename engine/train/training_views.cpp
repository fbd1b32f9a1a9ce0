#include "engine/train/training_views.h"

#include <torch/torch.h>

#include "engine/core/error.h"
#include "engine/train/view_generator.h"

namespace simclr {

torch::Tensor training_view(const AugmentPipeline& pipeline, const torch::Tensor& images, const ViewDraw& draw,
                            int view, const std::vector<double>& mean, const std::vector<double>& std) {
  if (draw.version == 1) {
    auto gen = view_generator(draw.seed, draw.step, view);
    return pipeline.apply_normalized(images, gen, mean, std);
  }
  const int64_t batch = images.size(0);
  if (!draw.positions.empty() && static_cast<int64_t>(draw.positions.size()) != batch)
    throw ConfigError("training_view: " + std::to_string(draw.positions.size()) + " positions for " +
                      std::to_string(batch) + " images");
  std::vector<torch::Tensor> views;
  views.reserve(batch);
  for (int64_t i = 0; i < batch; ++i) {
    auto gen = image_view_generator(draw.seed, draw.step, view, draw.positions.empty() ? i : draw.positions[i]);
    views.push_back(pipeline.apply_normalized(images.slice(0, i, i + 1), gen, mean, std));
  }
  return torch::cat(views);
}

}  // namespace simclr
