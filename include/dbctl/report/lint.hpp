#pragma once
// Printing what `dbctl lint` found.
#include "dbctl/ops/lint.hpp"

#include <set>
#include <string>

namespace dbctl::report {

/// The files to show (paths as `std::filesystem::weakly_canonical` gives them); empty: all.
using LintFilter = std::set<std::string>;

/// What the filter lets through.
struct LintTotals {
  std::size_t files = 0;
  std::size_t errors = 0;   ///< error-level findings
  std::size_t warnings = 0; ///< warning-level findings
  std::size_t suppressed = 0;
  std::size_t problems = 0; ///< what kept files from being linted
};

/// Count the shown files' findings and problems.
LintTotals lint_totals(const ops::LintReport& report, const LintFilter& only);

/// Return each finding as `file:line:col: severity rule: message` with its `  fix: ...` line,
/// each problem as `file:line:col: error: message`, in the order the files apply, then one
/// summary line (`lint: 12 files, 1 error, 2 warnings, 1 suppressed`).
std::string lint_text(const ops::LintReport& report, const LintFilter& only);

/// Return the JSON document: {"files", "errors", "warnings", "suppressed", "findings":
/// [{file, line, column, severity, rule, message, fix, service, engine}], "problems":
/// [{file, line, column, message}]}.
std::string lint_json(const ops::LintReport& report, const LintFilter& only);

} // namespace dbctl::report
