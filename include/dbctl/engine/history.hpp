#pragma once
// Rows of a target's dbctl_history table, as every engine stores them.
#include <optional>
#include <string>
#include <vector>

namespace dbctl::engine {

/// What a history row records: a file applied, a baseline, or a run of a service's program
/// (format: command; its version is the revision the run left, its script the command line).
enum class RowType { versioned, repeatable, baseline, command };

/// Return `versioned`, `repeatable`, `baseline` or `command`; parse the same (nullopt for others).
std::string to_string(RowType type);
std::optional<RowType> parse_row_type(const std::string& text);

/// One row of dbctl_history.
struct HistoryRow {
  long long rank = 0;              ///< installed_rank: order of application
  std::string service;
  std::string version;             ///< canonical version text; empty for repeatables
  std::string description;
  RowType type = RowType::versioned;
  std::string script;
  std::string checksum;
  std::string installed_by;
  std::string installed_at;        ///< as the server printed it
  long long execution_ms = 0;
  bool success = true;
  /// Statements of the script that had succeeded when it failed (engines that split scripts).
  std::optional<int> statements_done;
  /// Hashes of those statements, comma-separated (so a resume can check they are unchanged).
  std::string statement_hashes;
};

/// Return a statement's hash as statement_hashes lists it: the first 16 hex digits of its
/// text's SHA-256.
std::string statement_hash(const std::string& statement);

/// Add a statement's hash to a comma-separated list of them (a row's statement_hashes).
void append_hash(std::string& hashes, const std::string& statement);

/// One row of Flyway's flyway_schema_history, as Flyway wrote it.
struct FlywayRow {
  long long rank = 0;         ///< installed_rank
  std::string version;        ///< empty for repeatables (NULL)
  std::string description;
  std::string type;           ///< SQL, BASELINE, SQL_BASELINE, SCHEMA, DELETE, JDBC, UNDO_SQL, ...
  std::string script;
  std::optional<int> checksum; ///< Flyway's CRC32, as a signed int; NULL for some types
  std::string installed_by;
  std::string installed_at;   ///< installed_on, as the server printed it
  long long execution_ms = 0; ///< execution_time
  bool success = true;
};

} // namespace dbctl::engine
