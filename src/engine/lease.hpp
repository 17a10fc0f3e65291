#pragma once
// `lock: table`'s held lease, whatever the engine: a thread renews it every third of its length
// until the lock goes, which deletes it.
#include "dbctl/engine/driver.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace dbctl::engine {

/// How long a lease lasts without renewal; a holder renews it every third of that.
constexpr std::chrono::seconds k_lease_length{30};

/// A lease row this run holds. `renew` extends it and returns whether it is still this run's
/// (false: it expired and was taken over); it may throw for a failure worth retrying, which is
/// logged. `release` deletes it (its failures are ignored: the lease expires by itself). Both
/// run on the lease's own connection, which they own.
class HeldLease final : public Lock {
public:
  HeldLease(std::function<bool()> renew, std::function<void()> release, std::string table, std::string context);
  ~HeldLease() override;
  HeldLease(const HeldLease&) = delete;
  HeldLease& operator=(const HeldLease&) = delete;

  /// Throw DbError once a renewal found the lease gone, or none succeeded for a lease's length.
  void check() const override;

private:
  void renew_until_released();

  std::function<bool()> m_renew;
  std::function<void()> m_release;
  std::string m_table;
  std::string m_context;
  std::mutex m_mutex;
  std::condition_variable m_wake;
  bool m_released = false;
  std::atomic<bool> m_lost{false};
  std::thread m_renewer;
};

/// Call `take` until it returns true (taken), pausing 50 ms doubling to 1 s between tries; at
/// the deadline throw DbError naming `holder()`, and InterruptedError once interrupted.
void wait_for_lease(const std::function<bool()>& take, const std::function<std::string()>& holder,
                    std::chrono::seconds timeout, const std::string& context, const util::Interrupt* interrupt);

} // namespace dbctl::engine
