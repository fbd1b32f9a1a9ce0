#pragma once
// t-SNE's input similarities P: each point's exact k nearest neighbours (k = 3 * perplexity,
// van der Maaten 2014), Gaussian kernels whose widths are calibrated so that every
// conditional distribution has the requested perplexity, then symmetrised and normalised.
#include <cstdint>
#include <vector>

#include <torch/types.h>

#include "engine/core/job.h"

namespace simclr {

// Each point's nearest neighbours, nearest first, itself excluded.
struct KnnGraph {
  int64_t n = 0, k = 0;
  std::vector<int64_t> index;     // [N * k]
  std::vector<double> distance2;  // [N * k], squared Euclidean distances
};

// Symmetric sparse P in CSR form: p_ij = (p_j|i + p_i|j) / (2N), all entries sum to 1.
struct TsneAffinities {
  int64_t n = 0;
  std::vector<int64_t> row_start;  // [N + 1]
  std::vector<int32_t> column;     // [nnz], ascending within a row
  std::vector<double> value;       // [nnz]
  int64_t nnz() const { return static_cast<int64_t>(column.size()); }
};

// The neighbour count t-SNE uses for a perplexity: min(N - 1, floor(3 * perplexity + 1)),
// as scikit-learn does (and van der Maaten's bhtsne up to the + 1).
int64_t tsne_neighbour_count(int64_t n, double perplexity);

// Exact kNN by blocked matrix products and top-k on the device of `data` [N, D] (a GPU
// makes this stage fast; the result lives on the CPU). Progress: one step per block.
KnnGraph exact_knn(const torch::Tensor& data, int64_t k, const JobCallbacks& callbacks = {},
                   const StopToken& stop = {});

// Conditional p_j|i over each point's neighbours [N * k] (rows sum to 1): a binary search on
// beta = 1 / (2 sigma^2) per point until the entropy is log(perplexity) within 1e-5.
std::vector<double> conditional_affinities(const KnnGraph& graph, double perplexity, int threads);

// (P + P^T) / sum for the conditional p_j|i of `graph` [N * k].
TsneAffinities symmetrize_affinities(const KnnGraph& graph, const std::vector<double>& conditional);

// All of the above. data: float [N, D]; threads for the calibration (the matrix products use
// LibTorch's own threads). Progress stage "t-SNE affinities".
TsneAffinities tsne_affinities(const torch::Tensor& data, double perplexity, int threads,
                               const JobCallbacks& callbacks = {}, const StopToken& stop = {});

}  // namespace simclr
