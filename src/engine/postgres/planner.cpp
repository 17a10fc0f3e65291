#include "planner.hpp"

#include <algorithm>

namespace dbctl::engine::postgres {

namespace {

using Privileges = std::vector<std::string>;

// One kind of object and the privileges an access level needs on it.
struct ObjectRule {
  char kind;              ///< DbObject::kind and pg_default_acl.defaclobjtype
  const char* plural;     ///< the word GRANT uses: TABLES, SEQUENCES, FUNCTIONS
  Privileges privileges;
};

std::vector<ObjectRule> rules_for(Access access) {
  if (access == Access::read) {
    return {{'r', "TABLES", {"SELECT"}}, {'S', "SEQUENCES", {}}, {'f', "FUNCTIONS", {}}};
  }
  return {{'r', "TABLES", {"SELECT", "INSERT", "UPDATE", "DELETE"}},
          {'S', "SEQUENCES", {"USAGE", "SELECT"}},
          {'f', "FUNCTIONS", {"EXECUTE"}}};
}

// The privileges dbctl may have granted on a kind of object at any level (write's), less
// those `wanted`: what a role that now gets less must lose.
Privileges beyond(char kind, const Privileges& wanted) {
  Privileges out;
  for (const ObjectRule& rule : rules_for(Access::write)) {
    if (rule.kind != kind) {
      continue;
    }
    for (const auto& privilege : rule.privileges) {
      if (std::find(wanted.begin(), wanted.end(), privilege) == wanted.end()) {
        out.push_back(privilege);
      }
    }
  }
  return out;
}

enum class Holding { held, missing };

// Those of `privileges` the role holds in an ACL, or those it lacks.
Privileges which(const Acl& acl, const std::string& role, const Privileges& privileges, Holding holding) {
  Privileges out;
  auto found = acl.find(role);
  for (const auto& privilege : privileges) {
    bool holds = found != acl.end() && found->second.count(privilege) != 0;
    if (holds == (holding == Holding::held)) {
      out.push_back(privilege);
    }
  }
  return out;
}

Privileges held(const Acl& acl, const std::string& role, const Privileges& privileges) {
  return which(acl, role, privileges, Holding::held);
}

Privileges missing(const Acl& acl, const std::string& role, const Privileges& wanted) {
  return which(acl, role, wanted, Holding::missing);
}

std::string join(const Privileges& privileges) {
  std::string out;
  for (const auto& privilege : privileges) {
    out += (out.empty() ? "" : ", ") + privilege;
  }
  return out;
}

const DatabaseCatalog::Schema* find_schema(const DatabaseCatalog& inside, const std::string& name) {
  auto it = inside.schemas.find(name);
  return it == inside.schemas.end() ? nullptr : &it->second;
}

} // namespace

Statement Planner::admin(std::string sql) const { return {"", std::move(sql), {}, StatementKind::other, 0, {}}; }

Statement Planner::in(const std::string& database, std::string sql) const {
  return {database, std::move(sql), {}, StatementKind::other, 0, {}};
}

std::vector<Statement> Planner::role(const RoleSpec& spec, PasswordState password,
                                     const std::string& verifier) const {
  std::string name = m_quote.ident(spec.name);
  bool login = spec.password.has_value();
  auto with_password = [&](const std::string& head) {
    return Statement{"", head + " PASSWORD " + m_quote.literal(verifier), head + " PASSWORD '***'",
                     StatementKind::other, 0, {}};
  };
  auto existing = m_server.roles.find(spec.name);
  if (existing == m_server.roles.end()) {
    return {login ? with_password("CREATE ROLE " + name + " LOGIN")
                  : admin("CREATE ROLE " + name + " NOLOGIN")};
  }
  std::vector<Statement> out;
  if (existing->second.login != login) {
    out.push_back(admin("ALTER ROLE " + name + (login ? " LOGIN" : " NOLOGIN")));
  }
  if (login && password == PasswordState::stale) {
    out.push_back(with_password("ALTER ROLE " + name));
  }
  return out;
}

std::vector<Statement> Planner::membership(const MembershipSpec& spec) const {
  if (m_server.memberships.count({spec.role, spec.member}) != 0) {
    return {};
  }
  return {admin("GRANT " + m_quote.ident(spec.role) + " TO " + m_quote.ident(spec.member))};
}

std::vector<Statement> Planner::database(const DatabaseSpec& spec) const {
  std::string name = m_quote.ident(spec.name);
  std::vector<Statement> out;
  auto existing = m_server.databases.find(spec.name);
  Acl acl;
  std::string owner = spec.owner.value_or(m_server.admin.user);
  if (existing == m_server.databases.end()) {
    out.push_back(admin("CREATE DATABASE " + name +
                        (spec.owner ? " OWNER " + m_quote.ident(*spec.owner) : "")));
    out.back().kind = StatementKind::create_database;
    acl[k_public] = {"CONNECT", "TEMPORARY"}; // what a new database grants PUBLIC
  } else {
    acl = existing->second.acl;
    if (spec.owner && existing->second.owner != *spec.owner) {
      out.push_back(admin("ALTER DATABASE " + name + " OWNER TO " + m_quote.ident(*spec.owner)));
    } else {
      owner = existing->second.owner;
    }
  }
  if (acl.count(k_public) != 0 && acl.at(k_public).count("CONNECT") != 0) {
    out.push_back(admin("REVOKE CONNECT ON DATABASE " + name + " FROM PUBLIC"));
  }
  for (const auto& role : spec.connect) {
    if (role != owner && !missing(acl, role, {"CONNECT"}).empty()) {
      out.push_back(admin("GRANT CONNECT ON DATABASE " + name + " TO " + m_quote.ident(role)));
    }
  }
  return out;
}

std::vector<Statement> Planner::schema(const DatabaseCatalog& inside, const SchemaSpec& spec) const {
  const DatabaseCatalog::Schema* existing = find_schema(inside, spec.name);
  if (existing == nullptr) {
    return {in(spec.database, "CREATE SCHEMA " + m_quote.ident(spec.name) + " AUTHORIZATION " +
                                  m_quote.ident(spec.owner))};
  }
  if (existing->owner != spec.owner) {
    return {in(spec.database, "ALTER SCHEMA " + m_quote.ident(spec.name) + " OWNER TO " +
                                  m_quote.ident(spec.owner))};
  }
  return {};
}

std::vector<Statement> Planner::grant(const DatabaseCatalog& inside, const GrantSpec& spec) const {
  std::string role = m_quote.ident(spec.role);
  if (spec.access == Access::all) {
    // Owner-equivalent: membership in the owner role gives exactly the owner's rights.
    return membership({spec.owner, spec.role});
  }
  std::string schema_name = spec.schema.value_or("public");
  std::string schema = m_quote.ident(schema_name);
  const DatabaseCatalog::Schema* existing = find_schema(inside, schema_name);
  std::vector<Statement> out;
  if (!spec.member_elsewhere && m_server.memberships.count({spec.owner, spec.role}) != 0) {
    // Once `all`, now less: owner-equivalence goes with the membership.
    out.push_back(admin("REVOKE " + m_quote.ident(spec.owner) + " FROM " + role));
  }
  if (existing == nullptr || !missing(existing->acl, spec.role, {"USAGE"}).empty()) {
    out.push_back(in(spec.database, "GRANT USAGE ON SCHEMA " + schema + " TO " + role));
  }
  for (const ObjectRule& rule : rules_for(spec.access)) {
    std::vector<Statement> fewer = revoke_beyond(inside, spec, rule.kind, rule.plural, rule.privileges);
    out.insert(out.end(), fewer.begin(), fewer.end());
    if (rule.privileges.empty()) {
      continue;
    }
    auto defaults = inside.default_acl.find({spec.owner, schema_name, rule.kind});
    Privileges absent = defaults == inside.default_acl.end()
                            ? rule.privileges
                            : missing(defaults->second, spec.role, rule.privileges);
    if (!absent.empty()) {
      out.push_back(in(spec.database, "ALTER DEFAULT PRIVILEGES FOR ROLE " +
                                          m_quote.ident(spec.owner) + " IN SCHEMA " + schema +
                                          " GRANT " + join(absent) + " ON " + rule.plural +
                                          " TO " + role));
    }
    bool gap = existing != nullptr &&
               std::any_of(existing->objects.begin(), existing->objects.end(), [&](const DbObject& o) {
                 // dbctl's own tables are the owner's alone (see TargetSession::ensure_history);
                 // an object's owner holds every right on it (its own are not read).
                 return o.kind == rule.kind && o.name.rfind("dbctl_", 0) != 0 && o.owner != spec.role &&
                        !missing(o.acl, spec.role, rule.privileges).empty();
               });
    if (gap) {
      out.push_back(in(spec.database, "GRANT " + join(rule.privileges) + " ON ALL " + rule.plural +
                                          " IN SCHEMA " + schema + " TO " + role));
    }
  }
  return out;
}

std::vector<Statement> Planner::revoke_beyond(const DatabaseCatalog& inside, const GrantSpec& spec, char kind,
                                              const char* plural, const std::vector<std::string>& wanted) const {
  std::string schema_name = spec.schema.value_or("public");
  std::string schema = m_quote.ident(schema_name);
  std::string role = m_quote.ident(spec.role);
  Privileges extra = beyond(kind, wanted);
  std::vector<Statement> out;
  auto defaults = inside.default_acl.find({spec.owner, schema_name, kind});
  Privileges defaulted = defaults == inside.default_acl.end() ? Privileges{} : held(defaults->second, spec.role, extra);
  if (!defaulted.empty()) {
    out.push_back(in(spec.database, "ALTER DEFAULT PRIVILEGES FOR ROLE " + m_quote.ident(spec.owner) +
                                        " IN SCHEMA " + schema + " REVOKE " + join(defaulted) + " ON " +
                                        plural + " FROM " + role));
  }
  const DatabaseCatalog::Schema* existing = find_schema(inside, schema_name);
  Privileges granted;
  for (const DbObject& object : existing != nullptr ? existing->objects : std::vector<DbObject>{}) {
    if (object.kind == kind && object.owner != spec.role) {
      for (const auto& privilege : held(object.acl, spec.role, extra)) {
        if (std::find(granted.begin(), granted.end(), privilege) == granted.end()) {
          granted.push_back(privilege);
        }
      }
    }
  }
  if (!granted.empty()) {
    out.push_back(in(spec.database, "REVOKE " + join(granted) + " ON ALL " + plural + " IN SCHEMA " +
                                        schema + " FROM " + role));
  }
  return out;
}

std::vector<Statement> Planner::extension(const DatabaseCatalog& inside,
                                          const ExtensionSpec& spec) const {
  if (inside.extensions.count(spec.name) != 0) {
    return {};
  }
  return {in(spec.database, "CREATE EXTENSION IF NOT EXISTS " + m_quote.ident(spec.name))};
}

std::vector<Statement> Planner::drop_database(const std::string& name) const {
  if (m_server.databases.count(name) == 0) {
    return {};
  }
  // FORCE ends the sessions still connected; destroy --yes is the user's explicit word.
  return {admin("DROP DATABASE " + m_quote.ident(name) + " WITH (FORCE)")};
}

std::vector<Statement> Planner::drop_schema(const DatabaseCatalog& inside,
                                            const std::string& database,
                                            const std::string& schema) const {
  if (find_schema(inside, schema) == nullptr) {
    return {};
  }
  return {in(database, "DROP SCHEMA " + m_quote.ident(schema) + " CASCADE")};
}

std::vector<Statement> Planner::drop_role(const std::string& name,
                                          const std::vector<std::string>& databases) const {
  if (m_server.roles.count(name) == 0) {
    return {};
  }
  std::vector<Statement> out;
  for (const auto& database : databases) {
    if (m_server.databases.count(database) != 0) {
      out.push_back(in(database, "DROP OWNED BY " + m_quote.ident(name)));
    }
  }
  out.push_back(admin("DROP ROLE " + m_quote.ident(name)));
  return out;
}

std::vector<Statement> Planner::mark(const std::string& mark, const Managed& marked, const Managed& objects) const {
  std::string comment = " IS " + m_quote.literal(mark);
  std::vector<Statement> out;
  for (const auto& role : objects.roles) {
    if (marked.roles.count(role) == 0) {
      out.push_back(admin("COMMENT ON ROLE " + m_quote.ident(role) + comment));
    }
  }
  for (const auto& database : objects.databases) {
    if (marked.databases.count(database) == 0) {
      out.push_back(admin("COMMENT ON DATABASE " + m_quote.ident(database) + comment));
    }
  }
  for (const auto& [database, schema] : objects.schemas) {
    if (marked.schemas.count({database, schema}) == 0) {
      out.push_back(in(database, "COMMENT ON SCHEMA " + m_quote.ident(schema) + comment));
    }
  }
  return out;
}

std::vector<Statement> Planner::unmark(const std::string& database, const std::optional<std::string>& schema) const {
  if (schema) {
    return {in(database, "COMMENT ON SCHEMA " + m_quote.ident(*schema) + " IS NULL")};
  }
  return {admin("COMMENT ON DATABASE " + m_quote.ident(database) + " IS NULL")};
}

std::vector<Statement> Planner::revoke_access(const DatabaseCatalog& inside, const std::string& role,
                                              const std::string& database) const {
  std::string grantee = m_quote.ident(role);
  std::vector<Statement> out;
  for (const auto& [name, schema] : inside.schemas) {
    bool holds = schema.acl.count(role) != 0;
    for (const auto& object : schema.objects) {
      holds = holds || object.acl.count(role) != 0;
    }
    if (holds) {
      std::string quoted = m_quote.ident(name);
      for (const char* objects : {"ALL TABLES IN SCHEMA ", "ALL SEQUENCES IN SCHEMA ", "ALL FUNCTIONS IN SCHEMA ",
                                  "SCHEMA "}) {
        out.push_back(in(database, "REVOKE ALL ON " + std::string(objects) + quoted + " FROM " + grantee));
      }
    }
  }
  for (const auto& [key, acl] : inside.default_acl) {
    const auto& [owner, schema, kind] = key;
    const char* plural = kind == 'r' ? "TABLES" : kind == 'S' ? "SEQUENCES" : kind == 'f' ? "FUNCTIONS" : nullptr;
    if (acl.count(role) != 0 && plural != nullptr) {
      out.push_back(in(database, "ALTER DEFAULT PRIVILEGES FOR ROLE " + m_quote.ident(owner) +
                                     (schema.empty() ? "" : " IN SCHEMA " + m_quote.ident(schema)) +
                                     " REVOKE ALL ON " + plural + " FROM " + grantee));
    }
  }
  out.push_back(admin("REVOKE ALL ON DATABASE " + m_quote.ident(database) + " FROM " + grantee));
  return out;
}

std::vector<Statement> Planner::revoke_membership(const std::string& role, const std::string& member) const {
  return {admin("REVOKE " + m_quote.ident(role) + " FROM " + m_quote.ident(member))};
}

std::vector<Statement> Planner::hand_over_role(const std::string& name, const std::vector<std::string>& databases,
                                               const std::string& heir) const {
  if (m_server.roles.count(name) == 0) {
    return {};
  }
  std::string role = m_quote.ident(name);
  std::vector<Statement> out;
  for (const auto& database : databases) {
    if (m_server.databases.count(database) != 0) {
      // What it owns there (and the databases it owns, shared objects) goes to the heir; then
      // what it was granted goes, so that the role can be dropped.
      out.push_back(in(database, "REASSIGN OWNED BY " + role + " TO " + m_quote.ident(heir)));
      out.push_back(in(database, "DROP OWNED BY " + role));
    }
  }
  out.push_back(admin("DROP ROLE " + role));
  return out;
}

} // namespace dbctl::engine::postgres
