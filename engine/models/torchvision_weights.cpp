#include "engine/models/torchvision_weights.h"

#include <map>

#include <ATen/core/Dict.h>
#include <torch/serialize.h>

#include "engine/core/atomic_file.h"
#include "engine/core/error.h"
#include "engine/core/zip_directory.h"

namespace simclr {

namespace {

struct Stages {
  bool bottleneck;
  int blocks[4];
};

// torchvision's resnet builders (models/resnet.py).
Stages stages_of(int depth) {
  switch (depth) {
    case 18:
      return {false, {2, 2, 2, 2}};
    case 34:
      return {false, {3, 4, 6, 3}};
    case 50:
      return {true, {3, 4, 6, 3}};
    case 101:
      return {true, {3, 4, 23, 3}};
    case 152:
      return {true, {3, 8, 36, 3}};
    default:
      throw ConfigError("ResNet-" + std::to_string(depth) + " has no torchvision counterpart");
  }
}

void add_conv(std::vector<StateDictEntry>& out, const std::string& name, int64_t out_ch, int64_t in_ch,
              int64_t kernel) {
  out.push_back({name + ".weight", {out_ch, in_ch, kernel, kernel}});
}

// BatchNorm2d: weight, bias (parameters), then running_mean, running_var, num_batches_tracked.
void add_bn(std::vector<StateDictEntry>& out, const std::string& name, int64_t ch) {
  out.push_back({name + ".weight", {ch}});
  out.push_back({name + ".bias", {ch}});
  out.push_back({name + ".running_mean", {ch}});
  out.push_back({name + ".running_var", {ch}});
  out.push_back({name + ".num_batches_tracked", {}});
}

std::string shape_text(c10::IntArrayRef sizes) {
  std::string out = "[";
  for (size_t i = 0; i < sizes.size(); ++i) out += (i ? ", " : "") + std::to_string(sizes[i]);
  return out + "]";
}

}  // namespace

std::vector<StateDictEntry> torchvision_resnet_layout(int depth, const std::string& stem, int64_t in_channels,
                                                      int64_t width) {
  const Stages stages = stages_of(depth);
  std::vector<StateDictEntry> out;
  if (stem == "cifar")
    add_conv(out, "conv1", width, in_channels, 3);
  else
    add_conv(out, "conv1", width, in_channels, 7);
  add_bn(out, "bn1", width);
  const int64_t expansion = stages.bottleneck ? 4 : 1;
  int64_t in_planes = width;
  for (int s = 0; s < 4; ++s) {
    const int64_t planes = width << s;
    for (int b = 0; b < stages.blocks[s]; ++b) {
      const std::string block = "layer" + std::to_string(s + 1) + "." + std::to_string(b);
      const int64_t stride = (s > 0 && b == 0) ? 2 : 1;
      if (stages.bottleneck) {
        add_conv(out, block + ".conv1", planes, in_planes, 1);
        add_bn(out, block + ".bn1", planes);
        add_conv(out, block + ".conv2", planes, planes, 3);
        add_bn(out, block + ".bn2", planes);
        add_conv(out, block + ".conv3", planes * expansion, planes, 1);
        add_bn(out, block + ".bn3", planes * expansion);
      } else {
        add_conv(out, block + ".conv1", planes, in_planes, 3);
        add_bn(out, block + ".bn1", planes);
        add_conv(out, block + ".conv2", planes, planes, 3);
        add_bn(out, block + ".bn2", planes);
      }
      if (stride != 1 || in_planes != planes * expansion) {
        add_conv(out, block + ".downsample.0", planes * expansion, in_planes, 1);
        add_bn(out, block + ".downsample.1", planes * expansion);
      }
      in_planes = planes * expansion;
    }
  }
  return out;
}

StateDict torchvision_state_dict(const ResNetImpl& encoder) {
  const ResNetConfig& config = encoder.config();
  if (config.width != 64)
    throw ConfigError("the encoder is " + std::to_string(config.width) +
                      " channels wide; only width-64 ResNets have torchvision's shapes (model.width: 64)");
  std::map<std::string, torch::Tensor> ours;
  for (const auto& p : encoder.named_parameters()) ours[p.key()] = p.value();
  for (const auto& b : encoder.named_buffers()) ours[b.key()] = b.value();

  const auto layout = torchvision_resnet_layout(config.depth, config.stem, config.in_channels, config.width);
  if (ours.size() != layout.size())
    throw Error("ResNet-" + std::to_string(config.depth) + " has " + std::to_string(ours.size()) +
                " tensors, torchvision's has " + std::to_string(layout.size()));
  StateDict dict;
  dict.reserve(layout.size());
  for (const auto& entry : layout) {
    const auto it = ours.find(entry.name);
    if (it == ours.end()) throw Error("the encoder has no " + entry.name + ", which torchvision's resnet has");
    if (it->second.sizes() != c10::IntArrayRef(entry.shape))
      throw Error(entry.name + " is " + shape_text(it->second.sizes()) + ", torchvision's is " +
                  shape_text(entry.shape));
    // Channels-last weights and GPU tensors become plain CPU tensors: what torch.load expects.
    dict.emplace_back(entry.name, it->second.detach().to(torch::kCPU).contiguous().clone());
  }
  return dict;
}

void write_pytorch_state_dict(const std::filesystem::path& file, const StateDict& dict) {
  // torch::pickle_save writes torch.save's zip format; torch::save would write a TorchScript
  // archive instead, which torch.load does not read as a dict.
  c10::Dict<std::string, at::Tensor> tensors;
  for (const auto& [name, tensor] : dict) tensors.insert(name, tensor);
  const std::vector<char> bytes = torch::pickle_save(c10::IValue(tensors));
  write_file_atomically(file, std::string(bytes.begin(), bytes.end()));
}

StateDict read_pytorch_state_dict(const std::filesystem::path& file) {
  const std::string bytes = read_file(file);
  // LibTorch's zip reader trusts the directory's offsets and sizes (tests/RELIABILITY.md).
  if (bytes.size() < 4 || bytes.compare(0, 4, "PK\x03\x04") != 0)
    throw DataError(file.string() + ": not a file torch.save wrote (it does not begin as a zip archive does)");
  if (const std::string why = zip_directory_damage(bytes); !why.empty())
    throw DataError(file.string() + ": damaged, or not a file torch.save wrote: " + why);
  c10::IValue value;
  try {
    value = torch::pickle_load(std::vector<char>(bytes.begin(), bytes.end()));
  } catch (const c10::Error& e) {
    // An OrderedDict (model.state_dict() as saved) fails here too, inside the unpickler.
    throw DataError(file.string() +
                    ": not a dict of tensors that torch.save wrote; an OrderedDict cannot be read, "
                    "save torch.save(dict(model.state_dict()), file) (" +
                    e.what_without_backtrace() + ")");
  } catch (const std::exception& e) {  // LibTorch's type parser and maps throw std exceptions too
    throw DataError(file.string() + ": damaged, or not a dict of tensors that torch.save wrote (" + e.what() + ")");
  }
  if (value.isNone())  // what the unpickler makes of an OrderedDict
    throw DataError(file.string() +
                    ": an OrderedDict, which LibTorch cannot read; save it with "
                    "torch.save(dict(model.state_dict()), file)");
  if (!value.isGenericDict()) throw DataError(file.string() + ": not a state dict (a dict of tensors)");
  StateDict dict;
  for (const auto& item : value.toGenericDict()) {
    if (!item.key().isString() || !item.value().isTensor())
      throw DataError(file.string() + ": not a state dict (a dict of tensors)");
    dict.emplace_back(item.key().toStringRef(), item.value().toTensor());
  }
  return dict;
}

void load_torchvision_state_dict(ResNetImpl& encoder, const StateDict& dict, const std::string& source) {
  const ResNetConfig& config = encoder.config();
  std::map<std::string, torch::Tensor> given(dict.begin(), dict.end());
  std::map<std::string, torch::Tensor> ours;
  for (const auto& p : encoder.named_parameters()) ours[p.key()] = p.value();
  for (const auto& b : encoder.named_buffers()) ours[b.key()] = b.value();
  const auto layout = torchvision_resnet_layout(config.depth, config.stem, config.in_channels, config.width);
  // Check everything before copying anything: a failed import leaves the encoder as it was.
  for (const auto& entry : layout) {
    const auto it = given.find(entry.name);
    if (it == given.end())
      throw DataError(source + ": no " + entry.name + " (not a torchvision resnet" + std::to_string(config.depth) +
                      " state dict)");
    if (it->second.sizes() != c10::IntArrayRef(entry.shape))
      throw DataError(source + ": " + entry.name + " is " + shape_text(it->second.sizes()) + ", the encoder's is " +
                      shape_text(entry.shape) +
                      (entry.name == "conv1.weight" ? " (the stems differ: cifar is 3x3, imagenet 7x7)" : ""));
    if (ours.find(entry.name) == ours.end()) throw Error("the encoder has no " + entry.name);
  }
  torch::NoGradGuard no_grad;
  for (const auto& entry : layout) {
    torch::Tensor& target = ours[entry.name];
    target.copy_(given[entry.name].to(target.device(), target.scalar_type()));
  }
}

}  // namespace simclr
