#include "dbctl/provision/prune.hpp"

#include <algorithm>
#include <set>

namespace dbctl::provision {

namespace {

using Pair = std::pair<std::string, std::string>;

bool reserved(const std::string& database) {
  return database == "postgres" || database == "template0" || database == "template1";
}

// The (role, database) pairs and memberships the desired state gives.
struct Wanted {
  std::set<Pair> access;
  std::set<Pair> memberships;
};

Wanted wanted_of(const DesiredState& desired) {
  Wanted out;
  for (const auto& database : desired.databases) {
    if (database.owner) {
      out.access.emplace(*database.owner, database.name);
    }
    for (const auto& role : database.connect) {
      out.access.emplace(role, database.name);
    }
    for (const auto& owner : database.owners) {
      out.access.emplace(owner, database.name);
    }
  }
  for (const auto& grant : desired.grants) {
    out.access.emplace(grant.role, grant.database);
    if (grant.access == engine::Access::all) {
      out.memberships.emplace(grant.owner, grant.role); // owner-equivalence is membership
    }
  }
  for (const auto& membership : desired.memberships) {
    out.memberships.emplace(membership.role, membership.member);
  }
  return out;
}

} // namespace

bool Unwanted::empty() const {
  return access.empty() && memberships.empty() && schemas.empty() && databases.empty() && roles.empty();
}

engine::Managed marks_of(const DesiredState& desired) {
  engine::Managed out;
  for (const auto& role : desired.roles) {
    out.roles.insert(role.name);
  }
  for (const auto& database : desired.databases) {
    if (!reserved(database.name)) {
      out.databases.insert(database.name);
    }
  }
  for (const auto& schema : desired.schemas) {
    out.schemas.emplace(schema.database, schema.name);
  }
  return out;
}

void plan_marks(engine::AdminSession& session, const std::string& project, engine::Managed objects, Lanes& lanes,
                std::vector<engine::Statement>& out) {
  // At most one mark per object, and MySQL's role that marks users: the plan grows once, not by
  // doubling (a fleet's plan of tens of thousands of statements would be held twice over).
  out.reserve(out.size() + objects.roles.size() + objects.databases.size() + objects.schemas.size() + 1);
  engine::Managed roles;
  roles.roles = std::move(objects.roles);
  for (auto& statement : session.mark(project, roles)) {
    out.push_back(std::move(statement));
  }
  // Each database with its schemas, in the database's lane (a fleet's databases marked side by
  // side): both sets are in order of database, so one walk pairs them.
  auto database = objects.databases.begin();
  auto schema = objects.schemas.begin();
  while (database != objects.databases.end() || schema != objects.schemas.end()) {
    const std::string& name = schema == objects.schemas.end() ||
                                      (database != objects.databases.end() && *database <= schema->first)
                                  ? *database
                                  : schema->first;
    engine::Managed marks;
    if (database != objects.databases.end() && *database == name) {
      marks.databases.insert(*database++);
    }
    for (; schema != objects.schemas.end() && schema->first == name; ++schema) {
      marks.schemas.insert(*schema);
    }
    lanes.append(session.mark(project, marks), name, out);
  }
}

Unwanted unwanted(const engine::Managed& managed, const DesiredState& wanted, const engine::AdminInfo& admin,
                  topology::PruneRoles roles) {
  engine::Managed keep = marks_of(wanted);
  Wanted gives = wanted_of(wanted);
  Unwanted out;
  for (const auto& role : managed.roles) {
    if (keep.roles.count(role) == 0 && role != admin.user) {
      out.roles.push_back(role);
    }
  }
  for (const auto& database : managed.databases) {
    if (keep.databases.count(database) == 0 && !reserved(database)) {
      out.databases.push_back(database);
    }
  }
  auto going = [](const std::vector<std::string>& list, const std::string& name) {
    return std::find(list.begin(), list.end(), name) != list.end();
  };
  for (const auto& [database, schema] : managed.schemas) {
    if (keep.schemas.count({database, schema}) == 0 && !going(out.databases, database)) {
      out.schemas.emplace_back(database, schema);
    }
  }
  // A database that is let go (keep) stays, and so would the access to it.
  bool dropped = roles == topology::PruneRoles::drop;
  for (const auto& [role, database] : managed.access) {
    if (gives.access.count({role, database}) == 0 && !going(out.roles, role) &&
        !(dropped && going(out.databases, database))) {
      out.access.emplace_back(role, database);
    }
  }
  for (const auto& [role, member] : managed.memberships) {
    if (gives.memberships.count({role, member}) == 0 && !going(out.roles, role) && !going(out.roles, member)) {
      out.memberships.emplace_back(role, member);
    }
  }
  return out;
}

std::vector<std::string> describe(const Unwanted& unwanted, topology::PruneRoles roles, const std::string& admin) {
  bool drop = roles == topology::PruneRoles::drop;
  std::vector<std::string> out;
  for (const auto& [role, database] : unwanted.access) {
    out.push_back("access of role " + role + " to database " + database + " (init --prune revokes it)");
  }
  for (const auto& [role, member] : unwanted.memberships) {
    out.push_back("membership of role " + member + " in " + role + " (init --prune revokes it)");
  }
  for (const auto& [database, schema] : unwanted.schemas) {
    out.push_back("schema " + schema + " of database " + database +
                  (drop ? " (init --prune drops it and what it holds)" : " (init --prune lets it go: no longer managed)"));
  }
  for (const auto& database : unwanted.databases) {
    out.push_back("database " + database +
                  (drop ? " (init --prune drops it)" : " (init --prune lets it go to " + admin + ": no longer managed)"));
  }
  for (const auto& role : unwanted.roles) {
    out.push_back("role " + role +
                  (drop ? " (init --prune drops it and what it owns)"
                        : " (init --prune drops it, handing what it owns to " + admin + ")"));
  }
  return out;
}

std::vector<engine::Statement> plan_prune(engine::AdminSession& session, const Unwanted& unwanted,
                                          topology::PruneRoles roles, const engine::Managed& managed) {
  bool drop = roles == topology::PruneRoles::drop;
  std::vector<engine::Statement> out;
  auto add = [&out](std::vector<engine::Statement> more) { out.insert(out.end(), more.begin(), more.end()); };
  for (const auto& [role, database] : unwanted.access) {
    add(session.revoke_access(role, database));
  }
  for (const auto& [role, member] : unwanted.memberships) {
    add(session.revoke_membership(role, member));
  }
  for (const auto& [database, schema] : unwanted.schemas) {
    add(drop ? session.drop_schema(database, schema) : session.unmark(database, schema));
  }
  for (const auto& database : unwanted.databases) {
    add(drop ? session.drop_database(database) : session.unmark(database, std::nullopt));
  }
  // A role's objects and grants may be in any database that stays.
  std::vector<std::string> surviving;
  for (const auto& database : managed.databases) {
    if (!drop || std::find(unwanted.databases.begin(), unwanted.databases.end(), database) == unwanted.databases.end()) {
      surviving.push_back(database);
    }
  }
  for (const auto& role : unwanted.roles) {
    add(drop ? session.drop_role(role, surviving) : session.hand_over_role(role, surviving));
  }
  return out;
}

} // namespace dbctl::provision
