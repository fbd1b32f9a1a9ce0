#pragma once
// Cosine-similarity nearest neighbours over a feature bank (backbone h or projection z),
// for the CLI's `neighbours` command and the GUI's neighbour browser.
//
// NeighbourIndex normalises the bank once and keeps it on the bank's device, so a single
// query is one matrix-vector product plus a top-k (tens of ms for 50 000 x 512 on 2 CPU
// cores, see bench_neighbours), and a whole split is a blocked matrix product plus a top-k
// per block, with the block size bounding the memory of the similarity matrix.
//
// Ordering is deterministic: most similar first and, among equal similarities, the
// smaller bank index first, also where equal similarities straddle the k-th place.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <torch/types.h>

#include "engine/core/job.h"

namespace simclr {

// One neighbour of one query, as plain values for widgets and printing.
struct Neighbour {
  int64_t index = 0;     // row in the bank
  float similarity = 0;  // cosine similarity in [-1, 1]
  int64_t label = -1;    // the bank's label of that row, -1 when the index has no labels
};

// Neighbours of Q queries, on the CPU.
struct NeighbourTable {
  torch::Tensor indices;       // int64 [Q, k], bank rows, most similar first
  torch::Tensor similarities;  // float [Q, k], descending along each row
  torch::Tensor labels;        // int64 [Q, k], bank labels of the neighbours; undefined without labels

  int64_t queries() const { return indices.defined() ? indices.size(0) : 0; }
  int64_t k() const { return indices.defined() ? indices.size(1) : 0; }
  std::vector<Neighbour> row(int64_t query) const;
};

struct NeighbourSearchOptions {
  // Upper bound on the elements of one query-block x bank similarity matrix: queries are
  // processed in blocks of max(1, max_block_elements / M) rows. 2^22 floats = 16 MB, which
  // keeps the top-k passes over a block mostly in cache (measured in bench_neighbours).
  int64_t max_block_elements = int64_t{1} << 22;
  std::string stage = "neighbours";  // progress label, one step per query
};

class NeighbourIndex {
 public:
  NeighbourIndex() = default;
  // bank: float [M, D] features (any floating type, any device; the index keeps a float32
  // L2-normalised copy on the same device). labels: int64 [M] or undefined. Throws
  // ConfigError for bad shapes and DataError for non-finite features.
  explicit NeighbourIndex(const torch::Tensor& bank, const torch::Tensor& labels = {});

  bool empty() const { return !bank_.defined(); }
  int64_t size() const { return bank_.defined() ? bank_.size(0) : 0; }  // M
  int64_t dim() const { return bank_.defined() ? bank_.size(1) : 0; }   // D
  torch::Device device() const { return bank_.defined() ? bank_.device() : torch::Device(torch::kCPU); }
  bool has_labels() const { return labels_.defined(); }
  const torch::Tensor& normalised_bank() const { return bank_; }  // float [M, D], unit rows (zero rows stay 0)
  const torch::Tensor& labels() const { return labels_; }         // int64 [M] on the CPU, or undefined
  int64_t label(int64_t index) const;                             // -1 without labels

  // The k nearest bank rows to one feature vector [D] (any device), skipping bank row
  // `exclude` when >= 0. Throws ConfigError for k outside [1, candidates] or a wrong D.
  std::vector<Neighbour> query(const torch::Tensor& vector, int64_t k, int64_t exclude = -1) const;
  // The k nearest rows to bank row `index`, without itself when exclude_self.
  std::vector<Neighbour> query(int64_t index, int64_t k, bool exclude_self = true) const;

  // Batch search: queries float [Q, D] (any device). exclude: int64 [Q] bank row to skip
  // for each query (-1 = none), or undefined. Progress is reported per query block.
  NeighbourTable search(const torch::Tensor& queries, int64_t k, const torch::Tensor& exclude = {},
                        const NeighbourSearchOptions& options = {}, const JobCallbacks& callbacks = {},
                        const StopToken& stop = {}) const;
  // Every bank row against the bank (a split against itself), each without itself when
  // exclude_self.
  NeighbourTable search_self(int64_t k, bool exclude_self = true, const NeighbourSearchOptions& options = {},
                             const JobCallbacks& callbacks = {}, const StopToken& stop = {}) const;

 private:
  void check_k(int64_t k, bool excluding) const;
  // q: float [Q, D] already normalised, on the bank's device.
  NeighbourTable search_normalised(const torch::Tensor& q, int64_t k, const torch::Tensor& exclude,
                                   const NeighbourSearchOptions& options, const JobCallbacks& callbacks,
                                   const StopToken& stop) const;
  // sim: float [B, M] similarities (excluded entries already -inf) -> sorted top-k with
  // the deterministic tie order; indices and values [B, k] on the bank's device.
  static std::pair<torch::Tensor, torch::Tensor> top_k(const torch::Tensor& sim, int64_t k);

  torch::Tensor bank_;    // float [M, D], normalised, on the bank's device
  torch::Tensor labels_;  // int64 [M], CPU
};

// Fraction of the neighbours whose label equals `label` (precision@k for one query, with
// k = neighbours.size()). Throws ConfigError when the neighbours have no labels or are
// empty.
double precision_at_k(const std::vector<Neighbour>& neighbours, int64_t label);
// Per query: double [Q]. query_labels: int64 [Q]. Throws ConfigError without labels.
torch::Tensor precision_at_k(const NeighbourTable& table, const torch::Tensor& query_labels);
// The mean of the above over all queries.
double mean_precision_at_k(const NeighbourTable& table, const torch::Tensor& query_labels);

}  // namespace simclr
