#include "engine/explore/clustering_agreement.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <unordered_map>
#include <utility>

#include "engine/core/error.h"

namespace simclr {

namespace {

struct Contingency {
  double n = 0;
  std::vector<double> rows;                  // group sizes of a
  std::vector<double> cols;                  // group sizes of b
  std::map<std::pair<size_t, size_t>, double> cells;  // non-zero n_ij
};

size_t dense_id(std::unordered_map<int64_t, size_t>& ids, int64_t value) {
  return ids.emplace(value, ids.size()).first->second;
}

Contingency contingency(const std::vector<int64_t>& a, const std::vector<int64_t>& b) {
  if (a.size() != b.size())
    throw ConfigError("clustering agreement: the partitions have different sizes (" + std::to_string(a.size()) +
                      " and " + std::to_string(b.size()) + ")");
  if (a.empty()) throw ConfigError("clustering agreement: the partitions are empty");
  std::unordered_map<int64_t, size_t> ia, ib;
  Contingency t;
  t.n = static_cast<double>(a.size());
  for (size_t i = 0; i < a.size(); ++i) {
    const size_t r = dense_id(ia, a[i]), c = dense_id(ib, b[i]);
    if (r == t.rows.size()) t.rows.push_back(0);
    if (c == t.cols.size()) t.cols.push_back(0);
    t.rows[r] += 1;
    t.cols[c] += 1;
    t.cells[{r, c}] += 1;
  }
  return t;
}

double entropy(const std::vector<double>& sizes, double n) {
  double h = 0;
  for (const double s : sizes) h -= (s / n) * std::log(s / n);
  return h;
}

double nmi(const Contingency& t) {
  if (t.rows.size() == 1 && t.cols.size() == 1) return 1.0;
  double mi = 0;
  for (const auto& [rc, nij] : t.cells)
    mi += (nij / t.n) * std::log(nij * t.n / (t.rows[rc.first] * t.cols[rc.second]));
  const double norm = 0.5 * (entropy(t.rows, t.n) + entropy(t.cols, t.n));
  if (norm <= 0) return 0.0;
  return std::clamp(mi / norm, 0.0, 1.0);
}

double pairs(double m) { return m * (m - 1) / 2; }

double ari(const Contingency& t) {
  double index = 0, sum_a = 0, sum_b = 0;
  for (const auto& [rc, nij] : t.cells) index += pairs(nij);
  for (const double s : t.rows) sum_a += pairs(s);
  for (const double s : t.cols) sum_b += pairs(s);
  const double total = pairs(t.n);
  const double expected = total > 0 ? sum_a * sum_b / total : 0;
  const double maximum = 0.5 * (sum_a + sum_b);
  if (maximum - expected == 0) return 1.0;
  return (index - expected) / (maximum - expected);
}

}  // namespace

double normalized_mutual_information(const std::vector<int64_t>& a, const std::vector<int64_t>& b) {
  return nmi(contingency(a, b));
}

double adjusted_rand_index(const std::vector<int64_t>& a, const std::vector<int64_t>& b) {
  return ari(contingency(a, b));
}

ClusteringAgreement clustering_agreement(const std::vector<int64_t>& a, const std::vector<int64_t>& b) {
  const Contingency t = contingency(a, b);
  return {nmi(t), ari(t)};
}

}  // namespace simclr
