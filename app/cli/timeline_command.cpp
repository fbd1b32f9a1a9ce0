// simclr-cli timeline RUN: the embedding timeline of a run (one aligned 2-D layout per kept
// checkpoint, with kNN and neighbour stability per frame) into <run>/timeline/, and
// optionally an animation of it (--video out.mp4 or --frames DIR).
#include <cmath>
#include <cstdio>

#include "app/cli/analysis_options.h"
#include "app/cli/cli_command.h"
#include "app/cli/interrupt_scope.h"
#include "app/cli/terminal_progress.h"
#include "engine/analysis/embedding_timeline.h"
#include "engine/analysis/timeline_animation.h"
#include "engine/core/device.h"
#include "engine/core/error.h"

namespace simclr::cli {

namespace {

struct TimelineArgs {
  std::string run;
  int threads = 0;
  bool recompute = false;
  TimelineOptions options;
  AnimationOptions animation;
  std::string video;
  std::string frames;
};

std::string percent(double value) {
  if (!std::isfinite(value)) return "-";
  char text[16];
  std::snprintf(text, sizeof text, "%.1f%%", 100 * value);
  return text;
}

void print_frames(const EmbeddingTimeline& t) {
  std::printf("%10s  %8s  %8s  %11s  %11s  %10s  %9s\n", "step", "kNN h", "kNN z", "kept nbrs h", "kept nbrs z",
              "uniformity", "eff. rank");
  for (const auto& f : t.frames)
    std::printf("%10lld  %8s  %8s  %11s  %11s  %10.3f  %9.1f\n", static_cast<long long>(f.step),
                percent(f.h.knn_top1).c_str(), percent(f.z.knn_top1).c_str(), percent(f.h.mean_stability).c_str(),
                percent(f.z.mean_stability).c_str(), f.uniformity, f.effective_rank);
}

void run_timeline(TimelineArgs& args, const GlobalOptions& global) {
  if (args.threads < 0) throw ConfigError("--threads: must be >= 0");
  if (const auto problems = args.options.problems(); !problems.empty()) throw ConfigError(problems.front());
  if (const auto problems = args.animation.problems(); !problems.empty()) throw ConfigError(problems.front());
  if (!args.video.empty() && !can_write_timeline_video())
    throw ConfigError("--video: this build has no OpenCV video writer (opencv_videoio); use --frames DIR");
  if (!args.frames.empty() && !can_write_timeline_frames())
    throw ConfigError("--frames: this build has no OpenCV to write PNG files");
  configure_threads(args.threads);
  args.options.reuse = !args.recompute;

  TerminalProgress bar(global.quiet);
  StopToken stop;
  InterruptScope interrupt(stop);
  const EmbeddingTimeline t = compute_timeline(args.run, args.options, bar.callbacks(), stop);
  if (!global.quiet)
    std::fprintf(stderr, "%lld of %lld %s points (%s), %zu checkpoints, %s\n",
                 static_cast<long long>(t.indices.size(0)), static_cast<long long>(t.split_size),
                 t.options.split.c_str(), t.subset.c_str(), t.frames.size(), t.options.method.c_str());
  print_frames(t);
  std::printf("%zu frames (%lld reused from the saved timeline) in %.1f s: %s\n", t.frames.size(),
              static_cast<long long>(t.reused_frames), t.seconds, timeline_dir(args.run).c_str());
  if (!args.video.empty()) {
    write_timeline_video(t, args.video, args.animation, bar.callbacks(), stop);
    std::printf("video: %s (%lld frames at %d fps)\n", args.video.c_str(),
                static_cast<long long>(animation_frame_count(int64_t(t.frames.size()), args.animation)),
                args.animation.fps);
  }
  if (!args.frames.empty()) {
    write_timeline_frames(t, args.frames, args.animation, bar.callbacks(), stop);
    std::printf("frames: %s\n", args.frames.c_str());
  }
}

}  // namespace

void register_timeline_command(CLI::App& root, const GlobalOptions& global) {
  static TimelineArgs args;
  auto* cmd = root.add_subcommand("timeline",
                                  "Embedding timeline: an aligned 2-D layout of the same points at every kept "
                                  "checkpoint, with kNN and neighbour stability per frame, into <run>/timeline/");
  cmd->add_option("RUN", args.run, "Run folder (made by simclr-cli train)")->required();
  auto& o = args.options;
  cmd->add_option("--split", o.split, "train or test")->capture_default_str();
  cmd->add_option("--points", o.points, "Points followed (class-balanced with labels, seeded random without; 0 = all)")
      ->capture_default_str();
  cmd->add_option("--steps", o.steps, "Checkpoint steps to use, e.g. 0,100,500 (default: every kept one)")
      ->delimiter(',');
  cmd->add_option("--method", o.method, "tsne or pca")->capture_default_str();
  cmd->add_option("--perplexity", o.perplexity, "t-SNE perplexity")->capture_default_str();
  cmd->add_option("--iterations", o.iterations, "t-SNE iterations of the first frame")->capture_default_str();
  cmd->add_option("--warm-iterations", o.warm_iterations, "t-SNE iterations of each later, warm-started frame")
      ->capture_default_str();
  cmd->add_option("--seed", o.seed, "Seed of the t-SNE and of a random subset")->capture_default_str();
  cmd->add_option("--device", o.device, "cpu, cuda, cuda:N or auto")->capture_default_str();
  cmd->add_option("--threads", args.threads, "CPU threads (0 = all cores)")->capture_default_str();
  cmd->add_flag("--recompute", args.recompute, "Compute every frame again instead of reusing the saved ones");
  cmd->add_option("--video", args.video, "Also write the timeline as an MP4 animation to this file");
  cmd->add_option("--frames", args.frames, "Also write the animation's frames as numbered PNG files into this folder");
  cmd->add_option("--features", args.animation.features, "Features animated: h (backbone) or z (projection head)")
      ->capture_default_str();
  cmd->add_option("--fps", args.animation.fps, "Animation frames per second")->capture_default_str();
  cmd->add_option("--tween", args.animation.tween, "Interpolated animation frames between two checkpoints")
      ->capture_default_str();
  cmd->add_option("--size", args.animation.size, "Animation frame side in pixels (even)")->capture_default_str();
  cmd->callback([&global] { run_timeline(args, global); });
}

}  // namespace simclr::cli
