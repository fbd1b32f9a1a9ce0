#include "engine/analysis/probe_data.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include <torch/torch.h>

#include "engine/core/error.h"
#include "engine/core/seeding.h"

namespace simclr {

void ProbeData::check(const std::string& what) const {
  auto fail = [&](const std::string& problem) { throw ConfigError(what + ": " + problem); };
  if (!train_x.defined() || !train_y.defined() || !test_x.defined() || !test_y.defined())
    fail("train and test features and labels are required");
  if (train_x.size(0) == 0) fail("the training set is empty");
  if (train_x.size(0) != train_y.size(0)) fail("training features and labels differ in count");
  if (test_x.size(0) != test_y.size(0)) fail("test features and labels differ in count");
  if (train_y.dim() != 1 || test_y.dim() != 1) fail("labels must be 1-D");
  if (test_x.size(0) > 0 && test_x.numel() / test_x.size(0) != input_dim())
    fail("training and test features differ in dimension");
  if (train_y.min().item<int64_t>() < 0 || (test_y.numel() > 0 && test_y.min().item<int64_t>() < 0))
    fail("labels must be >= 0");
  if (num_classes > 0 && (train_y.max().item<int64_t>() >= num_classes ||
                          (test_y.numel() > 0 && test_y.max().item<int64_t>() >= num_classes)))
    fail("a label is >= num_classes (" + std::to_string(num_classes) + ")");
}

int64_t ProbeData::classes() const {
  if (num_classes > 0) return num_classes;
  int64_t top = train_y.max().item<int64_t>();
  if (test_y.numel() > 0) top = std::max(top, test_y.max().item<int64_t>());
  return top + 1;
}

int64_t ProbeData::input_dim() const {
  return train_x.numel() / std::max<int64_t>(1, train_x.size(0));
}

torch::Tensor flatten_rows(const torch::Tensor& x) {
  return x.reshape({x.size(0), -1}).to(torch::kFloat);
}

Standardizer Standardizer::fit(const torch::Tensor& x) {
  // Two passes in float64 over row chunks: pixel and embedding columns can have means far
  // above their spread, and a float64 copy of 50 000 x 3072 pixels would take 1.2 GB.
  constexpr int64_t kChunk = 4096;
  const auto rows = flatten_rows(x);  // [N, D]
  const int64_t n = rows.size(0);
  auto sum = torch::zeros({rows.size(1)}, rows.options().dtype(torch::kDouble));
  for (int64_t i = 0; i < n; i += kChunk) sum += rows.slice(0, i, i + kChunk).to(torch::kDouble).sum(0);
  const auto mean = sum / static_cast<double>(std::max<int64_t>(1, n));
  auto squares = torch::zeros_like(sum);
  for (int64_t i = 0; i < n; i += kChunk)
    squares += (rows.slice(0, i, i + kChunk).to(torch::kDouble) - mean).pow(2).sum(0);
  auto sd = (squares / static_cast<double>(std::max<int64_t>(1, n))).sqrt();  // population std
  sd = torch::where(sd > 1e-12, sd, torch::ones_like(sd));
  Standardizer s;
  s.mean = mean.to(torch::kFloat);
  s.std = sd.to(torch::kFloat);
  return s;
}

torch::Tensor Standardizer::apply(const torch::Tensor& x) const {
  return (flatten_rows(x) - mean.to(x.device())) / std.to(x.device());
}

namespace {
// Row indices of each class, in order, on the CPU.
std::vector<std::vector<int64_t>> rows_by_class(const torch::Tensor& labels) {
  const auto l = labels.to(torch::kCPU, torch::kLong).contiguous();
  const int64_t* p = l.data_ptr<int64_t>();
  std::vector<std::vector<int64_t>> rows;
  for (int64_t i = 0; i < l.numel(); ++i) {
    if (p[i] < 0) throw ConfigError("labels must be >= 0");
    if (static_cast<size_t>(p[i]) >= rows.size()) rows.resize(static_cast<size_t>(p[i]) + 1);
    rows[static_cast<size_t>(p[i])].push_back(i);
  }
  return rows;
}

// The class's rows in a seeded random order (one stream per class).
std::vector<int64_t> shuffled(const std::vector<int64_t>& rows, uint64_t seed, uint64_t cls) {
  auto gen = make_generator(derive_seed(seed, {cls}));
  const auto perm = torch::randperm(static_cast<int64_t>(rows.size()), gen, torch::kLong);
  const int64_t* p = perm.data_ptr<int64_t>();
  std::vector<int64_t> out(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) out[i] = rows[static_cast<size_t>(p[i])];
  return out;
}

torch::Tensor sorted_tensor(std::vector<int64_t> v) {
  std::sort(v.begin(), v.end());
  return torch::tensor(v, torch::kLong);
}
}  // namespace

std::pair<torch::Tensor, torch::Tensor> balanced_holdout(const torch::Tensor& labels, double fraction, uint64_t seed) {
  if (!(fraction > 0 && fraction < 1)) throw ConfigError("validation fraction: must be in (0, 1)");
  std::vector<int64_t> held, rest;
  const auto rows = rows_by_class(labels);
  for (size_t c = 0; c < rows.size(); ++c) {
    const auto order = shuffled(rows[c], seed, c);
    auto take = static_cast<int64_t>(std::llround(fraction * static_cast<double>(order.size())));
    if (order.size() >= 2) take = std::clamp<int64_t>(take, 1, static_cast<int64_t>(order.size()) - 1);
    for (size_t i = 0; i < order.size(); ++i) (static_cast<int64_t>(i) < take ? held : rest).push_back(order[i]);
  }
  return {sorted_tensor(held), sorted_tensor(rest)};
}

double top_k_accuracy(const torch::Tensor& logits, const torch::Tensor& labels, int64_t k) {
  if (logits.size(0) == 0) return 0;
  k = std::min<int64_t>(k, logits.size(1));
  const auto top = std::get<1>(logits.topk(k, 1));                         // [N, k]
  const auto hit = (top == labels.to(top.device()).view({-1, 1})).any(1);  // [N]
  return hit.to(torch::kDouble).mean().item<double>();
}

}  // namespace simclr
