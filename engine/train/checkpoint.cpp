#include "engine/train/checkpoint.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <string_view>

#include "engine/core/atomic_file.h"
#include "engine/core/error.h"
#include "engine/core/fault_point.h"
#include "engine/core/zip_directory.h"

namespace simclr {

namespace {
torch::Tensor text_tensor(const std::string& text) {
  auto t = torch::empty({static_cast<int64_t>(text.size())}, torch::kUInt8);
  std::memcpy(t.data_ptr<uint8_t>(), text.data(), text.size());
  return t;
}

// The archive maps every tensor to the device it is loaded for: the text may be on a GPU.
std::string tensor_text(const torch::Tensor& t) {
  const auto c = t.to(torch::kCPU).contiguous();
  return std::string(reinterpret_cast<const char*>(c.data_ptr<uint8_t>()), static_cast<size_t>(c.numel()));
}

void read_info(torch::serialize::InputArchive& archive, CheckpointInfo& info) {
  torch::Tensor step, loss, config;
  archive.read("step", step);
  archive.read("last_loss", loss);
  archive.read("config", config);
  info.step = step.item<int64_t>();
  info.last_loss = loss.item<double>();
  info.config_json = tensor_text(config);
  torch::Tensor scaler;  // [scale, good steps], float64
  if (archive.try_read("loss_scale", scaler) && scaler.numel() == 2) {
    info.loss_scale = scaler[0].item<double>();
    info.loss_scale_good_steps = static_cast<int64_t>(scaler[1].item<double>());
  }
}
std::string shape_text(c10::IntArrayRef sizes) {
  std::string out = "[";
  for (size_t i = 0; i < sizes.size(); ++i) out += (i ? ", " : "") + std::to_string(sizes[i]);
  return out + "]";
}

// LibTorch's Module::load replaces tensors whatever their shape, so a checkpoint of another
// architecture would load "successfully". Check every tensor's presence and shape first.
void check_fits(torch::nn::Module& module, torch::serialize::InputArchive& archive, const std::string& prefix,
                const std::filesystem::path& file) {
  auto check = [&](const std::string& name, const torch::Tensor& expected, bool is_buffer) {
    torch::Tensor stored;
    if (!archive.try_read(name, stored, is_buffer))
      throw DataError(file.string() + ": not a checkpoint of this model (no " + prefix + name + ")");
    if (stored.sizes() != expected.sizes())
      throw DataError(file.string() + ": not a checkpoint of this model (" + prefix + name + " is " +
                      shape_text(stored.sizes()) + ", the model has " + shape_text(expected.sizes()) + ")");
  };
  for (const auto& p : module.named_parameters(/*recurse=*/false)) check(p.key(), p.value(), false);
  for (const auto& b : module.named_buffers(/*recurse=*/false)) check(b.key(), b.value(), true);
  for (const auto& child : module.named_children()) {
    torch::serialize::InputArchive nested;
    if (!archive.try_read(child.key(), nested))
      throw DataError(file.string() + ": not a checkpoint of this model (no " + prefix + child.key() + ")");
    check_fits(*child.value(), nested, prefix + child.key() + ".", file);
  }
}
// A test's injected fault (fault_point.h), failing as a real one would.
void check_fault(const char* point, const std::filesystem::path& file, const std::function<void()>& before_kill = {}) {
  if (const int error = fault_point(point, before_kill))
    throw IoError(file.string() + ": cannot write checkpoint: " + std::strerror(error));
}

void check_not_damaged(const std::filesystem::path& file) {
  if (!std::filesystem::exists(file)) throw DataError(file.string() + ": checkpoint not found");
  const std::string damage = archive_damage(file);
  if (!damage.empty()) throw DataError(file.string() + ": damaged checkpoint: " + damage);
}
}  // namespace

std::string archive_damage(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary | std::ios::ate);
  if (!in) return std::string("cannot be opened: ") + std::strerror(errno);
  const std::streamoff size = in.tellg();
  if (size <= 0) return "the file is empty";
  char head[4] = {};
  in.seekg(0);
  in.read(head, sizeof head);
  if (!in || std::string_view(head, 4) != std::string_view("PK\x03\x04", 4))
    return "not a LibTorch archive (it does not begin as a zip file does)";
  // The end-of-directory record: 22 bytes and a comment of at most 65535, at the very end.
  const std::streamoff tail = std::min<std::streamoff>(size, 22 + 65535);
  std::string bytes(static_cast<size_t>(tail), '\0');
  in.seekg(size - tail);
  in.read(bytes.data(), tail);
  const size_t at = in ? bytes.rfind(std::string_view("PK\x05\x06", 4)) : std::string::npos;
  const auto byte = [&](size_t i) { return static_cast<size_t>(static_cast<unsigned char>(bytes[i])); };
  // The record and its comment end exactly where the file does.
  if (at == std::string::npos || at + 22 > bytes.size() ||
      at + 22 + (byte(at + 20) | byte(at + 21) << 8) != bytes.size())
    return "cut short (" + std::to_string(size) + " bytes, no zip directory at its end)";
  // LibTorch's zip reader trusts the directory's offsets and sizes (tests/RELIABILITY.md).
  if (const std::string why = zip_directory_damage(file); !why.empty()) return "damaged zip archive: " + why;
  return {};
}

