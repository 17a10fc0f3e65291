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

/// Write the next migration into folder (creating the folder), never overwriting a file, named
/// and laid out as `format` writes them (automatic: as the folder's files are): flyway
/// `V<version>__<slug>.sql`; golang-migrate `<version>_<slug>.up.sql` and `.down.sql`; dbmate
/// and goose `<version>_<slug>.sql` with their up and down markers. Versions keep the folder's
/// zero-padded width; an empty dbmate or goose folder starts with a UTC timestamp, as those
/// tools do. Returns the up file. Throws UsageError for a description without letters or
/// digits or a version already used, and Error when a file cannot be written.
NewMigration create_migration(const std::filesystem::path& folder, std::string_view description,
                              const std::optional<Version>& version, std::time_t now,
                              Format format = Format::flyway);

} // namespace dbctl::migration
