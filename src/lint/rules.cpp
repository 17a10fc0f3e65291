#include "dbctl/lint/lint.hpp"

#include "dbctl/util/text.hpp"

namespace dbctl::lint {

namespace {

constexpr bool k_pg = true;
constexpr bool k_my = true;

// The table docs/commands/lint.md follows; a unit test checks that every rule has a section
// there and a positive and a negative case in tests/lint for each engine it applies to.
const std::vector<Rule> k_rules = {
    {"index-not-concurrent", k_pg, !k_my, Level::warning,
     "CREATE INDEX (or ADD UNIQUE/PRIMARY KEY) on an existing table blocks its writes while the index is built",
     "use CREATE INDEX CONCURRENTLY in a file marked -- dbctl:no-transaction (then ADD CONSTRAINT ... USING INDEX)"},
    {"concurrent-in-transaction", k_pg, !k_my, Level::error,
     "CONCURRENTLY cannot run inside a transaction, and this file runs in one: it will fail",
     "put -- dbctl:no-transaction on the file's first line (and keep the file to that statement)"},
    {"add-column-not-null", k_pg, k_my, Level::warning,
     "ADD COLUMN ... NOT NULL without a DEFAULT on an existing table",
     "add the column nullable (or with a DEFAULT), backfill it, then set NOT NULL"},
    {"volatile-default", k_pg, !k_my, Level::warning,
     "ADD COLUMN with a volatile DEFAULT (or any DEFAULT before PostgreSQL 11) rewrites the whole table under an "
     "exclusive lock",
     "add the column without the default, set the default, then backfill in batches"},
    {"alter-column-type", k_pg, k_my, Level::warning,
     "changing a column's type rewrites the table (and its indexes) under an exclusive lock",
     "add a new column, backfill it, switch the service over, then drop the old one"},
    {"set-not-null", k_pg, !k_my, Level::warning,
     "SET NOT NULL scans the whole table under an exclusive lock unless a validated CHECK (col IS NOT NULL) proves it",
     "ADD CONSTRAINT c CHECK (col IS NOT NULL) NOT VALID, VALIDATE CONSTRAINT c, then SET NOT NULL"},
    {"validating-constraint", k_pg, k_my, Level::warning,
     "adding a FOREIGN KEY or CHECK to an existing table checks every row while it holds a lock (MySQL: copies the "
     "table for a foreign key)",
     "PostgreSQL: ADD CONSTRAINT ... NOT VALID, then VALIDATE CONSTRAINT in a later statement; MySQL: SET "
     "foreign_key_checks = 0 first"},
    {"drop-table", k_pg, k_my, Level::warning,
     "DROP TABLE breaks every running version of the service that still reads the table",
     "stop using the table in a release first (expand/contract), then drop it in a later migration"},
    {"drop-column", k_pg, k_my, Level::warning,
     "DROP COLUMN breaks every running version of the service that still reads the column",
     "stop using the column in a release first (expand/contract), then drop it in a later migration"},
    {"truncate", k_pg, k_my, Level::warning, "TRUNCATE deletes every row of an existing table",
     "make sure the data is disposable, or delete what must go with a WHERE"},
    {"rename-table", k_pg, k_my, Level::warning,
     "renaming a table breaks every running version of the service that uses the old name",
     "create the new table (or a view under the old name), move the service over, then drop the old name"},
    {"rename-column", k_pg, k_my, Level::warning,
     "renaming a column breaks every running version of the service that uses the old name",
     "add the new column, write both, backfill, move the service over, then drop the old column"},
    {"update-without-where", k_pg, k_my, Level::warning,
     "UPDATE without WHERE changes every row of an existing table in one long transaction",
     "add a WHERE (or update in batches, or silence it with a reason if every row is meant)"},
    {"delete-without-where", k_pg, k_my, Level::warning, "DELETE without WHERE removes every row of an existing table",
     "add a WHERE (or silence it with a reason if every row is meant)"},
    {"missing-lock-timeout", k_pg, !k_my, Level::warning,
     "a statement that locks an existing table runs with no lock_timeout: waiting behind a long query, it blocks "
     "every query queued after it",
     "start the file with SET LOCAL lock_timeout = '5s' (SET in a -- dbctl:no-transaction file); retry if it times out"},
    {"ddl-with-dml", !k_pg, k_my, Level::warning,
     "DDL and data changes in one MySQL file: DDL commits at once, so a later failure leaves the file half applied",
     "move the data change (INSERT/UPDATE/DELETE) into a migration of its own"},
    {"algorithm-copy", !k_pg, k_my, Level::warning,
     "ALGORITHM=COPY or LOCK=EXCLUSIVE copies the table or blocks its writes for the whole ALTER",
     "let MySQL choose (ALGORITHM=INPLACE or INSTANT, LOCK=NONE where it can), or run it in a quiet window"},
};

} // namespace

const std::vector<Rule>& rules() { return k_rules; }

const Rule* find_rule(std::string_view id) {
  for (const Rule& rule : k_rules) {
    if (rule.id == id) {
      return &rule;
    }
  }
  return nullptr;
}

std::vector<std::string> rule_ids() {
  std::vector<std::string> ids;
  for (const Rule& rule : k_rules) {
    ids.emplace_back(rule.id);
  }
  return ids;
}

Level Settings::level_of(const Rule& rule) const {
  if (!(engine == topology::Engine::postgres ? rule.postgres : rule.mysql)) {
    return Level::off;
  }
  auto found = levels.find(rule.id);
  return found == levels.end() ? rule.level : found->second;
}

std::string format(const Finding& finding) {
  return util::to_string(finding.where) + ": " + std::string(topology::to_string(finding.level)) + " " + finding.rule +
         ": " + finding.message;
}

} // namespace dbctl::lint
