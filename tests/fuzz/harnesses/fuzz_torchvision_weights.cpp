// The torchvision state-dict import (simclr-cli import-weights): a pickle archive torch.save
// wrote, read by LibTorch's unpickler behind our guards, then copied into a ResNet-18.
#include "engine/models/torchvision_weights.h"
#include "tests/fuzz/fuzz_harness.h"

SIMCLR_FUZZ_HARNESS(torchvision_weights) {
  using namespace simclr;
  static ResNet encoder = [] {
    ResNetConfig config;  // torchvision's resnet18 with the CIFAR stem
    config.stem = "cifar";
    return ResNet(config);
  }();
  const auto file = fuzz::write_input("resnet18.pth", data, size);
  return fuzz::expect_errors([&] {
    const StateDict dict = read_pytorch_state_dict(file);
    load_torchvision_state_dict(*encoder, dict, file.string());
  });
}
