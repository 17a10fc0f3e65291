#pragma once
// Offline checks of migration SQL for changes that lock, rewrite, break the running version of
// a service or fail outright: the rules, one file's findings, and what depends on earlier files.
#include "dbctl/topology/model.hpp"
#include "dbctl/util/diagnostics.hpp"

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dbctl::lint {

using Level = topology::LintLevel;

/// One rule: its id, where it applies, how severe it is unless the topology says otherwise,
/// what it catches and how to fix it.
struct Rule {
  std::string_view id;
  bool postgres = false;
  bool mysql = false;
  Level level = Level::warning;
  std::string_view summary; ///< what it catches, one line
  std::string_view fix;     ///< the one-line hint printed under each finding
};

/// Return every rule, in the order the documentation lists them.
const std::vector<Rule>& rules();

/// Return the rule of that id, or nullptr.
const Rule* find_rule(std::string_view id);

/// Return every rule id (for "did you mean").
std::vector<std::string> rule_ids();

/// What the SQL is linted for: its engine, the oldest server version it must run on, and the
/// topology's levels.
struct Settings {
  topology::Engine engine = topology::Engine::postgres;
  /// The oldest PostgreSQL major version the SQL runs on (a manifest's min_server_version);
  /// nullopt: a current one.
  std::optional<int> postgres_major;
  std::map<std::string, Level, std::less<>> levels; ///< rule id -> level, over the defaults

  /// Return the level a rule has under these settings (off where it does not apply).
  Level level_of(const Rule& rule) const;
};

/// One finding: where, which rule, how severe, what and how to fix it.
struct Finding {
  util::Location where;
  std::string rule;
  Level level = Level::warning;
  std::string message;
  std::string fix;
};

/// What a finding waits on before it stands: `set-not-null` stands unless a validated
/// `CHECK (col IS NOT NULL)` on that column was added earlier, in this file or an earlier one.
struct Pending {
  Finding finding;
  std::string table;
  std::string column;
  std::size_t event = 0; ///< its place among the file's events
};

/// A CHECK constraint added or validated, in file order, for `settle`.
struct ConstraintEvent {
  enum class Kind { added, validated } kind = Kind::added;
  std::string table;
  std::string constraint; ///< may be empty for an unnamed CHECK
  std::string column;     ///< for `added`: the column it proves NOT NULL, if it does
  bool valid = false;     ///< for `added`: without NOT VALID
};

/// One file's lint: findings that stand, findings waiting on earlier files, the directives
/// that silenced findings, and problems that make the SQL unreadable to lint.
struct FileLint {
  std::string path;
  std::vector<Finding> findings;
  std::vector<Pending> pending;
  std::vector<ConstraintEvent> events;
  std::size_t suppressed = 0;
  /// Unterminated quotes or comments, unbalanced parentheses, a malformed
  /// `dbctl:lint-ignore`: the file could not be linted as it is (exit 2).
  std::vector<util::Diagnostic> problems;
};

/// Lint one file's SQL (`no_transaction`: it starts with `-- dbctl:no-transaction`).
/// Findings of rules that are off are not made; findings silenced by a
/// `-- dbctl:lint-ignore RULE reason` line before them are counted in `suppressed`.
FileLint lint_file(const std::string& path, std::string_view sql, bool no_transaction, const Settings& settings);

/// Settle the findings that depend on earlier files, over one folder's files in the order
/// they are applied: each pending finding moves to its file's findings unless an earlier
/// event resolved it.
void settle(const std::vector<FileLint*>& in_order);

/// Return the finding as one line, `file:line:col: severity rule: message`.
std::string format(const Finding& finding);

} // namespace dbctl::lint
