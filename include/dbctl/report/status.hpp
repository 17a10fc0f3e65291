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

/// Return an aligned table with one row per target and its issues indented below it.
std::string status_table(const std::vector<StatusRow>& rows);

} // namespace dbctl::report
