#include "tests/engine/distributed/rank_process.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <QCoreApplication>
#include <QProcessEnvironment>

#include <cstdio>
#include <cstdlib>

#include "engine/core/error.h"
#include "engine/project/project_file.h"
#include "engine/train/trainer.h"

namespace simclr::test {

int run_rank_mode() {
  const char* project_file = std::getenv("SIMCLR_TEST_RANK_PROJECT");
  if (!project_file) return -1;
  try {
    TrainOptions options;
    options.runs_root = std::getenv("SIMCLR_TEST_RUNS_ROOT");
    options.run_name = std::getenv("SIMCLR_TEST_RUN_NAME");
    if (const char* resume = std::getenv("SIMCLR_TEST_RESUME")) {
      options.resume_run = resume;
      options.run_name.clear();
    }
    options.launch = read_launch_environment();
    TrainCallbacks callbacks;
    callbacks.on_log = [](LogLevel level, const std::string& text) {
      std::fprintf(stderr, "[%s] %s\n", to_string(level), text.c_str());
    };
    callbacks.on_step = [](const StepMetrics& m) {
      std::printf("step %lld loss %.9g\n", static_cast<long long>(m.step), m.loss);
      std::fflush(stdout);
    };
    train(load_project(project_file), options, callbacks, StopToken());
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
}

int free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

QProcess* start_rank(const std::filesystem::path& project, const std::filesystem::path& runs_root,
                     const std::string& run_name, int rank, int world, int port,
                     const std::map<std::string, std::string>& extra) {
  auto* process = new QProcess();
  QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
  env.insert("SIMCLR_TEST_RANK_PROJECT", QString::fromStdString(project.string()));
  env.insert("SIMCLR_TEST_RUNS_ROOT", QString::fromStdString(runs_root.string()));
  env.insert("SIMCLR_TEST_RUN_NAME", QString::fromStdString(run_name));
  env.insert("RANK", QString::number(rank));
  env.insert("WORLD_SIZE", QString::number(world));
  env.insert("LOCAL_RANK", QString::number(rank));
  env.insert("MASTER_ADDR", "127.0.0.1");
  env.insert("MASTER_PORT", QString::number(port));
  for (const auto& [key, value] : extra) {
    if (value.empty())
      env.remove(QString::fromStdString(key));
    else
      env.insert(QString::fromStdString(key), QString::fromStdString(value));
  }
  process->setProcessEnvironment(env);
  process->start(QCoreApplication::applicationFilePath(), {});
  return process;
}

}  // namespace simclr::test
