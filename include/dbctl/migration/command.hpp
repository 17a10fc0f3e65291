#pragma once
// Services whose migrations a program of their own applies (format: command, e.g. `alembic
// upgrade head`): running it per target under dbctl's lock with the target's DATABASE_URL, and
// telling where a target stands from the revision it reports.
#include "dbctl/engine/driver.hpp"
#include "dbctl/migration/planner.hpp"
#include "dbctl/migration/runner.hpp"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace dbctl::migration {

/// Return the variables a target's program gets: DATABASE_URL (the owner's URL, with the
/// service's url_scheme for the engine), DBCTL_SERVICE, DBCTL_TENANT (tenants only),
/// DBCTL_DATABASE, DBCTL_SCHEMA (PostgreSQL) and, with current: alembic, ALEMBIC_VERSION_TABLE.
std::vector<std::pair<std::string, std::string>> command_environment(const targets::Target& target);

/// Return the one "migration" a command service has: its run, as plan and status list it.
MigrationSet command_set(const targets::Target& target);

/// Return the revisions a run reaches (`alembic heads`, or heads: [argv], run in the service's
/// folder with no database URL), sorted; nullopt when the service has no way to say (current:
/// [argv] without heads:). Throws ConfigError when the program fails or prints nothing.
std::optional<std::vector<std::string>> read_heads(const targets::Target& target, const util::Interrupt* interrupt);

/// Run the target's program (MigrateOptions: dry_run, lock_timeout, interrupt, progress; a
/// time limit from `timeout`) under the target's lock, after which the target records a
/// `command` history row: the revision it reports afterwards, the command line, success. A run
/// is skipped when the target is at `heads` and its last run succeeded. Each line the program
/// writes is logged with the target's name, its passwords masked. Throws DbError (its last
/// lines included) when it exits non-zero, ConfigError when current: prints nothing.
MigrateResult run_command(engine::TargetSession& session, const targets::Target& target,
                          const std::optional<std::vector<std::string>>& heads, const MigrationSet& set,
                          const MigrateOptions& options, std::optional<std::chrono::seconds> timeout);

/// Return where a command target stands (status, plan): missing; failed when its last run
/// failed; up-to-date at `heads` (or, heads unknown, after a successful run); else pending,
/// with `set`'s one entry pending. current_version is the revision (several heads joined by
/// ", "); applied counts the successful runs recorded.
MigrationPlan inspect_command(engine::TargetSession& session, const targets::Target& target,
                              const std::optional<std::vector<std::string>>& heads, const MigrationSet& set,
                              const util::Interrupt* interrupt);

/// What `baseline --from alembic` wrote for one target: the revision(s) it found.
struct AlembicImport {
  std::vector<std::string> revisions;
};

/// Record, under the target's lock, that Alembic brought the target to the revisions in its
/// version table (alembic_version unless version_table: says otherwise) (one `baseline` row), after checking each is a revision the service's
/// scripts know (`alembic history`). Throws UsageError when the service has dbctl history
/// already or is not format: command with current: alembic, and DbError (nothing written) when
/// the table is missing or names a revision no script has.
AlembicImport import_alembic(engine::TargetSession& session, const targets::Target& target,
                             std::chrono::seconds lock_timeout, const util::Interrupt* interrupt);

} // namespace dbctl::migration
