#pragma once
// Provisioning servers: plan (read-only), init (converge) and destroy (tear down).
#include "dbctl/engine/driver.hpp"
#include "dbctl/ops/servers.hpp"
#include "dbctl/util/interrupt.hpp"

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace dbctl::ops {

/// One server's provisioning plan, read from its catalogs through `session`, and its
/// provisioning lock when one was taken (held until this is destroyed; of several entries
/// reaching one physical server, the first holds it).
struct PlannedServer {
  std::unique_ptr<engine::AdminSession> session;
  /// The session `lock` lives on, once `session` was opened anew to plan again (declared
  /// before `lock`, so the lock is released first).
  std::unique_ptr<engine::AdminSession> locking;
  std::unique_ptr<engine::Lock> lock;
  ServerStatements plan;
  ServerGroup group;    ///< the targets it was planned for
  std::string identity; ///< the physical server (engine::AdminSession::identity)
};

/// What planning does with what a server holds of the project's that the topology no longer
/// asks for (ServerStatements::unwanted): list it (plan), also warn of it (init), or plan the
/// statements that prune it (init --prune, as the topology's `prune:` says).
enum class Prune { list, warn, apply };

/// Read and plan every server holding a selected target, in parallel, taking each one's
/// provisioning lock first when `lock_timeout` is given. Every server is checked for what its
/// services need (version, extensions); throws ConfigError listing every problem before
/// anything is returned. In topology order.
std::vector<PlannedServer> plan_servers(const Project& project, const engine::Registry& registry,
                                        std::optional<std::chrono::seconds> lock_timeout, Prune prune = Prune::list);

/// Provision every server holding a selected target: every server is checked and planned
/// before any executes; then one provisioning run per physical server at a time (entries of
/// the topology that reach one physical server run one after another, each planned again
/// after the one before). On a server with several hosts, a run that loses its server goes on
/// on the new primary within `failover_timeout` (FailoverWatch: locked and planned again there,
/// what is left runs). On each server up to `jobs` databases are provisioned side by side
/// (execute_logged's lanes; 0 or more than 16: 16), never more than its max_connections allows
/// at two connections a lane besides the run's own two; each session beside the first holds a
/// lock of its own, which the next run's provisioning waits for. Returns the statements that ran per server.
/// Throws DbError (once every server's run has ended), and InterruptedError between statements
/// once `interrupt` (may be null) was requested.
std::vector<ServerStatements> init_servers(const Project& project, const engine::Registry& registry,
                                           std::chrono::seconds lock_timeout, const util::Interrupt* interrupt,
                                           std::chrono::seconds failover_timeout = std::chrono::seconds(60),
                                           Prune prune = Prune::warn, int jobs = 0);

/// Drop the databases, schemas and roles of the selected targets, server by server under each
/// one's provisioning lock; entries that reach one physical server are torn down as one. On
/// Redis servers the ACL users go, and with `flush` the namespaces' keys.
/// Returns the statements that ran per (merged) server.
std::vector<ServerStatements> destroy_servers(const Project& project, const engine::Registry& registry,
                                              std::chrono::seconds lock_timeout,
                                              const util::Interrupt* interrupt, bool flush = false);

/// Where one selected Redis namespace (Project::selected_stores) stands: its ACL user against
/// the topology, or why it could not be read.
struct StoreStatus {
  std::optional<engine::AclState> state; ///< nullopt: not inspected (`error` says why)
  std::vector<std::string> issues;       ///< how a drifted user differs
  std::string error;
};

/// Inspect every selected Redis namespace, one admin session per Redis server (servers in
/// parallel); in Project::selected_stores order. A server that cannot be reached fails its
/// namespaces only.
std::vector<StoreStatus> inspect_stores(const Project& project, const engine::Registry& registry);

} // namespace dbctl::ops
