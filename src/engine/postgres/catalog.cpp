#include "catalog.hpp"

#include <string_view>

#include <pqxx/pqxx>

namespace dbctl::engine::postgres {

namespace {

// Every ACL is read through aclexplode over the explicit ACL, or the default one when the
// column is NULL, so "never granted anything" and "granted the defaults" read alike.
constexpr const char* k_server_sql = R"SQL(
SELECT current_user, r.rolsuper, r.rolcreaterole, r.rolcreatedb,
       current_setting('server_version'),
       has_table_privilege('pg_catalog.pg_authid', 'SELECT')
FROM pg_roles r WHERE r.rolname = current_user
)SQL";

constexpr const char* k_roles_sql = "SELECT rolname, rolcanlogin FROM pg_roles";

constexpr const char* k_verifiers_sql = "SELECT rolname, rolpassword FROM pg_authid";

constexpr const char* k_members_sql = R"SQL(
SELECT r.rolname, m.rolname FROM pg_auth_members am
JOIN pg_roles r ON r.oid = am.roleid JOIN pg_roles m ON m.oid = am.member
)SQL";

constexpr const char* k_databases_sql = R"SQL(
SELECT d.datname, pg_get_userbyid(d.datdba),
       CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee) END,
       a.privilege_type
FROM pg_database d
LEFT JOIN LATERAL aclexplode(coalesce(d.datacl, acldefault('d', d.datdba))) a ON true
)SQL";

constexpr const char* k_schemas_sql = R"SQL(
SELECT n.nspname, pg_get_userbyid(n.nspowner),
       CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee) END,
       a.privilege_type
FROM pg_namespace n
LEFT JOIN LATERAL aclexplode(coalesce(n.nspacl, acldefault('n', n.nspowner))) a ON true
WHERE n.nspname NOT LIKE 'pg\_%' AND n.nspname <> 'information_schema'
)SQL";

constexpr const char* k_objects_sql = R"SQL(
WITH objects AS (
  SELECT c.oid, c.relname::text AS name, n.nspname, CASE WHEN c.relkind = 'S' THEN 'S' ELSE 'r' END AS kind,
         c.relowner AS owner,
         coalesce(c.relacl, acldefault((CASE WHEN c.relkind = 'S' THEN 's' ELSE 'r' END)::"char", c.relowner)) AS acl
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
    AND n.nspname NOT LIKE 'pg\_%' AND n.nspname <> 'information_schema'
  UNION ALL
  SELECT p.oid, p.proname::text, n.nspname, 'f', p.proowner, coalesce(p.proacl, acldefault('f', p.proowner))
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
  WHERE n.nspname NOT LIKE 'pg\_%' AND n.nspname <> 'information_schema'
    AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
)
SELECT o.nspname, o.oid, o.kind, pg_get_userbyid(o.owner), o.name, g.grantee, g.privileges
FROM objects o LEFT JOIN LATERAL (
  SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee) END AS grantee,
         string_agg(a.privilege_type, ',') AS privileges
  FROM aclexplode(o.acl) a WHERE a.grantee <> o.owner GROUP BY a.grantee
) g ON true
ORDER BY o.nspname, o.kind, o.oid
)SQL";

constexpr const char* k_default_acl_sql = R"SQL(
SELECT pg_get_userbyid(d.defaclrole), coalesce(n.nspname, ''), d.defaclobjtype,
       CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee) END,
       a.privilege_type
FROM pg_default_acl d
LEFT JOIN pg_namespace n ON n.oid = d.defaclnamespace
CROSS JOIN LATERAL aclexplode(d.defaclacl) a
)SQL";

void add_grant(Acl& acl, const pqxx::field& grantee, const pqxx::field& privilege) {
  if (!grantee.is_null() && !privilege.is_null()) {
    acl[grantee.as<std::string>()].insert(privilege.as<std::string>());
  }
}

// `privileges` is a comma-separated list (string_agg).
void add_grants(Acl& acl, const pqxx::field& grantee, const pqxx::field& privileges) {
  if (grantee.is_null() || privileges.is_null()) {
    return;
  }
  auto& held = acl[grantee.as<std::string>()];
  std::string_view list = privileges.c_str();
  while (!list.empty()) {
    std::size_t comma = list.find(',');
    held.emplace(list.substr(0, comma));
    list.remove_prefix(comma == std::string_view::npos ? list.size() : comma + 1);
  }
}

} // namespace

ServerCatalog read_server_catalog(pqxx::connection& connection) {
  pqxx::read_transaction tx(connection);
  ServerCatalog out;
  pqxx::row self = tx.exec1(k_server_sql);
  out.admin = {self[0].as<std::string>(), self[4].as<std::string>(), self[1].as<bool>(),
               self[2].as<bool>(), self[3].as<bool>(), "postgres"};
  for (const auto& row : tx.exec(k_roles_sql)) {
    out.roles[row[0].as<std::string>()].login = row[1].as<bool>();
  }
  out.verifiers_readable = self[5].as<bool>();
  if (out.verifiers_readable) {
    for (const auto& row : tx.exec(k_verifiers_sql)) {
      if (!row[1].is_null()) {
        out.roles[row[0].as<std::string>()].verifier = row[1].as<std::string>();
      }
    }
  }
  for (const auto& row : tx.exec(k_members_sql)) {
    out.memberships.emplace(row[0].as<std::string>(), row[1].as<std::string>());
  }
  for (const auto& row : tx.exec(k_databases_sql)) {
    auto& database = out.databases[row[0].as<std::string>()];
    database.owner = row[1].as<std::string>();
    add_grant(database.acl, row[2], row[3]);
  }
  return out;
}

DatabaseCatalog read_database_catalog(pqxx::connection& connection) {
  pqxx::read_transaction tx(connection);
  DatabaseCatalog out;
  out.exists = true;
  for (const auto& row : tx.exec(k_schemas_sql)) {
    auto& schema = out.schemas[row[0].as<std::string>()];
    schema.owner = row[1].as<std::string>();
    add_grant(schema.acl, row[2], row[3]);
  }
  for (const auto& row : tx.exec("SELECT extname FROM pg_extension")) {
    out.extensions.insert(row[0].as<std::string>());
  }
  // One row per object and grantee other than its owner (the owner's own rights never decide a
  // plan), so a fleet's schema-per-tenant database of thousands of tables reads small.
  std::string last_schema;
  long last_oid = -1;
  char last_kind = 0;
  for (const auto& row : tx.exec(k_objects_sql)) {
    std::string schema_name = row[0].as<std::string>();
    long oid = row[1].as<long>();
    char kind = row[2].as<std::string>().at(0);
    auto& objects = out.schemas[schema_name].objects;
    if (schema_name != last_schema || oid != last_oid || kind != last_kind) {
      objects.push_back({kind, row[3].as<std::string>(), row[4].as<std::string>(), {}});
      last_schema = schema_name;
      last_oid = oid;
      last_kind = kind;
    }
    add_grants(objects.back().acl, row[5], row[6]);
  }
  for (const auto& row : tx.exec(k_default_acl_sql)) {
    auto key = std::make_tuple(row[0].as<std::string>(), row[1].as<std::string>(),
                               row[2].as<std::string>().at(0));
    add_grant(out.default_acl[key], row[3], row[4]);
  }
  return out;
}

} // namespace dbctl::engine::postgres
