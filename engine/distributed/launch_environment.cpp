#include "engine/distributed/launch_environment.h"

#include <cstdlib>

#include "engine/core/error.h"

namespace simclr {

namespace {

int parse_int(const GetEnv& getenv, const char* name, int min, int max) {
  const char* text = getenv(name);
  if (!text) throw ConfigError(std::string(name) + " is not set");
  char* end = nullptr;
  const long value = std::strtol(text, &end, 10);
  if (*text == '\0' || *end != '\0' || value < min || value > max)
    throw ConfigError(std::string(name) + "='" + text + "' is not a whole number from " + std::to_string(min) + " to " +
                      std::to_string(max));
  return static_cast<int>(value);
}

int parse_port(const std::string& text, const std::string& what) {
  char* end = nullptr;
  const long port = std::strtol(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || port < 1 || port > 65535)
    throw ConfigError(what + ": '" + text + "' is not a TCP port (1 to 65535)");
  return static_cast<int>(port);
}

bool set(const GetEnv& getenv, const char* name) {
  const char* v = getenv(name);
  return v && *v;
}

// Rank, world size and local rank from the first launcher whose variables are there.
std::optional<LaunchEnvironment> read_ranks(const GetEnv& getenv) {
  LaunchEnvironment env;
  constexpr int kMaxRanks = 1 << 20;
  if (set(getenv, "RANK") || set(getenv, "WORLD_SIZE")) {
    env.launcher = set(getenv, "TORCHELASTIC_RUN_ID") || set(getenv, "TORCHELASTIC_RESTART_COUNT") ? "torchrun"
                   : set(getenv, "SIMCLR_LOCAL_LAUNCH")                                            ? "local"
                                                                                                   : "env";
    env.world_size = parse_int(getenv, "WORLD_SIZE", 1, kMaxRanks);
    env.rank = parse_int(getenv, "RANK", 0, env.world_size - 1);
    env.local_rank = set(getenv, "LOCAL_RANK") ? parse_int(getenv, "LOCAL_RANK", 0, kMaxRanks) : 0;
  } else if (set(getenv, "SLURM_PROCID") && set(getenv, "SLURM_NTASKS")) {
    env.launcher = "slurm";
    env.world_size = parse_int(getenv, "SLURM_NTASKS", 1, kMaxRanks);
    env.rank = parse_int(getenv, "SLURM_PROCID", 0, env.world_size - 1);
    env.local_rank = set(getenv, "SLURM_LOCALID") ? parse_int(getenv, "SLURM_LOCALID", 0, kMaxRanks) : 0;
  } else if (set(getenv, "OMPI_COMM_WORLD_RANK") && set(getenv, "OMPI_COMM_WORLD_SIZE")) {
    env.launcher = "mpi";
    env.world_size = parse_int(getenv, "OMPI_COMM_WORLD_SIZE", 1, kMaxRanks);
    env.rank = parse_int(getenv, "OMPI_COMM_WORLD_RANK", 0, env.world_size - 1);
    env.local_rank =
        set(getenv, "OMPI_COMM_WORLD_LOCAL_RANK") ? parse_int(getenv, "OMPI_COMM_WORLD_LOCAL_RANK", 0, kMaxRanks) : 0;
  } else {
    return std::nullopt;
  }
  return env;
}

void read_store_address(const GetEnv& getenv, const std::string& dist_url, LaunchEnvironment& env) {
  if (!dist_url.empty()) {
    const std::string prefix = "tcp://";
    const auto colon = dist_url.rfind(':');
    if (dist_url.rfind(prefix, 0) != 0 || colon == std::string::npos || colon <= prefix.size())
      throw ConfigError("--dist-url: '" + dist_url + "' is not of the form tcp://HOST:PORT");
    env.master_addr = dist_url.substr(prefix.size(), colon - prefix.size());
    env.master_port = parse_port(dist_url.substr(colon + 1), "--dist-url");
    return;
  }
  if (set(getenv, "MASTER_ADDR")) env.master_addr = getenv("MASTER_ADDR");
  if (set(getenv, "MASTER_PORT")) env.master_port = parse_port(getenv("MASTER_PORT"), "MASTER_PORT");
  if (env.master_addr.empty() && env.launcher == "slurm") {
    const char* list =
        set(getenv, "SLURM_STEP_NODELIST") ? getenv("SLURM_STEP_NODELIST") : getenv("SLURM_JOB_NODELIST");
    if (list && *list) env.master_addr = first_slurm_host(list);
  }
  if (env.master_addr.empty() && env.world_size > 1)
    throw ConfigError("distributed run (" + env.launcher + ", world size " + std::to_string(env.world_size) +
                      "): no store address; set MASTER_ADDR and MASTER_PORT or pass --dist-url tcp://HOST:PORT");
  if (env.master_addr.empty()) env.master_addr = "127.0.0.1";
}

}  // namespace

std::string LaunchEnvironment::describe() const {
  return "rank " + std::to_string(rank) + " of " + std::to_string(world_size) + " (" + launcher + ", store " +
         master_addr + ":" + std::to_string(master_port) + ")";
}

std::string first_slurm_host(const std::string& node_list) {
  // Up to the first comma outside brackets; a bracket's first range gives the first host.
  std::string host;
  size_t i = 0;
  for (; i < node_list.size() && node_list[i] != ',' && node_list[i] != '['; ++i) host += node_list[i];
  if (i < node_list.size() && node_list[i] == '[') {
    const size_t end = node_list.find_first_of(",-]", i + 1);
    host += node_list.substr(i + 1, (end == std::string::npos ? node_list.size() : end) - i - 1);
  }
  return host;
}

std::optional<LaunchEnvironment> read_launch_environment(const GetEnv& getenv, const std::string& dist_url) {
  std::optional<LaunchEnvironment> env = read_ranks(getenv);
  if (!env) return std::nullopt;
  read_store_address(getenv, dist_url, *env);
  const char* agent = getenv("TORCHELASTIC_USE_AGENT_STORE");
  env->agent_store =
      agent && (std::string(agent) == "True" || std::string(agent) == "true" || std::string(agent) == "1");
  if (set(getenv, "TORCHELASTIC_RESTART_COUNT"))
    env->restart_count = parse_int(getenv, "TORCHELASTIC_RESTART_COUNT", 0, 1 << 30);
  if (set(getenv, "SIMCLR_RUN_TOKEN")) env->token = getenv("SIMCLR_RUN_TOKEN");
  return env;
}

std::optional<LaunchEnvironment> read_launch_environment(const std::string& dist_url) {
  return read_launch_environment([](const char* name) { return std::getenv(name); }, dist_url);
}

}  // namespace simclr
