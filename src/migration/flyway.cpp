#include "dbctl/migration/flyway.hpp"

#include <array>
#include <map>
#include <optional>
#include <set>

namespace dbctl::migration {

namespace {

std::array<std::uint32_t, 256> crc_table() {
  std::array<std::uint32_t, 256> table{};
  for (std::uint32_t n = 0; n < 256; ++n) {
    std::uint32_t c = n;
    for (int k = 0; k < 8; ++k) {
      c = (c & 1U) != 0 ? 0xEDB88320U ^ (c >> 1) : c >> 1;
    }
    table[n] = c;
  }
  return table;
}

std::uint32_t crc_update(std::uint32_t crc, std::string_view bytes) {
  static const std::array<std::uint32_t, 256> k_table = crc_table();
  for (unsigned char byte : bytes) {
    crc = k_table[(crc ^ byte) & 0xFFU] ^ (crc >> 8);
  }
  return crc;
}

// Name a Flyway row in a message: "V3 (add index)" or "R (user view)".
std::string name_of(const engine::FlywayRow& row) {
  return (row.version.empty() ? std::string("R") : "V" + row.version) + " (" + row.description + ")";
}

const MigrationFile* versioned_file(const MigrationSet& files, const Version& version) {
  for (const auto& file : files.versioned) {
    if (file.version && *file.version == version) {
      return &file;
    }
  }
  return nullptr;
}

const MigrationFile* repeatable_file(const MigrationSet& files, const std::string& description) {
  for (const auto& file : files.repeatable) {
    if (file.description == description) {
      return &file;
    }
  }
  return nullptr;
}

engine::HistoryRow row_from(const engine::FlywayRow& flyway, const std::string& service) {
  engine::HistoryRow row;
  row.service = service;
  row.description = flyway.description;
  row.script = flyway.script;
  row.installed_by = flyway.installed_by;
  row.installed_at = flyway.installed_at;
  row.execution_ms = flyway.execution_ms;
  row.success = true;
  return row;
}

bool is_sql(const std::string& type) { return type == "SQL"; }
bool is_baseline(const std::string& type) { return type == "BASELINE" || type == "SQL_BASELINE"; }

} // namespace

std::int32_t flyway_checksum(std::string_view contents) {
  if (contents.substr(0, 3) == "\xEF\xBB\xBF") {
    contents.remove_prefix(3);
  }
  std::uint32_t crc = 0xFFFFFFFFU;
  std::size_t start = 0;
  while (start < contents.size()) {
    std::size_t end = contents.find_first_of("\r\n", start);
    if (end == std::string_view::npos) {
      crc = crc_update(crc, contents.substr(start));
      break;
    }
    crc = crc_update(crc, contents.substr(start, end - start));
    start = end + (contents[end] == '\r' && end + 1 < contents.size() && contents[end + 1] == '\n' ? 2 : 1);
  }
  return static_cast<std::int32_t>(crc ^ 0xFFFFFFFFU);
}

FlywayImport plan_flyway_import(const std::vector<engine::FlywayRow>& flyway, const MigrationSet& files,
                                const std::string& service,
                                const std::function<std::string(const MigrationFile&)>& read) {
  FlywayImport out;
  // flyway repair (Flyway 9+) marks applied migrations whose files were deleted with a DELETE
  // row; they no longer count as applied.
  std::set<std::string> deleted;
  for (const auto& row : flyway) {
    if (row.type == "DELETE") {
      deleted.insert(row.version.empty() ? "R:" + row.description : row.version);
    }
  }
  // A repeatable counts by its last successful run.
  std::map<std::string, long long> last_run;
  for (const auto& row : flyway) {
    if (is_sql(row.type) && row.version.empty() && row.success) {
      last_run[row.description] = row.rank;
    }
  }
  for (const auto& row : flyway) {
    if (row.type == "SCHEMA" || row.type == "DELETE") {
      continue;
    }
    std::optional<Version> version = row.version.empty() ? std::nullopt : Version::parse(row.version);
    if (!row.version.empty() && !version) {
      out.problems.push_back(name_of(row) + ": Flyway's version " + row.version + " is not a version dbctl reads");
      continue;
    }
    if (deleted.count(row.version.empty() ? "R:" + row.description : row.version) != 0) {
      continue;
    }
    if (!row.success) {
      out.problems.push_back(name_of(row) + " failed under Flyway (installed_rank " + std::to_string(row.rank) +
                             "); run flyway repair, or fix the database, before switching");
      continue;
    }
    if (is_baseline(row.type) && version) {
      engine::HistoryRow baseline = row_from(row, service);
      baseline.version = version->text();
      baseline.type = engine::RowType::baseline;
      out.rows.push_back(std::move(baseline));
      continue;
    }
    if (!is_sql(row.type)) {
      out.problems.push_back(name_of(row) + " is a " + row.type + " migration (" + row.script +
                             "); dbctl runs SQL files only, so it cannot take over this history");
      continue;
    }
    if (version) {
      const MigrationFile* file = versioned_file(files, *version);
      if (file == nullptr) {
        out.problems.push_back(name_of(row) + " was applied by Flyway (" + row.script +
                               ") but no file of that version is in the folder");
        continue;
      }
      std::int32_t now = flyway_checksum(read(*file));
      if (row.checksum && *row.checksum != now) {
        out.problems.push_back(file->script + " changed since Flyway applied it (Flyway's checksum " +
                               std::to_string(*row.checksum) + ", the file's " + std::to_string(now) +
                               "); restore it, or run flyway repair first");
        continue;
      }
      engine::HistoryRow imported = row_from(row, service);
      imported.version = version->text();
      imported.type = engine::RowType::versioned;
      imported.description = file->description;
      imported.script = file->script;
      imported.checksum = file->checksum;
      out.rows.push_back(std::move(imported));
      continue;
    }
    if (last_run[row.description] != row.rank) {
      continue; // an earlier run of a repeatable
    }
    const MigrationFile* file = repeatable_file(files, row.description);
    if (file == nullptr) {
      out.problems.push_back(name_of(row) + " was run by Flyway (" + row.script +
                             ") but no repeatable file of that description is in the folder");
      continue;
    }
    if (row.checksum && *row.checksum != flyway_checksum(read(*file))) {
      out.skipped.push_back(file->script); // changed since: migrate re-runs it, as Flyway would
      continue;
    }
    engine::HistoryRow imported = row_from(row, service);
    imported.type = engine::RowType::repeatable;
    imported.description = file->description;
    imported.script = file->script;
    imported.checksum = file->checksum;
    out.rows.push_back(std::move(imported));
  }
  return out;
}

} // namespace dbctl::migration
