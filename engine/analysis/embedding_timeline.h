#pragma once
// The embedding timeline: how a run's representation forms, checkpoint by checkpoint. For a
// fixed, stated subset of one split (class-balanced with labels, seeded random without), the
// features h and z at every kept checkpoint (cached in <run>/features/ as the other
// analyses do) are laid out in 2-D so that consecutive frames are comparable: t-SNE of each
// checkpoint started from the previous frame's layout (warm start) or PCA, then every frame
// standardised and rotated onto its predecessor (orthogonal Procrustes). Per frame it also
// keeps, for h and z, each image's neighbour stability (the share of its k neighbours it
// kept from the previous frame), a leave-one-out kNN top-1 within the subset when there are
// labels, and the label-free health of z and h.
//
// The result is saved as <run>/timeline/ (npy arrays + timeline.json), replaced atomically;
// a later computation with the same settings reuses the saved frames and only adds the
// checkpoints that came since (a run in progress extends its timeline).
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <torch/types.h>

#include "engine/core/job.h"

namespace simclr {

struct TrainedRun;

struct TimelineOptions {
  std::string split = "test";
  int64_t points = 2000;        // subset size; <= 0 or >= the split's size: all of it
  std::vector<int64_t> steps;   // checkpoints to use; empty = every one the run kept
  std::string method = "tsne";  // "tsne" or "pca"
  double perplexity = 30;
  int64_t iterations = 1000;      // t-SNE of the first frame
  int64_t warm_iterations = 500;  // t-SNE of later frames, started from the previous one
  uint64_t seed = 0;              // t-SNE and the random subset without labels
  int64_t stability_k = 10;       // neighbours compared between frames
  int64_t knn_k = 20;             // leave-one-out kNN
  std::string device = "auto";
  bool reuse = true;  // keep frames of a saved timeline computed with the same settings

  // Every problem with the settings themselves, as one message per problem.
  std::vector<std::string> problems() const;
  // Whether two option sets give the same frames (device and reuse do not count).
  bool same_frames_as(const TimelineOptions& other) const;
};

struct TimelineFeatureFrame {  // one feature kind ("h" or "z") at one checkpoint
  torch::Tensor layout;        // float [N, 2], standardised, aligned to the previous frame
  double scale = 1;            // the layout's spread before standardising (t-SNE's warm start)
  torch::Tensor neighbours;    // int64 [N, stability_k]: each image's nearest others
  torch::Tensor stability;     // float [N] in [0, 1]; NaN in the first frame
  double mean_stability = 0;   // NaN in the first frame
  double knn_top1 = 0;         // leave-one-out, in [0, 1]; NaN without labels
};

struct TimelineFrame {
  int64_t step = 0;
  TimelineFeatureFrame h, z;
  double uniformity = 0;      // of z (Wang & Isola)
  double z_std = 0;           // mean per-dimension std of normalised z
  double effective_rank = 0;  // of h

  const TimelineFeatureFrame& features(const std::string& which) const;  // "h" or "z"
};

struct EmbeddingTimeline {
  TimelineOptions options;
  int64_t split_size = 0;
  std::string subset;     // how the subset was drawn, in words
  torch::Tensor indices;  // int64 [N], the split rows of the points, ascending
  torch::Tensor labels;   // int64 [N]; undefined without labels
  std::vector<std::string> class_names;
  std::vector<TimelineFrame> frames;  // by step, ascending
  int64_t reused_frames = 0;          // frames taken from the saved timeline
  double seconds = 0;

  bool has_labels() const { return labels.defined(); }
};

// The steps a timeline lays out by default, ascending: the run's timeline snapshots and its
// newest checkpoint past them (a run without snapshots: all its checkpoints).
std::vector<int64_t> timeline_checkpoint_steps(const std::filesystem::path& run_dir);

// Computes (or extends) the timeline of a run and saves it in <run>/timeline/. Progress
// stage "timeline", one unit per checkpoint's features and per layout. Throws ConfigError
// for bad options (a step the run did not keep names the ones it did), DataError for a run
// without checkpoints or an unreadable one, CancelledError on stop.
EmbeddingTimeline compute_timeline(const std::filesystem::path& run_dir, const TimelineOptions& options,
                                   const JobCallbacks& callbacks = {}, const StopToken& stop = {});
// The same on a run already opened (its data, model and device; options.device does not
// count), for callers that also need the run's images: the run's checkpoint changes.
EmbeddingTimeline compute_timeline(TrainedRun& run, const TimelineOptions& options, const JobCallbacks& callbacks = {},
                                   const StopToken& stop = {});

std::filesystem::path timeline_dir(const std::filesystem::path& run_dir);

// Writes the timeline into `dir`, replacing what was there in one atomic step.
void save_timeline(const std::filesystem::path& dir, const EmbeddingTimeline& timeline);
// Reads a saved timeline. Throws DataError naming the file for a missing or damaged one.
EmbeddingTimeline load_timeline(const std::filesystem::path& dir);

}  // namespace simclr
