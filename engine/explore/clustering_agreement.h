#pragma once
// How well a clustering agrees with labels (or with another clustering): normalised
// mutual information and the adjusted Rand index, exact, from the contingency table.
// Both are symmetric and ignore how the groups are numbered: identical partitions give 1
// and so does any renumbering of one of them.
#include <cstdint>
#include <vector>

namespace simclr {

struct ClusteringAgreement {
  double nmi = 0;  // in [0, 1]
  double ari = 0;  // 1 identical, ~0 for independent partitions, can be negative
};

// NMI = I(A; B) / ((H(A) + H(B)) / 2) with natural logarithms (the arithmetic-mean
// normalisation, scikit-learn's default). When both partitions have a single group it is
// 1; when only one has, I = 0 and so is NMI.
double normalized_mutual_information(const std::vector<int64_t>& a, const std::vector<int64_t>& b);

// ARI (Hubert and Arabie 1985): (Σ C(n_ij,2) − E) / (½(Σ C(a_i,2) + Σ C(b_j,2)) − E) with
// E = Σ C(a_i,2) Σ C(b_j,2) / C(n,2). When the denominator is 0 (both partitions a single
// group, or both all singletons) the partitions are identical and it is 1.
double adjusted_rand_index(const std::vector<int64_t>& a, const std::vector<int64_t>& b);

// Both at once. Throws ConfigError when the sizes differ or are 0. Group ids may be any
// int64 values (negative too).
ClusteringAgreement clustering_agreement(const std::vector<int64_t>& a, const std::vector<int64_t>& b);

}  // namespace simclr
