#pragma once
// The process group of a data-parallel run, over LibTorch's c10d: a TCPStore for the
// rendezvous (hosted by rank 0, or by torchrun's agent) and Gloo (CPU) or NCCL (CUDA, when
// LibTorch has it) for the collectives. This header and process_group.cpp are the only
// places that touch c10d, whose API differs between LibTorch 1.13 and 2.x.
//
// Rendezvous refuses, with a message naming the rank: a second process claiming a rank, a
// rank whose run token (SIMCLR_RUN_TOKEN) differs (a stray job on the same port), and a
// rank whose resolved project differs (config hash). A collective that fails or outlives
// the timeout throws DistributedError naming the operation, and the ranks that stopped
// answering when the store can tell.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <torch/types.h>

#include "engine/distributed/launch_environment.h"
#include "engine/models/batch_norm.h"

namespace simclr {

struct GroupOptions {
  std::string backend = "auto";               // auto (nccl on CUDA when built with it, else gloo) | gloo | nccl
  std::chrono::milliseconds timeout{60'000};  // every collective, and joining the group
  std::string config_hash;                    // of the resolved project: equal on every rank
};

// A collective that was started and runs on the backend's own threads while this one goes
// on (the gradient buckets during backward). wait() finishes it, throwing as the blocking
// call would have; a pending collective that is dropped unwaited is abandoned.
class PendingCollective {
 public:
  explicit PendingCollective(std::function<void()> wait) : wait_(std::move(wait)) {}
  void wait() { wait_(); }

 private:
  std::function<void()> wait_;
};

class ProcessGroup : public BatchStatsReducer {
 public:
  // Joins the run described by `env`. Throws DistributedError when the store cannot be
  // reached (naming the address) or a rank is refused, ConfigError for a backend this
  // LibTorch lacks.
  static std::shared_ptr<ProcessGroup> join(const LaunchEnvironment& env, const GroupOptions& options,
                                            const torch::Device& device);
  ~ProcessGroup() override;

  int rank() const;
  int world_size() const;
  const std::string& backend() const;

  // Sums in place over the ranks.
  void all_reduce_sum(torch::Tensor& tensor) override;
  // Starts summing `tensor` (contiguous) in place; the sum is there once wait() returns.
  // Every rank must start its collectives in the same order.
  PendingCollective start_all_reduce_sum(torch::Tensor tensor);
  // [W * n, ...]: every rank's tensor [n, ...] in rank order (same n on every rank).
  torch::Tensor all_gather(const torch::Tensor& tensor);
  // Copies root's tensor into everyone's.
  void broadcast(torch::Tensor& tensor, int root = 0);
  // Waits for every rank, up to `timeout` (a pause or rank 0's monitor can take long).
  void barrier(std::chrono::milliseconds timeout);
  // Rank 0 publishes a short text (the run folder) that the other ranks read. Every rank
  // makes the same calls in the same order, so the n-th call of each meets the n-th of rank 0.
  std::string share_from_rank0(const std::string& key, const std::string& value);
  // Each rank records how far it got, so that a failure can name the ranks that went quiet.
  void record_progress(int64_t step);

  // What the group moved since it was made (for the benchmark's communication figures);
  // the seconds are those this rank spent waiting for collectives, so a collective that
  // ran behind backward counts only for the part backward did not hide.
  int64_t bytes_communicated() const { return bytes_; }
  double seconds_communicating() const { return seconds_; }

 private:
  struct Impl;
  explicit ProcessGroup(std::unique_ptr<Impl> impl);
  [[noreturn]] void fail(const std::string& operation, const std::exception& e);
  std::unique_ptr<Impl> impl_;
  int64_t bytes_ = 0;
  double seconds_ = 0;
};

}  // namespace simclr
