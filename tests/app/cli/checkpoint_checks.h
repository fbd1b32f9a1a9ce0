#pragma once
// What a crash, a kill or a failed write may leave in a run's checkpoints folder and must
// not, for the fault tests: a checkpoint that does not load, one recording another step
// than its name, a file that is no checkpoint, a temporary file.
#include <QString>

#include <filesystem>
#include <system_error>

#include "engine/core/error.h"
#include "engine/project/run_folder.h"
#include "engine/train/checkpoint.h"

namespace simclr::test {

// The atomic writer's temporary files are hidden: ".<name>.tmp-<host>-<pid>-<n>".
inline bool is_temporary(const std::filesystem::path& file) {
  return file.filename().string().rfind('.', 0) == 0;
}

// Every problem as "name: what; ", empty when none. Temporary files a killed writer left are
// allowed when `allow_temporaries` (resume removes them).
inline QString checkpoint_problems(const std::filesystem::path& run, bool allow_temporaries = false) {
  QString problems;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(RunFolder(run).checkpoint_dir(), ec)) {
    const std::string name = entry.path().filename().string();
    if (is_temporary(entry.path())) {
      if (!allow_temporaries) problems += QString::fromStdString(name) + ": a temporary file left; ";
      continue;
    }
    if (entry.path().extension() != ".pt") {
      problems += QString::fromStdString(name) + ": not a checkpoint; ";
      continue;
    }
    try {
      if (read_checkpoint_info(entry.path()).step != checkpoint_step(entry.path()))
        problems += QString::fromStdString(name) + ": another step; ";
    } catch (const Error& e) {
      problems += QString::fromUtf8(e.what()) + "; ";
    }
  }
  return problems;
}

}  // namespace simclr::test
