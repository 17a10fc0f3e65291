#include "lease.hpp"

#include "dbctl/engine/error.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>

namespace dbctl::engine {

HeldLease::HeldLease(std::function<bool()> renew, std::function<void()> release, std::string table,
                     std::string context)
    : m_renew(std::move(renew)), m_release(std::move(release)), m_table(std::move(table)),
      m_context(std::move(context)) {
  m_renewer = std::thread([this] { renew_until_released(); });
}

HeldLease::~HeldLease() {
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_released = true;
  }
  m_wake.notify_all();
  m_renewer.join();
  try {
    m_release();
  } catch (...) {
    // The lease expires by itself.
  }
}

void HeldLease::check() const {
  if (m_lost.load()) {
    throw DbError(m_context + "lost the migration lock: the lease in " + m_table +
                  " could not be renewed before it expired, and another run may hold it now; "
                  "nothing more is applied");
  }
}

void HeldLease::renew_until_released() {
  auto renewed = std::chrono::steady_clock::now();
  std::unique_lock<std::mutex> lock(m_mutex);
  while (!m_wake.wait_for(lock, k_lease_length / 3, [this] { return m_released; })) {
    bool held = false;
    try {
      held = m_renew();
      if (!held) {
        m_lost = true; // expired and taken over
      }
    } catch (const std::exception& e) {
      spdlog::warn("{}renewing the migration lock failed (trying again): {}", m_context, e.what());
    }
    if (held) {
      renewed = std::chrono::steady_clock::now();
    } else if (std::chrono::steady_clock::now() - renewed >= k_lease_length) {
      m_lost = true;
    }
  }
}

void wait_for_lease(const std::function<bool()>& take, const std::function<std::string()>& holder,
                    std::chrono::seconds timeout, const std::string& context, const util::Interrupt* interrupt) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  auto pause = std::chrono::milliseconds(50);
  while (!take()) {
    util::throw_if_interrupted(interrupt);
    if (std::chrono::steady_clock::now() >= deadline) {
      throw DbError(context + "timed out after " + std::to_string(timeout.count()) +
                    " s waiting for the migration lock (lock: table), held by " + holder());
    }
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(1000));
  }
}

} // namespace dbctl::engine
