#include "session.hpp"

#include "connection.hpp"
#include "lease.hpp"
#include "lock.hpp"
#include "planner.hpp"
#include "target_session.hpp"

#include "dbctl/engine/error.hpp"

#include <algorithm>
#include <chrono>
#include <optional>
#include <thread>

#include <cppconn/resultset.h>
#include <cppconn/statement.h>

namespace dbctl::engine::mysql {

namespace {

using Rows = std::unique_ptr<sql::ResultSet>;

// 'user'@'host' as information_schema writes grantees: the user between the first quotes.
std::string grantee_user(const std::string& grantee) {
  std::size_t end = grantee.find('\'', 1);
  return end == std::string::npos ? grantee : grantee.substr(1, end - 1);
}

// 'user'@'host' as information_schema writes grantees: the host between the last quotes.
std::string grantee_host(const std::string& grantee) {
  std::size_t at = grantee.rfind("@'");
  return at == std::string::npos || grantee.size() < at + 3 ? "" : grantee.substr(at + 2, grantee.size() - at - 3);
}

Catalog read_catalog(sql::Connection& connection, const std::string& user_host) {
  Catalog out;
  out.user_host = user_host;
  Rows self = query(connection, "SELECT CURRENT_USER(), VERSION()");
  self->next();
  std::string current = self->getString(1);
  out.admin.user = current.substr(0, current.find('@'));
  out.admin.server_version = self->getString(2);
  out.mariadb = out.admin.server_version.find("MariaDB") != std::string::npos;
  out.admin.product = out.mariadb ? "mariadb" : "mysql";
  out.admin.galera = galera_node(connection);
  std::string grantee = "'" + out.admin.user + "'@'" + current.substr(current.find('@') + 1) + "'";
  Rows global = query(connection,
                      "SELECT PRIVILEGE_TYPE FROM information_schema.USER_PRIVILEGES WHERE GRANTEE = " +
                          quote_literal(connection, grantee));
  while (global->next()) {
    std::string privilege = global->getString(1);
    out.admin.create_role = out.admin.create_role || privilege == "CREATE USER";
    out.admin.create_database = out.admin.create_database || privilege == "CREATE";
    out.admin.superuser = out.admin.superuser || privilege == "SUPER";
  }
  Rows users = query(connection, "SELECT User, authentication_string FROM mysql.user WHERE Host = " +
                                     quote_literal(connection, user_host));
  while (users->next()) {
    out.users[users->getString(1)] = users->getString(2);
  }
  Rows schemas = query(connection, "SELECT SCHEMA_NAME, DEFAULT_CHARACTER_SET_NAME FROM "
                                   "information_schema.SCHEMATA");
  while (schemas->next()) {
    out.databases[schemas->getString(1)] = schemas->getString(2);
  }
  // A row per (grantee, database) with its privileges joined: a fleet holds some twenty
  // privileges per tenant, and a row for each would be read whole before the first is parsed.
  Rows grants = query(connection, "SELECT GRANTEE, TABLE_SCHEMA, GROUP_CONCAT(PRIVILEGE_TYPE SEPARATOR ',') FROM "
                                  "information_schema.SCHEMA_PRIVILEGES GROUP BY GRANTEE, TABLE_SCHEMA");
  while (grants->next()) {
    std::string holder = grants->getString(1);
    if (grantee_host(holder) == user_host) {
      Privileges& held = out.privileges[{grants->getString(2), grantee_user(holder)}];
      std::string list = grants->getString(3);
      for (std::size_t start = 0; start <= list.size();) {
        std::size_t comma = std::min(list.find(',', start), list.size());
        held.insert(list.substr(start, comma - start));
        start = comma + 1;
      }
    }
  }
  return out;
}

class Session final : public AdminSession {
public:
  Session(const topology::Server& server, const SessionOptions& options)
      : m_server(server), m_options(options), m_admin(connect(server, "", admin_login(server), options)) {}

  const AdminInfo& info() const override { return catalog().admin; }
  std::string identity() override {
    try {
      Rows row = query(*m_admin, "SELECT CONCAT_WS(':', @@hostname, @@port, @@datadir)");
      return row->next() ? std::string(row->getString(1)) : std::string();
    } catch (const std::exception& e) {
      rethrow(e, m_server.name + ": reading the server's identity: ");
    }
  }
  std::vector<Statement> converge(const RoleSpec& spec) override {
    return planner().role(spec, locked(spec.name));
  }
  std::vector<Statement> converge(const MembershipSpec&) override { return {}; }
  std::vector<Statement> converge(const DatabaseSpec& spec) override { return planner().database(spec); }
  std::vector<Statement> converge(const SchemaSpec&) override { return {}; }
  std::vector<Statement> converge(const GrantSpec& spec) override { return planner().grant(spec); }
  std::vector<Statement> converge(const ExtensionSpec& spec) override {
    throw DbError(m_server.name + ": extensions exist only on PostgreSQL (" + spec.name + ")");
  }
  std::map<std::string, AvailableExtension> available_extensions() override { return {}; }
  std::vector<Statement> drop_database(const std::string& name) override {
    return planner().drop_database(name);
  }
  std::vector<Statement> drop_schema(const std::string&, const std::string&) override { return {}; }
  std::vector<Statement> drop_role(const std::string& name, const std::vector<std::string>&) override {
    return planner().drop_role(name);
  }

