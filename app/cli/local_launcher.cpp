#include "app/cli/local_launcher.h"

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include "engine/core/error.h"

namespace simclr::cli {

namespace {

std::atomic<int> g_signal{0};
void on_signal(int signal) {
  g_signal.store(signal);  // async-signal-safe: the supervising loop forwards it
}

// A port that was free on 127.0.0.1 a moment ago (the ranks' store address for logs and
// for launchers of other tools; the ranks themselves meet through the file store).
int free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

std::string random_token() {
  std::random_device device;
  std::ostringstream out;
  out << std::hex << device() << device() << device() << device();
  return out.str();
}

std::string describe_status(int status) {
  if (WIFEXITED(status)) return "exited with code " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) {
    const int sig = WTERMSIG(status);
    return "was killed by signal " + std::to_string(sig) + (sig == SIGKILL ? " (SIGKILL)" : "");
  }
  return "stopped";
}

int exit_code_of(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status) == 2 ? 2 : (WEXITSTATUS(status) == 0 ? 0 : 1);
  return 1;
}

pid_t spawn_rank(const std::vector<std::string>& arguments, int rank, const LocalLaunch& launch,
                 const std::vector<std::string>& environment) {
  std::vector<std::string> args = arguments;
  if (!launch.threads_given) {
    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    args.push_back("--threads");
    args.push_back(std::to_string(std::max(1u, cores / unsigned(launch.nproc))));
  }
  const pid_t pid = fork();
  if (pid != 0) return pid;
  for (const auto& entry : environment) putenv(strdup(entry.c_str()));
  const std::string r = std::to_string(rank);
  setenv("RANK", r.c_str(), 1);
  setenv("LOCAL_RANK", r.c_str(), 1);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  execv("/proc/self/exe", argv.data());
  std::perror("simclr-cli: cannot start a rank");
  _exit(127);
}

}  // namespace

std::vector<std::string> command_line_without_nproc() {
  std::ifstream in("/proc/self/cmdline", std::ios::binary);
  std::vector<std::string> all;
  std::string item;
  while (std::getline(in, item, '\0')) all.push_back(item);
  std::vector<std::string> out;
  for (size_t i = 0; i < all.size(); ++i) {
    if (all[i] == "--nproc-per-node") {
      ++i;  // and its value
      continue;
    }
    if (all[i].rfind("--nproc-per-node=", 0) == 0) continue;
    out.push_back(all[i]);
  }
  return out;
}

int launch_local_ranks(const std::vector<std::string>& arguments, const LocalLaunch& launch) {
  namespace fs = std::filesystem;
  char folder_template[] = "/tmp/simclr-ranks-XXXXXX";  // mode 0700: only this user
  if (!mkdtemp(folder_template)) throw IoError("--nproc-per-node: cannot make a private folder in /tmp");
  const fs::path folder = folder_template;
  const std::vector<std::string> environment = {
      "WORLD_SIZE=" + std::to_string(launch.nproc),
      "LOCAL_WORLD_SIZE=" + std::to_string(launch.nproc),
      "MASTER_ADDR=127.0.0.1",
      "MASTER_PORT=" + std::to_string(free_port()),
      "SIMCLR_LOCAL_LAUNCH=1",
      "SIMCLR_STORE_FILE=" + (folder / "store").string(),
      "SIMCLR_RUN_TOKEN=" + random_token(),
  };
  std::fprintf(stderr, "simclr-cli: starting %d local ranks (Gloo on 127.0.0.1, rendezvous in %s)\n", launch.nproc,
               folder.c_str());

  struct sigaction action {};
  struct sigaction old_int {
  }, old_term{}, old_usr1{}, old_usr2{};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, &old_int);
  sigaction(SIGTERM, &action, &old_term);
  sigaction(SIGUSR1, &action, &old_usr1);
  sigaction(SIGUSR2, &action, &old_usr2);

  std::vector<pid_t> ranks;
  for (int r = 0; r < launch.nproc; ++r) ranks.push_back(spawn_rank(arguments, r, launch, environment));
  std::vector<bool> done(ranks.size(), false);
  int result = 0, running = launch.nproc, forwarded = 0;
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  while (running > 0) {
    if (const int sig = g_signal.exchange(0); sig != 0) {
      // Pause and go on reach every rank as they are; Ctrl+C stops every rank at the next
      // step, and a second one ends them at once.
      const bool pause = sig == SIGUSR1 || sig == SIGUSR2;
      const int send = pause ? sig : (++forwarded > 1 ? SIGKILL : SIGINT);
      for (size_t r = 0; r < ranks.size(); ++r)
        if (!done[r]) kill(ranks[r], send);
    }
    int status = 0;
    const pid_t pid = waitpid(-1, &status, WNOHANG);
    if (pid > 0) {
      for (size_t r = 0; r < ranks.size(); ++r)
        if (ranks[r] == pid) {
          done[r] = true;
          --running;
          if (exit_code_of(status) != 0) {
            std::fprintf(stderr, "simclr-cli: rank %zu (pid %d) %s\n", r, int(pid), describe_status(status).c_str());
            if (result == 0) {
              result = exit_code_of(status);
              deadline = std::chrono::steady_clock::now() + std::chrono::seconds(launch.grace_s);
            }
          }
        }
      continue;
    }
    if (std::chrono::steady_clock::now() > deadline) {
      for (size_t r = 0; r < ranks.size(); ++r)
        if (!done[r]) {
          std::fprintf(stderr, "simclr-cli: rank %zu (pid %d) did not stop after rank failure; killing it\n", r,
                       int(ranks[r]));
          kill(ranks[r], SIGKILL);
        }
      deadline = std::chrono::steady_clock::time_point::max();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  sigaction(SIGINT, &old_int, nullptr);
  sigaction(SIGTERM, &old_term, nullptr);
  sigaction(SIGUSR1, &old_usr1, nullptr);
  sigaction(SIGUSR2, &old_usr2, nullptr);
  std::error_code ignored;
  fs::remove_all(folder, ignored);
  return result;
}

}  // namespace simclr::cli

namespace simclr::cli {

bool ran_local_ranks(int nproc_per_node, bool threads_given, const std::optional<LaunchEnvironment>& launch) {
  if (nproc_per_node <= 1 || launch) return false;
  LocalLaunch local;
  local.nproc = nproc_per_node;
  local.threads_given = threads_given;
  const int code = launch_local_ranks(command_line_without_nproc(), local);
  if (code == 2) throw ConfigError("a rank refused the project (see its message above)");
  if (code != 0) throw DistributedError("the run failed (see the ranks' messages above)");
  return true;
}

}  // namespace simclr::cli
