#pragma once
// A run that stopped on an error (a full disk, NaN gradients, a damaged dataset) ends with
// status.json saying "failed" and the error, so run lists tell it from a run stopped on
// request ("stopped") or one whose process died ("interrupted"). Resume continues it.
#include <cstdint>
#include <string>

#include "engine/project/run_folder.h"

namespace simclr {

// Writes status.json {"state": "failed", "error": ..., "steps_done", "total_steps"}. Best
// effort, never throws: on a full disk this write fails too (the run then reads as
// "incomplete", its error still in the log and on the terminal).
void write_run_failure(const RunFolder& run, int64_t steps_done, int64_t total_steps,
                       const std::string& error) noexcept;

// The error of a run whose status.json says "failed"; "" for any other run.
std::string read_run_failure(const RunFolder& run);

}  // namespace simclr
