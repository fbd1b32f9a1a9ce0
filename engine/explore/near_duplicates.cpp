#include "engine/explore/near_duplicates.h"

#include <algorithm>
#include <chrono>
#include <limits>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include <torch/torch.h>

#include "engine/core/error.h"
#include "engine/explore/faiss_neighbours.h"
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

// Pairs at or above the threshold, from either search, linked into groups.
class DuplicateLinker {
 public:
  DuplicateLinker(int64_t n, const DuplicateOptions& options)
      : options_(options),
        sets_(n),
        best_(size_t(n), -std::numeric_limits<float>::infinity()),
        lowest_(size_t(n), std::numeric_limits<float>::infinity()) {}

  void add(int64_t i, int64_t j, float s) {
    sets_.unite(i, j);
    for (const int64_t e : {i, j}) {
      best_[size_t(e)] = std::max(best_[size_t(e)], s);
      lowest_[size_t(e)] = std::min(lowest_[size_t(e)], s);
    }
    ++result_.linking_pairs;
    if (int64_t(kept_.size()) < options_.max_kept_pairs)
      kept_.push_back({std::min(i, j), std::max(i, j), s});
    else
      result_.pairs_truncated = true;
  }

  // Components with two or more members, members ascending; x: the unit rows.
  DuplicateResult finish(const torch::Tensor& x) {
    const int64_t n = x.size(0);
    std::unordered_map<int64_t, size_t> group_of_root;
    for (int64_t i = 0; i < n; ++i) {
      if (sets_.set_size(i) < 2) continue;
      const int64_t root = sets_.find(i);
      auto [it, inserted] = group_of_root.emplace(root, result_.groups.size());
      if (inserted) result_.groups.emplace_back();
      DuplicateGroup& g = result_.groups[it->second];
      g.members.push_back(i);
      g.best.push_back(best_[size_t(i)]);
      g.min_link = g.members.size() == 1 ? lowest_[size_t(i)] : std::min(g.min_link, lowest_[size_t(i)]);
    }
    // The linking pairs of the large groups, in (a, b) order.
    for (const DuplicatePair& p : kept_) {
      DuplicateGroup& g = result_.groups[group_of_root.at(sets_.find(p.a))];
      if (int64_t(g.members.size()) > options_.max_pairwise_members) g.pairs.push_back(p);
    }
    for (DuplicateGroup& g : result_.groups) {
      result_.images_in_groups += int64_t(g.members.size());
      if (int64_t(g.members.size()) <= options_.max_pairwise_members) {
        list_all_pairs(x, g);
      } else {
        g.all_pairs = false;
        std::sort(g.pairs.begin(), g.pairs.end(),
                  [](const DuplicatePair& l, const DuplicatePair& r) { return l.a != r.a ? l.a < r.a : l.b < r.b; });
        g.pairs.erase(
            std::unique(g.pairs.begin(), g.pairs.end(),
                        [](const DuplicatePair& l, const DuplicatePair& r) { return l.a == r.a && l.b == r.b; }),
            g.pairs.end());
      }
    }
    std::stable_sort(result_.groups.begin(), result_.groups.end(),
                     [](const DuplicateGroup& l, const DuplicateGroup& r) {
                       return l.members.size() != r.members.size() ? l.members.size() > r.members.size()
                                                                   : l.members.front() < r.members.front();
                     });
    return std::move(result_);
  }

 private:
  const DuplicateOptions& options_;
  UnionFind sets_;
  std::vector<float> best_, lowest_;
  std::vector<DuplicatePair> kept_;
  DuplicateResult result_;
};

