#include "dbctl/ops/failover.hpp"

#include "dbctl/engine/error.hpp"
#include "dbctl/util/text.hpp"

#include <algorithm>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include <spdlog/spdlog.h>

namespace dbctl::ops {

namespace {

using Clock = std::chrono::steady_clock;

// A cluster that loses its primary again and again is not one failover: after this many within
// one job's work, the next loss fails it.
constexpr std::size_t k_most_failovers = 10;

long long ms_between(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(to - from).count();
}

// Wait before the next attempt, waking for an interruption.
void pause(std::chrono::milliseconds length, const util::Interrupt* interrupt) {
  auto until = Clock::now() + length;
  while (Clock::now() < until) {
    util::throw_if_interrupted(interrupt);
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  util::throw_if_interrupted(interrupt);
}

// What this process knows of its servers (by name), for every watch: the servers it reached
// (work ended, or lost its connection), and until when a loss one job met makes the others
// wait for a primary.
struct Known {
  std::mutex mutex;
  std::set<std::string> reached;
  std::map<std::string, Clock::time_point> lost_until;
};

Known& known() {
  static Known instance;
  return instance;
}

// A failure's message as a log line of `who`'s: most already start with the target's name.
std::string said(const std::string& who, const DbError& e) {
  std::string message = e.what();
  return message.rfind(who, 0) == 0 ? message : who + message;
}

} // namespace

FailoverWatch::FailoverWatch(std::chrono::seconds timeout, const util::Interrupt* interrupt)
    : m_timeout(timeout), m_interrupt(interrupt) {}

void FailoverWatch::reached(const std::string& server) {
  std::lock_guard<std::mutex> lock(known().mutex);
  known().reached.insert(server);
}

void FailoverWatch::run(const topology::Server& server, const std::string& who, std::vector<Failover>& failovers,
                        const std::function<void()>& attempt) {
  const bool may_fail_over = !server.hosts.empty() && m_timeout.count() > 0;
  std::optional<Clock::time_point> lost_at; // the loss this job is riding out
  std::string lost_error;
  Clock::time_point deadline{};
  auto pause_length = std::chrono::milliseconds(100);
  for (;;) {
    auto began = Clock::now();
    try {
      attempt();
      reached(server.name);
      if (lost_at) {
        failovers.push_back({server.name, lost_error, ms_between(*lost_at, began)});
        spdlog::warn("{}went on after a failover of {}: {} without a primary", who, server.name,
                     util::format_duration(failovers.back().waited_ms));
      }
      return;
    } catch (const DbError& e) {
      if (!may_fail_over || util::interrupted(m_interrupt)) {
        throw;
      }
      auto now = Clock::now();
      if (e.failure() == DbFailure::connection_lost) {
        if (lost_at) { // the last failover was ridden out: the attempt after it got this far
          failovers.push_back({server.name, lost_error, ms_between(*lost_at, began)});
        }
        if (failovers.size() >= k_most_failovers) {
          throw DbError(e.failure(), std::string(e.what()) + " (" + server.name + " lost its primary " +
                                         std::to_string(failovers.size() + 1) + " times in this run; giving up)",
                        e.sqlstate(), e.line());
        }
        lost_at = now;
        lost_error = e.what();
        deadline = now + m_timeout;
        {
          std::lock_guard<std::mutex> lock(known().mutex);
          known().reached.insert(server.name);
          auto& until = known().lost_until[server.name];
          until = std::max(until, deadline);
        }
        pause_length = std::chrono::milliseconds(100);
        spdlog::warn("{}; reconnecting to the primary of {} (up to {} s, --failover-timeout)", said(who, e),
                     server.name, m_timeout.count());
      } else if (e.failure() == DbFailure::unavailable) {
        if (!lost_at) {
          // Not this job's loss: another job's, or the server went away between jobs. A server
          // this process reached before is waited for; one it never reached fails at once.
          std::lock_guard<std::mutex> lock(known().mutex);
          auto until = known().lost_until.find(server.name);
          if (until != known().lost_until.end() && until->second > now) {
            deadline = until->second;
          } else if (known().reached.count(server.name) != 0) {
            deadline = now + m_timeout;
          } else {
            throw;
          }
          lost_at = now;
          lost_error = e.what();
          spdlog::warn("{}; {} is failing over: waiting for its primary (up to {} s, --failover-timeout)",
                       said(who, e), server.name, m_timeout.count());
        }
        if (now >= deadline) {
          throw DbError(e.failure(),
                        std::string(e.what()) + " (no primary of " + server.name + " within --failover-timeout " +
                            std::to_string(m_timeout.count()) + " s of losing it)",
                        e.sqlstate(), e.line());
        }
      } else {
        throw;
      }
    }
    pause(std::min(pause_length, std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now())),
          m_interrupt);
    pause_length = std::min(pause_length * 2, std::chrono::milliseconds(1000));
  }
}

} // namespace dbctl::ops
