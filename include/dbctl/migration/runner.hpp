#pragma once
// Running migrations on a target, written once for every engine.
#include "dbctl/engine/driver.hpp"
#include "dbctl/migration/planner.hpp"
#include "dbctl/migration/tools.hpp"

#include <chrono>
#include <functional>
#include <optional>
#include <string>

namespace dbctl::migration {

/// Options of `migrate`.
struct MigrateOptions {
  PlanOptions plan;
  bool dry_run = false;
  std::chrono::seconds lock_timeout{60};
  /// Checked before each file and between the statements of a script run statement by
  /// statement; may be null.
  const util::Interrupt* interrupt = nullptr;
  /// Put before the target in the "applying"/"applied" log lines, e.g. "[12/40] ".
  std::string progress;
  /// Asked, once the plan is known and before anything runs, for each file about to run: why
  /// it must not (lint's error-level findings); any reason stops the target. May be empty.
  std::function<std::vector<std::string>(const MigrationFile&)> refuse;
  /// Told of each file once it is applied (its history row committed); may be empty. A run
  /// that fails later has still applied these.
  std::function<void(const MigrationFile&)> applied;
};

/// What one target's run did.
struct MigrateResult {
  std::size_t applied = 0;                     ///< files applied in this run
  std::vector<std::string> would_apply;        ///< with dry_run: the scripts, in order
  std::optional<std::string> version;          ///< the version the target is at afterwards
  std::size_t notices = 0;                     ///< distinct server notices/warnings logged
  std::string ran;                             ///< format: command: the command line it ran
  long long lock_wait_ms = 0;                  ///< time spent waiting for the target's lock
};

/// A target's migration files, asked for once its history has been read: they may still be
/// being read in the background until then, so the history query overlaps the file reads.
using FilesSource = std::function<const MigrationSet&()>;

/// Migrate one target: take its lock, read its history (after the lock, so concurrent runs
/// apply each file once), refuse when the plan has problems, then apply the pending files in
/// order, each with its history row. Nothing but reads runs before `files` returned. Throws DbError prefixed `service[tenant]@server: ` and,
/// for a failing file, `V3__x.sql:12: ` (the line the server pointed at). Throws
/// InterruptedError when interrupted between steps: the files before are applied, a script
/// run statement by statement is recorded as failed where it stopped (migrate resumes there).
MigrateResult migrate(engine::TargetSession& session, const targets::Target& target,
                      const FilesSource& files, const MigrateOptions& options);

/// Record the target's schema as the one its service's `version` left (status --schema). The
/// migrations stand whatever happens here, so a failure is logged as a warning, not thrown:
/// the record is only missing until the next run that records one.
void record_schema(engine::TargetSession& session, const targets::Target& target,
                   const std::optional<std::string>& version);

/// Return the plan of one target as `status` shows it (no lock; read-only).
MigrationPlan inspect(engine::TargetSession& session, const targets::Target& target,
                      const FilesSource& files);

/// What `repair` changed.
struct RepairResult {
  std::size_t failed_removed = 0;
  std::vector<std::string> realigned; ///< scripts whose checksum was set to the file's
};

/// Remove the target's failed rows and set the checksums of applied files to the files' own.
RepairResult repair(engine::TargetSession& session, const targets::Target& target,
                    const MigrationSet& files, std::chrono::seconds lock_timeout);

/// Mark a target as migrated up to `version` without running anything. Throws UsageError
/// when the target already has history for its service.
void baseline(engine::TargetSession& session, const targets::Target& target,
              const Version& version, std::chrono::seconds lock_timeout);

/// What `baseline --from flyway` wrote for one target.
struct FlywayImportResult {
  std::size_t imported = 0;             ///< dbctl_history rows written
  std::optional<std::string> version;   ///< the newest version imported
  std::vector<std::string> rerun;       ///< repeatables changed since Flyway ran them: migrate runs them
};

/// Write the target's dbctl_history from Flyway's history table `table` (plan_flyway_import),
/// all rows in one transaction, under the target's lock. Throws UsageError when the service
/// has dbctl history already, and DbError naming every problem (no such table, a changed or
/// missing file, a failed or Java migration) with nothing written.
FlywayImportResult import_flyway(engine::TargetSession& session, const targets::Target& target,
                                 const MigrationSet& files, const std::string& table,
                                 std::chrono::seconds lock_timeout);

/// Write the target's dbctl_history from golang-migrate's, dbmate's or goose's table `table`
/// (plan_tool_import), all rows in one transaction, under the target's lock. Throws UsageError
/// when the service has dbctl history already, and DbError naming every problem (no such
/// table, golang-migrate's dirty flag, an applied version without a file) with nothing written.
FlywayImportResult import_tool(engine::TargetSession& session, const targets::Target& target, const MigrationSet& files,
                               Tool tool, const std::string& table, std::chrono::seconds lock_timeout);

} // namespace dbctl::migration
