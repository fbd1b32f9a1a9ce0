#include "engine/augment/augment_catalog.h"

#include <limits>

namespace simclr {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kMaxSide = 16384;
using Kind = AugmentParamInfo::Kind;

AugmentParamInfo probability(double value, std::string help = "probability that the op is applied") {
  return {"p", Kind::Number, 0, 1, false, value, 0, std::move(help)};
}

}  // namespace

const std::vector<AugmentOpInfo>& augment_catalog() {
  static const std::vector<AugmentOpInfo> catalog = {
      {"random_resized_crop",
       "a random crop of a random area and aspect ratio, resized",
       {{"size", Kind::Integer, 0, kMaxSide, false, 0, 0, "output side in pixels; 0 keeps the input's size"},
        {"scale", Kind::Range, 0, 1, true, 0.08, 1.0, "fraction of the image's area the crop covers"},
        {"ratio", Kind::Range, 0, kInf, true, 3.0 / 4.0, 4.0 / 3.0, "aspect ratio (width / height) of the crop"}}},
      {"horizontal_flip", "a mirror image", {probability(0.5)}},
      {"color_jitter",
       "brightness, contrast, saturation and hue changed by random amounts, in random order",
       {{"brightness", Kind::Number, 0, kInf, false, 0.4, 0, "factor drawn from [1 - b, 1 + b]"},
        {"contrast", Kind::Number, 0, kInf, false, 0.4, 0, "factor drawn from [1 - c, 1 + c]"},
        {"saturation", Kind::Number, 0, kInf, false, 0.4, 0, "factor drawn from [1 - s, 1 + s]"},
        {"hue", Kind::Number, 0, 0.5, false, 0.1, 0, "shift drawn from [-h, h] of a full turn"},
        probability(0.8)}},
      {"random_grayscale", "the image in grey", {probability(0.2)}},
      {"gaussian_blur",
       "a Gaussian blur of random width",
       {{"kernel_size", Kind::Integer, 0, 1023, false, 0, 0, "odd side in pixels; 0 is about 10 % of the image"},
        {"sigma", Kind::Range, 0, kInf, true, 0.1, 2.0, "standard deviation in pixels"},
        probability(0.5)}},
      {"solarize",
       "pixels at or above the threshold inverted",
       {{"threshold", Kind::Number, 0, 1, false, 0.5, 0, "brightness from which pixels are inverted"},
        probability(0.5)}},
      {"posterize",
       "fewer levels of brightness per channel",
       {{"bits", Kind::Integer, 1, 8, false, 4, 0, "bits kept per channel"}, probability(0.5)}},
      {"resize", "a fixed output size", {{"size", Kind::Integer, 1, kMaxSide, false, 32, 0, "output side in pixels"}}},
      {"random_choice",
       "with probability p the \"then\" ops, otherwise the \"else\" ops",
       {probability(0.5, "probability of the \"then\" branch")},
       true},
  };
  return catalog;
}

const AugmentOpInfo* augment_op_info(const std::string& name) {
  for (const auto& op : augment_catalog())
    if (op.name == name) return &op;
  return nullptr;
}

nlohmann::json default_op(const AugmentOpInfo& op) {
  nlohmann::json spec = {{"op", op.name}};
  for (const auto& param : op.params) {
    if (param.kind == Kind::Range)
      spec[param.key] = {param.default_value, param.default_max};
    else if (param.kind == Kind::Integer)
      spec[param.key] = static_cast<int64_t>(param.default_value);
    else
      spec[param.key] = param.default_value;
  }
  if (op.nested) {
    spec["then"] = nlohmann::json::array();
    spec["else"] = nlohmann::json::array();
  }
  return spec;
}

}  // namespace simclr
