// Computing the embedding timeline: features per checkpoint, warm-started and aligned
// layouts, neighbour stability and per-frame metrics. Saving and loading are in
// embedding_timeline_file.cpp.
#include "engine/analysis/embedding_timeline.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>

#include <torch/torch.h>

#include "engine/analysis/run_features.h"
#include "engine/analysis/trained_run.h"
#include "engine/core/error.h"
#include "engine/core/seeding.h"
#include "engine/eval/balanced_sample.h"
#include "engine/eval/embedding_health.h"
#include "engine/eval/layout_alignment.h"
#include "engine/eval/pca.h"
#include "engine/eval/set_neighbours.h"
#include "engine/eval/tsne.h"
#include "engine/project/run_folder.h"

namespace simclr {

namespace fs = std::filesystem;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr const char* kStage = "timeline";

// Every model the run kept, by step: its timeline snapshots and its resume checkpoints.
std::map<int64_t, fs::path> kept_models(const fs::path& run_dir) {
  const RunFolder run(run_dir);
  std::map<int64_t, fs::path> files = step_files(run.snapshot_dir());
  files.merge(step_files(run.checkpoint_dir()));  // a snapshot and a checkpoint of one step hold the same model
  return files;
}

// The frames by default: the snapshots and the newest checkpoint past them, so that pruned
// checkpoints never take a frame out of the middle (later frames, warm-started from it,
// would all be computed again); a run without snapshots: all its checkpoints.
std::map<int64_t, fs::path> default_frames(const fs::path& run_dir) {
  const RunFolder run(run_dir);
  std::map<int64_t, fs::path> files = step_files(run.snapshot_dir());
  const auto checkpoints = step_files(run.checkpoint_dir());
  if (files.empty()) return checkpoints;
  if (!checkpoints.empty() && checkpoints.rbegin()->first > files.rbegin()->first)
    files.insert(*checkpoints.rbegin());
  return files;
}

std::string list_steps(const std::map<int64_t, fs::path>& files) {
  std::string text;
  for (const auto& [step, file] : files) text += (text.empty() ? "" : ", ") + std::to_string(step);
  return text.empty() ? "none" : text;
}

// The checkpoints to lay out, by step: all, or the requested ones (each must exist).
std::vector<std::pair<int64_t, fs::path>> frames_to_compute(const fs::path& run_dir, const TimelineOptions& o) {
  std::error_code ec;
  if (!fs::is_directory(run_dir, ec)) throw DataError(run_dir.string() + ": no such run folder");
  if (o.steps.empty()) {
    const auto frames = default_frames(run_dir);
    if (frames.empty()) throw DataError(run_dir.string() + ": the run has no checkpoint or snapshot yet");
    return {frames.begin(), frames.end()};
  }
  const auto files = kept_models(run_dir);
  if (files.empty()) throw DataError(run_dir.string() + ": the run has no checkpoint or snapshot yet");
  std::vector<std::pair<int64_t, fs::path>> chosen;
  for (const int64_t step : o.steps) {
    const auto it = files.find(step);
    if (it == files.end())
      throw ConfigError("timeline: the run kept no snapshot or checkpoint at step " + std::to_string(step) +
                        " (it kept: " + list_steps(files) + ")");
    chosen.push_back(*it);
  }
  std::sort(chosen.begin(), chosen.end());
  chosen.erase(std::unique(chosen.begin(), chosen.end()), chosen.end());
  return chosen;
}

// The subset's split rows, ascending, and how they were chosen.
std::pair<torch::Tensor, std::string> choose_subset(const ImageDataset& split, bool labelled,
                                                    const TimelineOptions& o) {
  const int64_t n = split.size();
  const int64_t wanted = o.points <= 0 || o.points >= n ? n : o.points;
  if (labelled) {
    auto indices = class_balanced_indices(split.labels, wanted);
    const std::string how = indices.size(0) == n
                                ? "the whole " + o.split + " split"
                                : "class-balanced: the first images of each class in " + o.split + " split order";
    return {indices, how};
  }
  auto generator = make_generator(derive_seed(o.seed, {0x7153}));
  auto indices = std::get<0>(at::randperm(n, generator, torch::kLong).slice(0, 0, wanted).sort());
  return {indices, wanted == n ? "the whole " + o.split + " split"
                               : "random, seed " + std::to_string(o.seed) + ", in " + o.split + " split order"};
}

// The frame's layout (standardised, aligned to the previous frame) and its spread before.
std::pair<torch::Tensor, double> layout_of(const torch::Tensor& features, const TimelineFeatureFrame* previous,
                                           const TimelineOptions& o, const StopToken& stop) {
  torch::Tensor layout;
  if (o.method == "pca") {
    PcaOptions pca_options;
    pca_options.seed = o.seed;
    layout = pca(features, pca_options).projected;
  } else {
    TsneOptions tsne_options;
    tsne_options.perplexity = o.perplexity;
    tsne_options.seed = o.seed;
    tsne_options.kl_every = 0;
    if (previous) {
      // Continue from the previous frame at its own scale, without early exaggeration:
      // the arrangement stays and only what the new features change moves.
      tsne_options.iterations = o.warm_iterations;
      tsne_options.exaggeration_iterations = 0;
      tsne_options.initial = previous->layout * previous->scale;
      tsne_options.rescale_initial = false;
    } else {
      tsne_options.iterations = o.iterations;
      tsne_options.exaggeration_iterations = std::min<int64_t>(250, o.iterations / 4);
    }
    layout = tsne(features, tsne_options, {}, stop).embedding;
  }
  const auto centred = layout - layout.mean(0, /*keepdim=*/true);
  const double scale = std::sqrt(centred.pow(2).sum(1).mean().item<double>() / double(layout.size(1)));
  layout = standardize_layout(layout);
  return {previous ? procrustes_align(layout, previous->layout) : layout, scale > 0 ? scale : 1.0};
}

TimelineFeatureFrame feature_frame(const torch::Tensor& features, const torch::Tensor& labels,
                                   const TimelineFeatureFrame* previous, const TimelineOptions& o,
                                   const StopToken& stop) {
  TimelineFeatureFrame frame;
  std::tie(frame.layout, frame.scale) = layout_of(features, previous, o, stop);
  const SetNeighbours near = neighbours_within_set(features, std::max(o.stability_k, o.knn_k));
  frame.neighbours = near.indices.slice(1, 0, o.stability_k).contiguous();
  if (previous) {
    frame.stability = neighbour_stability(previous->neighbours, frame.neighbours);
    frame.mean_stability = frame.stability.mean().item<double>();
  } else {
    frame.stability = torch::full({features.size(0)}, kNaN, torch::kFloat);
    frame.mean_stability = kNaN;
  }
  frame.knn_top1 = labels.defined() ? leave_one_out_knn_top1(near, labels, o.knn_k) : kNaN;
  return frame;
}

// The saved timeline when it was computed with the same settings over the same points.
EmbeddingTimeline reusable_timeline(const fs::path& run_dir, const TimelineOptions& o, const torch::Tensor& indices,
                                    const JobCallbacks& callbacks) {
  const fs::path dir = timeline_dir(run_dir);
  std::error_code ec;
  if (!o.reuse || !fs::exists(dir / "timeline.json", ec)) return {};
  try {
    EmbeddingTimeline saved = load_timeline(dir);
    if (saved.options.same_frames_as(o) && torch::equal(saved.indices, indices)) return saved;
  } catch (const Error& e) {
    callbacks.log(LogLevel::Warning, std::string("the saved timeline is not reused: ") + e.what());
  }
  return {};
}

}  // namespace

