#include "engine/project/setting_help.h"

#include <map>

#include "engine/project/project_schema.h"

namespace simclr {

namespace {

const std::map<std::string, SettingHelp>& help_table() {
  static const std::map<std::string, SettingHelp> table = {
      {"version", {"Project file format version; files of older versions are read and upgraded.", "", ""}},
      {"name", {"The project's name; runs are named after it with the date and time.", "", ""}},
      {"description", {"What this experiment is about, for you and the people you share it with.", "", ""}},

      {"dataset.name",
       {"Which dataset: CIFAR-10, Fashion-MNIST, MNIST, or image-folder (your own images, with or without class "
        "folders).",
        "", ""}},
      {"dataset.path",
       {"The dataset's folder. Empty: the workbench searches $SIMCLR_DATA_DIR and its data folder.", "", ""}},
      {"dataset.train_limit",
       {"Train on a class-balanced subset of this many training images, for quick experiments.", "images",
        "all images"}},
      {"dataset.test_limit", {"Evaluate on a class-balanced subset of this many test images.", "images", "all images"}},
      {"dataset.image_size",
       {"image-folder: images are resized and centre-cropped to this side length.", "pixels", "64 pixels"}},
      {"dataset.on_unreadable",
       {"image-folder: skip an unreadable image (and list it) or stop with an error.", "", ""}},
      {"dataset.labels",
       {"image-folder: folders takes classes from train/<class>/; none reads every image unlabelled, whatever "
        "its sub-folders (kNN and probes are then off, a label-free monitor is used); auto picks folders when "
        "train/ has class folders.",
        "", ""}},
      {"dataset.holdout_fraction",
       {"image-folder without val/ or test/: this share of the images (of each class) is held out for "
        "evaluation, the same draw every time.",
        "", ""}},
      {"dataset.streaming",
       {"image-folder: decode images from their files as training reads them (a pool of threads, a bounded "
        "prefetch) instead of all at once; auto streams when the decoded images would exceed the memory budget.",
        "", ""}},
      {"dataset.memory_budget_mb",
       {"image-folder: the most memory decoded images may take: the whole set when it fits, else the streaming "
        "prefetch.",
        "MB", "1/4 of memory"}},
      {"dataset.decoded_cache",
       {"image-folder, streaming: keep each decoded, resized image in one memory-mapped file in the cache folder, "
        "so later epochs read pixels instead of decoding files (disk: 3 x size x size bytes per image).",
        "", ""}},

      {"model.encoder",
       {"The backbone that gives the representation h: a ResNet (as the SimCLR paper) or a Vision Transformer.", "",
        ""}},
      {"model.stem",
       {"ResNet input layers: cifar (3x3, no max-pool, for 32x32 images) or imagenet (7x7 and max-pool).", "", ""}},
      {"model.width",
       {"ResNet channels in the first stage (64 in torchvision); smaller trains faster on a CPU.", "channels", ""}},
      {"model.vit.patch_size",
       {"Side of the square patches the image is cut into; must divide the image size.", "pixels", ""}},
      {"model.vit.dim", {"Width of each token; a multiple of the number of heads.", "", ""}},
      {"model.vit.heads", {"Attention heads per layer.", "", ""}},
      {"model.vit.layers", {"Transformer layers.", "", ""}},
      {"model.vit.mlp_ratio", {"Each layer's MLP is this many times the token width.", "", ""}},
      {"model.vit.dropout", {"Dropout inside the transformer while training.", "", "none"}},
      {"model.vit.pool",
       {"The image's representation: the class token (cls) or the mean of the patch tokens.", "", ""}},
      {"model.projection.hidden_dim", {"Width of the projection head's hidden layer.", "units", ""}},
      {"model.projection.output_dim", {"Dimension of z, where the contrastive loss is computed.", "units", ""}},
      {"model.projection.layers", {"Linear layers in the projection head; 1 is a linear projection.", "layers", ""}},
      {"model.projection.batch_norm", {"Batch normalisation between the projection head's layers.", "", ""}},

      {"augmentation",
       {"How each image's two views are drawn: a preset (the paper's Algorithm 1 and stronger CIFAR ones) or a "
        "list of operations with their parameters and probabilities.",
        "", ""}},

      {"training.epochs", {"Passes over the training split.", "epochs", ""}},
      {"training.batch_size",
       {"Images per step; each gives two views, so the loss compares 2N views. Larger batches give more negatives.",
        "images", ""}},
      {"training.optimizer", {"adam (the paper's down-scaled study), sgd, or lars (SimCLR's large batches).", "", ""}},
      {"training.learning_rate", {"Peak learning rate, at batch size 256 when lr_scaling scales it.", "", ""}},
      {"training.lr_scaling",
       {"How the learning rate follows the batch size: none, linear (x batch/256) or sqrt.", "", ""}},
      {"training.schedule", {"After warm-up: cosine decay to zero, or constant.", "", ""}},
      {"training.warmup_epochs", {"Linear warm-up from zero at the start.", "epochs", "no warm-up"}},
      {"training.weight_decay", {"L2 penalty on the weights.", "", "none"}},
      {"training.momentum", {"Momentum of sgd and lars.", "", "none"}},
      {"training.temperature",
       {"NT-Xent temperature: lower sharpens the softmax over negatives (0.1 to 0.5 is usual).", "", ""}},
      {"training.seed",
       {"Seeds the weights, the order of images and every augmentation: equal seeds, equal runs.", "", ""}},
      {"training.max_steps", {"Stop after this many steps in all, before the epochs are done.", "steps", "no limit"}},
      {"training.checkpoint_every_steps",
       {"Write a resume checkpoint (model and optimizer) this often; a run also writes one when it ends.", "steps",
        ""}},
      {"training.keep_last_checkpoints",
       {"Resume checkpoints kept: the newest ones, older ones are removed.", "checkpoints", "keep all"}},
      {"training.timeline",
       {"Model-only snapshots for the embedding timeline: log (steps 0, 10, 20, 50, 100, ... and every epoch "
        "end), epochs, steps (timeline_steps) or off.",
        "", ""}},
      {"training.timeline_steps", {"With timeline \"steps\": the steps that keep a snapshot.", "steps", ""}},
      {"training.timeline_max_mb",
       {"Disk cap for the snapshots: past it they are thinned evenly, keeping the first and the latest.", "MB",
        "no cap"}},
      {"training.device", {"auto (a GPU when there is one), cpu, cuda or cuda:N.", "", ""}},
      {"training.threads", {"CPU threads for training.", "threads", "all cores"}},
      {"training.precision",
       {"Number format of the forward pass: auto (bf16 where the hardware has it), fp32, bf16 or fp16.", "", ""}},
      {"training.channels_last",
       {"Store images channels-last, faster for convolutions on many CPUs and GPUs.", "", ""}},
      {"training.views_version",
       {"How views draw their random parameters: 2 per image (any number of processes draw alike), 1 per batch "
        "(runs made before version 2).",
        "", ""}},
      {"training.distributed.backend",
       {"How processes exchange tensors: auto (nccl between GPUs when built with it, else gloo), gloo or nccl.", "",
        ""}},
      {"training.distributed.sync_batch_norm",
       {"Batch-norm statistics over the whole global batch, as the SimCLR paper's global BN.", "", ""}},
      {"training.distributed.gather_negatives",
       {"Every process's loss sees the whole global batch as negatives; off: only its own share.", "", ""}},
      {"training.distributed.timeout_s",
       {"A collective that waits longer than this fails the run and names the lost process.", "seconds", ""}},
      {"training.distributed.barrier_timeout_s",
       {"Longer waits: a pause, the kNN monitor, checkpoints.", "seconds", ""}},

      {"evaluation.knn_every_epochs",
       {"Measure kNN accuracy on the test split this often while training.", "epochs", "off"}},
      {"evaluation.knn_at_start", {"Also measure the encoder at initialisation, the curve's first point.", "", ""}},
      {"evaluation.knn_k", {"Neighbours that vote in the kNN monitor.", "neighbours", ""}},
      {"evaluation.knn_temperature", {"Weights the neighbours' votes by exp(similarity / temperature).", "", ""}},
      {"evaluation.monitor_test_size",
       {"Class-balanced subset of the test split the monitor classifies.", "images", "whole test split"}},
      {"evaluation.monitor_bank_size",
       {"Class-balanced subset of the training split the monitor's neighbours come from.", "images",
        "whole training split"}},
      {"evaluation.batch_size", {"Images per batch when features are extracted.", "images", ""}},

      {"sweep.batch_sizes",
       {"One run per batch size in one sweep folder (the paper's Figure 11). Empty: a single run.", "images", ""}},
      {"sweep.lr_scaling", {"Each point's learning-rate scaling: none, linear or sqrt.", "", ""}},
      {"sweep.budget", {"Compare at equal epochs or at equal optimizer steps.", "", ""}},
      {"sweep.check_memory", {"Estimate each batch size's memory before it starts and skip what cannot fit.", "", ""}},
      {"sweep.linear_probe", {"After each run: kNN and a linear probe on the frozen backbone.", "", ""}},

      {"profiles",
       {"Overrides merged over the project when the run's device matches, e.g. a wider model on \"cuda\".", "", ""}},
  };
  return table;
}

// Collects the dotted paths of the schema's fields.
class PathCollector {
 public:
  explicit PathCollector(std::vector<std::string>& out, std::string prefix = "")
      : out_(out), prefix_(std::move(prefix)) {}
  template <class T, class... Constraint>
  void field(const char* key, T&, Constraint&&...) {
    out_.push_back(join(key));
  }
  template <class Section>
  void section(const char* key, Section& value) {
    PathCollector nested(out_, join(key));
    schema::describe(nested, value);
  }
  void raw(const char* key, nlohmann::json&) { out_.push_back(join(key)); }

 private:
  std::string join(const char* key) const { return prefix_.empty() ? key : prefix_ + "." + key; }
  std::vector<std::string>& out_;
  std::string prefix_;
};

}  // namespace

const SettingHelp* setting_help(const std::string& path) {
  const auto& table = help_table();
  const auto it = table.find(path);
  return it == table.end() ? nullptr : &it->second;
}

std::vector<std::string> schema_setting_paths() {
  std::vector<std::string> paths;
  ProjectConfig config;
  PathCollector collector(paths);
  schema::describe(collector, config);
  return paths;
}

}  // namespace simclr
