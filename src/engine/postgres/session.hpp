#pragma once
// The PostgreSQL admin session: catalogs read lazily, one connection per database.
#include "catalog.hpp"
#include "connection.hpp"
#include "planner.hpp"

#include "dbctl/engine/driver.hpp"

#include <map>
#include <memory>
#include <utility>
#include <vector>

namespace dbctl::engine::postgres {

/// Quotes through a live connection (libpq's PQescapeIdentifier / PQescapeLiteral).
class ConnectionQuoter final : public Quoter {
public:
  explicit ConnectionQuoter(pqxx::connection& connection) : m_connection(connection) {}
  std::string ident(const std::string& name) const override;
  std::string literal(const std::string& text) const override;

private:
  pqxx::connection& m_connection;
};

/// AdminSession for PostgreSQL.
class Session final : public AdminSession {
public:
  /// Connect as the server's admin to its admin database; throws DbError.
  Session(const topology::Server& server, const SessionOptions& options);

  const AdminInfo& info() const override;
  std::string identity() override;
  std::vector<Statement> converge(const RoleSpec& spec) override;
  std::vector<Statement> converge(const std::vector<RoleSpec>& specs) override;
  std::vector<Statement> converge(const MembershipSpec& spec) override;
  std::vector<Statement> converge(const DatabaseSpec& spec) override;
  std::vector<Statement> converge(const SchemaSpec& spec) override;
  std::vector<Statement> converge(const GrantSpec& spec) override;
  std::vector<Statement> converge(const ExtensionSpec& spec) override;
  std::vector<Statement> drop_database(const std::string& name) override;
  std::vector<Statement> drop_schema(const std::string& database,
                                     const std::string& schema) override;
  std::vector<Statement> drop_role(const std::string& name,
                                   const std::vector<std::string>& databases) override;
  Managed managed(const std::string& project, const std::vector<std::string>& databases) override;
  std::vector<Statement> mark(const std::string& project, const Managed& objects) override;
  std::vector<Statement> unmark(const std::string& database, const std::optional<std::string>& schema) override;
  std::vector<Statement> revoke_access(const std::string& role, const std::string& database) override;
  std::vector<Statement> revoke_membership(const std::string& role, const std::string& member) override;
  std::vector<Statement> hand_over_role(const std::string& name, const std::vector<std::string>& databases) override;
  void execute(const Statement& statement) override;
  void close_databases() override { m_connections.clear(); }
  std::unique_ptr<Lock> lock(const std::string& key, std::chrono::seconds timeout) override;
  std::map<std::string, AvailableExtension> available_extensions() override;

private:
  // Catalogs are read on first use, so a caller that locks first plans from fresh state.
  const ServerCatalog& catalog() const;
  const DatabaseCatalog& inside(const std::string& database);
  pqxx::connection& connection_to(const std::string& database);
  PasswordState password_state(const RoleSpec& spec);
  /// The password state from the stored verifier (verifiers_readable): pure computation.
  PasswordState known_password_state(const RoleSpec& spec) const;
  std::string context(const std::string& database) const;

  const topology::Server& m_server;
  SessionOptions m_options;
  Connection m_admin;
  /// Connections to target databases, most recently used first (bounded by max_connections).
  std::vector<std::pair<std::string, Connection>> m_connections;
  mutable std::optional<ServerCatalog> m_catalog;
  std::map<std::string, DatabaseCatalog> m_inside;
  std::optional<Managed> m_managed; ///< what managed() read, for mark()
  ConnectionQuoter m_quoter;
  std::optional<Planner> m_planner;
  Planner& planner();
};

} // namespace dbctl::engine::postgres
