#include "engine/models/vision_transformer.h"

#include <cmath>
#include <cstdio>
#include <sstream>

#include <torch/nn/init.h>
#include <torch/torch.h>

#include "engine/core/error.h"
#include "engine/models/parameter_count.h"

namespace simclr {
namespace {

namespace nn = torch::nn;

constexpr double kLayerNormEps = 1e-6;  // timm's and the original ViT's

std::string shape_of(const torch::Tensor& t) {
  std::ostringstream s;
  s << t.sizes();
  return s.str();
}

// Normal(0, std) truncated to [-2 std, 2 std] by inverse-CDF sampling (as PyTorch's
// trunc_normal_, which LibTorch 1.13 lacks): uniform in [Phi(-2), Phi(2)] mapped back.
void trunc_normal_(torch::Tensor t, double std) {
  torch::NoGradGuard no_grad;
  const double lo = std::erf(-2.0 / std::sqrt(2.0));  // 2 * Phi(-2) - 1
  const double hi = std::erf(2.0 / std::sqrt(2.0));
  t.uniform_(lo, hi).erfinv_().mul_(std * std::sqrt(2.0)).clamp_(-2.0 * std, 2.0 * std);
}

nn::Linear linear(int64_t in, int64_t out) {
  return nn::Linear(nn::LinearOptions(in, out).bias(true));
}

nn::LayerNorm layer_norm(int64_t dim) {
  return nn::LayerNorm(nn::LayerNormOptions({dim}).eps(kLayerNormEps));
}

}  // namespace

int64_t VisionTransformerConfig::patches() const {
  if (patch_size < 1) return 0;
  const int64_t side = image_size / patch_size;
  return side * side;
}

int64_t VisionTransformerConfig::mlp_dim() const {
  return static_cast<int64_t>(std::llround(static_cast<double>(dim) * mlp_ratio));
}

ConfigIssues VisionTransformerConfig::validate(const std::string& path) const {
  ConfigIssues issues;
  const std::string prefix = path.empty() ? std::string() : path + ".";
  const auto between = [&](const char* key, int64_t value, int64_t lo, int64_t hi) {
    if (value < lo || value > hi) {
      issues.push_back({prefix + key, "must be between " + std::to_string(lo) + " and " + std::to_string(hi) +
                                          ", got " + std::to_string(value)});
      return false;
    }
    return true;
  };
  const bool size_ok = between("image_size", image_size, 1, 4096);
  between("in_channels", in_channels, 1, 64);
  if (between("patch_size", patch_size, 1, 4096) && size_ok && image_size % patch_size != 0)
    issues.push_back({prefix + "patch_size", "must divide the image size " + std::to_string(image_size) + ", got " +
                                                 std::to_string(patch_size) + " (" + std::to_string(image_size) +
                                                 " / " + std::to_string(patch_size) +
                                                 " is not a whole number of patches)"});
  const bool dim_ok = between("dim", dim, 1, 65536);
  if (between("heads", heads, 1, 1024) && dim_ok && dim % heads != 0)
    issues.push_back({prefix + "heads", "must divide dim " + std::to_string(dim) + ", got " + std::to_string(heads) +
                                            " (each head gets dim / heads channels)"});
  between("layers", layers, 1, 256);
  if (!(mlp_ratio > 0) || !std::isfinite(mlp_ratio) || (dim_ok && mlp_dim() < 1))
    issues.push_back(
        {prefix + "mlp_ratio", "must be > 0 and give an MLP at least 1 wide, got " + format_number(mlp_ratio)});
  if (!(dropout >= 0.0 && dropout < 1.0))
    issues.push_back({prefix + "dropout", "must be in [0, 1), got " + format_number(dropout)});
  if (pool != "cls" && pool != "mean")
    issues.push_back({prefix + "pool", "unknown pooling \"" + pool + "\" (use \"cls\" or \"mean\")"});
  return issues;
}

int64_t vit_parameter_count(const VisionTransformerConfig& c) {
  const int64_t D = c.dim, M = c.mlp_dim(), N = c.patches(), p = c.patch_size;
  const bool cls = c.pool == "cls";
  const int64_t patch_embed = c.in_channels * p * p * D + D;
  const int64_t tokens = cls ? N + 1 : N;
  const int64_t per_block = 4 * D                     // norm1, norm2 (weight + bias each)
                            + 3 * D * D + 3 * D       // qkv
                            + D * D + D               // proj
                            + D * M + M + M * D + D;  // fc1, fc2
  return patch_embed + (cls ? D : 0) + tokens * D + c.layers * per_block + 2 * D;
}

// ---------------------------------------------------------------------------------------

SelfAttentionImpl::SelfAttentionImpl(int64_t dim, int64_t heads, double dropout) : heads_(heads) {
  qkv = register_module("qkv", linear(dim, 3 * dim));
  proj = register_module("proj", linear(dim, dim));
  drop = register_module("drop", nn::Dropout(nn::DropoutOptions(dropout)));
}

torch::Tensor SelfAttentionImpl::forward(torch::Tensor x) {
  const int64_t B = x.size(0), T = x.size(1), D = x.size(2);
  const int64_t Dh = D / heads_;
  // [B, T, 3D] -> [B, T, 3, H, Dh] -> [3, B, H, T, Dh]
  const torch::Tensor qkv_heads = qkv->forward(x).reshape({B, T, 3, heads_, Dh}).permute({2, 0, 3, 1, 4});
  const torch::Tensor q = qkv_heads[0], k = qkv_heads[1], v = qkv_heads[2];  // [B, H, T, Dh] each
  // Scaled dot product: [B, H, T, T]. The softmax runs in float32 even under autocast, so
  // bf16/fp16 logits cannot overflow or lose the small weights.
  const torch::Tensor scores = torch::matmul(q, k.transpose(-2, -1)) * (1.0 / std::sqrt(static_cast<double>(Dh)));
  const torch::Tensor weights = torch::softmax(scores, -1, torch::kFloat).to(v.scalar_type());
  // [B, H, T, Dh] -> [B, T, H, Dh] -> [B, T, D]
  const torch::Tensor mixed = torch::matmul(weights, v).transpose(1, 2).reshape({B, T, D});
  return drop->forward(proj->forward(mixed));
}

TransformerBlockImpl::TransformerBlockImpl(int64_t dim, int64_t heads, int64_t mlp_dim, double dropout) {
  norm1 = register_module("norm1", layer_norm(dim));
  attn = register_module("attn", SelfAttention(dim, heads, dropout));
  norm2 = register_module("norm2", layer_norm(dim));
  fc1 = register_module("fc1", linear(dim, mlp_dim));
  fc2 = register_module("fc2", linear(mlp_dim, dim));
  drop = register_module("drop", nn::Dropout(nn::DropoutOptions(dropout)));
}

torch::Tensor TransformerBlockImpl::forward(torch::Tensor x) {
  x = x + attn->forward(norm1->forward(x));                                            // [B, T, D]
  torch::Tensor hidden = drop->forward(torch::gelu(fc1->forward(norm2->forward(x))));  // [B, T, M]
  return x + drop->forward(fc2->forward(hidden));                                      // [B, T, D]
}

// ---------------------------------------------------------------------------------------

VisionTransformerImpl::VisionTransformerImpl(const VisionTransformerConfig& config) : config_(config) {
  const ConfigIssues issues = config.validate();
  if (!issues.empty()) throw ConfigError(join_issues(issues));
  const int64_t D = config.dim, p = config.patch_size;
  const bool cls = config.pool == "cls";

  patch_embed =
      register_module("patch_embed", nn::Conv2d(nn::Conv2dOptions(config.in_channels, D, p).stride(p).bias(true)));
  if (cls) cls_token = register_parameter("cls_token", torch::zeros({1, 1, D}));
  pos_embed = register_parameter("pos_embed", torch::zeros({1, config.patches() + (cls ? 1 : 0), D}));
  pos_drop = register_module("pos_drop", nn::Dropout(nn::DropoutOptions(config.dropout)));
  blocks = register_module("blocks", nn::ModuleList());
  for (int64_t i = 0; i < config.layers; ++i)
    blocks->push_back(TransformerBlock(D, config.heads, config.mlp_dim(), config.dropout));
  norm = register_module("norm", layer_norm(D));
  initialize_weights();
}

void VisionTransformerImpl::initialize_weights() {
  torch::NoGradGuard no_grad;
  // The patch embedding is a linear map of flattened patches: Xavier-uniform on [D, C*p*p]
  // (as MAE and the JAX ViT do), zero bias.
  nn::init::xavier_uniform_(patch_embed->weight.view({config_.dim, -1}));
  nn::init::zeros_(patch_embed->bias);
  trunc_normal_(pos_embed, 0.02);
  if (cls_token.defined()) trunc_normal_(cls_token, 0.02);
  for (const auto& m : modules(/*include_self=*/false)) {
    if (auto* l = m->as<nn::LinearImpl>()) {
      trunc_normal_(l->weight, 0.02);
      nn::init::zeros_(l->bias);
    } else if (auto* ln = m->as<nn::LayerNormImpl>()) {
      nn::init::ones_(ln->weight);
      nn::init::zeros_(ln->bias);
    }
  }
}

torch::Tensor VisionTransformerImpl::forward(torch::Tensor x) {
  const int64_t S = config_.image_size;
  if (x.dim() != 4 || x.size(1) != config_.in_channels || x.size(2) != S || x.size(3) != S)
    throw ConfigError("ViT expects input [B, " + std::to_string(config_.in_channels) + ", " + std::to_string(S) + ", " +
                      std::to_string(S) + "], got " + shape_of(x) +
                      " (encoder.vit.image_size must be the size of the images the model sees: the "
                      "augmentation's output size; in_channels the images' channels)");
  const int64_t B = x.size(0);
  x = patch_embed->forward(x);       // [B, D, S/p, S/p]
  x = x.flatten(2).transpose(1, 2);  // [B, N, D]
  if (cls_token.defined()) x = torch::cat({cls_token.expand({B, -1, -1}).to(x.scalar_type()), x}, 1);  // [B, N+1, D]
  x = pos_drop->forward(x + pos_embed);                                                                // [B, T, D]
  for (const auto& block : *blocks) x = block->as<TransformerBlockImpl>()->forward(x);
  x = norm->forward(x);                                     // [B, T, D]
  return cls_token.defined() ? x.select(1, 0) : x.mean(1);  // [B, D]
}

std::string VisionTransformerImpl::describe() const {
  char params[32];
  std::snprintf(params, sizeof params, "%.2fM", count_all_parameters(*this) / 1e6);
  const int64_t side = config_.image_size / config_.patch_size;
  return "ViT (" + std::to_string(config_.image_size) + " px, patch " + std::to_string(config_.patch_size) + " -> " +
         std::to_string(side) + "x" + std::to_string(side) + " tokens, dim " + std::to_string(config_.dim) + ", " +
         std::to_string(config_.heads) + " heads, " + std::to_string(config_.layers) + " layers, MLP " +
         std::to_string(config_.mlp_dim()) + ", dropout " + format_number(config_.dropout) + ", " + config_.pool +
         " pooling, " + std::to_string(config_.in_channels) + "-channel input, " + params + " parameters)";
}

}  // namespace simclr
