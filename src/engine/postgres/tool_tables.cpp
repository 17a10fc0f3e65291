// Reading the history tables other tools left in a target (baseline --from flyway, golang-migrate,
// dbmate, goose, alembic): the rows as the tool wrote them, nullopt when there is no such table.
#include "target_session.hpp"

#include <pqxx/pqxx>

namespace dbctl::engine::postgres {

std::optional<std::vector<FlywayRow>> TargetSession::read_flyway_history(const std::string& name) {
  try {
    pqxx::nontransaction tx(work());
    std::string qualified = work().quote_name(m_schema) + "." + work().quote_name(name);
    if (tx.exec_params1("SELECT to_regclass($1) IS NULL", qualified)[0].as<bool>()) {
      return std::nullopt;
    }
    pqxx::result result = tx.exec(
        "SELECT installed_rank, coalesce(version, ''), description, type, script, checksum, "
        "installed_by, to_char(installed_on, 'YYYY-MM-DD HH24:MI:SS.US'), execution_time, success FROM " +
        qualified + " ORDER BY installed_rank");
    std::vector<FlywayRow> rows;
    for (const auto& r : result) {
      FlywayRow row;
      row.rank = r[0].as<long long>();
      row.version = r[1].c_str();
      row.description = r[2].c_str();
      row.type = r[3].c_str();
      row.script = r[4].c_str();
      if (!r[5].is_null()) {
        row.checksum = r[5].as<int>();
      }
      row.installed_by = r[6].c_str();
      row.installed_at = r[7].c_str();
      row.execution_ms = r[8].as<long long>();
      row.success = r[9].as<bool>();
      rows.push_back(std::move(row));
    }
    return rows;
  } catch (const std::exception& e) {
    rethrow(e, context() + "reading " + name + ": ");
  }
}

std::optional<std::vector<std::vector<std::optional<std::string>>>>
TargetSession::read_tool_table(const std::string& name, const std::vector<std::string>& columns) {
  try {
    pqxx::nontransaction tx(work());
    std::string qualified = work().quote_name(m_schema) + "." + work().quote_name(name);
    if (tx.exec_params1("SELECT to_regclass($1) IS NULL", qualified)[0].as<bool>()) {
      return std::nullopt;
    }
    std::string list;
    for (const auto& column : columns) {
      list += (list.empty() ? "" : ", ") + work().quote_name(column) + "::text";
    }
    std::vector<std::vector<std::optional<std::string>>> rows;
    for (const auto& r : tx.exec("SELECT " + list + " FROM " + qualified + " ORDER BY 1")) {
      std::vector<std::optional<std::string>> row;
      for (const auto& field : r) {
        row.push_back(field.is_null() ? std::nullopt : std::optional<std::string>(field.c_str()));
      }
      rows.push_back(std::move(row));
    }
    return rows;
  } catch (const std::exception& e) {
    rethrow(e, context() + "reading " + name + ": ");
  }
}

} // namespace dbctl::engine::postgres
