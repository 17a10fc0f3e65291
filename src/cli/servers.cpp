#include "servers.hpp"

#include "fanout.hpp"

#include "dbctl/engine/error.hpp"

#include <chrono>
#include <iostream>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

namespace dbctl::cli {

std::vector<ServerGroup> group_by_server(const Project& project) {
  std::vector<ServerGroup> groups;
  for (const auto& server : project.topology.servers) {
    ServerGroup group;
    group.server = &server;
    for (const auto& target : project.selected) {
      if (target.server == &server) {
        group.selected.push_back(target);
      }
    }
    if (group.selected.empty()) {
      continue;
    }
    for (const auto& target : project.all) {
      if (target.server == &server) {
        group.all.push_back(target);
      }
    }
    groups.push_back(std::move(group));
  }
  return groups;
}

namespace {
constexpr const char* k_insufficient_privilege = "42501";
std::string yes_no(bool value) { return value ? "yes" : "no"; }
} // namespace

void execute_logged(engine::AdminSession& session, ServerStatements& plan,
                    const util::Interrupt* interrupt) {
  auto began = std::chrono::steady_clock::now();
  for (const auto& statement : plan.statements) {
    util::throw_if_interrupted(interrupt);
    spdlog::info("{}: {}{}", plan.server->name,
                 statement.database.empty() ? "" : "[" + statement.database + "] ", statement.shown);
    try {
      session.execute(statement);
    } catch (const DbError& e) {
      if (e.sqlstate() != k_insufficient_privilege) {
        throw;
      }
      const engine::AdminInfo& admin = session.info();
      throw DbError(std::string(e.what()) + "; the admin user " + admin.user +
                        " lacks a privilege this needs (superuser: " + yes_no(admin.superuser) +
                        ", CREATEROLE: " + yes_no(admin.create_role) +
                        ", CREATEDB: " + yes_no(admin.create_database) + ")",
                    e.sqlstate());
    }
  }
  plan.duration_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::steady_clock::now() - began).count();
  if (!plan.statements.empty()) {
    spdlog::info("{}: {} statement{} in {}", plan.server->name, plan.statements.size(),
                 plan.statements.size() == 1 ? "" : "s", format_duration(*plan.duration_ms));
  }
}

void print_applied(const std::vector<ServerStatements>& plans, OutputFormat format,
                   const std::string& none) {
  if (format == OutputFormat::json) {
    print_statements(plans, OutputFormat::json, "applied");
    return;
  }
  for (const auto& plan : plans) {
    std::size_t n = plan.statements.size();
    std::cout << plan.server->name << ": "
              << (n == 0 ? none : std::to_string(n) + " change" + (n == 1 ? "" : "s") + " applied")
              << "\n";
  }
}

std::size_t count(const std::vector<ServerStatements>& plans) {
  std::size_t total = 0;
  for (const auto& plan : plans) {
    total += plan.statements.size();
  }
  return total;
}

nlohmann::ordered_json statements_json(const std::vector<ServerStatements>& plans) {
  nlohmann::ordered_json servers = nlohmann::ordered_json::array();
  for (const auto& plan : plans) {
    nlohmann::ordered_json statements = nlohmann::ordered_json::array();
    for (const auto& statement : plan.statements) {
      statements.push_back(
          {{"database", statement.database.empty() ? nlohmann::ordered_json(nullptr)
                                                   : nlohmann::ordered_json(statement.database)},
           {"sql", statement.shown}});
    }
    servers.push_back({{"server", plan.server->name},
                       {"engine", topology::to_string(plan.server->engine->value)},
                       {"statements", statements}});
    if (plan.duration_ms) {
      servers.back()["duration_ms"] = *plan.duration_ms;
    }
  }
  return {{"changes", count(plans)}, {"servers", servers}};
}

void print_json(const nlohmann::ordered_json& doc) {
  std::cout << doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

void print_statements(const std::vector<ServerStatements>& plans, OutputFormat format,
                      const std::string& verb) {
  if (format == OutputFormat::json) {
    print_json(statements_json(plans));
    return;
  }
  for (const auto& plan : plans) {
    std::size_t n = plan.statements.size();
    if (n == 0) {
      std::cout << plan.server->name << ": nothing to do\n";
      continue;
    }
    std::cout << plan.server->name << ": " << n << " change" << (n == 1 ? "" : "s") << " " << verb
              << "\n";
    for (const auto& statement : plan.statements) {
      std::cout << "  " << (statement.database.empty() ? "" : "[" + statement.database + "] ")
                << statement.shown << ";\n";
    }
  }
}

} // namespace dbctl::cli
