#include "engine/eval/barnes_hut_tree.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "engine/eval/tsne_parallel.h"

namespace simclr {

namespace {

// The interaction loops compiled twice, for AVX2 and for the baseline x86-64 the project
// builds for, chosen at load time (GCC's function multi-versioning through an ifunc). The
// loops are lane-independent and contraction into FMA is off, so both give the same bits.
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#define SIMCLR_AVX2_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define SIMCLR_AVX2_CLONES
#endif

constexpr int kMaxLevel = 16;  // 16 bits per coordinate in a 32-bit Morton code

// Spreads the 16 low bits of v to the even bit positions.
uint32_t spread_bits(uint32_t v) {
  v &= 0xFFFF;
  v = (v | (v << 8)) & 0x00FF00FF;
  v = (v | (v << 4)) & 0x0F0F0F0F;
  v = (v | (v << 2)) & 0x33333333;
  v = (v | (v << 1)) & 0x55555555;
  return v;
}

uint32_t code_of(uint64_t key) {
  return static_cast<uint32_t>(key >> 32);
}

// Stable LSD radix sort of keys by their upper 32 bits (the Morton code). The keys start in
// index order, so the result is ordered by (code, index): a total order, whatever the
// previous layout was.
void radix_sort(std::vector<uint64_t>& keys, std::vector<uint64_t>& scratch) {
  scratch.resize(keys.size());
  for (int pass = 0; pass < 4; ++pass) {
    const int shift = 32 + 8 * pass;
    std::array<size_t, 257> offsets{};
    for (uint64_t key : keys) ++offsets[((key >> shift) & 0xFF) + 1];
    if (offsets[((keys.front() >> shift) & 0xFF) + 1] == keys.size()) continue;  // one bucket: nothing moves
    for (size_t b = 1; b < offsets.size(); ++b) offsets[b] += offsets[b - 1];
    for (uint64_t key : keys) scratch[offsets[(key >> shift) & 0xFF]++] = key;
    keys.swap(scratch);
  }
}

}  // namespace

void BarnesHutTree::build(const double* positions, int64_t n) {
  n_ = n;
  nodes_.clear();
  leaves_.clear();
  if (n == 0) return;
  double min_x = positions[0], max_x = positions[0], min_y = positions[1], max_y = positions[1];
  for (int64_t i = 1; i < n; ++i) {
    min_x = std::min(min_x, positions[2 * i]);
    max_x = std::max(max_x, positions[2 * i]);
    min_y = std::min(min_y, positions[2 * i + 1]);
    max_y = std::max(max_y, positions[2 * i + 1]);
  }
  side_ = std::max(max_x - min_x, max_y - min_y);
  if (!(side_ > 0)) side_ = 1;  // every point in one place: any square will do
  const double scale = 65536.0 / side_;
  auto quantize = [scale](double offset) { return static_cast<uint32_t>(std::clamp(offset * scale, 0.0, 65535.0)); };
  keys_.resize(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    const uint32_t code =
        spread_bits(quantize(positions[2 * i] - min_x)) | (spread_bits(quantize(positions[2 * i + 1] - min_y)) << 1);
    keys_[i] = (static_cast<uint64_t>(code) << 32) | static_cast<uint64_t>(i);
  }
  radix_sort(keys_, scratch_);

  sorted_.resize(static_cast<size_t>(2 * n));
  prefix_.resize(static_cast<size_t>(2 * (n + 1)));
  prefix_[0] = prefix_[1] = 0;
  for (int64_t s = 0; s < n; ++s) {
    const int64_t i = static_cast<int64_t>(keys_[s] & 0xFFFFFFFFu);
    sorted_[2 * s] = positions[2 * i];
    sorted_[2 * s + 1] = positions[2 * i + 1];
    prefix_[2 * s + 2] = prefix_[2 * s] + sorted_[2 * s];
    prefix_[2 * s + 3] = prefix_[2 * s + 1] + sorted_[2 * s + 1];
  }
  build_cell(0, static_cast<int32_t>(n), 0);
}

void BarnesHutTree::build_cell(int32_t begin, int32_t end, int level) {
  // Skip the levels where all points fall into one quadrant: the deeper cell has the same
  // points and centre of mass but a smaller width, so it answers every query the same way
  // or better, and the traversal saves a node.
  while (level < kMaxLevel && end - begin > kLeafCapacity) {
    const int shift = 30 - 2 * level;  // bits that pick the quadrant at level + 1
    if ((code_of(keys_[begin]) >> shift) != (code_of(keys_[end - 1]) >> shift)) break;
    ++level;
  }
  const int32_t index = static_cast<int32_t>(nodes_.size());
  const double count = end - begin;
  const double width = std::ldexp(side_, -level);
  Node node;
  node.x = (prefix_[2 * end] - prefix_[2 * begin]) / count;
  node.y = (prefix_[2 * end + 1] - prefix_[2 * begin + 1]) / count;
  node.width2 = width * width;
  node.begin = begin;
  node.end = end;
  node.next = 0;
  node.leaf = (end - begin <= kLeafCapacity || level == kMaxLevel) ? 1 : 0;
  nodes_.push_back(node);
  if (node.leaf) leaves_.push_back(index);
  if (!node.leaf) {
    const int shift = 30 - 2 * level;
    for (int32_t first = begin; first < end;) {
      const uint32_t quadrant = code_of(keys_[first]) >> shift;
      const auto last = std::upper_bound(keys_.begin() + first, keys_.begin() + end, quadrant,
                                         [shift](uint32_t q, uint64_t key) { return q < (code_of(key) >> shift); });
      const int32_t stop = static_cast<int32_t>(last - keys_.begin());
      build_cell(first, stop, level + 1);
      first = stop;
    }
  }
  nodes_[index].next = static_cast<int32_t>(nodes_.size());
}

SIMCLR_AVX2_CLONES void BarnesHutTree::group_repulsion(int32_t leaf, int32_t b, int32_t e, double theta2) const {
  // The group's points in fixed-size arrays, padded with far-away dummies whose results are
  // dropped: every inner loop then runs exactly kGroup times, without branches, which the
  // compiler vectorises. A dummy at 1e30 gets w ~ 1e-60, products stay normal numbers (no
  // slow denormals), and it changes no real point's sums.
  constexpr double kFar = 1e30;
  double px[kGroup], py[kGroup], fx[kGroup], fy[kGroup], zs[kGroup];
  const double* p = sorted_.data();
  double min_x = p[2 * b], max_x = min_x, min_y = p[2 * b + 1], max_y = min_y;
  for (int32_t g = 0; g < kGroup; ++g) {
    const bool real = b + g < e;
    px[g] = real ? p[2 * (b + g)] : kFar;
    py[g] = real ? p[2 * (b + g) + 1] : kFar;
    fx[g] = fy[g] = zs[g] = 0;
    if (real) {
      min_x = std::min(min_x, px[g]);
      max_x = std::max(max_x, px[g]);
      min_y = std::min(min_y, py[g]);
      max_y = std::max(max_y, py[g]);
    }
  }
  const Node* nodes = nodes_.data();
  const int32_t count = static_cast<int32_t>(nodes_.size());
  for (int32_t i = 0; i < count;) {
    const Node& node = nodes[i];
    if (node.begin <= b && e <= node.end) {
      // The group's own leaf or one of its ancestors (cells are nested ranges of points):
      // never summarised, since its centre of mass includes the points acted upon.
      if (i != leaf) {
        ++i;
        continue;
      }
    } else {
      const double gx = std::max({min_x - node.x, 0.0, node.x - max_x});
      const double gy = std::max({min_y - node.y, 0.0, node.y - max_y});
      if (node.width2 < theta2 * (gx * gx + gy * gy)) {
        const double mass = static_cast<double>(node.end - node.begin);
        for (int32_t g = 0; g < kGroup; ++g) {
          const double dx = px[g] - node.x, dy = py[g] - node.y;
          const double w = 1.0 / (1.0 + dx * dx + dy * dy);
          const double cw = mass * w;
          zs[g] += cw;
          fx[g] += cw * w * dx;
          fy[g] += cw * w * dy;
        }
        i = node.next;
        continue;
      }
      if (!node.leaf) {
        ++i;  // open the cell: its first child follows it
        continue;
      }
    }
    // A leaf visited point by point. In the group's own leaf each point meets itself too:
    // w = 1 and no force, taken off Z below.
    for (int32_t q = node.begin; q < node.end; ++q) {
      const double qx = p[2 * q], qy = p[2 * q + 1];
      for (int32_t g = 0; g < kGroup; ++g) {
        const double dx = px[g] - qx, dy = py[g] - qy;
        const double w = 1.0 / (1.0 + dx * dx + dy * dy);
        zs[g] += w;
        fx[g] += w * w * dx;
        fy[g] += w * w * dy;
      }
    }
    i = node.next;
  }
  for (int32_t s = b; s < e; ++s) {
    forces_sorted_[2 * s] = fx[s - b];
    forces_sorted_[2 * s + 1] = fy[s - b];
    z_[s] = zs[s - b] - 1.0;  // the self-pair
  }
}

double BarnesHutTree::repulsion(double theta, int threads, double* forces) const {
  if (n_ == 0) return 0;
  const double theta2 = theta * theta;
  z_.resize(static_cast<size_t>(n_));
  forces_sorted_.resize(static_cast<size_t>(2 * n_));
  const auto leaves = static_cast<int64_t>(leaves_.size());
  tsne_detail::parallel_chunks(leaves, threads, 16, [&](int64_t begin, int64_t end) {
    for (int64_t l = begin; l < end; ++l) {
      // Leaves hold at most kGroup points, except at the deepest level (coincident points).
      const Node& leaf = nodes_[static_cast<size_t>(leaves_[l])];
      for (int32_t b = leaf.begin; b < leaf.end; b += kGroup)
        group_repulsion(leaves_[l], b, std::min(leaf.end, b + kGroup), theta2);
    }
  });
  for (int64_t s = 0; s < n_; ++s) {
    const int64_t i = static_cast<int64_t>(keys_[s] & 0xFFFFFFFFu);
    forces[2 * i] = forces_sorted_[2 * s];
    forces[2 * i + 1] = forces_sorted_[2 * s + 1];
  }
  double z = 0;
  for (double share : z_) z += share;
  return z;
}

}  // namespace simclr