// Every pair: the upper triangle of the similarity matrix, in row blocks.
void exact_pairs(const torch::Tensor& x, const DuplicateOptions& options, DuplicateLinker& linker,
                 const JobCallbacks& callbacks, const StopToken& stop) {
  const int64_t n = x.size(0);
  const int64_t block = std::max<int64_t>(1, options.max_block_elements / n);
  const int64_t blocks = (n + block - 1) / block;
  const auto threshold = static_cast<float>(options.threshold);
  ProgressClock clock("duplicates", blocks);
  for (int64_t b = 0; b < blocks; ++b) {
    stop.throw_if_stopped("duplicates");
    const int64_t r0 = b * block, r1 = std::min(n, r0 + block);
    // Rows r0..r1 against columns r0..N: only column > row is a pair (the upper triangle).
    const torch::Tensor sim = x.slice(0, r0, r1).mm(x.slice(0, r0, n).t());  // [b, N - r0]
    const torch::Tensor upper =
        torch::ones({r1 - r0, n - r0}, torch::TensorOptions().dtype(torch::kBool).device(x.device())).triu(1);
    const torch::Tensor hits = sim.ge(threshold).logical_and_(upper);
    const torch::Tensor where = hits.nonzero().to(torch::kCPU).contiguous();            // int64 [P, 2], row-major
    const torch::Tensor values = sim.masked_select(hits).to(torch::kCPU).contiguous();  // float [P], same order
    const auto w = where.accessor<int64_t, 2>();
    const float* v = values.data_ptr<float>();
    for (int64_t p = 0; p < where.size(0); ++p) linker.add(r0 + w[p][0], r0 + w[p][1], v[p]);
    callbacks.progress(clock.at(b + 1));
  }
}

// Each image's nearest neighbours through FAISS; a pair found from both ends counts once.
void faiss_pairs(const torch::Tensor& x, const DuplicateOptions& options, const std::string& index,
                 DuplicateLinker& linker, const JobCallbacks& callbacks, const StopToken& stop) {
  FaissOptions faiss;
  faiss.index = index;
  faiss.k = std::min<int64_t>(options.neighbours, x.size(0) - 1);
  const FaissNeighbours near = faiss_knn(x.to(torch::kCPU), faiss, callbacks, stop);
  const auto idx = near.index.accessor<int64_t, 2>();
  const auto sim = near.similarity.accessor<float, 2>();
  const auto threshold = static_cast<float>(options.threshold);
  std::unordered_set<uint64_t> seen;
  for (int64_t i = 0; i < near.index.size(0); ++i)
    for (int64_t j = 0; j < near.index.size(1); ++j) {
      const int64_t other = idx[i][j];
      if (other < 0 || sim[i][j] < threshold) continue;
      const uint64_t key = uint64_t(std::min(i, other)) << 32 | uint64_t(std::max(i, other));
      if (seen.insert(key).second) linker.add(i, other, sim[i][j]);
    }
}

}  // namespace

std::string duplicate_search_for(const std::string& index, int64_t n) {
  if (index != "auto") return index;
  return n > kExactDuplicateSearchAtMost && faiss_supported() ? "ivf" : "exact";
}

DuplicateResult find_near_duplicates(const torch::Tensor& features, const DuplicateOptions& options,
                                     const JobCallbacks& callbacks, const StopToken& stop) {
  if (!(options.threshold >= -1.0 && options.threshold <= 1.0))
    throw ConfigError("duplicates: threshold must be a cosine similarity in [-1, 1], got " +
                      std::to_string(options.threshold));
  if (options.max_block_elements < 1) throw ConfigError("duplicates: max_block_elements must be >= 1");
  if (options.index != "auto" && options.index != "exact" && options.index != "flat" && options.index != "hnsw" &&
      options.index != "ivf")
    throw ConfigError("duplicates: index '" + options.index + "' is not auto, exact, flat, hnsw or ivf");
  if (options.neighbours < 1) throw ConfigError("duplicates: neighbours must be >= 1");
  const auto start = std::chrono::steady_clock::now();
  const torch::Tensor x = normalised_rows(features, "duplicates");  // float [N, D], unit rows
  const std::string index = duplicate_search_for(options.index, x.size(0));
  DuplicateLinker linker(x.size(0), options);
  if (index == "exact" || x.size(0) < 2)
    exact_pairs(x, options, linker, callbacks, stop);
  else
    faiss_pairs(x, options, index, linker, callbacks, stop);
  DuplicateResult result = linker.finish(x);
  result.index = index;
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace simclr
