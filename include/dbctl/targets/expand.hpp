#pragma once
// Expanding a topology into targets, and selecting among them.
#include "dbctl/targets/target.hpp"
#include "dbctl/topology/model.hpp"
#include "dbctl/util/diagnostics.hpp"

#include <string>
#include <vector>

namespace dbctl::targets {

/// Targets in topology order (services, then tenants), and the problems expansion found:
/// unresolvable placements, names that are invalid once templates are filled in, two targets
/// sharing a database and schema, a role name used with two meanings or passwords.
struct Expansion {
  std::vector<Target> targets;
  /// The services' Redis namespaces (`redis:`), one per SQL target of a service that has one,
  /// in the same order; each on an engine: redis server.
  std::vector<Target> stores;
  util::Diagnostics diagnostics;
};

/// Expand every service (and tenant) into targets. Pure: reads nothing but the topology.
Expansion expand(const topology::Topology& topology);

/// The `--service`, `--tenant` and `--server` filters; an empty list selects everything.
struct Selection {
  std::vector<std::string> services;
  std::vector<std::string> tenants;
  std::vector<std::string> servers;
};

/// Keep the targets matching every non-empty filter. Throws UsageError naming a service,
/// tenant or server the topology does not have (with a suggestion when one is close).
std::vector<Target> select(const std::vector<Target>& targets, const Selection& selection,
                           const topology::Topology& topology);

/// Return the password derived for a role: url-safe base64 of HMAC-SHA256(secret, role).
util::Secret derive_password(const util::Secret& secret, const std::string& role);

} // namespace dbctl::targets
