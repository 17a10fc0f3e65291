#pragma once
// The rules applied to one statement, with what the file's earlier statements did.
#include "tokens.hpp"

#include "dbctl/lint/lint.hpp"

#include <set>
#include <string>
#include <vector>

namespace dbctl::lint {

/// What the statements of a file read so far created or set.
struct FileState {
  std::set<std::string> created;     ///< tables created in this file (new, hence empty)
  bool lock_timeout = false;         ///< PostgreSQL: a lock_timeout was set
  bool lock_reported = false;        ///< missing-lock-timeout was reported for the file
  bool foreign_key_checks = true;    ///< MySQL: foreign_key_checks is on
  int first_ddl_line = 0;            ///< MySQL: where the file's first DDL and data change are
  int first_dml_line = 0;
  bool mixed_reported = false;
};

/// Where findings of a statement go.
class StatementSink {
public:
  virtual ~StatementSink() = default;
  /// Report a finding of `rule` at a token.
  virtual void report(std::string_view rule, const Token& at, std::string message) = 0;
  /// Report a finding that stands unless a validated CHECK proves `table.column` NOT NULL.
  virtual void report_unless_proven(std::string_view rule, const Token& at, std::string message,
                                    std::string table, std::string column) = 0;
  /// Record a CHECK constraint added or validated.
  virtual void event(ConstraintEvent event) = 0;
  /// Return the line a token is on.
  virtual int line_of(const Token& token) const = 0;
};

/// Apply every rule to one statement's code tokens (no comments), updating the file's state.
void analyze(const std::vector<Token>& code, const Settings& settings, bool no_transaction, FileState& state,
             StatementSink& sink);

} // namespace dbctl::lint
