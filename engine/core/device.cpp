#include "engine/core/device.h"

#include <thread>

#include <torch/cuda.h>
#include <ATen/Parallel.h>

#include "engine/core/error.h"

namespace simclr {

torch::Device resolve_device(const std::string& name) {
  if (name == "cpu") return torch::kCPU;
  // Always with an index: tensors report cuda:0, and a bare "cuda" would compare unequal to it.
  if (name == "auto") return torch::cuda::is_available() ? torch::Device(torch::kCUDA, 0) : torch::kCPU;
  if (name.rfind("cuda", 0) == 0) {
    if (!torch::cuda::is_available())
      throw ConfigError("device '" + name + "': CUDA is not available in this build or on this machine");
    try {
      torch::Device device(name);
      if (device.has_index() && device.index() >= static_cast<int>(torch::cuda::device_count()))
        throw ConfigError("device '" + name + "': only " + std::to_string(torch::cuda::device_count()) +
                          " CUDA device(s) present");
      return device.has_index() ? device : torch::Device(torch::kCUDA, 0);
    } catch (const c10::Error&) {
      throw ConfigError("device '" + name + "': not a valid device name (cpu, cuda, cuda:N, auto)");
    }
  }
  throw ConfigError("device '" + name + "': unknown device (expected cpu, cuda, cuda:N or auto)");
}

int configure_threads(int requested) {
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const int threads = requested > 0 ? requested : cores;
  at::set_num_threads(threads);
  return at::get_num_threads();
}

std::string describe_device(const torch::Device& device) {
  if (device.is_cuda()) return "CUDA device " + std::to_string(device.has_index() ? device.index() : 0);
  return "CPU (" + std::to_string(at::get_num_threads()) + " threads)";
}

}  // namespace simclr
