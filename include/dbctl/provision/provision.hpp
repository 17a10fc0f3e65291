#pragma once
// Provisioning policy, written once for every engine: what a server should hold for a set of
// targets, in which order, and what destroy removes.
#include "dbctl/engine/driver.hpp"
#include "dbctl/targets/target.hpp"

#include <string>
#include <vector>

namespace dbctl::provision {

/// What one server should hold, in the order it is created.
struct DesiredState {
  std::vector<engine::RoleSpec> roles;
  std::vector<engine::MembershipSpec> memberships;
  std::vector<engine::DatabaseSpec> databases;
  std::vector<engine::SchemaSpec> schemas;
  std::vector<engine::ExtensionSpec> extensions;
  std::vector<engine::GrantSpec> grants;
};

/// Compute the desired state of the `selected` targets of one server. `all` holds every target
/// on that server: a database's owner and who may connect to it depend on all of them. An
/// admin that is not a superuser is made a member of each owner it creates objects for.
DesiredState desired_state(const std::vector<targets::Target>& selected,
                           const std::vector<targets::Target>& all, const engine::AdminInfo& admin);

/// Return the statements closing the gap between the server and the desired state (none when
/// it already matches). Throws DbError when the admin lacks a privilege the plan needs.
std::vector<engine::Statement> plan(engine::AdminSession& session, const DesiredState& desired,
                                    const std::string& server_name);

/// What destroy removes from one server.
struct Teardown {
  std::vector<std::string> databases;                       ///< dropped whole
  std::vector<std::pair<std::string, std::string>> schemas; ///< (database, schema) dropped
  std::vector<std::string> roles;                           ///< dropped after clean-up
  std::vector<std::string> surviving_databases;             ///< managed ones that stay
};

/// Compute what destroying the `selected` targets removes, given every target on the server:
/// a database goes when all its targets are selected, else only the selected schemas; a role
/// goes when no unselected target uses it. Throws UsageError for a database dbctl must never
/// drop (postgres, template0, template1) and never drops the admin's own role.
Teardown teardown(const std::vector<targets::Target>& selected,
                  const std::vector<targets::Target>& all, const engine::AdminInfo& admin);

/// Return the statements that carry out a teardown.
std::vector<engine::Statement> plan_teardown(engine::AdminSession& session, const Teardown& teardown);

} // namespace dbctl::provision
