// The PostgreSQL AdminSession's marks (a comment `dbctl:PROJECT` on each role, database and
// schema init manages) and what pruning runs on what a project no longer asks for.
#include "session.hpp"

#include "dbctl/engine/error.hpp"

namespace dbctl::engine::postgres {

namespace {

std::string mark_of(const std::string& project) { return "dbctl:" + project; }

Statement admin_statement(std::string sql) { return {"", sql, sql, StatementKind::other, {}}; }
Statement in_database(const std::string& database, std::string sql) {
  return {database, sql, sql, StatementKind::other, {}};
}

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
  std::string comment = " IS " + m_quoter.literal(mark_of(project));
  std::vector<Statement> out;
  for (const auto& role : objects.roles) {
    if (m_managed->roles.count(role) == 0) {
      out.push_back(admin_statement("COMMENT ON ROLE " + m_quoter.ident(role) + comment));
    }
  }
  for (const auto& database : objects.databases) {
    if (m_managed->databases.count(database) == 0) {
      out.push_back(admin_statement("COMMENT ON DATABASE " + m_quoter.ident(database) + comment));
    }
  }
  for (const auto& [database, schema] : objects.schemas) {
    if (m_managed->schemas.count({database, schema}) == 0) {
      out.push_back(in_database(database, "COMMENT ON SCHEMA " + m_quoter.ident(schema) + comment));
    }
  }
  return out;
}

std::vector<Statement> Session::unmark(const std::string& database, const std::optional<std::string>& schema) {
  if (schema) {
    return {in_database(database, "COMMENT ON SCHEMA " + m_quoter.ident(*schema) + " IS NULL")};
  }
  return {admin_statement("COMMENT ON DATABASE " + m_quoter.ident(database) + " IS NULL")};
}

std::vector<Statement> Session::revoke_access(const std::string& role, const std::string& database) {
  std::string grantee = m_quoter.ident(role);
  std::vector<Statement> out;
  const DatabaseCatalog& in = inside(database);
  for (const auto& [name, schema] : in.schemas) {
    bool holds = schema.acl.count(role) != 0;
    for (const auto& object : schema.objects) {
      holds = holds || object.acl.count(role) != 0;
    }
    if (holds) {
      std::string quoted = m_quoter.ident(name);
      out.push_back(in_database(database, "REVOKE ALL ON ALL TABLES IN SCHEMA " + quoted + " FROM " + grantee));
      out.push_back(in_database(database, "REVOKE ALL ON ALL SEQUENCES IN SCHEMA " + quoted + " FROM " + grantee));
      out.push_back(in_database(database, "REVOKE ALL ON ALL FUNCTIONS IN SCHEMA " + quoted + " FROM " + grantee));
      out.push_back(in_database(database, "REVOKE ALL ON SCHEMA " + quoted + " FROM " + grantee));
    }
  }
  for (const auto& [key, acl] : in.default_acl) {
    const auto& [owner, schema, kind] = key;
    const char* plural = kind == 'r' ? "TABLES" : kind == 'S' ? "SEQUENCES" : kind == 'f' ? "FUNCTIONS" : nullptr;
    if (acl.count(role) != 0 && plural != nullptr) {
      out.push_back(in_database(database, "ALTER DEFAULT PRIVILEGES FOR ROLE " + m_quoter.ident(owner) +
                                              (schema.empty() ? "" : " IN SCHEMA " + m_quoter.ident(schema)) +
                                              " REVOKE ALL ON " + plural + " FROM " + grantee));
    }
  }
  out.push_back(admin_statement("REVOKE ALL ON DATABASE " + m_quoter.ident(database) + " FROM " + grantee));
  return out;
}

std::vector<Statement> Session::revoke_membership(const std::string& role, const std::string& member) {
  return {admin_statement("REVOKE " + m_quoter.ident(role) + " FROM " + m_quoter.ident(member))};
}

std::vector<Statement> Session::hand_over_role(const std::string& name, const std::vector<std::string>& databases) {
  if (catalog().roles.count(name) == 0) {
    return {};
  }
  std::string role = m_quoter.ident(name);
  std::vector<Statement> out;
  for (const auto& database : databases) {
    if (catalog().databases.count(database) != 0) {
      // What it owns there (and the databases it owns, shared objects) goes to the admin; then
      // what it was granted goes, so that the role can be dropped.
      out.push_back(in_database(database, "REASSIGN OWNED BY " + role + " TO " + m_quoter.ident(info().user)));
      out.push_back(in_database(database, "DROP OWNED BY " + role));
    }
  }
  out.push_back(admin_statement("DROP ROLE " + role));
  return out;
}

} // namespace dbctl::engine::postgres
