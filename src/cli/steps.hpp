#pragma once
// The steps `wait`, `init` and `migrate` run, shared with `up`, which runs them in turn.
#include "project.hpp"
#include "servers.hpp"

#include "dbctl/engine/driver.hpp"
#include "dbctl/migration/runner.hpp"

#include <chrono>
#include <vector>

namespace dbctl::cli {

/// Wait until every server holding a selected target accepts connections, retrying with
/// backoff; throws DbError with the last error once `timeout_seconds` have passed, and
/// InterruptedError once `interrupt` (may be null) was requested.
void wait_for_servers(const Project& project, const engine::Registry& registry,
                      double timeout_seconds, const util::Interrupt* interrupt);

/// Provision every server holding a selected target, one provisioning run per server at a
/// time; return the statements that ran per server. Throws DbError, and InterruptedError
/// between statements once `interrupt` (may be null) was requested.
std::vector<ServerStatements> init_servers(const Project& project, const engine::Registry& registry,
                                           std::chrono::seconds lock_timeout,
                                           const util::Interrupt* interrupt);

/// How `migrate` runs over many targets.
struct MigrateFlags {
  migration::MigrateOptions options;
  bool keep_going = false; ///< go on after a failing target (default: start no new ones)
};

/// Migrate every selected target in order, print one result line per target and a summary
/// per outcome; return failed when any target failed.
ExitCode migrate_targets(const Context& context, const Project& project,
                         const engine::Registry& registry, const MigrateFlags& flags);

/// Return the migrations found for a target (none for `migrations: none`).
const migration::MigrationSet& files_of(const Project& project, const targets::Target& target);

} // namespace dbctl::cli
