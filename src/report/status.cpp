#include "dbctl/report/status.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace dbctl::report {

namespace {
template <typename T> nlohmann::ordered_json or_null(const std::optional<T>& value) {
  return value ? nlohmann::ordered_json(*value) : nlohmann::ordered_json(nullptr);
}
} // namespace

std::string status_json(const std::vector<StatusRow>& rows) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const auto& row : rows) {
    out.push_back({{"service", row.service},
                   {"tenant", or_null(row.tenant)},
                   {"server", row.server},
                   {"engine", row.engine},
                   {"database", row.database},
                   {"schema", or_null(row.schema)},
                   {"state", row.state},
                   {"current_version", or_null(row.current_version)},
                   {"applied", row.applied},
                   {"pending", row.pending},
                   {"issues", row.issues}});
  }
  return out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::string state_color(const std::string& state) {
  if (state == "up-to-date") {
    return "\033[32m";
  }
  if (state == "pending" || state == "empty" || state == "missing") {
    return "\033[33m";
  }
  if (state == "failed" || state == "drift" || state == "error") {
    return "\033[31m";
  }
  return state == "ahead" ? "\033[35m" : "";
}

std::string status_table(const std::vector<StatusRow>& rows, bool color) {
  std::vector<std::vector<std::string>> cells{
      {"TARGET", "SERVER", "DATABASE", "SCHEMA", "STATE", "VERSION", "APPLIED", "PENDING"}};
  for (const auto& row : rows) {
    cells.push_back({row.service + (row.tenant ? "[" + *row.tenant + "]" : ""), row.server,
                     row.database, row.schema.value_or("-"), row.state,
                     row.current_version.value_or("-"), std::to_string(row.applied),
                     std::to_string(row.pending)});
  }
  std::vector<std::size_t> widths(cells[0].size(), 0);
  for (const auto& line : cells) {
    for (std::size_t i = 0; i < line.size(); ++i) {
      widths[i] = std::max(widths[i], line[i].size());
    }
  }
  constexpr std::size_t k_state = 4;
  std::string out;
  for (std::size_t r = 0; r < cells.size(); ++r) {
    std::string line;
    for (std::size_t i = 0; i < cells[r].size(); ++i) {
      std::string paint = !color ? "" : r == 0 ? "\033[1m" : i == k_state ? state_color(cells[r][i]) : "";
      line += paint.empty() ? cells[r][i] : paint + cells[r][i] + "\033[0m";
      if (i + 1 < cells[r].size()) {
        line += std::string(widths[i] - cells[r][i].size() + 2, ' ');
      }
    }
    out += line + "\n";
    if (r > 0) {
      for (const auto& issue : rows[r - 1].issues) {
        out += "  ! " + issue + "\n";
      }
    }
  }
  return out;
}

} // namespace dbctl::report
