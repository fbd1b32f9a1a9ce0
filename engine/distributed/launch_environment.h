#pragma once
// Where this process stands in a data-parallel run, read from the variables the launchers
// set: torchrun (RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT,
// TORCHELASTIC_USE_AGENT_STORE), Slurm's srun (SLURM_PROCID, SLURM_NTASKS, SLURM_LOCALID,
// the first host of SLURM_STEP_NODELIST or SLURM_JOB_NODELIST) and Open MPI's mpirun
// (OMPI_COMM_WORLD_RANK, _SIZE, _LOCAL_RANK), in that order of precedence. The store's
// address comes from --dist-url tcp://HOST:PORT, else MASTER_ADDR/MASTER_PORT, else (Slurm)
// the first node and port 29500. No LibTorch here: the CLI and the tests use it as is.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace simclr {

struct LaunchEnvironment {
  std::string launcher;  // "torchrun", "slurm", "mpi" or "local" (simclr-cli --nproc-per-node)
  int rank = 0;
  int world_size = 1;
  int local_rank = 0;
  std::string master_addr;  // the TCP store's host
  int master_port = 29500;
  bool agent_store = false;  // torchrun's agent hosts the store: every rank is a client
  int restart_count = 0;     // torchrun's TORCHELASTIC_RESTART_COUNT: keeps attempts apart in the store
  std::string token;         // SIMCLR_RUN_TOKEN: checked at rendezvous (empty = none)

  // "rank 1 of 2 (torchrun, store 127.0.0.1:29500)"
  std::string describe() const;
};

using GetEnv = std::function<const char*(const char*)>;

// The launch environment, or nullopt when no launcher variables are set (a plain,
// single-process run). `dist_url` (may be empty) overrides the store's address. Throws
// ConfigError naming the variable for a value that is not a number or out of range.
std::optional<LaunchEnvironment> read_launch_environment(const GetEnv& getenv, const std::string& dist_url = "");
// The same with the process's environment.
std::optional<LaunchEnvironment> read_launch_environment(const std::string& dist_url = "");

// The first host of a Slurm node list: "gpu[03-05,09],cpu1" -> "gpu03".
std::string first_slurm_host(const std::string& node_list);

}  // namespace simclr