std::vector<std::string> TimelineOptions::problems() const {
  std::vector<std::string> found;
  if (split != "train" && split != "test") found.push_back("split '" + split + "': use train or test");
  if (method != "tsne" && method != "pca") found.push_back("method '" + method + "': use tsne or pca");
  if (!(perplexity > 0) || !std::isfinite(perplexity)) found.push_back("perplexity must be above 0");
  if (iterations < 1 || warm_iterations < 1) found.push_back("iterations and warm iterations must be >= 1");
  if (stability_k < 1 || knn_k < 1) found.push_back("the neighbour counts must be >= 1");
  for (const int64_t step : steps)
    if (step < 0) found.push_back("step " + std::to_string(step) + " is negative");
  return found;
}

bool TimelineOptions::same_frames_as(const TimelineOptions& other) const {
  return split == other.split && points == other.points && method == other.method && perplexity == other.perplexity &&
         iterations == other.iterations && warm_iterations == other.warm_iterations && seed == other.seed &&
         stability_k == other.stability_k && knn_k == other.knn_k;
}

const TimelineFeatureFrame& TimelineFrame::features(const std::string& which) const {
  if (which == "h") return h;
  if (which == "z") return z;
  throw ConfigError("features '" + which + "': use h (backbone) or z (projection)");
}

