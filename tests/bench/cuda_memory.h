#pragma once
// Peak GPU memory of LibTorch's CUDA caching allocator for the benchmarks (what PyTorch's
// torch.cuda.max_memory_allocated / max_memory_reserved report). Known only in a build against
// a CUDA LibTorch (SIMCLR_BENCH_CUDA_MEMORY, set by tests/bench/CMakeLists.txt when Torch
// brings c10_cuda) and for a CUDA device; otherwise `known` is false.
#include <string>

namespace simclr::bench {

struct CudaPeak {
  bool known = false;
  double allocated_mib = 0;  // peak of memory in tensors
  double reserved_mib = 0;   // peak held by the allocator (close to what nvidia-smi shows, less the context)
};

// `device`: a device name ("cpu", "cuda", "cuda:1"); nothing happens for the CPU.
void reset_cuda_peak(const std::string& device);
CudaPeak cuda_peak(const std::string& device);

}  // namespace simclr::bench
