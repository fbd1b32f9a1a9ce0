// Checkpoints (LibTorch zip archives): the damage check made before LibTorch's zip reader
// sees a file, the info read (step, config) and a full load into a small model and its
// optimizer, as --resume does.
#include "engine/train/checkpoint.h"
#include "tests/fuzz/fuzz_harness.h"

namespace {
// The model of the seed checkpoints (fuzz_seeds.cpp): a 4-wide ResNet-18 and a small head.
struct SmallRun {
  simclr::SimCLRModel model{nullptr};
  std::unique_ptr<simclr::TrainOptimizer> optimizer;
  SmallRun() {
    using namespace simclr;
    EncoderConfig encoder;
    encoder.resnet.width = 4;
    ProjectionHeadConfig head;
    head.hidden_dim = 16;
    head.output_dim = 8;
    model = SimCLRModel(make_encoder(encoder), head);
    optimizer = std::make_unique<TrainOptimizer>(TrainingConfig{}, model->named_parameters());
  }
};
}  // namespace

SIMCLR_FUZZ_HARNESS(checkpoint) {
  using namespace simclr;
  static SmallRun run;
  const auto file = fuzz::write_input("checkpoints/step-00000001.pt", data, size);
  (void)archive_damage(file);
  fuzz::expect_errors([&] { read_checkpoint_info(file); });
  return fuzz::expect_errors([&] { load_checkpoint(file, run.model, run.optimizer.get()); });
}
