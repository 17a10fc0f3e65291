#include "dbctl/report/provision.hpp"

#include "json.hpp"

#include "dbctl/report/migrate.hpp"

namespace dbctl::report {

using detail::Json;

namespace detail {

Json statements_doc(const std::vector<ops::ServerStatements>& plans) {
  Json servers = Json::array();
  for (const auto& plan : plans) {
    Json statements = Json::array();
    for (const auto& statement : plan.statements) {
      statements.push_back({{"database", statement.database.empty() ? Json(nullptr) : Json(statement.database)},
                            {"sql", statement.display()}});
    }
    servers.push_back({{"server", plan.server->name},
                       {"engine", topology::to_string(plan.server->engine->value)},
                       {"statements", statements}});
    if (plan.duration_ms) {
      servers.back()["duration_ms"] = *plan.duration_ms;
    }
    if (!plan.failovers.empty()) {
      servers.back()["failovers"] = failovers_doc(plan.failovers);
    }
    if (!plan.unwanted.empty()) {
      servers.back()["unwanted"] = plan.unwanted;
    }
  }
  return {{"changes", ops::count(plans)}, {"servers", servers}};
}

Json wait_doc(const std::vector<ops::ServerReady>& ready) {
  Json out = Json::array();
  for (const auto& server : ready) {
    out.push_back({{"server", server.server->name},
                   {"engine", topology::to_string(server.server->engine->value)},
                   {"attempts", server.attempts},
                   {"duration_ms", server.duration_ms}});
  }
  return out;
}

} // namespace detail

namespace {

std::string changes(std::size_t n) { return std::to_string(n) + " change" + (n == 1 ? "" : "s"); }

} // namespace

std::string statements_text(const std::vector<ops::ServerStatements>& plans, const std::string& verb) {
  std::string out;
  for (const auto& plan : plans) {
    if (plan.statements.empty()) {
      out += plan.server->name + ": nothing to do\n";
      continue;
    }
    out += plan.server->name + ": " + changes(plan.statements.size()) + " " + verb + "\n";
    for (const auto& statement : plan.statements) {
      out += "  " + (statement.database.empty() ? "" : "[" + statement.database + "] ") + statement.display() +
             (plan.server->is_redis() ? "\n" : ";\n"); // a Redis command, not SQL
    }
  }
  return out;
}

std::string statements_json(const std::vector<ops::ServerStatements>& plans) {
  return detail::dump(detail::statements_doc(plans));
}

std::string applied_text(const std::vector<ops::ServerStatements>& plans, const std::string& none) {
  std::string out;
  for (const auto& plan : plans) {
    std::size_t n = plan.statements.size();
    out += plan.server->name + ": " + (n == 0 ? none : changes(n) + " applied") + failovers_note(plan.failovers) +
           "\n";
  }
  return out;
}

std::string plan_text(const std::vector<ops::ServerStatements>& plans, const std::vector<ops::Inspected>& migrations) {
  std::string out = statements_text(plans, "to apply");
  for (const auto& plan : plans) {
    for (const auto& line : plan.unwanted) {
      out += plan.server->name + ": not in the topology: " + line + "\n";
    }
  }
  for (const auto& [target, plan] : migrations) {
    if (!plan.pending.empty()) {
      std::string list;
      for (const auto* file : plan.pending) {
        list += (list.empty() ? "" : ", ") + file->script;
      }
      out += target->key() + ": " + std::to_string(plan.pending.size()) + " migration" +
             (plan.pending.size() == 1 ? "" : "s") + " to apply: " + list + "\n";
    }
    for (const auto& problem : plan.problems) {
      out += target->key() + ": " + problem + "\n";
    }
  }
  return out;
}

std::string plan_json(const std::vector<ops::ServerStatements>& plans, const std::vector<ops::Inspected>& migrations,
                      const std::vector<std::vector<ops::PendingSql>>* sql) {
  Json doc = detail::statements_doc(plans);
  Json targets = Json::array();
  for (const auto& [target, plan] : migrations) {
    Json scripts = Json::array();
    for (const auto* file : plan.pending) {
      scripts.push_back(file->script);
    }
    targets.push_back({{"target", target->key()}, {"state", migration::to_string(plan.state)},
                       {"pending", scripts}, {"issues", plan.problems}});
    if (sql != nullptr) {
      Json items = Json::array();
      for (const auto& item : (*sql)[targets.size() - 1]) {
        items.push_back({{"script", item.script}, {item.command ? "command" : "sql", item.sql}});
      }
      targets.back()["sql"] = std::move(items);
    }
  }
  doc["migrations"] = std::move(targets);
  return detail::dump(doc);
}

std::vector<SqlPart> plan_sql(const std::vector<ops::ServerStatements>& plans, const std::vector<ops::Inspected>& migrations,
                              const std::vector<std::vector<ops::PendingSql>>& sql) {
  std::vector<SqlPart> out;
  for (const auto& plan : plans) {
    if (plan.statements.empty()) {
      continue;
    }
    // A Redis server's part is its commands as redis-cli takes them, with # comments.
    bool redis = plan.server->is_redis();
    std::string comment = redis ? "# " : "-- ";
    SqlPart part{"init@" + plan.server->name + (redis ? ".redis" : ".sql"),
                 comment + "dbctl init: server " + plan.server->name + ", " + changes(plan.statements.size()) + "\n"};
    std::optional<std::string> database;
    for (const auto& statement : plan.statements) {
      if (!database || *database != statement.database) {
        database = statement.database;
        std::string where = !statement.database.empty() ? "on database " + statement.database
                            : redis                       ? "server-wide (ACL users)"
                                                          : "on the admin database";
        part.text += "\n" + comment + where + "\n";
      }
      std::string shown = statement.display();
      for (std::size_t at = shown.find("'***'"); at != std::string::npos; at = shown.find("'***'", at)) {
        shown.replace(at, 5, "'<redacted>'");
      }
      part.text += shown + (redis ? "\n" : ";\n");
    }
    out.push_back(std::move(part));
  }
  for (std::size_t i = 0; i < migrations.size() && i < sql.size(); ++i) {
    const targets::Target& target = *migrations[i].target;
    if (sql[i].empty()) {
      continue;
    }
    std::string name = target.service + (target.tenant ? "." + *target.tenant : "") + "@" + target.server->name + ".sql";
    SqlPart part{name, "-- dbctl migrate: " + target.key() + ", database " + target.database +
                           (target.schema ? ", schema " + *target.schema : "") + ", as " + target.owner.name + "\n"};
    for (const auto& item : sql[i]) {
      if (item.command) {
        part.text += "\n-- runs `" + item.sql + "` (format: command): the tool's own SQL\n";
        continue;
      }
      part.text += "\n-- " + item.script +
                   (target.engine() != topology::Engine::postgres ? " (statement by statement, its progress recorded)"
                    : item.no_transaction                          ? " (outside a transaction)"
                                                                   : " (one transaction with its history row)") +
                   "\n";
      part.text += item.sql;
      if (!item.sql.empty() && item.sql.back() != '\n') {
        part.text += "\n";
      }
    }
    out.push_back(std::move(part));
  }
  return out;
}

std::size_t plan_changes(const std::vector<ops::ServerStatements>& plans, const std::vector<ops::Inspected>& migrations) {
  std::size_t total = ops::count(plans);
  for (const auto& plan : plans) {
    total += plan.unwanted.size(); // what init --prune would remove is work too (plan --check)
  }
  for (const auto& inspected : migrations) {
    total += inspected.plan.pending.size() + inspected.plan.problems.size();
  }
  return total;
}

std::string wait_json(const std::vector<ops::ServerReady>& ready) {
  return detail::dump(detail::wait_doc(ready));
}

} // namespace dbctl::report
