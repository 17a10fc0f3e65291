#include "planner.hpp"

#include "connection.hpp"

#include "dbctl/util/text.hpp"

#include <algorithm>

namespace dbctl::engine::mysql {

namespace {

Statement plain(std::string sql) { return {"", std::move(sql), {}, StatementKind::other, 0, {}}; }


// ALL PRIVILEGES as it reads back at database level (DELETE HISTORY is MariaDB's own).
const std::vector<std::string> k_all{"SELECT", "INSERT", "UPDATE", "DELETE", "CREATE", "DROP",
                                     "REFERENCES", "INDEX", "ALTER", "CREATE TEMPORARY TABLES",
                                     "LOCK TABLES", "EXECUTE", "CREATE VIEW", "SHOW VIEW",
                                     "CREATE ROUTINE", "ALTER ROUTINE", "EVENT", "TRIGGER"};

// The privilege names a database-level grant can hold, each a bit of Privileges (the order
// only numbers them): k_all's, then GRANT and the names only one of MariaDB and MySQL has.
const std::vector<std::string> k_known = [] {
  std::vector<std::string> out = k_all;
  out.insert(out.end(), {"GRANT", "DELETE HISTORY", "SHOW CREATE ROUTINE"});
  return out;
}();

std::optional<std::size_t> known_bit(const std::string& name) {
  auto found = std::find(k_known.begin(), k_known.end(), name);
  return found == k_known.end() ? std::nullopt : std::optional<std::size_t>(found - k_known.begin());
}

} // namespace

void Privileges::insert(const std::string& name) {
  if (auto bit = known_bit(name)) {
    m_known |= std::uint64_t{1} << *bit;
  } else if (std::find(m_other.begin(), m_other.end(), name) == m_other.end()) {
    m_other.push_back(name);
  }
}

std::size_t Privileges::count(const std::string& name) const {
  if (auto bit = known_bit(name)) {
    return (m_known >> *bit) & 1U;
  }
  return std::find(m_other.begin(), m_other.end(), name) == m_other.end() ? 0 : 1;
}

std::string stored_name(const std::string& database) {
  std::string out;
  for (char c : database) {
    if (c == '_' || c == '%') {
      out += '\\';
    }
    out += c;
  }
  return out;
}

std::string account(const std::string& name, const std::string& host) {
  return "'" + name + "'@'" + host + "'";
}

std::vector<std::string> privileges_for(Access access) {
  switch (access) {
  case Access::read:
    return {"SELECT"};
  case Access::write:
    return {"SELECT", "INSERT", "UPDATE", "DELETE", "EXECUTE"};
  case Access::all:
    return k_all;
  }
  return {};
}

std::vector<std::string> Planner::missing(const std::string& database, const std::string& user,
                                          const std::vector<std::string>& wanted) const {
  auto held = m_catalog.privileges.find({stored_name(database), user});
  std::vector<std::string> out;
  for (const auto& privilege : wanted) {
    if (held == m_catalog.privileges.end() || held->second.count(privilege) == 0) {
      out.push_back(privilege);
    }
  }
  return out;
}

std::vector<Statement> Planner::role(const RoleSpec& spec, bool locked) const {
  std::string who = account(spec.name, m_catalog.user_host);
  std::string hash = spec.password ? native_password_hash(*spec.password) : std::string();
  // MariaDB takes a ready hash as IDENTIFIED BY PASSWORD; MySQL 8 as IDENTIFIED WITH ... AS.
  std::string identified = m_catalog.mariadb ? " IDENTIFIED BY PASSWORD "
                                             : " IDENTIFIED WITH mysql_native_password AS ";
  auto with_hash = [&](const std::string& head) {
    return Statement{"", head + identified + "'" + hash + "'", head + identified + "'***'", StatementKind::other, 0, {}};
  };
  auto existing = m_catalog.users.find(spec.name);
  if (existing == m_catalog.users.end()) {
    if (spec.password) {
      return {with_hash("CREATE USER IF NOT EXISTS " + who)};
    }
    return {plain("CREATE USER IF NOT EXISTS " + who + " ACCOUNT LOCK")};
  }
  std::vector<Statement> out;
  if (spec.password && existing->second != hash) {
    out.push_back(with_hash("ALTER USER " + who));
  }
  if (spec.password && locked) {
    out.push_back(plain("ALTER USER " + who + " ACCOUNT UNLOCK"));
  } else if (!spec.password && !locked) {
    out.push_back(plain("ALTER USER " + who + " ACCOUNT LOCK"));
  }
  return out;
}

std::vector<Statement> Planner::database(const DatabaseSpec& spec) const {
  std::vector<Statement> out;
  auto existing = m_catalog.databases.find(spec.name);
  if (existing == m_catalog.databases.end()) {
    out.push_back(plain("CREATE DATABASE IF NOT EXISTS " + quote_ident(spec.name) +
                        " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"));
    out.back().kind = StatementKind::create_database;
  } else if (existing->second != "utf8mb4") {
    // Only the default for new tables changes; existing tables keep their character set.
    out.push_back(plain("ALTER DATABASE " + quote_ident(spec.name) +
                        " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"));
  }
  for (const auto& owner : spec.owners) {
    if (!missing(spec.name, owner, k_all).empty()) {
      out.push_back(plain("GRANT ALL PRIVILEGES ON " + grant_database(spec.name) + ".* TO " +
                          account(owner, m_catalog.user_host)));
    }
  }
  return out;
}

std::vector<Statement> Planner::grant(const GrantSpec& spec) const {
  std::vector<std::string> wanted = privileges_for(spec.access);
  std::vector<std::string> absent = missing(spec.database, spec.role, wanted);
  std::string on = " ON " + grant_database(spec.database) + ".* ";
  std::string who = account(spec.role, m_catalog.user_host);
  std::vector<Statement> out;
  if (!absent.empty()) {
    std::string what = spec.access == Access::all ? "ALL PRIVILEGES" : util::join(absent);
    out.push_back(plain("GRANT " + what + on + "TO " + who));
  }
  // What the topology no longer gives (a role changed from write to read): the privileges of
  // ALL that the role holds here beyond its level.
  std::vector<std::string> beyond;
  std::vector<std::string> not_held = missing(spec.database, spec.role, k_all);
  for (const auto& privilege : k_all) {
    bool is_held = std::find(not_held.begin(), not_held.end(), privilege) == not_held.end();
    if (is_held && std::find(wanted.begin(), wanted.end(), privilege) == wanted.end()) {
      beyond.push_back(privilege);
    }
  }
  if (!beyond.empty()) {
    out.push_back(plain("REVOKE " + util::join(beyond) + on + "FROM " + who));
  }
  return out;
}

std::vector<Statement> Planner::drop_database(const std::string& name) const {
  if (m_catalog.databases.count(name) == 0) {
    return {};
  }
  return {plain("DROP DATABASE " + quote_ident(name))};
}

std::vector<Statement> Planner::drop_role(const std::string& name) const {
  if (m_catalog.users.count(name) == 0) {
    return {};
  }
  return {plain("DROP USER " + account(name, m_catalog.user_host))};
}

std::vector<Statement> Planner::mark(const std::string& project, const Managed& marked, const Managed& objects) const {
  std::string role = "'dbctl:" + project + "'"; // project names are identifiers
  std::vector<Statement> out;
  bool created = false;
  for (const auto& user : objects.roles) {
    if (marked.roles.count(user) == 0) {
      if (!created) {
        out.push_back(plain("CREATE ROLE IF NOT EXISTS " + role));
        created = true;
      }
      out.push_back(plain("GRANT " + role + " TO " + account(user, m_catalog.user_host)));
    }
  }
  for (const auto& database : m_catalog.mariadb ? objects.databases : std::set<std::string>{}) {
    if (marked.databases.count(database) == 0) {
      out.push_back(plain("ALTER DATABASE " + quote_ident(database) + " COMMENT " + role));
    }
  }
  return out;
}

std::vector<Statement> Planner::unmark(const std::string& database, const std::optional<std::string>& schema) const {
  if (schema || !m_catalog.mariadb) {
    return {};
  }
  return {plain("ALTER DATABASE " + quote_ident(database) + " COMMENT ''")};
}

std::vector<Statement> Planner::revoke_access(const std::string& role, const std::string& database) const {
  return {plain("REVOKE ALL PRIVILEGES ON " + grant_database(database) + ".* FROM " +
                account(role, m_catalog.user_host))};
}

} // namespace dbctl::engine::mysql
