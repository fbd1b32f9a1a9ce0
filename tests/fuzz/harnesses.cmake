# The fuzz harnesses (tests/fuzz/harnesses/fuzz_<name>.cpp), shared by the ordinary test
# build (tests/fuzz/CMakeLists.txt: one replay tool, one CTest test per harness) and the
# libFuzzer build (tests/fuzz/libfuzzer/CMakeLists.txt: one fuzzer per harness).
set(SIMCLR_FUZZ_HARNESSES
  augment_json
  checkpoint
  cifar10_batch
  dataset_archive
  idx
  image_file
  npy
  project_json
  run_folder
  torchvision_weights)

# The engine sources the harnesses read through. The libFuzzer build compiles these with
# coverage and sanitizers and takes everything else from an ordinary build's libraries.
set(SIMCLR_FUZZ_READER_SOURCES
  engine/augment/augment_json.cpp
  engine/augment/augment_pipeline.cpp
  engine/data/binary_file.cpp
  engine/data/cifar10_reader.cpp
  engine/data/dataset_download.cpp
  engine/data/idx_reader.cpp
  engine/data/image_file.cpp
  engine/eval/npy_file.cpp
  engine/models/torchvision_weights.cpp
  engine/project/project_file.cpp
  engine/project/run_folder.cpp
  engine/project/run_process.cpp
  engine/project/run_summary.cpp
  engine/core/pickle_check.cpp
  engine/core/zip_directory.cpp
  engine/train/checkpoint.cpp
  engine/train/metrics_csv.cpp
  engine/train/metrics_log.cpp
  engine/train/train_metrics.cpp)
