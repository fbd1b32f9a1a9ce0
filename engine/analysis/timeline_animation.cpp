#include "engine/analysis/timeline_animation.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>

#include <torch/torch.h>

#include "engine/core/atomic_file.h"
#include "engine/core/error.h"

#ifdef SIMCLR_HAVE_OPENCV
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#endif
#ifdef SIMCLR_HAVE_OPENCV_VIDEO
#include <opencv2/videoio.hpp>
#endif

namespace simclr {

namespace fs = std::filesystem;

std::vector<std::string> AnimationOptions::problems() const {
  std::vector<std::string> found;
  if (features != "h" && features != "z") found.push_back("features '" + features + "': use h or z");
  if (size < 64 || size > 4096 || size % 2) found.push_back("size must be an even number of pixels in [64, 4096]");
  if (fps < 1 || fps > 120) found.push_back("fps must be in [1, 120]");
  if (tween < 0 || hold < 0) found.push_back("tween and hold must be >= 0");
  return found;
}

int64_t animation_frame_count(int64_t checkpoints, const AnimationOptions& o) {
  return checkpoints < 1 ? 0 : (checkpoints - 1) * (o.tween + 1) + 1 + o.hold;
}

#ifdef SIMCLR_HAVE_OPENCV

namespace {

// Tableau 10 (as matplotlib's tab10), BGR: the colours the workbench's scatter uses.
const cv::Scalar kClassColours[] = {{180, 119, 31}, {14, 127, 255},  {44, 160, 44},   {40, 39, 214},  {189, 103, 148},
                                    {75, 86, 140},  {194, 119, 227}, {127, 127, 127}, {34, 189, 188}, {207, 190, 23}};

std::string percent(double value) {
  if (!std::isfinite(value)) return "-";
  char text[16];
  std::snprintf(text, sizeof text, "%.1f%%", 100 * value);
  return text;
}

class FrameRenderer {
 public:
  FrameRenderer(const EmbeddingTimeline& t, const AnimationOptions& o) : t_(t), o_(o) {
    // One fixed scale for all frames: the largest |coordinate| of any frame, with a margin.
    float extent = 1e-6f;
    for (const auto& frame : t.frames)
      extent = std::max(extent, frame.features(o.features).layout.abs().max().item<float>());
    scale_ = (o.size / 2.0 - 24) / extent;
    if (t.has_labels()) {  // read once, not per point and frame
      const auto labels = t.labels.to(torch::kCPU, torch::kLong).contiguous();
      labels_.assign(labels.data_ptr<int64_t>(), labels.data_ptr<int64_t>() + labels.numel());
    }
  }

  int64_t frames() const { return animation_frame_count(static_cast<int64_t>(t_.frames.size()), o_); }

  // Frame i: checkpoint f, or between f and f + 1 at fraction s.
  cv::Mat render(int64_t i) const {
    const int64_t per = o_.tween + 1, last = static_cast<int64_t>(t_.frames.size()) - 1;
    const int64_t f = std::min(i / per, last);
    const double s = f == last ? 0.0 : double(i % per) / per;
    const double eased = s * s * (3 - 2 * s);  // smoothstep: points start and stop gently
    const auto& a = t_.frames[f].features(o_.features);
    torch::Tensor layout = a.layout;
    if (eased > 0) layout = a.layout + (t_.frames[f + 1].features(o_.features).layout - a.layout) * eased;
    layout = layout.contiguous();

    cv::Mat image(o_.size, o_.size, CV_8UC3, cv::Scalar(255, 255, 255));
    const float* xy = layout.data_ptr<float>();
    const int64_t n = layout.size(0);
    const float* stability = a.stability.data_ptr<float>();
    for (int64_t p = 0; p < n; ++p) {
      const cv::Point centre(int(std::lround(o_.size / 2.0 + xy[2 * p] * scale_)),
                             int(std::lround(o_.size / 2.0 - xy[2 * p + 1] * scale_)));
      cv::circle(image, centre, 2, colour(p, stability[p]), cv::FILLED, cv::LINE_AA);
    }
    caption(image, s > 0.5 && f < last ? f + 1 : f);
    return image;
  }

 private:
  cv::Scalar colour(int64_t point, float stability) const {
    if (!labels_.empty()) return kClassColours[labels_[size_t(point)] % 10];
    // Without labels: red (moved) to blue (kept its neighbours); grey before the first step.
    if (!std::isfinite(stability)) return {128, 128, 128};
    return {255.0 * stability, 60, 255.0 * (1 - stability)};
  }

  void caption(cv::Mat& image, int64_t f) const {
    const auto& frame = t_.frames[f];
    const auto& kind = frame.features(o_.features);
    std::string text = "step " + std::to_string(frame.step) + "   " + o_.features;
    if (std::isfinite(kind.knn_top1)) text += "   kNN " + percent(kind.knn_top1);
    if (std::isfinite(kind.mean_stability)) text += "   kept neighbours " + percent(kind.mean_stability);
    cv::putText(image, text, {12, 24}, cv::FONT_HERSHEY_SIMPLEX, 0.55, {40, 40, 40}, 1, cv::LINE_AA);
    legend(image);
  }

