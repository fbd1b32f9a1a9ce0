#pragma once
// An embedding timeline as an animation: each checkpoint's layout drawn as coloured points
// (by class, or by neighbour stability without labels) on a fixed square canvas, with
// interpolated frames between checkpoints so points glide rather than jump, and the step
// and the frame's metrics written on it. Written as an MP4 video through OpenCV's video
// writer or as numbered PNG files; both need a build with OpenCV (videoio for the video).
#include <cstdint>
#include <filesystem>
#include <string>

#include "engine/analysis/embedding_timeline.h"
#include "engine/core/job.h"

namespace simclr {

struct AnimationOptions {
  std::string features = "h";  // "h" or "z"
  int size = 720;              // square frame side in pixels (even, for video codecs)
  int fps = 25;
  int tween = 12;  // interpolated frames between two checkpoints
  int hold = 25;   // frames the last checkpoint stays on screen

  std::vector<std::string> problems() const;
};

// Frames an animation of `checkpoints` frames has: one per checkpoint, `tween` between
// each two, and `hold` more of the last.
int64_t animation_frame_count(int64_t checkpoints, const AnimationOptions& options);

// Whether this build can write videos (OpenCV's videoio) and PNG frames (imgcodecs).
bool can_write_timeline_video();
bool can_write_timeline_frames();

// The video (written beside `file`, then renamed into place). Throws ConfigError for bad
// options or a build without video support, IoError when the writer cannot open or write
// the file, CancelledError on stop. Progress stage "animation", one step per frame.
void write_timeline_video(const EmbeddingTimeline& timeline, const std::filesystem::path& file,
                          const AnimationOptions& options, const JobCallbacks& callbacks = {},
                          const StopToken& stop = {});

// frame-00001.png, frame-00002.png, ... in `dir` (created), the same frames as the video.
void write_timeline_frames(const EmbeddingTimeline& timeline, const std::filesystem::path& dir,
                           const AnimationOptions& options, const JobCallbacks& callbacks = {},
                           const StopToken& stop = {});

}  // namespace simclr
