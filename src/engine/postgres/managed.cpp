// The PostgreSQL AdminSession's marks (a comment `dbctl:PROJECT` on each role, database and
// schema init manages) and what pruning runs on what a project no longer asks for.
#include "session.hpp"

#include "dbctl/engine/error.hpp"

namespace dbctl::engine::postgres {

namespace {

std::string mark_of(const std::string& project) { return "dbctl:" + project; }

} // namespace

Managed Session::managed(const std::string& project, const std::vector<std::string>& databases) {
  Managed out;
  std::string mark = mark_of(project);
  try {
    pqxx::nontransaction tx(*m_admin);
    for (const auto& row : tx.exec_params(
             "SELECT 'role', rolname FROM pg_roles WHERE shobj_description(oid, 'pg_authid') = $1 "
             "UNION ALL SELECT 'database', datname FROM pg_database WHERE shobj_description(oid, 'pg_database') = $1",
             mark)) {
      (row[0].as<std::string>() == "role" ? out.roles : out.databases).insert(row[1].as<std::string>());
    }
  } catch (const std::exception& e) {
    rethrow(e, context("") + "reading dbctl's marks: ");
  }
  for (const auto& database : databases) {
    if (catalog().databases.count(database) == 0) {
      continue;
    }
    try {
      pqxx::nontransaction tx(connection_to(database));
      for (const auto& row :
           tx.exec_params("SELECT nspname FROM pg_namespace WHERE obj_description(oid, 'pg_namespace') = $1", mark)) {
        out.schemas.emplace(database, row[0].as<std::string>());
      }
    } catch (const std::exception& e) {
      rethrow(e, context(database) + "reading dbctl's marks: ");
    }
  }
  // A marked role's privileges on a marked database (CONNECT and the like) stand for its access
  // there; its memberships in other marked roles are the access `all` gives.
  for (const auto& database : out.databases) {
    auto found = catalog().databases.find(database);
    for (const auto& [grantee, privileges] : found != catalog().databases.end() ? found->second.acl : Acl{}) {
      if (out.roles.count(grantee) != 0 && grantee != found->second.owner && !privileges.empty()) {
        out.access.emplace(grantee, database);
      }
    }
  }
  for (const auto& [role, member] : catalog().memberships) {
    if (out.roles.count(role) != 0 && out.roles.count(member) != 0) {
      out.memberships.emplace(role, member);
    }
  }
  m_managed = out;
  return out;
}

std::vector<Statement> Session::mark(const std::string& project, const Managed& objects) {
  if (!m_managed) {
    std::vector<std::string> databases;
    for (const auto& [database, schema] : objects.schemas) {
      databases.push_back(database);
    }
    managed(project, databases);
  }
  return planner().mark(mark_of(project), *m_managed, objects);
}

std::vector<Statement> Session::unmark(const std::string& database, const std::optional<std::string>& schema) {
  return planner().unmark(database, schema);
}

std::vector<Statement> Session::revoke_access(const std::string& role, const std::string& database) {
  return planner().revoke_access(inside(database), role, database);
}

std::vector<Statement> Session::revoke_membership(const std::string& role, const std::string& member) {
  return planner().revoke_membership(role, member);
}

std::vector<Statement> Session::hand_over_role(const std::string& name, const std::vector<std::string>& databases) {
  return planner().hand_over_role(name, databases, info().user);
}

} // namespace dbctl::engine::postgres
