#pragma once
// Connection URLs that services read from DATABASE_URL.
#include "dbctl/targets/target.hpp"

#include <string>

namespace dbctl::targets {

enum class RoleKind { owner, app };

/// Return the URL connecting to a target as its owner or app role, working as given with
/// libpq/psql (`postgres://`, `options=-csearch_path=...` for a non-public schema) and MySQL
/// clients (`mysql://`). Credentials and names are percent-encoded. Throws UsageError when
/// the app role is asked for and the target has none.
std::string connection_url(const Target& target, RoleKind role);

/// Return the environment variable for a target: `{SERVICE}_DATABASE_URL`, or
/// `{SERVICE}_{TENANT}_DATABASE_URL` for a tenant's copy.
std::string url_variable(const Target& target);

} // namespace dbctl::targets
