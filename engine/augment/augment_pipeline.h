#pragma once
// An augmentation pipeline described by JSON, so a project file can hold it and the GUI can
// edit every op:
//
//   {"preset": "simclr-cifar"}                        a named preset (see preset_names())
//   {"preset": "custom", "ops": [                     an explicit op list
//      {"op": "random_resized_crop", "size": 32, "scale": [0.2, 1.0], "ratio": [0.75, 1.3333]},
//      {"op": "horizontal_flip", "p": 0.5},
//      {"op": "color_jitter", "brightness": 0.4, "contrast": 0.4, "saturation": 0.4,
//       "hue": 0.1, "p": 0.8},
//      {"op": "random_grayscale", "p": 0.1},
//      {"op": "gaussian_blur", "kernel_size": 0, "sigma": [0.1, 2.0], "p": 0.5},
//      {"op": "solarize", "threshold": 0.5, "p": 0.2},
//      {"op": "posterize", "bits": 4, "p": 0.5},         bits in [1, 8]
//      {"op": "resize", "size": 224},
//      {"op": "random_choice", "p": 0.5, "then": [ops...], "else": [ops...]}]}
//   "image_size": N (optional, 0 = native) appends a final resize to N x N.
//
// Keys left out take the op's defaults (its params struct or constructor). A crop size of 0
// means "the input's size", which is how the presets follow the dataset (32 for CIFAR, 28 for
// Fashion-MNIST, 96 for STL-10). A bare string ("paper") is read as {"preset": "paper"}.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/augment/augment_op.h"
#include "engine/augment/augment_trace.h"
#include "engine/augment/normalize.h"  // normalize(images, mean, std) comes with the pipeline
#include "engine/core/config_issue.h"

namespace simclr {

class AugmentPipeline {
 public:
  // The identity pipeline (preset "none").
  AugmentPipeline();

  // Throws ConfigError listing every issue (paths start with `path`).
  static AugmentPipeline from_json(const nlohmann::json& spec, const std::string& path = "augmentation");
  // Every problem with its JSON path ("augmentation.ops[1].p: must be in [0, 1] (got 2)"),
  // unknown keys and ops included. Empty when the spec is valid.
  static ConfigIssues validate(const nlohmann::json& spec, const std::string& path);
  // "none", "paper", "simclr-cifar", "simclr-imagenet".
  static std::vector<std::string> preset_names();
  // The preset's ops as an editable custom spec: {"preset": "custom", "ops": [...]}.
  // Throws ConfigError for an unknown name.
  static nlohmann::json preset_spec(const std::string& name);

  // {"preset": name} for a preset, {"preset": "custom", "ops": [...]} otherwise; with
  // "image_size" when it is not 0. from_json(to_json()) rebuilds the same pipeline.
  nlohmann::json to_json() const;

  // images: uint8 [0, 255] or float [0, 1], [B, C, H, W] with C = 1 or 3, on any device.
  // Returns float32 [B, C, H', W'] in [0, 1] on the same device (not normalised), never
  // sharing storage with `images`. Parameters come from `gen` (a CPU generator, see
  // make_generator): the same seed gives the same views on every device. Fills `trace`
  // when given. Throws DataError for a tensor that is not an image batch.
  torch::Tensor apply(const torch::Tensor& images, at::Generator& gen, AugmentTrace* trace = nullptr) const;

  // apply() followed by normalize(views, mean, std), as an encoder takes them. The channel
  // normalisation is done at the smaller side of the final resize: bilinear weights sum to
  // one, so normalising before or after gives the same views, and at 32 px instead of 224 px
  // it touches 49 times fewer pixels.
  torch::Tensor apply_normalized(const torch::Tensor& images, at::Generator& gen, const std::vector<double>& mean,
                                 const std::vector<double>& std) const;

  // Spatial size of the output for a square input of side input_size (or any input size).
  int64_t output_size(int64_t input_size) const;
  ImageSize output_size(ImageSize input) const;

  const std::string& preset() const { return preset_; }  // a preset name or "custom"
  const AugmentOps& ops() const { return ops_; }
  int64_t image_size() const { return image_size_; }

 private:
  // Runs the ops, not the final resize.
  AugmentBatch run(const torch::Tensor& images, at::Generator& gen, AugmentTrace* trace) const;

  std::string preset_ = "none";
  AugmentOps ops_;
  int64_t image_size_ = 0;
};

}  // namespace simclr
