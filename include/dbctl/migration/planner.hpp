#pragma once
// Engine-neutral migration policy: given a target's files and its history, what runs next,
// what stops the run, and the state `status` reports.
#include "dbctl/migration/discovery.hpp"
#include "dbctl/engine/history.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace dbctl::migration {

using engine::HistoryRow;
using engine::RowType;

/// The states of SPEC.md §3.
/// schema_drift is status --schema's: the live schema differs from the one recorded, or from
/// the rest of its fleet (ops::SchemaCheck); planning never gives it.
enum class State { missing, empty, pending, up_to_date, failed, drift, ahead, schema_drift };

/// Return the state's name as status prints it (`up-to-date`, ...).
std::string to_string(State state);

/// Options of one run.
struct PlanOptions {
  std::optional<Version> target; ///< apply versioned migrations up to this one only
  bool out_of_order = false;     ///< allow pending versions below the newest applied
  /// Where scripts run statement by statement (MySQL), a failed row that recorded its
  /// progress is resumed rather than a problem; the runner checks the earlier statements.
  bool resume_failed = false;
  /// The engine resumes a failed script at its failed statement (MySQL), though this plan
  /// does not (status): a failed row's advice says to fix the file and run migrate.
  bool resumable = false;
};

/// What a target needs.
struct MigrationPlan {
  State state = State::up_to_date;
  std::optional<std::string> current_version; ///< newest applied (or baseline) version
  std::size_t applied = 0;                     ///< successful versioned and baseline rows
  std::vector<const MigrationFile*> pending;   ///< versioned, in order, then repeatables
  /// With resume_failed: the failed row of each pending script that is to be resumed.
  std::map<std::string, HistoryRow> resume;
  /// Problems that stop `migrate` before it runs anything (drift, failed, out-of-order).
  std::vector<std::string> problems;
  /// Everything worth telling (`status` issues): the problems and notes such as `ahead`.
  std::vector<std::string> issues;
};

/// Compute the plan of one service's target from its files and history (rows of other
/// services are ignored). `exists` false means the database or schema is missing. The plan's
/// `pending` points into `files`, which must outlive it (a temporary set does not compile).
MigrationPlan plan_migrations(const MigrationSet& files, const std::vector<HistoryRow>& history,
                              const std::string& service, bool exists, const PlanOptions& options);
MigrationPlan plan_migrations(MigrationSet&& files, const std::vector<HistoryRow>& history,
                              const std::string& service, bool exists, const PlanOptions& options) = delete;

} // namespace dbctl::migration
