#pragma once
// The distributed tests run the ranks of a run as real processes: the test executable
// starts copies of itself in "rank mode" (SIMCLR_TEST_RANK_PROJECT set), each of which
// trains the project with the launch variables it was given, as torchrun would set them.
#include <QProcess>
#include <QString>
#include <QStringList>

#include <filesystem>
#include <map>
#include <string>

namespace simclr::test {

// In rank mode: trains $SIMCLR_TEST_RANK_PROJECT into $SIMCLR_TEST_RUNS_ROOT as run
// $SIMCLR_TEST_RUN_NAME (resuming $SIMCLR_TEST_RESUME when set) and returns the exit
// code (0, or 1 with the error on stderr). Returns -1 when not in rank mode.
int run_rank_mode();

// A TCP port that was free a moment ago on 127.0.0.1.
int free_port();

// Starts rank `rank` of `world` of a run of `project` (a project file) into `runs_root`.
// `extra` adds or overrides environment variables.
QProcess* start_rank(const std::filesystem::path& project, const std::filesystem::path& runs_root,
                     const std::string& run_name, int rank, int world, int port,
                     const std::map<std::string, std::string>& extra = {});

}  // namespace simclr::test
