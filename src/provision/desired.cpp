#include "dbctl/provision/provision.hpp"

#include <algorithm>
#include <map>
#include <set>

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

engine::DatabaseSpec database_spec(const std::string& name, const std::vector<targets::Target>& all) {
  std::set<std::string> owners;
  std::vector<std::string> owner_list;
  std::vector<std::string> connect;
  for (const auto& target : all) {
    if (target.database != name) {
      continue;
    }
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

} // namespace

DesiredState desired_state(const std::vector<targets::Target>& selected,
                           const std::vector<targets::Target>& all, const engine::AdminInfo& admin) {
  DesiredState out;
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
      out.databases.push_back(database_spec(target.database, all));
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
    if (target.app) {
      out.grants.push_back({target.database, target.schema, target.owner.name, target.app->name,
                            Access::write});
    }
    for (const auto& grant : target.grants) {
      out.grants.push_back({target.database, target.schema, target.owner.name, grant.role.name,
                            access_of(grant.privilege)});
    }
  }
  out.roles = roles.take();
  return out;
}

} // namespace dbctl::provision
