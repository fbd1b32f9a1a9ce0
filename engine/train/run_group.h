#pragma once
// A data-parallel run's ranks: joining the process group (after checking every rank trains
// the same project) and agreeing on the run folder, which rank 0 alone creates and writes.
#include <memory>
#include <string>

#include <torch/types.h>

#include "engine/distributed/process_group.h"
#include "engine/project/project_config.h"
#include "engine/train/run_opening.h"
#include "engine/train/train_options.h"

namespace simclr {

// The group of a run launched with more than one process (options.group when given), else
// nullptr. Throws DistributedError when the group cannot be formed, ConfigError for a
// batch that cannot be split evenly over the ranks.
std::shared_ptr<ProcessGroup> join_run_group(const ProjectConfig& project, const TrainOptions& options,
                                             const torch::Device& device);

// Joins the ranks of `env` with the project's distributed settings (timeout, backend), after
// checking that every rank has the same project. For work of several runs (a sweep).
std::shared_ptr<ProcessGroup> join_group(const ProjectConfig& project, const LaunchEnvironment& env,
                                         const torch::Device& device);

// ConfigError unless `batch_size` images split evenly over `world_size` ranks; `what` names
// the setting ("training.batch_size").
void check_batch_splits(int64_t batch_size, int world_size, const std::string& what);

// What every rank must agree on: the resolved project without the settings that may
// differ per rank or machine (device, threads, dataset path).
std::string binding_config_digest(const ProjectConfig& project);

// Rank 0 opens (or resumes) the run folder as open_or_resume_run does; the other ranks
// learn its path from rank 0 and write nothing in it.
OpenedRun open_run_on_every_rank(const ProjectConfig& project, const TrainOptions& options, ProcessGroup* group);

// The device this rank trains on: with several local ranks on CUDA, cuda:LOCAL_RANK.
torch::Device rank_device(const torch::Device& configured, const TrainOptions& options);

}  // namespace simclr
