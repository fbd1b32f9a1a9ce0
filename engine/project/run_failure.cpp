#include "engine/project/run_failure.h"

#include <nlohmann/json.hpp>

#include "engine/core/atomic_file.h"
#include "engine/core/json_value.h"

namespace simclr {

void write_run_failure(const RunFolder& run, int64_t steps_done, int64_t total_steps,
                       const std::string& error) noexcept {
  try {
    const nlohmann::json status = {
        {"state", "failed"}, {"error", error}, {"steps_done", steps_done}, {"total_steps", total_steps}};
    write_file_atomically(run.status_file(), status.dump(2) + "\n");
  } catch (...) {
    // Nothing more to do: the caller reports the error itself.
  }
}

std::string read_run_failure(const RunFolder& run) {
  try {
    const nlohmann::json status = nlohmann::json::parse(read_file(run.status_file()), nullptr, false);
    if (!status.is_object() || json_value_or(status, "state", std::string()) != "failed") return {};
    return json_value_or(status, "error", std::string("(no message recorded)"));
  } catch (const std::exception&) {
    return {};
  }
}

}  // namespace simclr
