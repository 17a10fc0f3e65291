#pragma once
// The pure half of the MySQL driver: catalog data in, statements out. No I/O, so unit tests
// drive it with in-memory catalogs. Users are 'name'@'%'; names are validated identifiers and
// password hashes are hex, so the statements need no connection to quote them.
#include "dbctl/engine/specs.hpp"

#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace dbctl::engine::mysql {

/// The database-level privileges one user holds on one database, by name: MySQL's few known
/// names are a bit each (a fleet's catalog holds some twenty per tenant), any other name is
/// kept as text.
class Privileges {
public:
  Privileges() = default;
  Privileges(std::initializer_list<std::string> names) {
    for (const auto& name : names) {
      insert(name);
    }
  }
  void insert(const std::string& name);
  /// Return 1 when `name` is held, else 0 (as std::set::count).
  std::size_t count(const std::string& name) const;

private:
  std::uint64_t m_known = 0;
  std::vector<std::string> m_other;
};

/// What the server's catalogs say.
struct Catalog {
  AdminInfo admin;
  bool mariadb = true;
  std::string user_host = "%";                 ///< the host part of managed users
  std::map<std::string, std::string> users;    ///< user (host %) -> authentication_string
  std::map<std::string, std::string> databases; ///< name -> default character set
  /// (database as GRANT stores it, `_` escaped; user) -> database-level privileges
  std::map<std::pair<std::string, std::string>, Privileges> privileges;
};

/// The privileges each access level needs on a database.
std::vector<std::string> privileges_for(Access access);

/// Plans against one server's catalog.
class Planner {
public:
  explicit Planner(const Catalog& catalog) : m_catalog(catalog) {}

  /// Return statements for a user; `locked` says whether it exists with ACCOUNT LOCK.
  std::vector<Statement> role(const RoleSpec& spec, bool locked) const;
  /// Return statements for a database (utf8mb4) and ALL for each of its owners.
  std::vector<Statement> database(const DatabaseSpec& spec) const;
  /// Return statements for a role's access to a database.
  std::vector<Statement> grant(const GrantSpec& spec) const;
  /// Return statements dropping a database, if it exists.
  std::vector<Statement> drop_database(const std::string& name) const;
  /// Return statements dropping a user, if it exists.
  std::vector<Statement> drop_role(const std::string& name) const;
  /// Return the statements marking `objects` as the project's (its role `dbctl:PROJECT` granted
  /// to each user, each database's comment on MariaDB, which alone keeps one) where `marked`
  /// lacks them.
  std::vector<Statement> mark(const std::string& project, const Managed& marked, const Managed& objects) const;
  /// Return the statement clearing a database's mark (MariaDB; a schema has none).
  std::vector<Statement> unmark(const std::string& database, const std::optional<std::string>& schema) const;
  /// Return the statement revoking every privilege `role` holds on `database`.
  std::vector<Statement> revoke_access(const std::string& role, const std::string& database) const;

private:
  std::vector<std::string> missing(const std::string& database, const std::string& user,
                                   const std::vector<std::string>& wanted) const;
  const Catalog& m_catalog;
};

/// Return the database name as GRANT stores it: `_` and `%` escaped with a backslash.
std::string stored_name(const std::string& database);

/// Return `'name'@'host'`.
std::string account(const std::string& name, const std::string& host);

} // namespace dbctl::engine::mysql
