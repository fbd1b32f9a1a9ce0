// NumPy .npy files (embeddings, labels, t-SNE layouts), through read_npy.
#include "engine/eval/npy_file.h"
#include "tests/fuzz/fuzz_harness.h"

SIMCLR_FUZZ_HARNESS(npy) {
  using namespace simclr;
  const auto file = fuzz::write_input("layout.npy", data, size);
  return fuzz::expect_errors([&] {
    const torch::Tensor t = read_npy(file);
    // What the readers' users do next: look at every element.
    if (t.numel() > 0) (void)t.sum().item<double>();
  });
}
