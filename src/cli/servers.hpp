#pragma once
// Grouping a project's targets by the server they live on.
#include "project.hpp"

#include "dbctl/engine/driver.hpp"
#include "dbctl/engine/specs.hpp"

#include <string>
#include <vector>

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
};

/// Print planned statements: text (`server: N changes` then one indented line each) or JSON
/// (`{"changes": N, "servers": [{"server", "engine", "statements": [{"database", "sql"}]}]}`).
/// `verb` names what the count means ("to apply", "applied").
void print_statements(const std::vector<ServerStatements>& plans, OutputFormat format,
                      const std::string& verb);

/// Log and run one server's statements in order. A permission error says what the admin
/// lacks; throws DbError.
void execute_logged(engine::AdminSession& session, const ServerStatements& plan,
                    const util::Interrupt* interrupt);

/// Print what ran: the JSON of print_statements, or per server `N changes applied` (text),
/// `none` naming the case where nothing ran.
void print_applied(const std::vector<ServerStatements>& plans, OutputFormat format,
                   const std::string& none);

/// Return the statements as JSON: {"changes": N, "servers": [...]} (see print_statements).
std::string statements_json(const std::vector<ServerStatements>& plans, const std::string& extra_key = {},
                            const std::string& extra_json = {});

/// Return the total number of statements.
std::size_t count(const std::vector<ServerStatements>& plans);

} // namespace dbctl::cli
