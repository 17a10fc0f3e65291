#include "dbctl/report/provision.hpp"

#include "json.hpp"

namespace dbctl::report {

using detail::Json;

namespace detail {

Json statements_doc(const std::vector<ops::ServerStatements>& plans) {
  Json servers = Json::array();
  for (const auto& plan : plans) {
    Json statements = Json::array();
    for (const auto& statement : plan.statements) {
      statements.push_back({{"database", statement.database.empty() ? Json(nullptr) : Json(statement.database)},
                            {"sql", statement.shown}});
    }
    servers.push_back({{"server", plan.server->name},
                       {"engine", topology::to_string(plan.server->engine->value)},
                       {"statements", statements}});
    if (plan.duration_ms) {
      servers.back()["duration_ms"] = *plan.duration_ms;
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
      out += "  " + (statement.database.empty() ? "" : "[" + statement.database + "] ") + statement.shown + ";\n";
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
    out += plan.server->name + ": " + (n == 0 ? none : changes(n) + " applied") + "\n";
  }
  return out;
}

std::string plan_text(const std::vector<ops::ServerStatements>& plans, const std::vector<ops::Inspected>& migrations) {
  std::string out = statements_text(plans, "to apply");
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

std::string plan_json(const std::vector<ops::ServerStatements>& plans, const std::vector<ops::Inspected>& migrations) {
  Json doc = detail::statements_doc(plans);
  Json targets = Json::array();
  for (const auto& [target, plan] : migrations) {
    Json scripts = Json::array();
    for (const auto* file : plan.pending) {
      scripts.push_back(file->script);
    }
    targets.push_back({{"target", target->key()}, {"state", migration::to_string(plan.state)},
                       {"pending", scripts}, {"issues", plan.problems}});
  }
  doc["migrations"] = std::move(targets);
  return detail::dump(doc);
}

std::size_t plan_changes(const std::vector<ops::ServerStatements>& plans, const std::vector<ops::Inspected>& migrations) {
  std::size_t total = ops::count(plans);
  for (const auto& inspected : migrations) {
    total += inspected.plan.pending.size() + inspected.plan.problems.size();
  }
  return total;
}

std::string wait_json(const std::vector<ops::ServerReady>& ready) {
  return detail::dump(detail::wait_doc(ready));
}

} // namespace dbctl::report
