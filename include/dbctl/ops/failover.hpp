#pragma once
// Riding out a failover: work on a server with several hosts that lost its connection starts
// again on whichever host is the primary now.
#include "dbctl/topology/model.hpp"
#include "dbctl/util/interrupt.hpp"

#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace dbctl::ops {

/// One failover a target's or a server's work rode out.
struct Failover {
  std::string server;      ///< the topology's name of the server
  std::string error;       ///< how the connection was lost
  long long waited_ms = 0; ///< from the loss to the start of the attempt that went on
};

/// A run's failover policy. On a server with several hosts (`hosts:`), work whose connection
/// was lost (DbFailure::connection_lost: the primary went away, shut down or became a standby)
/// is started again, and each attempt reconnects to the host that is the primary now; attempts
/// that cannot reach one (DbFailure::unavailable) go on until `timeout` after the loss. Work
/// that cannot connect to a server this process has reached before (another job's work ended
/// or lost it: `up`'s init, a fleet's earlier targets) waits for it the same way; a server never
/// reached fails at once (`dbctl wait` is for servers still starting). The work itself re-reads
/// what it needs (history, catalogs), so a migration whose transaction was lost runs again and
/// one that committed does not. A server with one host, and every other failure, fail as before.
class FailoverWatch {
public:
  FailoverWatch(std::chrono::seconds timeout, const util::Interrupt* interrupt);

  /// Tell every watch of this process that the server was reached (its primary answered), so
  /// that work which later cannot connect to it waits for a new primary.
  static void reached(const std::string& server);

  /// Run `attempt` until it returns, or throws what must not be retried; each failover ridden
  /// out is appended to `failovers`. `who` prefixes the log lines ("acme_users: ").
  void run(const topology::Server& server, const std::string& who, std::vector<Failover>& failovers,
           const std::function<void()>& attempt);

private:
  std::chrono::seconds m_timeout;
  const util::Interrupt* m_interrupt;
};

} // namespace dbctl::ops
