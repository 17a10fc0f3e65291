#pragma once
// Provisioning policy, written once for every engine: what a server should hold for a set of
// targets, in which order, and what destroy removes.
#include "dbctl/engine/driver.hpp"
#include "dbctl/targets/target.hpp"
#include "dbctl/topology/model.hpp"
#include "dbctl/util/diagnostics.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
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
  std::vector<engine::AclUserSpec> acl_users; ///< a Redis server's (it has nothing above)
};

/// Return the ACL user of a Redis target (Expansion::stores).
engine::AclUserSpec acl_user_spec(const targets::Target& store);

/// Compute the desired state of the `selected` targets of one server. `all` holds every target
/// on that server: a database's owner and who may connect to it depend on all of them. An
/// admin that is not a superuser is made a member of each owner it creates objects for.
DesiredState desired_state(const targets::TargetRefs& selected,
                           const targets::TargetRefs& all, const engine::AdminInfo& admin);

/// The lanes of one server's plan (engine::Statement::lane): the statements of each database (its
/// creation and what is done inside it) take a lane of their own, numbered from 1 in order of
/// first mention, so that `init -j` provisions databases side by side; what is not one
/// database's (roles, memberships, ACL users, pruning) keeps lane 0 and runs alone.
class Lanes {
public:
  /// Append `statements` to `out` in `database`'s lane.
  void append(std::vector<engine::Statement>&& statements, const std::string& database,
              std::vector<engine::Statement>& out);

private:
  std::unordered_map<std::string, std::uint32_t> m_lanes;
};

/// Return the statements closing the gap between the server and the desired state (none when
/// it already matches), each database's in its lane of `lanes`. Throws DbError when the admin
/// lacks a privilege the plan needs.
std::vector<engine::Statement> plan(engine::AdminSession& session, const DesiredState& desired,
                                    const std::string& server_name, Lanes& lanes);

/// Check that the server of `session` can host the `selected` targets before anything is
/// created there: its version against each service manifest's minimum for its product, and
/// each extension a target needs either in its database already or one the admin may create
/// (in pg_available_extensions; a superuser's, unless trusted). Returns one error per service
/// and problem, at the topology line that placed the service, naming the manifest's or the
/// topology's line that asks for it; an empty result means it can. Throws DbError.
std::vector<util::Diagnostic> check_hosting(engine::AdminSession& session,
                                            const topology::Topology& topology,
                                            const targets::TargetRefs& selected);

/// Tell whether a server's version, as it reports it ("15.4 (Debian 15.4-1)",
/// "10.11.6-MariaDB-0+deb12u1"), is at least `required` ("14", "10.6"): numbers compared one by
/// one, missing ones counting as 0. False when the server's version has no leading number.
bool version_at_least(std::string_view server_version, std::string_view required);

/// What destroy removes from one server.
struct Teardown {
  std::vector<std::string> databases;                       ///< dropped whole
  std::vector<std::pair<std::string, std::string>> schemas; ///< (database, schema) dropped
  std::vector<std::string> roles;                           ///< dropped after clean-up
  std::vector<std::string> surviving_databases;             ///< managed ones that stay
  /// Redis, with flush: the (database, key prefix) namespaces whose keys go; an empty prefix
  /// is the whole database (namespace: db).
  std::vector<std::pair<int, std::string>> keys;
};

/// Compute what destroying the `selected` targets removes, given every target on the server:
/// a database goes when all its targets are selected, else only the selected schemas; a role
/// goes when no unselected target uses it. Throws UsageError for a database dbctl must never
/// drop (postgres, template0, template1) and never drops the admin's own role. On a Redis
/// server: the ACL users no unselected target uses, and with `flush` the selected namespaces'
/// keys (without it, no key is touched).
Teardown teardown(const targets::TargetRefs& selected,
                  const targets::TargetRefs& all, const engine::AdminInfo& admin, bool flush = false);

/// Return the statements that carry out a teardown.
std::vector<engine::Statement> plan_teardown(engine::AdminSession& session, const Teardown& teardown);

} // namespace dbctl::provision
