#pragma once
// simclr-cli train (or sweep) P.json --nproc-per-node N: runs N ranks of the same command on this
// machine, as torchrun's standalone mode does, and supervises them. The ranks meet through a
// file store in a private folder (no listening socket) and Gloo on 127.0.0.1, with a fresh
// run token; each gets cores / N threads unless --threads was given. Ctrl+C reaches every
// rank (they stop together at the next step, with a checkpoint), and so do SIGUSR1 (pause)
// and SIGUSR2 (go on). When a rank fails, the
// launcher names it and gives the others the group's timeout to stop before killing them.
#include <optional>
#include <string>
#include <vector>

#include "engine/distributed/launch_environment.h"

namespace simclr::cli {

struct LocalLaunch {
  int nproc = 1;
  bool threads_given = false;  // --threads on the command line
  int grace_s = 70;            // how long the others may take to stop after one failed
};

// `arguments`: this process's command line (argv[0] first) without --nproc-per-node.
// Returns the exit code for the launcher: 0 when every rank succeeded, else the first
// failing rank's (2 for bad input, 1 otherwise).
int launch_local_ranks(const std::vector<std::string>& arguments, const LocalLaunch& launch);

// This process's command line from /proc/self/cmdline, without `--nproc-per-node N`.
std::vector<std::string> command_line_without_nproc();

// For a command with --nproc-per-node: when N > 1 and no launcher set this process's rank,
// runs the command's N ranks and returns true once they all succeeded (throws ConfigError
// when one refused the project, DistributedError when one failed). Returns false when this
// process is to do the work itself (alone, or as a rank).
bool ran_local_ranks(int nproc_per_node, bool threads_given, const std::optional<LaunchEnvironment>& launch);

}  // namespace simclr::cli
