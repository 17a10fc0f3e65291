#pragma once
// Switching from golang-migrate, dbmate or goose: what each tool's own table says is applied,
// turned into dbctl_history rows (`dbctl baseline --from TOOL`). Written once for every engine.
#include "dbctl/engine/history.hpp"
#include "dbctl/migration/discovery.hpp"

#include <optional>
#include <string>
#include <vector>

namespace dbctl::migration {

enum class Tool { golang_migrate, dbmate, goose };

/// Return the tool of a `--from` name (golang-migrate, dbmate, goose), if any.
std::optional<Tool> tool_of(const std::string& name);

/// Return the tool's name as `--from` writes it.
std::string to_string(Tool tool);

/// Where a tool keeps its history: its default table and the columns dbctl reads, in order.
struct ToolTable {
  std::string table;
  std::vector<std::string> columns;
};

/// Return the table and columns of a tool: golang-migrate `schema_migrations (version, dirty)`,
/// dbmate `schema_migrations (version)`, goose `goose_db_version (id, version_id, is_applied)`.
ToolTable tool_table(Tool tool);

/// What the import would write, or why it cannot.
struct ToolImport {
  std::vector<engine::HistoryRow> rows; ///< one versioned row per applied file, in version order
  std::vector<std::string> problems;    ///< any one stops the import
};

/// Turn a tool's rows (as read_tool_table returns them, in tool_table's columns) into
/// dbctl_history rows for `service`, each applied version matched with its file in `files` (the
/// row's checksum is the file's): golang-migrate's one row means every file up to its version
/// is applied, and `dirty` is a problem naming the version; dbmate's rows are the applied
/// versions; goose's last row per version says whether it is applied (version 0 is goose's
/// own). An applied version without a file is a problem.
ToolImport plan_tool_import(Tool tool, const std::vector<std::vector<std::optional<std::string>>>& table,
                            const MigrationSet& files, const std::string& service, const std::string& installed_by);

} // namespace dbctl::migration
