// Dataset archives (cifar-10-binary.tar.gz and what a mirror may serve instead): the MD5
// check, libarchive's unpacking with our path checks, and the CIFAR-10 reader on the result.
#include "engine/core/job.h"
#include "engine/data/cifar10_reader.h"
#include "engine/data/dataset_download.h"
#include "tests/fuzz/fuzz_harness.h"

SIMCLR_FUZZ_HARNESS(dataset_archive) {
  using namespace simclr;
  const auto archive = fuzz::write_input("cifar-10-binary.tar.gz", data, size);
  const auto out = fuzz::fresh_dir("unpacked");
  fuzz::expect_errors([&] { check_md5_hex(std::string(reinterpret_cast<const char*>(data), size)); });
  return fuzz::expect_errors([&] {
    (void)file_md5_hex(archive);
    extract_archive(archive, out, JobCallbacks{}, StopToken{}, "https://example.org/cifar-10-binary.tar.gz");
    if (std::filesystem::exists(out / "cifar-10-batches-bin")) load_cifar10(out / "cifar-10-batches-bin");
  });
}
