#pragma once
// FNV-1a, 64 bit: tiny, dependency-free, and stable across runs and builds. Enough for cache
// keys and for checking that processes agree (not for security).
#include <cstdint>
#include <cstdio>
#include <string>

namespace simclr {

struct Fnv1a {
  uint64_t h = 1469598103934665603ULL;
  void add(const void* data, size_t n) {
    const auto* p = static_cast<const unsigned char*>(data);
    for (size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 1099511628211ULL;
  }
  void add(const std::string& s) { add(s.data(), s.size() + 1); }  // with the NUL: "ab","c" != "a","bc"
  void add(int64_t v) { add(&v, sizeof v); }
  std::string hex() const {
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
    return buf;
  }
};

}  // namespace simclr
