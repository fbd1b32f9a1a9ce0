#pragma once
// The positive-pair inspector's computation: how one image's two augmented views fare
// against the negatives of a contrastive batch, for a trained checkpoint.
//
// The batch is the query image and B-1 other training images drawn with a seeded generator;
// both views of every image come from the trainer's own view generator and the run's
// augmentation (or a given one), go through the model in eval mode, and are compared by
// cosine similarity of the normalised projections z, exactly the similarity NT-Xent uses.
// For the query's first view, the positive is its second view and the negatives are the
// 2B-2 views of the other images.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <torch/types.h>

#include "engine/core/job.h"
#include "engine/analysis/trained_run.h"

namespace simclr {

struct PositivePairOptions {
  std::string split = "train";  // the query image's split; the other images are training images
  int64_t batch_size = 256;     // B, the query included
  uint64_t seed = 0;            // draws the other images and the views
  int64_t hardest = 8;          // hardest negatives to report (at most 2B-2)
  nlohmann::json augmentation;  // null: the run's own augmentation
  int64_t forward_batch = 0;    // views per forward pass; 0 = the run's evaluation batch size
};

struct HardNegative {
  int64_t batch_position = 0;  // 1..B-1 in the batch (0 is the query)
  int64_t index = 0;           // its row in the training split
  int view = 0;                // which of its views (0 or 1)
  float similarity = 0;        // cosine similarity to the query's first view
  int64_t label = -1;
};

struct PositivePairResult {
  std::string split;
  int64_t index = 0;  // the query's row in `split`
  int64_t label = -1;
  int64_t step = 0;  // the checkpoint's
  int64_t batch_size = 0;
  std::vector<int64_t> batch_indices;  // training rows of batch positions 1..B-1
  torch::Tensor view1, view2;          // float [C, H, W] in [0, 1]: the query's views
  float positive_similarity = 0;       // cosine of z(view1), z(view2)
  // 1 + the number of negatives more similar to view 1 than view 2 is (ties favour the
  // positive): 1 = the positive wins, 2B-1 = every negative beats it.
  int64_t rank = 0;
  int64_t negatives = 0;              // 2B-2
  std::vector<HardNegative> hardest;  // most similar first; equal similarities by position
  torch::Tensor hardest_views;        // float [k, C, H, W] in [0, 1], the negatives' views
};

// Throws ConfigError for an index outside the split, a batch size below 2 or above what the
// training split can fill, or a bad augmentation spec. Stops when `stop`
// is requested between forward passes (CancelledError).
PositivePairResult positive_pair(TrainedRun& run, int64_t index, const PositivePairOptions& options,
                                 const JobCallbacks& callbacks = {}, const StopToken& stop = {});

}  // namespace simclr
