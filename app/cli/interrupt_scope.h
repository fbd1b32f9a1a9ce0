#pragma once
// Ctrl+C (SIGINT) and SIGTERM as a stop request, for every long command (train, sweep,
// embed, evaluate, tsne, neighbours, export, dataset download): while an InterruptScope
// lives, these signals only set its stop token's atomic flag, so the job ends cleanly
// between steps (a checkpoint written, temporary files removed) instead of dying mid-write.
// The handlers installed before are restored when the scope ends, on every path out,
// exceptions included. Scopes nest: the innermost one receives the signals. SIGUSR1 pauses
// the job between steps and SIGUSR2 lets it go on (the workbench's Pause for training in
// other processes; simclr-cli's own launcher passes them to every rank).
#include <csignal>

#include "engine/core/job.h"

namespace simclr::cli {

class InterruptScope {
 public:
  // Keeps a copy of `stop` (copies share the flag), so the handler never points at a
  // token that no longer exists.
  explicit InterruptScope(const StopToken& stop);
  ~InterruptScope();
  InterruptScope(const InterruptScope&) = delete;
  InterruptScope& operator=(const InterruptScope&) = delete;

 private:
  StopToken stop_;
  StopToken* outer_;  // the token the handler set before this scope (a nesting scope's), or null
  struct sigaction previous_int_ {};
  struct sigaction previous_term_ {};
  struct sigaction previous_usr1_ {};
  struct sigaction previous_usr2_ {};
};

}  // namespace simclr::cli
