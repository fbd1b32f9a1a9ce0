#include "tests/bench/cuda_memory.h"

#ifdef SIMCLR_BENCH_CUDA_MEMORY
#include <c10/cuda/CUDACachingAllocator.h>
#include <torch/torch.h>
#endif

namespace simclr::bench {

namespace {

// -1 for a device that is not CUDA, else its index.
int cuda_index(const std::string& device) {
  if (device.rfind("cuda", 0) != 0) return -1;
  const auto colon = device.find(':');
  return colon == std::string::npos ? 0 : std::stoi(device.substr(colon + 1));
}

}  // namespace

void reset_cuda_peak(const std::string& device) {
  const int index = cuda_index(device);
#ifdef SIMCLR_BENCH_CUDA_MEMORY
  // The allocator sizes its per-device tables at the first allocation; before that any index
  // is "Invalid device argument" (LibTorch 2.x).
  if (index >= 0) {
    (void)torch::empty({1}, torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(index)));
    c10::cuda::CUDACachingAllocator::resetPeakStats(index);
  }
#else
  (void)index;
#endif
}

CudaPeak cuda_peak(const std::string& device) {
  CudaPeak peak;
  const int index = cuda_index(device);
#ifdef SIMCLR_BENCH_CUDA_MEMORY
  if (index >= 0) {
    const auto stats = c10::cuda::CUDACachingAllocator::getDeviceStats(index);
    peak.known = true;
    peak.allocated_mib = static_cast<double>(stats.allocated_bytes[0].peak) / (1024.0 * 1024.0);  // [0]: all pools
    peak.reserved_mib = static_cast<double>(stats.reserved_bytes[0].peak) / (1024.0 * 1024.0);
  }
#else
  (void)index;
#endif
  return peak;
}

}  // namespace simclr::bench
