#pragma once
// `dbctl new`: writing the next migration file.
#include "dbctl/migration/discovery.hpp"

#include <ctime>
#include <filesystem>
#include <optional>
#include <string_view>

namespace dbctl::migration {

/// Return the version after the newest in set: `1` for none, the current UTC time
/// (YYYYMMDDHHMMSS) when versions are such timestamps, else the newest with its last segment
/// increased (`3` -> `4`, `1.9` -> `1.10`).
Version next_version(const MigrationSet& set, std::time_t now);

/// The file `create_migration` wrote.
struct NewMigration {
  std::filesystem::path path;
  Version version;
};

/// Write `V<version>__<slug>.sql` into folder (creating the folder), never overwriting a file.
/// Throws UsageError for a description without letters or digits or a version already used,
/// and Error when the file cannot be written.
NewMigration create_migration(const std::filesystem::path& folder, std::string_view description,
                              const std::optional<Version>& version, std::time_t now);

} // namespace dbctl::migration
