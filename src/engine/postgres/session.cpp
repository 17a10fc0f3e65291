#include "session.hpp"

#include "dbctl/engine/error.hpp"
#include "dbctl/util/hash.hpp"

#include <cstring>
#include <thread>

namespace dbctl::engine::postgres {

std::string ConnectionQuoter::ident(const std::string& name) const {
  return m_connection.quote_name(name);
}

std::string ConnectionQuoter::literal(const std::string& text) const {
  return m_connection.quote(text);
}

namespace {

std::unique_ptr<pqxx::connection> open_admin(const topology::Server& server) {
  return connect(server, server.admin_database, admin_login(server));
}

ServerCatalog read_catalog(pqxx::connection& connection, const topology::Server& server) {
  try {
    return read_server_catalog(connection);
  } catch (const std::exception& e) {
    rethrow(e, server.name + ": reading the catalogs: ");
  }
}

// The advisory lock key: the first 8 bytes of SHA-256("dbctl:" + key), as a signed bigint.
long long lock_key(const std::string& key) {
  std::string digest = util::sha256_hex("dbctl:" + key).substr(0, 16);
  return static_cast<long long>(std::stoull(digest, nullptr, 16));
}

class AdvisoryLock final : public Lock {
public:
  AdvisoryLock(pqxx::connection& connection, long long key) : m_connection(connection), m_key(key) {}
  ~AdvisoryLock() override {
    try {
      pqxx::nontransaction tx(m_connection);
      tx.exec_params("SELECT pg_advisory_unlock($1)", m_key);
    } catch (...) {
      // The session ends with the connection, which releases the lock anyway.
    }
  }
  AdvisoryLock(const AdvisoryLock&) = delete;
  AdvisoryLock& operator=(const AdvisoryLock&) = delete;

private:
  pqxx::connection& m_connection;
  long long m_key;
};

std::string lock_holder(pqxx::connection& connection, long long key) {
  pqxx::nontransaction tx(connection);
  pqxx::result rows = tx.exec_params(
      "SELECT a.pid, coalesce(a.application_name, ''), coalesce(a.usename, ''), "
      "to_char(a.backend_start, 'YYYY-MM-DD HH24:MI:SS TZ') "
      "FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
      "WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 "
      "AND ((l.classid::bigint << 32) | l.objid::bigint) = $1",
      key);
  if (rows.empty()) {
    return "another session";
  }
  return "pid " + rows[0][0].as<std::string>() + " (" + rows[0][1].as<std::string>() + ", user " +
         rows[0][2].as<std::string>() + ", connected since " + rows[0][3].as<std::string>() + ")";
}

} // namespace

Session::Session(const topology::Server& server)
    : m_server(server), m_admin(open_admin(server)), m_quoter(*m_admin) {}

const ServerCatalog& Session::catalog() const {
  if (!m_catalog) {
    m_catalog = read_catalog(*m_admin, m_server);
  }
  return *m_catalog;
}

const AdminInfo& Session::info() const { return catalog().admin; }

Planner& Session::planner() {
  if (!m_planner) {
    m_planner.emplace(catalog(), m_quoter);
  }
  return *m_planner;
}

std::string Session::context(const std::string& database) const {
  return m_server.name + (database.empty() ? "" : "/" + database) + ": ";
}

pqxx::connection& Session::connection_to(const std::string& database) {
  if (database.empty() || database == m_server.admin_database) {
    return *m_admin;
  }
  auto& slot = m_connections[database];
  if (!slot) {
    slot = connect(m_server, database, admin_login(m_server));
  }
  return *slot;
}

const DatabaseCatalog& Session::inside(const std::string& database) {
  auto found = m_inside.find(database);
  if (found != m_inside.end()) {
    return found->second;
  }
  DatabaseCatalog read; // a database that does not exist yet holds nothing
  if (catalog().databases.count(database) != 0) {
    try {
      read = read_database_catalog(connection_to(database));
    } catch (const DbError&) {
      throw;
    } catch (const std::exception& e) {
      rethrow(e, context(database) + "reading the catalogs: ");
    }
  }
  return m_inside.emplace(database, std::move(read)).first->second;
}

PasswordState Session::password_state(const RoleSpec& spec) {
  auto role = catalog().roles.find(spec.name);
  if (!spec.password || role == catalog().roles.end()) {
    return PasswordState::stale;
  }
  if (catalog().verifiers_readable) {
    return role->second.verifier && verifier_matches(*role->second.verifier, *spec.password)
               ? PasswordState::current
               : PasswordState::stale;
  }
  // An admin that may not read pg_authid learns whether the password works by using it.
  try {
    connect(m_server, m_server.admin_database, {spec.name, spec.password});
    return PasswordState::current;
  } catch (const DbError&) {
    return PasswordState::stale;
  }
}

std::vector<Statement> Session::converge(const RoleSpec& spec) {
  PasswordState state = password_state(spec);
  std::string verifier;
  if (spec.password && state == PasswordState::stale) {
    verifier = scram_verifier(spec.name, *spec.password);
  }
  return planner().role(spec, state, verifier);
}

std::vector<Statement> Session::converge(const MembershipSpec& spec) {
  return planner().membership(spec);
}

std::vector<Statement> Session::converge(const DatabaseSpec& spec) {
  return planner().database(spec);
}

std::vector<Statement> Session::converge(const SchemaSpec& spec) {
  return planner().schema(inside(spec.database), spec);
}

std::vector<Statement> Session::converge(const GrantSpec& spec) {
  return planner().grant(inside(spec.database), spec);
}

std::vector<Statement> Session::converge(const ExtensionSpec& spec) {
  return planner().extension(inside(spec.database), spec);
}

std::vector<Statement> Session::drop_database(const std::string& name) {
  return planner().drop_database(name);
}

std::vector<Statement> Session::drop_schema(const std::string& database, const std::string& schema) {
  return planner().drop_schema(inside(database), database, schema);
}

std::vector<Statement> Session::drop_role(const std::string& name,
                                          const std::vector<std::string>& databases) {
  return planner().drop_role(name, databases);
}

void Session::execute(const Statement& statement) {
  try {
    pqxx::nontransaction tx(connection_to(statement.database));
    tx.exec(statement.sql);
  } catch (const DbError&) {
    throw;
  } catch (const std::exception& e) {
    rethrow(e, context(statement.database) + statement.shown + ": ");
  }
}

std::unique_ptr<Lock> Session::lock(const std::string& key, std::chrono::seconds timeout) {
  long long id = lock_key(key);
  auto deadline = std::chrono::steady_clock::now() + timeout;
  auto pause = std::chrono::milliseconds(50);
  try {
    while (true) {
      {
        pqxx::nontransaction tx(*m_admin);
        if (tx.exec_params1("SELECT pg_try_advisory_lock($1)", id)[0].as<bool>()) {
          return std::make_unique<AdvisoryLock>(*m_admin, id);
        }
      }
      if (std::chrono::steady_clock::now() >= deadline) {
        throw DbError(context("") + "timed out after " + std::to_string(timeout.count()) +
                      " s waiting for the " + key + " lock, held by " + lock_holder(*m_admin, id));
      }
      std::this_thread::sleep_for(pause);
      pause = std::min(pause * 2, std::chrono::milliseconds(1000));
    }
  } catch (const DbError&) {
    throw;
  } catch (const std::exception& e) {
    rethrow(e, context("") + "taking the " + key + " lock: ");
  }
}

} // namespace dbctl::engine::postgres
