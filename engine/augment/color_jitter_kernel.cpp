#include "engine/augment/color_jitter_kernel.h"

#include <cmath>

#include <ATen/Parallel.h>

#include "engine/augment/vector_clones.h"

namespace simclr {

namespace {

// rgb_to_grayscale's weights (ITU-R BT.601, as torchvision).
constexpr float kRed = 0.299f, kGreen = 0.587f, kBlue = 0.114f;

// By value, not std::min/max's references, so that GCC if-converts and vectorises the loops.
inline float max_of(float a, float b) {
  return a > b ? a : b;
}
inline float min_of(float a, float b) {
  return a < b ? a : b;
}
inline float clamp01(float v) {
  return min_of(max_of(v, 0.0f), 1.0f);
}

float gray_at(const float* r, const float* g, const float* b, int64_t i) {
  return r[i] * kRed + g[i] * kGreen + b[i] * kBlue;
}

// x = clamp(scale * x + gray_weight * gray(x) + offset) on every channel of one image.
SIMCLR_VECTOR_CLONES void linear(float* image, int64_t channels, int64_t pixels, float scale, float gray_weight,
                                 float offset) {
  if (channels == 1) {
    for (int64_t i = 0; i < pixels; ++i) image[i] = clamp01(scale * image[i] + gray_weight * image[i] + offset);
    return;
  }
  float* r = image;
  float* g = image + pixels;
  float* b = image + 2 * pixels;
  for (int64_t i = 0; i < pixels; ++i) {
    const float gray = gray_weight * gray_at(r, g, b, i) + offset;
    r[i] = clamp01(scale * r[i] + gray);
    g[i] = clamp01(scale * g[i] + gray);
    b[i] = clamp01(scale * b[i] + gray);
  }
}

// Mean grey of one image. Sixteen partial sums keep the loop vectorisable without letting
// the compiler reorder float additions.
SIMCLR_VECTOR_CLONES float mean_gray(const float* image, int64_t channels, int64_t pixels) {
  constexpr int64_t kLanes = 16;
  float lanes[kLanes] = {};
  const float* r = image;
  const float* g = channels == 3 ? image + pixels : image;
  const float* b = channels == 3 ? image + 2 * pixels : image;
  const float wr = channels == 3 ? kRed : 1.0f, wg = channels == 3 ? kGreen : 0.0f, wb = channels == 3 ? kBlue : 0.0f;
  int64_t i = 0;
  for (; i + kLanes <= pixels; i += kLanes)
    for (int64_t j = 0; j < kLanes; ++j) lanes[j] += r[i + j] * wr + g[i + j] * wg + b[i + j] * wb;
  double sum = 0;
  for (; i < pixels; ++i) sum += r[i] * wr + g[i] * wg + b[i] * wb;
  for (const float lane : lanes) sum += lane;
  return static_cast<float>(sum / static_cast<double>(pixels));
}

// Hue rotation by `shift` turns, keeping saturation and value: the per-pixel form of
// color_jitter.cpp's hue_rotate (see there for the derivation), branch-free like it so that
// the loop vectorises.
SIMCLR_VECTOR_CLONES void hue(float* image, int64_t pixels, float shift) {
  float* r = image;
  float* g = image + pixels;
  float* b = image + 2 * pixels;
  const float shift6 = shift * 6.0f;
  for (int64_t i = 0; i < pixels; ++i) {
    const float red = r[i], green = g[i], blue = b[i];
    const float maxc = max_of(red, max_of(green, blue));
    const float minc = min_of(red, min_of(green, blue));
    const float chroma = maxc - minc;
    // Sector masks: max is not red; max is neither red nor green (blue). Red wins ties, then green.
    const float not_red = maxc != red ? 1.0f : 0.0f;
    const float is_blue = maxc != green ? not_red : 0.0f;
    float h = green - blue;
    h += not_red * ((blue - red + 2.0f * chroma) - h);
    h += is_blue * ((red - green + 4.0f * chroma) - h);
    h = h / max_of(chroma, 1e-12f) + shift6;
    h -= std::floor(h * (1.0f / 6.0f)) * 6.0f;
    r[i] = clamp01(std::abs(std::abs(h) - 3.0f) - 1.0f) * chroma + minc;
    g[i] = clamp01(std::abs(std::abs(h - 2.0f) - 3.0f) - 1.0f) * chroma + minc;
    b[i] = clamp01(std::abs(std::abs(h - 4.0f) - 3.0f) - 1.0f) * chroma + minc;
  }
}

}  // namespace

bool color_jitter_kernel_applies(const torch::Tensor& images) {
  return images.device().is_cpu() && images.scalar_type() == torch::kFloat && images.dim() == 4 &&
         images.is_contiguous() && (images.size(1) == 1 || images.size(1) == 3);
}

void color_jitter_cpu(torch::Tensor& images, const torch::Tensor& factors, const torch::Tensor& order) {
  const int64_t n = images.size(0), channels = images.size(1), pixels = images.size(2) * images.size(3);
  const auto f = factors.to(torch::kDouble).contiguous();
  const auto o = order.to(torch::kLong).contiguous();
  const double* fp = f.data_ptr<double>();
  const int64_t* op = o.data_ptr<int64_t>();
  float* data = images.data_ptr<float>();
  at::parallel_for(0, n, 16, [&](int64_t begin, int64_t end) {
    for (int64_t k = begin; k < end; ++k) {
      float* image = data + k * channels * pixels;
      const double* factor = fp + 4 * k;
      for (int position = 0; position < 4; ++position) {
        switch (op[4 * k + position]) {
          case 0: {  // brightness
            const auto s = static_cast<float>(factor[0]);
            if (s != 1.0f) linear(image, channels, pixels, s, 0.0f, 0.0f);
            break;
          }
          case 1: {  // contrast: towards the image's mean grey
            const auto s = static_cast<float>(factor[1]);
            if (s != 1.0f) {
              const float mean = mean_gray(image, channels, pixels);
              linear(image, channels, pixels, s, 0.0f, static_cast<float>(1.0 - factor[1]) * mean);
            }
            break;
          }
          case 2: {  // saturation: towards the pixel's grey
            const auto s = static_cast<float>(factor[2]);
            if (channels == 3 && s != 1.0f)
              linear(image, channels, pixels, s, static_cast<float>(1.0 - factor[2]), 0.0f);
            break;
          }
          default: {  // hue
            const auto shift = static_cast<float>(factor[3]);
            if (channels == 3 && shift != 0.0f) hue(image, pixels, shift);
            break;
          }
        }
      }
    }
  });
}

}  // namespace simclr
