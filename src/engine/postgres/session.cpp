#include "session.hpp"

#include "lock.hpp"

#include "dbctl/engine/error.hpp"
#include "dbctl/util/parallel.hpp"

#include <algorithm>

namespace dbctl::engine::postgres {

std::string ConnectionQuoter::ident(const std::string& name) const {
  return m_connection.quote_name(name);
}

std::string ConnectionQuoter::literal(const std::string& text) const {
  return m_connection.quote(text);
}

namespace {

Connection open_admin(const topology::Server& server, const SessionOptions& options) {
  return connect(server, server.admin_database, admin_login(server), options);
}

ServerCatalog read_catalog(pqxx::connection& connection, const topology::Server& server) {
  try {
    return read_server_catalog(connection);
  } catch (const std::exception& e) {
    rethrow(e, server.name + ": reading the catalogs: ");
  }
}

} // namespace

Session::Session(const topology::Server& server, const SessionOptions& options)
    : m_server(server), m_options(options), m_admin(open_admin(server, options)), m_quoter(*m_admin) {}

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
  // Connections to the targets' databases are kept while they are reused, but never more than
  // the server's max_connections allows besides the admin connection and a password check's
  // (a fleet of thousands of tenant databases must not open thousands of connections): the
  // least recently used one is closed first.
  auto found = std::find_if(m_connections.begin(), m_connections.end(),
                            [&](const auto& open) { return open.first == database; });
  if (found != m_connections.end()) {
    std::rotate(m_connections.begin(), found, found + 1); // most recently used first
    return *m_connections.front().second;
  }
  std::size_t room = static_cast<std::size_t>(std::max(1, m_server.max_connections - 2));
  while (m_connections.size() >= room) {
    m_connections.pop_back();
  }
  m_connections.emplace(m_connections.begin(), database,
                        connect(m_server, database, admin_login(m_server), m_options));
  return *m_connections.front().second;
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
    return known_password_state(spec);
  }
  // An admin that may not read pg_authid learns whether the password works by using it.
  try {
    connect(m_server, m_server.admin_database, {spec.name, spec.password}, m_options);
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

PasswordState Session::known_password_state(const RoleSpec& spec) const {
  auto role = catalog().roles.find(spec.name);
  return spec.password && role != catalog().roles.end() && role->second.verifier &&
                 verifier_matches(*role->second.verifier, *spec.password)
             ? PasswordState::current
             : PasswordState::stale;
}

std::vector<Statement> Session::converge(const std::vector<RoleSpec>& specs) {
  if (!catalog().verifiers_readable) {
    return engine::AdminSession::converge(specs); // each check is a login: one at a time
  }
  // Checking a password against its stored verifier, or making a verifier, costs a PBKDF2
  // (about 2 ms): a fleet's thousands of roles are checked on every run, on every core. The
  // catalog is read before the threads start and only read by them.
  std::vector<PasswordState> states(specs.size());
  std::vector<std::string> verifiers(specs.size());
  util::for_each_index(specs.size(), 8, [&] {
    return [&](std::size_t i) {
      states[i] = known_password_state(specs[i]);
      if (specs[i].password && states[i] == PasswordState::stale) {
        try {
          verifiers[i] = scram_verifier(specs[i].name, *specs[i].password);
        } catch (const std::exception&) {
          verifiers[i].clear(); // made again below, where its error can be thrown
        }
      }
    };
  });
  std::vector<Statement> out;
  for (std::size_t i = 0; i < specs.size(); ++i) {
    if (specs[i].password && states[i] == PasswordState::stale && verifiers[i].empty()) {
      verifiers[i] = scram_verifier(specs[i].name, *specs[i].password);
    }
    std::vector<Statement> more = planner().role(specs[i], states[i], verifiers[i]);
    out.insert(out.end(), more.begin(), more.end());
  }
  return out;
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
  } catch (const std::exception& e) {
    rethrow(e, context(statement.database) + statement.display() + ": ");
  }
}

std::map<std::string, AvailableExtension> Session::available_extensions() {
  std::map<std::string, AvailableExtension> out;
  try {
    pqxx::nontransaction tx(*m_admin);
    for (const auto& row : tx.exec("SELECT e.name, v.superuser, v.trusted FROM pg_available_extensions e "
                                   "JOIN pg_available_extension_versions v ON v.name = e.name AND "
                                   "v.version = e.default_version")) {
      out[row[0].as<std::string>()] = {row[1].as<bool>(), row[2].as<bool>()};
    }
  } catch (const std::exception& e) {
    rethrow(e, context("") + "reading pg_available_extensions: ");
  }
  return out;
}

std::string Session::identity() {
  try {
    pqxx::nontransaction tx(*m_admin);
    return tx.exec1("SELECT current_setting('port') || ':' || pg_postmaster_start_time()::text || ':' || "
                    "CASE WHEN has_function_privilege('pg_catalog.pg_control_system()', 'EXECUTE') THEN "
                    "(SELECT system_identifier::text FROM pg_catalog.pg_control_system()) ELSE '' END")[0]
        .as<std::string>();
  } catch (const std::exception& e) {
    rethrow(e, context("") + "reading the server's identity: ");
  }
}

std::unique_ptr<Lock> Session::lock(const std::string& key, std::chrono::seconds timeout) {
  return take_advisory_lock(*m_admin, key, timeout, key, context(""), m_options.interrupt);
}

} // namespace dbctl::engine::postgres
