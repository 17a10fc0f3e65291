#pragma once
// SIGINT and SIGTERM stop a run cleanly: running statements are cancelled (and their
// transactions rolled back), nothing new starts, locks are released on the way out.
#include "dbctl/util/interrupt.hpp"

#include <csignal>
#include <thread>

namespace dbctl::cli {

/// Blocks SIGINT and SIGTERM in the calling thread and every thread started after it, and
/// waits for them on a thread of its own. The first one is logged and requests `interrupt`
/// (its cancels run on another thread, so the watcher keeps listening); a second one ends the
/// process at once with 128 + its number. Construct it before any other thread starts.
class SignalWatcher {
public:
  explicit SignalWatcher(util::Interrupt& interrupt);
  /// Stop watching, wait for the cancels to end and restore the signal mask.
  ~SignalWatcher();
  SignalWatcher(const SignalWatcher&) = delete;
  SignalWatcher& operator=(const SignalWatcher&) = delete;

private:
  void watch();

  util::Interrupt& m_interrupt;
  sigset_t m_previous{};
  std::thread m_canceller;
  std::thread m_watcher;
};

/// Return "SIGINT", "SIGTERM" or "signal N".
const char* signal_name(int signal_number);

} // namespace dbctl::cli
