#pragma once
// Shared helpers for the augmentation tests: seeded inputs and binomial rate checks.
#include <QtTest>

#include <cmath>
#include <string>

#include <torch/torch.h>

#include "engine/augment/augment_op.h"
#include "engine/core/seeding.h"

namespace simclr::test {

// Uniform float images in [0, 1], [B, C, H, W], from a fixed seed.
inline torch::Tensor random_images(int64_t batch, int64_t channels, int64_t height, int64_t width,
                                   uint64_t seed = 1234) {
  auto gen = make_generator(seed);
  return torch::rand({batch, channels, height, width}, gen);
}

// Runs one op on a copy of `images`.
inline torch::Tensor run_op(const AugmentOp& op, const torch::Tensor& images, uint64_t seed,
                            AugmentTrace* trace = nullptr) {
  auto gen = make_generator(seed);
  if (trace) trace->reset(images.size(0), images.size(2), images.size(3));
  AugmentBatch batch(images, false);
  op.apply(batch, gen, trace);
  return batch.images();
}

// True when `hits` out of `n` trials is within 4 standard deviations of rate p.
inline bool within_binomial(int64_t hits, int64_t n, double p, std::string* why = nullptr) {
  const double mean = n * p;
  const double sigma = std::sqrt(n * p * (1.0 - p));
  const bool ok = std::abs(hits - mean) <= 4.0 * sigma + 1e-9;
  if (why) *why = std::to_string(hits) + " of " + std::to_string(n) + " for p = " + std::to_string(p);
  return ok;
}

inline double max_abs_diff(const torch::Tensor& a, const torch::Tensor& b) {
  return (a.to(torch::kDouble) - b.to(torch::kDouble)).abs().max().item<double>();
}

}  // namespace simclr::test

#define SIMCLR_VERIFY_RATE(hits, n, p)                                       \
  do {                                                                       \
    std::string why_;                                                        \
    const bool ok_ = simclr::test::within_binomial((hits), (n), (p), &why_); \
    QVERIFY2(ok_, why_.c_str());                                             \
  } while (false)