namespace {
// optimizer nullptr: a model-only snapshot. Its fault points are "snapshot_write" and
// "snapshot_rename", a checkpoint's "checkpoint_write" and "checkpoint_rename".
void save_archive(const std::filesystem::path& file, SimCLRModel& model, const TrainOptimizer* optimizer,
                  const CheckpointInfo& info) {
  const std::string kind = optimizer ? "checkpoint" : "snapshot";
  write_atomically_with(file, [&](const std::filesystem::path& tmp) {
    // Killed here, a process leaves what a write cut short leaves: a partial temporary file.
    check_fault((kind + "_write").c_str(), file,
                [&] { std::ofstream(tmp, std::ios::binary) << "PK\x03\x04 cut short"; });
    torch::serialize::OutputArchive archive, model_archive, optimizer_archive;
    model->save(model_archive);
    archive.write("model", model_archive);
    if (optimizer) {
      optimizer->save(optimizer_archive);
      archive.write("optimizer", optimizer_archive);
    }
    archive.write("step", torch::tensor(static_cast<int64_t>(info.step)));
    archive.write("last_loss", torch::tensor(info.last_loss, torch::kDouble));
    archive.write("config", text_tensor(info.config_json));
    if (info.loss_scale)
      archive.write("loss_scale",
                    torch::tensor({*info.loss_scale, static_cast<double>(info.loss_scale_good_steps)}, torch::kDouble));
    try {
      archive.save_to(tmp.string());
    } catch (const c10::Error& e) {  // a full disk, a failing disk
      throw IoError(file.string() + ": cannot write checkpoint: " + e.what_without_backtrace());
    }
    check_fault((kind + "_rename").c_str(), file);
  });
}
}  // namespace

void save_checkpoint(const std::filesystem::path& file, SimCLRModel& model, const TrainOptimizer& optimizer,
                     const CheckpointInfo& info) {
  save_archive(file, model, &optimizer, info);
}

void save_model_snapshot(const std::filesystem::path& file, SimCLRModel& model, const CheckpointInfo& info) {
  save_archive(file, model, nullptr, info);
}

CheckpointInfo load_checkpoint(const std::filesystem::path& file, SimCLRModel& model, TrainOptimizer* optimizer) {
  check_not_damaged(file);
  CheckpointInfo info;
  torch::serialize::InputArchive archive, model_archive, optimizer_archive;
  // Onto the model's device: a checkpoint saved on a GPU loads on the CPU (and back). Without
  // this the tensors come back where they were saved and LibTorch's Module::load moves the
  // model's parameters there.
  const auto parameters = model->parameters();
  const torch::Device device = parameters.empty() ? torch::Device(torch::kCPU) : parameters.front().device();
  try {
    archive.load_from(file.string(), device);
    read_info(archive, info);
  } catch (const c10::Error& e) {
    throw DataError(file.string() + ": damaged or not a SimCLR checkpoint: LibTorch cannot read it (" +
                    e.what_without_backtrace() + ")");
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {  // LibTorch's parsers also throw std::runtime_error, std::out_of_range
    throw DataError(file.string() + ": damaged or not a SimCLR checkpoint: LibTorch cannot read it (" + e.what() + ")");
  }
  try {
    archive.read("model", model_archive);
    check_fits(*model, model_archive, "", file);
    model->load(model_archive);
    if (optimizer) {
      if (!archive.try_read("optimizer", optimizer_archive))
        throw DataError(file.string() + ": a model-only timeline snapshot (no optimizer state): it cannot resume a run");
      optimizer->load(optimizer_archive);
    }
  } catch (const c10::Error& e) {
    throw DataError(file.string() + ": not a checkpoint of this model (" + e.what_without_backtrace() + ")");
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    throw DataError(file.string() + ": not a checkpoint of this model (" + e.what() + ")");
  }
  return info;
}

CheckpointInfo read_checkpoint_info(const std::filesystem::path& file) {
  check_not_damaged(file);
  CheckpointInfo info;
  try {
    torch::serialize::InputArchive archive;
    archive.load_from(file.string(), torch::Device(torch::kCPU));
    read_info(archive, info);
  } catch (const c10::Error& e) {
    throw DataError(file.string() + ": damaged or not a SimCLR checkpoint: LibTorch cannot read it (" +
                    e.what_without_backtrace() + ")");
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {  // LibTorch's parsers also throw std::runtime_error, std::out_of_range
    throw DataError(file.string() + ": damaged or not a SimCLR checkpoint: LibTorch cannot read it (" + e.what() + ")");
  }
  return info;
}

}  // namespace simclr
