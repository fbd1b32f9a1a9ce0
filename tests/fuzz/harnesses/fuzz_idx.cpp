// MNIST / Fashion-MNIST IDX files (big-endian header, optionally gzip-compressed), read as
// images (idx3) and as labels (idx1).
#include "engine/data/idx_reader.h"
#include "tests/fuzz/fuzz_harness.h"

SIMCLR_FUZZ_HARNESS(idx) {
  using namespace simclr;
  const auto file = fuzz::write_input("train-images-idx3-ubyte", data, size);
  fuzz::expect_errors([&] { read_idx_images(file); });
  return fuzz::expect_errors([&] { read_idx_labels(file); });
}
