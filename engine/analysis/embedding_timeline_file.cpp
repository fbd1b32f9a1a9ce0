// <run>/timeline/: timeline.json (settings, steps, per-frame metrics, class names) beside
// NumPy arrays, so a notebook can read it with numpy.load:
//   indices.npy [N] int64, labels.npy [N] int64 (with labels only),
//   layouts-{h,z}.npy [F, N, 2] float32, stability-{h,z}.npy [F, N] float32 (NaN in frame 0),
//   neighbours-{h,z}.npy [F, N, k] int64.
// The folder is written beside the old one and swapped in with one rename (RENAME_EXCHANGE),
// so a reader sees the old timeline or the new one, never a mixture.
#include "engine/analysis/embedding_timeline.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>

#include <fcntl.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "engine/core/atomic_file.h"
#include "engine/core/error.h"
#include "engine/eval/npy_file.h"

namespace simclr {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr int kFormatVersion = 1;
const char* const kKinds[] = {"h", "z"};

json number_or_null(double value) {
  return std::isfinite(value) ? json(value) : json(nullptr);
}

double number_from(const json& value) {
  return value.is_number() ? value.get<double>() : std::numeric_limits<double>::quiet_NaN();
}

TimelineFeatureFrame& kind_of(TimelineFrame& frame, const std::string& kind) {
  return kind == "h" ? frame.h : frame.z;
}

json settings_json(const TimelineOptions& o) {
  return {{"split", o.split},
          {"points", o.points},
          {"method", o.method},
          {"perplexity", o.perplexity},
          {"iterations", o.iterations},
          {"warm_iterations", o.warm_iterations},
          {"seed", o.seed},
          {"stability_k", o.stability_k},
          {"knn_k", o.knn_k}};
}

TimelineOptions settings_from(const json& j) {
  TimelineOptions o;
  o.split = j.at("split").get<std::string>();
  o.points = j.at("points").get<int64_t>();
  o.method = j.at("method").get<std::string>();
  o.perplexity = j.at("perplexity").get<double>();
  o.iterations = j.at("iterations").get<int64_t>();
  o.warm_iterations = j.at("warm_iterations").get<int64_t>();
  o.seed = j.at("seed").get<uint64_t>();
  o.stability_k = j.at("stability_k").get<int64_t>();
  o.knn_k = j.at("knn_k").get<int64_t>();
  return o;
}

void write_arrays(const fs::path& dir, const EmbeddingTimeline& t) {
  write_npy(dir / "indices.npy", t.indices);
  if (t.has_labels()) write_npy(dir / "labels.npy", t.labels);
  for (const std::string kind : kKinds) {
    std::vector<torch::Tensor> layouts, stability, neighbours;
    for (const auto& frame : t.frames) {
      const auto& f = frame.features(kind);
      layouts.push_back(f.layout);
      stability.push_back(f.stability);
      neighbours.push_back(f.neighbours);
    }
    write_npy(dir / ("layouts-" + kind + ".npy"), torch::stack(layouts));
    write_npy(dir / ("stability-" + kind + ".npy"), torch::stack(stability));
    write_npy(dir / ("neighbours-" + kind + ".npy"), torch::stack(neighbours));
  }
}

json timeline_json(const EmbeddingTimeline& t) {
  json frames = json::array();
  for (const auto& f : t.frames)
    frames.push_back({{"step", f.step},
                      {"knn_top1_h", number_or_null(f.h.knn_top1)},
                      {"knn_top1_z", number_or_null(f.z.knn_top1)},
                      {"stability_h", number_or_null(f.h.mean_stability)},
                      {"stability_z", number_or_null(f.z.mean_stability)},
                      {"uniformity", number_or_null(f.uniformity)},
                      {"z_std", number_or_null(f.z_std)},
                      {"effective_rank", number_or_null(f.effective_rank)},
                      {"layout_scale_h", f.h.scale},
                      {"layout_scale_z", f.z.scale}});
  return {{"format", "simclr-timeline"}, {"version", kFormatVersion},    {"settings", settings_json(t.options)},
          {"split_size", t.split_size},  {"subset", t.subset},           {"points", t.indices.size(0)},
          {"labels", t.has_labels()},    {"class_names", t.class_names}, {"frames", frames}};
}

// Swaps `fresh` into `target`'s place (atomically when target exists) and removes the old.
void replace_folder(const fs::path& fresh, const fs::path& target) {
  std::error_code ec;
  if (fs::exists(target, ec)) {
    if (::renameat2(AT_FDCWD, fresh.c_str(), AT_FDCWD, target.c_str(), RENAME_EXCHANGE) != 0)
      throw IoError(target.string() + ": cannot replace the timeline folder (" + std::strerror(errno) + ")");
    fs::remove_all(fresh, ec);  // now holds the old timeline
    return;
  }
  fs::rename(fresh, target, ec);
  if (ec) throw IoError(target.string() + ": cannot move the new timeline in place (" + ec.message() + ")");
}

torch::Tensor read_array(const fs::path& file, int64_t frames, int64_t points, const char* what) {
  auto array = read_npy(file);
  if (array.dim() < 2 || array.size(0) != frames || array.size(1) != points)
    throw DataError(file.string() + ": " + what + " do not match timeline.json (" + std::to_string(frames) +
                    " frames of " + std::to_string(points) + " points)");
  return array;
}

}  // namespace

