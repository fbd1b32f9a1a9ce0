#include "tests/fuzz/fuzz_seeds.h"

#include <functional>
#include <map>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#ifdef SIMCLR_HAVE_OPENCV
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#endif

#include "engine/augment/augment_pipeline.h"
#include "engine/core/atomic_file.h"
#include "engine/data/cifar10_reader.h"
#include "engine/eval/npy_file.h"
#include "engine/models/torchvision_weights.h"
#include "engine/project/project_file.h"
#include "engine/project/run_folder.h"
#include "engine/project/run_process.h"
#include "engine/train/checkpoint.h"
#include "engine/train/metrics_log.h"
#include "engine/train/train_metrics.h"
#include "tests/support/dataset_fixtures.h"
#include "tests/support/project_fixtures.h"

namespace simclr::fuzz {

namespace fs = std::filesystem;

namespace {

void cifar10_seeds(const fs::path& dir) {
  test::write_bytes(dir / "batch-3-records.bin",
                    test::cifar10_batch_bytes(test::make_random_images(3, 3, 32, 32, 10, 1)));
  std::string meta;
  for (const auto& name : cifar10_class_names()) meta += name + "\n";
  test::write_bytes(dir / "batches.meta.txt", meta);
}

void idx_seeds(const fs::path& dir) {
  const ImageDataset ds = test::make_random_images(3, 1, 4, 5, 10, 2);
  test::write_bytes(dir / "images-idx3", test::idx_images_bytes(ds.images));
  test::write_bytes(dir / "labels-idx1", test::idx_labels_bytes(ds.labels));
  if (test::have_gzip()) {
    test::write_bytes(dir / "images-idx3.gz", test::gzip_bytes(test::idx_images_bytes(ds.images)));
    test::write_bytes(dir / "labels-idx1.gz", test::gzip_bytes(test::idx_labels_bytes(ds.labels)));
  }
}

void npy_seeds(const fs::path& dir) {
  write_npy(dir / "float32-3x2.npy", torch::arange(6, torch::kFloat).view({3, 2}));
  write_npy(dir / "float64-scalar.npy", torch::tensor(2.5, torch::kDouble));
  write_npy(dir / "int64-4.npy", torch::arange(4, torch::kLong));
  write_npy(dir / "uint8-2x2x2.npy", torch::arange(8, torch::kLong).to(torch::kByte).view({2, 2, 2}));
}

void image_seeds(const fs::path& dir) {
#ifdef SIMCLR_HAVE_OPENCV
  cv::Mat colour(5, 6, CV_8UC3), grey(4, 3, CV_8UC1), grey16(3, 3, CV_16UC1), bgra(3, 4, CV_8UC4);
  cv::randu(colour, 0, 255);
  cv::randu(grey, 0, 255);
  cv::randu(grey16, 0, 65535);
  cv::randu(bgra, 0, 255);
  const std::vector<std::pair<std::string, const cv::Mat*>> files = {
      {"colour.png", &colour}, {"grey.png", &grey},      {"grey16.png", &grey16},  {"bgra.png", &bgra},
      {"colour.jpg", &colour}, {"grey.jpg", &grey},      {"colour.bmp", &colour},  {"grey.pgm", &grey},
      {"colour.ppm", &colour}, {"colour.tiff", &colour}, {"grey16.tiff", &grey16}, {"colour.webp", &colour}};
  for (const auto& [name, image] : files) {
    std::vector<uint8_t> bytes;
    try {
      if (!cv::imencode(fs::path(name).extension().string(), *image, bytes)) continue;
    } catch (const cv::Exception&) {
      continue;  // an OpenCV built without that codec
    }
    test::write_bytes(dir / name, std::string(bytes.begin(), bytes.end()));
  }
#else
  (void)dir;
#endif
}

// The model of fuzz_checkpoint.cpp's SmallRun.
void checkpoint_seeds(const fs::path& dir) {
  torch::manual_seed(3);
  EncoderConfig encoder;
  encoder.resnet.width = 4;
  ProjectionHeadConfig head;
  head.hidden_dim = 16;
  head.output_dim = 8;
  SimCLRModel model(make_encoder(encoder), head);
  TrainingConfig config;
  TrainOptimizer optimizer(config, model->named_parameters());
  CheckpointInfo info;
  info.step = 1;
  info.last_loss = 2.5;
  info.config_json = R"({"name":"fuzz"})";
  save_checkpoint(dir / "step-00000001.pt", model, optimizer, info);
  CheckpointInfo scaled;
  scaled.step = 7;
  scaled.config_json = to_json(ProjectConfig{}).dump();
  scaled.loss_scale = 1024.0;
  scaled.loss_scale_good_steps = 3;
  save_checkpoint(dir / "step-00000007.pt", model, optimizer, scaled);
}

void torchvision_seeds(const fs::path& dir) {
  // A few of resnet18's tensors (a whole state dict is 45 MB): the reader and the name and
  // shape checks see the same structure.
  write_pytorch_state_dict(dir / "partial-resnet18.pth", {{"conv1.weight", torch::zeros({64, 3, 3, 3})},
                                                          {"bn1.running_mean", torch::zeros({64})},
                                                          {"bn1.num_batches_tracked", torch::tensor(int64_t{5})},
                                                          {"fc.bias", torch::zeros({10})}});
  write_pytorch_state_dict(dir / "small.pth", {{"a", torch::arange(3, torch::kFloat)}, {"b", torch::ones({2, 2})}});
}

void augment_seeds(const fs::path& dir) {
  for (const auto& name : AugmentPipeline::preset_names()) {
    write_file_atomically(dir / ("preset-" + name + ".json"), nlohmann::json{{"preset", name}}.dump());
    write_file_atomically(dir / ("ops-" + name + ".json"), AugmentPipeline::preset_spec(name).dump(1));
  }
  const nlohmann::json every_op = {
      {"preset", "custom"},
      {"image_size", 16},
      {"ops",
       {{{"op", "random_resized_crop"}, {"size", 0}, {"scale", {0.2, 1.0}}, {"ratio", {0.75, 1.33}}},
        {{"op", "horizontal_flip"}, {"p", 0.5}},
        {{"op", "color_jitter"}, {"brightness", 0.4}, {"contrast", 0.4}, {"saturation", 0.4}, {"hue", 0.1}, {"p", 0.8}},
        {{"op", "random_grayscale"}, {"p", 0.2}},
        {{"op", "gaussian_blur"}, {"kernel_size", 3}, {"sigma", {0.1, 2.0}}, {"p", 0.5}},
        {{"op", "solarize"}, {"threshold", 0.5}, {"p", 0.2}},
        {{"op", "posterize"}, {"bits", 4}, {"p", 0.5}},
        {{"op", "resize"}, {"size", 12}},
        {{"op", "random_choice"},
         {"p", 0.5},
         {"then", {{{"op", "horizontal_flip"}, {"p", 1.0}}}},
         {"else", {{{"op", "solarize"}, {"p", 1.0}}}}}}}};
  write_file_atomically(dir / "every-op.json", every_op.dump(1));
  write_file_atomically(dir / "bare-string.json", "\"paper\"");
}

void project_seeds(const fs::path& dir) {
  save_project(ProjectConfig{}, dir / "defaults.json");
  ProjectConfig tiny = test::tiny_project("data/cifar-10-batches-bin");
  tiny.profiles = {{"cuda", {{"model", {{"width", 64}}}, {"training", {{"batch_size", 256}}}}},
                   {"cpu", {{"training", {{"threads", 2}}}}}};
  save_project(tiny, dir / "tiny-with-profiles.json");
}

// "==> <name>" sections (fuzz_run_folder.cpp) of a run folder written by the real writers.
void run_folder_seeds(const fs::path& dir) {
  const fs::path scratch = dir / ".run";
  fs::create_directories(scratch);
  const RunFolder run(scratch);
  run.write_config(test::tiny_project("data"));
  {
    MetricsLog log(run.metrics_file());
    for (int64_t step = 1; step <= 2; ++step) {
      StepMetrics m;
      m.step = step;
      m.loss = 5.0 - step;
      log.write(to_json(m));
    }
    MonitorMetrics monitor;
    monitor.step = 2;
    monitor.knn_top1 = 0.25;
    log.write(to_json(monitor));
  }
  ProcessRecord record = this_process_record();
  record.step = 2;
  record.total_steps = 10;
  write_process_record(run, record);
  const nlohmann::json status = {
      {"state", "completed"}, {"steps_done", 10},     {"total_steps", 10},
      {"final_loss", 3.5},    {"train_seconds", 1.5}, {"parameters", 1234},
      {"device", "cpu"},      {"world_size", 1},      {"final_monitor", to_json(MonitorMetrics{})}};
  const nlohmann::json evaluation = {{"step", 10}, {"results", {{{"k", 200}, {"top1", 0.5}, {"top5", 0.9}}}}};
  auto section = [&](const std::string& name, const std::string& body) {
    return "==> " + name + "\n" + body + (body.empty() || body.back() == '\n' ? "" : "\n");
  };
  const std::string config = read_file(run.config_file()), metrics = read_file(run.metrics_file()),
                    process = read_file(process_record_file(run));
  write_file_atomically(dir / "completed-run", section("status.json", status.dump(2)) +
                                                   section("metrics.jsonl", metrics) + section("config.json", config) +
                                                   section("evaluation/knn-h-step-00000010.json", evaluation.dump()) +
                                                   section("checkpoints/step-00000010.pt", ""));
  write_file_atomically(dir / "running-run", section("metrics.jsonl", metrics) + section("process.json", process) +
                                                 section("config.json", config) +
                                                 section("checkpoints/step-00000020.pt", ""));
  fs::remove_all(scratch);
}

void archive_seeds(const fs::path& dir) {
  if (!test::have_archive_writer()) return;
  test::write_bytes(dir / "cifar-10-binary-small.tar.gz", test::make_tar_gz(test::cifar10_archive_entries(1, 1, 4)));
  test::write_bytes(dir / "folders.tar.gz",
                    test::make_tar_gz({{"cifar-10-batches-bin/", ""}, {"cifar-10-batches-bin/readme.html", "<p>"}}));
}

const std::map<std::string, std::function<void(const fs::path&)>>& writers() {
  static const std::map<std::string, std::function<void(const fs::path&)>> all = {
      {"augment_json", augment_seeds},
      {"checkpoint", checkpoint_seeds},
      {"cifar10_batch", cifar10_seeds},
      {"dataset_archive", archive_seeds},
      {"idx", idx_seeds},
      {"image_file", image_seeds},
      {"npy", npy_seeds},
      {"project_json", project_seeds},
      {"run_folder", run_folder_seeds},
      {"torchvision_weights", torchvision_seeds}};
  return all;
}

}  // namespace

std::vector<std::string> seeded_harnesses() {
  std::vector<std::string> names;
  for (const auto& [name, writer] : writers()) names.push_back(name);
  return names;
}

bool write_seeds(const std::string& harness, const fs::path& dir) {
  const auto it = writers().find(harness);
  if (it == writers().end()) return false;
  fs::create_directories(dir);
  it->second(dir);
  return true;
}

}  // namespace simclr::fuzz