  // The class colours along the bottom edge, or the stability scale without labels.
  void legend(cv::Mat& image) const {
    const int y = o_.size - 12;
    int x = 12;
    const auto entry = [&](const cv::Scalar& colour, const std::string& name) {
      cv::circle(image, {x + 4, y - 4}, 4, colour, cv::FILLED, cv::LINE_AA);
      cv::putText(image, name, {x + 12, y}, cv::FONT_HERSHEY_SIMPLEX, 0.4, {60, 60, 60}, 1, cv::LINE_AA);
      int baseline = 0;
      x += 24 + cv::getTextSize(name, cv::FONT_HERSHEY_SIMPLEX, 0.4, 1, &baseline).width;
    };
    if (!t_.has_labels()) {
      entry(colour(0, 0.0f), "moved");
      entry(colour(0, 1.0f), "kept its neighbours");
      return;
    }
    for (size_t c = 0; c < t_.class_names.size() && x < o_.size - 40; ++c)
      entry(kClassColours[c % 10], t_.class_names[c]);
  }

  const EmbeddingTimeline& t_;
  const AnimationOptions& o_;
  double scale_ = 1;
  std::vector<int64_t> labels_;  // empty without labels
};

void check_animation(const EmbeddingTimeline& t, const AnimationOptions& o) {
  if (const auto problems = o.problems(); !problems.empty()) throw ConfigError("animation: " + problems.front());
  if (t.frames.empty()) throw ConfigError("animation: the timeline has no frames");
}

void render_all(const FrameRenderer& renderer, const std::function<void(int64_t, const cv::Mat&)>& sink,
                const JobCallbacks& callbacks, const StopToken& stop) {
  const ProgressClock clock("animation", renderer.frames());
  for (int64_t i = 0; i < renderer.frames(); ++i) {
    stop.throw_if_stopped("animation");
    sink(i, renderer.render(i));
    callbacks.progress(clock.at(i + 1));
  }
}

}  // namespace

bool can_write_timeline_frames() {
  return true;
}

void write_timeline_frames(const EmbeddingTimeline& timeline, const fs::path& dir, const AnimationOptions& options,
                           const JobCallbacks& callbacks, const StopToken& stop) {
  check_animation(timeline, options);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw IoError(dir.string() + ": cannot create (" + ec.message() + ")");
  const FrameRenderer renderer(timeline, options);
  render_all(
      renderer,
      [&](int64_t i, const cv::Mat& image) {
        char name[32];
        std::snprintf(name, sizeof name, "frame-%05lld.png", static_cast<long long>(i + 1));
        std::vector<unsigned char> png;
        if (!cv::imencode(".png", image, png)) throw IoError((dir / name).string() + ": PNG encoding failed");
        write_file_atomically(dir / name, std::string(png.begin(), png.end()));
      },
      callbacks, stop);
}

#else

bool can_write_timeline_frames() {
  return false;
}

void write_timeline_frames(const EmbeddingTimeline&, const fs::path&, const AnimationOptions&, const JobCallbacks&,
                           const StopToken&) {
  throw ConfigError("animation: this build has no OpenCV, so it cannot write PNG frames");
}

#endif

#ifdef SIMCLR_HAVE_OPENCV_VIDEO

bool can_write_timeline_video() {
  return true;
}

void write_timeline_video(const EmbeddingTimeline& timeline, const fs::path& file, const AnimationOptions& options,
                          const JobCallbacks& callbacks, const StopToken& stop) {
  check_animation(timeline, options);
  // OpenCV picks the container by extension, so the temporary name keeps it.
  // OpenCV picks the container by the extension, so it stays last.
  const fs::path partial = temporary_sibling(file).string() + file.extension().string();
  cv::VideoWriter writer(partial.string(), cv::VideoWriter::fourcc('m', 'p', '4', 'v'), options.fps,
                         cv::Size(options.size, options.size));
  if (!writer.isOpened())
    throw IoError(file.string() + ": OpenCV cannot open a video writer for it (use a .mp4 name in a writable folder)");
  const FrameRenderer renderer(timeline, options);
  std::error_code ec;
  try {
    render_all(
        renderer, [&](int64_t, const cv::Mat& image) { writer.write(image); }, callbacks, stop);
    writer.release();
  } catch (...) {
    writer.release();
    fs::remove(partial, ec);
    throw;
  }
  fs::rename(partial, file, ec);
  if (ec) {
    fs::remove(partial, ec);
    throw IoError(file.string() + ": cannot move the video in place");
  }
}

#else

bool can_write_timeline_video() {
  return false;
}

void write_timeline_video(const EmbeddingTimeline&, const fs::path& file, const AnimationOptions&, const JobCallbacks&,
                          const StopToken&) {
  throw ConfigError(file.string() + ": this build has no OpenCV video writer (opencv_videoio); use --frames DIR");
}

#endif

}  // namespace simclr
