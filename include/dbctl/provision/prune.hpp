#pragma once
// Pruning: what a server holds of a project's (marked, engine::Managed) that the topology no
// longer asks for, and the statements that remove it, written once for every engine.
#include "dbctl/engine/driver.hpp"
#include "dbctl/provision/provision.hpp"
#include "dbctl/topology/model.hpp"

#include <string>
#include <utility>
#include <vector>

namespace dbctl::provision {

/// Marked objects the topology no longer asks for on one server.
struct Unwanted {
  std::vector<std::pair<std::string, std::string>> access;      ///< (role, database) to revoke
  std::vector<std::pair<std::string, std::string>> memberships; ///< (role, member) to end
  std::vector<std::pair<std::string, std::string>> schemas;     ///< (database, schema)
  std::vector<std::string> databases;
  std::vector<std::string> roles;
  /// Tell whether there is nothing to prune.
  bool empty() const;
};

/// Return the marks of what `desired` manages: its roles, databases and schemas.
engine::Managed marks_of(const DesiredState& desired);

/// Append to `out` the statements marking `objects` as `project`'s (AdminSession::mark), those not
/// marked yet: the roles' marks in lane 0, each database's and its schemas' in the database's lane.
void plan_marks(engine::AdminSession& session, const std::string& project, engine::Managed objects, Lanes& lanes,
                std::vector<engine::Statement>& out);

/// Return what `managed` holds beyond `wanted`, the desired state of every target the topology
/// places on the server (all of them, whatever the selection). A role that goes takes its access
/// and memberships with it, and so does a database that is dropped (PruneRoles::drop), so they
/// are not listed apart. Never the admin's own role, never the postgres, template0 or template1
/// database.
Unwanted unwanted(const engine::Managed& managed, const DesiredState& wanted, const engine::AdminInfo& admin,
                  topology::PruneRoles roles);

/// Return one line per unwanted object, saying what `init --prune` does with it under `roles`
/// ("role crm_acme (init --prune drops it, handing what it owns to postgres)").
std::vector<std::string> describe(const Unwanted& unwanted, topology::PruneRoles roles, const std::string& admin);

/// Return the statements pruning `unwanted`: access and memberships revoked; with
/// PruneRoles::drop the schemas and databases dropped and the roles dropped with what they own;
/// with PruneRoles::keep the schemas and databases left unmarked (no longer managed) and what the
/// roles own handed to the admin before they are dropped. `managed` says which databases survive
/// (where a role's objects and privileges are looked for).
std::vector<engine::Statement> plan_prune(engine::AdminSession& session, const Unwanted& unwanted,
                                          topology::PruneRoles roles, const engine::Managed& managed);

} // namespace dbctl::provision
