#include "engine/eval/neighbour_search.h"

#include <algorithm>
#include <limits>

#include <torch/torch.h>

#include "engine/core/error.h"

namespace simclr {

namespace {

namespace F = torch::nn::functional;

constexpr float kMinusInf = -std::numeric_limits<float>::infinity();

torch::Tensor normalised_rows(const torch::Tensor& x, const torch::Device& device) {
  // eps keeps all-zero rows at zero instead of dividing by zero.
  return F::normalize(x.to(device, torch::kFloat), F::NormalizeFuncOptions().dim(1).eps(1e-12)).contiguous();
}

void check_finite(const torch::Tensor& x, const char* what) {
  if (!torch::isfinite(x).all().item<bool>())
    throw DataError(std::string("neighbour search: the ") + what + " contain NaN or infinite values");
}

// Rows reordered so that along each row similarities descend and equal similarities keep
// ascending indices: sort by index, then a stable sort by similarity.
std::pair<torch::Tensor, torch::Tensor> canonical_order(const torch::Tensor& idx, const torch::Tensor& val) {
  const auto by_index = std::get<1>(idx.sort(/*dim=*/1));
  const auto idx1 = idx.gather(1, by_index);
  const auto val1 = val.gather(1, by_index);
  const auto by_value = std::get<1>(val1.sort(/*stable=*/true, /*dim=*/1, /*descending=*/true));
  return {idx1.gather(1, by_value), val1.gather(1, by_value)};
}

}  // namespace

std::vector<Neighbour> NeighbourTable::row(int64_t query) const {
  if (query < 0 || query >= queries())
    throw ConfigError("neighbour table: query " + std::to_string(query) + " out of range [0, " +
                      std::to_string(queries()) + ")");
  const auto idx = indices[query].to(torch::kCPU, torch::kLong).contiguous();
  const auto sim = similarities[query].to(torch::kCPU, torch::kFloat).contiguous();
  const auto lab = labels.defined() ? labels[query].to(torch::kCPU, torch::kLong).contiguous() : torch::Tensor();
  std::vector<Neighbour> out(static_cast<size_t>(k()));
  for (int64_t j = 0; j < k(); ++j) {
    out[j].index = idx.data_ptr<int64_t>()[j];
    out[j].similarity = sim.data_ptr<float>()[j];
    out[j].label = lab.defined() ? lab.data_ptr<int64_t>()[j] : -1;
  }
  return out;
}

NeighbourIndex::NeighbourIndex(const torch::Tensor& bank, const torch::Tensor& labels) {
  if (!bank.defined() || bank.dim() != 2 || bank.size(0) < 1 || bank.size(1) < 1)
    throw ConfigError("neighbour search: the bank must be a non-empty [M, D] feature matrix");
  if (!bank.is_floating_point()) throw ConfigError("neighbour search: the bank must hold floating-point features");
  if (labels.defined() && (labels.dim() != 1 || labels.size(0) != bank.size(0)))
    throw ConfigError("neighbour search: " + std::to_string(bank.size(0)) + " bank rows need as many labels, got " +
                      std::to_string(labels.numel()));
  torch::NoGradGuard no_grad;
  check_finite(bank, "bank features");
  bank_ = normalised_rows(bank, bank.device());
  // An unlabelled split (every label negative) is kept without labels, so that no
  // precision@k is computed from its placeholder labels all agreeing.
  if (labels.defined() && labels.numel() > 0 && labels.ge(0).any().item<bool>())
    labels_ = labels.to(torch::kCPU, torch::kLong).contiguous();
}

int64_t NeighbourIndex::label(int64_t index) const {
  if (index < 0 || index >= size())
    throw ConfigError("neighbour search: index " + std::to_string(index) + " out of range [0, " +
                      std::to_string(size()) + ")");
  return labels_.defined() ? labels_.data_ptr<int64_t>()[index] : -1;
}

void NeighbourIndex::check_k(int64_t k, bool excluding) const {
  if (empty()) throw ConfigError("neighbour search: the index is empty");
  const int64_t candidates = size() - (excluding ? 1 : 0);
  if (k < 1 || k > candidates)
    throw ConfigError("neighbour search: k must be in [1, " + std::to_string(candidates) + "] for a bank of " +
                      std::to_string(size()) + " rows" + (excluding ? " without the query itself" : "") + ", got " +
                      std::to_string(k));
}

std::pair<torch::Tensor, torch::Tensor> NeighbourIndex::top_k(const torch::Tensor& sim, int64_t k) {
  auto [val, idx] = sim.topk(k, /*dim=*/1, /*largest=*/true, /*sorted=*/true);  // [B, k]
  // topk picks arbitrarily among values equal to the k-th one. Rows where such ties
  // straddle the k-th place (duplicate images, collapsed features) are redone below.
  const auto kth = val.narrow(1, k - 1, 1);                               // [B, 1]
  const auto straddling = sim.ge(kth).sum(1).gt(k).nonzero().squeeze(1);  // usually empty
  if (straddling.numel() > 0) {
    const auto s = sim.index_select(0, straddling);  // [b, M]
    const auto t = kth.index_select(0, straddling);  // [b, 1]
    // Integer key: everything above the k-th value first, then the tied ones by ascending
    // index (key -j), then the rest.
    const int64_t m = sim.size(1);
    auto key = (-torch::arange(m, sim.options().dtype(torch::kLong))).unsqueeze(0).repeat({s.size(0), 1});
    key.masked_fill_(s.gt(t), std::numeric_limits<int64_t>::max());
    key.masked_fill_(s.lt(t), std::numeric_limits<int64_t>::min());
    const auto fixed_idx = std::get<1>(key.topk(k, 1));
    idx.index_copy_(0, straddling, fixed_idx);
    val.index_copy_(0, straddling, s.gather(1, fixed_idx));
  }
  return canonical_order(idx, val);
}

std::vector<Neighbour> NeighbourIndex::query(const torch::Tensor& vector, int64_t k, int64_t exclude) const {
  if (!vector.defined() || vector.numel() != dim() || !vector.is_floating_point())
    throw ConfigError("neighbour search: the query must be a floating-point vector of " + std::to_string(dim()) +
                      " features" + (vector.defined() ? ", got " + std::to_string(vector.numel()) : ""));
  if (exclude >= size())
    throw ConfigError("neighbour search: excluded index " + std::to_string(exclude) + " out of range");
  check_k(k, exclude >= 0);
  torch::NoGradGuard no_grad;
  check_finite(vector, "query features");
  const auto q = normalised_rows(vector.reshape({1, -1}), device());
  auto sim = bank_.mv(q.squeeze(0)).unsqueeze(0);  // [1, M]
  if (exclude >= 0) sim.narrow(1, exclude, 1).fill_(kMinusInf);
  const auto [idx, val] = top_k(sim, k);
  NeighbourTable table{idx.cpu(), val.cpu(), {}};
  if (has_labels()) table.labels = labels_.index_select(0, table.indices.reshape(-1)).view_as(table.indices);
  return table.row(0);
}

std::vector<Neighbour> NeighbourIndex::query(int64_t index, int64_t k, bool exclude_self) const {
  label(index);  // range check
  // The bank row is already normalised; normalising it again could change its last bits.
  check_k(k, exclude_self);
  torch::NoGradGuard no_grad;
  auto sim = bank_.mv(bank_[index]).unsqueeze(0);  // [1, M]
  if (exclude_self) sim.narrow(1, index, 1).fill_(kMinusInf);
  const auto [idx, val] = top_k(sim, k);
  NeighbourTable table{idx.cpu(), val.cpu(), {}};
  if (has_labels()) table.labels = labels_.index_select(0, table.indices.reshape(-1)).view_as(table.indices);
  return table.row(0);
}

NeighbourTable NeighbourIndex::search(const torch::Tensor& queries, int64_t k, const torch::Tensor& exclude,
                                      const NeighbourSearchOptions& options, const JobCallbacks& callbacks,
                                      const StopToken& stop) const {
  if (!queries.defined() || queries.dim() != 2 || queries.size(1) != dim() || !queries.is_floating_point())
    throw ConfigError("neighbour search: queries must be [Q, " + std::to_string(dim()) + "] floating-point features");
  torch::NoGradGuard no_grad;
  check_finite(queries, "query features");
  return search_normalised(normalised_rows(queries, device()), k, exclude, options, callbacks, stop);
}

NeighbourTable NeighbourIndex::search_self(int64_t k, bool exclude_self, const NeighbourSearchOptions& options,
                                           const JobCallbacks& callbacks, const StopToken& stop) const {
  if (empty()) throw ConfigError("neighbour search: the index is empty");
  const auto exclude = exclude_self ? torch::arange(size(), torch::kLong) : torch::Tensor();
  return search_normalised(bank_, k, exclude, options, callbacks, stop);
}

NeighbourTable NeighbourIndex::search_normalised(const torch::Tensor& q, int64_t k, const torch::Tensor& exclude,
                                                 const NeighbourSearchOptions& options, const JobCallbacks& callbacks,
                                                 const StopToken& stop) const {
  const int64_t n = q.size(0);
  torch::Tensor ex;
  if (exclude.defined()) {
    if (exclude.dim() != 1 || exclude.size(0) != n)
      throw ConfigError("neighbour search: need one excluded index (or -1) per query");
    ex = exclude.to(torch::kCPU, torch::kLong).contiguous();
    if (n > 0 && ex.max().item<int64_t>() >= size())
      throw ConfigError("neighbour search: an excluded index is out of range [0, " + std::to_string(size()) + ")");
  }
  check_k(k, ex.defined() && n > 0 && ex.max().item<int64_t>() >= 0);
  if (options.max_block_elements < 1) throw ConfigError("neighbour search: max_block_elements must be >= 1");
  torch::NoGradGuard no_grad;

  const int64_t block = std::max<int64_t>(1, options.max_block_elements / size());
  auto out_idx = torch::empty({n, k}, torch::kLong);
  auto out_val = torch::empty({n, k}, torch::kFloat);
  const ProgressClock clock(options.stage, n);
  for (int64_t start = 0; start < n; start += block) {
    stop.throw_if_stopped("neighbour search");
    const int64_t end = std::min(n, start + block);
    auto sim = torch::mm(q.slice(0, start, end), bank_.t());  // [b, M]
    if (ex.defined()) {
      const auto e = ex.slice(0, start, end);
      const auto rows = e.ge(0).nonzero().squeeze(1);
      if (rows.numel() > 0) sim.index_put_({rows.to(device()), e.index_select(0, rows).to(device())}, kMinusInf);
    }
    const auto [idx, val] = top_k(sim, k);
    out_idx.slice(0, start, end).copy_(idx);
    out_val.slice(0, start, end).copy_(val);
    callbacks.progress(clock.at(end));
  }
  NeighbourTable table{out_idx, out_val, {}};
  if (has_labels()) table.labels = labels_.index_select(0, out_idx.reshape(-1)).view_as(out_idx);
  return table;
}

double precision_at_k(const std::vector<Neighbour>& neighbours, int64_t label) {
  if (neighbours.empty()) throw ConfigError("precision@k: no neighbours");
  int64_t hits = 0;
  for (const auto& n : neighbours) {
    if (n.label < 0) throw ConfigError("precision@k: the neighbours have no labels");
    hits += n.label == label;
  }
  return static_cast<double>(hits) / static_cast<double>(neighbours.size());
}

torch::Tensor precision_at_k(const NeighbourTable& table, const torch::Tensor& query_labels) {
  if (!table.labels.defined()) throw ConfigError("precision@k: the neighbour table has no labels");
  if (query_labels.defined() && query_labels.numel() > 0 && query_labels.lt(0).all().item<bool>())
    throw ConfigError("precision@k: the queries have no labels");
  if (!query_labels.defined() || query_labels.dim() != 1 || query_labels.size(0) != table.queries())
    throw ConfigError("precision@k: need one label per query (" + std::to_string(table.queries()) + ")");
  const auto y = query_labels.to(torch::kCPU, torch::kLong).unsqueeze(1);  // [Q, 1]
  return table.labels.eq(y).to(torch::kDouble).mean(1);                    // [Q]
}

double mean_precision_at_k(const NeighbourTable& table, const torch::Tensor& query_labels) {
  const auto p = precision_at_k(table, query_labels);
  if (p.numel() == 0) throw ConfigError("precision@k: no queries");
  return p.mean().item<double>();
}

}  // namespace simclr
