#include "app/cli/interrupt_scope.h"

#include <atomic>

namespace simclr::cli {

namespace {

// The innermost live scope's token. Lock-free, so the signal handler may read it.
std::atomic<StopToken*> g_token{nullptr};
static_assert(std::atomic<StopToken*>::is_always_lock_free);

// Async-signal-safe: an atomic load and the token's atomic store, nothing else.
extern "C" void on_interrupt(int signal) {
  StopToken* token = g_token.load();
  if (!token) return;
  if (signal == SIGUSR1 || signal == SIGUSR2)
    token->set_paused(signal == SIGUSR1);
  else
    token->request_stop();
}

}  // namespace

InterruptScope::InterruptScope(const StopToken& stop) : stop_(stop), outer_(g_token.load()) {
  g_token.store(&stop_);  // before the handler can run
  struct sigaction action {};
  action.sa_handler = on_interrupt;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;  // blocking reads and writes carry on; the job polls the token
  sigaction(SIGINT, &action, &previous_int_);
  sigaction(SIGTERM, &action, &previous_term_);
  sigaction(SIGUSR1, &action, &previous_usr1_);
  sigaction(SIGUSR2, &action, &previous_usr2_);
}

InterruptScope::~InterruptScope() {
  // The previous handlers first, then the token: a signal never finds a dangling pointer.
  sigaction(SIGUSR2, &previous_usr2_, nullptr);
  sigaction(SIGUSR1, &previous_usr1_, nullptr);
  sigaction(SIGTERM, &previous_term_, nullptr);
  sigaction(SIGINT, &previous_int_, nullptr);
  g_token.store(outer_);
}

}  // namespace simclr::cli
