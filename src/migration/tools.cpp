#include "dbctl/migration/tools.hpp"

#include <algorithm>
#include <map>

namespace dbctl::migration {

namespace {

bool truthy(const std::optional<std::string>& value) {
  return value && (*value == "t" || *value == "true" || *value == "1");
}

const MigrationFile* file_of(const MigrationSet& files, const Version& version) {
  auto found = std::lower_bound(files.versioned.begin(), files.versioned.end(), version,
                                [](const MigrationFile& file, const Version& v) { return *file.version < v; });
  return found != files.versioned.end() && *found->version == version ? &*found : nullptr;
}

engine::HistoryRow row_of(const MigrationFile& file, const std::string& service, const std::string& installed_by) {
  engine::HistoryRow row;
  row.service = service;
  row.version = file.version->text();
  row.description = file.description;
  row.type = engine::RowType::versioned;
  row.script = file.script;
  row.checksum = file.checksum;
  row.installed_by = installed_by;
  row.success = true;
  return row;
}

// The versions the tool's rows say are applied, in the order found; problems for rows dbctl
// cannot take over.
std::vector<Version> applied_versions(Tool tool, const std::vector<std::vector<std::optional<std::string>>>& table,
                                      const MigrationSet& files, std::vector<std::string>& problems) {
  std::vector<Version> applied;
  auto version_of = [&](const std::optional<std::string>& text) -> std::optional<Version> {
    std::optional<Version> version = text ? Version::parse(*text) : std::nullopt;
    if (!version) {
      problems.push_back("version '" + text.value_or("NULL") + "' in " + tool_table(tool).table +
                         " is not a version dbctl can read");
    }
    return version;
  };
  if (tool == Tool::golang_migrate) {
    if (table.size() > 1) {
      problems.push_back("schema_migrations holds " + std::to_string(table.size()) +
                         " rows; golang-migrate keeps one (the current version)");
      return applied;
    }
    for (const auto& row : table) {
      std::optional<Version> current = version_of(row[0]);
      if (current && truthy(row[1])) {
        problems.push_back("golang-migrate left version " + current->text() +
                           " dirty (it failed half way): repair the database, then `migrate force` the version "
                           "that is really applied");
      } else if (current) {
        for (const auto& file : files.versioned) {
          if (!(*file.version > *current)) {
            applied.push_back(*file.version);
          }
        }
        if (file_of(files, *current) == nullptr) {
          applied.push_back(*current); // reported below as a version without a file
        }
      }
    }
  } else if (tool == Tool::dbmate) {
    for (const auto& row : table) {
      if (auto version = version_of(row[0])) {
        applied.push_back(*version);
      }
    }
  } else {
    std::map<std::string, std::pair<Version, bool>> last; // goose: the latest row per version wins
    for (const auto& row : table) {
      if (auto version = version_of(row[1]); version && version->text() != "0") {
        last.insert_or_assign(version->text(), std::pair{*version, truthy(row[2])});
      }
    }
    for (const auto& [text, state] : last) {
      if (state.second) {
        applied.push_back(state.first);
      }
    }
  }
  return applied;
}

} // namespace

std::optional<Tool> tool_of(const std::string& name) {
  if (name == "golang-migrate") {
    return Tool::golang_migrate;
  }
  if (name == "dbmate") {
    return Tool::dbmate;
  }
  if (name == "goose") {
    return Tool::goose;
  }
  return std::nullopt;
}

std::string to_string(Tool tool) {
  switch (tool) {
  case Tool::golang_migrate:
    return "golang-migrate";
  case Tool::dbmate:
    return "dbmate";
  case Tool::goose:
    return "goose";
  }
  return "?";
}

ToolTable tool_table(Tool tool) {
  switch (tool) {
  case Tool::golang_migrate:
    return {"schema_migrations", {"version", "dirty"}};
  case Tool::dbmate:
    return {"schema_migrations", {"version"}};
  case Tool::goose:
    return {"goose_db_version", {"id", "version_id", "is_applied"}};
  }
  return {};
}

ToolImport plan_tool_import(Tool tool, const std::vector<std::vector<std::optional<std::string>>>& table,
                            const MigrationSet& files, const std::string& service, const std::string& installed_by) {
  ToolImport out;
  std::vector<Version> applied = applied_versions(tool, table, files, out.problems);
  std::sort(applied.begin(), applied.end());
  applied.erase(std::unique(applied.begin(), applied.end()), applied.end());
  for (const Version& version : applied) {
    const MigrationFile* file = file_of(files, version);
    if (file == nullptr) {
      out.problems.push_back("version " + version.text() + " was applied by " + to_string(tool) +
                             " but no file of that version is in the folder");
      continue;
    }
    out.rows.push_back(row_of(*file, service, installed_by));
  }
  return out;
}

} // namespace dbctl::migration
