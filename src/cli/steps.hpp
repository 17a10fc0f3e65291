#pragma once
// The steps `wait`, `init` and `migrate` run, shared with `up`, which runs them in turn.
#include "fanout.hpp"
#include "project.hpp"
#include "servers.hpp"

#include "dbctl/engine/driver.hpp"
#include "dbctl/migration/runner.hpp"

#include <chrono>
#include <memory>
#include <optional>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace dbctl::cli {

/// A server that answered.
struct ServerReady {
  const topology::Server* server = nullptr;
  int attempts = 0;
  long long duration_ms = 0;
};

/// Wait until every server holding a selected target accepts connections, retrying with
/// backoff; throws DbError with the last error once `timeout_seconds` have passed, and
/// InterruptedError once `interrupt` (may be null) was requested.
std::vector<ServerReady> wait_for_servers(const Project& project, const engine::Registry& registry,
                                          double timeout_seconds, const util::Interrupt* interrupt);

/// Return the servers as `wait -o json` prints them (docs/schemas/wait.schema.json).
nlohmann::ordered_json ready_json(const std::vector<ServerReady>& ready);

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

/// Read and plan every server holding a selected target, in parallel, taking each one's
/// provisioning lock first when `lock_timeout` is given. Every server is checked for what its
/// services need (version, extensions); throws ConfigError listing every problem before
/// anything is returned. In topology order.
std::vector<PlannedServer> plan_servers(const Project& project, const engine::Registry& registry,
                                        std::optional<std::chrono::seconds> lock_timeout);

/// Provision every server holding a selected target, one provisioning run per server at a
/// time (entries of the topology that reach one physical server run one after another, each
/// planned again after the one before); return the statements that ran per server. Throws DbError, and InterruptedError
/// between statements once `interrupt` (may be null) was requested.
std::vector<ServerStatements> init_servers(const Project& project, const engine::Registry& registry,
                                           std::chrono::seconds lock_timeout,
                                           const util::Interrupt* interrupt);

/// How `migrate` runs over many targets.
struct MigrateFlags {
  migration::MigrateOptions options;
  bool keep_going = false; ///< go on after a failing target (default: start no new ones)
};

/// What a migrate run over the selected targets ended with.
struct MigrateRun {
  std::vector<std::optional<Outcome>> outcomes; ///< by target index; nullopt: never started
  long long duration_ms = 0;
};

/// Migrate every selected target in parallel; in text output print one result line per
/// finished target (and "[k/N] target: applying V3__x.sql" log lines).
MigrateRun migrate_targets(const Context& context, const Project& project,
                           const engine::Registry& registry, const MigrateFlags& flags);

/// Print a migrate run's result: the summary lines (text) or the JSON array
/// (docs/schemas/migrate.schema.json); return failed when any target failed or never started
/// after a failure.
ExitCode report_migrate(const Context& context, const Project& project, const MigrateRun& run);

/// Return the migrations found for a target (none for `migrations: none`).
const migration::MigrationSet& files_of(const Project& project, const targets::Target& target);

} // namespace dbctl::cli
