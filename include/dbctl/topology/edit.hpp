#pragma once
// Editing a topology file's text in place, keeping its comments and layout (new-service).
#include "dbctl/topology/model.hpp"

#include <optional>
#include <string>
#include <vector>

namespace dbctl::topology {

/// The text of a new service's manifest (dbctl-service.yaml), with comments saying what each
/// key means.
std::string manifest_text(const std::string& service, const std::vector<Engine>& engines, bool app);

/// The mapping line a topology gains for a service referenced by path, without indentation:
/// `name: { path: folder }` (with `server:` when given).
std::string service_entry(const std::string& service, const std::string& folder,
                          const std::string& server);

/// Return `text` with `entry` added as the last entry of its top-level `services:` block
/// mapping, indented like the entries before it, and every other byte kept (comments, blank
/// lines, key order, CRLF line ends). nullopt when that cannot be done safely: no YAML, no
/// block `services:` mapping (a flow mapping `{...}`), or a result that does not parse with
/// the new entry in it.
std::optional<std::string> add_service_entry(const std::string& text, const std::string& service,
                                             const std::string& entry);

} // namespace dbctl::topology
