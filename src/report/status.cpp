#include "dbctl/report/status.hpp"

#include "json.hpp"

#include <algorithm>

namespace dbctl::report {

using detail::or_null;

namespace {

StatusRow row_of(const targets::Target& target) {
  StatusRow row;
  row.service = target.service;
  row.tenant = target.tenant;
  row.server = target.server->name;
  row.engine = std::string(topology::to_string(target.engine()));
  row.database = target.database;
  row.schema = target.schema;
  return row;
}

} // namespace

std::vector<StatusRow> status_rows(const std::vector<targets::Target>& selected, const ops::StatusRun& run) {
  std::vector<StatusRow> rows;
  for (std::size_t i = 0; i < selected.size(); ++i) {
    StatusRow row = row_of(selected[i]);
    const std::optional<ops::Outcome>& outcome = run.outcomes[i];
    if (outcome && outcome->result == ops::Result::inspected && run.plans[i]) {
      const migration::MigrationPlan& plan = *run.plans[i];
      row.state = plan.state;
      row.current_version = plan.current_version;
      row.applied = plan.applied;
      row.pending = plan.pending.size();
      row.issues = plan.issues;
      if (const auto& schema = run.schemas.size() > i ? run.schemas[i] : std::nullopt) {
        // A file's drift or failure says more than the schema's; pending work does not hide it.
        if (schema->drift && (plan.state == migration::State::up_to_date || plan.state == migration::State::pending)) {
          row.state = migration::State::schema_drift;
        }
        row.issues.insert(row.issues.end(), schema->issues.begin(), schema->issues.end());
      }
    } else {
      // Every selected target appears exactly once, one that could not be inspected too.
      std::string prefix = selected[i].key() + ": ";
      std::string message = outcome && !outcome->error.empty() ? outcome->error
                                                                : "not inspected: the run was interrupted";
      row.issues.push_back(message.rfind(prefix, 0) == 0 ? message.substr(prefix.size()) : message);
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

std::vector<StatusRow> store_rows(const std::vector<targets::Target>& stores,
                                  const std::vector<ops::StoreStatus>& inspected) {
  std::vector<StatusRow> rows;
  for (std::size_t i = 0; i < stores.size(); ++i) {
    StatusRow row = row_of(stores[i]);
    const ops::StoreStatus& status = inspected[i];
    if (!status.state) {
      row.store_state = "error";
      row.issues.push_back(status.error.empty() ? "not inspected" : status.error);
    } else {
      row.store_state = *status.state == engine::AclState::ready     ? "ready"
                        : *status.state == engine::AclState::missing ? "missing"
                                                                     : "drift";
      if (*status.state == engine::AclState::missing) {
        row.issues.push_back("no ACL user " + stores[i].owner.name + " (dbctl init creates it)");
      }
      for (const auto& why : status.issues) {
        row.issues.push_back("ACL user " + stores[i].owner.name + ": " + why + " (dbctl init rewrites it)");
      }
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

bool all_up_to_date(const std::vector<StatusRow>& rows) {
  return std::all_of(rows.begin(), rows.end(), [](const StatusRow& row) {
    return row.store_state ? *row.store_state == "ready" : row.state == migration::State::up_to_date;
  });
}

std::string state_name(const std::optional<migration::State>& state) {
  return state ? migration::to_string(*state) : "error";
}

std::string state_name(const StatusRow& row) { return row.store_state ? *row.store_state : state_name(row.state); }

std::string status_json(const std::vector<StatusRow>& rows) {
  detail::Json out = detail::Json::array();
  for (const auto& row : rows) {
    out.push_back({{"service", row.service},
                   {"tenant", or_null(row.tenant)},
                   {"server", row.server},
                   {"engine", row.engine},
                   {"database", row.database},
                   {"schema", or_null(row.schema)},
                   {"state", state_name(row)},
                   {"current_version", or_null(row.current_version)},
                   {"applied", row.applied},
                   {"pending", row.pending},
                   {"issues", row.issues}});
  }
  return detail::dump(out);
}

std::string state_color(const std::optional<migration::State>& state) {
  if (!state) {
    return "\033[31m"; // error
  }
  switch (*state) {
  case migration::State::up_to_date: return "\033[32m";
  case migration::State::pending:
  case migration::State::empty:
  case migration::State::missing: return "\033[33m";
  case migration::State::failed:
  case migration::State::drift:
  case migration::State::schema_drift: return "\033[31m";
  case migration::State::ahead: return "\033[35m";
  }
  return "";
}

std::string state_color(const StatusRow& row) {
  if (!row.store_state) {
    return state_color(row.state);
  }
  return *row.store_state == "ready" ? "\033[32m" : *row.store_state == "missing" ? "\033[33m" : "\033[31m";
}

std::string status_table(const std::vector<StatusRow>& rows, bool color) {
  std::vector<std::vector<std::string>> cells{
      {"TARGET", "SERVER", "DATABASE", "SCHEMA", "STATE", "VERSION", "APPLIED", "PENDING"}};
  for (const auto& row : rows) {
    cells.push_back({row.service + (row.tenant ? "[" + *row.tenant + "]" : ""), row.server,
                     row.database, row.schema.value_or("-"), state_name(row),
                     row.current_version.value_or("-"), row.store_state ? "-" : std::to_string(row.applied),
                     row.store_state ? "-" : std::to_string(row.pending)});
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
      std::string paint = !color ? "" : r == 0 ? "\033[1m" : i == k_state ? state_color(rows[r - 1]) : "";
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
