#include "engine/core/allocator_tuning.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "engine/core/tensor_memory_cache.h"

namespace simclr {

void tune_allocator_for_tensors() {
#if defined(__GLIBC__)
  mallopt(M_MMAP_THRESHOLD, 64 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
#endif
  install_tensor_memory_cache();
}

}  // namespace simclr
