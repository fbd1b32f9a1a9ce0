#pragma once
// ResNet encoder weights in the form PyTorch users load: a state dict (name -> tensor) with
// torchvision's parameter names, in torchvision's order, written as a file torch.load reads.
//
// Our ResNet already names its modules as torchvision does (see resnet.h), so the mapping is
// the identity on names; what this file adds is the check that every name and shape is what
// torchvision's resnet{18,34,50,101,152} expects (without fc, which the encoder does not
// have), and the file format. The stem is the exception users must handle in Python: a
// "cifar" stem is conv1 = Conv2d(C, 64, 3, stride 1, padding 1, bias=False) and no max-pool,
// where torchvision has a 7x7 stride-2 conv1 and a 3x3 max-pool.
#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include <torch/types.h>

#include "engine/models/resnet.h"

namespace simclr {

using StateDict = std::vector<std::pair<std::string, torch::Tensor>>;

// One entry of torchvision's ResNet state dict: its name and shape.
struct StateDictEntry {
  std::string name;
  std::vector<int64_t> shape;
};

// torchvision's resnet{depth} state dict without fc.weight/fc.bias, in torchvision's order
// (per module: parameters, then buffers). conv1 follows `stem` and `in_channels` (torchvision
// proper: stem "imagenet", 3 channels); `width` 64 is torchvision's.
std::vector<StateDictEntry> torchvision_resnet_layout(int depth, const std::string& stem, int64_t in_channels,
                                                      int64_t width = 64);

// The encoder's parameters and buffers under torchvision's names, on the CPU, contiguous,
// detached. Throws ConfigError when the width is not 64 (torchvision's resnets cannot hold
// it) and Error when a name or shape differs from torchvision_resnet_layout (a bug).
StateDict torchvision_state_dict(const ResNetImpl& encoder);

// Writes `dict` as a pickle archive (what torch.save writes) atomically: torch.load(file)
// returns a dict of tensors that load_state_dict accepts. Throws IoError.
void write_pytorch_state_dict(const std::filesystem::path& file, const StateDict& dict);

// Reads a file torch.save wrote from a dict of tensors. LibTorch's unpickler cannot rebuild
// an OrderedDict (what model.state_dict() returns): save dict(model.state_dict()). Throws
// DataError naming the file, and saying that, when it is not a dict of tensors.
StateDict read_pytorch_state_dict(const std::filesystem::path& file);

// The reverse of torchvision_state_dict: copies torchvision's resnet tensors (fc.* ignored)
// into the encoder, which must have the same depth, width 64, stem and input channels.
// Throws DataError naming `source` and the first missing or misshapen tensor (an ImageNet
// stem's 7x7 conv1 into a CIFAR-stem encoder, say); the encoder is unchanged then.
void load_torchvision_state_dict(ResNetImpl& encoder, const StateDict& dict, const std::string& source);

}  // namespace simclr
