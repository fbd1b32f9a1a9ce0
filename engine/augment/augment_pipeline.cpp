#include "engine/augment/augment_pipeline.h"

#include <cmath>
#include <functional>
#include <limits>
#include <map>

#include "engine/augment/augment_json.h"
#include "engine/augment/color_jitter.h"
#include "engine/augment/gaussian_blur.h"
#include "engine/augment/horizontal_flip.h"
#include "engine/augment/normalize.h"
#include "engine/augment/posterize.h"
#include "engine/augment/random_choice.h"
#include "engine/augment/random_grayscale.h"
#include "engine/augment/random_resized_crop.h"
#include "engine/augment/resize.h"
#include "engine/augment/solarize.h"
#include "engine/core/error.h"

namespace simclr {

using augment_detail::Bounds;
using augment_detail::JsonFields;
using nlohmann::json;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr int64_t kMaxSide = 16384;
constexpr int kMaxDepth = 8;  // nested random_choice levels
const Bounds kProbability{0.0, 1.0};
const Bounds kNonNegative{0.0, kInf};
const Bounds kPositive{0.0, kInf, true};

// ---- presets ------------------------------------------------------------------------------

json preset_ops(const std::string& name) {
  if (name == "none") return json::array();
  if (name == "paper") {
    // Algorithm 1 of the seed paper: with probability 0.5 crop (scale 0.7-1, ratio 0.8-1.2)
    // back to the original size and flip (p = 0.3); otherwise flip (p = 0.3) and colour
    // jitter (0.1, 0.1, 0.1, 0.05), always applied.
    return json::array({{{"op", "random_choice"},
                         {"p", 0.5},
                         {"then",
                          {{{"op", "random_resized_crop"}, {"size", 0}, {"scale", {0.7, 1.0}}, {"ratio", {0.8, 1.2}}},
                           {{"op", "horizontal_flip"}, {"p", 0.3}}}},
                         {"else",
                          {{{"op", "horizontal_flip"}, {"p", 0.3}},
                           {{"op", "color_jitter"},
                            {"brightness", 0.1},
                            {"contrast", 0.1},
                            {"saturation", 0.1},
                            {"hue", 0.05},
                            {"p", 1.0}}}}}});
  }
  if (name == "simclr-cifar") {
    // SimCLR's CIFAR-10 recipe: no blur.
    return json::array(
        {{{"op", "random_resized_crop"}, {"size", 0}, {"scale", {0.2, 1.0}}, {"ratio", {3.0 / 4.0, 4.0 / 3.0}}},
         {{"op", "horizontal_flip"}, {"p", 0.5}},
         {{"op", "color_jitter"},
          {"brightness", 0.4},
          {"contrast", 0.4},
          {"saturation", 0.4},
          {"hue", 0.1},
          {"p", 0.8}},
         {{"op", "random_grayscale"}, {"p", 0.1}}});
  }
  if (name == "simclr-imagenet") {
    // SimCLR's ImageNet recipe (colour strength 1, blur on half the views), for larger
    // images such as STL-10.
    return json::array(
        {{{"op", "random_resized_crop"}, {"size", 0}, {"scale", {0.08, 1.0}}, {"ratio", {3.0 / 4.0, 4.0 / 3.0}}},
         {{"op", "horizontal_flip"}, {"p", 0.5}},
         {{"op", "color_jitter"},
          {"brightness", 0.8},
          {"contrast", 0.8},
          {"saturation", 0.8},
          {"hue", 0.2},
          {"p", 0.8}},
         {{"op", "random_grayscale"}, {"p", 0.2}},
         {{"op", "gaussian_blur"}, {"kernel_size", 0}, {"sigma", {0.1, 2.0}}, {"p", 0.5}}});
  }
  return json();
}

// ---- parsing ------------------------------------------------------------------------------

AugmentOps parse_ops(const json& list, const std::string& path, ConfigIssues& issues, int depth);

using OpParser = std::function<AugmentOpPtr(JsonFields&, ConfigIssues&, int depth)>;

AugmentOpPtr parse_random_resized_crop(JsonFields& f, ConfigIssues&, int) {
  RandomResizedCropParams p;
  p.size = f.integer("size", p.size, Bounds{0, kMaxSide});
  std::tie(p.scale_min, p.scale_max) = f.range("scale", {p.scale_min, p.scale_max}, Bounds{0.0, 1.0, true});
  std::tie(p.ratio_min, p.ratio_max) = f.range("ratio", {p.ratio_min, p.ratio_max}, kPositive);
  return std::make_shared<RandomResizedCrop>(p);
}

AugmentOpPtr parse_resize(JsonFields& f, ConfigIssues&, int) {
  if (!f.has("size")) f.issue("size", "required (output side in pixels)");
  return std::make_shared<Resize>(f.integer("size", 1, Bounds{1, kMaxSide}));
}

AugmentOpPtr parse_horizontal_flip(JsonFields& f, ConfigIssues&, int) {
  return std::make_shared<HorizontalFlip>(f.number("p", HorizontalFlip().p(), kProbability));
}

AugmentOpPtr parse_color_jitter(JsonFields& f, ConfigIssues&, int) {
  ColorJitterParams p;
  p.brightness = f.number("brightness", p.brightness, kNonNegative);
  p.contrast = f.number("contrast", p.contrast, kNonNegative);
  p.saturation = f.number("saturation", p.saturation, kNonNegative);
  p.hue = f.number("hue", p.hue, Bounds{0.0, 0.5});
  p.p = f.number("p", p.p, kProbability);
  return std::make_shared<ColorJitter>(p);
}

AugmentOpPtr parse_random_grayscale(JsonFields& f, ConfigIssues&, int) {
  return std::make_shared<RandomGrayscale>(f.number("p", RandomGrayscale().p(), kProbability));
}

AugmentOpPtr parse_gaussian_blur(JsonFields& f, ConfigIssues&, int) {
  GaussianBlurParams p;
  p.kernel_size = f.integer("kernel_size", p.kernel_size, Bounds{0, 1023});
  if (p.kernel_size % 2 == 0 && p.kernel_size != 0) {
    f.issue("kernel_size",
            "must be odd, or 0 for about 10 % of the image side (got " + std::to_string(p.kernel_size) + ")");
  }
  std::tie(p.sigma_min, p.sigma_max) = f.range("sigma", {p.sigma_min, p.sigma_max}, kPositive);
  p.p = f.number("p", p.p, kProbability);
  return std::make_shared<GaussianBlur>(p);
}

AugmentOpPtr parse_solarize(JsonFields& f, ConfigIssues&, int) {
  const Solarize defaults;
  const double threshold = f.number("threshold", defaults.threshold(), Bounds{0.0, 1.0});
  return std::make_shared<Solarize>(threshold, f.number("p", defaults.p(), kProbability));
}

AugmentOpPtr parse_posterize(JsonFields& f, ConfigIssues&, int) {
  const Posterize defaults;
  const int64_t bits = f.integer("bits", defaults.bits(), Bounds{Posterize::kMinBits, Posterize::kMaxBits});
  return std::make_shared<Posterize>(bits, f.number("p", defaults.p(), kProbability));
}

AugmentOpPtr parse_random_choice(JsonFields& f, ConfigIssues& issues, int depth) {
  const double p = f.number("p", 0.5, kProbability);
  AugmentOps then_ops, else_ops;
  if (depth >= kMaxDepth) {
    f.issue("then", "random_choice nested more than " + std::to_string(kMaxDepth) + " levels");
    f.get("then");
    f.get("else");
    return nullptr;
  }
  if (const auto* list = f.get("then")) {
    then_ops = parse_ops(*list, f.path("then"), issues, depth + 1);
  } else {
    f.issue("then", "required (the ops taken with probability p)");
  }
  if (const auto* list = f.get("else")) else_ops = parse_ops(*list, f.path("else"), issues, depth + 1);
  auto op = std::make_shared<RandomChoice>(p, std::move(then_ops), std::move(else_ops));
  // The branches must agree on the output size for every input size; probing two
  // sizes tells "the input's size" from a fixed size.
  try {
    for (const int64_t side : {1, 2}) {
      if (ops_output_size(op->then_ops(), {side, side}) != ops_output_size(op->else_ops(), {side, side})) {
        f.issue("else",
                "must give the same image size as \"then\" for every input size "
                "(a crop size of 0 follows the input)");
        break;
      }
    }
  } catch (const ConfigError&) {
    // A nested random_choice disagrees; it has reported that itself.
  }
  return op;
}

const std::map<std::string, OpParser>& op_parsers() {
  static const std::map<std::string, OpParser> parsers = {
      {"random_resized_crop", parse_random_resized_crop},
      {"resize", parse_resize},
      {"horizontal_flip", parse_horizontal_flip},
      {"color_jitter", parse_color_jitter},
      {"random_grayscale", parse_random_grayscale},
      {"gaussian_blur", parse_gaussian_blur},
      {"solarize", parse_solarize},
      {"posterize", parse_posterize},
      {"random_choice", parse_random_choice},
  };
  return parsers;
}

std::string known_ops() {
  std::string out;
  for (const auto& [name, parser] : op_parsers()) out += (out.empty() ? "" : ", ") + name;
  return out;
}

AugmentOpPtr parse_op(const json& spec, const std::string& path, ConfigIssues& issues, int depth) {
  if (!spec.is_object()) {
    issues.push_back({path, "must be an object with an \"op\" key"});
    return nullptr;
  }
  JsonFields fields(spec, path, issues);
  const auto* name = fields.get("op");
  if (!name) {
    fields.issue("op", "required (one of: " + known_ops() + ")");
    return nullptr;
  }
  if (!name->is_string() || !op_parsers().count(name->get<std::string>())) {
    fields.issue("op", "unknown op " + name->dump() + " (expected one of: " + known_ops() + ")");
    return nullptr;
  }
  const std::string kind = name->get<std::string>();
  auto op = op_parsers().at(kind)(fields, issues, depth);
  fields.report_unknown_keys("op \"" + kind + "\"");
  return op;
}

AugmentOps parse_ops(const json& list, const std::string& path, ConfigIssues& issues, int depth) {
  AugmentOps ops;
  if (!list.is_array()) {
    issues.push_back({path, "must be an array of ops"});
    return ops;
  }
  for (size_t i = 0; i < list.size(); ++i) {
    if (auto op = parse_op(list[i], augment_detail::index_path(path, i), issues, depth)) {
      ops.push_back(std::move(op));
    }
  }
  return ops;
}

std::string preset_list() {
  std::string out;
  for (const auto& name : AugmentPipeline::preset_names()) out += name + ", ";
  return out + "custom";
}

struct Parsed {
  std::string preset;
  AugmentOps ops;
  int64_t image_size = 0;
};

Parsed parse_pipeline(const json& spec_in, const std::string& path, ConfigIssues& issues) {
  Parsed parsed;
  const json spec = spec_in.is_string() ? json{{"preset", spec_in}} : spec_in;
  if (!spec.is_object()) {
    issues.push_back({path, "must be an object such as {\"preset\": \"simclr-cifar\"}"});
    return parsed;
  }
  JsonFields fields(spec, path, issues);
  const std::string preset = fields.string("preset", "");
  if (!fields.has("preset")) {
    fields.issue("preset", "required (one of: " + preset_list() + ")");
  }
  parsed.image_size = fields.integer("image_size", 0, Bounds{0, kMaxSide});
  const auto* ops = fields.get("ops");
  if (preset == "custom") {
    parsed.preset = preset;
    if (ops) {
      parsed.ops = parse_ops(*ops, fields.path("ops"), issues, 0);
    } else {
      fields.issue("ops", "required for preset \"custom\"");
    }
  } else if (!preset.empty()) {
    const json preset_json = preset_ops(preset);
    if (preset_json.is_null()) {
      fields.issue("preset", "unknown preset \"" + preset + "\" (expected one of: " + preset_list() + ")");
    } else {
      parsed.preset = preset;
      ConfigIssues preset_issues;  // presets are valid by construction
      parsed.ops = parse_ops(preset_json, fields.path("ops"), preset_issues, 0);
    }
    if (ops) fields.issue("ops", "only allowed with preset \"custom\" (got preset \"" + preset + "\")");
  }
  fields.report_unknown_keys("the augmentation pipeline");
  return parsed;
}

void check_images(const torch::Tensor& images) {
  const auto describe = [&] {
    std::string shape = "[";
    for (int64_t d = 0; d < images.dim(); ++d) shape += (d ? ", " : "") + std::to_string(images.size(d));
    return shape + "]";
  };
  if (!images.defined() || images.dim() != 4 || (images.size(1) != 1 && images.size(1) != 3)) {
    throw DataError("augment: expected images [B, C, H, W] with C = 1 or 3, got " +
                    (images.defined() ? describe() : std::string("no tensor")));
  }
  if (images.size(2) == 0 || images.size(3) == 0) throw DataError("augment: empty images " + describe());
  if (images.scalar_type() != torch::kByte && !images.is_floating_point()) {
    throw DataError("augment: images must be uint8 or floating point");
  }
}

}  // namespace

