#pragma once
// Nearest neighbours of every image through FAISS (Debian's libfaiss-dev): an exact flat
// inner-product index for small collections, an inverted-file index or an HNSW graph
// (approximate) for large ones,
// where the brute-force search of near_duplicates.h would take hours. A build without
// FAISS (a GPU box with PyTorch's LibTorch only) compiles this; faiss_knn() then throws.
#include <cstdint>
#include <string>

#include <torch/types.h>

#include "engine/core/job.h"

namespace simclr {

// True when this build has FAISS.
bool faiss_supported();

// "flat" (exact) | "hnsw" (approximate, M 32, efConstruction 80, efSearch 128) | "ivf"
// (approximate: about 4 sqrt(N) inverted lists from k-means, 16 searched per query).
struct FaissOptions {
  std::string index = "flat";
  int64_t k = 16;              // neighbours per image, itself not counted
  int64_t query_chunk = 8192;  // queries per search call: progress and stop between them
};

struct FaissNeighbours {
  torch::Tensor index;       // int64 [N, k]: the neighbours' rows, most similar first; -1 where missing
  torch::Tensor similarity;  // float [N, k]: their inner products (cosine for unit rows)
  double build_seconds = 0, search_seconds = 0;
};

// x: float32 [N, D] unit rows on the CPU (normalised_rows). Throws ConfigError for a bad
// index kind or k outside [1, N - 1], or a build without FAISS; CancelledError on `stop`.
FaissNeighbours faiss_knn(const torch::Tensor& x, const FaissOptions& options, const JobCallbacks& callbacks = {},
                          const StopToken& stop = {});

}  // namespace simclr
