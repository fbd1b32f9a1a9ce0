#include "engine/train/contrastive_step.h"

#include <chrono>

#include <torch/torch.h>

#include "engine/train/precision.h"
#include "engine/train/training_views.h"

namespace simclr {

ContrastiveForward contrastive_forward(SimCLRModel& model, const AugmentPipeline& pipeline, const ChannelStats& stats,
                                       const torch::Tensor& images, int64_t step,
                                       const ContrastiveStepSettings& settings, const ContrastiveLoss& loss) {
  const auto start = std::chrono::steady_clock::now();
  const int64_t batch = images.size(0);
  torch::Tensor views[2];
  const ViewDraw draw{settings.seed, step, settings.views_version, settings.positions};
  for (int v = 0; v < 2; ++v) views[v] = training_view(pipeline, images, draw, v, stats.mean, stats.std);
  // One copy joins the views in the memory format the encoder runs in.
  const auto format = settings.channels_last ? torch::MemoryFormat::ChannelsLast : torch::MemoryFormat::Contiguous;
  auto x = torch::empty({2 * batch, views[0].size(1), views[0].size(2), views[0].size(3)},
                        views[0].options().memory_format(format));
  x.slice(0, 0, batch).copy_(views[0]);
  x.slice(0, batch, 2 * batch).copy_(views[1]);
  ContrastiveForward out;
  out.augment_ms = 1000 * std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  torch::Tensor z;
  {
    AutocastGuard autocast(images.device(), settings.autocast);
    z = model->forward(x).z;
  }
  z = z.to(torch::kFloat);
  out.z1 = z.slice(0, 0, batch);
  out.z2 = z.slice(0, batch, 2 * batch);
  out.loss = loss(out.z1, out.z2);
  return out;
}

}  // namespace simclr
