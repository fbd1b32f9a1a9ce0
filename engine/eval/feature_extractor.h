#pragma once
// Embedding a set of images with a trained model: backbone features h and projections z,
// in eval mode (batch-norm running statistics, no gradients), batch by batch with progress.
#include <string>
#include <vector>

#include <torch/types.h>

#include "engine/data/image_dataset.h"

#include "engine/core/job.h"
#include "engine/models/simclr_model.h"

namespace simclr {

struct EmbedOptions {
  int64_t batch_size = 512;
  torch::Device device = torch::kCPU;
  std::vector<double> mean, std;  // the dataset's channel statistics
  int64_t image_size = 0;         // resize to this (the model's training size); 0 = as is
  bool channels_last = false;
  std::string stage = "embed";  // progress label
};

struct Embeddings {
  torch::Tensor h;  // float [N, feature_dim], on options.device
  torch::Tensor z;  // float [N, projection_dim], on options.device
};

// images: uint8 [N, C, H, W] on the CPU. Restores the model's training mode afterwards.
Embeddings embed_images(SimCLRModel& model, const torch::Tensor& images, const EmbedOptions& options,
                        const JobCallbacks& callbacks = {}, const StopToken& stop = {});
// The same for every image of a set, in memory or streamed (decoded batch by batch, the next
// batch decoding while the model runs).
Embeddings embed_dataset(SimCLRModel& model, const ImageDataset& images, const EmbedOptions& options,
                         const JobCallbacks& callbacks = {}, const StopToken& stop = {});

// uint8 [B, C, H, W] -> normalised float on `device`, resized to image_size when > 0.
torch::Tensor prepare_images(const torch::Tensor& images, const EmbedOptions& options);

}  // namespace simclr
