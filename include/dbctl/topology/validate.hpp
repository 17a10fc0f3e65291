#pragma once
// Checks of a loaded topology that need no server and no expansion.
#include "dbctl/topology/model.hpp"
#include "dbctl/util/diagnostics.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace dbctl::topology {

/// Check names, references between sections, mode-specific keys and naming templates,
/// adding every problem to diagnostics.
void validate(const Topology& topology, util::Diagnostics& diagnostics);

/// Return the placeholders ({service}, {tenant}, {name}) a template uses, or report an
/// unknown or unterminated one through `problem`.
std::vector<std::string> template_placeholders(std::string_view text, std::string& problem);

/// Tell whether a server name is acceptable: [A-Za-z_][A-Za-z0-9_-]*.
bool is_server_name(std::string_view name);

} // namespace dbctl::topology
