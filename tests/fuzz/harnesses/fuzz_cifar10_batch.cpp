// CIFAR-10's binary batches (data_batch_N.bin: label byte + 3 072 pixel bytes per record)
// and their class-name file (batches.meta.txt), through read_cifar10_batches / _meta.
#include "engine/data/cifar10_reader.h"
#include "tests/fuzz/fuzz_harness.h"

SIMCLR_FUZZ_HARNESS(cifar10_batch) {
  using namespace simclr;
  const auto batch = fuzz::write_input("data_batch_1.bin", data, size);
  fuzz::expect_errors([&] { read_cifar10_batches({batch}, {}); });
  const auto meta = fuzz::write_input("batches.meta.txt", data, size);
  return fuzz::expect_errors([&] {
    // A valid name list takes the batch: labels are checked against its length.
    read_cifar10_batches({batch}, read_cifar10_meta(meta));
  });
}
