#include "dbctl/engine/error.hpp"
#include "dbctl/provision/provision.hpp"

#include <set>
#include <unordered_map>

namespace dbctl::provision {

namespace {

void append_one(std::vector<engine::Statement>&& more, std::vector<engine::Statement>& out) {
  out.insert(out.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
}

template <typename Spec>
void append(engine::AdminSession& session, const std::vector<Spec>& specs,
            std::vector<engine::Statement>& out) {
  for (const auto& spec : specs) {
    append_one(session.converge(spec), out);
  }
}

// The same for specs held elsewhere (a fleet's specs are not copied to be put in order), in
// `database`'s lane.
template <typename Spec>
void append(engine::AdminSession& session, const std::vector<const Spec*>& specs, const std::string& database,
            Lanes& lanes, std::vector<engine::Statement>& out) {
  for (const Spec* spec : specs) {
    lanes.append(session.converge(*spec), database, out);
  }
}

} // namespace

void Lanes::append(std::vector<engine::Statement>&& statements, const std::string& database,
                   std::vector<engine::Statement>& out) {
  auto lane = m_lanes.try_emplace(database, static_cast<std::uint32_t>(m_lanes.size() + 1)).first->second;
  for (auto& statement : statements) {
    statement.lane = lane;
  }
  append_one(std::move(statements), out);
}

std::vector<engine::Statement> plan(engine::AdminSession& session, const DesiredState& desired,
                                    const std::string& server_name, Lanes& lanes) {
  std::vector<engine::Statement> out = session.converge(desired.roles);
  const engine::AdminInfo& admin = session.info();
  if (!out.empty() && !admin.superuser && !admin.create_role) {
    throw DbError(server_name + ": the admin user " + admin.user +
                  " may not create or alter roles; grant it CREATEROLE (ALTER ROLE " + admin.user +
                  " CREATEROLE) or use a superuser");
  }
  append(session, desired.memberships, out);
  std::size_t before = out.size();
  for (const auto& spec : desired.databases) {
    lanes.append(session.converge(spec), spec.name, out);
  }
  bool creates = false;
  for (std::size_t i = before; i < out.size(); ++i) {
    creates = creates || out[i].kind == engine::StatementKind::create_database;
  }
  if (creates && !admin.superuser && !admin.create_database) {
    throw DbError(server_name + ": the admin user " + admin.user +
                  " may not create databases; grant it CREATEDB (ALTER ROLE " + admin.user +
                  " CREATEDB) or use a superuser");
  }
  // Inside the databases: each database's schemas, then its extensions, then its grants, one
  // database after another in order of first mention, so that each of a fleet's thousands of
  // tenant databases is visited once (the session keeps only a few connections open).
  struct Inside {
    std::vector<const engine::SchemaSpec*> schemas;
    std::vector<const engine::ExtensionSpec*> extensions;
    std::vector<const engine::GrantSpec*> grants;
  };
  std::vector<std::string> order;
  std::unordered_map<std::string, Inside> inside;
  auto of = [&](const std::string& database) -> Inside& {
    auto [it, added] = inside.try_emplace(database);
    if (added) {
      order.push_back(database);
    }
    return it->second;
  };
  for (const auto& spec : desired.schemas) {
    of(spec.database).schemas.push_back(&spec);
  }
  for (const auto& spec : desired.extensions) {
    of(spec.database).extensions.push_back(&spec);
  }
  for (const auto& spec : desired.grants) {
    of(spec.database).grants.push_back(&spec);
  }
  for (const auto& database : order) {
    const Inside& in = inside.at(database);
    append(session, in.schemas, database, lanes, out);
    append(session, in.extensions, database, lanes, out);
    append(session, in.grants, database, lanes, out);
  }
  append(session, desired.acl_users, out);
  return out;
}

namespace {

// A Redis server's teardown: its users, and with flush the namespaces' keys.
Teardown redis_teardown(const targets::TargetRefs& selected, const targets::TargetRefs& all,
                        const engine::AdminInfo& admin, bool flush) {
  std::set<std::string> selected_keys;
  for (const auto& store : selected) {
    selected_keys.insert(store.key());
  }
  std::set<std::string> kept;
  for (const auto& store : all) {
    if (selected_keys.count(store.key()) == 0) {
      kept.insert(store.owner.name);
    }
  }
  Teardown out;
  std::set<std::string> seen;
  std::set<std::pair<int, std::string>> flushed;
  for (const auto& store : selected) {
    if (store.owner.name != admin.user && kept.count(store.owner.name) == 0 && seen.insert(store.owner.name).second) {
      out.roles.push_back(store.owner.name);
    }
    if (flush && flushed.insert({store.redis->db, store.redis->prefix}).second) {
      out.keys.emplace_back(store.redis->db, store.redis->prefix);
    }
  }
  return out;
}

} // namespace

Teardown teardown(const targets::TargetRefs& selected,
                  const targets::TargetRefs& all, const engine::AdminInfo& admin, bool flush) {
  if (!selected.empty() && selected.front().redis) {
    return redis_teardown(selected, all, admin, flush);
  }
  std::set<std::string> selected_keys;
  for (const auto& target : selected) {
    selected_keys.insert(target.key());
  }
  std::set<std::string> partial;   // databases holding an unselected target
  std::set<std::string> kept_roles;
  std::set<std::string> managed;
  for (const auto& target : all) {
    managed.insert(target.database);
    if (selected_keys.count(target.key()) == 0) {
      partial.insert(target.database);
      kept_roles.insert(target.owner.name);
      if (target.app) {
        kept_roles.insert(target.app->name);
      }
      for (const auto& grant : target.grants) {
        kept_roles.insert(grant.role.name);
      }
    }
  }
  Teardown out;
  std::set<std::string> seen_databases;
  std::set<std::string> seen_roles;
  auto add_role = [&](const std::string& role) {
    if (role != admin.user && kept_roles.count(role) == 0 && seen_roles.insert(role).second) {
      out.roles.push_back(role);
    }
  };
  for (const auto& target : selected) {
    for (const char* reserved : {"postgres", "template0", "template1"}) {
      if (target.database == reserved) {
        throw UsageError(target.key() + ": dbctl never drops the " + target.database + " database");
      }
    }
    if (partial.count(target.database) == 0) {
      if (seen_databases.insert(target.database).second) {
        out.databases.push_back(target.database);
      }
    } else if (target.schema && *target.schema != "public") {
      out.schemas.emplace_back(target.database, *target.schema);
    }
    add_role(target.owner.name);
    if (target.app) {
      add_role(target.app->name);
    }
    for (const auto& grant : target.grants) {
      add_role(grant.role.name);
    }
  }
  for (const auto& database : managed) {
    if (seen_databases.count(database) == 0) {
      out.surviving_databases.push_back(database);
    }
  }
  return out;
}

std::vector<engine::Statement> plan_teardown(engine::AdminSession& session,
                                             const Teardown& teardown) {
  std::vector<engine::Statement> out;
  auto add = [&out](std::vector<engine::Statement> more) { append_one(std::move(more), out); };
  for (const auto& [database, schema] : teardown.schemas) {
    add(session.drop_schema(database, schema));
  }
  for (const auto& database : teardown.databases) {
    add(session.drop_database(database));
  }
  for (const auto& role : teardown.roles) {
    add(session.drop_role(role, teardown.surviving_databases));
  }
  for (const auto& [db, prefix] : teardown.keys) {
    add(session.drop_keys(db, prefix));
  }
  return out;
}

} // namespace dbctl::provision
