#pragma once
// Vision Transformer encoder (Dosovitskiy et al. 2021), as the paper's §7 uses it in place of
// ResNet-18: the image is cut into patch x patch squares, each linearly embedded (a conv
// with kernel = stride = patch), position embeddings are added, and pre-norm transformer
// blocks mix the tokens. The representation h is the class token's final state (pool "cls")
// or the mean of the patch tokens (pool "mean"). Attention is written with plain tensor ops
// so the module builds against LibTorch 1.13 and 2.x alike. Names follow timm's layout
// (patch_embed, cls_token, pos_embed, blocks.i.{norm1, attn.qkv, attn.proj, norm2, fc1, fc2},
// norm) so weights are easy to map.
#include <cstdint>
#include <string>

#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/dropout.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>
#include <torch/nn/pimpl.h>

#include "engine/core/config_issue.h"
#include "engine/models/encoder.h"

namespace simclr {

struct VisionTransformerConfig {
  int64_t image_size = 32;   // the side of the (square) images the model sees; inputs must match
  int64_t in_channels = 3;   // 1 for grey-scale datasets
  int64_t patch_size = 4;    // must divide image_size; tokens = (image_size / patch_size)^2
  int64_t dim = 192;         // token width D
  int64_t heads = 3;         // attention heads; must divide dim
  int64_t layers = 6;        // transformer blocks
  double mlp_ratio = 4.0;    // MLP hidden width = round(dim * mlp_ratio)
  double dropout = 0.0;      // after the position embedding, attention projection and MLP
  std::string pool = "cls";  // "cls": class token; "mean": mean of the patch tokens

  int64_t patches() const;  // N = (image_size / patch_size)^2
  int64_t mlp_dim() const;  // round(dim * mlp_ratio)

  // Every problem, located under `path` ("encoder.vit.heads: ...").
  ConfigIssues validate(const std::string& path = "encoder.vit") const;
};

// The encoder's parameter count in closed form (the config must be valid): patch embedding
// C*p*p*D + D, class token D (pool "cls"), positions (N+1)*D or N*D, per block two
// LayerNorms 4D, qkv 3D*D + 3D, projection D*D + D, MLP D*M + M + M*D + D; final LayerNorm 2D.
int64_t vit_parameter_count(const VisionTransformerConfig& config);

// Multi-head self-attention. x [B, T, D] -> [B, T, D]
class SelfAttentionImpl : public torch::nn::Module {
 public:
  SelfAttentionImpl(int64_t dim, int64_t heads, double dropout);
  torch::Tensor forward(torch::Tensor x);

  torch::nn::Linear qkv{nullptr};   // D -> 3D: queries, keys and values of every head at once
  torch::nn::Linear proj{nullptr};  // D -> D: mixes the heads' outputs
  torch::nn::Dropout drop{nullptr};

 private:
  int64_t heads_;
};
TORCH_MODULE(SelfAttention);

// Pre-norm block: x + Attn(LN(x)), then x + MLP(LN(x)) with a GELU. x [B, T, D] -> [B, T, D]
class TransformerBlockImpl : public torch::nn::Module {
 public:
  TransformerBlockImpl(int64_t dim, int64_t heads, int64_t mlp_dim, double dropout);
  torch::Tensor forward(torch::Tensor x);

  torch::nn::LayerNorm norm1{nullptr}, norm2{nullptr};
  SelfAttention attn{nullptr};
  torch::nn::Linear fc1{nullptr}, fc2{nullptr};  // D -> M -> D
  torch::nn::Dropout drop{nullptr};
};
TORCH_MODULE(TransformerBlock);

class VisionTransformerImpl : public EncoderImpl {
 public:
  // Throws ConfigError listing every invalid field.
  explicit VisionTransformerImpl(const VisionTransformerConfig& config);

  // x [B, in_channels, image_size, image_size] -> h [B, dim]. Any other shape throws
  // ConfigError: position embeddings exist for exactly one token grid.
  torch::Tensor forward(torch::Tensor x) override;
  int64_t feature_dim() const override { return config_.dim; }
  std::string describe() const override;
  const VisionTransformerConfig& config() const { return config_; }

  torch::nn::Conv2d patch_embed{nullptr};  // [B, C, S, S] -> [B, D, S/p, S/p]
  torch::Tensor cls_token;                 // [1, 1, D]; registered only for pool "cls"
  torch::Tensor pos_embed;                 // [1, T, D], T = N + 1 (cls) or N (mean)
  torch::nn::Dropout pos_drop{nullptr};
  torch::nn::ModuleList blocks{nullptr};  // of TransformerBlock
  torch::nn::LayerNorm norm{nullptr};

 private:
  void initialize_weights();

  VisionTransformerConfig config_;
};
TORCH_MODULE(VisionTransformer);

}  // namespace simclr
