#include "engine/train/device_self_test.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <random>

#include <c10/util/Exception.h>
#include <torch/torch.h>

#include "engine/core/device.h"
#include "engine/core/error.h"
#include "engine/core/seeding.h"
#include "engine/core/version.h"
#include "engine/eval/feature_extractor.h"
#include "engine/eval/knn_classifier.h"
#include "engine/eval/tsne.h"
#include "engine/losses/nt_xent_loss.h"
#include "engine/models/simclr_model.h"
#include "engine/project/project_config.h"
#include "engine/train/checkpoint.h"
#include "engine/train/contrastive_step.h"
#include "engine/train/loss_scaler.h"
#include "engine/train/precision.h"
#include "engine/train/train_optimizer.h"
#include "engine/train/training_views.h"

namespace simclr {

namespace fs = std::filesystem;

namespace {

constexpr int64_t kBatch = 16;   // images per step: 32 views
constexpr int64_t kClasses = 4;  // generated classes
constexpr double kTemperature = 0.2;

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g", v);
  return buf;
}

std::string device_name(const torch::Device& d) {
  return d.str();
}

CheckOutcome pass(std::string detail) {
  return {CheckStatus::Pass, std::move(detail)};
}
CheckOutcome fail(std::string detail) {
  return {CheckStatus::Fail, std::move(detail)};
}

// SIMCLR_SELFTEST_PERTURB=<check>: the device result of that check, plus one.
torch::Tensor perturbed(const std::string& check, const torch::Tensor& device_result) {
  const char* env = std::getenv("SIMCLR_SELFTEST_PERTURB");
  if (!env || check != env) return device_result;
  return device_result + 1;
}

// max |a - b| over all elements, in float64 on the CPU (NaN when either holds a NaN).
double max_abs_diff(const torch::Tensor& a, const torch::Tensor& b) {
  const auto x = a.detach().to(torch::kCPU, torch::kDouble), y = b.detach().to(torch::kCPU, torch::kDouble);
  if (x.sizes() != y.sizes()) return std::nan("");
  if (x.numel() == 0) return 0;
  const auto d = (x - y).abs();
  if (torch::isnan(d).any().item<bool>()) return std::nan("");
  return d.max().item<double>();
}

double max_abs(const torch::Tensor& a) {
  return a.numel() == 0 ? 0 : a.detach().abs().max().to(torch::kCPU, torch::kDouble).item<double>();
}

// Tiny class-structured images: uint8 [n, 3, 32, 32] on the CPU, label i % kClasses. Each
// class has its own colour and stripe direction, plus noise, so views and features differ.
torch::Tensor generated_images(int64_t n, uint64_t seed) {
  auto gen = make_generator(seed);
  auto labels = torch::arange(n, torch::kLong).remainder(kClasses);
  auto colour = torch::rand({kClasses, 3, 1, 1}, gen).index_select(0, labels);
  auto ramp = torch::linspace(0, 1, 32).view({1, 1, 1, 32});
  auto stripes = torch::where(labels.remainder(2).eq(0).view({n, 1, 1, 1}), ramp, ramp.transpose(2, 3));
  auto pixels = 0.6 * colour + 0.3 * stripes + 0.1 * torch::rand({n, 3, 32, 32}, gen);
  return (pixels * 255).round().clamp(0, 255).to(torch::kByte).contiguous();
}

// A narrow ResNet-18 (CIFAR stem, width 8) with a small head, seeded, on `device`.
SimCLRModel tiny_model(uint64_t seed, const torch::Device& device) {
  torch::manual_seed(seed);
  EncoderConfig encoder;
  encoder.resnet.width = 8;
  ProjectionHeadConfig head;
  head.hidden_dim = 64;
  head.output_dim = 32;
  SimCLRModel model(make_encoder(encoder), head);
  model->to(device);
  return model;
}

// A copy of `model`'s weights and buffers in a fresh model on `device`.
SimCLRModel copy_of(SimCLRModel& model, uint64_t seed, const torch::Device& device) {
  SimCLRModel copy = tiny_model(seed + 1, device);
  torch::NoGradGuard no_grad;
  auto from = model->named_parameters(), to = copy->named_parameters();
  for (const auto& item : from) to[item.key()].copy_(item.value());
  auto from_b = model->named_buffers(), to_b = copy->named_buffers();
  for (const auto& item : from_b) to_b[item.key()].copy_(item.value());
  return copy;
}

TrainingConfig optimizer_config() {
  TrainingConfig config;
  config.optimizer = "adam";
  config.learning_rate = 1e-3;
  config.weight_decay = 1e-6;
  return config;
}

const ChannelStats& stats() {
  static const ChannelStats s{{0.5, 0.5, 0.5}, {0.25, 0.25, 0.25}};
  return s;
}

const AugmentPipeline& pipeline() {
  static const AugmentPipeline p = AugmentPipeline::from_json({{"preset", "simclr-cifar"}});
  return p;
}

ContrastiveForward forward(SimCLRModel& model, const torch::Tensor& images, uint64_t seed, torch::ScalarType autocast) {
  ContrastiveStepSettings settings;
  settings.seed = seed;
  settings.autocast = autocast;
  return contrastive_forward(
      model, pipeline(), stats(), images, 0, settings,
      [](const torch::Tensor& z1, const torch::Tensor& z2) { return nt_xent_loss(z1, z2, kTemperature); });
}

bool gradients_finite(SimCLRModel& model, int64_t* with_grad = nullptr) {
  int64_t n = 0;
  for (const auto& p : model->parameters()) {
    if (!p.grad().defined()) continue;
    ++n;
    if (!torch::isfinite(p.grad()).all().item<bool>()) return false;
  }
  if (with_grad) *with_grad = n;
  return n > 0;
}

struct Context {
  torch::Device device = torch::kCPU;
  uint64_t seed = 7;
};

CheckOutcome check_device(const Context& c) {
  auto gen = make_generator(c.seed);
  const auto a = torch::randn({64, 48}, gen), b = torch::randn({48, 32}, gen);
  const auto on_device = torch::matmul(a.to(c.device), b.to(c.device));
  if (on_device.device() != c.device) return fail("result on " + device_name(on_device.device()));
  const auto reference = torch::matmul(a.to(torch::kDouble), b.to(torch::kDouble));
  return within_tolerance(describe_device(c.device) + ", matmul vs float64",
                          max_abs_diff(perturbed("device", on_device), reference), 1e-3);
}

CheckOutcome check_augment(const Context& c) {
  const auto images = generated_images(kBatch, c.seed);
  const ViewDraw draw{c.seed, 3, 2, {}};
  double diff = 0;
  for (int view = 0; view < 2; ++view) {
    const auto on_device = training_view(pipeline(), images.to(c.device), draw, view, stats().mean, stats().std);
    if (on_device.device() != c.device) return fail("views made on " + device_name(on_device.device()));
    const auto on_cpu = training_view(pipeline(), images, draw, view, stats().mean, stats().std);
    diff = std::max(diff, max_abs_diff(perturbed("augment", on_device), on_cpu));
  }
  return within_tolerance("simclr-cifar views on " + device_name(c.device) + " vs cpu", diff, 1e-3);
}

// One forward + backward under autocast to `dtype`, against float32 from the same weights.
CheckOutcome check_autocast(const Context& c, torch::ScalarType dtype, const std::string& precision) {
  try {
    autocast_dtype(precision, c.device);
  } catch (const ConfigError& e) {
    return {CheckStatus::Skip, std::string("not supported on ") + device_name(c.device) + ": " + e.what() +
                                   " (LibTorch " + torch_version() + " has no fp16 autocast on the CPU)"};
  }
  const auto images = generated_images(kBatch, c.seed).to(c.device);
  SimCLRModel model = tiny_model(c.seed, c.device);
  SimCLRModel reference = copy_of(model, c.seed, c.device);

  torch::ScalarType inner = torch::kFloat;
  {
    AutocastGuard guard(c.device, dtype);
    inner = torch::nn::functional::linear(torch::ones({2, 4}, c.device), torch::ones({3, 4}, c.device)).scalar_type();
  }
  if (inner != dtype) return fail(precision + " autocast not active: a linear layer gave " + c10::toString(inner));

  const auto mixed = forward(model, images, c.seed, dtype);
  const auto full = forward(reference, images, c.seed, torch::kFloat);
  const double loss = mixed.loss.item<double>(), loss32 = full.loss.item<double>();
  if (!std::isfinite(loss)) return fail(precision + " loss " + number(loss));

  // fp16: as in training, a step whose scaled gradients overflow is skipped and the scale
  // halved; the check fails only when no scale up to 8 halvings gives finite gradients.
  LossScaler scaler(dtype == torch::kHalf);
  scaler.scale_loss(mixed.loss).backward();
  while (!scaler.unscale_and_check(model->parameters())) {
    if (scaler.skipped_steps() > 8)
      return fail("loss scaler: gradients still inf/NaN at scale " + number(scaler.scale()));
    scaler.scale_loss(forward(model, images, c.seed, dtype).loss).backward();
  }
  if (!gradients_finite(model)) return fail(precision + " gradients not finite");
  const double rel = std::abs(loss - loss32) / std::max(1e-12, std::abs(loss32));
  std::string what = precision + " loss " + number(loss) + " vs fp32 " + number(loss32) + " (relative)";
  if (scaler.enabled())
    what += ", loss scale " + number(scaler.scale()) + " (" + std::to_string(scaler.skipped_steps()) +
            " overflowing step(s) skipped), unscaled gradients finite";
  return within_tolerance(what, std::abs(perturbed(precision, torch::tensor(rel)).item<double>()), 0.05);
}

CheckOutcome check_data_on_device(const Context& c) {
  SimCLRModel model = tiny_model(c.seed, c.device);
  TrainOptimizer optimizer(optimizer_config(), model->named_parameters());
  const auto batch = generated_images(kBatch, c.seed).to(c.device);
  auto out = forward(model, batch, c.seed, torch::kFloat);
  optimizer.zero_grad();
  out.loss.backward();
  optimizer.step();
  const auto h = model->embed(training_view(pipeline(), batch, {c.seed, 0, 2, {}}, 0, stats().mean, stats().std));
  std::vector<std::pair<std::string, torch::Tensor>> seen = {
      {"batch", batch}, {"z", out.z1}, {"loss", out.loss}, {"h", h}};
  for (const auto& item : model->named_parameters()) {
    seen.push_back({"parameter " + item.key(), item.value()});
    if (item.value().grad().defined()) seen.push_back({"gradient of " + item.key(), item.value().grad()});
  }
  for (const auto& item : model->named_buffers()) seen.push_back({"buffer " + item.key(), item.value()});
  int64_t state = 0;
  for (const auto& [name, t] : seen) {
    if (!t.defined()) continue;
    ++state;
    if (t.device() != c.device) return fail(name + " is on " + device_name(t.device()));
  }
  return pass(std::to_string(state) +
              " tensors of a step (batch, views' z and h, loss, weights, gradients, "
              "buffers) on " +
              device_name(c.device) + "; the dataset itself stays on the CPU");
}

CheckOutcome check_train_step(const Context& c) {
  SimCLRModel model = tiny_model(c.seed, c.device);
  TrainOptimizer optimizer(optimizer_config(), model->named_parameters());
  std::vector<torch::Tensor> before;
  for (const auto& p : model->parameters()) before.push_back(p.detach().clone());
  const auto images = generated_images(kBatch, c.seed).to(c.device);
  auto out = forward(model, images, c.seed, torch::kFloat);
  const double loss = out.loss.item<double>();
  optimizer.zero_grad();
  out.loss.backward();
  int64_t with_grad = 0;
  if (!gradients_finite(model, &with_grad)) return fail("gradients missing or not finite");
  optimizer.step();
  if (!std::isfinite(loss)) return fail("loss " + number(loss));
  double change = 0;
  int64_t changed = 0, i = 0;
  for (const auto& p : model->parameters()) {
    const double d = max_abs_diff(p, before[static_cast<size_t>(i++)]);
    if (!std::isfinite(d)) return fail("weights not finite after the step");
    change = std::max(change, d);
    changed += d > 0;
  }
  if (changed == 0) return fail("loss " + number(loss) + " but no weight changed");
  return pass("loss " + number(loss) + " (log(2N-1) = " + number(std::log(2.0 * kBatch - 1)) + " at collapse), " +
              std::to_string(changed) + "/" + std::to_string(i) + " weight tensors changed, max " + number(change));
}

// Every parameter and buffer of `b` equals `a`'s and lies on `device`; the worst difference.
double state_difference(SimCLRModel& a, SimCLRModel& b, const torch::Device& device, std::string* misplaced) {
  double diff = 0;
  auto pa = a->named_parameters(), pb = b->named_parameters();
  auto ba = a->named_buffers(), bb = b->named_buffers();
  for (auto* pair : {&pa, &ba}) {
    auto& other = pair == &pa ? pb : bb;
    for (const auto& item : *pair) {
      const auto& t = other[item.key()];
      if (t.device() != device && misplaced->empty()) *misplaced = item.key() + " loaded on " + device_name(t.device());
      diff = std::max(diff, max_abs_diff(item.value(), t));
    }
  }
  return diff;
}

CheckOutcome check_checkpoint(const Context& c) {
  const fs::path dir = fs::temp_directory_path() / ("simclr-selftest-" + std::to_string(std::random_device{}()));
  fs::create_directories(dir);
  struct Cleanup {
    fs::path dir;
    ~Cleanup() {
      std::error_code ec;
      fs::remove_all(dir, ec);
    }
  } cleanup{dir};

  SimCLRModel on_device = tiny_model(c.seed, c.device);
  TrainOptimizer optimizer(optimizer_config(), on_device->named_parameters());
  auto out = forward(on_device, generated_images(kBatch, c.seed).to(c.device), c.seed, torch::kFloat);
  optimizer.zero_grad();
  out.loss.backward();
  optimizer.step();  // Adam's moments exist and travel with the checkpoint
  CheckpointInfo info;
  info.step = 1;
  info.config_json = "{}";
  save_checkpoint(dir / "device.pt", on_device, optimizer, info);

  std::string misplaced;
  SimCLRModel on_cpu = tiny_model(c.seed + 100, torch::kCPU);
  TrainOptimizer cpu_optimizer(optimizer_config(), on_cpu->named_parameters());
  load_checkpoint(dir / "device.pt", on_cpu, &cpu_optimizer);
  const double to_cpu = state_difference(on_device, on_cpu, torch::kCPU, &misplaced);
  save_checkpoint(dir / "cpu.pt", on_cpu, cpu_optimizer, info);

  SimCLRModel back = tiny_model(c.seed + 200, c.device);
  TrainOptimizer back_optimizer(optimizer_config(), back->named_parameters());
  load_checkpoint(dir / "cpu.pt", back, &back_optimizer);
  torch::Tensor first = back->parameters().front();
  {
    torch::NoGradGuard no_grad;
    first.copy_(perturbed("checkpoint", first));
  }
  const double to_device = state_difference(on_device, back, c.device, &misplaced);
  if (!misplaced.empty()) return fail(misplaced);
  return within_tolerance("saved on " + device_name(c.device) + ", loaded on cpu (max |diff| " + number(to_cpu) +
                              ") and back on " + device_name(c.device) + ", all tensors",
                          std::max(to_cpu, to_device), 0.0);
}

CheckOutcome check_features(const Context& c) {
  SimCLRModel model = tiny_model(c.seed, c.device);
  SimCLRModel reference = copy_of(model, c.seed, torch::kCPU);
  const auto images = generated_images(64, c.seed);
  EmbedOptions options;
  options.batch_size = 24;  // a last partial batch too
  options.mean = stats().mean;
  options.std = stats().std;
  options.device = c.device;
  const auto on_device = embed_images(model, images, options);
  if (on_device.h.device() != c.device) return fail("features returned on " + device_name(on_device.h.device()));
  options.device = torch::kCPU;
  const auto on_cpu = embed_images(reference, images, options);
  const double scale = std::max(1e-12, max_abs(on_cpu.h));
  const double rel = max_abs_diff(perturbed("features", on_device.h), on_cpu.h) / scale;
  return within_tolerance("h [" + std::to_string(on_device.h.size(0)) + ", " + std::to_string(on_device.h.size(1)) +
                              "] on " + device_name(c.device) +
                              " vs cpu (relative to max |h|; TF32 convolutions on recent GPUs)",
                          rel, 2e-2);
}

CheckOutcome check_knn(const Context& c) {
  // Well separated clusters: every query's neighbours share its label, top-1 must be 1.
  auto gen = make_generator(c.seed + 1);
  const int64_t bank_n = 400, query_n = 100, dim = 32;
  const auto centres = torch::randn({kClasses, dim}, gen) * 4;
  const auto bank_labels = torch::arange(bank_n, torch::kLong).remainder(kClasses);
  const auto query_labels = torch::arange(query_n, torch::kLong).remainder(kClasses);
  const auto bank = centres.index_select(0, bank_labels) + 0.3 * torch::randn({bank_n, dim}, gen);
  const auto queries = centres.index_select(0, query_labels) + 0.3 * torch::randn({query_n, dim}, gen);
  KnnOptions options;
  options.ks = {20};
  options.query_chunk = 32;
  const auto on_device = knn_accuracy(bank.to(c.device), perturbed("knn", bank_labels.to(c.device)).remainder(kClasses),
                                      queries.to(c.device), query_labels.to(c.device), options);
  const auto on_cpu = knn_accuracy(bank, bank_labels, queries, query_labels, options);
  const double a = on_device.at(0).top1, b = on_cpu.at(0).top1;
  const std::string what =
      "top-1 " + number(a) + " on " + device_name(c.device) + " vs " + number(b) + " on cpu (separated clusters: 1)";
  if (a < 0.99) return fail(what);
  return within_tolerance(what, std::abs(a - b), 0.0);
}

CheckOutcome check_tsne_input(const Context& c) {
  SimCLRModel model = tiny_model(c.seed, c.device);
  EmbedOptions options;
  options.mean = stats().mean;
  options.std = stats().std;
  options.device = c.device;
  const auto h = embed_images(model, generated_images(60, c.seed), options).h;  // [60, 64] on the device
  TsneOptions tsne_options;
  tsne_options.perplexity = 5;
  tsne_options.iterations = 150;
  tsne_options.exaggeration_iterations = 50;
  tsne_options.seed = c.seed;
  const auto from_device = tsne(perturbed("t-SNE input", h), tsne_options);
  const auto from_cpu = tsne(h.to(torch::kCPU), tsne_options);
  const auto& e = from_device.embedding;
  if (!e.device().is_cpu() || e.dim() != 2 || e.size(0) != 60 || e.size(1) != 2)
    return fail("layout " + c10::str(e.sizes()) + " on " + device_name(e.device()));
  if (!torch::isfinite(e).all().item<bool>()) return fail("layout not finite");
  const double scale = std::max(1e-12, max_abs(from_cpu.embedding));
  return within_tolerance("features on " + device_name(c.device) + " -> layout [60, 2] on cpu, KL " +
                              number(from_device.kl_divergence) + "; vs features from cpu (relative)",
                          max_abs_diff(e, from_cpu.embedding) / scale, 1e-3);
}

}  // namespace

