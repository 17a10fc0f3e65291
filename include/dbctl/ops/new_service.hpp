#pragma once
// `new-service`: scaffold a service's folder and add it to the topology file.
#include "dbctl/ops/project.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace dbctl::ops {

/// The service to add.
struct NewService {
  std::string name;
  std::string path;   ///< its folder as the user typed it; empty: services/NAME beside the topology
  std::string server; ///< the server that holds it; empty when the topology leaves no choice
  std::vector<std::string> engines; ///< engines its SQL supports; empty: its server's (or all)
  bool app = true;    ///< it needs an app role
};

/// What add_service did.
struct AddedService {
  std::vector<std::filesystem::path> written; ///< the manifest, then V1__init.sql when written
  std::string entry;                          ///< its `services:` entry
  bool topology_edited = false;               ///< the entry was added to the topology file
  std::string left_as_is; ///< otherwise, why the file was left as it was (add `entry` by hand)
};

/// Write the service's manifest and (unless its folder holds migrations) a first migration,
/// then add its entry under the topology file's `services:` when the edited text loads and
/// checks as cleanly as before (through a temporary file and a rename). Throws UsageError for a
/// bad name, an existing service, manifest or file, or an unplaced service, before writing.
AddedService add_service(const Project& project, const std::filesystem::path& topology_file,
                         const NewService& service);

} // namespace dbctl::ops
