#pragma once
// Printing `dbctl status`.
#include "dbctl/migration/planner.hpp"
#include "dbctl/ops/migrate.hpp"
#include "dbctl/ops/provision.hpp"

#include <optional>
#include <string>
#include <vector>

namespace dbctl::report {

/// One target's line of status (SPEC.md §3).
struct StatusRow {
  std::string service;
  std::optional<std::string> tenant;
  std::string server;
  std::string engine;
  std::string database;
  std::optional<std::string> schema; ///< null on MySQL
  /// nullopt: the target could not be inspected (shown as `error`, the reason in `issues`).
  std::optional<migration::State> state;
  std::optional<std::string> current_version;
  std::size_t applied = 0;
  std::size_t pending = 0;
  std::vector<std::string> issues;
  /// A Redis namespace's row: `ready`, `missing` or `drift` (then `state` is unused); nullopt
  /// for a SQL target.
  std::optional<std::string> store_state;
};

/// Return one row per selected target, in selection order: its plan's state, or `error` with
/// the reason (the failure, or that the run was interrupted before it) as its issue.
std::vector<StatusRow> status_rows(const std::vector<targets::Target>& selected, const ops::StatusRun& run);

/// Return one row per selected Redis namespace (ops::inspect_stores), in the same order: `ready`,
/// `missing`, `drift` with how its user differs, or `error` with why it could not be read.
std::vector<StatusRow> store_rows(const std::vector<targets::Target>& stores,
                                  const std::vector<ops::StoreStatus>& inspected);

/// Tell whether every row is up to date (a Redis namespace: ready).
bool all_up_to_date(const std::vector<StatusRow>& rows);

/// Return a state's name as status prints it: migration::to_string, or `error` for nullopt.
std::string state_name(const std::optional<migration::State>& state);
/// Return a row's state as status prints it (a Redis namespace's own, else state_name).
std::string state_name(const StatusRow& row);

/// Return one JSON array; each element has exactly SPEC.md's fields.
std::string status_json(const std::vector<StatusRow>& rows);

/// Return an aligned table with one row per target and its issues indented below it; with
/// `color`, each STATE is coloured (green up-to-date, yellow pending/empty/missing, red
/// failed/drift/error, magenta ahead) and the header is bold, padding counted without the escapes.
std::string status_table(const std::vector<StatusRow>& rows, bool color = false);

/// Return the ANSI colour escape for a target state.
std::string state_color(const std::optional<migration::State>& state);
/// Return the ANSI colour escape for a row's state.
std::string state_color(const StatusRow& row);

} // namespace dbctl::report
