#pragma once
// Disjoint sets over 0..n-1 (union by size, path halving): the connected components of the
// near-duplicate graph.
#include <cstdint>
#include <utility>
#include <vector>

namespace simclr {

class UnionFind {
 public:
  explicit UnionFind(int64_t n) : parent_(static_cast<size_t>(n)), size_(static_cast<size_t>(n), 1) {
    for (int64_t i = 0; i < n; ++i) parent_[static_cast<size_t>(i)] = i;
  }

  int64_t find(int64_t x) {
    while (parent_[static_cast<size_t>(x)] != x) {
      auto& p = parent_[static_cast<size_t>(x)];
      p = parent_[static_cast<size_t>(p)];
      x = p;
    }
    return x;
  }

  // Joins the sets of a and b; false when they were already one.
  bool unite(int64_t a, int64_t b) {
    a = find(a);
    b = find(b);
    if (a == b) return false;
    if (size_[static_cast<size_t>(a)] < size_[static_cast<size_t>(b)]) std::swap(a, b);
    parent_[static_cast<size_t>(b)] = a;
    size_[static_cast<size_t>(a)] += size_[static_cast<size_t>(b)];
    return true;
  }

  int64_t set_size(int64_t x) { return size_[static_cast<size_t>(find(x))]; }

 private:
  std::vector<int64_t> parent_;
  std::vector<int64_t> size_;
};

}  // namespace simclr
