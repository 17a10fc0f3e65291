#pragma once
// Engine-neutral descriptions of what should exist on a server; drivers converge to them.
#include "dbctl/util/secret.hpp"

#include <cstdint>
#include <optional>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace dbctl::engine {

/// One statement a driver would run, where it runs, and how it may be shown.
/// What a planned statement does, where policy must know it without reading its SQL.
enum class StatementKind {
  other,
  create_database, ///< needs the admin's right to create databases
};

struct Statement {
  std::string database; ///< the database whose connection runs it; empty: the admin database (Redis: its number)
  std::string sql;      ///< what is sent to the server (SQL engines)
  /// What plans and logs show when it differs from `sql` (secrets masked); empty: `sql` itself,
  /// so a fleet's plan of tens of thousands of statements holds each text once.
  std::string shown;
  StatementKind kind;
  /// Which statements may run beside it (init -j): statements of one lane run in plan order on
  /// one connection, and the lanes between two statements of lane 0 may run at the same time; a
  /// statement of lane 0 runs alone, after every statement before it. A plan gives each database
  /// a lane of its own (provision::Lanes); engines leave it 0.
  std::uint32_t lane = 0;
  std::vector<std::string> args; ///< Redis: the command's words, sent as they are (no text to quote)

  /// Return what plans and logs show.
  const std::string& display() const { return shown.empty() ? sql : shown; }
};

/// What a role may do with a target's objects.
enum class Access {
  read,  ///< SELECT on tables
  write, ///< the app set: SELECT, INSERT, UPDATE, DELETE, sequences, EXECUTE
  all    ///< owner-equivalent
};

/// A role; it can log in exactly when it has a password.
struct RoleSpec {
  std::string name;
  std::optional<util::Secret> password;
};

/// `member` belongs to `role` (e.g. a non-superuser admin to the owners it acts for).
struct MembershipSpec {
  std::string role;
  std::string member;
};

/// A database; `owner` empty leaves it to the admin (several owners share it).
struct DatabaseSpec {
  std::string name;
  std::optional<std::string> owner;
  std::vector<std::string> connect; ///< roles besides the owner that may connect
  /// Every target owner using the database (engines without ownership grant each ALL).
  std::vector<std::string> owners;
};

/// A schema inside a database, owned by a role (PostgreSQL).
struct SchemaSpec {
  std::string database;
  std::string name;
  std::string owner;
};

/// A role's access to the objects `owner` creates in a database (and schema), now and later.
struct GrantSpec {
  std::string database;
  std::optional<std::string> schema;
  std::string owner;
  std::string role;
  /// The one level the role gets here: privileges beyond it that dbctl manages (a role changed
  /// from write to read) are revoked.
  Access access = Access::read;
  /// Another grant makes the role a member of the owner (access all elsewhere): keep that.
  bool member_elsewhere = false;
};

/// An extension created by the admin in a database (PostgreSQL).
struct ExtensionSpec {
  std::string database;
  std::string name;
};

/// An extension a PostgreSQL server could create (pg_available_extensions), at its default
/// version.
struct AvailableExtension {
  bool superuser = true; ///< only a superuser may create it...
  bool trusted = false;  ///< ...unless it is trusted (then CREATE on the database suffices)
};

/// A Redis ACL user and the namespace it may reach, in ACL's own words.
struct AclUserSpec {
  std::string name;
  util::Secret password; ///< sent as its SHA-256 (`#<hex>`), never in clear
  std::string keys;      ///< "~users:*"
  std::string channels;  ///< "&users:*"
  std::string commands;  ///< "+@all -@admin -@dangerous"
  std::string service;   ///< whose namespace it is
  /// namespace: db: the database number that is the service's own (recorded on the server, so
  /// that no other service is ever given it).
  std::optional<int> own_database;
};

/// Where a Redis ACL user stands against its spec.
enum class AclState { ready, missing, drift };

/// What one project's dbctl marked as its own on a server. `init` marks every role, database and
/// schema it manages (PostgreSQL: a comment `dbctl:PROJECT`; MariaDB: a database comment, and a
/// user's membership in the role `dbctl:PROJECT`); pruning looks at marked objects only, so a
/// role or database made by hand, or by another project, is never touched.
struct Managed {
  std::set<std::string> roles;
  std::set<std::string> databases;
  std::set<std::pair<std::string, std::string>> schemas;     ///< (database, schema)
  std::set<std::pair<std::string, std::string>> access;      ///< (role, database): a marked role's privileges there
  std::set<std::pair<std::string, std::string>> memberships; ///< (role, member), both marked
};

/// What the admin connection is and may do.
struct AdminInfo {
  std::string user;
  std::string server_version; ///< as the server reports it ("15.4 (Debian ...)", "10.11.6-MariaDB-...")
  bool superuser = false;
  bool create_role = false;
  bool create_database = false;
  std::string product; ///< "postgres", "mysql" or "mariadb": the key of a manifest's minimum version
  bool galera = false; ///< a MariaDB Galera node (wsrep_on=ON): GET_LOCK is this node's only
};

} // namespace dbctl::engine
