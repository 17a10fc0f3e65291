#pragma once
// A run's interruption (SIGINT/SIGTERM): a flag that loops check between steps, and the
// cancel functions of the connections whose running statement must stop at once.
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>

namespace dbctl::util {

/// Shared by every thread of one run. request() may be called from any thread (the signal
/// watcher); cancel functions run on that thread, under a mutex that remove() also takes, so a
/// connection is never cancelled after it was removed (and closed).
class Interrupt {
public:
  using Cancel = std::function<void()>;

  /// Record the request (the first signal number wins) and call every registered cancel
  /// function once; later registrations are cancelled as they arrive. Cancel functions must
  /// not throw.
  void request(int signal_number);
  /// Tell whether an interruption was requested.
  bool requested() const { return m_signal.load() != 0; }
  /// Return the signal number of the request, 0 when none.
  int signal_number() const { return m_signal.load(); }

  /// Register a cancel function; return its id for remove(). When an interruption was already
  /// requested, call it at once.
  std::uint64_t add(Cancel cancel);
  /// Unregister a cancel function; waits for a cancel running on another thread to end.
  void remove(std::uint64_t id);

private:
  std::atomic<int> m_signal{0};
  std::mutex m_mutex;
  std::uint64_t m_next = 1;
  std::map<std::uint64_t, Cancel> m_cancels;
};

/// Throw InterruptedError when `interrupt` (may be null) was requested; loops call it between
/// steps so a run stops at the next boundary.
void throw_if_interrupted(const Interrupt* interrupt);

/// Tell whether `interrupt` (may be null) was requested.
inline bool interrupted(const Interrupt* interrupt) { return interrupt != nullptr && interrupt->requested(); }

} // namespace dbctl::util
