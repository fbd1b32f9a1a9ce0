#pragma once
// Near-duplicates in a collection: groups of images whose L2-normalised embeddings have a
// cosine similarity of at least a threshold with another member (the connected components
// of the "similar enough" graph, found with union-find). The exact search computes the
// similarities in row blocks of the upper triangle, so 10 000 x 10 000 never needs the full
// matrix at once; it is the reference for the FAISS indexes (faiss_neighbours.h), which link
// each image to those of its `neighbours` nearest that pass the threshold.
#include <cstdint>
#include <string>
#include <vector>

#include <torch/types.h>

#include "engine/core/job.h"

namespace simclr {

struct DuplicateOptions {
  // Cosine similarity in [-1, 1]; pairs at or above it are linked. 0.999: measured with
  // 200 planted copies (exact, +-8 noise, +15 % brightness, 2-px shift, 1-px shift -10 %)
  // in the CIFAR-10 and Fashion-MNIST test splits, on h of early runs (60 and 150 steps):
  // the lowest threshold tried with no group free of planted images on CIFAR-10 (0.998 gave
  // 2; Fashion-MNIST still gave 44, look-alikes or not), every exact copy found on both,
  // few of the changed ones. Cosine thresholds depend on the encoder: check the groups.
  double threshold = 0.999;
  // Upper bound on the elements of one block of the similarity matrix (rows x columns).
  int64_t max_block_elements = int64_t{1} << 22;
  // Groups with at most this many members list the similarity of every pair of members;
  // larger groups list only the pairs at or above the threshold that linked them.
  int64_t max_pairwise_members = 64;
  // At most this many linking pairs are kept in total (all are still counted and used for
  // the groups); a threshold low enough to link most of a split would otherwise fill memory.
  int64_t max_kept_pairs = 1'000'000;
  // How the pairs are found: "exact" (brute force, every pair), FAISS "flat" (exact k nearest)
  // or "hnsw"/"ivf" (approximate k nearest), or "auto": exact up to kExactDuplicateSearchAtMost
  // images, FAISS IVF above (exact when the build has no FAISS).
  std::string index = "auto";
  int64_t neighbours = 16;  // FAISS: nearest images searched per image
};

// Where "auto" leaves the exact search for FAISS's inverted lists. On 200 000 x 128
// embeddings (tests/bench/RESULTS.md) IVF took 28 s, flat 158 s (the exact search about twice
// flat, HNSW about five times), 1 000 000 took IVF 4 min, all with every planted pair found;
// below this size the exact search takes seconds and keeps every pair above the threshold,
// not only each image's nearest.
constexpr int64_t kExactDuplicateSearchAtMost = 20'000;

// What "auto" means for n images in this build: "exact" or "ivf"; others are returned as they are.
std::string duplicate_search_for(const std::string& index, int64_t n);

struct DuplicatePair {
  int64_t a = 0, b = 0;  // rows, a < b
  float similarity = 0;  // cosine similarity
};

struct DuplicateGroup {
  std::vector<int64_t> members;      // rows, ascending; at least two
  std::vector<float> best;           // per member: its highest similarity to another member
  std::vector<DuplicatePair> pairs;  // every member pair (all_pairs) or the linking pairs, by (a, b)
  bool all_pairs = true;             // false when the group was too large to list every pair
  float min_link = 0;                // the lowest similarity among the linking pairs
};

struct DuplicateResult {
  std::string index;  // the search used: exact, flat, hnsw or ivf
  // Largest group first; among equal sizes, the one with the smallest first member first.
  std::vector<DuplicateGroup> groups;
  int64_t linking_pairs = 0;     // pairs at or above the threshold, all of them counted
  bool pairs_truncated = false;  // more than max_kept_pairs linking pairs (groups stay exact)
  int64_t images_in_groups = 0;
  double seconds = 0;
};

// features: float [N, D] (any floating type, any device); rows are L2-normalised here
// (a zero row stays zero: similarity 0 to everything). Throws ConfigError for a threshold
// outside [-1, 1] or a bad shape, DataError for non-finite features, CancelledError when
// `stop` is set. Progress: one step per row block.
DuplicateResult find_near_duplicates(const torch::Tensor& features, const DuplicateOptions& options = {},
                                     const JobCallbacks& callbacks = {}, const StopToken& stop = {});

}  // namespace simclr