void save_timeline(const fs::path& dir, const EmbeddingTimeline& timeline) {
  if (timeline.frames.empty()) throw ConfigError("timeline: nothing to save (no frames)");
  const fs::path fresh = temporary_sibling(dir);  // removed as abandoned if this process is killed
  std::error_code ec;
  fs::remove_all(fresh, ec);
  fs::create_directories(fresh, ec);
  if (ec) throw IoError(fresh.string() + ": cannot create (" + ec.message() + ")");
  try {
    write_arrays(fresh, timeline);
    write_file_atomically(fresh / "timeline.json", timeline_json(timeline).dump(2) + "\n");
    replace_folder(fresh, dir);
  } catch (...) {
    fs::remove_all(fresh, ec);
    throw;
  }
}

EmbeddingTimeline load_timeline(const fs::path& dir) {
  const fs::path file = dir / "timeline.json";
  EmbeddingTimeline t;
  try {
    const json j = json::parse(read_file(file));
    if (j.value("format", "") != "simclr-timeline" || j.value("version", 0) != kFormatVersion)
      throw DataError(file.string() + ": not a timeline of format version " + std::to_string(kFormatVersion));
    t.options = settings_from(j.at("settings"));
    t.split_size = j.at("split_size").get<int64_t>();
    t.subset = j.value("subset", "");
    t.class_names = j.at("class_names").get<std::vector<std::string>>();
    for (const auto& f : j.at("frames")) {
      TimelineFrame frame;
      frame.step = f.at("step").get<int64_t>();
      frame.h.knn_top1 = number_from(f.at("knn_top1_h"));
      frame.z.knn_top1 = number_from(f.at("knn_top1_z"));
      frame.h.mean_stability = number_from(f.at("stability_h"));
      frame.z.mean_stability = number_from(f.at("stability_z"));
      frame.uniformity = number_from(f.at("uniformity"));
      frame.z_std = number_from(f.at("z_std"));
      frame.effective_rank = number_from(f.at("effective_rank"));
      frame.h.scale = f.value("layout_scale_h", 1.0);
      frame.z.scale = f.value("layout_scale_z", 1.0);
      t.frames.push_back(frame);
    }
    if (t.frames.empty()) throw DataError(file.string() + ": the timeline has no frames");
    t.indices = read_npy(dir / "indices.npy");
    const int64_t n = t.indices.size(0), frames = static_cast<int64_t>(t.frames.size());
    if (j.at("labels").get<bool>()) {
      t.labels = read_npy(dir / "labels.npy").to(torch::kLong);
      if (t.labels.dim() != 1 || t.labels.size(0) != n)
        throw DataError((dir / "labels.npy").string() + ": not one label per point of indices.npy");
    }
    for (const std::string kind : kKinds) {
      const auto layouts = read_array(dir / ("layouts-" + kind + ".npy"), frames, n, "layouts");
      const auto stability = read_array(dir / ("stability-" + kind + ".npy"), frames, n, "stabilities");
      const auto neighbours = read_array(dir / ("neighbours-" + kind + ".npy"), frames, n, "neighbours");
      for (int64_t f = 0; f < frames; ++f) {
        auto& frame = kind_of(t.frames[f], kind);
        frame.layout = layouts[f].to(torch::kFloat);
        frame.stability = stability[f].to(torch::kFloat);
        frame.neighbours = neighbours[f].to(torch::kLong);
      }
    }
  } catch (const json::exception& e) {
    throw DataError(file.string() + ": " + e.what());
  }
  return t;
}

}  // namespace simclr
