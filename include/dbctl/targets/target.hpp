#pragma once
// A target: one (service, tenant) pair placed on a server, database and schema.
#include "dbctl/topology/model.hpp"

#include <cstddef>
#include <filesystem>
#include <iterator>
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

/// Targets held elsewhere, by address: how a server's share of a fleet is passed around, so
/// that a fleet's targets (hundreds of bytes each) are not copied once more per server and per
/// step. Iterating yields `const Target&`; the targets must outlive it. A vector of targets
/// converts to one that refers to each of them.
class TargetRefs {
public:
  class iterator {
  public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = Target;
    using difference_type = std::ptrdiff_t;
    using pointer = const Target*;
    using reference = const Target&;
    explicit iterator(std::vector<const Target*>::const_iterator at) : m_at(at) {}
    reference operator*() const { return **m_at; }
    pointer operator->() const { return *m_at; }
    iterator& operator++() {
      ++m_at;
      return *this;
    }
    bool operator==(const iterator& other) const { return m_at == other.m_at; }
    bool operator!=(const iterator& other) const { return m_at != other.m_at; }

  private:
    std::vector<const Target*>::const_iterator m_at;
  };

  TargetRefs() = default;
  TargetRefs(const std::vector<Target>& targets) { // NOLINT(google-explicit-constructor): a view of them
    m_refs.reserve(targets.size());
    for (const auto& target : targets) {
      m_refs.push_back(&target);
    }
  }
  void push_back(const Target& target) { m_refs.push_back(&target); }
  void append(const TargetRefs& more) { m_refs.insert(m_refs.end(), more.m_refs.begin(), more.m_refs.end()); }
  void reserve(std::size_t count) { m_refs.reserve(count); }
  iterator begin() const { return iterator(m_refs.begin()); }
  iterator end() const { return iterator(m_refs.end()); }
  bool empty() const { return m_refs.empty(); }
  std::size_t size() const { return m_refs.size(); }
  const Target& front() const { return *m_refs.front(); }

private:
  std::vector<const Target*> m_refs;
};

} // namespace dbctl::targets
