#include "engine/explore/near_duplicates.h"

#include <algorithm>
#include <chrono>
#include <limits>
#include <string>
#include <unordered_map>

#include <torch/torch.h>

#include "engine/core/error.h"
#include "engine/explore/normalised_rows.h"
#include "engine/explore/union_find.h"

namespace simclr {

namespace {

// Every pair of a small group, from the normalised rows: similarity [m, m] on the CPU.
void list_all_pairs(const torch::Tensor& x, DuplicateGroup& group) {
  const auto idx = torch::tensor(group.members, torch::kLong).to(x.device());
  const torch::Tensor rows = x.index_select(0, idx);
  const torch::Tensor sim = rows.mm(rows.t()).to(torch::kCPU).contiguous();  // float [m, m]
  const auto s = sim.accessor<float, 2>();
  const auto m = static_cast<int64_t>(group.members.size());
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = i + 1; j < m; ++j)
      group.pairs.push_back({group.members[static_cast<size_t>(i)], group.members[static_cast<size_t>(j)], s[i][j]});
}

}  // namespace

DuplicateResult find_near_duplicates(const torch::Tensor& features, const DuplicateOptions& options,
                                     const JobCallbacks& callbacks, const StopToken& stop) {
  if (!(options.threshold >= -1.0 && options.threshold <= 1.0))
    throw ConfigError("duplicates: threshold must be a cosine similarity in [-1, 1], got " +
                      std::to_string(options.threshold));
  if (options.max_block_elements < 1) throw ConfigError("duplicates: max_block_elements must be >= 1");
  const auto start = std::chrono::steady_clock::now();
  const torch::Tensor x = normalised_rows(features, "duplicates");  // float [N, D], unit rows
  const int64_t n = x.size(0);
  const int64_t block = std::max<int64_t>(1, options.max_block_elements / n);
  const int64_t blocks = (n + block - 1) / block;
  const auto threshold = static_cast<float>(options.threshold);

  UnionFind sets(n);
  std::vector<float> best(static_cast<size_t>(n), -std::numeric_limits<float>::infinity());
  std::vector<float> lowest(static_cast<size_t>(n), std::numeric_limits<float>::infinity());
  std::vector<DuplicatePair> kept;
  DuplicateResult result;
  ProgressClock clock("duplicates", blocks);
  for (int64_t b = 0; b < blocks; ++b) {
    stop.throw_if_stopped("duplicates");
    const int64_t r0 = b * block, r1 = std::min(n, r0 + block);
    // Rows r0..r1 against columns r0..N: only column > row is a pair (the upper triangle).
    const torch::Tensor sim = x.slice(0, r0, r1).mm(x.slice(0, r0, n).t());  // [b, N - r0]
    const torch::Tensor upper =
        torch::ones({r1 - r0, n - r0}, torch::TensorOptions().dtype(torch::kBool).device(x.device())).triu(1);
    const torch::Tensor hits = sim.ge(threshold).logical_and_(upper);
    const torch::Tensor where = hits.nonzero().to(torch::kCPU).contiguous();   // int64 [P, 2], row-major
    const torch::Tensor values = sim.masked_select(hits).to(torch::kCPU).contiguous();  // float [P], same order
    const auto w = where.accessor<int64_t, 2>();
    const float* v = values.data_ptr<float>();
    for (int64_t p = 0; p < where.size(0); ++p) {
      const int64_t i = r0 + w[p][0], j = r0 + w[p][1];
      const float s = v[p];
      sets.unite(i, j);
      for (const int64_t e : {i, j}) {
        best[static_cast<size_t>(e)] = std::max(best[static_cast<size_t>(e)], s);
        lowest[static_cast<size_t>(e)] = std::min(lowest[static_cast<size_t>(e)], s);
      }
      ++result.linking_pairs;
      if (static_cast<int64_t>(kept.size()) < options.max_kept_pairs)
        kept.push_back({i, j, s});
      else
        result.pairs_truncated = true;
    }
    callbacks.progress(clock.at(b + 1));
  }

  // Components with two or more members, members ascending.
  std::unordered_map<int64_t, size_t> group_of_root;
  for (int64_t i = 0; i < n; ++i) {
    if (sets.set_size(i) < 2) continue;
    const int64_t root = sets.find(i);
    auto [it, inserted] = group_of_root.emplace(root, result.groups.size());
    if (inserted) result.groups.emplace_back();
    DuplicateGroup& g = result.groups[it->second];
    g.members.push_back(i);
    g.best.push_back(best[static_cast<size_t>(i)]);
    g.min_link = g.members.size() == 1 ? lowest[static_cast<size_t>(i)]
                                       : std::min(g.min_link, lowest[static_cast<size_t>(i)]);
  }
  // The linking pairs of the large groups, in (a, b) order.
  for (const DuplicatePair& p : kept) {
    DuplicateGroup& g = result.groups[group_of_root.at(sets.find(p.a))];
    if (static_cast<int64_t>(g.members.size()) > options.max_pairwise_members) g.pairs.push_back(p);
  }
  for (DuplicateGroup& g : result.groups) {
    result.images_in_groups += static_cast<int64_t>(g.members.size());
    if (static_cast<int64_t>(g.members.size()) <= options.max_pairwise_members) {
      list_all_pairs(x, g);
    } else {
      g.all_pairs = false;
      std::sort(g.pairs.begin(), g.pairs.end(),
                [](const DuplicatePair& l, const DuplicatePair& r) { return l.a != r.a ? l.a < r.a : l.b < r.b; });
    }
  }
  std::stable_sort(result.groups.begin(), result.groups.end(), [](const DuplicateGroup& l, const DuplicateGroup& r) {
    return l.members.size() != r.members.size() ? l.members.size() > r.members.size()
                                                : l.members.front() < r.members.front();
  });
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace simclr
