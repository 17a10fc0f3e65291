#pragma once
// Cross-target steps of expansion: extra-role grants and conflict checks.
#include "dbctl/targets/expand.hpp"

namespace dbctl::targets::detail {

/// Return a role with its password: the given one, else derived, else none (NOLOGIN).
Role make_role(const topology::Topology& topology, const std::string& name,
               const std::optional<topology::Located<util::Secret>>& password);

/// Give each target the `roles:` entries that grant on its service (strongest privilege wins).
void attach_grants(const topology::Topology& topology, Expansion& out);

/// Report targets sharing a (server, database, schema) and role names used with two meanings
/// or two passwords on one server.
void check_conflicts(const topology::Topology& topology, Expansion& out);

} // namespace dbctl::targets::detail
