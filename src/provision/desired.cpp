#include "dbctl/provision/provision.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <tuple>
#include <unordered_map>

namespace dbctl::provision {

namespace {

using engine::Access;
using topology::Privilege;

Access access_of(Privilege privilege) {
  switch (privilege) {
  case Privilege::read:
    return Access::read;
  case Privilege::write:
    return Access::write;
  case Privilege::all:
    return Access::all;
  }
  return Access::read;
}

// Collect roles once each, in first-seen order.
class RoleList {
public:
  void add(const targets::Role& role) {
    if (m_seen.insert(role.name).second) {
      m_roles.push_back({role.name, role.password});
    }
  }
  std::vector<engine::RoleSpec> take() { return std::move(m_roles); }

private:
  std::set<std::string> m_seen;
  std::vector<engine::RoleSpec> m_roles;
};

// Every role a target needs inside its database.
std::vector<std::string> roles_of(const targets::Target& target) {
  std::vector<std::string> out{target.owner.name};
  if (target.app) {
    out.push_back(target.app->name);
  }
  for (const auto& grant : target.grants) {
    out.push_back(grant.role.name);
  }
  return out;
}

// The spec of database `name`, from every target in it (`in`).
engine::DatabaseSpec database_spec(const std::string& name, const targets::TargetRefs& in) {
  std::set<std::string> owners;
  std::vector<std::string> owner_list;
  std::vector<std::string> connect;
  for (const auto& target : in) {
    if (owners.insert(target.owner.name).second) {
      owner_list.push_back(target.owner.name);
    }
    for (const auto& role : roles_of(target)) {
      if (std::find(connect.begin(), connect.end(), role) == connect.end()) {
        connect.push_back(role);
      }
    }
  }
  // One owner owns the database; a database several owners share stays with the admin.
  std::optional<std::string> owner;
  if (owners.size() == 1) {
    owner = *owners.begin();
  }
  return {name, owner, connect, owner_list};
}

// What each role is granted on a (database, schema), from every target of the server: one
// access level per role and place (the highest asked for), so that init, which revokes what
// exceeds it, never takes back what another grant entry or another service in the same
// database (MySQL's shared mode) gives, even when that target is not selected.
class Accesses {
public:
  explicit Accesses(const targets::TargetRefs& all) {
    for (const auto& target : all) {
      if (target.app) {
        raise(target, target.app->name, Access::write);
      }
      for (const auto& grant : target.grants) {
        raise(target, grant.role.name, access_of(grant.privilege));
      }
    }
  }
  /// Return the grant for a role on a target's place (`access` raised to the highest any
  /// target asks for there), or nullopt when it was already given.
  std::optional<engine::GrantSpec> take(const targets::Target& target, const std::string& role, Access access) {
    Key key{target.database, target.schema.value_or(""), role};
    if (!m_given.insert(key).second) {
      return std::nullopt;
    }
    auto highest = m_access.find(key);
    if (highest != m_access.end() && static_cast<int>(highest->second) > static_cast<int>(access)) {
      access = highest->second;
    }
    engine::GrantSpec spec{target.database, target.schema, target.owner.name, role, access};
    spec.member_elsewhere = m_members.count({target.owner.name, role}) != 0;
    return spec;
  }

private:
  using Key = std::tuple<std::string, std::string, std::string>;
  void raise(const targets::Target& target, const std::string& role, Access access) {
    Key key{target.database, target.schema.value_or(""), role};
    auto [it, fresh] = m_access.emplace(key, access);
    if (!fresh && static_cast<int>(access) > static_cast<int>(it->second)) {
      it->second = access;
    }
    if (access == Access::all) {
      m_members.emplace(target.owner.name, role); // owner-equivalent: membership in the owner
    }
  }
  std::map<Key, Access> m_access;
  std::set<std::pair<std::string, std::string>> m_members;
  std::set<Key> m_given;
};

} // namespace

engine::AclUserSpec acl_user_spec(const targets::Target& store) {
  engine::AclUserSpec spec;
  spec.name = store.owner.name;
  spec.password = store.owner.password.value_or(util::Secret("")); // expansion refuses a user without one
  spec.keys = store.redis->key_pattern();
  spec.channels = store.redis->channel_pattern();
  spec.commands = store.redis->commands;
  spec.service = store.service;
  if (store.redis->prefix.empty()) {
    spec.own_database = store.redis->db;
  }
  return spec;
}

DesiredState desired_state(const targets::TargetRefs& selected,
                           const targets::TargetRefs& all, const engine::AdminInfo& admin) {
  DesiredState out;
  if (!selected.empty() && selected.front().redis) {
    // A Redis server holds ACL users only, one per namespace (a name shared by targets means
    // one namespace: expansion checked).
    std::set<std::string> seen;
    for (const auto& store : selected) {
      if (seen.insert(store.owner.name).second) {
        out.acl_users.push_back(acl_user_spec(store));
      }
    }
    return out;
  }
  Accesses accesses(all);
  // Each database's targets, found once: a database per tenant would otherwise look through
  // the whole fleet for each of its thousands of databases.
  std::unordered_map<std::string, targets::TargetRefs> by_database;
  for (const auto& target : all) {
    by_database[target.database].push_back(target);
  }
  RoleList roles;
  std::set<std::string> databases;
  std::set<std::string> owners;
  std::set<std::pair<std::string, std::string>> extensions;
  for (const auto& target : selected) {
    roles.add(target.owner);
    if (target.app) {
      roles.add(*target.app);
    }
    for (const auto& grant : target.grants) {
      roles.add(grant.role);
    }
    if (databases.insert(target.database).second) {
      out.databases.push_back(database_spec(target.database, by_database[target.database]));
    }
    // A database's owner is always one of its targets' owners, so this covers it too.
    if (!admin.superuser && owners.insert(target.owner.name).second) {
      out.memberships.push_back({target.owner.name, admin.user});
    }
    if (target.schema && *target.schema != "public") {
      out.schemas.push_back({target.database, *target.schema, target.owner.name});
    }
    for (const auto& extension : target.extensions) {
      if (extensions.emplace(target.database, extension).second) {
        out.extensions.push_back({target.database, extension});
      }
    }
    std::vector<std::pair<std::string, Access>> grantees;
    if (target.app) {
      grantees.emplace_back(target.app->name, Access::write);
    }
    for (const auto& grant : target.grants) {
      grantees.emplace_back(grant.role.name, access_of(grant.privilege));
    }
    for (const auto& [role, access] : grantees) {
      if (auto spec = accesses.take(target, role, access)) {
        out.grants.push_back(std::move(*spec));
      }
    }
  }
  out.roles = roles.take();
  return out;
}

} // namespace dbctl::provision
