#pragma once
// The paper's evaluation of its ViT encoders: two linear layers with a ReLU between them
// (h -> hidden -> classes) on top of the encoder, trained end to end with Adam (lr 1e-4):
// the encoder is fine-tuned, not frozen. Works on a copy of the run's model, so the
// TrainedRun stays as it was loaded.
#include <cstdint>
#include <vector>

#include "engine/core/job.h"
#include "engine/analysis/trained_run.h"

namespace simclr {

struct FinetuneOptions {
  int64_t hidden = 512;
  int64_t epochs = 10;
  int64_t batch_size = 128;
  double learning_rate = 1e-4;
  bool flip = true;         // random horizontal flips of training images (seeded); no other augmentation
  int64_t train_limit = 0;  // class-balanced subset of the run's training split (0 = all of it)
  int64_t test_limit = 0;   // likewise for the test split
  bool autocast = true;     // the run's training precision (bf16 where it trained in bf16)
  uint64_t seed = 0;        // head initialisation, batch order and flips
};

struct FinetuneEpoch {
  int64_t epoch = 0;      // 1-based
  double train_loss = 0;  // mean over the epoch's batches
  double train_top1 = 0;  // on the epoch's (flipped) training batches, in training mode
  double test_top1 = 0;   // after the epoch, eval mode
  double seconds = 0;     // wall time since the start, test included
};

struct FinetuneResult {
  std::vector<FinetuneEpoch> epochs;
  double test_top1 = 0;       // after the last epoch
  double best_test_top1 = 0;  // over epochs
  int64_t train_size = 0, test_size = 0;
  double seconds = 0;  // wall time in total
};

// Normalisation and input size as in training (run.stats, run.image_size). Progress stage
// "finetune" with one step per training batch. Throws ConfigError for bad options,
// CancelledError on stop.
FinetuneResult finetune_probe(const TrainedRun& run, const FinetuneOptions& options = {},
                              const JobCallbacks& callbacks = {}, const StopToken& stop = {});

}  // namespace simclr