AugmentPipeline::AugmentPipeline() = default;

AugmentPipeline AugmentPipeline::from_json(const json& spec, const std::string& path) {
  ConfigIssues issues;
  Parsed parsed = parse_pipeline(spec, path, issues);
  if (!issues.empty()) throw ConfigError(join_issues(issues));
  AugmentPipeline pipeline;
  pipeline.preset_ = parsed.preset;
  pipeline.ops_ = std::move(parsed.ops);
  pipeline.image_size_ = parsed.image_size;
  return pipeline;
}

ConfigIssues AugmentPipeline::validate(const json& spec, const std::string& path) {
  ConfigIssues issues;
  parse_pipeline(spec, path, issues);
  return issues;
}

std::vector<std::string> AugmentPipeline::preset_names() {
  return {"none", "paper", "simclr-cifar", "simclr-imagenet"};
}

json AugmentPipeline::preset_spec(const std::string& name) {
  json ops = preset_ops(name);
  if (ops.is_null()) {
    throw ConfigError("unknown augmentation preset \"" + name + "\" (expected one of: " + preset_list() + ")");
  }
  // Through the parser, so every key is explicit, as the editor shows it.
  ConfigIssues issues;
  json out = json::array();
  for (const auto& op : parse_ops(ops, "", issues, 0)) out.push_back(op->to_json());
  return {{"preset", "custom"}, {"ops", out}};
}

