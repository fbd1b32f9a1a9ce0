#include "engine/core/blas_tuning.h"

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#if defined(__linux__)
#include <dlfcn.h>
#include <unistd.h>
#endif

namespace simclr {

namespace {

constexpr const char* kMarker = "SIMCLR_BLAS_TUNED";  // set in the re-executed process

bool cpu_has_avx512() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  for (std::string line; std::getline(cpuinfo, line);) {
    if (line.rfind("flags", 0) != 0) continue;
    std::set<std::string> flags;
    std::istringstream words(line.substr(line.find(':') + 1));
    for (std::string w; words >> w;) flags.insert(w);
    for (const char* needed : {"avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"})
      if (!flags.count(needed)) return false;
    return true;
  }
  return false;
}

bool env_set(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0';
}

}  // namespace

const char* blas_core_name() {
#if defined(__linux__)
  // OpenBLAS's own query; absent from the reference BLAS, MKL and BLIS.
  using CoreName = char* (*)();
  if (auto fn = reinterpret_cast<CoreName>(dlsym(RTLD_DEFAULT, "openblas_get_corename"))) {
    const char* name = fn();
    return name ? name : "";
  }
#endif
  return "";
}

void tune_blas_for_cpu(char** argv) {
#if defined(__linux__)
  if (argv == nullptr || argv[0] == nullptr) return;
  if (env_set("OPENBLAS_CORETYPE") || env_set(kMarker)) return;  // the user's choice, or done already
  const char* off = std::getenv("SIMCLR_NO_BLAS_TUNING");
  if (off != nullptr && std::strcmp(off, "1") == 0) return;
  const std::string core = blas_core_name();
  if (core.empty()) return;  // not OpenBLAS
  for (const char* avx512_core : {"skylakex", "cooperlake", "sapphirerapids"})
    if (strcasecmp(core.c_str(), avx512_core) == 0) return;  // already the fast kernels
  if (!cpu_has_avx512()) return;
  setenv("OPENBLAS_CORETYPE", "SkylakeX", 1);
  setenv(kMarker, "1", 1);
  execv("/proc/self/exe", argv);
  // exec failed (no /proc, a sandbox): carry on with the kernels we have.
  unsetenv("OPENBLAS_CORETYPE");
#else
  (void)argv;
#endif
}

}  // namespace simclr
