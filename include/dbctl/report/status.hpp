#pragma once
// Printing `dbctl status`.
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
  std::string state;
  std::optional<std::string> current_version;
  std::size_t applied = 0;
  std::size_t pending = 0;
  std::vector<std::string> issues;
};

/// Return one JSON array; each element has exactly SPEC.md's fields.
std::string status_json(const std::vector<StatusRow>& rows);

/// Return an aligned table with one row per target and its issues indented below it; with
/// `color`, each STATE is coloured (green up-to-date, yellow pending/empty/missing, red
/// failed/drift/error, magenta ahead) and the header is bold, padding counted without the escapes.
std::string status_table(const std::vector<StatusRow>& rows, bool color = false);

/// Return the ANSI colour escape for a target state ("" for an unknown one).
std::string state_color(const std::string& state);

} // namespace dbctl::report
