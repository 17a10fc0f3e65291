#pragma once
// What PostgreSQL's catalogs say, as plain data the planner compares specs against.
#include "dbctl/engine/specs.hpp"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <pqxx/connection>

namespace dbctl::engine::postgres {

/// The grantee name aclexplode gives the PUBLIC pseudo-role.
inline const std::string k_public = "PUBLIC";

/// Privileges one grantee holds on one object, by grantee name.
using Acl = std::map<std::string, std::set<std::string>>;

/// Cluster-wide state, read from the admin database.
struct ServerCatalog {
  AdminInfo admin;
  struct Role {
    bool login = false;
    std::optional<std::string> verifier; ///< rolpassword, when the admin may read pg_authid
  };
  std::map<std::string, Role> roles;
  bool verifiers_readable = false;
  std::set<std::pair<std::string, std::string>> memberships; ///< (role, member)
  struct Database {
    std::string owner;
    Acl acl; ///< explicit or default privileges (CONNECT, TEMPORARY, CREATE)
  };
  std::map<std::string, Database> databases;
};

/// One object (table-like, sequence or function) in a schema.
struct DbObject {
  char kind = 'r'; ///< 'r' tables, views and the like; 'S' sequences; 'f' functions
  std::string owner;
  std::string name;
  Acl acl; ///< the privileges of grantees other than the owner
};

/// State inside one database; empty when the database does not exist (yet).
struct DatabaseCatalog {
  bool exists = false;
  struct Schema {
    std::string owner;
    Acl acl; ///< USAGE, CREATE
    std::vector<DbObject> objects;
  };
  std::map<std::string, Schema> schemas;
  std::set<std::string> extensions;
  /// pg_default_acl: (owner, schema, object type) -> grants
  std::map<std::tuple<std::string, std::string, char>, Acl> default_acl;
};

/// Read the cluster-wide catalogs through an admin connection.
ServerCatalog read_server_catalog(pqxx::connection& connection);

/// Read one database's catalogs through an admin connection to it.
DatabaseCatalog read_database_catalog(pqxx::connection& connection);

} // namespace dbctl::engine::postgres
