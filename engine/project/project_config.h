#pragma once
// The experiment project: everything a run needs, as plain structs with defaults.
// Parsed from and written to versioned JSON by project_file.h; the schema (names,
// constraints) is declared once in project_schema.h and drives parsing, validation and
// serialisation alike.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace simclr {

inline constexpr int kProjectFormatVersion = 1;

struct DatasetConfig {
  std::string name = "cifar10";        // cifar10 | fashion-mnist | mnist | image-folder
  std::string path;                    // folder; empty = search $SIMCLR_DATA_DIR and the user data dir
                                       // (required for image-folder: any folder of images)
  int64_t train_limit = 0;             // use a class-balanced subset of this many training images (0 = all)
  int64_t test_limit = 0;              // likewise for the test split
  int64_t image_size = 0;              // image-folder: images resized/centre-cropped to this (0 = 64)
  std::string on_unreadable = "skip";  // image-folder: skip (and report) or fail on a bad file
  std::string labels = "auto";         // image-folder: folders (train/<class>/) | none | auto
  double holdout_fraction = 0.1;       // image-folder without val/ or test/: share held out
  std::string streaming = "auto";      // image-folder: auto (when over the budget) | always | never
  int64_t memory_budget_mb = 0;        // image-folder: decoded images in memory at most (0 = 1/4 of RAM)
  bool decoded_cache = false;          // image-folder, streaming: decode each file once into a mapped file
};

struct ProjectionConfig {
  int64_t hidden_dim = 512;
  int64_t output_dim = 128;
  int64_t layers = 2;  // Linear layers; 1 = linear projection
  bool batch_norm = true;
};

// The Vision Transformer encoder (model.encoder "vit"). Its image size is not set here: it
// is the augmentation's output size for the dataset's images (see build_model).
struct VitConfig {
  int64_t patch_size = 4;  // must divide the image size
  int64_t dim = 192;       // token width; must be a multiple of heads
  int64_t heads = 3;
  int64_t layers = 6;
  double mlp_ratio = 4.0;  // MLP hidden width = dim * mlp_ratio
  double dropout = 0.0;
  std::string pool = "cls";  // cls (class token) | mean (mean of the patch tokens)
};

struct ModelConfig {
  std::string encoder = "resnet18";  // resnet18 | resnet34 | resnet50 | vit
  std::string stem = "cifar";        // ResNet: cifar (3x3, no max-pool) | imagenet (7x7 + max-pool)
  int64_t width = 64;                // ResNet: channels of the first stage (torchvision: 64)
  VitConfig vit;                     // used when encoder is "vit"
  ProjectionConfig projection;
};

// Data-parallel training (several processes, each with its share of the global batch).
// The world size comes from the launcher, not from the project.
struct DistributedConfig {
  std::string backend = "auto";      // auto (nccl on CUDA when built with it, else gloo) | gloo | nccl
  bool sync_batch_norm = false;      // BN statistics over the global batch (the SimCLR paper's global BN)
  bool gather_negatives = true;      // false: each rank's loss sees only its own share of the batch
  int64_t timeout_s = 60;            // a collective waiting longer than this fails the run, naming the lost rank
  int64_t barrier_timeout_s = 3600;  // waits that may be long: a pause, rank 0's kNN monitor, checkpoints
};

struct TrainingConfig {
  int64_t epochs = 1;
  int64_t batch_size = 256;
  std::string optimizer = "adam";   // adam | sgd | lars
  double learning_rate = 1e-3;      // at the reference batch size of 256 when scaled
  std::string lr_scaling = "none";  // none | linear | sqrt (relative to batch 256)
  std::string schedule = "cosine";  // cosine | constant (both after warm-up)
  double warmup_epochs = 0.0;
  double weight_decay = 1e-6;
  double momentum = 0.9;     // sgd and lars
  double temperature = 0.5;  // NT-Xent
  uint64_t seed = 0;
  int64_t max_steps = 0;  // stop after this many steps in total (0 = run all epochs)
  int64_t checkpoint_every_steps = 500;
  // Resume checkpoints (model and optimizer) kept: the newest N, older ones are removed
  // once a newer one is written (0 keeps all).
  int64_t keep_last_checkpoints = 3;
  // Model-only snapshots (encoder and head, no optimizer state) for the embedding
  // timeline, in <run>/snapshots/: log (steps 0, 10, 20, 50, 100, 200, 500, 1000, ... and
  // every epoch end), epochs (every epoch end), steps (timeline_steps), off.
  std::string timeline = "log";
  std::vector<int64_t> timeline_steps;
  // The snapshots' disk cap in MB: past it they are thinned evenly, keeping the first and
  // the latest (0 = no cap).
  double timeline_max_mb = 2048;
  std::string device = "auto";     // auto | cpu | cuda | cuda:N
  int64_t threads = 0;             // CPU intra-op threads (0 = all cores)
  std::string precision = "auto";  // auto (bf16 on GPUs and bf16-capable CPUs) | fp32 | bf16 | fp16
  bool channels_last = false;
  // How the views' random parameters are drawn: 1 = one generator per (seed, step, view)
  // for the whole batch (runs made before version 2); 2 = one per image of the global
  // batch, so views do not depend on how the batch is split over processes.
  int64_t views_version = 2;
  DistributedConfig distributed;
};

struct EvaluationConfig {
  int64_t knn_every_epochs = 1;  // live kNN monitor period (0 = off)
  bool knn_at_start = true;      // also measure the encoder at initialisation
  int64_t knn_k = 200;
  double knn_temperature = 0.1;
  int64_t monitor_test_size = 0;  // class-balanced subset of the test split (0 = all of it)
  int64_t monitor_bank_size = 0;  // class-balanced subset of the training split as memory bank (0 = all)
  int64_t batch_size = 512;       // for feature extraction
};

// A batch-size sweep (the paper's Figure 11): one ordinary run per batch size, in one
// sweep folder under the runs folder. Empty batch_sizes: the project is a single run.
struct SweepConfig {
  std::vector<int64_t> batch_sizes;   // e.g. 32, 64, 128, 256 (powers of two, as the paper)
  std::string lr_scaling = "linear";  // none | linear | sqrt: each point's training.lr_scaling
  std::string budget = "epochs";      // epochs (equal epochs) | steps (equal optimizer steps)
  bool check_memory = true;           // estimate each batch size's memory before starting
  bool linear_probe = true;           // after each run: kNN and a linear probe on frozen h
};

struct ProjectConfig {
  int64_t version = kProjectFormatVersion;
  std::string name = "untitled";
  std::string description;
  DatasetConfig dataset;
  ModelConfig model;
  nlohmann::json augmentation = nlohmann::json{{"preset", "simclr-cifar"}};
  TrainingConfig training;
  EvaluationConfig evaluation;
  SweepConfig sweep;
  // Per-device overrides merged over the project (JSON merge patch) when the run's device
  // matches: {"cuda": {"model": {"width": 64}}}.
  nlohmann::json profiles = nlohmann::json::object();

  // Not serialised: where the project was loaded from (relative paths resolve against it).
  std::filesystem::path file;
  std::filesystem::path base_dir() const;
};

}  // namespace simclr