std::vector<int64_t> timeline_checkpoint_steps(const fs::path& run_dir) {
  std::vector<int64_t> steps;
  for (const auto& [step, file] : default_frames(run_dir)) steps.push_back(step);
  return steps;
}

fs::path timeline_dir(const fs::path& run_dir) {
  return run_dir / "timeline";
}

EmbeddingTimeline compute_timeline(const fs::path& run_dir, const TimelineOptions& options,
                                   const JobCallbacks& callbacks, const StopToken& stop) {
  if (const auto problems = options.problems(); !problems.empty()) throw ConfigError("timeline: " + problems.front());
  const auto checkpoints = frames_to_compute(run_dir, options);  // names a bad step before any loading
  TrainedRun run = open_trained_run(run_dir, checkpoints.front().second.string(), options.device);
  return compute_timeline(run, options, callbacks, stop);
}

EmbeddingTimeline compute_timeline(TrainedRun& run, const TimelineOptions& options, const JobCallbacks& callbacks,
                                   const StopToken& stop) {
  const auto started = std::chrono::steady_clock::now();
  if (const auto problems = options.problems(); !problems.empty()) throw ConfigError("timeline: " + problems.front());
  const fs::path& run_dir = run.run_dir;
  const auto checkpoints = frames_to_compute(run_dir, options);
  const ImageDataset& split = run.split(options.split);

  EmbeddingTimeline timeline;
  timeline.options = options;
  timeline.split_size = split.size();
  timeline.class_names = split.class_names;
  const bool labelled = !split.class_names.empty() && split.labels.defined();
  std::tie(timeline.indices, timeline.subset) = choose_subset(split, labelled, options);
  const int64_t n = timeline.indices.size(0);
  if (n <= std::max(options.stability_k, options.knn_k) || (options.method == "tsne" && n <= options.perplexity))
    throw ConfigError("timeline: " + std::to_string(n) + " points are too few for " +
                      std::to_string(std::max(options.stability_k, options.knn_k)) + " neighbours and perplexity " +
                      std::to_string(options.perplexity));
  if (labelled) timeline.labels = split.labels.index_select(0, timeline.indices);

  EmbeddingTimeline saved = reusable_timeline(run_dir, options, timeline.indices, callbacks);
  const ProgressClock clock(kStage, static_cast<long long>(checkpoints.size()) * 3);
  JobCallbacks quiet;  // inner stages log, the timeline alone reports progress
  quiet.on_log = [&](LogLevel level, const std::string& text) {
    if (level != LogLevel::Info) callbacks.log(level, text);
  };
  for (size_t f = 0; f < checkpoints.size(); ++f) {
    const auto& [step, file] = checkpoints[f];
    // A saved frame stays valid while every frame before it is also a saved one.
    if (f < saved.frames.size() && saved.frames[f].step == step && timeline.reused_frames == int64_t(f)) {
      timeline.frames.push_back(saved.frames[f]);
      ++timeline.reused_frames;
      callbacks.progress(clock.at(3 * (f + 1)));
      continue;
    }
    stop.throw_if_stopped(kStage);
    if (run.step != step || run.checkpoint != file) load_run_checkpoint(run, file);
    const SplitFeatures features = run_features(run, options.split, {}, quiet, stop);
    const auto h = features.h.index_select(0, timeline.indices);
    const auto z = features.z.index_select(0, timeline.indices);
    callbacks.progress(clock.at(3 * f + 1));
    const TimelineFrame* previous = timeline.frames.empty() ? nullptr : &timeline.frames.back();
    TimelineFrame frame;
    frame.step = step;
    frame.h = feature_frame(h, timeline.labels, previous ? &previous->h : nullptr, options, stop);
    callbacks.progress(clock.at(3 * f + 2));
    frame.z = feature_frame(z, timeline.labels, previous ? &previous->z : nullptr, options, stop);
    frame.uniformity = uniformity(z);
    frame.z_std = normalized_std(z);
    frame.effective_rank = effective_rank(h);
    timeline.frames.push_back(std::move(frame));
    callbacks.progress(clock.at(3 * (f + 1)));
  }
  save_timeline(timeline_dir(run_dir), timeline);
  timeline.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return timeline;
}

}  // namespace simclr
