#pragma once
// Printing `plan`, `init`, `destroy` and `wait`.
#include "dbctl/ops/migrate.hpp"
#include "dbctl/ops/servers.hpp"
#include "dbctl/ops/wait.hpp"

#include <string>
#include <vector>

namespace dbctl::report {

/// Return planned statements as text: `server: N changes <verb>` then one indented line each
/// (`server: nothing to do` for none).
std::string statements_text(const std::vector<ops::ServerStatements>& plans, const std::string& verb);

/// Return {"changes": N, "servers": [{"server", "engine", "statements": [{"database", "sql"}],
/// "duration_ms" once they ran}]} (the plan and init schemas).
std::string statements_json(const std::vector<ops::ServerStatements>& plans);

/// Return what ran per server as text: `server: N changes applied`, or `server: <none>`.
std::string applied_text(const std::vector<ops::ServerStatements>& plans, const std::string& none);

/// Return `plan`'s text: the statements, then a line per target with migrations to apply
/// and one per problem.
std::string plan_text(const std::vector<ops::ServerStatements>& plans, const std::vector<ops::Inspected>& migrations);

/// Return `plan -o json`: statements_json with "migrations": [{"target", "state", "pending",
/// "issues"}].
std::string plan_json(const std::vector<ops::ServerStatements>& plans, const std::vector<ops::Inspected>& migrations,
                      const std::vector<std::vector<ops::PendingSql>>* sql = nullptr);

/// One part of `plan --sql`: a server's init statements or a target's migrations, and the
/// file `--out` writes it to (`init@SERVER.sql`, `SERVICE[.TENANT]@SERVER.sql`).
struct SqlPart {
  std::string file;
  std::string text;
};

/// Return `plan --sql`: each server's statements in the order init runs them (each under the
/// database its connection is in), then each target's pending migrations with their SQL in
/// order, passwords as '<redacted>'; the same bytes for the same state. `sql` is
/// ops::pending_sql of each of `migrations`.
std::vector<SqlPart> plan_sql(const std::vector<ops::ServerStatements>& plans, const std::vector<ops::Inspected>& migrations,
                              const std::vector<std::vector<ops::PendingSql>>& sql);

/// Return the number of things `plan` found to do: statements, pending files and problems.
std::size_t plan_changes(const std::vector<ops::ServerStatements>& plans, const std::vector<ops::Inspected>& migrations);

/// Return `wait -o json`: [{"server", "engine", "attempts", "duration_ms"}].
std::string wait_json(const std::vector<ops::ServerReady>& ready);

} // namespace dbctl::report