json AugmentPipeline::to_json() const {
  json out = {{"preset", preset_}};
  if (preset_ == "custom") {
    json ops = json::array();
    for (const auto& op : ops_) ops.push_back(op->to_json());
    out["ops"] = ops;
  }
  if (image_size_ != 0) out["image_size"] = image_size_;
  return out;
}

AugmentBatch AugmentPipeline::run(const torch::Tensor& images, at::Generator& gen, AugmentTrace* trace) const {
  check_images(images);
  AugmentBatch batch = images.scalar_type() == torch::kByte ? AugmentBatch(images.to(torch::kFloat).div_(255.0), true)
                       : images.scalar_type() == torch::kFloat ? AugmentBatch(images, false)
                                                               : AugmentBatch(images.to(torch::kFloat), true);
  if (trace) trace->reset(images.size(0), images.size(2), images.size(3));
  // A GPU batch's parameters are drawn on the CPU generator all the same.
  run_ops(ops_, batch, gen, trace);
  return batch;
}

torch::Tensor AugmentPipeline::apply(const torch::Tensor& images, at::Generator& gen, AugmentTrace* trace) const {
  AugmentBatch batch = run(images, gen, trace);
  if (image_size_ > 0) {
    const auto out = resize_images(batch.images(), {image_size_, image_size_});
    if (!out.is_same(batch.images())) batch.replace(out);
  }
  return batch.writable();  // copies only when no op wrote a new tensor
}

torch::Tensor AugmentPipeline::apply_normalized(const torch::Tensor& images, at::Generator& gen,
                                                const std::vector<double>& mean, const std::vector<double>& std) const {
  const AugmentBatch batch = run(images, gen, nullptr);
  const auto& views = batch.images();
  if (image_size_ <= 0) return normalize(views, mean, std);
  const bool enlarges = image_size_ * image_size_ > views.size(2) * views.size(3);
  if (enlarges) return resize_images(normalize(views, mean, std), {image_size_, image_size_});
  return normalize(resize_images(views, {image_size_, image_size_}), mean, std);
}

int64_t AugmentPipeline::output_size(int64_t input_size) const {
  return output_size(ImageSize{input_size, input_size}).height;
}

ImageSize AugmentPipeline::output_size(ImageSize input) const {
  ImageSize out = ops_output_size(ops_, input);
  if (image_size_ > 0) out = {image_size_, image_size_};
  return out;
}

}  // namespace simclr
