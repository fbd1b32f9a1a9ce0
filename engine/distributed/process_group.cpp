#include "engine/distributed/process_group.h"

#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include <torch/csrc/distributed/c10d/FileStore.hpp>
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroup.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
// Gloo where LibTorch was built with it and its headers are here (libgloo-dev on Debian; a
// CUDA build of PyTorch may ship none, and then only NCCL is offered).
#if defined(USE_C10D_GLOO) && __has_include(<gloo/algorithm.h>)
#define SIMCLR_HAVE_GLOO 1
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#endif
#include <torch/torch.h>
#include <torch/version.h>
#ifdef USE_C10D_NCCL
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif

#include "engine/core/error.h"
#include "engine/core/fnv1a.h"

namespace simclr {

namespace {

// LibTorch 2.x moved the collectives from c10d::ProcessGroup to c10d::Backend.
#if defined(TORCH_VERSION_MAJOR) && TORCH_VERSION_MAJOR >= 2
using Collectives = c10d::Backend;
#else
using Collectives = c10d::ProcessGroup;
#endif

std::string text_of(const std::vector<uint8_t>& bytes) {
  return std::string(bytes.begin(), bytes.end());
}
std::vector<uint8_t> bytes_of(const std::string& text) {
  return std::vector<uint8_t>(text.begin(), text.end());
}

// The token never travels in the clear, only this digest of it.
std::string digest(const std::string& text) {
  Fnv1a f;
  f.add(text.data(), text.size());
  return f.hex();
}

std::string host_name() {
  char name[256] = {};
  gethostname(name, sizeof name - 1);
  return name;
}

// A local process that has exited (or is a zombie its launcher has not reaped yet).
bool process_gone_now(long pid) {
  if (kill(static_cast<pid_t>(pid), 0) != 0) return errno == ESRCH;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string fields[3];
  stat >> fields[0] >> fields[1] >> fields[2];
  return fields[2] == "Z";
}

// A killed peer's sockets close while it is still exiting: give it a second to be gone.
bool process_gone(long pid) {
  for (int i = 0; i < 20; ++i) {
    if (process_gone_now(pid)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

bool is_loopback(const std::string& host) {
  return host == "localhost" || host.rfind("127.", 0) == 0 || host == "::1";
}

struct Hello {
  std::string token_digest, config_hash, host;
  long pid = 0;
};

std::string to_text(const Hello& h) {
  return h.token_digest + "\n" + h.config_hash + "\n" + h.host + "\n" + std::to_string(h.pid);
}
Hello hello_from(const std::string& text) {
  Hello h;
  std::istringstream in(text);
  std::getline(in, h.token_digest);
  std::getline(in, h.config_hash);
  std::getline(in, h.host);
  in >> h.pid;
  return h;
}

#ifdef SIMCLR_HAVE_GLOO
std::shared_ptr<::gloo::transport::Device> gloo_device(const LaunchEnvironment& env) {
  if (env.launcher == "local" || is_loopback(env.master_addr))
    return c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1");
  if (const char* interface = std::getenv("GLOO_SOCKET_IFNAME"))
    return c10d::ProcessGroupGloo::createDeviceForInterface(interface);
  return c10d::ProcessGroupGloo::createDefaultDevice();
}
#endif

}  // namespace

struct ProcessGroup::Impl {
  LaunchEnvironment env;
  GroupOptions options;
  c10::intrusive_ptr<c10d::Store> store;
  c10::intrusive_ptr<Collectives> collectives;
  std::string backend;
  std::vector<Hello> ranks;  // what each rank said at rendezvous
  int64_t barriers = 0;
  int64_t shares = 0;  // share_from_rank0 calls: a group reused across runs never reads an old value
  int64_t step = 0;

  c10::intrusive_ptr<c10d::Store> connect_store() {
    // A local launch (simclr-cli --nproc-per-node) shares a file in a private folder: no
    // socket at all. Otherwise a TCPStore, hosted by rank 0 unless torchrun's agent has one.
    if (const char* file = std::getenv("SIMCLR_STORE_FILE"); file && env.launcher == "local")
      return c10::make_intrusive<c10d::FileStore>(file, env.world_size);
    c10d::TCPStoreOptions opts;
    opts.port = static_cast<uint16_t>(env.master_port);
    opts.isServer = env.rank == 0 && !env.agent_store;
    opts.numWorkers = env.world_size;
    opts.waitWorkers = false;
    opts.timeout = options.timeout;
    return c10::make_intrusive<c10d::TCPStore>(env.master_addr, opts);
  }

  void rendezvous() {
    const std::string me = std::to_string(env.rank);
    if (store->add("claim/" + me, 1) > 1)
      throw DistributedError("rank " + me + " is already taken in the run at " + env.master_addr + ":" +
                             std::to_string(env.master_port) +
                             ": another job uses the same store address, or two processes were given the same rank");
    Hello mine{digest(env.token), options.config_hash, host_name(), static_cast<long>(getpid())};
    store->set("hello/" + me, bytes_of(to_text(mine)));
    for (int r = 0; r < env.world_size; ++r) {
      const std::string key = "hello/" + std::to_string(r);
      try {
        store->wait({key}, options.timeout);
      } catch (const std::exception&) {
        throw DistributedError("rank " + std::to_string(r) + " did not join the run within " +
                               std::to_string(options.timeout.count() / 1000) + " s (" + env.describe() + ")");
      }
      const Hello other = hello_from(text_of(store->get(key)));
      if (other.token_digest != mine.token_digest)
        throw DistributedError("rank " + std::to_string(r) + " (" + other.host +
                               ") presented a different run token (SIMCLR_RUN_TOKEN): refused; another job may be "
                               "using the store address " +
                               env.master_addr + ":" + std::to_string(env.master_port));
      if (other.config_hash != mine.config_hash)
        throw DistributedError("rank " + std::to_string(r) + " trains a different project (resolved config " +
                               other.config_hash + ", this rank " + mine.config_hash +
                               "): every rank must run the same project file");
      ranks.push_back(other);
    }
  }

  void make_collectives(const torch::Device& device) {
    backend = options.backend == "auto" ? (device.is_cuda() ? "nccl" : "gloo") : options.backend;
#ifndef USE_C10D_NCCL
    if (backend == "nccl" && options.backend == "auto") backend = "gloo";
#endif
    auto prefixed = c10::make_intrusive<c10d::PrefixStore>(backend, store);
    if (backend == "gloo") {
#ifdef SIMCLR_HAVE_GLOO
      auto opts = c10d::ProcessGroupGloo::Options::create(options.timeout);
      opts->devices.push_back(gloo_device(env));
      opts->threads = 2;
      collectives = c10::make_intrusive<c10d::ProcessGroupGloo>(prefixed, env.rank, env.world_size, opts);
      return;
#else
      throw ConfigError("training.distributed.backend: this build has no Gloo (its headers were missing); use nccl");
#endif
    }
#ifdef USE_C10D_NCCL
    auto opts = c10d::ProcessGroupNCCL::Options::create();
    opts->timeout = options.timeout;
    collectives = c10::make_intrusive<c10d::ProcessGroupNCCL>(prefixed, env.rank, env.world_size, opts);
#else
    throw ConfigError("training.distributed.backend: this build's LibTorch has no NCCL; use gloo");
#endif
  }

  // Which other ranks look lost: a local process that no longer exists, or a rank whose
  // recorded step is behind this one.
  std::string suspects() const {
    std::string out;
    for (int r = 0; r < static_cast<int>(ranks.size()); ++r) {
      if (r == env.rank) continue;
      std::string why;
      if (ranks[r].host == host_name() && ranks[r].pid > 0 && process_gone(ranks[r].pid)) {
        why = "its process " + std::to_string(ranks[r].pid) + " has exited";
      } else {
        try {
          const std::string key = "progress/" + std::to_string(r);
          if (store->check({key})) {
            const int64_t at = std::stoll(text_of(store->get(key)));
            if (at < step) why = "it is still at step " + std::to_string(at);
          }
        } catch (const std::exception&) {
          if (r == 0) why = "its store (rank 0 hosts it) no longer answers";
        }
      }
      if (!why.empty()) out += (out.empty() ? "" : "; ") + ("rank " + std::to_string(r) + ": " + why);
    }
    if (out.empty() && env.world_size == 2)
      out = "rank " + std::to_string(1 - env.rank) + ", the only other rank, stopped answering";
    return out;
  }
};

ProcessGroup::ProcessGroup(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ProcessGroup::~ProcessGroup() = default;

std::shared_ptr<ProcessGroup> ProcessGroup::join(const LaunchEnvironment& env, const GroupOptions& options,
                                                 const torch::Device& device) {
  // A peer that dies while this rank writes to it must fail the write (EPIPE, which Gloo
  // turns into an error naming the rank), not end this process silently with SIGPIPE.
  std::signal(SIGPIPE, SIG_IGN);
  auto impl = std::make_unique<Impl>();
  impl->env = env;
  impl->options = options;
  try {
    auto base = impl->connect_store();
    impl->store = c10::make_intrusive<c10d::PrefixStore>("simclr/attempt_" + std::to_string(env.restart_count), base);
  } catch (const std::exception& e) {
    throw DistributedError("rank " + std::to_string(env.rank) + " could not reach the run's store at " +
                           env.master_addr + ":" + std::to_string(env.master_port) + " within " +
                           std::to_string(options.timeout.count() / 1000) +
                           " s (is rank 0 running, and are MASTER_ADDR/MASTER_PORT or --dist-url right?): " + e.what());
  }
  impl->rendezvous();
  try {
    impl->make_collectives(device);
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    throw DistributedError("rank " + std::to_string(env.rank) + " could not form the " + impl->backend +
                           " group: " + e.what());
  }
  return std::shared_ptr<ProcessGroup>(new ProcessGroup(std::move(impl)));
}

int ProcessGroup::rank() const {
  return impl_->env.rank;
}
int ProcessGroup::world_size() const {
  return impl_->env.world_size;
}
const std::string& ProcessGroup::backend() const {
  return impl_->backend;
}

void ProcessGroup::fail(const std::string& operation, const std::exception& e) {
  const std::string lost = impl_->suspects();
  throw DistributedError("rank " + std::to_string(rank()) + ": " + operation + " at step " +
                         std::to_string(impl_->step) + " failed" + (lost.empty() ? "" : " (" + lost + ")") + ": " +
                         e.what());
}

void ProcessGroup::all_reduce_sum(torch::Tensor& tensor) {
  const auto start = std::chrono::steady_clock::now();
  std::vector<at::Tensor> buffers{tensor.contiguous()};
  try {
    impl_->collectives->allreduce(buffers)->wait();
  } catch (const std::exception& e) {
    fail("all-reduce", e);
  }
  if (!buffers[0].is_same(tensor)) tensor.copy_(buffers[0]);
  bytes_ += tensor.numel() * tensor.element_size();
  seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

PendingCollective ProcessGroup::start_all_reduce_sum(torch::Tensor tensor) {
  TORCH_CHECK(tensor.is_contiguous(), "start_all_reduce_sum needs a contiguous tensor");
  std::vector<at::Tensor> buffers{tensor};
  c10::intrusive_ptr<c10d::Work> work;
  try {
    work = impl_->collectives->allreduce(buffers);
  } catch (const std::exception& e) {
    fail("all-reduce", e);
  }
  bytes_ += tensor.numel() * tensor.element_size();
  return PendingCollective([this, work] {
    const auto start = std::chrono::steady_clock::now();
    try {
      work->wait();
    } catch (const std::exception& e) {
      fail("all-reduce", e);
    }
    seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  });
}

torch::Tensor ProcessGroup::all_gather(const torch::Tensor& tensor) {
  const auto start = std::chrono::steady_clock::now();
  std::vector<at::Tensor> input{tensor.contiguous()};
  std::vector<std::vector<at::Tensor>> output(1);
  for (int r = 0; r < world_size(); ++r) output[0].push_back(torch::empty_like(input[0]));
  try {
    impl_->collectives->allgather(output, input)->wait();
  } catch (const std::exception& e) {
    fail("all-gather", e);
  }
  bytes_ += tensor.numel() * tensor.element_size() * world_size();
  seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return torch::cat(output[0]);
}

void ProcessGroup::broadcast(torch::Tensor& tensor, int root) {
  std::vector<at::Tensor> buffers{tensor.contiguous()};
  c10d::BroadcastOptions opts;
  opts.rootRank = root;
  try {
    impl_->collectives->broadcast(buffers, opts)->wait();
  } catch (const std::exception& e) {
    fail("broadcast", e);
  }
  if (!buffers[0].is_same(tensor)) tensor.copy_(buffers[0]);
}

void ProcessGroup::barrier(std::chrono::milliseconds timeout) {
  // Through the store, whose waits take their own limit (Gloo's barrier keeps the group's).
  const std::string key = "barrier/" + std::to_string(impl_->barriers++);
  try {
    if (impl_->store->add(key, 1) == world_size()) impl_->store->set(key + "/done", bytes_of("1"));
    impl_->store->wait({key + "/done"}, timeout);
  } catch (const std::exception& e) {
    fail("waiting for the other ranks (limit " + std::to_string(timeout.count() / 1000) + " s)", e);
  }
}

std::string ProcessGroup::share_from_rank0(const std::string& key, const std::string& value) {
  const std::string name = "shared/" + std::to_string(impl_->shares++) + "/" + key;
  try {
    if (rank() == 0) impl_->store->set(name, bytes_of(value));
    impl_->store->wait({name}, impl_->options.timeout);
    return text_of(impl_->store->get(name));
  } catch (const std::exception& e) {
    fail("reading '" + key + "' from rank 0", e);
  }
}

void ProcessGroup::record_progress(int64_t step) {
  impl_->step = step;
  try {
    impl_->store->set("progress/" + std::to_string(rank()), bytes_of(std::to_string(step)));
  } catch (const std::exception& e) {
    fail("recording progress", e);
  }
}

}  // namespace simclr
