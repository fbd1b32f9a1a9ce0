#pragma once
// Named points in the writing paths where a test makes a write fail on purpose, as a full
// disk, a failing disk or a killed process would:
//   SIMCLR_FAULT=<point>:<n>:<kill|enospc|eio>[,<point>:<n>:<action>...]
// acts on the n-th pass through <point>, counted per process. Unset (always, outside
// tests) a pass costs the test of one flag. The points:
//   checkpoint_write   a checkpoint's temporary file, before LibTorch writes it
//   checkpoint_rename  the written temporary file, before it replaces the checkpoint
//   snapshot_write, snapshot_rename   the same for a timeline snapshot
//   metrics_append     a line of metrics.jsonl (a kill or a failure leaves half the line)
//   status_write       status.json at the end of a run
//   file_write         any file written through engine/core/atomic_file (results, layouts,
//                      exports, feature caches, run records), its temporary file written
//   file_rename        the same, before the temporary file replaces the target
//   file_write@<name>, file_rename@<name>   the same for the file called <name> only
//                      (e.g. file_write@export.json); counted separately
//   download_write     a piece of a download arriving (a failure drops the partial file)
//   unpack_write       a piece of a file unpacked from a downloaded archive
#include <functional>

namespace simclr {

// 0, or the errno (ENOSPC, EIO) the caller fails with as it would for a real one. With
// `kill` the process ends here by SIGKILL, after `before_kill` (which may leave what a
// write cut short leaves). Throws ConfigError when SIMCLR_FAULT cannot be read.
int fault_point(const char* name, const std::function<void()>& before_kill = {});

}  // namespace simclr
