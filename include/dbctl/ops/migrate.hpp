#pragma once
// Migrations over many targets: migrate, status, the migrations plan would apply, and the
// history edits (repair, baseline, Flyway import).
#include "dbctl/engine/driver.hpp"
#include "dbctl/migration/command.hpp"
#include "dbctl/migration/runner.hpp"
#include "dbctl/ops/fanout.hpp"
#include "dbctl/ops/project.hpp"
#include "dbctl/ops/rollout.hpp"
#include "dbctl/ops/schema.hpp"

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace dbctl::ops {

/// How a run over many targets goes: threads, interruption, and who hears of each target.
struct RunOptions {
  int jobs = 0; ///< 0: from the servers' max_connections
  const util::Interrupt* interrupt = nullptr;
  std::function<void(const targets::Target&, const Outcome&)> finished; ///< see FanoutOptions
  /// Told as each wave of a rollout in waves starts: its number (from 1) and how many there are.
  std::function<void(std::size_t, std::size_t)> wave_started;
};

/// How `migrate` runs over many targets.
struct MigrateFlags {
  migration::MigrateOptions options;
  bool keep_going = false; ///< go on after a failing target (default: start no new ones)
  /// Canary waves (plan_waves): each starts only while no more than max_failures targets
  /// failed; empty: one wave of every target.
  std::vector<WaveSize> waves;
  std::size_t max_failures = 0; ///< failed targets the run tolerates and still starts new ones
  std::chrono::seconds wave_pause{0}; ///< waited between waves
  std::string wave_check; ///< run between waves (run_wave_check); a non-zero exit stops the rollout
  /// Lint each file before it runs and refuse it on an error-level finding (PendingLint).
  bool lint = true;
  /// format: command: how long one target's program may run (0: no limit).
  std::chrono::seconds command_timeout{0};
  /// On a server with several hosts: how long a target that lost its server waits for a
  /// primary to go on with (FailoverWatch); 0: it fails as on a server with one host.
  std::chrono::seconds failover_timeout{60};
};

/// What a migrate run over the selected targets ended with.
struct MigrateRun {
  std::vector<std::optional<Outcome>> outcomes; ///< by target index; nullopt: never started
  long long duration_ms = 0;
};

/// Migrate every selected target in parallel (log lines "[k/N] target: applying V3__x.sql"),
/// wave after wave when flags.waves says so (a "wave k/N" log line each); targets of waves that
/// never started are nullopt.
/// Throws ConfigError when a migration file could not be read, whatever the targets did.
MigrateRun migrate_targets(const Project& project, const engine::Registry& registry,
                           const MigrateFlags& flags, const RunOptions& run);

/// Where the selected targets stand: a plan per target that could be read, and every
/// target's outcome (inspected, failed with its reason, or nullopt when never started).
struct StatusRun {
  std::vector<std::optional<migration::MigrationPlan>> plans; ///< by target index
  std::vector<std::optional<Outcome>> outcomes;
  /// With SchemaCheck::compare, by target index: how each existing SQL target's schema compares
  /// with its record and with the other targets of its service at its version.
  std::vector<std::optional<SchemaCheck>> schemas;
};

/// Whether status reads each target's schema too (`status --schema`).
enum class Schemas { skip, compare };

/// Inspect every selected target in parallel, going on past failures; with Schemas::compare,
/// read and compare each one's schema as well.
StatusRun status_targets(const Project& project, const engine::Registry& registry, const RunOptions& run,
                         Schemas schemas = Schemas::skip);

/// The selected targets' schemas as `dump` prints them: by target index, the DDL of each that
/// could be read (nullopt where its outcome says why not).
struct DumpRun {
  std::vector<std::optional<std::string>> ddl;
  std::vector<std::optional<std::string>> sha256; ///< the fingerprint of each dumped schema
  std::vector<std::optional<Outcome>> outcomes;
};

/// Read every selected target's schema in parallel and render it as DDL (engine::render_ddl),
/// going on past failures; a target whose database or schema does not exist fails.
DumpRun dump_targets(const Project& project, const engine::Registry& registry, const RunOptions& run);

/// One target's migration plan, as `plan` shows it.
struct Inspected {
  const targets::Target* target = nullptr;
  migration::MigrationPlan plan;
};

/// One pending migration as migrate would run it (plan --sql): its SQL (the up part, other
/// lines blanked), or for a format: command service the command line it would run.
struct PendingSql {
  std::string script;
  std::string sql;
  bool no_transaction = false;
  bool command = false; ///< `sql` is a program's command line, not SQL
};

/// Return the pending migrations of an inspected target with their SQL, in order. Throws
/// ConfigError when a file cannot be read.
std::vector<PendingSql> pending_sql(const Inspected& inspected);

/// Inspect, one after another, the selected targets that have migrations.
std::vector<Inspected> inspect_targets(const Project& project, const engine::Registry& registry);

/// Repair each selected target in turn; `each` hears of each one as it is done.
void repair_targets(const Project& project, const engine::Registry& registry, std::chrono::seconds lock_timeout,
                    const std::function<void(const targets::Target&, const migration::RepairResult&)>& each);

/// Baseline each selected target at `version`, in turn.
void baseline_targets(const Project& project, const engine::Registry& registry,
                      const migration::Version& version, std::chrono::seconds lock_timeout,
                      const std::function<void(const targets::Target&)>& each);

/// Take over each selected target's golang-migrate, dbmate or goose history from `table`, in turn.
void import_tool_targets(const Project& project, const engine::Registry& registry, migration::Tool tool,
                         const std::string& table, std::chrono::seconds lock_timeout,
                         const std::function<void(const targets::Target&, const migration::FlywayImportResult&)>& each);

/// Take over each selected target's Alembic revision (format: command, current: alembic), in turn.
void import_alembic_targets(const Project& project, const engine::Registry& registry, std::chrono::seconds lock_timeout,
                            const util::Interrupt* interrupt,
                            const std::function<void(const targets::Target&, const migration::AlembicImport&)>& each);

/// Take over each selected target's Flyway history from `table`, in turn.
void import_flyway_targets(const Project& project, const engine::Registry& registry, const std::string& table,
                           std::chrono::seconds lock_timeout,
                           const std::function<void(const targets::Target&, const migration::FlywayImportResult&)>& each);

} // namespace dbctl::ops
