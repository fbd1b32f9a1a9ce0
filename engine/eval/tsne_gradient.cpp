#include "engine/eval/tsne_gradient.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "engine/eval/tsne_parallel.h"

namespace simclr {

namespace {

constexpr int64_t kChunk = 256;

// Row i of the attraction in 2-D, the hot case: accumulators stay in registers.
double attraction_row_2d(const TsneAffinities& p, const double* y, int64_t i, bool with_kl, double* out) {
  double fx = 0, fy = 0, kl = 0;
  const double xi = y[2 * i], yi = y[2 * i + 1];
  for (int64_t e = p.row_start[i]; e < p.row_start[i + 1]; ++e) {
    const int64_t j = p.column[e];
    const double dx = xi - y[2 * j], dy = yi - y[2 * j + 1];
    const double d2 = dx * dx + dy * dy;
    const double pw = p.value[e] / (1.0 + d2);
    fx += pw * dx;
    fy += pw * dy;
    if (with_kl) kl += p.value[e] * std::log1p(d2);
  }
  out[2 * i] = fx;
  out[2 * i + 1] = fy;
  return kl;
}

// Row i of the attraction in any dimension, accumulated in place.
double attraction_row(const TsneAffinities& p, const double* y, int64_t d, int64_t i, bool with_kl, double* out) {
  double kl = 0;
  const double* yi = y + i * d;
  double* oi = out + i * d;
  std::fill(oi, oi + d, 0.0);
  for (int64_t e = p.row_start[i]; e < p.row_start[i + 1]; ++e) {
    const double* yj = y + static_cast<int64_t>(p.column[e]) * d;
    double d2 = 0;
    for (int64_t c = 0; c < d; ++c) d2 += (yi[c] - yj[c]) * (yi[c] - yj[c]);
    const double pw = p.value[e] / (1.0 + d2);
    for (int64_t c = 0; c < d; ++c) oi[c] += pw * (yi[c] - yj[c]);
    if (with_kl) kl += p.value[e] * std::log1p(d2);
  }
  return kl;
}

}  // namespace

TsneObjective::TsneObjective(const TsneAffinities& p, int64_t dimensions, double theta, int threads)
    : p_(p), n_(p.n), dims_(dimensions), theta_(theta), threads_(threads) {
  for (double v : p.value)
    if (v > 0) p_log_p_ += v * std::log(v);
  attract_.resize(static_cast<size_t>(n_ * dims_));
  repulse_.resize(static_cast<size_t>(n_ * dims_));
  row_terms_.resize(static_cast<size_t>(n_));
  z_rows_.resize(static_cast<size_t>(n_));
}

double TsneObjective::attraction(const double* y, bool with_kl, double* out) {
  tsne_detail::parallel_chunks(n_, threads_, kChunk, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i)
      row_terms_[i] =
          dims_ == 2 ? attraction_row_2d(p_, y, i, with_kl, out) : attraction_row(p_, y, dims_, i, with_kl, out);
  });
  double kl = 0;
  if (with_kl)
    for (double term : row_terms_) kl += term;  // fixed order: deterministic
  return kl;
}

double TsneObjective::repulsion(const double* y, double* out) {
  if (theta_ > 0) {
    tree_.build(y, n_);
    return tree_.repulsion(theta_, threads_, out);
  }
  // Every pair, both ways: twice the arithmetic of a symmetric loop, but each row is summed
  // by one thread in one order, so the result is deterministic.
  const int64_t d = dims_;
  tsne_detail::parallel_chunks(n_, threads_, 64, [&](int64_t begin, int64_t end) {
    std::vector<double> sum(static_cast<size_t>(d));
    for (int64_t i = begin; i < end; ++i) {
      std::fill(sum.begin(), sum.end(), 0.0);
      double z = 0;
      const double* yi = y + i * d;
      for (int64_t j = 0; j < n_; ++j) {
        if (j == i) continue;
        const double* yj = y + j * d;
        double d2 = 0;
        for (int64_t c = 0; c < d; ++c) d2 += (yi[c] - yj[c]) * (yi[c] - yj[c]);
        const double w = 1.0 / (1.0 + d2);
        z += w;
        for (int64_t c = 0; c < d; ++c) sum[c] += w * w * (yi[c] - yj[c]);
      }
      for (int64_t c = 0; c < d; ++c) out[i * d + c] = sum[c];
      z_rows_[i] = z;
    }
  });
  double z = 0;
  for (int64_t i = 0; i < n_; ++i) z += z_rows_[i];
  return z;
}

double TsneObjective::gradient(const double* y, double exaggeration, bool with_kl, double* grad) {
  const double log_term = attraction(y, with_kl, attract_.data());
  const double z = repulsion(y, repulse_.data());
  const double inv_z = 1.0 / z;
  const int64_t size = n_ * dims_;
  for (int64_t k = 0; k < size; ++k) grad[k] = exaggeration * attract_[k] - repulse_[k] * inv_z;
  return with_kl ? p_log_p_ + log_term + std::log(z) : std::numeric_limits<double>::quiet_NaN();
}

double TsneObjective::kl_divergence(const double* y) {
  std::vector<double> unused(static_cast<size_t>(n_ * dims_));
  return gradient(y, 1.0, true, unused.data());
}

}  // namespace simclr
