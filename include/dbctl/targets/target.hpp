#pragma once
// A target: one (service, tenant) pair placed on a server, database and schema.
#include "dbctl/topology/model.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace dbctl::targets {

/// A role as it will exist on a server.
struct Role {
  std::string name;
  /// nullopt: no password and no derive_from, so the role is created without LOGIN.
  std::optional<util::Secret> password;
};

/// An extra role's access to one target.
struct RoleGrant {
  Role role;
  topology::Privilege privilege = topology::Privilege::read;
};

/// A Redis target's namespace: what its ACL user may reach.
struct RedisAccess {
  int db = 0;           ///< the logical database its URL selects
  std::string prefix;   ///< its keys' and channels' prefix, "users:" or "users:acme:"; empty: all (namespace: db)
  std::string commands; ///< the ACL command rules, "+@all -@admin -@dangerous"

  /// Return the ACL key pattern: "~users:*" (namespace: db: "~*").
  std::string key_pattern() const { return "~" + prefix + "*"; }
  /// Return the ACL channel pattern: "&users:*" (namespace: db: "&*").
  std::string channel_pattern() const { return "&" + prefix + "*"; }
};

/// What every command works on; the three modes differ only in how they expand into these.
/// Holds a pointer into the Topology it came from, which must outlive it.
struct Target {
  std::string service;
  std::optional<std::string> tenant;
  const topology::Server* server = nullptr;
  std::string database;
  std::optional<std::string> schema; ///< PostgreSQL only; `public` unless the mode says otherwise
  Role owner;
  std::optional<Role> app;
  std::vector<RoleGrant> grants;
  std::vector<std::string> extensions;
  std::optional<std::filesystem::path> migrations; ///< nullopt for `migrations: none`
  /// format: command: the program that migrates it (into the Topology), null otherwise.
  const topology::CommandRunner* command = nullptr;
  /// format: command: the folder the program runs in (cwd:, else the service's folder).
  std::filesystem::path command_cwd;
  util::Location placed_at; ///< the topology line that chose the server (messages name it)
  bool canary = false;      ///< its tenant is a canary: first in a rollout in waves
  /// A Redis target (Expansion::stores): the namespace its ACL user (`owner`) reaches; its
  /// `database` is the number as text, and it has no schema, app role or migrations.
  std::optional<RedisAccess> redis;

  /// Return the engine of the target's server.
  topology::Engine engine() const { return server->engine->value; }
  /// Return the display name: `service`, `service[tenant]`, with `@server` when asked.
  std::string key(bool with_server = true) const;
};

} // namespace dbctl::targets
