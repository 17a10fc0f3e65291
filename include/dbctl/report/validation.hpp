#pragma once
// Printing the outcome of `dbctl validate`.
#include "dbctl/util/diagnostics.hpp"

#include <string>
#include <vector>

namespace dbctl::report {

/// What validation found, for printing.
struct ValidationSummary {
  std::string file;
  std::string mode;
  std::size_t services = 0;
  std::size_t servers = 0;
  std::size_t targets = 0;
  std::size_t redis_namespaces = 0; ///< selected Redis targets (services' redis:)
  std::size_t migrations = 0;
  std::vector<util::Diagnostic> errors;
  std::vector<util::Diagnostic> warnings;
  std::size_t lint_warnings = 0; ///< warning-level lint findings (`dbctl lint` lists them)
};

/// Return the JSON document: {"valid", "file", "mode", "services", "servers", "targets",
/// "redis_namespaces", "migrations", "lint_warnings", "errors": [{file, line, column, message}], "warnings": [...]}.
std::string validation_json(const ValidationSummary& summary);

/// Return the one-line text verdict for a valid topology.
std::string validation_text(const ValidationSummary& summary);

} // namespace dbctl::report
