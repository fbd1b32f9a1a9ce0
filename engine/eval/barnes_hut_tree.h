#pragma once
// Quadtree for the Barnes-Hut approximation of t-SNE's repulsive forces in 2-D
// (van der Maaten 2014). A cell far enough from a point (cell width < theta * distance to
// its centre of mass) acts as one body of its point count.
//
// Layout, for speed on the hot path: points are sorted along a Morton (Z-order) curve, so
// every cell is a contiguous range of them and nearby points are nearby in memory; cells
// live in one flat array in depth-first order, each with the index just past its subtree,
// so a traversal is a forward scan without a stack. Rebuilt every iteration in O(N) plus a
// radix sort, reusing its buffers (no allocation once warm).
//
// The traversal is shared by the points of a leaf (Barnes 1990, "a modified tree code"): a
// cell is summarised when the criterion holds for the point of the leaf's bounding box
// nearest to it, hence for every point of the leaf. That is never less accurate than the
// per-point test, walks the tree once per leaf instead of once per point, and turns the
// interactions into fixed-length loops over the leaf's points that vectorise (AVX2 where
// the CPU has it). Measured on a 10 000-point layout: 2x faster than a per-point walk, with
// a smaller error in Z.
#include <cstdint>
#include <vector>

namespace simclr {

class BarnesHutTree {
 public:
  // positions: [N, 2] row-major. Keeps a sorted copy; `positions` may change afterwards.
  void build(const double* positions, int64_t n);

  // For every point i (original order) writes to forces[2i..2i+1] the repulsion
  //   sum_{j != i} w_ij^2 (y_i - y_j),   w_ij = 1 / (1 + |y_i - y_j|^2)
  // with far cells summarised, and returns Z = sum_{i != j} w_ij approximated alike.
  // theta = 0 gives the exact sums. Runs on `threads` threads; the result does not depend
  // on their number (each point's sum has a fixed order, Z is summed in point order).
  double repulsion(double theta, int threads, double* forces) const;

  int64_t size() const { return n_; }
  int64_t cell_count() const { return static_cast<int64_t>(nodes_.size()); }

  // Most points a leaf cell holds before it is split (leaves at the deepest level may hold
  // more: points closer than 2^-16 of the layout's extent).
  // 16 measured fastest among 4..32 (fewer cells to walk against more pairs per leaf).
  static constexpr int32_t kLeafCapacity = 16;

 private:
  struct Node {
    double x, y;         // centre of mass
    double width2;       // squared side of the cell
    int32_t begin, end;  // its points, [begin, end) in Morton order
    int32_t next;        // the first node after this subtree
    int32_t leaf;        // 1 when its points are visited one by one
  };

  void build_cell(int32_t begin, int32_t end, int level);
  // Repulsion on the sorted points [b, e) (at most kGroup) of leaf node `leaf`: their forces
  // into forces_sorted_ and their shares of Z into z_, both in Morton order.
  void group_repulsion(int32_t leaf, int32_t b, int32_t e, double theta2) const;
  static constexpr int32_t kGroup = kLeafCapacity;

  int64_t n_ = 0;
  double side_ = 0;  // side of the root square
  std::vector<Node> nodes_;
  std::vector<uint64_t> keys_, scratch_;       // (Morton code << 32) | original index
  std::vector<double> sorted_;                 // [N, 2] in Morton order
  std::vector<double> prefix_;                 // [N + 1, 2] prefix sums of sorted_, for centres of mass
  std::vector<int32_t> leaves_;                // indices of the leaf nodes, in depth-first order
  mutable std::vector<double> forces_sorted_;  // [N, 2] in Morton order
  mutable std::vector<double> z_;              // [N] per-point share of Z, summed in order
};

}  // namespace simclr
