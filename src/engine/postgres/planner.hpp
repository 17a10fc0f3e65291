#pragma once
// The pure half of the PostgreSQL driver: compare a spec with catalog data, return the
// statements closing the gap. No I/O, so unit tests drive it with in-memory catalogs.
#include "catalog.hpp"

#include "dbctl/engine/specs.hpp"

#include <optional>
#include <string>
#include <vector>

namespace dbctl::engine::postgres {

/// Quotes names and literals as the server will read them.
class Quoter {
public:
  virtual ~Quoter() = default;
  /// Return a quoted identifier.
  virtual std::string ident(const std::string& name) const = 0;
  /// Return a quoted string literal.
  virtual std::string literal(const std::string& text) const = 0;
};

/// How a role's password compares with the catalog, decided by the session.
enum class PasswordState { current, stale };

/// Plans against one server's catalog.
class Planner {
public:
  /// Plan against `server`, quoting with `quote`; both must outlive the planner.
  Planner(const ServerCatalog& server, const Quoter& quote) : m_server(server), m_quote(quote) {}

  /// Return statements for a role; `verifier` is the new SCRAM verifier to set when needed.
  std::vector<Statement> role(const RoleSpec& spec, PasswordState password,
                              const std::string& verifier) const;
  /// Return statements for a membership.
  std::vector<Statement> membership(const MembershipSpec& spec) const;
  /// Return statements for a database, its owner and who may connect.
  std::vector<Statement> database(const DatabaseSpec& spec) const;
  /// Return statements for a schema inside `inside`.
  std::vector<Statement> schema(const DatabaseCatalog& inside, const SchemaSpec& spec) const;
  /// Return statements for a role's access inside `inside`.
  std::vector<Statement> grant(const DatabaseCatalog& inside, const GrantSpec& spec) const;
  /// Return statements for an extension inside `inside`.
  std::vector<Statement> extension(const DatabaseCatalog& inside, const ExtensionSpec& spec) const;
  /// Return statements dropping a database.
  std::vector<Statement> drop_database(const std::string& name) const;
  /// Return statements dropping a schema of `inside`.
  std::vector<Statement> drop_schema(const DatabaseCatalog& inside, const std::string& database,
                                     const std::string& schema) const;
  /// Return statements dropping a role after clearing it out of `databases` (existing ones).
  std::vector<Statement> drop_role(const std::string& name,
                                   const std::vector<std::string>& databases) const;

  /// Return the comments marking `objects` as the project's (`mark`, "dbctl:PROJECT") where
  /// `marked` (what carries the mark already) lacks them.
  std::vector<Statement> mark(const std::string& mark, const Managed& marked, const Managed& objects) const;
  /// Return the statement removing the mark of a database, or of its `schema`.
  std::vector<Statement> unmark(const std::string& database, const std::optional<std::string>& schema) const;
  /// Return the statements revoking whatever `role` holds in `inside` (database `database`):
  /// on each schema that grants it something and its objects, its default privileges, and the
  /// database's own privileges.
  std::vector<Statement> revoke_access(const DatabaseCatalog& inside, const std::string& role,
                                       const std::string& database) const;
  /// Return the statement revoking `role` from `member`.
  std::vector<Statement> revoke_membership(const std::string& role, const std::string& member) const;
  /// Return the statements giving what role `name` owns in `databases` (existing ones) to
  /// `heir`, dropping what it was granted there, then the role; none when it does not exist.
  std::vector<Statement> hand_over_role(const std::string& name, const std::vector<std::string>& databases,
                                        const std::string& heir) const;

private:
  Statement admin(std::string sql) const;
  /// Return the statements revoking from spec.role what dbctl may have granted on objects of
  /// `kind` (`plural` in GRANT's words) beyond `wanted`, by default and on what exists.
  std::vector<Statement> revoke_beyond(const DatabaseCatalog& inside, const GrantSpec& spec, char kind,
                                       const char* plural, const std::vector<std::string>& wanted) const;
  Statement in(const std::string& database, std::string sql) const;

  const ServerCatalog& m_server;
  const Quoter& m_quote;
};

} // namespace dbctl::engine::postgres
