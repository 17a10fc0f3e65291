#pragma once
// Grouping a project's targets by the server they live on.
#include "project.hpp"

#include "dbctl/engine/driver.hpp"
#include "dbctl/engine/specs.hpp"

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace dbctl::cli {

/// The targets one server holds: the selected ones and all of them.
struct ServerGroup {
  const topology::Server* server = nullptr;
  std::vector<targets::Target> selected;
  std::vector<targets::Target> all;
};

/// Return one group per server that holds a selected target, in topology order.
std::vector<ServerGroup> group_by_server(const Project& project);

/// The statements planned for one server.
struct ServerStatements {
  const topology::Server* server = nullptr;
  std::vector<engine::Statement> statements;
  std::optional<long long> duration_ms; ///< how long executing them took, once they ran
};

/// Print planned statements: text (`server: N changes` then one indented line each) or JSON
/// (`{"changes": N, "servers": [{"server", "engine", "statements": [{"database", "sql"}]}]}`,
/// docs/schemas/plan.schema.json and init.schema.json; a server also has `duration_ms` once
/// its statements ran).
/// `verb` names what the count means ("to apply", "applied").
void print_statements(const std::vector<ServerStatements>& plans, OutputFormat format,
                      const std::string& verb);

/// Log and run one server's statements in order and set plan.duration_ms. A permission error
/// says what the admin lacks; throws DbError.
void execute_logged(engine::AdminSession& session, ServerStatements& plan,
                    const util::Interrupt* interrupt);

/// Print what ran: the JSON of print_statements, or per server `N changes applied` (text),
/// `none` naming the case where nothing ran.
void print_applied(const std::vector<ServerStatements>& plans, OutputFormat format,
                   const std::string& none);

/// Return the statements as JSON: {"changes": N, "servers": [...]} (see print_statements).
nlohmann::ordered_json statements_json(const std::vector<ServerStatements>& plans);

/// Print a JSON document to stdout as every `-o json` does: indented, invalid UTF-8 replaced.
void print_json(const nlohmann::ordered_json& doc);

/// Return the total number of statements.
std::size_t count(const std::vector<ServerStatements>& plans);

} // namespace dbctl::cli
