#include "engine/data/channel_stats.h"

#include <array>
#include <cmath>
#include <fstream>

#include <nlohmann/json.hpp>

#include "engine/core/atomic_file.h"
#include "engine/core/error.h"

namespace simclr {

namespace fs = std::filesystem;

// Streamed sets are measured on this many of their images (limited_to: class-balanced, or
// evenly spaced): decoding every file of a folder larger than memory just for two numbers per
// channel is not worth an epoch's time.
constexpr int64_t kStreamedStatsImages = 5000;

ChannelStats compute_channel_stats(const ImageDataset& all) {
  const ImageDataset train = all.streamed() ? all.limited_to(kStreamedStatsImages).in_memory() : all;
  ChannelStats stats;
  const int64_t n = train.size();
  const int64_t c = train.channels();
  if (n == 0 || c == 0) throw DataError("channel statistics: the dataset is empty");
  if (train.images.scalar_type() != torch::kByte) throw DataError("channel statistics: images must be uint8");
  const torch::Tensor images = train.images.to(torch::kCPU).contiguous();
  const int64_t plane = train.height() * train.width();
  const uint8_t* p = images.data_ptr<uint8_t>();

  std::vector<std::array<uint64_t, 256>> hist(static_cast<size_t>(c));
  for (auto& h : hist) h.fill(0);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t ch = 0; ch < c; ++ch) {
      auto& h = hist[static_cast<size_t>(ch)];
      const uint8_t* q = p + (i * c + ch) * plane;
      for (int64_t k = 0; k < plane; ++k) ++h[q[k]];
    }

  const unsigned __int128 count = static_cast<unsigned __int128>(n) * static_cast<unsigned __int128>(plane);
  for (const auto& h : hist) {
    unsigned __int128 s = 0, q = 0;  // sum and sum of squares of the raw 0..255 values, exact
    for (unsigned v = 0; v < 256; ++v) {
      s += static_cast<unsigned __int128>(h[v]) * v;
      q += static_cast<unsigned __int128>(h[v]) * v * v;
    }
    // var = (count*q - s^2) / count^2, numerator exact and non-negative.
    const unsigned __int128 num = count * q - s * s;
    const long double cnt = static_cast<long double>(count);
    const long double mean = static_cast<long double>(s) / cnt / 255.0L;
    const long double var = static_cast<long double>(num) / (cnt * cnt) / (255.0L * 255.0L);
    stats.mean.push_back(static_cast<double>(mean));
    stats.std.push_back(static_cast<double>(std::sqrt(var)));
  }
  return stats;
}

namespace {

constexpr int kCacheVersion = 1;

nlohmann::json cache_key(const ImageDataset& train, const std::string& name) {
  return {{"version", kCacheVersion},
          {"dataset", name},
          {"size", train.size()},
          {"shape", {train.channels(), train.height(), train.width()}},
          {"fingerprint", dataset_fingerprint(train)}};
}

// The cached stats when the file exists, parses and carries `key`; false otherwise.
bool read_cache(const fs::path& file, const nlohmann::json& key, int64_t channels, ChannelStats& out) {
  std::ifstream in(file);
  if (!in) return false;
  const nlohmann::json j = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.contains("key") || j["key"] != key) return false;
  if (!j.contains("mean") || !j.contains("std") || !j["mean"].is_array() || !j["std"].is_array()) return false;
  ChannelStats s;
  for (const auto& v : j["mean"]) {
    if (!v.is_number()) return false;
    s.mean.push_back(v.get<double>());
  }
  for (const auto& v : j["std"]) {
    if (!v.is_number()) return false;
    s.std.push_back(v.get<double>());
  }
  if (static_cast<int64_t>(s.mean.size()) != channels || s.std.size() != s.mean.size()) return false;
  for (size_t i = 0; i < s.mean.size(); ++i)
    if (!std::isfinite(s.mean[i]) || !std::isfinite(s.std[i]) || s.std[i] < 0) return false;
  out = std::move(s);
  return true;
}

}  // namespace

ChannelStats load_or_compute_channel_stats(const ImageDataset& train, const std::string& dataset_name,
                                           const fs::path& cache_file, bool* from_cache) {
  const nlohmann::json key = cache_key(train, dataset_name);
  ChannelStats stats;
  if (!cache_file.empty() && read_cache(cache_file, key, train.channels(), stats)) {
    if (from_cache) *from_cache = true;
    return stats;
  }
  stats = compute_channel_stats(train);
  if (from_cache) *from_cache = false;
  if (!cache_file.empty()) {
    nlohmann::json j = {{"key", key}, {"mean", stats.mean}, {"std", stats.std}};
    try {
      write_file_atomically(cache_file, j.dump(2) + "\n");
    } catch (const std::exception&) {
      // A read-only data folder only costs a recomputation next time.
    }
  }
  return stats;
}

}  // namespace simclr