  // Marks: a database's comment (MariaDB 10.5 and later; MySQL has no database comments, so
  // there only users are marked), a user's membership in the role `dbctl:PROJECT`.
  Managed managed(const std::string& project, const std::vector<std::string>&) override {
    Managed out;
    std::string mark = quote_literal(*m_admin, "dbctl:" + project);
    try {
      Rows users = query(*m_admin, catalog().mariadb
                                       ? "SELECT User FROM mysql.roles_mapping WHERE Role = " + mark +
                                             " AND Host = " + quote_literal(*m_admin, m_server.user_host)
                                       : "SELECT TO_USER FROM mysql.role_edges WHERE FROM_USER = " + mark +
                                             " AND TO_HOST = " + quote_literal(*m_admin, m_server.user_host));
      while (users->next()) {
        out.roles.insert(users->getString(1));
      }
      if (catalog().mariadb) {
        Rows databases = query(*m_admin, "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_COMMENT = " + mark);
        while (databases->next()) {
          out.databases.insert(databases->getString(1));
        }
      }
    } catch (const std::exception& e) {
      rethrow(e, m_server.name + ": reading dbctl's marks: ");
    }
    // Which marked user holds privileges on which marked database: one pass over the
    // privileges held (a fleet's every user against its every database would be 10^8 pairs).
    std::map<std::string, std::string> by_stored_name;
    for (const auto& database : out.databases) {
      by_stored_name.emplace(stored_name(database), database);
    }
    for (const auto& [key, held] : catalog().privileges) {
      auto database = by_stored_name.find(key.first);
      if (database != by_stored_name.end() && out.roles.count(key.second) != 0) {
        out.access.emplace(key.second, database->second);
      }
    }
    m_managed = out;
    return out;
  }
  std::vector<Statement> mark(const std::string& project, const Managed& objects) override {
    if (!m_managed) {
      managed(project, {});
    }
    return planner().mark(project, *m_managed, objects);
  }
  std::vector<Statement> unmark(const std::string& database, const std::optional<std::string>& schema) override {
    return planner().unmark(database, schema);
  }
  std::vector<Statement> revoke_access(const std::string& role, const std::string& database) override {
    return planner().revoke_access(role, database);
  }
  std::vector<Statement> revoke_membership(const std::string&, const std::string&) override { return {}; }
  // A MySQL user owns nothing (views and routines name it as their DEFINER, which stays).
  std::vector<Statement> hand_over_role(const std::string& name, const std::vector<std::string>&) override {
    return planner().drop_role(name);
  }

  void execute(const Statement& statement) override {
    try {
      std::unique_ptr<sql::Statement> run(m_admin->createStatement());
      run->execute(statement.sql);
    } catch (const std::exception& e) {
      rethrow(e, m_server.name + ": " + statement.display() + ": ");
    }
  }

  std::unique_ptr<Lock> lock(const std::string& key, std::chrono::seconds timeout) override {
    return take_named_lock(*m_admin, "dbctl:" + key, timeout, key, m_server.name + ": ", m_options.interrupt);
  }

private:
  const Catalog& catalog() const {
    if (!m_catalog) {
      try {
        m_catalog = read_catalog(*m_admin, m_server.user_host);
      } catch (const std::exception& e) {
        rethrow(e, m_server.name + ": reading the catalogs: ");
      }
    }
    return *m_catalog;
  }

  Planner& planner() {
    if (!m_planner) {
      m_planner.emplace(catalog());
    }
    return *m_planner;
  }

  // SHOW CREATE USER is where both MySQL and MariaDB say ACCOUNT LOCK.
  bool locked(const std::string& user) {
    if (catalog().users.count(user) == 0) {
      return false;
    }
    try {
      Rows shown = query(*m_admin, "SHOW CREATE USER " + account(user, m_server.user_host));
      return shown->next() && std::string(shown->getString(1)).find("ACCOUNT LOCK") != std::string::npos;
    } catch (const std::exception& e) {
      rethrow(e, m_server.name + ": reading user " + user + ": ");
    }
  }

  const topology::Server& m_server;
  SessionOptions m_options;
  Connection m_admin;
  mutable std::optional<Catalog> m_catalog;
  std::optional<Planner> m_planner;
  std::optional<Managed> m_managed; ///< what managed() read, for mark()
};

class Driver final : public engine::Driver {
public:
  explicit Driver(const SessionOptions& options) : m_options(options) {}
  std::unique_ptr<AdminSession> admin(const topology::Server& server) override {
    return std::make_unique<Session>(server, m_options);
  }
  void ping(const topology::Server& server) override {
    connect(server, "", admin_login(server), m_options);
  }
  std::unique_ptr<engine::TargetSession> target(const targets::Target& target, Keep* keep) override {
    if (keep != nullptr) {
      keep->reset(); // nothing is handed on here yet: MySQL logins are cheap next to SCRAM's
    }
    return std::make_unique<mysql::TargetSession>(target, m_options);
  }

private:
  SessionOptions m_options;
};

} // namespace

std::unique_ptr<engine::Driver> make_driver(const SessionOptions& options) {
  initialize_client(); // here, on the main thread, before parallel targets connect
  return std::make_unique<Driver>(options);
}

} // namespace dbctl::engine::mysql
