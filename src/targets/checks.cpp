#include "checks.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

namespace dbctl::targets::detail {

using topology::Engine;
using topology::Mode;
using topology::Topology;

Role make_role(const Topology& topology, const std::string& name,
               const std::optional<topology::Located<util::Secret>>& password) {
  if (password && !password->value.empty()) {
    return {name, password->value};
  }
  if (topology.derive_from) {
    return {name, derive_password(topology.derive_from->value, name)};
  }
  return {name, std::nullopt};
}

void attach_grants(const Topology& topology, Expansion& out) {
  for (const auto& extra : topology.roles) {
    Role role = make_role(topology, extra.name, extra.password);
    for (const auto& grant : extra.grants) {
      for (auto& target : out.targets) {
        bool covered = grant.all_services ||
                       std::any_of(grant.services.begin(), grant.services.end(),
                                   [&](const auto& s) { return s.value == target.service; });
        if (!covered) {
          continue;
        }
        auto existing = std::find_if(target.grants.begin(), target.grants.end(),
                                     [&](const RoleGrant& g) { return g.role.name == role.name; });
        if (existing == target.grants.end()) {
          target.grants.push_back({role, grant.privilege});
        } else if (grant.privilege > existing->privilege) {
          existing->privilege = grant.privilege;
        }
      }
    }
  }
}

namespace {

util::Location where_of(const Topology& topology, const std::string& service) {
  const topology::Service* found = topology.find_service(service);
  return found != nullptr ? found->where : util::Location{topology.file, 0, 0};
}

void check_placements(const Topology& topology, Expansion& out) {
  bool mysql_shared = topology.mode->value == Mode::shared;
  std::map<std::tuple<std::string, std::string, std::string>, const Target*> seen;
  std::set<std::pair<std::string, std::string>> reported;
  for (const auto& target : out.targets) {
    if (mysql_shared && target.engine() == Engine::mysql) {
      continue; // one database for every service; history rows are keyed by service
    }
    auto key = std::make_tuple(target.server->name, target.database, target.schema.value_or(""));
    auto [it, inserted] = seen.emplace(key, &target);
    if (inserted || !reported.emplace(it->second->service, target.service).second) {
      continue;
    }
    std::string place = "database '" + target.database + "'" +
                        (target.schema ? " schema '" + *target.schema + "'" : "") + " on server '" +
                        target.server->name + "'";
    out.diagnostics.error(where_of(topology, target.service),
                          it->second->key(false) + " and " + target.key(false) + " both land in " +
                              place + "; give each its own (services.<name>.database or naming)");
  }
}

enum class RoleUse { owner, app, extra };

std::string_view use_name(RoleUse use) {
  return use == RoleUse::owner ? "owner" : use == RoleUse::app ? "app role" : "extra role";
}

struct RoleSeen {
  RoleUse use;
  std::optional<util::Secret> password;
  std::string by;
};

class RoleRegistry {
public:
  RoleRegistry(const Topology& topology, Expansion& out) : m_topology(topology), m_out(out) {}

  void add(const std::string& server, const Role& role, RoleUse use, const std::string& by,
           const std::string& service) {
    auto [it, inserted] = m_seen.emplace(std::make_pair(server, role.name),
                                         RoleSeen{use, role.password, by});
    if (inserted) {
      return;
    }
    const RoleSeen& first = it->second;
    std::string problem;
    if (first.use != use) {
      problem = "role '" + role.name + "' on server '" + server + "' is the " +
                std::string(use_name(first.use)) + " of " + first.by + " and the " +
                std::string(use_name(use)) + " of " + by + "; give them different names";
    } else if (first.password != role.password) {
      problem = "role '" + role.name + "' on server '" + server + "' is given two different "
                "passwords (by " + first.by + " and by " + by + ")";
    }
    if (!problem.empty() && m_reported.insert(problem).second) {
      m_out.diagnostics.error(where_of(m_topology, service), problem);
    }
  }

private:
  const Topology& m_topology;
  Expansion& m_out;
  std::map<std::pair<std::string, std::string>, RoleSeen> m_seen;
  std::set<std::string> m_reported;
};

} // namespace

// One Redis user serves one namespace: a name two targets of a server share must mean the same
// keys, database, commands and password.
void check_redis_users(Expansion& out) {
  std::map<std::pair<const topology::Server*, std::string>, const Target*> users;
  for (const auto& store : out.stores) {
    auto [first, fresh] = users.emplace(std::pair{store.server, store.owner.name}, &store);
    if (fresh) {
      continue;
    }
    const Target& other = *first->second;
    bool same = other.redis->prefix == store.redis->prefix && other.redis->db == store.redis->db &&
                other.redis->commands == store.redis->commands &&
                other.owner.password.has_value() == store.owner.password.has_value() &&
                (!store.owner.password || other.owner.password->reveal() == store.owner.password->reveal());
    if (!same) {
      out.diagnostics.error(store.placed_at, "Redis user '" + store.owner.name + "' on server '" + store.server->name +
                                                 "' would serve both " + other.key(false) + " and " + store.key(false) +
                                                 " with different keys, commands or passwords; give each its own "
                                                 "name (redis.user, e.g. \"{service}_{tenant}\")");
    }
  }
}

void check_conflicts(const Topology& topology, Expansion& out) {
  check_placements(topology, out);
  check_redis_users(out);
  RoleRegistry roles(topology, out);
  for (const auto& target : out.targets) {
    const std::string& server = target.server->name;
    roles.add(server, target.owner, RoleUse::owner, target.key(false), target.service);
    if (target.app) {
      if (target.app->name == target.owner.name) {
        out.diagnostics.error(where_of(topology, target.service),
                              target.key(false) + ": the app role and the owner are both '" +
                                  target.owner.name + "'; the app role must be a separate role");
        continue;
      }
      roles.add(server, *target.app, RoleUse::app, target.key(false), target.service);
    }
    for (const auto& grant : target.grants) {
      roles.add(server, grant.role, RoleUse::extra, "roles." + grant.role.name, target.service);
    }
  }
}

} // namespace dbctl::targets::detail