CheckOutcome within_tolerance(const std::string& what, double diff, double tolerance) {
  const bool ok = diff >= 0 && diff <= tolerance;  // false for NaN
  return {ok ? CheckStatus::Pass : CheckStatus::Fail,
          what + ": max |diff| " + number(diff) + " (tol " + number(tolerance) + ")"};
}

std::vector<SelfTestCheck> device_self_test_checks(const SelfTestOptions& options) {
  const Context c{resolve_device(options.device), options.seed};
  return {
      {"device", [c] { return check_device(c); }},
      {"augment", [c] { return check_augment(c); }},
      {"bf16", [c] { return check_autocast(c, torch::kBFloat16, "bf16"); }},
      {"fp16", [c] { return check_autocast(c, torch::kHalf, "fp16"); }},
      {"data on device", [c] { return check_data_on_device(c); }},
      {"train step", [c] { return check_train_step(c); }},
      {"checkpoint", [c] { return check_checkpoint(c); }},
      {"features", [c] { return check_features(c); }},
      {"knn", [c] { return check_knn(c); }},
      {"t-SNE input", [c] { return check_tsne_input(c); }},
  };
}

std::vector<SelfTestLine> run_self_test(const std::vector<SelfTestCheck>& checks,
                                        const std::function<void(const SelfTestLine&)>& on_line) {
  std::vector<SelfTestLine> lines;
  for (const auto& check : checks) {
    SelfTestLine line;
    line.name = check.name;
    const auto start = std::chrono::steady_clock::now();
    try {
      line.outcome = check.run();
    } catch (const c10::Error& e) {
      line.outcome = fail(std::string("LibTorch: ") + e.what_without_backtrace());
    } catch (const std::exception& e) {
      line.outcome = fail(e.what());
    }
    line.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (on_line) on_line(line);
    lines.push_back(std::move(line));
  }
  return lines;
}

int self_test_exit_code(const std::vector<SelfTestLine>& lines) {
  for (const auto& line : lines)
    if (line.outcome.status == CheckStatus::Fail) return 1;
  return 0;
}

std::string format_self_test_line(const SelfTestLine& line) {
  const char* status = line.outcome.status == CheckStatus::Pass   ? "PASS"
                       : line.outcome.status == CheckStatus::Fail ? "FAIL"
                                                                  : "SKIP";
  char head[64], tail[32];
  std::snprintf(head, sizeof head, "%-4s  %-15s ", status, line.name.c_str());
  std::snprintf(tail, sizeof tail, "  [%.2f s]", line.seconds);
  return head + line.outcome.detail + tail;
}

}  // namespace simclr
